"""Chapter 2's exercise checkers: a right answer passes, each typical wrong one fails with its hint."""

import numpy as np
import pytest

import ce_backprop as cb
from ce_backprop.exercises import chapter2


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


# ---------------------------------------------------------------- stable BCE from logits

def bce_right(z, y):
    return np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))


def bce_logaddexp(z, y):  # another right answer: ln(1 + e^{−z}) + (1 − y) z
    return np.logaddexp(0.0, -z) + (1 - y) * z


def bce_naive(z, y):
    a = sigmoid(z)
    return -(y * np.log(a) + (1 - y) * np.log(1 - a))


def bce_clipped(z, y):
    a = np.clip(sigmoid(z), 1e-7, 1 - 1e-7)
    return -(y * np.log(a) + (1 - y) * np.log(1 - a))


def bce_no_abs(z, y):  # right on paper, but e^{−z} overflows for z ≪ 0
    return z - z * y + np.log1p(np.exp(-z))


@pytest.mark.parametrize("fn", [bce_right, bce_logaddexp])
def test_bce_right_answers_pass(fn, capsys):
    result = cb.exercises.check_bce_with_logits(fn)
    assert result.passed, str(result)
    assert str(result).startswith("✓")


@pytest.mark.parametrize("fn, case, hint", [
    (lambda z, y: -bce_right(z, y), "y = 1，logits较小 · y = 1, small logits", "sign"),
    (lambda z, y: np.maximum(z, 0) - z * y, "y = 1，logits较小 · y = 1, small logits", "sign"),
    (lambda z, y: bce_right(z, np.ones_like(y)), "y = 0，logits较小 · y = 0, small logits", "y = 0"),
    (lambda z, y: bce_right(z, np.round(y)), "软目标，形状(2, 2) · soft targets, shape (2, 2)", "soft target"),
    (bce_clipped, "logits很大，标签相反 · large logits, wrong labels", "large |z|"),
    (bce_naive, "logits很大，标签相反 · large logits, wrong labels", "NaN or inf"),
    (bce_no_abs, "logits很大，标签相反 · large logits, wrong labels", "NaN or inf"),
    (lambda z, y: np.mean(bce_right(z, y)), "y = 1，logits较小 · y = 1, small logits", "wrong shape"),
])
def test_bce_wrong_answers_fail_with_their_hint(fn, case, hint):
    result = cb.exercises.check_bce_with_logits(fn)
    assert not result.passed
    assert result.failed_case == case, str(result)
    assert hint in str(result)


def test_bce_expected_values_are_the_closed_form():
    # the checker's expected values, recomputed independently with high precision
    from decimal import Decimal, getcontext
    getcontext().prec = 50
    for z, y in [(800.0, 0.0), (-800.0, 1.0), (40.0, 0.0), (-2.0, 1.0), (1.5, 0.3)]:
        # −ln σ(z) = ln(1 + e^{−z}) and −ln(1 − σ(z)) = ln(1 + e^{z})
        exact = Decimal(y) * (1 + Decimal(-z).exp()).ln() + (1 - Decimal(y)) * (1 + Decimal(z).exp()).ln()
        assert chapter2._bce_per_entry(np.array([z]), np.array([y]))[0] == pytest.approx(float(exact), rel=1e-12)


# ---------------------------------------------------------------- δ of the weighted BCE

def weighted_loss(z, y, beta):
    a = sigmoid(z)
    return -(beta * y * np.log(a) + (1 - y) * np.log(1 - a))


def delta_right(z, y, beta):
    return (1 + (beta - 1) * y) * sigmoid(z) - beta * y


def delta_unsimplified(z, y, beta):  # β y (a − 1) + (1 − y) a, also right
    a = sigmoid(z)
    return beta * y * (a - 1) + (1 - y) * a


