"""Numerical gradient checking with three verdicts (appendix A, 07_gradient_checks).

Every derivative the book derives is compared, entry by entry, with centred
differences of the function f(θ) it differentiates:

    D_i(h) = (f(θ + h e_i) − f(θ − h e_i)) / (2h).

For smooth f, D_i(h) = g_i + c_i h² + O(h⁴), where g is the true gradient and
c_i = f‴/6 along e_i (the truncation error); every value of f also carries a
rounding error, which D_i(h) divides by h. The checker measures both from the
evaluations themselves instead of assuming a scale:

* **truncation**: D(2h) − D(h) ≈ 3 c h², so |D(2h) − D(h)|/3 estimates the
  truncation error of D(h);
* **rounding noise** σ of one value of f: a few units in the last place of the
  largest |f| seen (2⁻⁵³ relative in float64, 2⁻²⁴ when every value of f is a
  float32 number, which the checker detects), or more if the values of f
  scatter more than that: the even and odd parts of f at h, 2h, 4h and 8h must
  lie on polynomials in h (even: h², h⁴; odd: h, h³), and what is left over
  (four residuals) is counted as noise. The noise is a property of f, not of
  the entry: with three entries or more, 1.5 × the median over the entries is a
  floor for each, and what an entry showed at one step stays a floor for its
  larger steps;
* **smoothness**: the same residuals, compared with the changes of f they sit
  in, say whether the expansion in h holds at all (it does not across a kink,
  or where f is computed so coarsely that it is a staircase); where it does not,
  where f does not change at all, or where f is not finite at one of the
  points (the step leaves f's domain, as log(v) of a small probability v
  does), the entry is not judged at that step.

At a step h an entry's error bound is

    B_i = k · (|D_i(2h) − D_i(h)|/3 + σ_i/h) + 4ε · max(|f|, 1),   k = 3,

where the last term is the rounding of g_i itself: the analytic gradient is
also computed in floating point, from probabilities and targets of size up to
1 (σ(30) − 1 = −9.4e-14 comes out to ±1.1e-16), so no check can ask more of it
(``scale`` sets that 1; the result shows the term as ``analytic_rounding``).

and its verdict is *failed* if |g_i − D_i(h)| > B_i (the analytic value lies
outside what the finite difference allows), *passed* if it lies inside and
B_i ≤ τ |g_i| with τ = 1 % (the finite difference resolves the entry), and
otherwise not yet decided. An undecided entry is tried again at the steps
10h, 100h, …, 10⁵h and then h/10, h/100 (each costs eight more evaluations of f);
an entry that no step decides is *inconclusive*, with the reason: gradient
below the rounding noise, f flat at these steps, or f not smooth there. The
check as a whole is failed if any entry is, passed if every entry is, and
inconclusive otherwise; ``str()`` is one line in the reader's language.

The order test (``taylor_test``, the Taylor remainder test that
dolfin-adjoint/pyadjoint use to verify adjoints) looks at one direction u
instead of one entry: r(t) = |f(θ + t u) − f(θ − t u) − 2t gᵀu| shrinks like t³
when g is right and only like t when it is wrong, over a few halvings of t.

How other libraries choose steps and tolerances, and where this one differs:

* PyTorch's ``torch.autograd.gradcheck`` perturbs every input by eps = 1e-6
  and compares the whole Jacobian with ``allclose``: |a − n| ≤ atol + rtol |n|
  with atol = 1e-5, rtol = 1e-3, designed for float64 (its documentation warns
  that float32 inputs will likely fail). Its atol is a fixed floor: any
  gradient entry below 1e-5 passes whatever its sign.
* JAX's ``jax.test_util.check_grads`` uses eps = 1e-4 along one random
  direction (a JVP, and for reverse mode the inner product with a random
  cotangent), with atol = rtol = 1e-5 in float64 and 2e-3 in float32, scaled by
  the size of the array. One direction is cheap, but a bug in a few small
  entries is diluted by all the others.
* This checker takes its tolerance from the measured truncation and noise of
  each entry, with no fixed floor, so a small gradient is judged against its
  own noise instead of against 1e-5; it says *inconclusive* where the finite
  difference cannot see an entry (neither library can say that), tries larger
  steps for entries buried in noise (σ′(25) ≈ 1.4e-11 is resolved at h ≈ 0.01,
  near the best step (3ε|f|/|f‴|)^{1/3}), and detects f that works in float32
  instead of assuming float64. It costs eight evaluations of f per entry (PyTorch
  two, JAX two per direction), which is fine for the book's small checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from ._checks import as_float_array, check_positive_finite, check_same_shape
from .lang import Bilingual

#: The float64 machine epsilon ε: the relative spacing of float64 numbers near 1.
EPSILON = float(np.finfo(np.float64).eps)

#: The float32 machine epsilon.
EPSILON32 = float(np.finfo(np.float32).eps)

#: Default first step of the centred differences.
DEFAULT_STEP = 1e-6

#: The rounding error of one value of f, in units of ε|f|: f takes a few roundings, not one.
ROUNDINGS = 4.0

#: Size of the numbers an analytic gradient is built from, besides |f|: the book's gradients
#: are differences of probabilities and targets, such as a − y, of size up to 1. A value
#: g_i is taken to be known to ROUNDINGS · ε · max(|f(θ)|, scale) (about 1e-15): σ(30) − 1
#: is −9.4e-14 computed to ±1.1e-16, and no gradient check can ask for more.
DEFAULT_SCALE = 1.0

#: Safety factor k of the error bound k·(truncation + noise).
SAFETY = 3.0

#: An entry passes when its error bound is at most this fraction of |g_i| (1 %).
RESOLUTION = 1e-2

#: The steps tried, as multiples of the first step h, in this order.
LADDER = (1.0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e-1, 1e-2)

#: Largest multiple 8h of a step that is tried, relative to max(1, |θ_i|).
LARGEST_REACH = 1.0

#: With at least this many entries, 1.5 × the median of their residual noise is a floor for f's noise.
POOL = 3

#: Share of a change of f that the residual of its expansion in h may take before f counts as not smooth.
SMOOTHNESS = 0.2

#: Pass mark of the naive relative error, for comparing two exact computations
#: (for example a loop against a matrix formula), where no finite difference is involved.
DEFAULT_THRESHOLD = 1e-7

#: The verdicts, and their words in the book's two languages.
VERDICTS = ("passed", "failed", "inconclusive")
WORDS = {
    "passed": ("通过", "passed"),
    "failed": ("未通过", "failed"),
    "inconclusive": ("无法判定", "inconclusive"),
}

#: Why an entry is inconclusive.
REASONS = {
    "noise": ("低于舍入噪声", "below rounding noise"),
    "noise32": ("低于float32的舍入噪声", "below float32 rounding noise"),
    "flat": ("f在这些步长下不变", "f flat at these steps"),
    "rough": ("f在这里不光滑", "f not smooth here"),
    "undefined": ("f在θ ± h处无定义", "f undefined at θ ± h"),
}


# --- input checks ------------------------------------------------------------------


def _scalar_value(value, where: str) -> float:
    arr = np.asarray(value)
    if arr.size != 1:
        raise ValueError(f"f must return a scalar, but it returned shape {arr.shape} {where}")
    if np.iscomplexobj(arr):
        raise ValueError(f"f must return a real number, got the complex {arr.reshape(())!r} {where}")
    try:
        out = float(arr.reshape(()))
    except (TypeError, ValueError):
        raise ValueError(f"f must return a real number, got {value!r} {where}") from None
    if not np.isfinite(out):
        raise ValueError(f"f returned the non-finite value {out} {where}; the gradient is undefined there")
    return out


def _real_array(value, name: str) -> np.ndarray:
    if np.iscomplexobj(value):
        raise ValueError(f"{name} must be real, got a complex array; check real and imaginary parts separately")
    return as_float_array(value, name)


def _check_function(f) -> None:
    if not callable(f):
        raise ValueError(f"f must be a function of x, got {type(f).__name__}")


def _check_name(name) -> str:
    if not isinstance(name, str):
        raise ValueError(f"name must be a string that labels the check, got {type(name).__name__}")
    return name


def _check_step(h) -> float:
    return check_positive_finite(h, "h (step)")


# --- centred differences --------------------------------------------------------------


def _centred_differences(f, x: np.ndarray, h: float) -> np.ndarray:
    """The centred differences of f at x (float64, changed in place one entry at a time and restored)."""
    grad = np.empty_like(x)
    flat_x, flat_g = x.reshape(-1), grad.reshape(-1)
    for i in range(flat_x.size):
        old = flat_x[i]
        plus, minus = old + h, old - h
        flat_x[i] = plus
        f_plus = _scalar_value(f(x), "at x + h e_i")
        flat_x[i] = minus
        f_minus = _scalar_value(f(x), "at x − h e_i")
        flat_x[i] = old
        flat_g[i] = (f_plus - f_minus) / (plus - minus)
    return grad


def numerical_gradient(f: Callable[[np.ndarray], float], x, h: float = DEFAULT_STEP) -> np.ndarray:
    """Centred-difference gradient of a scalar function ``f`` at ``x`` (float64; chapter 1, appendix A).

    Returns an array with the shape of ``x`` whose entry i is
    (f(x + h e_i) − f(x − h e_i)) / (x_i⁺ − x_i⁻), where x_i± = x_i ± h as
    stored in float64 (so the step the quotient divides by is the step that was
    really taken). ``x`` is not modified. Each entry has a truncation error of
    about h²|f‴|/6 and a rounding error of about ε|f|/h (module docstring).
    """
    _check_function(f)
    h = _check_step(h)
    x = _real_array(x, "x").astype(np.float64, copy=True)
    return _centred_differences(f, x, h)


def relative_error(analytic, numeric, floor: float = 1e-12) -> float:
    """The naive check: largest element-wise |a − n| / max(|a|, |n|) (appendix A).

    Entries where both |a| and |n| are below ``floor`` count as 0, so that a
    true zero does not divide by zero. Right for comparing two exact
    computations; against a centred difference it fails correct gradients
    that are tiny (σ′(15), appendix A), which is why ``gradient_check``
    measures the rounding noise instead.
    """
    a = _real_array(analytic, "analytic").astype(np.float64)
    n = _real_array(numeric, "numeric").astype(np.float64)
    check_same_shape(a, n, "analytic", "numeric")
    scale = np.maximum(np.abs(a), np.abs(n))
    err = np.where(scale < floor, 0.0, np.abs(a - n) / np.where(scale < floor, 1.0, scale))
    return float(np.max(err)) if err.size else 0.0


# --- one entry at one step ----------------------------------------------------------------

_MULTIPLES = (1.0, 2.0, 4.0, 8.0)


@dataclass
class _Probe:
    """What an entry's verdict is at one step, from f along e_i at ±h, ±2h, ±4h, ±8h."""

    status: str  # "passed", "failed", "noise", "flat", "rough"
    numeric: float
    bound: float
    float32: bool


