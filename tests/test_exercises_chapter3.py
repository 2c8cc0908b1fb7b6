"""The chapter 3 exercise checkers: a right answer passes; each typical mistake fails with its own hint."""

import numpy as np
import pytest

import ce_backprop as cb
from ce_backprop.exercises import chapter3


# --- the softmax backward pass without the Jacobian ---------------------------------------

def vjp_right(a, g):
    return a * (g - np.sum(a * g, axis=-1, keepdims=True))


def vjp_through_jacobian(a, g):
    a2, g2 = np.atleast_2d(a), np.atleast_2d(g)
    return np.array([(np.diag(r) - np.outer(r, r)) @ s for r, s in zip(a2, g2)]).reshape(a.shape)


def vjp_missing_term(a, g):
    return a * g


def vjp_flipped_sign(a, g):
    return -vjp_right(a, g)


def vjp_wrong_axis(a, g):
    return a * (g - np.sum(a * g, axis=0, keepdims=True))


def vjp_whole_sum(a, g):
    return a * (g - np.sum(a * g))


@pytest.mark.parametrize("fn", [vjp_right, vjp_through_jacobian])
def test_softmax_backward_right_answers_pass(fn):
    result = cb.exercises.check_softmax_backward(fn)
    assert result.passed and result.cases_run == 4
    assert str(result).startswith("✓")


@pytest.mark.parametrize("fn, case, hint", [
    (vjp_missing_term, "one sample, g = 1", "the term (aᵀg)1 is missing"),
    (vjp_flipped_sign, "one sample, general g", "the sign or the formula is wrong"),
    (vjp_wrong_axis, "a batch of 3 rows (M, K) = (3, 5)", "along the last axis"),
    (vjp_whole_sum, "a batch of 3 rows (M, K) = (3, 5)", "along the last axis"),
])
def test_softmax_backward_mistakes_get_their_hint(fn, case, hint):
    result = cb.exercises.check_softmax_backward(fn)
    assert not result.passed and result.failed_case == case
    assert hint in str(result)


def test_softmax_backward_expected_values_are_the_vjp():
    # the expected answers are independent of the formula the learner writes:
    # check them against finite differences of g·softmax(z)
    for case in chapter3._softmax_backward_cases()[:2]:
        a, g = case.args
        z = np.log(a)
        numeric = cb.numerical_gradient(lambda v: float(g @ cb.softmax(v)), z)
        assert np.allclose(case.expected, numeric, rtol=1e-6, atol=1e-9)


# --- a stable log-softmax ------------------------------------------------------------------

def logsm_right(z):
    s = z - np.max(z, axis=-1, keepdims=True)
    return s - np.log(np.sum(np.exp(s), axis=-1, keepdims=True))


def logsm_naive(z):
    return np.log(np.exp(z) / np.sum(np.exp(z), axis=-1, keepdims=True))


def logsm_shift_then_log(z):
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return np.log(e / np.sum(e, axis=-1, keepdims=True))


def logsm_wrong_axis(z):
    s = z - np.max(z, axis=0, keepdims=True)
    return s - np.log(np.sum(np.exp(s), axis=0, keepdims=True))


def logsm_flipped_sign(z):
    return -logsm_right(z)


def logsm_missing_keepdims(z):
    s = z - np.max(z, axis=-1, keepdims=True)
    return s - np.log(np.sum(np.exp(s), axis=-1))


def test_log_softmax_right_answers_pass():
    assert cb.exercises.check_log_softmax(logsm_right).passed
    assert cb.exercises.check_log_softmax(cb.log_softmax).passed


@pytest.mark.parametrize("fn, case, hint", [
    (logsm_flipped_sign, "logits [0, ln 2, ln 3]", "the formula is wrong"),
    (logsm_wrong_axis, "a batch of 3 rows (M, K) = (3, 4)", "along the last axis"),
    (logsm_naive, "large logits near ±1e3", "subtract each row's maximum"),
    (logsm_shift_then_log, "a probability below e^-745 (underflow)", "never the log of a probability"),
])
def test_log_softmax_mistakes_get_their_hint(fn, case, hint):
    result = cb.exercises.check_log_softmax(fn)
    assert not result.passed and result.failed_case == case
    assert hint in str(result)


def test_log_softmax_missing_keepdims_is_reported_not_raised():
    result = cb.exercises.check_log_softmax(logsm_missing_keepdims)
    assert not result.passed and result.failed_case == "a batch of 3 rows (M, K) = (3, 4)"
    assert "raised" in str(result) or "shape" in str(result) or "last axis" in str(result)


def test_log_softmax_expected_values_are_finite_and_exact():
    cases = chapter3._log_softmax_cases()
    assert np.allclose(cases[0].expected, np.log([1 / 6, 2 / 6, 3 / 6]), rtol=1e-14)
    gap = cases[3]
    assert gap.expected[1] == pytest.approx(-803.0 - np.log1p(np.exp(-3.0)), rel=1e-14)
    assert all(np.isfinite(c.expected).all() for c in cases)


# --- the gradient with a temperature -------------------------------------------------------

def temp_right(z, y, T):
    return (cb.softmax(z / T) - y) / T


def temp_flipped_sign(z, y, T):
    return (y - cb.softmax(z / T)) / T


def temp_missing_factor(z, y, T):
    return cb.softmax(z / T) - y


def temp_times_T(z, y, T):
    return (cb.softmax(z / T) - y) * T


def temp_softmax_of_z(z, y, T):
    return (cb.softmax(z) - y) / T


def temp_one_hot_only(z, y, T):
    onehot = np.zeros_like(y)
    onehot[np.argmax(y)] = 1.0
    return (cb.softmax(z / T) - onehot) / T


def temp_naive_softmax(z, y, T):
    e = np.exp(z / T)
    return (e / e.sum() - y) / T


def test_temperature_right_answer_passes():
    result = cb.exercises.check_temperature_grad(temp_right)
    assert result.passed and result.cases_run == 6


@pytest.mark.parametrize("fn, case, hint", [
    (temp_flipped_sign, "T = 1, one-hot target", "check the sign"),
    (temp_missing_factor, "T = 2, equal logits", "the factor 1/T is missing"),
    (temp_times_T, "T = 2, equal logits", "the factor 1/T is missing"),
    (temp_softmax_of_z, "T = 2, general logits", "softmax(z/T), not softmax(z)"),
    (temp_one_hot_only, "T = 3, soft target", "for every y that sums to 1"),
    (temp_naive_softmax, "T = 0.1, logits up to 100 (z/T = 1000)", "use the max-shifted, stable softmax"),
])
def test_temperature_mistakes_get_their_hint(fn, case, hint):
    result = cb.exercises.check_temperature_grad(fn)
    assert not result.passed and result.failed_case == case
    assert hint in str(result)


def test_temperature_expected_values_match_finite_differences():
    for case in chapter3._temperature_cases()[:5]:
        z, y, T = case.args
        numeric = cb.numerical_gradient(lambda v: -float(y @ cb.log_softmax(v / T)), z)
        assert np.allclose(case.expected, numeric, rtol=1e-6, atol=1e-9)


def test_checkers_are_exported():
    for name in ("check_softmax_backward", "check_log_softmax", "check_temperature_grad"):
        assert name in cb.exercises.__all__ and callable(getattr(cb.exercises, name))
