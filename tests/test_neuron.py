"""The single-neuron trainer of chapter 1: gradients, Nielsen's numbers, bad input."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import ce_backprop as cb

coord = st.floats(-3, 3)


@given(coord, coord, coord, st.floats(0, 1))
def test_quadratic_gradients_match_finite_differences(w, b, x, y):
    def cost(params):
        return cb.quadratic_cost(cb.sigmoid(params[0] * x + params[1]), y)

    dw, db = cb.neuron_gradients(w, b, x, y)
    numeric = cb.numerical_gradient(cost, np.array([w, b]))
    assert np.allclose([dw, db], numeric, rtol=1e-6, atol=1e-10)


def test_gradients_with_several_inputs_and_samples():
    rng = np.random.default_rng(1)
    x, w, y = rng.normal(size=(5, 3)), rng.normal(size=3), rng.uniform(size=5)
    b = 0.3

    def cost(params):
        return cb.quadratic_cost(cb.sigmoid(x @ params[:3] + params[3]), y)

    dw, db = cb.neuron_gradients(w, b, x, y)
    assert dw.shape == (3,)
    numeric = cb.numerical_gradient(cost, np.append(w, b))
    assert cb.relative_error(np.append(dw, db), numeric) < 1e-7


def test_gradient_closed_form_at_nielsen_start():
    # x = 1, y = 0: ∂C/∂w = ∂C/∂b = a σ'(z) with z = 1.5
    a = 1 / (1 + math.exp(-1.5))
    dw, db = cb.neuron_gradients(0.6, 0.9, 1.0, 0.0)
    assert dw == pytest.approx(a * a * (1 - a), rel=1e-14)
    assert db == pytest.approx(dw, rel=1e-15)


def test_one_training_step_is_one_gradient_step():
    h = cb.train_neuron(2.0, 2.0, 1.0, 0.0, eta=0.15, epochs=1)
    a = 1 / (1 + math.exp(-4.0))
    step = 0.15 * a * a * (1 - a)
    assert h.w[1] == pytest.approx(2.0 - step, rel=1e-15)
    assert h.b[1] == pytest.approx(2.0 - step, rel=1e-15)
    assert h.cost[0] == pytest.approx(a * a / 2, rel=1e-15)


@pytest.mark.parametrize(
    "w, b, a_end, c_end",
    # Nielsen, Neural Networks and Deep Learning, ch. 3: output 0.09 and 0.20 after 300 epochs
    [(0.6, 0.9, 0.0940, 0.0044), (2.0, 2.0, 0.2028, 0.0206)],
)
def test_nielsen_experiment(w, b, a_end, c_end):
    h = cb.train_neuron(w, b, x=1.0, y=0.0, eta=0.15, epochs=300)
    assert h.epochs == 300 and h.a.shape == (301, 1)
    assert round(float(h.a[-1, 0]), 4) == a_end
    assert round(float(h.cost[-1]), 4) == c_end
    assert np.all(np.diff(h.cost) < 0)  # gradient descent with a small η only goes down


def test_saturated_start_learns_slowly_at_first():
    fast = cb.train_neuron(0.6, 0.9, 1.0, 0.0, 0.15, 50)
    slow = cb.train_neuron(2.0, 2.0, 1.0, 0.0, 0.15, 50)
    drop_fast = fast.cost[0] - fast.cost[-1]
    drop_slow = slow.cost[0] - slow.cost[-1]
    assert drop_slow < drop_fast / 10


def test_history_table_lists_the_requested_epochs():
    h = cb.train_neuron(0.6, 0.9, 1.0, 0.0, 0.15, 300)
    lines = h.table([0, 300]).splitlines()
    assert lines[0].split() == ["epoch", "w", "b", "a", "C"]
    assert lines[2].split()[3:] == ["0.0940", "0.0044"]
    with pytest.raises(ValueError, match="past the last"):
        h.table([301])


@pytest.mark.parametrize("eta", [0.0, -0.1, np.nan, np.inf, "0.1", True])
def test_bad_learning_rate_raises(eta):
    with pytest.raises(ValueError, match="eta"):
        cb.train_neuron(0.6, 0.9, 1.0, 0.0, eta, 10)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"w": np.nan}, "w contains NaN"),
        ({"b": [1.0, 2.0]}, "b must be a scalar"),
        ({"x": np.ones((2, 3))}, "x must have shape"),
        ({"y": [0.0, 1.0]}, "y must hold one target per sample"),
        ({"epochs": -1}, "epochs must be >= 0"),
        ({"epochs": 2.5}, "epochs must be a whole number"),
        ({"cost": "hinge"}, "unknown cost"),
    ],
)
def test_bad_training_input_raises(kwargs, message):
    args = {"w": 0.6, "b": 0.9, "x": 1.0, "y": 0.0, "eta": 0.15, "epochs": 10} | kwargs
    with pytest.raises(ValueError, match=message):
        cb.train_neuron(**args)


def test_forward_shapes():
    z, a = cb.neuron_forward(np.array([1.0, -1.0]), 0.5, np.array([[1.0, 2.0], [0.0, 0.0]]))
    assert np.allclose(z, [-0.5, 0.5]) and np.allclose(a, cb.sigmoid(z))