def _is_float32(values) -> bool:
    return all(float(np.float32(v)) == v for v in values)


def _value_or_none(value, where: str) -> float | None:
    """Like ``_scalar_value``, but a non-finite value (f undefined there) gives None."""
    arr = np.asarray(value)
    if arr.size == 1 and not np.iscomplexobj(arr):
        try:
            out = float(arr.reshape(()))
        except (TypeError, ValueError):
            out = None
        if out is not None and not np.isfinite(out):
            return None
    return _scalar_value(value, where)


def _evaluate(f, x: np.ndarray, i: int, h: float):
    """f(x ± k h e_i) for k = 1, 2, 4, 8, and the steps really taken (x is restored).

    None if f is not finite at one of these points (the step leaves f's domain).
    """
    flat_x = x.reshape(-1)
    old = flat_x[i]
    plus, minus, steps = [], [], []
    try:
        with np.errstate(all="ignore"):
            for k in _MULTIPLES:
                up, down = old + k * h, old - k * h
                flat_x[i] = up
                plus.append(_value_or_none(f(x), "at x + h e_i"))
                flat_x[i] = down
                minus.append(_value_or_none(f(x), "at x − h e_i"))
                steps.append(up - down)  # twice the step really taken
    finally:
        flat_x[i] = old
    if any(v is None for v in plus + minus):
        return None
    return plus, minus, steps


