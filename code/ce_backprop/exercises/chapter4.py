"""Checkers for the implementation exercises of chapter 4 (04_backprop_three_layer).

- ``check_bias_gradient(fn)``: exercise 4.5, ``fn(dZ) -> db``, the column sums of δ.
- ``check_layer_backward(fn)``: exercise 4.6, one layer's backward step
  ``fn(dZ, a_prev, W) -> (dW, db, dA_prev)``.
- ``check_three_layer_backward(fn)``: exercise 4.7, the whole backward pass
  ``fn(X, A1, A, Y, W2) -> (dW1, db1, dW2, db2)`` of the mean cross-entropy.

The right answers come from the formulas of the chapter (``network_backward``
computes the same ones). When an answer is wrong, the checker compares it with
the usual mistakes (a transposed weight gradient, a bias summed over the wrong
axis, a missing 1/M, a missing σ′) and names the one it matches.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from ..activations import sigmoid
from ..softmax import softmax
from ._harness import Case, ExerciseResult, Hint, run_cases

__all__ = ["check_bias_gradient", "check_layer_backward", "check_three_layer_backward"]

# --- the usual mistakes, in both languages ---------------------------------------

TRANSPOSED = Hint("权重梯度被转置了：dW必须和W同形，应为（上一层激活值）ᵀ δ",
                  "the weight gradient is transposed: dW must have the shape of W, (previous activation)ᵀ δ")
WRONG_AXIS = Hint("偏置梯度对错了轴：应对批量的行求和（axis=0），每个单元一个数",
                  "the bias gradient sums over the wrong axis: sum over the rows of the batch (axis=0), one entry per unit")
NOT_SUMMED = Hint("偏置梯度没有对批量求和：b加到了每一行上，M行的贡献要加起来",
                  "the bias gradient is not summed over the batch: b is added to every row, so the M contributions add up")
KEEPDIMS = Hint("偏置梯度应是长度为D的一维数组，不是1×D的矩阵",
                "the bias gradient should be a 1-D array of length D, not a 1 × D matrix")
MEAN_NOT_SUM = Hint("偏置梯度多除了一个M：δ里已经有1/M，这里只需求和",
                    "the bias gradient is divided by M once too often: δ already carries 1/M, so just sum")
MISSING_1_OVER_M = Hint("梯度大了M倍：代价是批量平均，dZ2 = (A − Y)/M",
                        "the gradients are M times too large: the cost is the mean over the batch, so dZ2 = (A − Y)/M")
MISSING_SIGMA_PRIME = Hint("穿过sigmoid时漏了σ′：dZ1 = dA1 ⊙ A1 ⊙ (1 − A1)",
                           "σ′ is missing at the sigmoid: dZ1 = dA1 ⊙ A1 ⊙ (1 − A1)")
WRONG_SIGMA_PRIME = Hint("σ′(z1)写错了：它是A1 ⊙ (1 − A1)，不是A1，也不是反函数",
                         "σ′(z1) is wrong: it is A1 ⊙ (1 − A1), not A1 and not an inverse")
BACK_THROUGH_W = Hint("传回上一层要乘Wᵀ：dA_prev = dZ Wᵀ",
                      "sending δ back multiplies by Wᵀ: dA_prev = dZ Wᵀ")
WRONG_SIGN = Hint("符号反了：输出层的δ是A − Y，不是Y − A", "the sign is flipped: the output δ is A − Y, not Y − A")


# --- exercise 4.5: bias gradients are column sums --------------------------------

def _bias_case(name, dZ):
    db = dZ.sum(axis=0)
    M = dZ.shape[0]
    mistakes = ((dZ.sum(axis=1), WRONG_AXIS), (dZ, NOT_SUMMED), (dZ.sum(axis=0, keepdims=True), KEEPDIMS),
                (db / M, MEAN_NOT_SUM))
    return Case(name, (dZ,), db, Hint("偏置梯度是δ按列求和：db = 1ᵀ δ", "the bias gradient is the column sum of δ: db = 1ᵀ δ"),
                atol=1e-12, mistakes=mistakes, outputs=("db",))


def check_bias_gradient(fn: Callable) -> ExerciseResult:
    """Exercise 4.5: ``fn(dZ)`` with δ = dZ of shape (M, D) returns db of shape (D,), the column sums.

    Returns the verdict (shown as one line in a notebook); a failing case names the likely mistake
    (wrong axis, no sum over the batch, a 1 × D matrix, an extra 1/M).
    """
    rng = np.random.default_rng(41)
    cases = [
        _bias_case("a batch of 5 rows, 3 units", rng.normal(size=(5, 3)) / 5),
        _bias_case("a square δ (4 rows, 4 units)", rng.normal(size=(4, 4)) / 4),
        _bias_case("one row (M = 1)", rng.normal(size=(1, 6))),
    ]
    return run_cases("偏置梯度 · bias gradient", fn, cases)


# --- exercise 4.6: one layer's backward step -------------------------------------

def _layer_case(name, dZ, a_prev, W):
    dW, db, dA = a_prev.T @ dZ, dZ.sum(axis=0), dZ @ W.T
    M = dZ.shape[0]
    mistakes = (
        ((dZ.T @ a_prev, TRANSPOSED), (dW * M, MISSING_1_OVER_M)),
        ((dZ.sum(axis=1), WRONG_AXIS), (dZ, NOT_SUMMED), (dZ.sum(axis=0, keepdims=True), KEEPDIMS),
         (db / M, MEAN_NOT_SUM)),
        ((W @ dZ.T, TRANSPOSED), ((dZ @ W.T).T, TRANSPOSED)),
    )
    if W.shape[0] == W.shape[1]:
        mistakes = (mistakes[0], mistakes[1], mistakes[2] + ((dZ @ W, BACK_THROUGH_W),))
    return Case(name, (dZ, a_prev, W), (dW, db, dA),
                Hint("对照本章的三个式子：dW = a_prevᵀ dZ，db = 1ᵀ dZ，dA_prev = dZ Wᵀ",
                     "compare with the three formulas of the chapter: dW = a_prevᵀ dZ, db = 1ᵀ dZ, dA_prev = dZ Wᵀ"),
                atol=1e-12, mistakes=mistakes, outputs=("dW", "db", "dA_prev"))


def check_layer_backward(fn: Callable) -> ExerciseResult:
    """Exercise 4.6: one layer z = a_prev W + b, given δ = dZ (M, n_out), a_prev (M, n_in), W (n_in, n_out).

    ``fn(dZ, a_prev, W)`` returns (dW (n_in, n_out), db (n_out,), dA_prev (M, n_in)).
    Returns the verdict, shown as one line in a notebook.
    """
    rng = np.random.default_rng(42)
    cases = []
    for name, (M, n_in, n_out) in [("a batch of 6 rows, 4 inputs, 3 outputs", (6, 4, 3)),
                                   ("a square layer (3 inputs, 3 outputs, 5 rows)", (5, 3, 3)),
                                   ("one row (M = 1)", (1, 2, 5))]:
        dZ = rng.normal(size=(M, n_out)) / M
        cases.append(_layer_case(name, dZ, rng.random((M, n_in)), rng.normal(size=(n_in, n_out))))
    return run_cases("一层的反向传播 · one layer's backward step", fn, cases)


# --- exercise 4.7: the backward pass of the three-layer network ------------------

def _three_layer_case(name, X, A1, A, Y, W2):
    M = X.shape[0]
    dZ2 = (A - Y) / M
    dA1 = dZ2 @ W2.T
    sp = A1 * (1 - A1)
    dZ1 = dA1 * sp
    right = (X.T @ dZ1, dZ1.sum(axis=0), A1.T @ dZ2, dZ2.sum(axis=0))
    with np.errstate(all="ignore"):
        logit = np.log(A1 / (1 - A1))                       # the inverse of σ, evaluated at A1
    mistakes = (
        ((X.T @ dA1, MISSING_SIGMA_PRIME), (X.T @ (dA1 * A1), WRONG_SIGMA_PRIME),
         (X.T @ (dA1 * logit), WRONG_SIGMA_PRIME), (dZ1.T @ X, TRANSPOSED), (M * right[0], MISSING_1_OVER_M),
         (-right[0], WRONG_SIGN)),
        ((dA1.sum(axis=0), MISSING_SIGMA_PRIME), (dZ1.sum(axis=1), WRONG_AXIS), (dZ1, NOT_SUMMED),
         (dZ1.sum(axis=0, keepdims=True), KEEPDIMS), (M * right[1], MISSING_1_OVER_M), (right[1] / M, MEAN_NOT_SUM),
         (-right[1], WRONG_SIGN)),
        ((dZ2.T @ A1, TRANSPOSED), (M * right[2], MISSING_1_OVER_M), (-right[2], WRONG_SIGN)),
        ((dZ2.sum(axis=1), WRONG_AXIS), (dZ2, NOT_SUMMED), (dZ2.sum(axis=0, keepdims=True), KEEPDIMS),
         (M * right[3], MISSING_1_OVER_M), (right[3] / M, MEAN_NOT_SUM), (-right[3], WRONG_SIGN)),
    )
    return Case(name, (X, A1, A, Y, W2), right,
                Hint("按第4.2节的五步逐一核对，先从dZ2 = (A − Y)/M开始",
                     "go through the five steps of section 4.2 one by one, starting from dZ2 = (A − Y)/M"),
                atol=1e-12, mistakes=mistakes, outputs=("dW1", "db1", "dW2", "db2"))


def _three_layer_inputs(rng, M, d0, d1, K, weight_scale=1.0):
    X = rng.normal(size=(M, d0))
    W1 = rng.normal(0, weight_scale / np.sqrt(d0), (d0, d1))
    W2 = rng.normal(0, 1 / np.sqrt(d1), (d1, K))
    A1 = sigmoid(X @ W1 + rng.normal(0, 0.5, d1))
    A = softmax(A1 @ W2 + rng.normal(0, 0.5, K), axis=1)
    Y = np.eye(K)[rng.integers(0, K, M)]
    return X, A1, A, Y, W2


def check_three_layer_backward(fn: Callable) -> ExerciseResult:
    """Exercise 4.7: the backward pass of the mean cross-entropy, from what the forward pass keeps.

    ``fn(X, A1, A, Y, W2)`` with X (M, d0), A1 = σ(Z1) (M, d1), A = softmax(Z2)
    (M, K), one-hot Y (M, K) and W2 (d1, K) returns (dW1, db1, dW2, db2) with
    the shapes (d0, d1), (d1,), (d1, K), (K,). Returns the verdict, shown as one line in a notebook.
    """
    rng = np.random.default_rng(43)
    cases = [
        _three_layer_case("a batch of 6 rows (d0 = 4, d1 = 5, K = 3)", *_three_layer_inputs(rng, 6, 4, 5, 3)),
        _three_layer_case("d0 = d1 = K = 3 (square weights)", *_three_layer_inputs(rng, 4, 3, 3, 3)),
        _three_layer_case("large weights: some hidden units saturate", *_three_layer_inputs(rng, 5, 4, 6, 3, 8.0)),
        _three_layer_case("one row (M = 1)", *_three_layer_inputs(rng, 1, 3, 4, 2)),
    ]
    return run_cases("三层网络的反向传播 · three-layer backward pass", fn, cases)
