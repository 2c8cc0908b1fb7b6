"""Checkers for the implementation exercises of chapter 2 (02_quadratic_vs_cross_entropy).

- ``check_bce_with_logits``: the binary cross-entropy of each entry, computed
  from the logits z without ever forming ln σ(z) (chapter 2, numerical stability).
- ``check_weighted_bce_delta``: δ = ∂L/∂z of the positively weighted binary
  cross-entropy L = −[β y ln a + (1 − y) ln(1 − a)] (chapter 2, a δ for a new cost).
- ``check_multilabel_gradients``: (∂C/∂W, ∂C/∂b) of the multi-label cost
  (chapter 2, multi-label classification).

The expected values come from the library (``binary_cross_entropy_with_logits``,
``sigmoid``, ``multilabel_gradients``), whose own tests check them against
finite differences.
"""

from __future__ import annotations

import numpy as np

from ..activations import sigmoid
from ..binary_cross_entropy import binary_cross_entropy_with_logits
from ..multilabel import multilabel_gradients
from ._harness import Case, Hint, run_cases

__all__ = ["check_bce_with_logits", "check_weighted_bce_delta", "check_multilabel_gradients"]


def _bce_per_entry(z: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The library's cost of each entry on its own (a scalar sample has n = 1)."""
    return np.vectorize(lambda zi, yi: binary_cross_entropy_with_logits(zi, yi))(z, y).astype(np.float64)


_BCE_SIGN = Hint("符号或公式不对：L=max(z,0)−zy+ln(1+e^{−|z|})，它总是≥0",
                 "wrong sign or formula: L = max(z, 0) − zy + ln(1 + e^{−|z|}), which is never negative")
_BCE_TARGET = Hint("y=0（或y=1）的那一项不对：两项y ln a和(1−y)ln(1−a)都要有",
                   "the term for y = 0 (or y = 1) is wrong: both y ln a and (1 − y) ln(1 − a) belong in L")
_BCE_SOFT = Hint("软目标（0<y<1）算错了：L对y是线性的，不要把y四舍五入",
                 "a soft target (0 < y < 1) is wrong: L is linear in y, do not round y")
_BCE_LARGE = Hint("|z|很大时不对：不要先算σ(z)再取对数，也不要截断a；只对−|z|取指数",
                  "wrong at large |z|: do not take the log of σ(z) nor clip a; exponentiate only −|z|")


def check_bce_with_logits(fn):
    """Exercise: ``fn(z, y)`` returns the binary cross-entropy of every entry (chapter 2).

    ``z`` (logits) and ``y`` (targets in [0, 1]) have the same shape; the
    result has that shape too (no sum, no mean). It must stay finite and
    exact for logits as large as ±800.
    """
    z1 = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
    z2 = np.array([[1.5, -1.0], [0.25, -3.0]])
    y2 = np.array([[0.3, 0.9], [0.5, 0.1]])
    big = np.array([800.0, -800.0, 40.0, -40.0])
    cases = [
        Case("y = 1，logits较小 · y = 1, small logits", (z1, np.ones(5)), _bce_per_entry(z1, np.ones(5)), _BCE_SIGN),
        Case("y = 0，logits较小 · y = 0, small logits", (z1, np.zeros(5)), _bce_per_entry(z1, np.zeros(5)), _BCE_TARGET),
        Case("软目标，形状(2, 2) · soft targets, shape (2, 2)", (z2, y2), _bce_per_entry(z2, y2), _BCE_SOFT),
        Case("logits很大，标签相反 · large logits, wrong labels", (big, np.array([0.0, 1.0, 0.0, 1.0])),
             _bce_per_entry(big, np.array([0.0, 1.0, 0.0, 1.0])), _BCE_LARGE, rtol=1e-9),
        Case("logits很大，标签一致 · large logits, right labels", (big, np.array([1.0, 0.0, 1.0, 0.0])),
             _bce_per_entry(big, np.array([1.0, 0.0, 1.0, 0.0])), _BCE_LARGE, atol=1e-12),
    ]
    return run_cases("从logits稳定计算的二元交叉熵 · stable BCE from logits", fn, cases)


def _weighted_delta(z, y, beta) -> np.ndarray:
    """δ = (1 + (β − 1) y) σ(z) − β y, the answer of the weighted-BCE exercise."""
    z = np.asarray(z, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    return (1.0 + (beta - 1.0) * y) * np.asarray(sigmoid(z)) - beta * y


_W_BETA1 = Hint("β=1时应当退回δ=a−y",
                "with β = 1 it must reduce to δ = a − y")
_W_POS = Hint("y=1的样本：δ=β(a−1)，β要乘在整个差上",
              "for y = 1, δ = β(a − 1): β multiplies the whole difference")
_W_NEG = Hint("y=0的样本不受β影响：δ=a",
              "for y = 0, β plays no part: δ = a")
_W_SOFT = Hint("软目标：δ=(1+(β−1)y)a−βy；先求∂L/∂a，再乘a(1−a)",
               "soft targets: δ = (1 + (β − 1)y)a − βy; find ∂L/∂a first, then multiply by a(1 − a)")
_W_LARGE = Hint("|z|很大时出现NaN或错误：约去a(1−a)之后再写代码，不要计算∂L/∂a",
                "NaN or wrong at large |z|: cancel a(1 − a) on paper, do not compute ∂L/∂a in the code")


def check_weighted_bce_delta(fn):
    """Exercise: ``fn(z, y, beta)`` returns δ = ∂L/∂z of L = −[β y ln a + (1 − y) ln(1 − a)] (chapter 2).

    ``a = σ(z)``; ``z`` and ``y`` have the same shape, the result too; ``beta > 0``
    weighs the positive labels (the ``pos_weight`` of deep-learning frameworks).
    """
    z = np.array([-2.0, -0.3, 0.4, 1.7])
    ones, zeros = np.ones(4), np.zeros(4)
    soft = np.array([0.2, 0.5, 0.9, 0.0])
    big = np.array([60.0, -60.0, 800.0, -800.0])
    big_y = np.array([0.0, 1.0, 1.0, 0.0])
    cases = [
        Case("β = 1", (z, soft, 1.0), _weighted_delta(z, soft, 1.0), _W_BETA1),
        Case("y = 1, β = 3", (z, ones, 3.0), _weighted_delta(z, ones, 3.0), _W_POS),
        Case("y = 0, β = 3", (z, zeros, 3.0), _weighted_delta(z, zeros, 3.0), _W_NEG),
        Case("软目标，β = 0.5 · soft targets, β = 0.5", (z, soft, 0.5), _weighted_delta(z, soft, 0.5), _W_SOFT),
        Case("logits很大，β = 2 · large logits, β = 2", (big, big_y, 2.0), _weighted_delta(big, big_y, 2.0), _W_LARGE),
    ]
    return run_cases("加权二元交叉熵的δ · δ of the weighted BCE", fn, cases)


_M_SIGN = Hint("符号反了：δ=A−Y，梯度是Xᵀ(A−Y)/M，不是Xᵀ(Y−A)/M",
               "the sign is flipped: δ = A − Y, the gradient is Xᵀ(A − Y)/M, not Xᵀ(Y − A)/M")
_M_K = Hint("多除了一个K：代价对标签求和，只对M个样本取平均",
            "an extra factor 1/K: the cost sums over the labels and averages over the M samples only")
_M_N = Hint("没有除以M：代价对样本取平均，梯度也要除以M",
            "not divided by M: the cost averages over the samples, so the gradient is divided by M too")
_M_B = Hint("偏置的梯度：对δ的各行求和再除以M（每个标签一个数）",
            "the bias gradient: sum δ over the rows, then divide by M (one number per label)")


def check_multilabel_gradients(fn):
    """Exercise: ``fn(W, b, X, Y)`` returns (∂C/∂W, ∂C/∂b) of the multi-label cost (chapter 2).

    Shapes: W (d, k), b (k,), X (n, d), Y (n, k) with 0/1 entries; the
    result is (dW of shape (d, k), db of shape (k,)). The cost is the binary
    cross-entropy summed over the k labels and averaged over the n samples.
    """
    rng = np.random.default_rng(2)

    def case(n, d, k):
        W, b = rng.normal(size=(d, k)), rng.normal(size=k)
        X = rng.uniform(-1.0, 1.0, size=(n, d))
        Y = (rng.uniform(size=(n, k)) < 0.5).astype(float)
        return (W, b, X, Y), multilabel_gradients(W, b, X, Y)

    one = case(1, 2, 1)
    labels = case(1, 2, 3)
    samples = case(5, 3, 3)
    cases = [
        Case("一个样本、一个标签 · one sample, one label", one[0], one[1], _M_SIGN),
        Case("一个样本、三个标签 · one sample, three labels", labels[0], labels[1], _M_K),
        # a wrong dW here is a missing 1/n; a right dW with a wrong db is the bias gradient itself
        Case("五个样本、三个标签 · five samples, three labels", samples[0], samples[1], (_M_N, _M_B)),
    ]
    return run_cases("多标签梯度 · multi-label gradients", fn, cases)
