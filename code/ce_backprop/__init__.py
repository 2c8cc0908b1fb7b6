"""ce_backprop — the NumPy library of the course 交叉熵与反向传播 · Cross-Entropy and Backpropagation.

Each function is defined once, here, and its docstring names the chapter that
derives it. A chapter starts with ``import ce_backprop as cb``.
"""

from .activations import sigmoid, sigmoid_prime
from .binary_cross_entropy import (
    binary_cross_entropy,
    binary_cross_entropy_grad_a,
    binary_cross_entropy_grad_logits,
    binary_cross_entropy_with_logits,
)
from .explorers import neuron_explorer, plot_neuron_run
from .explorers import softmax_explorer
from .explorers import training_explorer
from .gradcheck import (
    DEFAULT_THRESHOLD,
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
from .plotting import configure_matplotlib, find_cjk_font
from .show import show_source
from . import exercises
from . import autodiff
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

#: The CJK font the figures use on this machine (None: Chinese would not render).
CJK_FONT = configure_matplotlib()

__all__ = [
    "CJK_FONT",
    "DEFAULT_THRESHOLD",
    "GradientCheck",
    "NEURON_COSTS",
    "NeuronCost",
    "NeuronHistory",
    "configure_matplotlib",
    "find_cjk_font",
    "gradient_check",
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
]
