"""Checkers for the implementation exercises of chapter 3 (03_softmax_cross_entropy).

- ``check_softmax_backward(fn)``: ``fn(a, g)`` returns the vector–Jacobian
  product Jᵀg = a ⊙ (g − (aᵀg)1) of the softmax, row by row, without forming J.
- ``check_log_softmax(fn)``: ``fn(z)`` returns ln softmax(z) along the last
  axis, finite for logits of size 1e3 and for probabilities that underflow.
- ``check_temperature_grad(fn)``: ``fn(z, y, T)`` returns ∂L/∂z = (a − y)/T for
  L = −Σ_m y_m ln softmax(z/T)_m.

The expected answers come from the library's tested ``softmax``,
``log_softmax`` and ``softmax_jacobian``, not from the formulas the learner is
asked to write.
"""

from __future__ import annotations

import numpy as np

from ..softmax import log_softmax, softmax, softmax_jacobian
from ._harness import Case, ExerciseResult, Hint, run_cases

__all__ = ["check_log_softmax", "check_softmax_backward", "check_temperature_grad"]


def _vjp_rows(a: np.ndarray, g: np.ndarray) -> np.ndarray:
    """Jᵀg for each row, through the explicit Jacobian (the slow, obvious way)."""
    a2, g2 = np.atleast_2d(a), np.atleast_2d(g)
    out = np.array([softmax_jacobian(ai).T @ gi for ai, gi in zip(a2, g2)])
    return out.reshape(a.shape)


# --- the softmax backward pass without the Jacobian --------------------------------------

_VJP_MISSING_TERM = Hint(
    "少了减去的(aᵀg)1这一项：雅可比矩阵每行之和为0，所以g = 1时结果应为0",
    "the term (aᵀg)1 is missing: the rows of the Jacobian sum to 0, so g = 1 must give 0",
)
_VJP_SIGN = Hint(
    "符号或公式不对：应为a ⊙ (g − (aᵀg)1)",
    "the sign or the formula is wrong: it is a ⊙ (g − (aᵀg)1)",
)
_VJP_AXIS = Hint(
    "每一行是一个样本：aᵀg要沿最后一个轴（axis=-1, keepdims=True）逐行计算",
    "each row is one sample: take aᵀg along the last axis (axis=-1, keepdims=True), row by row",
)
_VJP_PEAKED = Hint(
    "a几乎是独热向量时结果不对：检查有没有丢失精度的步骤",
    "wrong for a nearly one-hot a: check for a step that loses precision",
)


def _softmax_backward_cases() -> list[Case]:
    rng = np.random.default_rng(31)
    a1 = softmax(np.array([2.0, 1.0, 0.1, -1.0]))
    ones = np.ones(4)
    g1 = np.array([0.5, -1.0, 2.0, 0.25])
    A = softmax(rng.normal(size=(3, 5)))
    G = rng.normal(size=(3, 5))
    a_peaked = softmax(np.array([12.0, 0.0, -3.0]))
    g_peaked = np.array([-1.0, 3.0, 0.5])
    return [
        Case("one sample, g = 1", (a1, ones), _vjp_rows(a1, ones), _VJP_MISSING_TERM, atol=1e-12),
        Case("one sample, general g", (a1, g1), _vjp_rows(a1, g1), _VJP_SIGN, atol=1e-12),
        Case("a batch of 3 rows (M, K) = (3, 5)", (A, G), _vjp_rows(A, G), _VJP_AXIS, atol=1e-12),
        Case("a nearly one-hot a", (a_peaked, g_peaked), _vjp_rows(a_peaked, g_peaked), _VJP_PEAKED, atol=1e-14),
    ]


def check_softmax_backward(fn) -> ExerciseResult:
    """Exercise 3.6: ``fn(a, g)`` returns Jᵀg = a ⊙ (g − (aᵀg)1) for a = softmax(z).

    ``a`` and ``g`` have shape ``(K,)`` or ``(M, K)`` (one sample per row); the
    result has the same shape. Returns the verdict, whose line a notebook displays.
    """
    return run_cases("softmax backward · softmax的反向传播", fn, _softmax_backward_cases())


# --- a stable log-softmax ------------------------------------------------------------------

_LOGSM_FORMULA = Hint(
    "公式不对：ln a_m = z_m − ln Σ_k e^{z_k}",
    "the formula is wrong: ln a_m = z_m − ln Σ_k e^{z_k}",
)
_LOGSM_AXIS = Hint(
    "每一行是一个样本：log-sum-exp要沿最后一个轴（axis=-1, keepdims=True）逐行计算",
    "each row is one sample: take the log-sum-exp along the last axis (axis=-1, keepdims=True), row by row",
)
_LOGSM_OVERFLOW = Hint(
    "logits达到1e3时e^z溢出：先减去每行的最大值再取指数",
    "e^z overflows at logits of 1e3: subtract each row's maximum before exponentiating",
)
_LOGSM_UNDERFLOW = Hint(
    "概率下溢为0，再取对数就得到−inf：直接算(z_m − z_max) − ln Σ_k e^{z_k − z_max}，不要对概率取对数",
    "the log of a probability that underflowed to 0 is −inf: compute (z_m − z_max) − ln Σ_k e^{z_k − z_max} directly, never the log of a probability",
)


