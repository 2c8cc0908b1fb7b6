"""Checkers for the implementation exercises of chapter 6.

- ``check_exp_op(exp)``: a new autodiff operation e^x (exercise 6.1);
- ``check_tanh_op(tanh)``: the repaired tanh operation (exercise 6.2);
- ``check_squared_error_vjp(vjp)``: the VJP of the squared-error cost (exercise 6.3);
- ``check_layer_norm_vjp(vjp)``: the VJP of a layer normalisation (exercise 6.3).

The expected answers are closed forms; tests/test_exercises_chapter6.py checks
each of them against centred differences.
"""

from __future__ import annotations

import numpy as np

from .. import autodiff as ad
from ._harness import Case, ExerciseResult, Hint, run_cases

__all__ = ["check_exp_op", "check_tanh_op", "check_squared_error_vjp", "check_layer_norm_vjp"]


def _inputs() -> tuple[np.ndarray, np.ndarray]:
    """The inputs X (3, 4) and incoming gradients G (3, 4) of every checker, drawn afresh from seed 6."""
    rng = np.random.default_rng(6)
    return rng.normal(0, 1.5, (3, 4)), rng.normal(0, 1, (3, 4))


_NOT_A_TENSOR = "the operation must return a cb.autodiff.Tensor"
_NO_GRADIENT = ("no gradient reached the input: the new Tensor must list its input among "
                "its parents and give a vjp that returns one gradient per parent")


def _forward(op):
    """The learner's operation as a function of an array: its output array."""
    def run(x):
        out = op(ad.Tensor(x))
        if not isinstance(out, ad.Tensor):
            raise ValueError(_NOT_A_TENSOR)
        return out.data
    return run


def _backward(op):
    """The learner's operation as a function of (x, g): the gradient it sends to x."""
    def run(x, g):
        t = ad.Tensor(x)
        out = op(t)
        if not isinstance(out, ad.Tensor):
            raise ValueError(_NOT_A_TENSOR)
        ad.tensor_sum(ad.mul(out, g)).backward()  # L = Σ g ⊙ op(x), so ∂L/∂x is the VJP of g
        if t.grad is None:
            raise ValueError(_NO_GRADIENT)
        return t.grad
    return run


def _stages(exercise: str, stages) -> ExerciseResult:
    """Run (function, cases) stages in turn; the first failure is the result."""
    run = 0
    for fn, cases in stages:
        result = run_cases(exercise, fn, cases)
        if not result.passed:
            return ExerciseResult(exercise, False, run + result.cases_run, result.failed_case,
                                  result.reason, result.details)
        run += result.cases_run
    return ExerciseResult(exercise, True, run)


def check_exp_op(exp) -> ExerciseResult:
    """Exercise 6.1: ``exp(t)`` takes a Tensor and returns the Tensor e^t with its VJP (chapter 6)."""
    X, G = _inputs()
    value = Hint("前向传播的值不是e^x", "the forward value is not e^x")
    local = Hint("e^x的导数还是e^x：反向传播应当送回g ⊙ e^x",
                 "the derivative of e^x is e^x itself: the backward pass sends g ⊙ e^x")
    upstream = Hint("向量-雅可比积要乘上传进来的梯度g", "a vector–Jacobian product multiplies by the incoming gradient g")
    ones = np.ones_like(X)
    return _stages("exp", [
        (_forward(exp), [Case("values of e^x", (X,), np.exp(X), value)]),
        (_backward(exp), [Case("gradient with g = 1", (X, ones), np.exp(X), local),
                          Case("gradient with a random g", (X, G), G * np.exp(X), upstream)]),
    ])


def check_tanh_op(tanh) -> ExerciseResult:
    """Exercise 6.2: the repaired ``tanh(t)`` operation and its VJP g ⊙ (1 − a²) (chapter 6)."""
    X, G = _inputs()
    value = Hint("前向传播的值不是tanh(x)", "the forward value is not tanh(x)")
    local = Hint("tanh'(z) = 1 − tanh²(z)：要用输出a = tanh(z)并把它平方，而不是用输入z",
                 "tanh'(z) = 1 − tanh²(z): square the output a = tanh(z), not the input z")
    upstream = Hint("向量-雅可比积要乘上传进来的梯度g", "a vector–Jacobian product multiplies by the incoming gradient g")
    ones = np.ones_like(X)
    a = np.tanh(X)
    return _stages("tanh", [
        (_forward(tanh), [Case("values of tanh(x)", (X,), a, value)]),
        (_backward(tanh), [Case("gradient with g = 1", (X, ones), 1 - a * a, local),
                           Case("gradient with a random g", (X, G), G * (1 - a * a), upstream)]),
    ])


