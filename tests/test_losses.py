"""The quadratic cost (chapter 1) against closed forms and finite differences."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import ce_backprop as cb


def test_quadratic_cost_single_sample():
    # C = (y − a)²/2
    assert cb.quadratic_cost(0.8, 0.0) == pytest.approx(0.32, rel=1e-15)
    assert cb.quadratic_cost(0.25, 1.0) == pytest.approx(0.28125, rel=1e-15)


def test_quadratic_cost_averages_over_samples_and_sums_over_outputs():
    a = np.array([[1.0, 0.0], [0.5, 0.5]])
    y = np.array([[0.0, 0.0], [0.5, 1.5]])
    # sample 1: ½(1 + 0) = 0.5; sample 2: ½(0 + 1) = 0.5; mean 0.5
    assert cb.quadratic_cost(a, y) == pytest.approx(0.5)


vectors = arrays(np.float64, st.integers(1, 6), elements=st.floats(-5, 5))


@given(vectors, st.data())
def test_quadratic_cost_gradient_matches_finite_differences(a, data):
    y = data.draw(arrays(np.float64, a.shape, elements=st.floats(-5, 5)))
    numeric = cb.numerical_gradient(lambda v: cb.quadratic_cost(v, y), a)
    assert np.allclose(cb.quadratic_cost_grad_a(a, y), numeric, rtol=1e-6, atol=1e-8)


@given(vectors)
def test_quadratic_cost_is_non_negative_and_zero_at_target(a):
    assert cb.quadratic_cost(a, a) == 0.0
    assert cb.quadratic_cost(a, a + 1.0) > 0.0


def test_bad_input_raises():
    with pytest.raises(ValueError, match="same shape"):
        cb.quadratic_cost(np.zeros(3), np.zeros(4))
    with pytest.raises(ValueError, match="NaN"):
        cb.quadratic_cost(np.array([0.1, np.nan]), np.zeros(2))
    with pytest.raises(ValueError, match="inf"):
        cb.quadratic_cost_grad_a(np.array([np.inf]), np.zeros(1))
