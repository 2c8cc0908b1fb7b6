"""Numerical gradient checking with centred differences (chapter 1, 01_single_neuron).

Every derivative the course derives is compared, entry by entry, with the
centred difference

    n_i = (f(x + h e_i) − f(x − h e_i)) / (2h)        (in float64).

How far n_i may be from the true derivative (chapter 1, section
``sec-ch1-gradcheck``):

* truncation: h² |f‴| / 6. For the course's functions |f‴| is of the order of
  |f| (and of |f′|), so this is about 2e-13 at h = 1e-6 and 2e-11 at h = 1e-5;
* rounding: f itself is known only to about ε S, where ε = 2.2e-16 is the
  float64 machine epsilon and S the size of the numbers f is built from. The
  difference quotient turns this into an absolute error of about ε S / h:
  2e-10 S at h = 1e-6, 2e-11 S at h = 1e-5.

For a cost of size about 1 the numerical gradient is therefore good to about
1e-10 in absolute terms, whatever the size of the gradient; both steps, 1e-6
(the default) and 1e-5, are close to the best step (3ε)^{1/3} ≈ 1e-5. The naive
relative error |a − n| / max(|a|, |n|) divides that absolute noise by the
gradient: for a tiny gradient, such as σ′(15) ≈ 3e-7 or a gradient through a
saturated hidden unit, the noise is the whole signal and a correct derivative
fails.

The course's rule gives each entry a tolerance with a relative part (for the
truncation error) and an absolute part (for the rounding error):

    |a_i − n_i| ≤ rtol · max(|a_i|, |n_i|) + (margin · ε · S + |Δ²_i f|) / h

    S = max(|f(x)|, scale) + Σ_j |x_j| |n_j|
    Δ²_i f = f(x + h e_i) − 2 f(x) + f(x − h e_i)

with rtol = 1e-6, margin = 10 and scale = 1 by default. S is the size of f
(at least 1: the course's costs are built from logarithms, probabilities and
squares of numbers of order 1) plus how much f moves when each input is
rounded (a relative error ε in x_j moves f by ε |x_j| |∂f/∂x_j|). The second
difference Δ²_i f, computed from the same evaluations, measures how much f
really jitters where it is computed less precisely than that (it also
contains h² f″, which only widens the tolerance by about h |f″|).

The check passes when every entry does. ``GradientCheck.ratio`` is the largest
|a_i − n_i| / tolerance_i (≤ 1 passes); ``worst_index`` says where it occurs.
No finite difference can see a derivative smaller than its rounding noise
(σ′(25) ≈ 1e-11 at h = 1e-6): there the check can only confirm that the
analytic value is indistinguishable from the numerical one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from ._checks import as_float_array, check_positive_finite, check_same_shape

#: The float64 machine epsilon ε: the relative spacing of float64 numbers near 1.
EPSILON = float(np.finfo(np.float64).eps)

#: Default step of the centred difference.
DEFAULT_STEP = 1e-6

#: Default relative part of the tolerance: covers the truncation error h²|f‴|/6
#: (about 2e-13 of the derivative at h = 1e-6) with a wide margin.
DEFAULT_RTOL = 1e-6

#: Default safety factor on the rounding estimate ε·S/h (f takes a few roundings, not one).
DEFAULT_MARGIN = 10.0

#: Smallest size assumed for the numbers f is built from: the course's costs are
#: sums of logarithms, probabilities and squares of numbers of order 1.
DEFAULT_SCALE = 1.0

#: Pass mark of the naive relative error, for comparing two exact computations
#: (for example a loop against a matrix formula), where no finite difference is involved.
DEFAULT_THRESHOLD = 1e-7


def _scalar_value(value, where: str) -> float:
    arr = np.asarray(value)
    if arr.size != 1:
        raise ValueError(f"f must return a scalar, but it returned shape {arr.shape} {where}")
    try:
        return float(arr.reshape(()))
    except (TypeError, ValueError):
        raise ValueError(f"f must return a real number, got {value!r} {where}") from None


def _centred_differences(f, x: np.ndarray, h: float):
    """The centred differences n_i and the sums f(x + h e_i) + f(x − h e_i).

    ``x`` (float64) is changed in place one entry at a time and restored. The
    sums give the second differences once f(x) is known.
    """
    grad = np.empty_like(x)
    sums = np.empty_like(x)  # f(x + h e_i) + f(x − h e_i), for the second difference
    flat_x, flat_g, flat_s = x.reshape(-1), grad.reshape(-1), sums.reshape(-1)
    for i in range(flat_x.size):
        old = flat_x[i]
        plus, minus = old + h, old - h
        flat_x[i] = plus
        f_plus = _scalar_value(f(x), "at x + h e_i")
        flat_x[i] = minus
        f_minus = _scalar_value(f(x), "at x − h e_i")
        flat_x[i] = old
        flat_g[i] = (f_plus - f_minus) / (plus - minus)
        flat_s[i] = f_plus + f_minus
    if not (np.isfinite(grad).all() and np.isfinite(sums).all()):
        raise ValueError("f returned a non-finite value near x; the gradient is undefined there")
    return grad, sums


def numerical_gradient(f: Callable[[np.ndarray], float], x, h: float = DEFAULT_STEP) -> np.ndarray:
    """Centred-difference gradient of a scalar function ``f`` at ``x`` (float64; chapter 1).

    Returns an array with the shape of ``x`` whose entry i is
    (f(x + h e_i) − f(x − h e_i)) / (x_i⁺ − x_i⁻), where x_i± = x_i ± h as
    stored in float64 (so the step the quotient divides by is the step that was
    really taken). ``x`` is not modified. Each entry has a truncation error of
    about h²|f‴|/6 and a rounding error of about ε|f|/h (see the module docstring).
    """
    if not callable(f):
        raise ValueError(f"f must be a function of x, got {type(f).__name__}")
    h = check_positive_finite(h, "h (step)")
    x = as_float_array(x, "x").astype(np.float64, copy=True)
    return _centred_differences(f, x, h)[0]


def relative_error(analytic, numeric, floor: float = 1e-12) -> float:
    """The naive check: largest element-wise |a − n| / max(|a|, |n|) (chapter 1).

    Entries where both |a| and |n| are below ``floor`` count as 0, so that a
    true zero does not divide by zero. Right for comparing two exact
    computations; against a centred difference it fails correct gradients
    that are tiny (chapter 1 shows σ′(15)), which is why ``gradient_check``
    adds the rounding term.
    """
    a = as_float_array(analytic, "analytic").astype(np.float64)
    n = as_float_array(numeric, "numeric").astype(np.float64)
    check_same_shape(a, n, "analytic", "numeric")
    scale = np.maximum(np.abs(a), np.abs(n))
    err = np.where(scale < floor, 0.0, np.abs(a - n) / np.where(scale < floor, 1.0, scale))
    return float(np.max(err)) if err.size else 0.0


@dataclass(frozen=True)
class GradientCheck:
    """The outcome of a gradient check; ``str()`` is the line the chapters print.

    Made by ``gradient_check``, it carries the course's rule: ``ratio`` is the
    largest |a_i − n_i| / tolerance_i and the check passes when ``ratio ≤ 1``;
    ``worst_index`` is where that largest ratio occurs, with the analytic and
    numerical values there. ``max_relative_error`` is the naive relative error,
    kept for comparison.

    Built directly as ``GradientCheck(name, error, threshold)`` it compares two
    exact computations with the naive relative error: passes when
    ``error < threshold``.
    """

    name: str
    max_relative_error: float
    threshold: float = DEFAULT_THRESHOLD
    ratio: float | None = None
    worst_index: tuple | None = None
    analytic_value: float | None = None
    numeric_value: float | None = None
    rounding: float | None = None  # the absolute part (margin·ε·S + |Δ²f|)/h at the worst entry

    @property
    def passed(self) -> bool:
        if self.ratio is not None:
            return bool(self.ratio <= 1.0)
        return bool(self.max_relative_error < self.threshold)

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        if self.ratio is None:
            op, mark = ("<", "✓") if self.passed else (">=", "✗ FAILED")
            return (
                f"{self.name}: max relative error = {self.max_relative_error:.1e}"
                f" {op} {self.threshold:.0e} {mark}"
            )
        line = f"{self.name}: error/tolerance = {self.ratio:.1e}"
        if self.passed:
            return f"{line} ✓"
        where = f" at entry {list(self.worst_index)}" if self.worst_index else ""
        return (
            f"{line} ✗ FAILED{where}:"
            f" analytic {self.analytic_value:.4g}, numerical {self.numeric_value:.4g}"
        )

    __repr__ = __str__


def _check_name(name) -> str:
    if not isinstance(name, str):
        raise ValueError(f"name must be a string that labels the check, got {type(name).__name__}")
    return name


def gradient_check(
    name: str,
    f: Callable[[np.ndarray], float],
    x,
    analytic,
    h: float = DEFAULT_STEP,
    rtol: float = DEFAULT_RTOL,
    margin: float = DEFAULT_MARGIN,
    scale: float = DEFAULT_SCALE,
) -> GradientCheck:
    """Compare an analytic gradient of scalar ``f`` at ``x`` with centred differences (chapter 1).

    ``analytic`` has the shape of ``x``. Entry i passes when

        |a_i − n_i| ≤ rtol · max(|a_i|, |n_i|) + (margin · ε · S + |Δ²_i f|) / h,
        S = max(|f(x)|, scale) + Σ_j |x_j| |n_j|,
        Δ²_i f = f(x + h e_i) − 2 f(x) + f(x − h e_i),

    with ε the float64 machine epsilon: a relative part for the truncation
    error and an absolute part for the rounding error of f (module docstring,
    chapter 1). ``f`` must return a scalar; x and analytic are compared in
    float64. Returns a ``GradientCheck``; its ``str()`` is e.g.
    ``"∂C/∂w: error/tolerance = 2.4e-03 ✓"``, and a failure names the worst entry.
    """
    name = _check_name(name)
    h = check_positive_finite(h, "h (step)")
    rtol = check_positive_finite(rtol, "rtol (relative tolerance)")
    margin = check_positive_finite(margin, "margin (safety factor on rounding)")
    scale = check_positive_finite(scale, "scale (size of the numbers f is built from)")
    if not callable(f):
        raise ValueError(f"f must be a function of x, got {type(f).__name__}")
    x_arr = as_float_array(x, "x").astype(np.float64)
    analytic_arr = as_float_array(analytic, "analytic").astype(np.float64)
    if analytic_arr.ndim == 0 and x_arr.size == 1:
        analytic_arr = analytic_arr.reshape(x_arr.shape)
    if analytic_arr.shape != x_arr.shape:
        raise ValueError(
            f"analytic gradient has shape {analytic_arr.shape}, but x has shape {x_arr.shape}"
        )
    f0 = _scalar_value(f(x_arr.copy()), "at x")
    if not np.isfinite(f0):
        raise ValueError("f(x) is not finite; there is no gradient to check")
    numeric, sums = _centred_differences(f, x_arr.copy(), h)

    size = max(abs(f0), scale) + float(np.sum(np.abs(x_arr) * np.abs(numeric)))
    jitter = np.abs(sums - 2.0 * f0)  # second differences: h² f″ plus f's actual rounding
    rounding = (margin * EPSILON * size + jitter) / h
    diff = np.abs(analytic_arr - numeric)
    tolerance = rtol * np.maximum(np.abs(analytic_arr), np.abs(numeric)) + rounding
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = np.where(diff == 0.0, 0.0, diff / tolerance)
    if ratios.size == 0:
        return GradientCheck(name, 0.0, DEFAULT_THRESHOLD, 0.0, (), None, None, 0.0)
    flat = int(np.argmax(ratios))
    worst = tuple(int(i) for i in np.unravel_index(flat, ratios.shape))
    return GradientCheck(
        name,
        relative_error(analytic_arr, numeric),
        DEFAULT_THRESHOLD,
        float(ratios.reshape(-1)[flat]),
        worst,
        float(analytic_arr.reshape(-1)[flat]),
        float(numeric.reshape(-1)[flat]),
        float(rounding.reshape(-1)[flat]),
    )