#: For independent rounding errors of typical size s in the values of f: the spread of each
#: residual below, in units of s/h (odd) and s (even), and its worst case, in units of σ/h and σ.
_ODD_SPREAD, _ODD_WORST = (3.34, 1.67), (6.75, 3.375)
_EVEN_SPREAD, _EVEN_WORST = (65.4, 65.4), (130.0, 130.0)


def _differences(plus, minus, steps, f0):
    """The centred differences D(kt), the even parts E(kt) and the residuals of both expansions.

    Odd part g h + c h³ and even part α h² + β h⁴: for k = 1, 2, 4 and for
    k = 2, 4, 8 the residuals D(4) − 5D(2) + 4D(1) and E(4) − 20E(2) + 64E(1)
    (in steps of h, 2h, …) vanish for these polynomials; what is left is rounding
    noise or a failure of the expansion.
    """
    D = [(p - m) / s for p, m, s in zip(plus, minus, steps)]
    E = [(p + m) / 2 - f0 for p, m in zip(plus, minus)]
    odd = (D[2] - 5 * D[1] + 4 * D[0], D[3] - 5 * D[2] + 4 * D[1])
    even = (E[2] - 20 * E[1] + 64 * E[0], E[3] - 20 * E[2] + 64 * E[1])
    return D, E, odd, even


