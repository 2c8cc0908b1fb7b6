"""ce_backprop — the NumPy library of the course 交叉熵与反向传播 · Cross-Entropy and Backpropagation.

Each function is defined once, here, and its docstring names the chapter that
derives it. A chapter starts with ``import ce_backprop as cb``.

The core needs only NumPy. The explorers (ipywidgets, Matplotlib) and the
figures (``cb.show_figure``, ``cb.subplots``) are imported on first use.
Importing the package changes nothing in Matplotlib: a chapter's setup cell
calls ``cb.setup_figures()`` (see plotting.py).
"""

import importlib as _importlib
import sys as _sys

from .activations import sigmoid, sigmoid_prime
from .binary_cross_entropy import (
    binary_cross_entropy,
    binary_cross_entropy_grad_a,
    binary_cross_entropy_grad_logits,
    binary_cross_entropy_with_logits,
)
from .gradcheck import (
    DEFAULT_STEP,
    DEFAULT_THRESHOLD,
    EPSILON,
    GradientCheck,
    TaylorTest,
    gradient_check,
    numerical_gradient,
    relative_error,
    taylor_test,
)
from .losses import quadratic_cost, quadratic_cost_grad_a
from .multilabel import (
    MultilabelHistory,
    multilabel_cost,
    multilabel_forward,
    multilabel_gradients,
    multilabel_init,
    multilabel_metrics,
    train_multilabel,
)
from .neuron import (
    NEURON_COSTS,
    NeuronCost,
    NeuronHistory,
    cross_entropy_delta,
    neuron_forward,
    neuron_gradients,
    quadratic_delta,
    train_neuron,
)
from .data import DigitsSplit, DigitsThreeWay, load_digits_split, load_digits_with_validation
from .network import (
    NETWORK_COSTS,
    ForwardCache,
    NetworkParams,
    network_backward,
    network_cost,
    network_forward,
    network_init,
    network_loss,
    network_predict,
    network_step,
)
from .training import TrainingHistory, accuracy, confusion_matrix, minibatches, train
from .hidden_activations import relu, relu_prime, tanh, tanh_prime
from .deep_network import (
    ACTIVATION_NAMES,
    HIDDEN_ACTIVATIONS,
    INITIALISATIONS,
    DeepCache,
    DeepParams,
    dead_unit_fraction,
    deep_backward,
    deep_errors,
    deep_forward,
    deep_init,
    deep_loss,
    deep_predict,
    deep_step,
    init_std,
    class_prior_share,
    layer_gradient_norms,
    sample_spread,
    train_deep,
)
from .show import show_source
from .lang import Bilingual, Labels, display_width, join_lines, language, pad_to_width, set_language
from . import exercises
from . import autodiff
from . import forward_mode
from .softmax import (
    log_softmax,
    logsumexp,
    one_hot,
    softmax,
    softmax_cross_entropy,
    softmax_cross_entropy_grad,
    softmax_jacobian,
)

__version__ = "0.1.0"

#: Names served lazily by module-level ``__getattr__``: name -> submodule. These
#: submodules need Matplotlib (and the explorers ipywidgets), which the core does not.
_LAZY = {
    "neuron_explorer": "explorers",
    "plot_neuron_run": "explorers",
    "softmax_explorer": "explorers",
    "training_explorer": "explorers",
    "deep_explorer": "deep_explorer",
    "configure_matplotlib": "plotting",
    "find_cjk_font": "plotting",
    "cjk_font": "plotting",
    "setup_figures": "plotting",
    "show_figure": "plotting",
    "figure_outputs": "plotting",
    "subplots": "plotting",
}


def __getattr__(name):
    if name in _LAZY:
        value = getattr(_importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    if name == "CJK_FONT":
        #: The CJK font the figures use on this machine (None: Chinese would not render).
        #: Reading it only looks; it changes nothing in Matplotlib.
        return __getattr__("cjk_font")()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY) | {"CJK_FONT"})


def _legacy_figure_setup() -> None:
    """Until every chapter's setup cell calls ``cb.setup_figures()``: in a Jupyter kernel
    that has imported Matplotlib already (a chapter's setup cell), set the figures up as
    the import used to. Nowhere else (a script, the tests) does the import touch
    Matplotlib. Remove this function and its call once every chapter calls it."""
    ipython = _sys.modules.get("IPython")
    if _sys.modules.get("matplotlib") is None or ipython is None:
        return
    shell = ipython.get_ipython()
    if shell is not None and getattr(shell, "kernel", None) is not None:
        __getattr__("setup_figures")()


_legacy_figure_setup()

__all__ = [
    "Bilingual",
    "CJK_FONT",
    "Labels",
    "cjk_font",
    "figure_outputs",
    "language",
    "set_language",
    "setup_figures",
    "show_figure",
    "subplots",
    "DEFAULT_STEP",
    "DEFAULT_THRESHOLD",
    "EPSILON",
    "GradientCheck",
    "TaylorTest",
    "NEURON_COSTS",
    "NeuronCost",
    "NeuronHistory",
    "configure_matplotlib",
    "find_cjk_font",
    "gradient_check",
    "join_lines",
    "display_width",
    "pad_to_width",
    "neuron_explorer",
    "neuron_forward",
    "neuron_gradients",
    "numerical_gradient",
    "plot_neuron_run",
    "quadratic_cost",
    "quadratic_cost_grad_a",
    "quadratic_delta",
    "cross_entropy_delta",
    "relative_error",
    "taylor_test",
    "show_source",
    "exercises",
    "autodiff",
    "forward_mode",
    "sigmoid",
    "sigmoid_prime",
    "train_neuron",
    # chapter 2
    "MultilabelHistory",
    "binary_cross_entropy",
    "binary_cross_entropy_grad_a",
    "binary_cross_entropy_grad_logits",
    "binary_cross_entropy_with_logits",
    "multilabel_cost",
    "multilabel_forward",
    "multilabel_gradients",
    "multilabel_init",
    "multilabel_metrics",
    "train_multilabel",
    # chapter 3
    "log_softmax",
    "logsumexp",
    "one_hot",
    "softmax",
    "softmax_cross_entropy",
    "softmax_cross_entropy_grad",
    "softmax_explorer",
    "softmax_jacobian",
    # chapter 4
    "DigitsSplit",
    "DigitsThreeWay",
    "ForwardCache",
    "NETWORK_COSTS",
    "NetworkParams",
    "TrainingHistory",
    "accuracy",
    "confusion_matrix",
    "load_digits_split",
    "load_digits_with_validation",
    "minibatches",
    "network_backward",
    "network_cost",
    "network_forward",
    "network_init",
    "network_loss",
    "network_predict",
    "network_step",
    "train",
    "training_explorer",
    # chapter 5
    "DeepCache",
    "DeepParams",
    "ACTIVATION_NAMES",
    "HIDDEN_ACTIVATIONS",
    "INITIALISATIONS",
    "dead_unit_fraction",
    "deep_backward",
    "deep_errors",
    "deep_explorer",
    "deep_forward",
    "deep_init",
    "deep_loss",
    "deep_predict",
    "deep_step",
    "init_std",
    "class_prior_share",
    "layer_gradient_norms",
    "sample_spread",
    "relu",
    "relu_prime",
    "tanh",
    "tanh_prime",
    "train_deep",
]
