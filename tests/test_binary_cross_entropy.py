"""Binary cross-entropy (chapter 2): closed forms, finite differences, stability, bad input."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import ce_backprop as cb

probs = st.floats(1e-6, 1 - 1e-6)
targets = st.floats(0, 1)
logits = st.floats(-30, 30)


def test_closed_form_single_sample():
    # −ln 0.8 for y = 1; −ln(1 − 0.8) for y = 0; soft target y = 0.25
    assert cb.binary_cross_entropy(0.8, 1.0) == pytest.approx(-math.log(0.8), rel=1e-15)
    assert cb.binary_cross_entropy(0.8, 0.0) == pytest.approx(-math.log(0.2), rel=1e-14)
    expected = -(0.25 * math.log(0.6) + 0.75 * math.log(0.4))
    assert cb.binary_cross_entropy(0.6, 0.25) == pytest.approx(expected, rel=1e-15)


def test_nielsen_start_value():
    # x = 1, y = 0, w = 2, b = 2: a = σ(4), C = −ln(1 − a) = ln(1 + e^4)
    a = 1 / (1 + math.exp(-4.0))
    assert cb.binary_cross_entropy(a, 0.0) == pytest.approx(math.log1p(math.exp(4.0)), rel=1e-13)


def test_mean_over_samples_sum_over_outputs():
    a = np.array([[0.5, 0.5], [0.9, 0.2]])
    y = np.array([[1.0, 0.0], [1.0, 0.0]])
    per_sample = [-2 * math.log(0.5), -math.log(0.9) - math.log(0.8)]
    assert cb.binary_cross_entropy(a, y) == pytest.approx(sum(per_sample) / 2, rel=1e-15)
    # (n,) is n samples of one output each: a mean, not a sum
    assert cb.binary_cross_entropy([0.5, 0.9], [1.0, 1.0]) == pytest.approx(
        -(math.log(0.5) + math.log(0.9)) / 2, rel=1e-15
    )


def test_exact_zero_and_one_allowed_where_they_equal_the_target():
    assert cb.binary_cross_entropy([0.0, 1.0], [0.0, 1.0]) == 0.0
    assert cb.binary_cross_entropy([[0.0, 0.5]], [[0.0, 1.0]]) == pytest.approx(math.log(2), rel=1e-15)


def test_soft_target_minimum_is_the_entropy_of_y():
    # with y = 0.3 the cost over a is smallest at a = y, where it is H(y) > 0
    y = 0.3
    grid = np.linspace(0.01, 0.99, 981)
    costs = [cb.binary_cross_entropy(a, y) for a in grid]
    entropy = -(y * math.log(y) + (1 - y) * math.log(1 - y))
    assert grid[int(np.argmin(costs))] == pytest.approx(y, abs=1e-12)
    assert min(costs) == pytest.approx(entropy, rel=1e-12)


@given(probs, targets)
def test_cost_is_nonnegative_and_at_least_the_entropy(a, y):
    c = cb.binary_cross_entropy(a, y)
    assert c >= 0
    with np.errstate(divide="ignore", invalid="ignore"):
        h = -sum(t * math.log(t) for t in (y, 1 - y) if t > 0)
    assert c >= h - 1e-12  # KL(y‖a) = C − H(y) ≥ 0


@given(logits, targets)
def test_stable_form_equals_naive_form_where_naive_is_finite(z, y):
    a = 1 / (1 + math.exp(-z))
    naive = -(y * math.log(a) + (1 - y) * math.log(1 - a)) if 0 < a < 1 else math.inf
    stable = cb.binary_cross_entropy_with_logits(z, y)
    if math.isfinite(naive):
        # the naive form itself loses digits: 1 − a (or a) carries a rounding error
        # of about 1e-16, relative to a quantity as small as e^{−|z|}
        assert stable == pytest.approx(naive, rel=1e-12, abs=1e-12 + 1e-15 * math.exp(abs(z)))


def test_stable_form_survives_where_naive_fails():
    z = np.array([-800.0, 800.0, -40.0, 40.0])
    y = np.array([1.0, 0.0, 1.0, 0.0])
    # exact values: −ln σ(−800) = 800 + ln(1 + e^{−800}) = 800, the same for the others
    assert cb.binary_cross_entropy_with_logits(z, y) == pytest.approx((800 + 800 + 40 + 40) / 4, rel=1e-15)
    z32 = z[2:].astype(np.float32)
    assert cb.binary_cross_entropy_with_logits(z32, y[2:]) == pytest.approx(40.0, rel=1e-6)
    with pytest.raises(ValueError, match="strictly inside"):
        cb.binary_cross_entropy(cb.sigmoid(z), y)


@given(arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(1, 3)), elements=logits), st.data())
def test_logit_gradient_matches_finite_differences(z, data):
    y = data.draw(arrays(np.float64, z.shape, elements=targets))
    grad = cb.binary_cross_entropy_grad_logits(z, y)
    numeric = cb.numerical_gradient(lambda v: cb.binary_cross_entropy_with_logits(v, y), z)
    assert np.allclose(grad, numeric, rtol=1e-6, atol=1e-8)


@given(logits, targets)
def test_gradient_is_a_minus_y(z, y):
    assert cb.binary_cross_entropy_grad_logits(z, y) == pytest.approx(cb.sigmoid(z) - y, rel=1e-15, abs=0)


@given(probs, targets)
def test_grad_a_matches_closed_form_and_chain_rule(a, y):
    g = cb.binary_cross_entropy_grad_a(a, y)
    assert g == pytest.approx((a - y) / (a * (1 - a)), rel=1e-9)
    # chain rule: ∂C/∂a · σ'(z) = a − y
    assert g * a * (1 - a) == pytest.approx(a - y, rel=1e-9, abs=1e-15)


def test_grad_a_matches_finite_differences():
    a = np.array([[0.2, 0.7], [0.45, 0.9]])
    y = np.array([[0.0, 1.0], [0.3, 0.0]])
    check = cb.gradient_check("∂C/∂a", lambda v: cb.binary_cross_entropy(v, y), a, cb.binary_cross_entropy_grad_a(a, y))
    assert check.passed, str(check)


def test_neuron_cross_entropy_cost_is_registered():
    assert cb.NEURON_COSTS["cross_entropy"].label == "交叉熵 cross-entropy"
    # x = 1, y = 0: ∂C/∂w = ∂C/∂b = a (no σ' factor)
    a = 1 / (1 + math.exp(-4.0))
    dw, db = cb.neuron_gradients(2.0, 2.0, 1.0, 0.0, cost="cross_entropy")
    assert dw == pytest.approx(a, rel=1e-15) and db == pytest.approx(a, rel=1e-15)
    h = cb.train_neuron(2.0, 2.0, 1.0, 0.0, eta=0.005, epochs=1, cost="cross_entropy")
    assert h.w[1] == pytest.approx(2.0 - 0.005 * a, rel=1e-15)
    assert h.cost[0] == pytest.approx(math.log1p(math.exp(4.0)), rel=1e-13)


@given(st.floats(-3, 3), st.floats(-3, 3), st.floats(-3, 3), targets)
def test_neuron_cross_entropy_gradients_match_finite_differences(w, b, x, y):
    def cost(p):
        return cb.binary_cross_entropy_with_logits(p[0] * x + p[1], y)

    dw, db = cb.neuron_gradients(w, b, x, y, cost="cross_entropy")
    # the centred difference carries ~1e-16·C/h ≈ 1e-10 of rounding, so atol sits above it
    assert np.allclose([dw, db], cb.numerical_gradient(cost, np.array([w, b])), rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize(
    "f, args, match",
    [
        (cb.binary_cross_entropy, ([0.5, 0.5], [1.0]), "same shape"),
        (cb.binary_cross_entropy, (1.2, 1.0), r"a must lie in \[0, 1\]"),
        (cb.binary_cross_entropy, (0.5, -0.1), r"y must lie in \[0, 1\]"),
        (cb.binary_cross_entropy, (np.nan, 1.0), "a contains NaN"),
        (cb.binary_cross_entropy, (0.0, 1.0), "strictly inside"),
        (cb.binary_cross_entropy, (1.0, 0.5), "strictly inside"),
        (cb.binary_cross_entropy, ("0.5", 1.0), "numeric"),
        (cb.binary_cross_entropy_grad_a, (0.0, 0.0), "strictly inside"),
        (cb.binary_cross_entropy_with_logits, (np.inf, 1.0), "z contains inf"),
        (cb.binary_cross_entropy_with_logits, (1.0, 2.0), r"y must lie in \[0, 1\]"),
        (cb.binary_cross_entropy_with_logits, ([1.0, 2.0], [[1.0, 0.0]]), "same shape"),
        (cb.binary_cross_entropy_grad_logits, (0.0, np.nan), "y contains NaN"),
    ],
)
def test_bad_input_raises(f, args, match):
    with pytest.raises(ValueError, match=match):
        f(*args)


def test_training_a_saturated_neuron_with_exact_output_one_is_refused():
    with pytest.raises(ValueError, match="binary_cross_entropy_with_logits"):
        cb.train_neuron(40.0, 0.0, 1.0, 0.0, eta=0.1, epochs=1, cost="cross_entropy")


def test_average_sigmoid_slope_over_outputs_is_one_sixth():
    # ∫₀¹ σ(1 − σ) dσ = 1/2 − 1/3 = 1/6: on average over a ∈ (0, 1) the quadratic
    # gradient (a − y)σ'(z) carries σ' ≈ 1/6 that the cross-entropy gradient lacks.
    a = np.linspace(0.0, 1.0, 200_001)
    assert np.trapezoid(a * (1 - a), a) == pytest.approx(1 / 6, rel=1e-9)


def test_dividing_the_learning_rate_by_six_matches_the_quadratic_run_early_on():
    # From a start that is not saturated, the quadratic cost at η and cross-entropy
    # at η/6 move the output alike; cross-entropy at the same η runs far ahead.
    quad = cb.train_neuron(0.6, 0.9, 1.0, 0.0, eta=0.15, epochs=25, cost="quadratic")
    ce_sixth = cb.train_neuron(0.6, 0.9, 1.0, 0.0, eta=0.15 / 6, epochs=25, cost="cross_entropy")
    ce_same = cb.train_neuron(0.6, 0.9, 1.0, 0.0, eta=0.15, epochs=25, cost="cross_entropy")
    assert np.max(np.abs(quad.a - ce_sixth.a)) < 0.04  # chapter 2, section 2.2: the two runs "move almost in step"
    assert np.max(np.abs(quad.a - ce_same.a)) > 0.2