def _residual_noise(odd, even, h: float) -> float:
    """The typical rounding error s of one value of f that the residuals show."""
    return max(
        *(abs(r) * h / c for r, c in zip(odd, _ODD_SPREAD)),
        *(abs(r) / c for r, c in zip(even, _EVEN_SPREAD)),
    )


def _smooth(D, E, odd, even, noise: float, h: float) -> bool:
    """Do the residuals fit in SMOOTHNESS of the changes they sit in, plus twice the worst noise?"""
    odd_ok = all(
        abs(r) <= SMOOTHNESS * abs(D[j + 2] - D[j]) + 2 * c * noise / h
        for j, (r, c) in enumerate(zip(odd, _ODD_WORST))
    )
    even_ok = all(
        abs(r) <= SMOOTHNESS * abs(E[j + 2]) + 2 * c * noise
        for j, (r, c) in enumerate(zip(even, _EVEN_WORST))
    )
    return odd_ok and even_ok


def _judge(plus, minus, steps, f0, h, g, noise_floor, x_i, x_is_32,
           scale) -> _Probe:
    values = [f0, *plus, *minus]
    f32 = x_is_32 or _is_float32(values)
    unit = EPSILON32 if f32 else EPSILON
    size = max(abs(v) for v in values)
    noise = max(noise_floor, ROUNDINGS * 0.5 * unit * size)
    if all(v == f0 for v in values):
        return _Probe("flat", 0.0, 0.0, f32)
    D, E, odd, even = _differences(plus, minus, steps, f0)
    if not _smooth(D, E, odd, even, noise, h):
        return _Probe("rough", D[0], np.inf, f32)
    noise = max(noise, _residual_noise(odd, even, h))
    bound = SAFETY * (abs(D[1] - D[0]) / 3 + noise / h)
    if f32:  # f可能把θ ± h舍入到float32，步长不确定 · f may round θ ± h to float32: the step is uncertain
        bound += SAFETY * EPSILON32 * abs(x_i) / h * abs(D[0])
    # g是浮点结果，来自大小为max(|f|, scale)的数 · g is a floating-point result, from numbers of size max(|f|, scale)
    bound += ROUNDINGS * unit * max(abs(f0), scale)
    if abs(g - D[0]) > bound:
        return _Probe("failed", D[0], bound, f32)
    if bound <= RESOLUTION * abs(g):
        return _Probe("passed", D[0], bound, f32)
    return _Probe("noise", D[0], bound, f32)


# --- the result -----------------------------------------------------------------------------


def _entry_label(index: tuple) -> str:
    return f"[{', '.join(str(i) for i in index)}]"


def _fmt(value: float) -> str:
    return f"{value:.4g}"


