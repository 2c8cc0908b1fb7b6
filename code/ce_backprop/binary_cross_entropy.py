"""Binary cross-entropy, from probabilities and from logits (chapter 2, 02_quadratic_vs_cross_entropy).

For sigmoid outputs a = σ(z) and targets y in [0, 1] the cost is (the
lecture note's (4-4) and (4-8))

    C = −(1/n) Σ_x Σ_j [y_j ln a_j + (1 − y_j) ln(1 − a_j)],

the mean over the n samples (axis 0) of the sum over the outputs. Its
derivative with respect to the weighted input is ∂C/∂z = (a − y)/n: the
factor σ'(z) that slows the quadratic cost down cancels.

Computed from probabilities the cost needs ln a and ln(1 − a), which fail
once a rounds to exactly 0 or 1. Computed from the logits z (for one sigmoid,
z is the log-odds ln(a/(1 − a))) it never fails:
−[y ln σ(z) + (1 − y) ln(1 − σ(z))] = max(z, 0) − z y + ln(1 + e^{−|z|}).
"""

from __future__ import annotations

import numpy as np

from ._checks import as_float_array, check_probabilities, check_same_shape
from .activations import sigmoid


def _n_samples(x: np.ndarray) -> int:
    return 1 if x.ndim == 0 else x.shape[0]


def _targets(y, like: np.ndarray, like_name: str) -> np.ndarray:
    y = as_float_array(y, "y")
    check_same_shape(like, y, like_name, "y")
    check_probabilities(y, "y")
    return y


def binary_cross_entropy(a, y) -> float:
    """Binary cross-entropy from probabilities (chapter 2).

    C = −(1/n) Σ_x Σ_j [y ln a + (1 − y) ln(1 − a)]: the lecture note's (4-4)
    for one output, (4-8) for several.

    ``a`` (the sigmoid outputs) and ``y`` (the targets) have the same shape: a
    scalar (one sample, one output), ``(n,)`` (n samples, one output each) or
    ``(n, k)`` (n samples, k outputs); ``(n, k) -> float``, the mean over the
    n samples of the sum over the k outputs.

    Both must lie in [0, 1]. Where a is exactly 0 or 1 it must equal the
    target there (the term is then 0, by the limit t ln t → 0); otherwise the
    cost is +inf and a ``ValueError`` says so, pointing to
    ``binary_cross_entropy_with_logits``, which never meets this problem.
    """
    a = as_float_array(a, "a")
    y = _targets(y, a, "a")
    check_probabilities(a, "a")
    edge = ((a == 0) | (a == 1)) & (a != y)
    if edge.any():
        bad = a[edge].flat[0]
        raise ValueError(
            "a must lie strictly inside (0, 1) where the target is not equal"
            f" to it, found a = {bad} (the cost would be infinite);"
            " use binary_cross_entropy_with_logits"
        )
    # y ln a and (1 − y) ln(1 − a), with 0 · ln 0 taken as 0
    with np.errstate(divide="ignore"):
        t1 = np.where(y > 0, y * np.log(np.where(y > 0, a, 1.0)), 0.0)
        t2 = np.where(y < 1, (1 - y) * np.log(np.where(y < 1, 1 - a, 1.0)), 0)
    return float(-np.sum(t1 + t2) / _n_samples(a))


def binary_cross_entropy_grad_a(a, y):
    """∂C/∂a = (1/n) [−y/a + (1 − y)/(1 − a)] = (1/n) (a − y) / (a(1 − a)) (chapter 2).

    Same shape as ``a``; ``a`` must lie strictly inside (0, 1), where the
    derivative is finite. This is the first factor of the chain rule
    ∂C/∂z = ∂C/∂a · σ'(z).
    """
    a = as_float_array(a, "a")
    y = _targets(y, a, "a")
    if ((a <= 0) | (a >= 1)).any():
        bad = a[(a <= 0) | (a >= 1)].flat[0]
        raise ValueError(f"a must lie strictly inside (0, 1) for ∂C/∂a to be finite, found {bad}")
    return (-y / a + (1 - y) / (1 - a)) / _n_samples(a)


def binary_cross_entropy_with_logits(z, y) -> float:
    """Binary cross-entropy of σ(z) against y, from the logits z (chapter 2).

    Uses the per-entry form max(z, 0) − z y + ln(1 + e^{−|z|}) (``np.log1p``),
    which equals −[y ln σ(z) + (1 − y) ln(1 − σ(z))] and never takes the log
    of 0 nor overflows. ``z`` and ``y`` have the same shape (scalar, ``(n,)``
    or ``(n, k)``); ``(n, k) -> float``, mean over the n samples, sum over the
    k outputs. ``z`` must be finite; ``y`` must lie in [0, 1].
    """
    z = as_float_array(z, "z")
    y = _targets(y, z, "z")
    per_entry = np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))
    return float(np.sum(per_entry) / _n_samples(z))


def binary_cross_entropy_grad_logits(z, y):
    """∂C/∂z = (σ(z) − y)/n of the binary cross-entropy (chapter 2, δ = a − y).

    Same shape as ``z``; the n in the mean is the number of samples (axis 0).
    """
    z = as_float_array(z, "z")
    y = _targets(y, z, "z")
    return (sigmoid(z) - y) / _n_samples(z)