def test_weighted_delta_matches_finite_differences():
    z = np.array([-2.0, -0.3, 0.4, 1.7])
    for y in (np.array([0.2, 0.5, 0.9, 0.0]), np.ones(4), np.zeros(4)):
        for beta in (0.5, 1.0, 3.0):
            h = 1e-6
            numeric = (weighted_loss(z + h, y, beta) - weighted_loss(z - h, y, beta)) / (2 * h)
            np.testing.assert_allclose(chapter2._weighted_delta(z, y, beta), numeric, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("fn", [delta_right, delta_unsimplified])
def test_weighted_delta_right_answers_pass(fn):
    assert cb.exercises.check_weighted_bce_delta(fn).passed


def delta_via_dLda(z, y, beta):  # right on paper, NaN once σ(z) rounds to 0 or 1
    a = sigmoid(z)
    return (-beta * y / a + (1 - y) / (1 - a)) * a * (1 - a)


@pytest.mark.parametrize("fn, case, hint", [
    (lambda z, y, beta: -delta_right(z, y, beta), "β = 1", "a − y"),
    (lambda z, y, beta: sigmoid(z) - beta * y, "y = 1, β = 3", "β(a − 1)"),
    (lambda z, y, beta: beta * (sigmoid(z) - y), "y = 0, β = 3", "β plays no part"),
    (lambda z, y, beta: np.where(y > 0.5, beta * (sigmoid(z) - 1), sigmoid(z)), "β = 1", "a − y"),
    (lambda z, y, beta: np.where(y > 0.5, beta, 1.0) * (sigmoid(z) - y), "软目标，β = 0.5 · soft targets, β = 0.5", "soft targets"),
    (delta_via_dLda, "logits很大，β = 2 · large logits, β = 2", "NaN or inf"),
])
def test_weighted_delta_wrong_answers_fail_with_their_hint(fn, case, hint):
    with np.errstate(all="ignore"):
        result = cb.exercises.check_weighted_bce_delta(fn)
    assert not result.passed
    assert result.failed_case == case, str(result)
    assert hint in str(result)


# ---------------------------------------------------------------- multi-label gradients

def ml_right(W, b, X, Y):
    delta = sigmoid(X @ W + b) - Y
    return X.T @ delta / len(X), delta.sum(axis=0) / len(X)


def test_multilabel_right_answer_passes():
    assert cb.exercises.check_multilabel_gradients(ml_right).passed


def test_multilabel_expected_values_match_finite_differences():
    rng = np.random.default_rng(5)
    W, b = rng.normal(size=(3, 2)), rng.normal(size=2)
    X, Y = rng.normal(size=(4, 3)), (rng.uniform(size=(4, 2)) < 0.5).astype(float)
    dW, db = cb.multilabel_gradients(W, b, X, Y)
    assert cb.gradient_check("dW", lambda v: cb.multilabel_cost(v, b, X, Y), W, dW).passed
    assert cb.gradient_check("db", lambda v: cb.multilabel_cost(W, v, X, Y), b, db).passed


@pytest.mark.parametrize("fn, case, hint", [
    (lambda W, b, X, Y: tuple(-g for g in ml_right(W, b, X, Y)), "一个样本、一个标签 · one sample, one label", "sign"),
    (lambda W, b, X, Y: tuple(g / Y.shape[1] for g in ml_right(W, b, X, Y)), "一个样本、三个标签 · one sample, three labels", "1/K"),
    (lambda W, b, X, Y: tuple(g * len(X) for g in ml_right(W, b, X, Y)), "五个样本、三个标签 · five samples, three labels",
     "not divided by M"),
    (lambda W, b, X, Y: (ml_right(W, b, X, Y)[0], (sigmoid(X @ W + b) - Y).sum(axis=0)),
     "五个样本、三个标签 · five samples, three labels", "bias gradient"),
    (lambda W, b, X, Y: (ml_right(W, b, X, Y)[0], (sigmoid(X @ W + b) - Y) / len(X)),
     "一个样本、一个标签 · one sample, one label", "wrong shape"),
    (lambda W, b, X, Y: (ml_right(W, b, X, Y)[0].T, ml_right(W, b, X, Y)[1]), "一个样本、一个标签 · one sample, one label", "wrong shape"),
    (lambda W, b, X, Y: ml_right(W, b, X, Y)[0], "一个样本、一个标签 · one sample, one label", "wrong shape"),
])
def test_multilabel_wrong_answers_fail_with_their_hint(fn, case, hint):
    result = cb.exercises.check_multilabel_gradients(fn)
    assert not result.passed
    assert result.failed_case == case, str(result)
    assert hint in str(result)


def test_checkers_are_exported():
    for name in chapter2.__all__:
        assert getattr(cb.exercises, name) is getattr(chapter2, name)
        assert "chapter 2" in getattr(chapter2, name).__doc__
