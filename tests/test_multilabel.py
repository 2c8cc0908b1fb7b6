"""The multi-label model of chapter 2: gradients, training, metrics, bad input."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ce_backprop as cb


def _problem(seed=0, n=6, d=3, k=4):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    Y = (rng.uniform(size=(n, k)) < 0.5).astype(float)
    W, b = rng.normal(size=(d, k)), rng.normal(size=k)
    return X, Y, W, b


def test_forward_shapes_and_values():
    X, _, W, b = _problem()
    Z, A = cb.multilabel_forward(W, b, X)
    assert Z.shape == A.shape == (6, 4)
    assert np.allclose(Z, X @ W + b, rtol=1e-15)
    assert np.allclose(A, 1 / (1 + np.exp(-Z)), rtol=1e-15)


def test_cost_closed_form():
    # one sample, two labels, W = 0, b = [ln 3, 0]: a = [3/4, 1/2], y = [1, 0]
    W = np.zeros((1, 2))
    b = np.array([math.log(3), 0.0])
    c = cb.multilabel_cost(W, b, [[5.0]], [[1.0, 0.0]])
    assert c == pytest.approx(-math.log(0.75) - math.log(0.5), rel=1e-14)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000))
def test_gradients_match_finite_differences(seed):
    X, Y, W, b = _problem(seed)
    dW, db = cb.multilabel_gradients(W, b, X, Y)
    assert dW.shape == W.shape and db.shape == b.shape
    nW = cb.numerical_gradient(lambda v: cb.multilabel_cost(v, b, X, Y), W)
    nb = cb.numerical_gradient(lambda v: cb.multilabel_cost(W, v, X, Y), b)
    # entries near 0 carry the difference quotient's absolute error (~1e-9), hence atol
    assert np.allclose(dW, nW, rtol=1e-7, atol=1e-8)
    assert np.allclose(db, nb, rtol=1e-7, atol=1e-8)


def test_gradient_is_the_matrix_formula():
    X, Y, W, b = _problem(3)
    _, A = cb.multilabel_forward(W, b, X)
    dW, db = cb.multilabel_gradients(W, b, X, Y)
    # entry by entry: ∂C/∂W[k, j] = (1/n) Σ_x x_k (a_j − y_j), as equation 4-9
    for k in range(W.shape[0]):
        for j in range(W.shape[1]):
            assert dW[k, j] == pytest.approx(np.mean(X[:, k] * (A[:, j] - Y[:, j])), rel=1e-12)
    assert np.allclose(db, (A - Y).mean(axis=0), rtol=1e-12)


def test_full_batch_training_is_gradient_descent():
    X, Y, W, b = _problem(4)
    h = cb.train_multilabel(X, Y, eta=0.3, epochs=1, rng=np.random.default_rng(0), W=W, b=b)
    dW, db = cb.multilabel_gradients(W, b, X, Y)
    assert np.allclose(h.W, W - 0.3 * dW, rtol=1e-14)
    assert np.allclose(h.b, b - 0.3 * db, rtol=1e-14)
    assert h.cost[0] == pytest.approx(cb.multilabel_cost(W, b, X, Y), rel=1e-14)
    assert W[0, 0] == _problem(4)[2][0, 0], "the start weights must not be modified"


def test_training_learns_separable_labels_and_is_reproducible():
    rng = np.random.default_rng(5)
    X = rng.normal(size=(200, 2))
    Y = np.column_stack([X[:, 0] > 0, X[:, 1] > 0, X[:, 0] + X[:, 1] > 0]).astype(float)
    h1 = cb.train_multilabel(X, Y, eta=0.5, epochs=50, rng=np.random.default_rng(1), batch_size=20)
    h2 = cb.train_multilabel(X, Y, eta=0.5, epochs=50, rng=np.random.default_rng(1), batch_size=20)
    assert np.array_equal(h1.W, h2.W)
    assert h1.cost[-1] < 0.3 * h1.cost[0]
    m = cb.multilabel_metrics(cb.multilabel_forward(h1.W, h1.b, X)[1], Y)
    assert (m["per_label"] > 0.95).all() and m["subset"] > 0.9


def test_metrics_by_hand():
    probs = np.array([[0.9, 0.2, 0.6], [0.4, 0.7, 0.5], [0.1, 0.1, 0.1]])
    Y = np.array([[1, 0, 1], [0, 1, 0], [1, 0, 0]])
    m = cb.multilabel_metrics(probs, Y)
    # predictions [[1,0,1],[0,1,1],[0,0,0]]: label-wise right 2/3, 3/3, 2/3; exact rows: only the first
    assert np.allclose(m["per_label"], [2 / 3, 1.0, 2 / 3])
    assert m["subset"] == pytest.approx(1 / 3)
    assert cb.multilabel_metrics(probs, Y, threshold=0.55)["subset"] == pytest.approx(2 / 3)


def test_init_is_seeded():
    W1, b1 = cb.multilabel_init(4, 3, np.random.default_rng(2))
    W2, _ = cb.multilabel_init(4, 3, np.random.default_rng(2))
    assert W1.shape == (4, 3) and np.array_equal(b1, np.zeros(3)) and np.array_equal(W1, W2)


X0, Y0, W0, b0 = _problem()


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: cb.multilabel_forward(W0, b0[:2], X0), "b must have shape"),
        (lambda: cb.multilabel_forward(W0, b0, X0[:, :2]), "X must have shape"),
        (lambda: cb.multilabel_forward(W0[0], b0, X0), "W must have shape"),
        (lambda: cb.multilabel_gradients(W0, b0, X0, Y0 * 0.5), "labels 0 or 1"),
        (lambda: cb.multilabel_gradients(W0, b0, X0, Y0[:3]), "Y must have shape"),
        (lambda: cb.multilabel_cost(W0, b0, np.full_like(X0, np.nan), Y0), "X contains NaN"),
        (lambda: cb.train_multilabel(X0, Y0, eta=0.0, epochs=5, rng=np.random.default_rng(0)), "must be > 0"),
        (lambda: cb.train_multilabel(X0, Y0, eta=np.inf, epochs=5, rng=np.random.default_rng(0)), "must be finite"),
        (lambda: cb.train_multilabel(X0, Y0, eta=0.1, epochs=-1, rng=np.random.default_rng(0)), "epochs"),
        (lambda: cb.train_multilabel(X0, Y0, eta=0.1, epochs=1, rng=0), "rng must be"),
        (lambda: cb.train_multilabel(X0, Y0, eta=0.1, epochs=1, rng=np.random.default_rng(0), batch_size=0), "batch_size"),
        (lambda: cb.train_multilabel(X0, Y0 + 1, eta=0.1, epochs=1, rng=np.random.default_rng(0)), "labels 0 or 1"),
        (lambda: cb.train_multilabel(X0, Y0, eta=0.1, epochs=1, rng=np.random.default_rng(0), W=W0), "both W and b"),
        (lambda: cb.multilabel_metrics(Y0 * 2, Y0), r"probs must lie in \[0, 1\]"),
        (lambda: cb.multilabel_metrics(Y0, Y0, threshold=1.0), "threshold"),
        (lambda: cb.multilabel_init(0, 3, np.random.default_rng(0)), ">= 1"),
    ],
)
def test_bad_input_raises(call, match):
    with pytest.raises(ValueError, match=match):
        call()