def check_squared_error_vjp(vjp) -> ExerciseResult:
    """Exercise 6.3: ``vjp(a, y, g)`` returns ∂/∂a of g · C, C = (1/M) Σ_i ½‖a_i − y_i‖² (chapter 6).

    a and y have shape (M, K); g is the scalar gradient arriving at C.
    """
    X, G = _inputs()
    local = Hint("½‖a − y‖²对a的导数是a − y：平方的2与½相消，注意符号",
                 "the derivative of ½‖a − y‖² with respect to a is a − y: the ½ cancels the 2 of the square; mind the sign")
    batch = Hint("代价对M行取平均，梯度要除以M", "the cost averages over the M rows, so the gradient is divided by M")
    upstream = Hint("向量-雅可比积要乘上传进来的梯度g", "a vector–Jacobian product multiplies by the incoming gradient g")
    a1, y1 = X[:1], np.tanh(G[:1])
    a, y = X, np.tanh(G)
    M = a.shape[0]
    return run_cases("二次代价的向量-雅可比积 · VJP of the quadratic cost", vjp, [
        Case("one row, g = 1", (a1, y1, 1.0), a1 - y1, local),
        Case(f"{M} rows, g = 1", (a, y, 1.0), (a - y) / M, batch),
        Case(f"{M} rows, g = 2.5", (a, y, 2.5), 2.5 * (a - y) / M, upstream),
    ])


def layer_norm(x, eps=1e-5):
    """Layer normalisation over the last axis, (x − μ) / √(v + ε), without scale and shift (chapter 6)."""
    x = np.asarray(x, dtype=np.float64)
    mu = x.mean(axis=-1, keepdims=True)
    v = ((x - mu) ** 2).mean(axis=-1, keepdims=True)
    return (x - mu) / np.sqrt(v + eps)


def _layer_norm_vjp(x, g, eps):
    """(1/s) (g − mean(g) − x̂ mean(g ⊙ x̂)), s = √(v + ε): the closed form the checker expects."""
    xhat = layer_norm(x, eps)
    s = np.sqrt(((x - x.mean(axis=-1, keepdims=True)) ** 2).mean(axis=-1, keepdims=True) + eps)
    return (g - g.mean(axis=-1, keepdims=True) - xhat * (g * xhat).mean(axis=-1, keepdims=True)) / s


def check_layer_norm_vjp(vjp) -> ExerciseResult:
    """Exercise 6.3: ``vjp(x, g, eps)`` returns ∂L/∂x for x̂ = layer_norm(x, eps) and g = ∂L/∂x̂ (chapter 6).

    The normalisation runs over the last axis of x (M, K): x̂ = (x − μ)/√(v + ε)
    with the row's mean μ and variance v.
    """
    X, G = _inputs()
    mean_term = Hint("均值μ也依赖x：g为常数时每个元素移动相同，梯度应为0",
                     "the mean μ depends on x too: a constant g shifts every entry alike and must give zero")
    var_term = Hint("方差v也依赖x：g与x̂成比例时只改变尺度，梯度应几乎为0",
                    "the variance v depends on x too: a g proportional to x̂ only rescales, and must give (almost) zero")
    general = Hint("一般的g：检查1/√(v + ε)这个因子和两个平均项",
                   "a general g: check the factor 1/√(v + ε) and the two mean terms")
    eps = 1e-5
    const = np.full_like(X, 0.8)
    # for g ∝ x̂ the right answer is of order ε; a forgotten mean term of v is of order 1
    along = 1.3 * layer_norm(X, eps)
    return run_cases("层归一化的向量-雅可比积 · VJP of layer normalisation", vjp, [
        Case("constant g", (X, const, eps), _layer_norm_vjp(X, const, eps), mean_term, atol=1e-8),
        Case("g proportional to x̂", (X, along, eps), _layer_norm_vjp(X, along, eps), var_term, atol=1e-3),
        Case("random g", (X, G, eps), _layer_norm_vjp(X, G, eps), general),
    ])
