"""Mini-batch gradient descent for the three-layer network, and its evaluation (chapter 4, 04_backprop_three_layer).

Each epoch shuffles the training rows with ``rng``, cuts them into mini-batches
of ``batch_size`` rows (the last may be smaller) and takes one step
θ ← θ − η ∂C/∂θ per batch with the gradients of ``network_backward``. After
every epoch the cost and the accuracy on the training set (and on a test set,
if one is given) are recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np

from ._checks import as_float_array, check_count, check_labels, check_positive_finite, check_training_options
from .network import NetworkParams, network_backward, network_cost, network_forward
from .softmax import one_hot


def accuracy(y_true, y_pred) -> float:
    """Fraction of rows whose predicted class equals the true class (chapter 4). (M,), (M,) -> float."""
    t = check_labels(y_true, "y_true")
    p = check_labels(y_pred, "y_pred")
    if t.shape != p.shape or t.size == 0:
        raise ValueError(f"y_true and y_pred must have the same shape (M,) with M >= 1, got {t.shape} and {p.shape}")
    return float(np.mean(t == p))


def confusion_matrix(y_true, y_pred, num_classes) -> np.ndarray:
    """Counts C[i, j] of rows of true class i predicted as class j (chapter 4).

    (M,), (M,) -> (K, K) int; the diagonal holds the correct predictions and
    each row sums to the number of samples of its class.
    """
    K = check_count(num_classes, "num_classes")
    t = check_labels(y_true, "y_true", K)
    p = check_labels(y_pred, "y_pred", K)
    if t.shape != p.shape:
        raise ValueError(f"y_true and y_pred must have the same shape, got {t.shape} and {p.shape}")
    return np.bincount(t * K + p, minlength=K * K).reshape(K, K)


@dataclass(frozen=True)
class TrainingHistory:
    """What ``train`` records, before training (index 0) and after each epoch: arrays (epochs + 1,).

    ``loss_test`` and ``acc_test`` are None when no test set was given.
    """

    loss_train: np.ndarray
    acc_train: np.ndarray
    loss_test: Optional[np.ndarray]
    acc_test: Optional[np.ndarray]
    cost: str
    eta: float
    batch_size: int

    @property
    def epochs(self) -> int:
        return len(self.loss_train) - 1


def _evaluate(params, X, y, cost):
    cache = network_forward(params, X, cost)
    return network_cost(cache, y, cost), accuracy(y, np.argmax(cache.z2, axis=1))


def train(params: NetworkParams, X, y, epochs, batch_size, eta, rng, cost="cross_entropy",
          X_val=None, y_val=None, progress: Optional[Callable[[int, int], None]] = None):
    """Mini-batch gradient descent on the mean cost (chapter 4). Returns (trained params, TrainingHistory).

    X (n, Dx), y (n,) integer labels; ``params`` is not modified (a copy is
    trained). ``rng`` (np.random.default_rng) shuffles the rows each epoch, so
    a run is reproducible. ``progress(epoch, epochs)`` is called after each epoch.
    X_val, y_val: an optional held-out set (validation or test) that is only evaluated,
    never trained on; its cost and accuracy are recorded as loss_test and acc_test.
    """
    eta = check_positive_finite(eta, "eta (learning rate)")
    epochs, batch_size = check_training_options(epochs, batch_size, rng, X_val, y_val, progress)
    params = params.copy() if isinstance(params, NetworkParams) else params
    X = as_float_array(X, "X")
    y = check_labels(y, "y")
    if X.ndim != 2 or X.shape[0] != y.shape[0]:
        raise ValueError(f"X must have shape (n, Dx) with one row per label in y: X {X.shape}, y {y.shape}")
    X = X.astype(getattr(params, "dtype", np.float64), copy=False)
    one_hot(y, params.shape[2])  # labels in range, or a ValueError naming them
    has_val = X_val is not None
    history = {"loss_train": [], "acc_train": [], "loss_test": [], "acc_test": []}

    def record():
        loss, acc = _evaluate(params, X, y, cost)
        history["loss_train"].append(loss)
        history["acc_train"].append(acc)
        if has_val:
            loss, acc = _evaluate(params, X_val, y_val, cost)
            history["loss_test"].append(loss)
            history["acc_test"].append(acc)

    record()
    n = X.shape[0]
    for epoch in range(1, epochs + 1):
        order = rng.permutation(n)
        for start in range(0, n, batch_size):
            rows = order[start:start + batch_size]
            xb, yb = X[rows], y[rows]
            grads = network_backward(params, network_forward(params, xb, cost), yb, cost)
            for (_, p), (_, g) in zip(params, grads):
                p -= eta * g
        record()
        if not np.isfinite(history["loss_train"][-1]):
            raise ValueError(f"training diverged at epoch {epoch} (cost is not finite); lower eta = {eta}")
        if progress is not None:
            progress(epoch, epochs)
    arrays = {k: (np.array(v) if v else None) for k, v in history.items()}
    return params, TrainingHistory(**arrays, cost=cost, eta=eta, batch_size=batch_size)