def _log_softmax_cases() -> list[Case]:
    rng = np.random.default_rng(32)
    small = np.array([0.0, np.log(2.0), np.log(3.0)])
    batch = rng.normal(scale=2.0, size=(3, 4))
    large = np.array([[1000.0, 999.0, 998.0], [-1000.0, -999.5, -1001.0]])
    gap = np.array([0.0, -800.0, 3.0])
    return [
        Case("logits [0, ln 2, ln 3]", (small,), log_softmax(small), _LOGSM_FORMULA),
        Case("a batch of 3 rows (M, K) = (3, 4)", (batch,), log_softmax(batch), _LOGSM_AXIS),
        Case("large logits near ±1e3", (large,), log_softmax(large), _LOGSM_OVERFLOW, nonfinite=_LOGSM_OVERFLOW),
        Case("a probability below e^-745 (underflow)", (gap,), log_softmax(gap), _LOGSM_UNDERFLOW,
             nonfinite=_LOGSM_UNDERFLOW),
    ]


def check_log_softmax(fn) -> ExerciseResult:
    """Exercise 3.7: ``fn(z)`` returns ln softmax(z) along the last axis, stably.

    ``z`` has shape ``(K,)`` or ``(M, K)``; the result has the same shape and is
    finite for logits near ±1e3 and where a probability underflows to 0.
    """
    return run_cases("stable log-softmax · 稳定的log-softmax", fn, _log_softmax_cases())


# --- the gradient with a temperature -----------------------------------------------------

_TEMP_SIGN = Hint(
    "T = 1时结果应为a − y：检查符号",
    "at T = 1 the answer is a − y: check the sign",
)
_TEMP_FACTOR = Hint(
    "少了因子1/T（或者乘了T）：链式法则经过z/T这一步时要除以T",
    "the factor 1/T is missing (or T multiplies instead): the chain rule through z/T divides by T",
)
_TEMP_PROBS = Hint(
    "概率应为a = softmax(z/T)，不是softmax(z)",
    "the probabilities are a = softmax(z/T), not softmax(z)",
)
_TEMP_SOFT = Hint(
    "软目标上结果不对：对任何和为1的y，梯度都是(a − y)/T",
    "wrong for a soft target: for every y that sums to 1 the gradient is (a − y)/T",
)
_TEMP_OVERFLOW = Hint(
    "T很小时z/T很大，e^{z/T}溢出：用先减去最大值的稳定softmax",
    "at a small T, z/T is large and e^{z/T} overflows: use the max-shifted, stable softmax",
)


def _temperature_grad(z, y, T) -> np.ndarray:
    return (softmax(np.asarray(z, dtype=float) / T) - y) / T


def _temperature_cases() -> list[Case]:
    z = np.array([2.0, 1.0, 0.1, -1.0])
    onehot = np.array([0.0, 1.0, 0.0, 0.0])
    equal = np.full(4, 0.7)  # softmax(equal / T) is uniform for every T
    soft = np.array([0.1, 0.6, 0.2, 0.1])
    big = np.array([100.0, 0.0, -100.0, 10.0])
    big_y = np.array([0.0, 0.0, 1.0, 0.0])
    cases = [
        ("T = 1, one-hot target", (z, onehot, 1.0), _TEMP_SIGN),
        ("T = 2, equal logits", (equal, onehot, 2.0), _TEMP_FACTOR),
        ("T = 0.5, equal logits", (equal, onehot, 0.5), _TEMP_FACTOR),
        ("T = 2, general logits", (z, onehot, 2.0), _TEMP_PROBS),
        ("T = 3, soft target", (z, soft, 3.0), _TEMP_SOFT),
        ("T = 0.1, logits up to 100 (z/T = 1000)", (big, big_y, 0.1), _TEMP_OVERFLOW),
    ]
    # the last case is about overflow: a NaN or inf there gets its hint, not the generic one
    return [Case(name, args, _temperature_grad(*args), hint, atol=1e-12,
                 nonfinite=_TEMP_OVERFLOW if hint is _TEMP_OVERFLOW else None) for name, args, hint in cases]


def check_temperature_grad(fn) -> ExerciseResult:
    """Exercise 3.8: ``fn(z, y, T)`` returns ∂L/∂z = (softmax(z/T) − y)/T.

    ``z`` and ``y`` have shape ``(K,)``, y sums to 1, ``T > 0``;
    L = −Σ_m y_m ln softmax(z/T)_m.
    """
    return run_cases("temperature gradient · 带温度的梯度", fn, _temperature_cases())