@dataclass(frozen=True, eq=False)
class GradientCheck:
    """The outcome of a gradient check; ``str()`` is the one line the chapters print.

    Made by ``gradient_check``: ``verdict`` is "passed", "failed" or
    "inconclusive" (``passed``, ``failed``, ``inconclusive`` say which);
    ``entry_verdicts`` holds the verdict of every entry ("passed", "failed" or
    "inconclusive"), ``reasons`` why each inconclusive entry is so ("noise",
    "noise32", "flat", "rough", "undefined"; "" elsewhere), ``numeric`` the centred
    difference at the step that decided, ``steps`` that step, ``bounds`` the
    error bound there. ``ratio`` is the largest |g_i − D_i|/B_i over the
    entries (above 1 where an entry failed), ``worst_index`` where it occurs,
    with ``analytic_value`` and ``numeric_value`` there. ``message`` is the
    line as a ``Bilingual``; ``details()`` adds one line per failed entry.
    ``max_relative_error`` is the naive relative error of the whole gradient,
    for comparison (chapter 7 shows why it is no verdict).
    """

    name: str
    max_relative_error: float
    ratio: float | None = None
    worst_index: tuple | None = None
    analytic_value: float | None = None
    numeric_value: float | None = None
    rounding: float | None = None  # the noise part k·σ/h of the bound at the worst entry
    verdict: str | None = None
    entry_verdicts: np.ndarray | None = None
    reasons: np.ndarray | None = None
    numeric: np.ndarray | None = None
    steps: np.ndarray | None = None
    bounds: np.ndarray | None = None
    analytic: np.ndarray | None = None
    float32: bool = False
    order: "TaylorTest | None" = field(default=None)
    analytic_rounding: float = 0.0

    @property
    def passed(self) -> bool:
        return self.verdict == "passed"

    @property
    def failed(self) -> bool:
        return self.verdict == "failed"

    @property
    def inconclusive(self) -> bool:
        return self.verdict == "inconclusive"

    def __bool__(self) -> bool:
        return self.passed

    def counts(self) -> dict:
        """How many entries have each verdict."""
        if self.entry_verdicts is None:
            return {}
        return {v: int(np.sum(self.entry_verdicts == v)) for v in VERDICTS}

    def _main_reason(self) -> str:
        found = [r for r in self.reasons.reshape(-1) if r]
        return max(REASONS, key=found.count) if found else "noise"

    @property
    def message(self) -> Bilingual:
        """The printed line, in both languages."""
        n = self.entry_verdicts.size
        c = self.counts()
        name = self.name
        if self.order is not None and self.order.verdict == "failed" and self.verdict == "failed" and c["failed"] == 0:
            zh, en = f"{name}：未通过（泰勒余项只与t成正比）", f"{name}: failed (the remainder shrinks like t)"
            return Bilingual(zh, en)
        if n == 1 or c[self.verdict] == n and self.verdict != "failed":
            word = WORDS[self.verdict]
            if self.verdict == "inconclusive":
                rz, re_ = REASONS[self._main_reason()]
                return Bilingual(f"{name}：{word[0]}（{rz}）", f"{name}: {word[1]} ({re_})")
            if self.verdict == "failed":
                g, d = _fmt(self.analytic_value), _fmt(self.numeric_value)
                return Bilingual(f"{name}：未通过，g = {g}，g̃ = {d}", f"{name}: failed, g = {g}, g̃ = {d}")
            return Bilingual(f"{name}：{word[0]}", f"{name}: {word[1]}")
        if self.verdict == "failed":
            zh = f"{name}：{n}个分量中{c['failed']}个未通过"
            en = f"{name}: failed at {c['failed']} of {n} entries"
            if c["inconclusive"]:
                zh += f"，{c['inconclusive']}个无法判定"
                en += f", inconclusive at {c['inconclusive']}"
            return Bilingual(zh, en)
        rz, re_ = REASONS[self._main_reason()]
        k = c["inconclusive"]
        return Bilingual(
            f"{name}：{n}个分量中{k}个无法判定（{rz}），其余通过",
            f"{name}: inconclusive at {k} of {n} entries ({re_}); passed elsewhere",
        )

    def details(self) -> Bilingual:
        """The line, then one line per failed entry: its index, g_i and g̃_i."""
        lines = [self.message]
        if self.entry_verdicts is not None and self.entry_verdicts.size > 1:
            for idx in zip(*np.nonzero(self.entry_verdicts == "failed")):
                g, d = _fmt(float(self.analytic[idx])), _fmt(float(self.numeric[idx]))
                lines.append(f"  {_entry_label(tuple(int(i) for i in idx))}: g = {g}, g̃ = {d}")
        if self.order is not None:
            lines.append(self.order.message)
        from .lang import join_lines

        return join_lines(lines)

    def __str__(self) -> str:
        return str(self.message)

    __repr__ = __str__

    def _repr_mimebundle_(self, include=None, exclude=None):
        return self.message._repr_mimebundle_(include, exclude)


