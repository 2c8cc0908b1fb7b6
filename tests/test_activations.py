"""sigmoid and sigmoid_prime (chapter 1) against closed forms and finite differences."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import ce_backprop as cb

finite = st.floats(-50, 50, allow_nan=False)


@pytest.mark.parametrize(
    "z, expected",
    [(0.0, 0.5), (math.log(3.0), 0.75), (-math.log(3.0), 0.25), (math.log(9.0), 0.9)],
)
def test_sigmoid_closed_forms(z, expected):
    assert cb.sigmoid(z) == pytest.approx(expected, rel=1e-15)


def test_sigmoid_limits_do_not_overflow():
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow to 0 is fine
        out = cb.sigmoid(np.array([-1000.0, -40.0, 40.0, 1000.0, -np.inf, np.inf]))
    assert out[0] == 0.0 and out[-3] == 1.0 and out[-2] == 0.0 and out[-1] == 1.0
    assert 0 < out[1] < 1e-17 and 1 - 1e-15 < out[2] <= 1


def test_sigmoid_keeps_float32_and_shape():
    z = np.zeros((2, 3), dtype=np.float32)
    out = cb.sigmoid(z)
    assert out.dtype == np.float32 and out.shape == (2, 3)


@given(finite)
def test_sigmoid_symmetry(z):
    # σ(−z) = 1 − σ(z), since e^{z}/(1 + e^{z}) = 1 − 1/(1 + e^{z})
    assert cb.sigmoid(-z) == pytest.approx(1.0 - cb.sigmoid(z), abs=1e-15)


@given(st.floats(-30, 30))
def test_sigmoid_prime_matches_centred_difference(z):
    h = 1e-6
    numeric = (cb.sigmoid(z + h) - cb.sigmoid(z - h)) / (2 * h)
    # σ(z ± h) near 1 loses ~1e-16 absolute, so the difference quotient carries ~1e-10
    assert cb.sigmoid_prime(z) == pytest.approx(numeric, rel=1e-6, abs=1e-9)


@given(finite)
def test_sigmoid_prime_bounded_by_quarter(z):
    assert 0.0 <= cb.sigmoid_prime(z) <= 0.25


def test_sigmoid_prime_closed_forms():
    assert cb.sigmoid_prime(0.0) == 0.25
    # σ'(ln 3) = 0.75 · 0.25
    assert cb.sigmoid_prime(math.log(3.0)) == pytest.approx(0.1875, rel=1e-14)
    # the plateau of chapter 1: σ'(4) = e^{-4}/(1 + e^{-4})²
    assert cb.sigmoid_prime(4.0) == pytest.approx(math.exp(-4) / (1 + math.exp(-4)) ** 2, rel=1e-14)


@pytest.mark.parametrize("bad", [np.nan, [0.0, np.nan], "1.0", None, [1 + 2j]])
def test_bad_input_raises(bad):
    with pytest.raises(ValueError, match="z"):
        cb.sigmoid(bad)
    with pytest.raises(ValueError, match="z"):
        cb.sigmoid_prime(bad)


@given(st.floats(-700, 700))
def test_sigmoid_prime_has_full_relative_accuracy(z):
    # e^{−|z|}/(1 + e^{−|z|})² has no subtraction; σ(z)σ(−z) must agree to rounding
    e = math.exp(-abs(z))
    assert cb.sigmoid_prime(z) == pytest.approx(e / (1 + e) ** 2, rel=1e-14, abs=0)


def test_sigmoid_prime_at_large_z_is_not_zero():
    # σ(40) rounds to 1 in float64, so σ(1 − σ) would give 0; σ'(40) ≈ e^{−40}
    assert cb.sigmoid_prime(40.0) == pytest.approx(math.exp(-40), rel=1e-12)
    assert cb.sigmoid_prime(np.float32(10.0)).dtype == np.float32
    with np.errstate(over="raise", invalid="raise"):
        assert cb.sigmoid_prime(np.array([-800.0, 800.0])).tolist() == [0.0, 0.0]


def test_sigmoid_prime_passes_the_course_gradient_check_up_to_25_and_never_fails_to_30():
    # beyond |z| ≈ 25, σ′(z) < 1e-11 sits below what any step resolves to 1 % (appendix A): inconclusive
    for z in np.linspace(-30, 30, 61):
        check = cb.gradient_check("σ'", cb.sigmoid, z, cb.sigmoid_prime(z))
        assert check.passed if abs(z) <= 25 else not check.failed, (z, str(check))
