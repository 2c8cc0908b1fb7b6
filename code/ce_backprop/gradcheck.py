"""Numerical gradient checking with centred differences (chapter 1, 01_single_neuron).

Every derivative the course derives is compared with
(f(x + h e_i) − f(x − h e_i)) / (2h) in float64. The centred difference has
error O(h²); with h = 1e-6 the truncation and rounding errors are both near
1e-10 for the smooth functions of the course, so a relative error below 1e-7
means the analytic derivative is right.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from ._checks import as_float_array, check_positive_finite, check_same_shape

#: The pass mark the course uses for a derivative checked in float64.
DEFAULT_THRESHOLD = 1e-7


def numerical_gradient(f: Callable[[np.ndarray], float], x, h: float = 1e-6) -> np.ndarray:
    """Centred-difference gradient of a scalar function ``f`` at ``x`` (float64).

    Returns an array with the shape of ``x`` whose entry i is
    (f(x + h e_i) − f(x − h e_i)) / (2h). ``x`` is not modified.
    """
    h = check_positive_finite(h, "h (step)")
    x = as_float_array(x, "x").astype(np.float64, copy=True)
    grad = np.empty_like(x)
    flat_x, flat_g = x.reshape(-1), grad.reshape(-1)
    for i in range(flat_x.size):
        old = flat_x[i]
        flat_x[i] = old + h
        f_plus = float(f(x))
        flat_x[i] = old - h
        f_minus = float(f(x))
        flat_x[i] = old
        flat_g[i] = (f_plus - f_minus) / (2.0 * h)
    if not np.isfinite(grad).all():
        raise ValueError("f returned a non-finite value near x; the gradient is undefined there")
    return grad


def relative_error(analytic, numeric, floor: float = 1e-12) -> float:
    """Largest element-wise relative error |a − n| / max(|a|, |n|).

    Entries where both |a| and |n| are below ``floor`` agree to within rounding
    and count as 0, so that a true zero does not divide by zero.
    """
    a = as_float_array(analytic, "analytic").astype(np.float64)
    n = as_float_array(numeric, "numeric").astype(np.float64)
    check_same_shape(a, n, "analytic", "numeric")
    scale = np.maximum(np.abs(a), np.abs(n))
    err = np.where(scale < floor, 0.0, np.abs(a - n) / np.where(scale < floor, 1.0, scale))
    return float(np.max(err)) if err.size else 0.0


@dataclass(frozen=True)
class GradientCheck:
    """The outcome of ``gradient_check``; ``str()`` gives the line the chapters print."""

    name: str
    max_relative_error: float
    threshold: float

    @property
    def passed(self) -> bool:
        return self.max_relative_error < self.threshold

    def __str__(self) -> str:
        op, mark = ("<", "✓") if self.passed else (">=", "✗ FAILED")
        return (
            f"{self.name}: max relative error = {self.max_relative_error:.1e}"
            f" {op} {self.threshold:.0e} {mark}"
        )

    __repr__ = __str__


def gradient_check(
    name: str,
    f: Callable[[np.ndarray], float],
    x,
    analytic,
    h: float = 1e-6,
    threshold: float = DEFAULT_THRESHOLD,
) -> GradientCheck:
    """Compare an analytic gradient of scalar ``f`` at ``x`` with centred differences.

    ``analytic`` has the shape of ``x``. Returns a ``GradientCheck`` whose
    ``str()`` is e.g. ``"∂C/∂w: max relative error = 3.2e-11 < 1e-07 ✓"``.
    """
    numeric = numerical_gradient(f, x, h)
    analytic = np.asarray(as_float_array(analytic, "analytic"), dtype=np.float64)
    if analytic.ndim == 0 and numeric.size == 1:
        analytic = analytic.reshape(numeric.shape)
    if analytic.shape != numeric.shape:
        raise ValueError(
            f"analytic gradient has shape {analytic.shape}, but x has shape {numeric.shape}"
        )
    return GradientCheck(name, relative_error(analytic, numeric), threshold)
