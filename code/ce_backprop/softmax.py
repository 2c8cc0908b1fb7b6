"""Softmax, log-sum-exp and the categorical cross-entropy (chapter 3, 03_softmax_cross_entropy).

The softmax a_m = e^{z_m} / Σ_k e^{z_k} turns K logits into K probabilities.
With the cross-entropy loss L = −Σ_m y_m ln a_m of one sample (for a one-hot
y, the negative log-likelihood −ln a_k) its gradient with respect to the
logits is δ = a − y for every target distribution y that sums to 1. The cost
of a batch is the mean of the losses.

Everything here is computed in the numerically stable form: the largest logit
is subtracted before exponentiating, and the loss is computed from
log_softmax(z) = z − LSE(z), never from rounded probabilities. For logits
within ±1e4 (float64) or ±1e3 (float32) no result is NaN or inf.
"""

from __future__ import annotations

import numbers

import numpy as np

from ._checks import as_float_array, check_count, check_labels, scalar_or_array


def _logits_array(z, name: str, min_ndim: int = 1) -> np.ndarray:
    z = as_float_array(z, name)
    if z.ndim < min_ndim:
        raise ValueError(f"{name} must have at least {min_ndim} dimension(s), got shape {z.shape}")
    return z


def _check_axis(axis, z: np.ndarray, name: str) -> int:
    if isinstance(axis, bool) or not isinstance(axis, numbers.Integral):
        raise ValueError(f"axis must be an integer, got {axis!r}")
    if not -z.ndim <= axis < z.ndim:
        raise ValueError(f"axis {axis} is out of range for {name} with shape {z.shape}")
    if z.shape[axis] == 0:
        raise ValueError(f"{name} must have at least one entry along axis {axis}, got shape {z.shape}")
    return int(axis)


def _sum_tolerance(p: np.ndarray) -> float:
    return 1e-6 if p.dtype == np.float64 else 1e-4


def _check_distribution(p: np.ndarray, name: str) -> None:
    """Entries ≥ 0 and each row (last axis) summing to 1."""
    if (p < 0).any():
        raise ValueError(f"{name} must be non-negative (a probability distribution), found {p[p < 0].flat[0]}")
    sums = p.sum(axis=-1, dtype=np.float64)
    bad = np.abs(sums - 1.0) > _sum_tolerance(p)
    if bad.any():
        row = int(np.argmax(bad)) if sums.ndim else 0
        raise ValueError(
            f"{name} must sum to 1 along its last axis (a probability distribution); "
            f"row {row} sums to {float(np.ravel(sums)[row]):.6g}"
        )


def logsumexp(z, axis=-1):
    """LSE(z) = ln Σ_k e^{z_k}, computed as m + ln Σ_k e^{z_k − m} with m = max_k z_k (chapter 3).

    Reduces along ``axis``: ``(K,) -> scalar``, ``(M, K) -> (M,)`` for axis=-1.
    It is a smooth maximum: max_k z_k ≤ LSE(z) ≤ max_k z_k + ln K.
    float32 input stays float32.
    """
    z = _logits_array(z, "z")
    axis = _check_axis(axis, z, "z")
    return scalar_or_array(np.squeeze(logsumexp_kept(z, axis), axis=axis))


def logsumexp_kept(z: np.ndarray, axis: int) -> np.ndarray:
    """m + ln Σ_k e^{z_k − m} along ``axis``, kept as a dimension of size 1: the computation of
    ``logsumexp`` on trusted input (chapter 3), which chapter 5's network also runs for its loss."""
    m = z.max(axis=axis, keepdims=True)       # the methods, not np.max/np.sum: less overhead per call
    return m + np.log(np.exp(z - m).sum(axis=axis, keepdims=True))


