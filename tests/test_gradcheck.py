"""The gradient-checking tools every chapter relies on."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import ce_backprop as cb

points = arrays(np.float64, st.integers(1, 5), elements=st.floats(-3, 3))


@given(points)
def test_numerical_gradient_of_known_functions(x):
    # ∇ Σ x² = 2x ; ∇ Σ sin x = cos x
    assert np.allclose(cb.numerical_gradient(lambda v: np.sum(v**2), x), 2 * x, atol=1e-8)
    assert np.allclose(cb.numerical_gradient(lambda v: np.sum(np.sin(v)), x), np.cos(x), atol=1e-8)


def test_numerical_gradient_leaves_x_unchanged_and_keeps_shape():
    x = np.arange(6.0).reshape(2, 3)
    g = cb.numerical_gradient(lambda v: float(np.sum(v * v)), x)
    assert g.shape == (2, 3) and np.array_equal(x, np.arange(6.0).reshape(2, 3))


def test_relative_error():
    assert cb.relative_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert cb.relative_error([1.0], [1.1]) == pytest.approx(0.1 / 1.1)
    assert cb.relative_error([0.0], [0.0]) == 0.0
    assert cb.relative_error([1e-14], [-1e-14]) == 0.0  # both below the floor
    with pytest.raises(ValueError, match="same shape"):
        cb.relative_error([1.0], [1.0, 2.0])


def test_gradient_check_passes_a_right_gradient_and_fails_a_wrong_one():
    x = np.array([0.3, -1.2])
    f = lambda v: float(np.sum(np.exp(v)))  # noqa: E731
    good = cb.gradient_check("∇f", f, x, np.exp(x))
    bad = cb.gradient_check("∇f", f, x, np.exp(x) * (1 + 1e-5))
    assert good.passed and good.max_relative_error < 1e-8
    assert not bad.passed
    assert str(good).startswith("∇f: max relative error = ") and str(good).endswith("< 1e-07 ✓")
    assert "FAILED" in str(bad)


def test_gradient_check_rejects_a_misshaped_gradient():
    with pytest.raises(ValueError, match="shape"):
        cb.gradient_check("g", lambda v: float(v.sum()), np.zeros(3), np.zeros(2))


@pytest.mark.parametrize("h", [0.0, -1e-6, np.nan])
def test_bad_step_raises(h):
    with pytest.raises(ValueError, match="h"):
        cb.numerical_gradient(lambda v: float(v.sum()), np.zeros(2), h=h)


def test_non_finite_function_raises():
    with pytest.raises(ValueError, match="non-finite"), np.errstate(divide="ignore", invalid="ignore"):
        cb.numerical_gradient(lambda v: float(np.log(v[0])), np.array([0.0]))
