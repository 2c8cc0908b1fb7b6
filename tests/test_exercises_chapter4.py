"""Chapter 4's exercise checkers: a right answer passes, each usual mistake fails with its own hint.

The right answers are also checked against the library's network_backward and
against centred differences, so the checkers' expected values are not merely
copies of the formulas they test.
"""

import numpy as np
import pytest

import ce_backprop as cb
from ce_backprop.exercises import chapter4 as ex


# --- exercise 4.5: bias gradient -------------------------------------------------

def test_bias_gradient_right_answer_passes():
    result = cb.exercises.check_bias_gradient(lambda dZ: dZ.sum(axis=0))
    assert result.passed and result.cases_run == 3
    assert result.text.zh.startswith("✓ 偏置梯度：通过") and result.text.en.startswith("✓ bias gradient: passed")


@pytest.mark.parametrize("wrong, hint", [
    (lambda dZ: dZ.sum(axis=1), ex.WRONG_AXIS),
    (lambda dZ: dZ, ex.NOT_SUMMED),
    (lambda dZ: dZ.sum(axis=0, keepdims=True), ex.KEEPDIMS),
    (lambda dZ: dZ.mean(axis=0), ex.MEAN_NOT_SUM),
])
def test_bias_gradient_mistakes_are_named(wrong, hint):
    result = cb.exercises.check_bias_gradient(wrong)
    assert not result.passed and result.reason == hint, str(result)
    assert hint.en in str(result) and hint.zh in str(result)


def test_bias_gradient_other_errors():
    assert "raised" in str(cb.exercises.check_bias_gradient(lambda dZ: 1 / 0))
    assert not cb.exercises.check_bias_gradient(lambda dZ: dZ.max(axis=0)).passed
    with pytest.raises(ValueError, match="must be a function"):
        cb.exercises.check_bias_gradient("dZ.sum(axis=0)")


# --- exercise 4.6: one layer's backward step ------------------------------------

def right_layer(dZ, a_prev, W):
    return a_prev.T @ dZ, dZ.sum(axis=0), dZ @ W.T


def test_layer_backward_right_answer_passes():
    assert cb.exercises.check_layer_backward(right_layer).passed


@pytest.mark.parametrize("wrong, hint, output", [
    (lambda dZ, a, W: (dZ.T @ a, dZ.sum(axis=0), dZ @ W.T), ex.TRANSPOSED, "dW"),
    (lambda dZ, a, W: (a.T @ dZ, dZ.sum(axis=1), dZ @ W.T), ex.WRONG_AXIS, "db"),
    (lambda dZ, a, W: (a.T @ dZ, dZ, dZ @ W.T), ex.NOT_SUMMED, "db"),
    (lambda dZ, a, W: (a.T @ dZ, dZ.sum(axis=0), W @ dZ.T), ex.TRANSPOSED, "dA_prev"),
    (lambda dZ, a, W: (dZ.shape[0] * a.T @ dZ, dZ.sum(axis=0), dZ @ W.T), ex.MISSING_1_OVER_M, "dW"),
])
def test_layer_backward_mistakes_are_named(wrong, hint, output):
    result = cb.exercises.check_layer_backward(wrong)
    assert not result.passed and result.reason == hint and result.details == output, str(result)


def test_layer_backward_through_W_instead_of_its_transpose():
    """dZ @ W only runs for a square layer; there it is named, elsewhere the exception is reported."""
    result = cb.exercises.check_layer_backward(lambda dZ, a, W: (a.T @ dZ, dZ.sum(axis=0), dZ @ W))
    assert not result.passed and result.failed_case.startswith("a batch of 6") and "raised" in str(result)
    square = ex._layer_case("square", np.eye(3) / 3 + 0.1, np.ones((3, 3)), np.arange(9.0).reshape(3, 3))
    found = cb.exercises.run_cases("layer", lambda dZ, a, W: (a.T @ dZ, dZ.sum(axis=0), dZ @ W), [square])
    assert found.reason == ex.BACK_THROUGH_W


def test_layer_backward_wrong_number_of_results():
    result = cb.exercises.check_layer_backward(lambda dZ, a, W: (a.T @ dZ, dZ.sum(axis=0)))
    assert not result.passed and "expected 3 results" in str(result)


# --- exercise 4.7: the three-layer backward pass ---------------------------------