def softmax(z, axis=-1):
    """softmax(z)_m = e^{z_m} / Σ_k e^{z_k} along ``axis`` (chapter 3).

    Shape in = shape out, e.g. ``(K,) -> (K,)`` or ``(M, K) -> (M, K)``; every
    row lies in [0, 1] and sums to 1. The maximum is subtracted first
    (softmax(z − c) = softmax(z)), so e^{…} never overflows. float32 stays float32.
    """
    z = _logits_array(z, "z")
    axis = _check_axis(axis, z, "z")
    e = np.exp(z - np.max(z, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def log_softmax(z, axis=-1):
    """ln softmax(z) = z − LSE(z) along ``axis``, without forming the probabilities (chapter 3).

    Shape in = shape out. Finite wherever z is finite (within the ranges of the
    module docstring), even where softmax(z) underflows to 0. float32 stays float32.
    """
    z = _logits_array(z, "z")
    axis = _check_axis(axis, z, "z")
    shifted = z - np.max(z, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def softmax_jacobian(a):
    """The Jacobian ∂a_m/∂z_n = a_m(δ_mn − a_n) = diag(a) − a aᵀ of the softmax (chapter 3).

    ``a`` is one probability vector a = softmax(z), shape ``(K,) -> (K, K)``.
    The matrix is symmetric; its columns sum to 0 (because Σ_m a_m = 1), hence
    so do its rows; it is singular.
    """
    a = as_float_array(a, "a")
    if a.ndim != 1 or a.size == 0:
        raise ValueError(f"a must be one probability vector of shape (K,), got shape {a.shape}")
    _check_distribution(a, "a")
    return np.diag(a) - np.outer(a, a)


def one_hot(labels, num_classes):
    """Independent one-hot rows: labels ``(M,)`` of integers in [0, K) -> ``(M, K)`` float64 (chapter 3)."""
    K = check_count(num_classes, "num_classes")
    if K < 1:
        raise ValueError(f"num_classes must be >= 1, got {K}")
    labels = check_labels(labels, "labels", K)
    Y = np.zeros((labels.size, K))
    Y[np.arange(labels.size), labels] = 1.0
    return Y


def _logits_and_targets(logits, targets):
    """Validate a batch: logits ``(M, K)``; targets labels ``(M,)`` or distributions ``(M, K)``."""
    z = as_float_array(logits, "logits")
    if z.ndim != 2 or z.shape[1] == 0:
        raise ValueError(f"logits must have shape (M, K) with K >= 1, got shape {z.shape}")
    M, K = z.shape
    if M == 0:
        raise ValueError("logits must hold at least one sample (M >= 1), got shape (0, K)")
    t = np.asarray(targets) if not isinstance(targets, (str, bytes)) and targets is not None else None
    if t is not None and t.ndim == 1:
        labels = check_labels(t, "labels", K)
        if labels.shape[0] != M:
            raise ValueError(f"targets (labels) must have shape ({M},) to match logits {z.shape}, got {labels.shape}")
        return z, one_hot(labels, K).astype(z.dtype)
    Y = as_float_array(targets, "targets")
    if Y.shape != z.shape:
        raise ValueError(
            f"targets must be labels of shape ({M},) or distributions of shape {z.shape}, got shape {Y.shape}"
        )
    _check_distribution(Y, "targets")
    return z, Y.astype(z.dtype, copy=False)


def softmax_cross_entropy(logits, targets) -> float:
    """The cost C = −(1/M) Σ_i Σ_m y_im ln softmax(z_i)_m, the mean categorical cross-entropy (chapter 3).

    ``logits`` ``(M, K)``; ``targets`` either integer labels ``(M,)`` in [0, K)
    or target distributions ``(M, K)`` (non-negative, rows summing to 1).
    Computed from log_softmax(logits), so it stays finite where a probability
    would round to 0. ``(M, K), (M,) or (M, K) -> float``.
    """
    z, Y = _logits_and_targets(logits, targets)
    return float(-np.sum(Y * log_softmax(z, axis=1)) / z.shape[0])


def softmax_cross_entropy_grad(logits, targets):
    """∂C/∂Z = (softmax(logits) − Y) / M for the mean cost above, shape ``(M, K)`` (chapter 3).

    Y is the one-hot encoding of integer labels or the given target
    distributions. Each row sums to 0. float32 logits give float32.

    The largest probability of a row can round to 1 (logits far apart), and
    a_j − y_j then cancels: 1 − 1 = 0 where the true value is minus the sum of
    the other probabilities, e.g. −3.7e−44. At that entry the gradient is
    computed as a_j − y_j = Σ_{m≠j} y_m − Σ_{m≠j} a_m, in which nothing
    cancels for a one-hot target (the first sum is exactly 0).
    """
    z, Y = _logits_and_targets(logits, targets)
    A = softmax(z, axis=1)
    D = A - Y
    rows, top = np.arange(z.shape[0]), np.argmax(A, axis=1)
    others = np.ones_like(A, dtype=bool)
    others[rows, top] = False
    D[rows, top] = np.sum(Y, axis=1, where=others) - np.sum(A, axis=1, where=others)
    return D / z.shape[0]
