"""Mini-batch gradient descent for the three-layer network, and its evaluation (chapter 4, 04_backprop_three_layer).

Each epoch shuffles the training rows with ``rng``, cuts them into mini-batches
of ``batch_size`` rows (the last may be smaller) and takes one step
θ ← θ − η ∂C/∂θ per batch with the gradients of ``network_backward``. After
every epoch the cost and the accuracy on the training set (and on a held-out
set, if one is given) are recorded. ``minibatches``, ``run_epochs`` and
``TrainingHistory`` are the loop and the record that chapter 5's ``train_deep``
shares.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterator, Optional

import numpy as np

from ._checks import (as_float_array, check_count, check_labels, check_positive_finite, check_rng,
                      check_training_options)
from .network import NetworkParams, network_backward, network_cost, network_forward
from .network import _forward as network_forward_trusted
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
    """What ``train`` (chapter 4) and ``train_deep`` (chapter 5) record, before training (index 0)
    and after each epoch: arrays (epochs + 1,).

    ``loss_val`` and ``acc_val`` are the cost and accuracy on the held-out set
    ``X_val, y_val`` (None when none was given). ``grad_norms`` (epochs + 1, L)
    holds ‖∂C/∂W^ℓ‖ of the mean cost over the whole training set, per layer
    (``train_deep`` records it; ``train`` leaves it None). ``eta`` is the
    learning rate η, ``cost`` the cost that was minimised.
    """

    loss_train: np.ndarray
    acc_train: np.ndarray
    eta: float
    batch_size: int
    loss_val: Optional[np.ndarray] = None
    acc_val: Optional[np.ndarray] = None
    cost: str = "cross_entropy"
    grad_norms: Optional[np.ndarray] = None

    @property
    def epochs(self) -> int:
        return len(self.loss_train) - 1

    def epochs_to(self, target: float, on: str = "val") -> Optional[int]:
        """The first epoch whose accuracy (``on`` = "val" or "train") reaches ``target``, or None."""
        if on not in ("val", "train"):
            raise ValueError(f"on must be 'val' or 'train', got {on!r}")
        acc = self.acc_val if on == "val" else self.acc_train
        if acc is None:
            raise ValueError("no held-out set (X_val, y_val) was given to the training; use on='train'")
        hits = np.flatnonzero(acc >= target)
        return int(hits[0]) if hits.size else None


def minibatches(n, batch_size, rng) -> Iterator[np.ndarray]:
    """The row indices of one epoch's mini-batches (chapters 4 and 5).

    Draws one ``rng.permutation(n)`` and cuts it into consecutive batches of
    ``batch_size`` rows; the last batch may be smaller. The training loops of
    chapters 4 and 5 draw their shuffles here, one permutation per epoch, so a
    seed gives the same run in the notebooks and in the site's explorers
    (``explorers.training_start`` and ``deep_start`` draw the same stream).
    """
    n = check_count(n, "n")
    batch_size = check_count(batch_size, "batch_size")
    if batch_size == 0:
        raise ValueError("batch_size must be >= 1")
    order = check_rng(rng).permutation(n)
    return (order[start:start + batch_size] for start in range(0, n, batch_size))


def run_epochs(step: Callable[[np.ndarray], None], evaluate: Callable[[], dict], n: int, epochs: int,
               batch_size: int, rng, progress=None, **settings) -> TrainingHistory:
    """The mini-batch gradient-descent loop that ``train`` and ``train_deep`` share (chapters 4 and 5).

    ``evaluate()`` returns the record of the current parameters (a dict of
    ``TrainingHistory`` fields: loss_train, acc_train and, if measured, loss_val,
    acc_val, grad_norms); it runs before training and after each epoch.
    ``step(rows)`` takes one step of gradient descent, in place, on the rows of
    one mini-batch of ``minibatches(n, batch_size, rng)``. ``settings`` (``eta``,
    and ``cost`` where it is not the cross-entropy) go into the history. Raises ``ValueError`` as soon as the
    training cost is not finite. Inputs are trusted (the callers validate them).
    """
    records = [evaluate()]
    for epoch in range(1, epochs + 1):
        for rows in minibatches(n, batch_size, rng):
            step(rows)
        records.append(evaluate())
        if not np.isfinite(records[-1]["loss_train"]):
            raise ValueError(f"training diverged at epoch {epoch} (the cost is not finite); "
                             f"lower eta = {settings['eta']}")
        if progress is not None:
            progress(epoch, epochs)
    columns = {name: np.array([record[name] for record in records]) for name in records[0]}
    return TrainingHistory(**columns, batch_size=batch_size, **settings)


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
    never trained on; its cost and accuracy are recorded as loss_val and acc_val.
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

    def evaluate():
        loss, acc = _evaluate(params, X, y, cost)
        record = {"loss_train": loss, "acc_train": acc}
        if X_val is not None:
            record["loss_val"], record["acc_val"] = _evaluate(params, X_val, y_val, cost)
        return record

    def step(rows):                            # X and params were checked by the first evaluate()
        xb, yb = X[rows], y[rows]
        grads = network_backward(params, network_forward_trusted(params, xb, cost), yb, cost)
        for (_, p), (_, g) in zip(params, grads):
            p -= eta * g

    history = run_epochs(step, evaluate, X.shape[0], epochs, batch_size, rng, progress, eta=eta, cost=cost)
    return params, history