def right_backward(x, h1, y_hat, Y, W2):
    M = x.shape[0]
    dZ2 = (y_hat - Y) / M
    dZ1 = (dZ2 @ W2.T) * h1 * (1 - h1)
    return x.T @ dZ1, dZ1.sum(axis=0), h1.T @ dZ2, dZ2.sum(axis=0)


def test_three_layer_right_answer_passes():
    result = cb.exercises.check_three_layer_backward(right_backward)
    assert result.passed and result.cases_run == 4


def test_the_checkers_answer_is_the_library_gradient_and_the_true_gradient():
    """The expected values equal network_backward's and the centred differences of network_loss."""
    rng = np.random.default_rng(0)
    params = cb.network_init(4, 5, 3, rng)
    params.b1[:] = rng.normal(0, 0.5, 5)
    x, y = rng.normal(size=(6, 4)), rng.integers(0, 3, 6)
    c = cb.network_forward(params, x)
    case = ex._three_layer_case("library", c.x, c.h1, c.a2, cb.one_hot(y, 3), params.W2)
    lib = cb.network_backward(params, c, y)
    for (name, g), e in zip(lib, case.expected):
        np.testing.assert_allclose(e, g, rtol=1e-12, atol=1e-15, err_msg=name)
        def f(v, name=name):
            trial = params.copy()
            setattr(trial, name, v)
            return cb.network_loss(trial, x, y)
        assert cb.relative_error(e, cb.numerical_gradient(f, getattr(params, name), 1e-5)) < 1e-6, name


def _variant(dZ2_fn=None, sp_fn=None, dW1_fn=None, db1_fn=None, dW2_fn=None, db2_fn=None):
    """The right backward pass with one step replaced."""
    def fn(x, h1, y_hat, Y, W2):
        M = x.shape[0]
        dZ2 = dZ2_fn(y_hat, Y, M) if dZ2_fn else (y_hat - Y) / M
        dH1 = dZ2 @ W2.T
        dZ1 = dH1 * (sp_fn(h1) if sp_fn else h1 * (1 - h1))
        return (dW1_fn(x, dZ1) if dW1_fn else x.T @ dZ1,
                db1_fn(dZ1) if db1_fn else dZ1.sum(axis=0),
                dW2_fn(h1, dZ2) if dW2_fn else h1.T @ dZ2,
                db2_fn(dZ2) if db2_fn else dZ2.sum(axis=0))
    return fn


@pytest.mark.parametrize("wrong, hint, output", [
    (_variant(dW2_fn=lambda h1, dZ2: dZ2.T @ h1), ex.TRANSPOSED, "dW2"),
    (_variant(dW1_fn=lambda x, dZ1: dZ1.T @ x), ex.TRANSPOSED, "dW1"),
    (_variant(db1_fn=lambda dZ1: dZ1.sum(axis=1)), ex.WRONG_AXIS, "db1"),
    (_variant(db2_fn=lambda dZ2: dZ2.sum(axis=1)), ex.WRONG_AXIS, "db2"),
    (_variant(db2_fn=lambda dZ2: dZ2), ex.NOT_SUMMED, "db2"),
    (_variant(dZ2_fn=lambda y_hat, Y, M: y_hat - Y), ex.MISSING_1_OVER_M, "dW1"),
    (_variant(sp_fn=lambda h1: 1.0), ex.MISSING_SIGMA_PRIME, "dW1"),
    (_variant(sp_fn=lambda h1: h1), ex.WRONG_SIGMA_PRIME, "dW1"),
    (_variant(sp_fn=lambda h1: np.log(h1 / (1 - h1))), ex.WRONG_SIGMA_PRIME, "dW1"),
    (_variant(dZ2_fn=lambda y_hat, Y, M: (Y - y_hat) / M), ex.WRONG_SIGN, "dW1"),
])
def test_three_layer_mistakes_are_named(wrong, hint, output):
    result = cb.exercises.check_three_layer_backward(wrong)
    assert not result.passed and result.reason == hint and result.details == output, str(result)
    assert hint.zh in str(result) and hint.en in str(result)


def test_three_layer_unknown_mistake_gets_the_general_hint():
    wrong = _variant(dW2_fn=lambda h1, dZ2: 0.5 * h1.T @ dZ2)
    result = cb.exercises.check_three_layer_backward(wrong)
    assert not result.passed and "five steps" in str(result) and "dW2" in str(result)


def test_checkers_are_exported():
    for name in ex.__all__:
        assert getattr(cb.exercises, name) is getattr(ex, name)
