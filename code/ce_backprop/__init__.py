"""ce_backprop — the NumPy library of the course 交叉熵与反向传播 · Cross-Entropy and Backpropagation.

Each function is defined once, here, and its docstring names the chapter that
derives it. A chapter starts with ``import ce_backprop as cb``.

The core needs only NumPy. The explorers (ipywidgets, Matplotlib) and the
plotting set-up are imported on first use (``cb.neuron_explorer``, ...), and
the course's Matplotlib fonts are configured at import only when Matplotlib is
already imported (the chapters import ``matplotlib.pyplot`` first).
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
    DEFAULT_MARGIN,
    DEFAULT_RTOL,
    DEFAULT_SCALE,
    DEFAULT_STEP,
    DEFAULT_THRESHOLD,
    EPSILON,
    GradientCheck,
    gradient_check,
    numerical_gradient,
    relative_error,
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
from .data import DigitsSplit, load_digits_split
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
from .training import TrainingHistory, accuracy, confusion_matrix, train
from .hidden_activations import relu, relu_prime, tanh, tanh_prime
from .deep_network import (
    HIDDEN_ACTIVATIONS,
    INITIALISATIONS,
    DeepCache,
    DeepHistory,
    DeepParams,
    dead_unit_fraction,
    deep_backward,
    deep_forward,
    deep_init,
    deep_loss,
    deep_predict,
    deep_step,
    init_std,
    layer_gradient_norms,
    train_deep,
)
from .show import show_source
from .lang import Bilingual, join_lines
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
}


def __getattr__(name):
    if name in _LAZY:
        value = getattr(_importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    if name == "CJK_FONT":
        #: The CJK font the figures use on this machine (None: Chinese would not render).
        value = globals()["CJK_FONT"] = __getattr__("configure_matplotlib")()
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY) | {"CJK_FONT"})


# A notebook imports matplotlib.pyplot before the course package: set the fonts now,
# so that its first figure already renders Chinese. Without Matplotlib, nothing happens.
if _sys.modules.get("matplotlib") is not None:
    CJK_FONT = __getattr__("configure_matplotlib")()

__all__ = [
    "Bilingual",
    "CJK_FONT",
    "DEFAULT_MARGIN",
    "DEFAULT_RTOL",
    "DEFAULT_SCALE",
    "DEFAULT_STEP",
    "DEFAULT_THRESHOLD",
    "EPSILON",
    "GradientCheck",
    "NEURON_COSTS",
    "NeuronCost",
    "NeuronHistory",
    "configure_matplotlib",
    "find_cjk_font",
    "gradient_check",
    "join_lines",
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
    "ForwardCache",
    "NETWORK_COSTS",
    "NetworkParams",
    "TrainingHistory",
    "accuracy",
    "confusion_matrix",
    "load_digits_split",
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
    "DeepHistory",
    "DeepParams",
    "HIDDEN_ACTIVATIONS",
    "INITIALISATIONS",
    "dead_unit_fraction",
    "deep_backward",
    "deep_explorer",
    "deep_forward",
    "deep_init",
    "deep_loss",
    "deep_predict",
    "deep_step",
    "init_std",
    "layer_gradient_norms",
    "relu",
    "relu_prime",
    "tanh",
    "tanh_prime",
    "train_deep",
]
