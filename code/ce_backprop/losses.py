"""Cost functions.

Chapter 1 (01_single_neuron): the quadratic cost C = (1/n) Σ_x ½‖y − a‖².
"""

from __future__ import annotations

import numpy as np

from ._checks import as_float_array, check_same_shape


def _n_samples(a: np.ndarray) -> int:
    return 1 if a.ndim == 0 else a.shape[0]


def quadratic_cost(a, y) -> float:
    """Quadratic cost C = (1/n) Σ_x ½‖y(x) − a(x)‖² (chapter 1; the lecture note's (4-1)).

    ``a`` and ``y`` have the same shape: a scalar (one sample, one output),
    ``(n,)`` (n samples, one output each) or ``(n, k)`` (n samples, k outputs).
    For one sample with one output this is C = (y − a)² / 2.
    """
    a = as_float_array(a, "a")
    y = as_float_array(y, "y")
    check_same_shape(a, y, "a", "y")
    return float(0.5 * np.sum((y - a) ** 2) / _n_samples(a))


def quadratic_cost_grad_a(a, y):
    """∂C/∂a = (a − y)/n for the quadratic cost, same shape as ``a`` (chapter 1)."""
    a = as_float_array(a, "a")
    y = as_float_array(y, "y")
    check_same_shape(a, y, "a", "y")
    return (a - y) / _n_samples(a)
