"""Chapter 6's exercise checkers: a right answer passes, each kind of wrong one gets its hint,
and the closed forms the checkers expect agree with centred differences."""

from __future__ import annotations

import numpy as np
import pytest

import ce_backprop as cb
from ce_backprop import autodiff as ad
from ce_backprop.exercises import chapter6


def _op(forward, local):
    """An autodiff operation whose VJP is g ↦ local(x, out, g)."""
    def op(t):
        out = forward(t.data)
        return ad.Tensor(out, (t,), lambda g: (local(t.data, out, g),), "op")
    return op


# --- exercise 6.1: exp -------------------------------------------------------------

def test_exp_right_answer_passes():
    result = cb.exercises.check_exp_op(_op(np.exp, lambda x, out, g: g * out))
    assert result.passed and result.cases_run == 3


@pytest.mark.parametrize("wrong, hint", [
    (_op(lambda x: np.exp(x) + 1, lambda x, out, g: g * np.exp(x)), "forward value is not e^x"),
    (_op(np.exp, lambda x, out, g: g * x), "derivative of e^x is e^x itself"),
    (_op(np.exp, lambda x, out, g: out), "multiplies by the incoming gradient g"),
    (lambda t: np.exp(t.data), "must return a cb.autodiff.Tensor"),
    (lambda t: ad.Tensor(np.exp(t.data)), "no gradient reached the input"),
])
def test_exp_wrong_answers_get_their_hint(wrong, hint):
    result = cb.exercises.check_exp_op(wrong)
    assert not result.passed and hint in str(result)


# --- exercise 6.2: tanh ------------------------------------------------------------

def test_tanh_right_answer_passes():
    assert cb.exercises.check_tanh_op(_op(np.tanh, lambda x, out, g: g * (1 - out**2))).passed
    assert cb.exercises.check_tanh_op(ad.tanh).passed  # the library's own operation


@pytest.mark.parametrize("wrong, hint", [
    (_op(np.tanh, lambda x, out, g: g * (1 - x**2)), "not the input z"),   # the chapter's bug
    (_op(np.tanh, lambda x, out, g: g * (1 - out)), "not the input z"),
    (_op(np.tanh, lambda x, out, g: 1 - out**2), "multiplies by the incoming gradient g"),
    (_op(np.sinh, lambda x, out, g: g * (1 - out**2)), "forward value is not tanh(x)"),
])
def test_tanh_wrong_answers_get_their_hint(wrong, hint):
    result = cb.exercises.check_tanh_op(wrong)
    assert not result.passed and hint in str(result)


# --- exercise 6.3: squared error -----------------------------------------------------

def test_squared_error_right_answer_passes():
    assert cb.exercises.check_squared_error_vjp(lambda a, y, g: g * (a - y) / a.shape[0]).passed


@pytest.mark.parametrize("wrong, hint", [
    (lambda a, y, g: g * (y - a) / a.shape[0], "mind the sign"),
    (lambda a, y, g: 2 * g * (a - y) / a.shape[0], "the ½ cancels the 2"),
    (lambda a, y, g: g * (a - y), "divided by M"),
    (lambda a, y, g: (a - y) / a.shape[0], "multiplies by the incoming gradient g"),
    (lambda a, y, g: np.sum(g * (a - y)), "wrong shape"),
])
def test_squared_error_wrong_answers_get_their_hint(wrong, hint):
    result = cb.exercises.check_squared_error_vjp(wrong)
    assert not result.passed and hint in str(result)


def test_squared_error_closed_form_matches_finite_differences():
    rng = np.random.default_rng(0)
    a, y = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    cost = lambda v: 0.5 * np.sum((v - y) ** 2) / v.shape[0]  # noqa: E731
    np.testing.assert_allclose((a - y) / 4, cb.numerical_gradient(cost, a), rtol=1e-7, atol=1e-10)


# --- exercise 6.3: layer normalisation ------------------------------------------------

def _ln_parts(x, eps):
    xhat = chapter6.layer_norm(x, eps)
    s = np.sqrt(x.var(axis=-1, keepdims=True) + eps)
    return xhat, s


def right_layer_norm_vjp(x, g, eps):
    xhat, s = _ln_parts(x, eps)
    K = x.shape[-1]
    return (K * g - g.sum(-1, keepdims=True) - xhat * (g * xhat).sum(-1, keepdims=True)) / (K * s)


def test_layer_norm_right_answer_passes():
    assert cb.exercises.check_layer_norm_vjp(right_layer_norm_vjp).passed


@pytest.mark.parametrize("wrong, hint", [
    (lambda x, g, eps: g / _ln_parts(x, eps)[1], "mean μ depends on x too"),
    (lambda x, g, eps: (g - _ln_parts(x, eps)[0] * (g * _ln_parts(x, eps)[0]).mean(-1, keepdims=True))
     / _ln_parts(x, eps)[1], "mean μ depends on x too"),
    (lambda x, g, eps: (g - g.mean(-1, keepdims=True)) / _ln_parts(x, eps)[1], "variance v depends on x too"),
    (lambda x, g, eps: (g - g.mean(-1, keepdims=True) - _ln_parts(x, eps)[0] * (g * _ln_parts(x, eps)[0]).mean(-1, keepdims=True)),
     "factor 1/√(v + ε)"),
])
def test_layer_norm_wrong_answers_get_their_hint(wrong, hint):
    result = cb.exercises.check_layer_norm_vjp(wrong)
    assert not result.passed and hint in str(result)


@pytest.mark.parametrize("seed", [0, 1])
def test_layer_norm_closed_form_matches_finite_differences(seed):
    rng = np.random.default_rng(seed)
    x, g = rng.normal(size=(3, 5)), rng.normal(size=(3, 5))
    eps = 1e-5
    numeric = cb.numerical_gradient(lambda v: float(np.sum(g * chapter6.layer_norm(v, eps))), x)
    np.testing.assert_allclose(chapter6._layer_norm_vjp(x, g, eps), numeric, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(right_layer_norm_vjp(x, g, eps), numeric, rtol=1e-6, atol=1e-9)


def test_checkers_are_exported():
    for name in chapter6.__all__:
        assert getattr(cb.exercises, name) is getattr(chapter6, name)
