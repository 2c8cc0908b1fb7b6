"""Checkers for the implementation exercises of chapter 1 (01_single_neuron).

* ``check_stable_sigmoid_prime(fn)``: σ′(z) accurate for every z, also where
  σ(z)(1 − σ(z)) loses all its digits (z = 40) and without overflow (z = −800).
* ``check_quartic_delta(fn)``: δ = ∂C/∂z of the cost C = (a − y)⁴/4 for one
  sigmoid neuron, per sample.
* ``check_numerical_gradient(fn)``: a centred-difference gradient of your own,
  ``fn(f, x, h)`` for a scalar function f of an array x.

The expected values come from closed forms, not from the learner's formula.
"""

from __future__ import annotations

import numpy as np

from ._harness import Case, ExerciseResult, Hint, run_cases

__all__ = ["check_stable_sigmoid_prime", "check_quartic_delta", "check_numerical_gradient"]


def _sigmoid_prime_exact(z) -> np.ndarray:
    # e^{−|z|} / (1 + e^{−|z|})²: σ′ is even, and e^{−|z|} never overflows
    e = np.exp(-np.abs(np.asarray(z, dtype=np.float64)))
    return e / (1.0 + e) ** 2


_AT_ZERO = Hint("σ′(0)应当等于1/4：检查公式本身", "σ′(0) must be 1/4: check the formula itself")
_SYMMETRY = Hint("σ′是偶函数，σ′(−z)=σ′(z)：负的z算错了", "σ′ is even, σ′(−z) = σ′(z): negative z comes out wrong")
_LARGE_Z = Hint(
    "z很大时σ(z)舍入成1，σ(1−σ)就只剩0；改用只含e^{−|z|}的形式",
    "for large z, σ(z) rounds to 1 and σ(1 − σ) keeps no digits; use a form with e^{−|z|} only",
)
_OVERFLOW = Hint("z=−800时e^{−z}溢出：只对−|z|取指数", "at z = −800, e^{−z} overflows: exponentiate −|z| only")


def check_stable_sigmoid_prime(fn) -> ExerciseResult:
    """Exercise 1.6: ``fn(z)`` returns σ′(z) element-wise, accurate to 1e-9 relative for every z."""
    z_mid = np.array([-3.0, -0.5, 0.5, 3.0])
    z_big = np.array([25.0, 40.0, 60.0])
    cases = [
        Case("z = 0", (0.0,), 0.25, _AT_ZERO, rtol=1e-12, atol=0.0),
        Case("z = ±0.5, ±3 (a vector)", (z_mid,), _sigmoid_prime_exact(z_mid), _SYMMETRY, rtol=1e-9, atol=0.0),
        Case("z = 25, 40, 60", (z_big,), _sigmoid_prime_exact(z_big), _LARGE_Z, rtol=1e-9, atol=0.0),
        Case("z = −25, −40, −60", (-z_big,), _sigmoid_prime_exact(z_big), _LARGE_Z, rtol=1e-9, atol=0.0),
        Case("z = −800, 800", (np.array([-800.0, 800.0]),), np.zeros(2), _OVERFLOW, rtol=0.0, atol=1e-300),
    ]
    return run_cases("稳定的σ′(z) · stable σ′(z)", fn, cases)


def _quartic_delta_exact(a, y, z):
    return (a - y) ** 3 * _sigmoid_prime_exact(z)


_NO_SIGMA_PRIME = Hint("漏了因子σ′(z)：δ=∂C/∂a·∂a/∂z", "the factor σ′(z) is missing: δ = ∂C/∂a · ∂a/∂z")
_QUARTIC_SIGN = Hint("符号反了：对(a−y)⁴/4求导得(a−y)³，不是(y−a)³", "the sign is flipped: (a − y)⁴/4 differentiates to (a − y)³, not (y − a)³")
_POWER = Hint("幂次不对：∂C/∂a=(a−y)³", "wrong power: ∂C/∂a = (a − y)³")


_QUARTIC_GENERAL = Hint("δ=∂C/∂a·∂a/∂z，其中∂C/∂a=(a−y)³、∂a/∂z=σ′(z)",
                        "δ = ∂C/∂a · ∂a/∂z with ∂C/∂a = (a − y)³ and ∂a/∂z = σ′(z)")


def _quartic_case(name, a, y, z) -> Case:
    mistakes = ((-_quartic_delta_exact(a, y, z), _QUARTIC_SIGN),
                ((a - y) ** 3, _NO_SIGMA_PRIME),
                ((a - y) * _sigmoid_prime_exact(z), _POWER))
    return Case(name, (a, y, z), _quartic_delta_exact(a, y, z), _QUARTIC_GENERAL, mistakes=mistakes)


def check_quartic_delta(fn) -> ExerciseResult:
    """Exercise 1.7: ``fn(a, y, z)`` returns δ = (a − y)³ σ′(z) for C = (a − y)⁴/4, per sample."""
    rng = np.random.default_rng(7)
    z = np.concatenate([[0.0, 1.5], rng.uniform(-4, 4, 4)])
    y = np.concatenate([[1.0, 0.0], rng.uniform(0, 1, 4)])
    a = 1.0 / (1.0 + np.exp(-z))
    cases = [_quartic_case(name, a[idx], y[idx], z[idx])
             for name, idx in [("one sample, z = 1.5, y = 0", [1]), ("six samples", slice(None))]]
    return run_cases("四次代价的δ · δ of the quartic cost", fn, cases)


_ONE_SIDED = Hint(
    "这是单侧差分(f(x+h)−f(x))/h，误差是O(h)；用中心差分(f(x+h)−f(x−h))/(2h)",
    "this is a one-sided difference (f(x + h) − f(x))/h with an O(h) error; use (f(x + h) − f(x − h))/(2h)",
)
_ONE_ENTRY = Hint("每次只挪动x的一个分量，其余不动", "move one entry of x at a time and leave the others as they are")
_MATRIX = Hint("x可以是矩阵：结果要和x同形状，逐个分量求差分", "x may be a matrix: return an array of x's shape, one difference per entry")


def check_numerical_gradient(fn) -> ExerciseResult:
    """Exercise 1.8: ``fn(f, x, h)`` returns the centred-difference gradient of scalar f at x."""
    x1 = np.array([0.7])
    x3 = np.array([0.5, -1.0, 2.0])
    xm = np.array([[0.3, -0.2], [1.1, 0.4]])
    cases = [
        # f = x³: a one-sided difference is off by 3x·h = 2e-4, a centred one by h² = 1e-8
        Case("f = x³ at x = 0.7, h = 1e-4", (lambda v: float(np.sum(v**3)), x1, 1e-4), 3 * x1**2,
             _ONE_SIDED, rtol=1e-6, atol=0.0),
        Case("f = Σ x_i² x_{i+1} on a vector", (lambda v: float(np.sum(v[:-1] ** 2 * v[1:])), x3, 1e-5),
             np.array([2 * x3[0] * x3[1], x3[0] ** 2 + 2 * x3[1] * x3[2], x3[1] ** 2]), _ONE_ENTRY,
             rtol=1e-6, atol=1e-9),
        Case("f = Σ sin(x) on a 2×2 matrix", (lambda v: float(np.sum(np.sin(v))), xm, 1e-5), np.cos(xm),
             _MATRIX, rtol=1e-6, atol=1e-9),
    ]
    return run_cases("数值梯度 · numerical gradient", fn, cases)
