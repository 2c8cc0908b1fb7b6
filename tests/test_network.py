"""The three-layer network of chapter 4: backward pass against finite differences, and bad input."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ce_backprop as cb

COSTS = ["cross_entropy", "quadratic", "binary_cross_entropy"]


def _net(Dx=5, H=4, Dy=3, M=6, seed=0, dtype=np.float64, scale=1.0):
    rng = np.random.default_rng(seed)
    params = cb.network_init(Dx, H, Dy, rng, dtype=dtype, scale=scale)
    # non-zero biases, so that their gradients are tested away from the start
    params.b1[:] = rng.normal(0, 0.5, H)
    params.b2[:] = rng.normal(0, 0.5, Dy)
    x = rng.normal(0, 1, (M, Dx)).astype(dtype)
    y = rng.integers(0, Dy, M)
    return params, x, y


def _numeric_grads(params, x, y, cost, h=1e-6):
    """Centred differences of network_loss with respect to each parameter array, in float64."""
    out = {}
    for name, value in params:
        def f(v, name=name):
            trial = params.copy()
            getattr(trial, name)[...] = v
            return cb.network_loss(trial, x, y, cost)
        out[name] = cb.numerical_gradient(f, value, h)
    return out


def _close(a, n):
    """‖a − n‖ ≤ 1e-7 · max(‖a‖, ‖n‖) + 1e-9. The floor is ~10× the rounding error ε|L|/h of a
    centred difference with h = 1e-5, for gradients that happen to be almost 0."""
    return np.linalg.norm(a - n) <= 1e-7 * max(np.linalg.norm(a), np.linalg.norm(n)) + 1e-9


@settings(max_examples=25, deadline=None)
@given(
    M=st.integers(1, 5), Dx=st.integers(1, 4), H=st.integers(1, 4), Dy=st.integers(2, 4),
    seed=st.integers(0, 2**16), cost=st.sampled_from(COSTS),
)
def test_backward_matches_finite_differences_for_random_shapes(M, Dx, H, Dy, seed, cost):
    params, x, y = _net(Dx, H, Dy, M, seed)
    grads = cb.network_backward(params, cb.network_forward(params, x, cost), y, cost)
    numeric = _numeric_grads(params, x, y, cost, h=1e-5)
    for name, g in grads:
        assert g.shape == getattr(params, name).shape
        assert _close(g, numeric[name]), name


@pytest.mark.parametrize("cost", COSTS)
def test_every_entry_passes_the_course_gradient_check(cost):
    """Element-wise, as the chapter prints it. h = 1e-5: the mean over M rows makes the
    entries ~1e-3, so the rounding error ε|C|/h of h = 1e-6 would sit near 1e-7."""
    params, x, y = _net(Dx=6, H=5, Dy=4, M=8, seed=0)
    grads = cb.network_backward(params, cb.network_forward(params, x, cost), y, cost)
    numeric = _numeric_grads(params, x, y, cost, h=1e-5)
    for name, g in grads:
        assert cb.relative_error(g, numeric[name]) < cb.DEFAULT_THRESHOLD, name


def test_a_broken_backward_would_fail_the_check():
    """The check can fail: dropping σ'(z1) (the source's sigmoid^{-1} slip) is caught."""
    params, x, y = _net(seed=4)
    c = cb.network_forward(params, x)
    dZ2 = (c.a2 - cb.one_hot(y, 3)) / x.shape[0]
    wrong_dW1 = x.T @ (dZ2 @ params.W2.T)
    numeric = _numeric_grads(params, x, y, "cross_entropy")["W1"]
    assert cb.relative_error(wrong_dW1, numeric) > 1e-2


def test_batch_gradient_is_the_mean_of_per_sample_gradients():
    """Mean loss: the batch gradient is the average of the M one-row gradients (bias: column sums / M)."""
    params, x, y = _net(M=7, seed=5)
    full = cb.network_backward(params, cb.network_forward(params, x), y)
    rows = [cb.network_backward(params, cb.network_forward(params, x[i:i + 1]), y[i:i + 1]) for i in range(7)]
    for name, g in full:
        mean = np.mean([getattr(r, name) for r in rows], axis=0)
        np.testing.assert_allclose(g, mean, rtol=1e-12, atol=1e-15)


def test_forward_shapes_and_softmax_rows():
    params, x, y = _net(Dx=5, H=4, Dy=3, M=6)
    c = cb.network_forward(params, x)
    assert c.z1.shape == c.h1.shape == (6, 4) and c.z2.shape == c.a2.shape == (6, 3)
    np.testing.assert_allclose(c.a2.sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(c.h1, 1 / (1 + np.exp(-(x @ params.W1 + params.b1))), rtol=1e-12)
    for cost in ("quadratic", "binary_cross_entropy"):
        q = cb.network_forward(params, x, cost)
        np.testing.assert_allclose(q.a2, 1 / (1 + np.exp(-q.z2)), rtol=1e-12)


def test_losses_match_their_definitions():
    params, x, y = _net(seed=6)
    c = cb.network_forward(params, x)
    p = np.exp(c.z2) / np.exp(c.z2).sum(axis=1, keepdims=True)
    assert cb.network_loss(params, x, y) == pytest.approx(-np.mean(np.log(p[np.arange(6), y])), rel=1e-12)
    a = 1 / (1 + np.exp(-c.z2))
    Y = np.eye(3)[y]
    assert cb.network_loss(params, x, y, "quadratic") == pytest.approx(0.5 * np.sum((a - Y) ** 2) / 6, rel=1e-12)
    bce = -np.sum(Y * np.log(a) + (1 - Y) * np.log(1 - a)) / 6      # summed over classes, mean over rows
    assert cb.network_loss(params, x, y, "binary_cross_entropy") == pytest.approx(bce, rel=1e-12)


def test_binary_cross_entropy_delta_is_a_minus_y_over_M():
    """Ten sigmoids with BCE: dZ2 = (σ(z2) − Y)/M, checked against centred differences in z2."""
    params, x, y = _net(Dx=5, H=4, Dy=3, M=6, seed=11)
    c = cb.network_forward(params, x, "binary_cross_entropy")
    Y = np.eye(3)[y]

    def cost_of_z2(z2):
        return cb.network_cost(cb.ForwardCache(c.x, c.z1, c.h1, z2, 1 / (1 + np.exp(-z2))), y, "binary_cross_entropy")

    numeric = cb.numerical_gradient(cost_of_z2, c.z2, 1e-5)
    np.testing.assert_allclose((c.a2 - Y) / 6, numeric, rtol=1e-6, atol=1e-10)
    # and it agrees with the chapter-2 library function on the same logits
    assert cost_of_z2(c.z2) == pytest.approx(cb.binary_cross_entropy_with_logits(c.z2, Y), rel=1e-12)


def test_binary_cross_entropy_cost_is_finite_for_saturated_outputs():
    """From the logits: a wrong output with z2 = ±800 costs ≈ 800, never inf or NaN."""
    params, x, y = _net(Dx=2, H=2, Dy=2, M=1, seed=12)
    z2 = np.array([[800.0, -800.0]])
    cache = cb.ForwardCache(x[:1], np.zeros((1, 2)), np.zeros((1, 2)), z2, cb.sigmoid(z2))
    assert cb.network_cost(cache, np.array([1]), "binary_cross_entropy") == pytest.approx(1600.0, rel=1e-12)
    assert cb.network_cost(cache, np.array([0]), "binary_cross_entropy") == pytest.approx(0.0, abs=1e-12)


def test_initial_loss_is_ln_K_with_small_weights():
    rng = np.random.default_rng(0)
    params = cb.network_init(64, 32, 10, rng, scale=0.01)
    x = rng.random((200, 64))
    y = rng.integers(0, 10, 200)
    assert abs(cb.network_loss(params, x, y) - np.log(10)) < 1e-3


def test_init_is_seeded_and_scaled():
    a = cb.network_init(400, 300, 10, np.random.default_rng(1))
    b = cb.network_init(400, 300, 10, np.random.default_rng(1))
    for (_, p), (_, q) in zip(a, b):
        np.testing.assert_array_equal(p, q)
    assert a.W1.std() == pytest.approx(1 / np.sqrt(400), rel=0.02)
    assert a.W2.std() == pytest.approx(1 / np.sqrt(300), rel=0.05)
    assert not a.b1.any() and not a.b2.any()


def test_step_is_a_descent_step():
    """For a small η the cost falls by η‖∇C‖² to first order."""
    params, x, y = _net(seed=7)
    loss, grads = cb.network_loss(params, x, y), cb.network_backward(params, cb.network_forward(params, x), y)
    sq = sum(float(np.sum(g ** 2)) for _, g in grads)
    eta = 1e-5
    returned = cb.network_step(params, x, y, eta)
    assert returned == pytest.approx(loss, rel=1e-12)
    assert (loss - cb.network_loss(params, x, y)) / eta == pytest.approx(sq, rel=1e-3)


def test_float32_runs_in_float32_and_agrees_with_float64():
    p64, x, y = _net(seed=8)
    p32 = cb.NetworkParams(*(v.astype(np.float32) for _, v in p64))
    g64 = cb.network_backward(p64, cb.network_forward(p64, x), y)
    c32 = cb.network_forward(p32, x)
    g32 = cb.network_backward(p32, c32, y)
    assert c32.a2.dtype == np.float32
    for (name, a), (_, b) in zip(g32, g64):
        assert a.dtype == np.float32, name
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)


def test_predict_is_argmax():
    params, x, _ = _net(seed=9)
    np.testing.assert_array_equal(cb.network_predict(params, x), np.argmax(cb.network_forward(params, x).a2, axis=1))


@pytest.mark.parametrize(
    "change, match",
    [
        (lambda p, x, y: (p, x[:-1], y), "rows but y has"),
        (lambda p, x, y: (p, x[:, :-1], y), "features per row"),
        (lambda p, x, y: (p, x[0], y), r"shape \(M, 5\)"),
        (lambda p, x, y: (p, x, y + 3), r"labels must lie in \[0, 3\)"),
        (lambda p, x, y: (p, x, -y - 1), r"labels must lie in \[0, 3\)"),
        (lambda p, x, y: (p, x, y.astype(float)), "integer"),
        (lambda p, x, y: (p, np.where(x > 0, np.nan, x), y), "x contains NaN"),
        (lambda p, x, y: (p, np.where(x > 0, np.inf, x), y), "x contains inf"),
        (lambda p, x, y: ("not params", x, y), "NetworkParams"),
        (lambda p, x, y: (cb.NetworkParams(p.W1, p.b1, p.W2, p.b2[:-1]), x, y), r"params.b2 must have shape \(3,\)"),
        (lambda p, x, y: (cb.NetworkParams(p.W1.astype(np.float32), p.b1, p.W2, p.b2), x, y), "dtype"),
    ],
)
def test_bad_input_raises(change, match):
    params, x, y = _net()
    p, x, y = change(params, x, y)
    with pytest.raises(ValueError, match=match):
        cb.network_step(p, x, y, 0.1)


@pytest.mark.parametrize("eta", [0, -0.1, float("nan"), float("inf"), "0.1"])
def test_bad_learning_rate_raises(eta):
    params, x, y = _net()
    with pytest.raises(ValueError, match="eta"):
        cb.network_step(params, x, y, eta)


def test_bad_cost_cache_and_init_raise():
    params, x, y = _net()
    with pytest.raises(ValueError, match="unknown cost"):
        cb.network_forward(params, x, cost="hinge")
    with pytest.raises(ValueError, match="ForwardCache"):
        cb.network_backward(params, None, y)
    with pytest.raises(ValueError, match=">= 1"):
        cb.network_init(5, 0, 3, np.random.default_rng(0))
    with pytest.raises(ValueError, match="dtype"):
        cb.network_init(5, 4, 3, np.random.default_rng(0), dtype=np.int32)
    with pytest.raises(ValueError, match="rng"):
        cb.network_init(5, 4, 3, 0)