# --- the Taylor remainder test --------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class TaylorTest:
    """The order test along one direction u: the steps t, the remainders r(t) and their orders.

    ``orders[k]`` is log₂(r(t_k)/r(t_{k+1})) for successive halvings (3 for a
    right gradient, 1 for a wrong one); ``resolved`` marks the remainders well
    above the rounding noise ``noise``; ``direction`` is the u used, scaled to
    max |u_i| = 1. ``verdict`` is "passed" when the last two resolved orders
    are at least 2.5, "failed" when they are both between 0.7 and 1.3, and
    "inconclusive" otherwise (too few resolved remainders, or a pattern that is
    neither, as across a kink).
    """

    name: str
    steps: np.ndarray
    remainders: np.ndarray
    orders: np.ndarray
    resolved: np.ndarray
    noise: float
    verdict: str
    direction: np.ndarray

    @property
    def passed(self) -> bool:
        return self.verdict == "passed"

    @property
    def message(self) -> Bilingual:
        word = WORDS[self.verdict]
        detail = {
            "passed": ("r ∝ t³", "r ∝ t³"),
            "failed": ("r只与t成正比", "r ∝ t only"),
            "inconclusive": ("r接近舍入噪声或不规则", "r at the noise or irregular"),
        }[self.verdict]
        return Bilingual(f"{self.name}：泰勒余项检验{word[0]}（{detail[0]}）", f"{self.name}: Taylor remainder test {word[1]} ({detail[1]})")

    def __str__(self) -> str:
        return str(self.message)

    __repr__ = __str__

    def _repr_mimebundle_(self, include=None, exclude=None):
        return self.message._repr_mimebundle_(include, exclude)


def taylor_test(
    name: str,
    f: Callable[[np.ndarray], float],
    x,
    analytic,
    direction=None,
    t: float | None = None,
    halvings: int = 5,
    seed: int = 0,
) -> TaylorTest:
    """The Taylor remainder test of ``analytic`` as the gradient of ``f`` at ``x`` (appendix A).

    r(t) = |f(x + t u) − f(x − t u) − 2t gᵀu| for t, t/2, …, t/2^halvings
    along the direction ``u`` (default: a random direction from
    ``np.random.default_rng(seed)``, scaled to max |u_i| = 1). The first step
    ``t`` defaults to 1e-2 · max(1, max |x_i|). A right g leaves r = f‴_u t³/3 + …,
    which shrinks 8-fold per halving; a wrong g leaves 2t (∇f − g)ᵀu, which only
    halves. Costs 2 (halvings + 1) + 1 evaluations of f (the last one at x).
    """
    name = _check_name(name)
    _check_function(f)
    x_arr = _real_array(x, "x").astype(np.float64)
    g = _real_array(analytic, "analytic").astype(np.float64)
    if g.ndim == 0 and x_arr.size == 1:
        g = g.reshape(x_arr.shape)
    if g.shape != x_arr.shape:
        raise ValueError(f"analytic gradient has shape {g.shape}, but x has shape {x_arr.shape}")
    if isinstance(halvings, bool) or not isinstance(halvings, int) or halvings < 2:
        raise ValueError(f"halvings must be a whole number >= 2, got {halvings!r}")
    if direction is None:
        u = np.random.default_rng(seed).normal(size=x_arr.shape)
    else:
        u = _real_array(direction, "direction").astype(np.float64)
        if u.shape != x_arr.shape:
            raise ValueError(f"direction has shape {u.shape}, but x has shape {x_arr.shape}")
    if not np.any(u):
        raise ValueError("direction must not be zero")
    u = u / np.max(np.abs(u))
    t0 = 1e-2 * max(1.0, float(np.max(np.abs(x_arr)))) if t is None else check_positive_finite(t, "t (first step)")
    f0 = _scalar_value(f(x_arr.copy()), "at x")
    steps = t0 / 2.0 ** np.arange(halvings + 1)
    slope = float(np.sum(g * u))
    r, values = [], [f0]
    for s in steps:
        with np.errstate(all="ignore"):
            fp = _value_or_none(f(x_arr + s * u), "at x + t u")
            fm = _value_or_none(f(x_arr - s * u), "at x − t u")
        if fp is None or fm is None:  # the step leaves f's domain: no remainder there
            r.append(np.nan)
            continue
        values += [fp, fm]
        r.append(abs(fp - fm - 2 * s * slope))
    r = np.array(r)
    unit = EPSILON32 if _is_float32(values) else EPSILON
    noise = ROUNDINGS * unit * (max(abs(v) for v in values) + float(steps[0] * abs(slope)))
    resolved = np.nan_to_num(r, nan=0.0) > 100 * noise
    with np.errstate(divide="ignore", invalid="ignore"):
        orders = np.log2(r[:-1] / r[1:])
    usable = [orders[k] for k in range(halvings) if resolved[k] and resolved[k + 1]]
    verdict = "inconclusive"
    if len(usable) >= 2:
        last = usable[-2:]
        if min(last) >= 2.5:
            verdict = "passed"
        elif all(0.7 <= p <= 1.3 for p in last):
            verdict = "failed"
    elif not resolved[0]:
        verdict = "inconclusive"
    return TaylorTest(name, steps, r, orders, resolved, noise, verdict, u)


