"""Multi-label classification: one sigmoid per label on a linear layer (chapter 2, 02_quadratic_vs_cross_entropy).

A sample may carry several labels at once, e.g. y = [0, 1, 0, 0, 1]. The model
is Z = X W + b, A = σ(Z) with one sigmoid per label (column), and the cost is
the binary cross-entropy of every label, summed over the labels and averaged
over the samples (the lecture note's (4-8)). Per label the chain rule gives
δ = ∂C/∂z = a − y, so (the lecture note's (4-9), (4-10))

    ∂C/∂W = Xᵀ (A − Y) / n,    ∂C/∂b = column sums of (A − Y) / n.

Shapes: X (n, d), W (d, k), b (k,), Y and A (n, k).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._checks import as_float_array, check_count, check_positive_finite, check_rng
from .activations import sigmoid
from .binary_cross_entropy import binary_cross_entropy_with_logits


def _check_params(W, b):
    W = as_float_array(W, "W").astype(np.float64)
    b = as_float_array(b, "b").astype(np.float64)
    if W.ndim != 2:
        raise ValueError(f"W must have shape (d, k), got shape {W.shape}")
    if b.shape != (W.shape[1],):
        raise ValueError(f"b must have shape ({W.shape[1]},) to match W of shape {W.shape}, got shape {b.shape}")
    return W, b


def _check_X(X, d: int) -> np.ndarray:
    X = as_float_array(X, "X").astype(np.float64)
    if X.ndim != 2 or X.shape[1] != d or X.shape[0] == 0:
        raise ValueError(f"X must have shape (n, {d}) with n >= 1, got shape {X.shape}")
    return X


def _check_labels(Y, n: int, k: int) -> np.ndarray:
    Y = as_float_array(Y, "Y").astype(np.float64)
    if Y.shape != (n, k):
        raise ValueError(f"Y must have shape ({n}, {k}) (one 0/1 entry per sample and label), got shape {Y.shape}")
    if not np.isin(Y, (0.0, 1.0)).all():
        bad = Y[~np.isin(Y, (0.0, 1.0))].flat[0]
        raise ValueError(f"Y must hold labels 0 or 1, found {bad}")
    return Y


def multilabel_init(n_features, n_labels, rng):
    """Small random weights W ~ N(0, 1/d), shape (d, k), and zero biases b, shape (k,) (chapter 2)."""
    d = check_count(n_features, "n_features")
    k = check_count(n_labels, "n_labels")
    if d == 0 or k == 0:
        raise ValueError(f"n_features and n_labels must be >= 1, got {d} and {k}")
    rng = check_rng(rng)
    return rng.normal(0.0, 1.0 / np.sqrt(d), size=(d, k)), np.zeros(k)


def multilabel_forward(W, b, X):
    """Z = X W + b and A = σ(Z), one sigmoid per label (chapter 2).

    Shapes: X (n, d) @ W (d, k) + b (k,) -> Z, A of shape (n, k).
    """
    W, b = _check_params(W, b)
    X = _check_X(X, W.shape[0])
    Z = X @ W + b
    return Z, sigmoid(Z)


def multilabel_cost(W, b, X, Y) -> float:
    """Binary cross-entropy summed over the k labels, averaged over the n samples (chapter 2).

    The lecture note's (4-8). Computed from the logits Z = X W + b, so it is finite for any finite weights.
    """
    Z, _ = multilabel_forward(W, b, X)
    Y = _check_labels(Y, *Z.shape)
    return binary_cross_entropy_with_logits(Z, Y)


def multilabel_gradients(W, b, X, Y):
    """(∂C/∂W, ∂C/∂b) of ``multilabel_cost`` (chapter 2).

    The lecture note's (4-9) and (4-10) in matrix form:
    δ = A − Y per sample and label; ∂C/∂W = Xᵀ δ / n, shape (d, k);
    ∂C/∂b = Σ_rows δ / n, shape (k,).
    """
    W, b = _check_params(W, b)
    X = _check_X(X, W.shape[0])
    Y = _check_labels(Y, X.shape[0], W.shape[1])
    delta = sigmoid(X @ W + b) - Y
    n = X.shape[0]
    return X.T @ delta / n, delta.sum(axis=0) / n


@dataclass(frozen=True)
class MultilabelHistory:
    """What ``train_multilabel`` returns: the final W (d, k), b (k,) and the cost on the
    whole training set before training and after each epoch, shape (epochs + 1,)."""

    W: np.ndarray
    b: np.ndarray
    cost: np.ndarray


def train_multilabel(X, Y, eta, epochs, rng, batch_size=None, W=None, b=None
                     ) -> MultilabelHistory:
    """Gradient descent on ``multilabel_cost`` (chapter 2).

    ``batch_size=None`` is full-batch gradient descent: one step per epoch.
    An integer gives mini-batch gradient descent: each epoch shuffles the rows
    with ``rng`` and takes one step per batch of ``batch_size`` rows (the last
    may be smaller). Start from ``W``, ``b`` if given, else from
    ``multilabel_init(d, k, rng)``. X (n, d), Y (n, k) with 0/1 entries.
    """
    eta = check_positive_finite(eta, "eta (learning rate)")
    epochs = check_count(epochs, "epochs")
    rng = check_rng(rng)
    X = as_float_array(X, "X").astype(np.float64)
    if X.ndim != 2 or X.shape[0] == 0:
        raise ValueError(f"X must have shape (n, d), n >= 1, got {X.shape}")
    Y = as_float_array(Y, "Y")
    if Y.ndim != 2:
        raise ValueError(f"Y must have shape ({X.shape[0]}, k), got {Y.shape}")
    Y = _check_labels(Y, X.shape[0], Y.shape[1])
    n, d = X.shape
    k = Y.shape[1]
    if batch_size is None:
        batch_size = n
    else:
        batch_size = check_count(batch_size, "batch_size")
        if batch_size == 0:
            raise ValueError("batch_size must be >= 1")
    if W is None and b is None:
        W, b = multilabel_init(d, k, rng)
    elif W is None or b is None:
        raise ValueError("give both W and b, or neither")
    W, b = _check_params(W, b)
    if W.shape != (d, k):
        raise ValueError(f"W must have shape ({d}, {k}) for X {X.shape}"
                         f" and Y {Y.shape}, got {W.shape}")
    W, b = W.copy(), b.copy()
    costs = [binary_cross_entropy_with_logits(X @ W + b, Y)]
    for _ in range(epochs):
        order = rng.permutation(n) if batch_size < n else np.arange(n)
        for start in range(0, n, batch_size):
            rows = order[start : start + batch_size]
            xb, yb = X[rows], Y[rows]
            delta = sigmoid(xb @ W + b) - yb
            W -= eta * xb.T @ delta / len(rows)
            b -= eta * delta.sum(axis=0) / len(rows)
        costs.append(binary_cross_entropy_with_logits(X @ W + b, Y))
    return MultilabelHistory(W, b, np.array(costs))


def multilabel_metrics(probs, Y, threshold=0.5):
    """Per-label accuracy (k,) and subset accuracy (float) of thresholded predictions (chapter 2).

    A label is predicted 1 where probs >= threshold. Per-label accuracy is
    the fraction of samples whose label j is right; subset (exact-match)
    accuracy is the fraction of samples with all k labels right. Returns
    ``{"per_label": array (k,), "subset": float}``. probs, Y: (n, k).
    """
    probs = as_float_array(probs, "probs")
    if probs.ndim != 2 or probs.shape[0] == 0:
        raise ValueError(f"probs must have shape (n, k) with n >= 1, got shape {probs.shape}")
    if ((probs < 0) | (probs > 1)).any():
        raise ValueError("probs must lie in [0, 1] (probabilities)")
    Y = _check_labels(Y, *probs.shape)
    threshold = check_positive_finite(threshold, "threshold")
    if threshold >= 1:
        raise ValueError(f"threshold must lie in (0, 1), got {threshold}")
    correct = (probs >= threshold) == (Y == 1)
    return {"per_label": correct.mean(axis=0), "subset": float(correct.all(axis=1).mean())}
