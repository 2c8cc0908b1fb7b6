"""The checkers of chapter 5's implementation exercises: a correct answer passes, and each typical
mistake fails on the case whose hint names it."""

from __future__ import annotations

import numpy as np
import pytest

import ce_backprop as cb
from ce_backprop.exercises import check_hidden_delta, check_relu_backward


def test_correct_relu_backward_passes():
    result = check_relu_backward(lambda dA, z: dA * (z > 0))
    assert result.passed and result.cases_run == 3
    assert result.text.en.startswith("✓ relu_backward: passed")
    assert check_relu_backward(lambda dA, z: dA * cb.relu_prime(z)).passed   # the library's mask


@pytest.mark.parametrize("wrong, case, words", [
    (lambda dA, z: dA * np.maximum(z, 0), "random z, no zeros", "mask [z > 0]"),
    (lambda dA, z: dA * (z >= 0), "z exactly 0 in some entries", "ReLU′(0) = 0"),
    (lambda dA, z: np.where(np.abs(z) < 10, dA * (z > 0), dA * z / 1e3), "large |z|, shape 2×7", "only ever 0 or 1"),
    (lambda dA, z: (dA * (z > 0)).T, "random z, no zeros", "wrong shape"),
    (lambda dA, z: 1 / 0, "random z, no zeros", "raised"),
])
def test_wrong_relu_backward_fails_with_its_hint(wrong, case, words):
    result = check_relu_backward(wrong)
    assert not result.passed
    assert result.failed_case == case
    assert words in str(result)


def _right(delta_next, W_next, a):
    return (delta_next @ W_next.T) * a * (1 - a)


def test_correct_hidden_delta_passes():
    result = check_hidden_delta(_right)
    assert result.passed and result.cases_run == 3


def test_hidden_delta_expected_values_are_the_gradient_of_the_cost():
    """The checker's expected δ is ∂C/∂z^ℓ: compare it with centred differences, independently."""
    from ce_backprop.exercises.chapter5 import _hidden_delta_case
    rng = np.random.default_rng(3)
    (delta_next, W_next, a), expected = _hidden_delta_case(rng, 3, 4, 2)
    # Rebuild the cost as a function of z^ℓ: C(z) = mean CE of softmax(σ(z) W_next) with the labels
    # recovered from delta_next (the one negative entry per row is at the label).
    y = np.argmin(delta_next, axis=1)
    z = np.log(a) - np.log1p(-a)
    numeric = cb.numerical_gradient(lambda zz: cb.softmax_cross_entropy(cb.sigmoid(zz) @ W_next, y), z)
    np.testing.assert_allclose(expected, numeric, rtol=1e-6, atol=1e-10)


@pytest.mark.parametrize("wrong, words", [
    (lambda d, W, a: (d @ W.T) * a, "σ′ is a(1 − a)"),                       # σ instead of σ′
    (lambda d, W, a: (d @ W.T) * (1 - a), "σ′ is a(1 − a)"),
    (lambda d, W, a: d @ W.T, "element-wise by σ′"),                           # forgot f′
    (lambda d, W, a: ((d @ W.T) @ (a * (1 - a)).T) if a.shape[0] == a.shape[1] else np.zeros((a.shape[1], a.shape[0])), "wrong shape"),
])
def test_wrong_hidden_delta_fails_with_its_hint(wrong, words):
    result = check_hidden_delta(wrong)
    assert not result.passed
    assert words in str(result)


def test_missing_transpose_fails():
    result = check_hidden_delta(lambda d, W, a: (d @ W) * a * (1 - a))   # (M, n_ℓ+1) @ (n_ℓ, n_ℓ+1): no
    assert not result.passed and result.failed_case == "M = 3, n_ℓ = 4, n_ℓ+1 = 2"
    assert "raised" in str(result)


def test_checkers_are_exported():
    assert {"check_relu_backward", "check_hidden_delta"} <= set(cb.exercises.__all__)