# --- the check ------------------------------------------------------------------------------


def gradient_check(
    name: str,
    f: Callable[[np.ndarray], float],
    x,
    analytic,
    h: float = DEFAULT_STEP,
    *,
    scale: float = DEFAULT_SCALE,
    order_test: bool = False,
) -> GradientCheck:
    """Compare an analytic gradient of scalar ``f`` at ``x`` with centred differences (appendix A).

    ``analytic`` has the shape of ``x`` (a number for a scalar x). Each entry
    gets a verdict, passed, failed or inconclusive, from centred differences at
    the steps h, 2h, 4h (and larger or smaller multiples where h cannot
    decide): failed if |g_i − D_i| exceeds the measured error bound, passed if
    it does not and the bound is at most 1 % of |g_i|, inconclusive if no step
    resolves the entry (module docstring). The check is failed if any entry
    is, passed if all are. ``order_test=True`` also runs ``taylor_test`` along
    a random direction and fails the check if that test fails.

    The analytic value is itself a floating-point result: the bound includes
    its rounding, 4ε · max(|f(x)|, ``scale``) (``analytic_rounding`` of the result;
    ``scale`` = 1 is the size of the probabilities and targets the book's
    gradients are built from). ``f`` must return a finite real scalar; ``x`` and ``analytic`` must be real
    (a complex one raises ``ValueError``), and ``h`` > 0. Returns a
    ``GradientCheck``; its ``str()`` is e.g. ``"∂C/∂w: passed"``, or
    ``"∂C/∂w: inconclusive at 3 of 12 entries (gradient below the rounding
    noise); passed elsewhere"``, in the reader's language.
    """
    name = _check_name(name)
    _check_function(f)
    h = _check_step(h)
    scale = check_positive_finite(scale, "scale (size of the numbers the analytic gradient is built from)")
    x_in = _real_array(x, "x")
    x_is_32 = x_in.dtype == np.float32
    x_arr = x_in.astype(np.float64)
    analytic_arr = _real_array(analytic, "analytic").astype(np.float64)
    if analytic_arr.ndim == 0 and x_arr.size == 1:
        analytic_arr = analytic_arr.reshape(x_arr.shape)
    if analytic_arr.shape != x_arr.shape:
        raise ValueError(f"analytic gradient has shape {analytic_arr.shape}, but x has shape {x_arr.shape}")
    if not isinstance(order_test, bool):
        raise ValueError(f"order_test must be True or False, got {order_test!r}")
    f0 = _scalar_value(f(x_arr.copy()), "at x")

    n = x_arr.size
    work = x_arr.copy()
    flat_g = analytic_arr.reshape(-1)
    verdicts = np.full(n, "inconclusive", dtype=object)
    reasons = np.full(n, "", dtype=object)
    numeric = np.zeros(n)
    bounds = np.full(n, np.inf)
    steps = np.zeros(n)
    float32 = x_is_32
    undecided = list(range(n))
    seen: dict[int, set] = {i: set() for i in range(n)}
    flat_x = x_arr.reshape(-1)
    # the first step for every entry first: the residuals of all entries together measure f's noise
    first = [_evaluate(f, work, i, h) for i in range(n)]
    residual = [_residual_noise(*_differences(*e, f0)[2:], h) for e in first if e is not None]
    noise_floor = 1.5 * float(np.median(residual)) if len(residual) >= POOL else 0.0
    # what an entry's own residuals showed at an earlier step stays a floor for its later steps
    floors = [noise_floor] * n
    for multiple in LADDER:
        step = h * multiple
        still = []
        for i in undecided:
            reach = LARGEST_REACH * max(1.0, abs(float(flat_x[i])))
            if multiple > 1 and 8 * step > reach:
                still.append(i)
                continue
            evaluations = first[i] if multiple == 1.0 else _evaluate(f, work, i, step)
            if evaluations is None:  # f is not finite somewhere in θ_i ± 8·step: no verdict at this step
                seen[i].add("undefined")
                still.append(i)
                continue
            floor = floors[i] if multiple >= 1 else noise_floor  # a smaller step is for kinks, not noise
            p = _judge(*evaluations, f0, step, float(flat_g[i]), floor, float(flat_x[i]), x_is_32, scale)
            floors[i] = max(floors[i], _residual_noise(*_differences(*evaluations, f0)[2:], step))
            float32 = float32 or p.float32
            if p.status in ("passed", "failed"):
                verdicts[i], numeric[i], bounds[i], steps[i] = p.status, p.numeric, p.bound, step
                continue
            # an undecided entry keeps the values of its first step, or of the first step that saw noise
            if not seen[i] or (p.status == "noise" and "noise" not in seen[i]):
                numeric[i], bounds[i], steps[i] = p.numeric, p.bound, step
            seen[i].add(p.status)
            still.append(i)
        undecided = still
        if not undecided:
            break
    for i in undecided:
        # the reason: the finite difference saw the gradient but not clearly enough, or f did not move, or was rough
        status = next((s for s in ("noise", "flat", "rough", "undefined") if s in seen[i]), "noise")
        reasons[i] = "noise32" if status == "noise" and float32 else status

    analytic_rounding = ROUNDINGS * (EPSILON32 if float32 else EPSILON) * max(abs(f0), scale)
    shape = x_arr.shape
    verdicts, reasons = verdicts.reshape(shape), reasons.reshape(shape)
    numeric, bounds, steps = numeric.reshape(shape), bounds.reshape(shape), steps.reshape(shape)
    if np.any(verdicts == "failed"):
        verdict = "failed"
    elif np.all(verdicts == "passed"):
        verdict = "passed"
    else:
        verdict = "inconclusive"
    order = None
    if order_test:
        order = taylor_test(name, f, x_arr, analytic_arr)
        if order.verdict == "failed":
            verdict = "failed"

    diff = np.abs(analytic_arr - numeric)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = np.where(diff == 0.0, 0.0, diff / bounds)
    ratios = np.nan_to_num(ratios, nan=0.0, posinf=np.inf)
    if n == 0:
        return GradientCheck(name, 0.0, 0.0, (), None, None, 0.0, "passed",
                             verdicts, reasons, numeric, steps, bounds, analytic_arr, float32, order,
                             analytic_rounding)
    flat = int(np.argmax(np.where(np.isfinite(bounds.reshape(-1)), ratios.reshape(-1), -1.0)))
    if verdict == "failed" and np.any(verdicts == "failed"):
        failed_ratios = np.where(verdicts.reshape(-1) == "failed", ratios.reshape(-1), -1.0)
        flat = int(np.argmax(failed_ratios))
    worst = tuple(int(i) for i in np.unravel_index(flat, shape))
    noise_part = float(bounds.reshape(-1)[flat]) if np.isfinite(bounds.reshape(-1)[flat]) else None
    return GradientCheck(
        name,
        relative_error(analytic_arr, numeric),
        float(ratios.reshape(-1)[flat]),
        worst,
        float(analytic_arr.reshape(-1)[flat]),
        float(numeric.reshape(-1)[flat]),
        noise_part,
        verdict,
        verdicts,
        reasons,
        numeric,
        steps,
        bounds,
        analytic_arr,
        float32,
        order,
        analytic_rounding,
    )
