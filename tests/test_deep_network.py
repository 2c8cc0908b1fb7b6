"""The general network of chapter 5: backward pass against finite differences, chapter 4 as a special
case, kinks, bad input, deterministic training, the NumPy-only import and the bench table."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ce_backprop as cb

ROOT = Path(__file__).resolve().parent.parent


def _net(sizes=(5, 4, 3, 3), activation="sigmoid", M=6, seed=0, init=1.0, dtype=np.float64, bias=0.5):
    rng = np.random.default_rng(seed)
    params = cb.deep_init(sizes, rng, activation=activation, init=init, dtype=dtype)
    for b in params.biases:                      # non-zero biases, so that their gradients are tested
        b[:] = rng.normal(0, bias, b.shape)
    x = rng.normal(0, 1, (M, sizes[0])).astype(dtype)
    y = rng.integers(0, sizes[-1], M)
    return params, x, y


def _numeric(params, x, y, h=1e-6):
    """Centred differences of deep_loss with respect to every parameter array (float64)."""
    out = []
    for i in range(params.depth):
        for kind in ("weights", "biases"):
            def f(v, i=i, kind=kind):
                trial = params.copy()
                getattr(trial, kind)[i][...] = v
                return cb.deep_loss(trial, x, y)
            out.append(cb.numerical_gradient(f, getattr(params, kind)[i], h))
    return out


def _analytic(params, x, y):
    g = cb.deep_backward(params, cb.deep_forward(params, x), y)
    return [a for pair in zip(g.weights, g.biases) for a in pair]


def _close(a, n, cost=1.0):
    """‖a − n‖ ≤ 1e-6 · max(‖a‖, ‖n‖) + floor. The rounding error of a centred difference with
    h = 1e-6 is about ε·|C|/h ≈ 2e-10·|C| per entry; the floor is 50× that over all entries, so a
    gradient that is almost 0 compares by its absolute error. A wrong factor is far above both."""
    na, nn = np.linalg.norm(a), np.linalg.norm(n)
    floor = 50 * 2.2e-16 * max(1.0, abs(cost)) / 1e-6 * np.sqrt(np.size(a))
    return np.linalg.norm(a - n) <= 1e-6 * max(na, nn) + floor


# --- the backward pass -------------------------------------------------------------

@pytest.mark.parametrize("activation", cb.HIDDEN_ACTIVATIONS)
def test_backward_matches_finite_differences(activation):
    params, x, y = _net((4, 5, 3, 4, 3), activation)
    cost = cb.deep_loss(params, x, y)
    for a, n in zip(_analytic(params, x, y), _numeric(params, x, y)):
        assert _close(a, n, cost)


@given(
    sizes=st.lists(st.integers(1, 5), min_size=2, max_size=6),
    activation=st.sampled_from(cb.HIDDEN_ACTIVATIONS),
    M=st.integers(1, 5),
    scale=st.sampled_from([0.5, 1.0, 3.0, 8.0]),   # 8: many saturated sigmoid/tanh units
    seed=st.integers(0, 10_000),
)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_backward_matches_finite_differences_random_networks(sizes, activation, M, scale, seed):
    params, x, y = _net(tuple(sizes), activation, M=M, seed=seed, init=scale, bias=1.0)
    x *= 2.0
    if activation == "relu":
        # ReLU has a kink at 0; a centred difference that straddles it is not a derivative.
        cache = cb.deep_forward(params, x)
        if any(np.min(np.abs(z)) < 1e-4 for z in cache.zs[:-1]):
            return
    cost = cb.deep_loss(params, x, y)
    for a, n in zip(_analytic(params, x, y), _numeric(params, x, y)):
        assert _close(a, n, cost)


def test_saturated_sigmoid_gradients_are_tiny_and_still_correct():
    params, x, y = _net((4, 6, 6, 3), "sigmoid", init=12.0, seed=3)
    cache = cb.deep_forward(params, x)
    saturated = np.mean(np.abs(cache.zs[0]) > 5)
    assert saturated > 0.3                           # many first-layer units are saturated
    cost = cb.deep_loss(params, x, y)
    for a, n in zip(_analytic(params, x, y), _numeric(params, x, y)):
        assert _close(a, n, cost)


def test_gradient_check_of_the_course_passes_on_every_layer():
    params, x, y = _net((4, 5, 5, 3), "tanh")
    grads = cb.deep_backward(params, cb.deep_forward(params, x), y)
    for i in range(params.depth):
        def f(W, i=i):
            trial = params.copy()
            trial.weights[i] = W
            return cb.deep_loss(trial, x, y)
        assert cb.gradient_check(f"W{i + 1}", f, params.weights[i], grads.weights[i], h=1e-5).passed


def test_a_wrong_derivative_is_caught():
    params, x, y = _net((4, 5, 5, 3), "tanh")
    wrong = params.copy()
    wrong.activation = "sigmoid"                    # backward with σ′ through tanh units
    cache = cb.deep_forward(params, x)
    g = cb.deep_backward(wrong, cache, y)
    n = _numeric(params, x, y)
    assert not _close(g.weights[0], n[0])


def test_backward_shapes_and_layer_norms():
    params, x, y = _net((7, 6, 5, 4, 3), "relu", M=9)
    cache = cb.deep_forward(params, x)
    assert [z.shape for z in cache.zs] == [(9, 6), (9, 5), (9, 4), (9, 3)]
    assert [a.shape for a in cache.activations] == [(9, 7), (9, 6), (9, 5), (9, 4)]
    assert cache.activations[0] is cache.x or np.array_equal(cache.activations[0], x)
    np.testing.assert_allclose(cache.probs.sum(axis=1), 1.0, rtol=1e-12)
    g = cb.deep_backward(params, cache, y)
    assert [W.shape for W in g.weights] == [W.shape for W in params.weights]
    assert [b.shape for b in g.biases] == [b.shape for b in params.biases]
    norms = cb.layer_gradient_norms(g)
    assert norms.shape == (4,)
    np.testing.assert_allclose(norms, [np.sqrt(np.sum(W ** 2)) for W in g.weights], rtol=1e-12)


# --- chapter 4 as the two-layer case -------------------------------------------------

@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_two_layer_sigmoid_network_equals_chapter_4(dtype):
    rng = np.random.default_rng(5)
    net4 = cb.network_init(6, 5, 4, rng, dtype=dtype)
    net4.b1[:] = rng.normal(0, 0.5, 5)
    net4.b2[:] = rng.normal(0, 0.5, 4)
    x = rng.normal(0, 1, (8, 6)).astype(dtype)
    y = rng.integers(0, 4, 8)
    deep = cb.DeepParams([net4.W1.copy(), net4.W2.copy()], [net4.b1.copy(), net4.b2.copy()], "sigmoid")
    c4, c5 = cb.network_forward(net4, x), cb.deep_forward(deep, x)
    # The same formulas; the sigmoid is computed as ½(1 + tanh(z/2)) here and with exp in chapter 4,
    # so the two agree to rounding (a few units in the last place), not bit for bit.
    rtol = 1e-13 if dtype == np.float64 else 1e-5
    np.testing.assert_array_equal(c5.zs[0], c4.z1)
    np.testing.assert_allclose(c5.activations[1], c4.h1, rtol=rtol)
    np.testing.assert_allclose(c5.zs[1], c4.z2, rtol=rtol, atol=rtol)
    np.testing.assert_allclose(c5.probs, c4.a2, rtol=rtol)
    g4, g5 = cb.network_backward(net4, c4, y), cb.deep_backward(deep, c5, y)
    for mine, theirs in [(g5.weights[0], g4.W1), (g5.biases[0], g4.b1), (g5.weights[1], g4.W2), (g5.biases[1], g4.b2)]:
        assert mine.dtype == theirs.dtype == dtype
        np.testing.assert_allclose(mine, theirs, rtol=rtol * 10, atol=rtol * 1e-2)
    assert cb.deep_loss(deep, x, y) == pytest.approx(cb.network_loss(net4, x, y), rel=rtol)


def test_float_init_generalises_network_init():
    net4 = cb.network_init(6, 5, 4, np.random.default_rng(1), scale=0.3)
    deep = cb.deep_init((6, 5, 4), np.random.default_rng(1), init=0.3)
    np.testing.assert_array_equal(deep.weights[0], net4.W1)
    np.testing.assert_array_equal(deep.weights[1], net4.W2)


# --- activations and initialisation ----------------------------------------------------

def test_tanh_is_a_centred_sigmoid_and_the_fast_sigmoid_is_the_sigmoid():
    z = np.linspace(-40, 40, 2001)
    np.testing.assert_allclose(cb.tanh(z), 2 * cb.sigmoid(2 * z) - 1, atol=1e-15)
    np.testing.assert_allclose(cb.tanh_prime(z), 4 * cb.sigmoid_prime(2 * z), atol=1e-15)
    two = cb.DeepParams([np.eye(3), np.eye(3)], [np.zeros(3), np.zeros(3)], "sigmoid")
    for chunk in np.array_split(z, 23):
        zz = np.resize(chunk, (len(chunk), 3))
        a = cb.deep_forward(two, zz).activations[1]
        # ½(1 + tanh(z/2)) has an absolute error below ε: σ(−40) ≈ 4e-18 comes out as 0
        np.testing.assert_allclose(a, cb.sigmoid(zz), rtol=4e-15, atol=2.3e-16)


def test_relu_at_exactly_zero_passes_no_gradient():
    assert cb.relu_prime(0.0) == 0.0
    assert cb.relu_prime(-0.0) == 0.0
    np.testing.assert_array_equal(cb.relu_prime(np.array([-1.0, 0.0, 1e-300, 2.0])), [0, 0, 1, 1])
    np.testing.assert_array_equal(cb.relu(np.array([-1.0, 0.0, 2.0])), [0, 0, 2])
    # A unit whose weighted input is exactly 0 on the only row: its weights get no gradient.
    W1 = np.array([[1.0, -1.0, 0.0]])
    W2 = np.array([[1.0, -1.0], [2.0, 0.5], [0.3, 0.2]])
    params = cb.DeepParams([W1, W2], [np.zeros(3), np.zeros(2)], "relu")
    g = cb.deep_backward(params, cb.deep_forward(params, [[2.0]]), [0])
    assert g.weights[0][0, 1] == 0.0 and g.weights[0][0, 2] == 0.0   # z = −2 and z = 0
    assert g.weights[0][0, 0] != 0.0


def test_dead_units_are_counted():
    params = cb.deep_init((3, 4, 3), np.random.default_rng(0), activation="relu", init="he")
    params.biases[0][:2] = -100.0                   # two units can never switch on
    x = np.random.default_rng(1).random((50, 3))
    assert cb.dead_unit_fraction(params, x).tolist() == [0.5]


@pytest.mark.parametrize("init, expected_var", [("xavier", lambda i, o: 2 / (i + o)),
                                                ("he", lambda i, o: 2 / i),
                                                (0.5, lambda i, o: 0.25 / i)])
def test_init_variances(init, expected_var):
    params = cb.deep_init((400, 300, 200), np.random.default_rng(0), init=init)
    for W in params.weights:
        i, o = W.shape
        assert np.var(W) == pytest.approx(expected_var(i, o), rel=0.02)
        assert abs(np.mean(W)) < 0.01 * np.sqrt(expected_var(i, o)) * 10
    assert all(np.array_equal(b, np.zeros_like(b)) for b in params.biases)


def test_float32_stays_float32():
    params, x, y = _net((5, 4, 3), "tanh", dtype=np.float32)
    cache = cb.deep_forward(params, x)
    assert all(z.dtype == np.float32 for z in cache.zs) and cache.probs.dtype == np.float32
    g = cb.deep_backward(params, cache, y)
    assert all(a.dtype == np.float32 for a in g.weights + g.biases)
    cb.deep_step(params, x, y, 0.1)
    assert all(a.dtype == np.float32 for a in params.weights + params.biases)


# --- bad input ---------------------------------------------------------------------

@pytest.mark.parametrize("call, match", [
    (lambda: cb.deep_init((5,), np.random.default_rng(0)), "at least an input and an output"),
    (lambda: cb.deep_init((5, 0, 3), np.random.default_rng(0)), "layer size must be >= 1"),
    (lambda: cb.deep_init((5, 3), 0), "rng must be"),
    (lambda: cb.deep_init((5, 3), np.random.default_rng(0), activation="softplus"), "unknown activation"),
    (lambda: cb.deep_init((5, 3), np.random.default_rng(0), init="lecun"), "unknown init"),
    (lambda: cb.deep_init((5, 3), np.random.default_rng(0), init=-1.0), "init"),
    (lambda: cb.deep_init((5, 3), np.random.default_rng(0), dtype=np.int32), "dtype"),
    (lambda: cb.deep_init("abc", np.random.default_rng(0)), "layer_sizes"),
])
def test_bad_init_arguments(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_bad_forward_and_backward_input():
    params, x, y = _net((5, 4, 3))
    with pytest.raises(ValueError, match="features per row"):
        cb.deep_forward(params, x[:, :4])
    with pytest.raises(ValueError, match="NaN"):
        cb.deep_forward(params, np.full_like(x, np.nan))
    with pytest.raises(ValueError, match="shape"):
        cb.deep_forward(params, x[0])
    with pytest.raises(ValueError, match="params must be a DeepParams"):
        cb.deep_forward(cb.network_init(5, 4, 3, np.random.default_rng(0)), x)
    cache = cb.deep_forward(params, x)
    with pytest.raises(ValueError, match="labels"):
        cb.deep_backward(params, cache, y[:-1])
    with pytest.raises(ValueError, match=r"y must lie in \[0, 3\)"):
        cb.deep_backward(params, cache, np.full_like(y, 3))
    with pytest.raises(ValueError, match="integer class indices"):
        cb.deep_loss(params, x, y.astype(float))
    with pytest.raises(ValueError, match="eta"):
        cb.deep_step(params, x, y, 0.0)
    bad = params.copy()
    bad.weights[1] = bad.weights[1][:3]
    with pytest.raises(ValueError, match="W2 has 3 rows but layer 1 has 4 units"):
        cb.deep_loss(bad, x, y)
    bad = params.copy()
    bad.biases[0] = bad.biases[0][:2]
    with pytest.raises(ValueError, match="b1 must have shape"):
        cb.deep_loss(bad, x, y)
    bad = params.copy()
    bad.activation = "Sigmoid"
    with pytest.raises(ValueError, match="unknown activation"):
        cb.deep_loss(bad, x, y)
    other = cb.deep_init((5, 6, 3), np.random.default_rng(0))
    with pytest.raises(ValueError, match="cache must be the DeepCache"):
        cb.deep_backward(other, cache, y)
    with pytest.raises(ValueError, match="grads must be"):
        cb.layer_gradient_norms([np.ones(2)])


def test_bad_training_arguments():
    params, x, y = _net((5, 4, 3), M=20)
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="batch_size"):
        cb.train_deep(params, x, y, 1, 0, 0.1, rng)
    with pytest.raises(ValueError, match="X_val and y_val"):
        cb.train_deep(params, x, y, 1, 4, 0.1, rng, X_val=x)
    with pytest.raises(ValueError, match="X has 3 features"):
        cb.train_deep(params, x[:, :3], y, 1, 4, 0.1, rng)
    with pytest.raises(ValueError, match="diverged"), np.errstate(all="ignore"):
        cb.train_deep(cb.deep_init((5, 4, 3), rng, "relu", init="he"), x, y, 3, 4, 1e200, rng)


# --- training ----------------------------------------------------------------------

def _digits_like(seed=0, n=240):
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, 1, (4, 10))
    y = rng.integers(0, 4, n)
    return centres[y] + 0.7 * rng.normal(0, 1, (n, 10)), y


def test_training_is_deterministic_and_learns():
    X, y = _digits_like()
    runs = []
    for _ in range(2):
        rng = np.random.default_rng(7)
        params = cb.deep_init((10, 16, 16, 4), rng, activation="tanh")
        trained, hist = cb.train_deep(params, X[:180], y[:180], 15, 16, 0.2, rng, X_val=X[180:], y_val=y[180:])
        runs.append((trained, hist, params))
    (a, ha, start), (b, hb, _) = runs
    assert all(np.array_equal(p, q) for (_, p), (_, q) in zip(a, b))
    np.testing.assert_array_equal(ha.loss_train, hb.loss_train)
    np.testing.assert_array_equal(ha.grad_norms, hb.grad_norms)
    assert ha.loss_train[-1] < 0.5 * ha.loss_train[0]
    assert ha.acc_val[-1] > 0.8
    assert ha.grad_norms.shape == (16, 3)
    assert ha.epochs == 15 and ha.epochs_to(0.8) is not None and ha.epochs_to(1.01) is None
    # params was not modified; the record at epoch 0 is the untrained network on the training set
    assert ha.loss_train[0] == pytest.approx(cb.deep_loss(start, X[:180], y[:180]), rel=1e-12)
    g0 = cb.deep_backward(start, cb.deep_forward(start, X[:180]), y[:180])
    np.testing.assert_allclose(ha.grad_norms[0], cb.layer_gradient_norms(g0), rtol=1e-12)


def test_deep_step_is_gradient_descent():
    params, x, y = _net((5, 4, 4, 3), "relu")
    before = params.copy()
    g = cb.deep_backward(before, cb.deep_forward(before, x), y)
    loss = cb.deep_step(params, x, y, 0.3)
    assert loss == cb.deep_loss(before, x, y)
    for p, q, d in zip(params.weights + params.biases, before.weights + before.biases, g.weights + g.biases):
        np.testing.assert_allclose(p, q - 0.3 * d, rtol=1e-14, atol=1e-16)


def test_sigmoid_first_layer_gradient_shrinks_with_depth():
    """The vanishing gradient: at initialisation, layer 1 of a deep sigmoid net gets a far smaller
    gradient than the last layer, by more than the bound ∏σ′ ≤ 4^−k alone would suggest is possible."""
    X, y = _digits_like(n=200)
    params = cb.deep_init((10,) + (32,) * 6 + (4,), np.random.default_rng(0), init="xavier")
    norms = cb.layer_gradient_norms(cb.deep_backward(params, cb.deep_forward(params, X), y))
    assert norms[0] < 0.05 * norms[-1]
    assert np.all(np.diff(norms[:-1]) > 0)


# --- the NumPy-only core and the bench -----------------------------------------------

def test_import_and_train_with_numpy_only():
    code = (
        "import sys\n"
        "for name in ('matplotlib', 'matplotlib.pyplot', 'ipywidgets', 'sklearn'):\n"
        "    sys.modules[name] = None\n"
        "import numpy as np, ce_backprop as cb\n"
        "rng = np.random.default_rng(0)\n"
        "X = rng.normal(size=(64, 8)); y = (X[:, 0] > 0).astype(int)\n"
        "p, h = cb.train_deep(cb.deep_init((8, 8, 2), rng, 'relu', 'he'), X, y, 5, 16, 0.5, rng)\n"
        "assert h.loss_train[-1] < h.loss_train[0]\n"
        "p4, h4 = cb.train(cb.network_init(8, 4, 2, rng), X, y, 3, 16, 0.5, rng)\n"
        "assert 'matplotlib' not in [m for m, v in sys.modules.items() if v is not None]\n"
        "try:\n"
        "    cb.neuron_explorer\n"
        "except ImportError:\n"
        "    print('explorers need ipywidgets')\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split()[-1] == "ok" and "explorers need ipywidgets" in out.stdout


def test_lazy_names_resolve():
    assert callable(cb.neuron_explorer) and callable(cb.deep_explorer) and callable(cb.configure_matplotlib)
    assert "deep_explorer" in dir(cb)
    with pytest.raises(AttributeError):
        cb.no_such_name


def test_bench_table_prints():
    out = subprocess.run([sys.executable, str(ROOT / "tools" / "bench.py"), "--quick"],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    rows = [ln.split() for ln in out.stdout.splitlines() if ln.split()[:1] in (["chapter4"], ["general"])]
    # network, dtype, depth, batch, NumPy samples/s [, PyTorch samples/s, ratio]
    expected = {(net, dtype, depth, "256") for net, depth in (("chapter4", "2"), ("general", "2"), ("general", "5"))
                for dtype in ("float32", "float64")}
    assert {tuple(r[:4]) for r in rows} == expected
    for r in rows:
        assert float(r[4].replace(",", "")) > 0


# --- residual connections, errors per layer, spread and class-prior share (chapter 5) -----------

@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
def test_residual_backward_matches_finite_differences(activation):
    params, x, y = _net(sizes=(5, 4, 4, 4, 3), activation=activation)
    params.residual = True
    assert params.skips() == [False, True, True, False]
    grads = cb.deep_backward(params, cb.deep_forward(params, x), y)
    analytic = [a for _, a in grads]
    for a, n in zip(analytic, _numeric(params, x, y)):
        np.testing.assert_allclose(a, n, rtol=1e-6, atol=1e-9)


def test_residual_forward_adds_the_input_and_skips_only_equal_widths():
    params, x, _ = _net(sizes=(5, 4, 4, 3, 3), activation="tanh")
    plain = cb.deep_forward(params, x)
    params.residual = True
    res = cb.deep_forward(params, x)
    assert params.skips() == [False, True, False, False]       # 4 -> 3 cannot add its input
    a1 = np.tanh(x @ params.weights[0] + params.biases[0])
    a2 = a1 + np.tanh(a1 @ params.weights[1] + params.biases[1])
    np.testing.assert_allclose(res.activations[1], a1, rtol=1e-14)
    np.testing.assert_allclose(res.activations[2], a2, rtol=1e-14)
    np.testing.assert_allclose(plain.activations[1], a1, rtol=1e-14)
    with pytest.raises(ValueError, match="residual"):
        cb.deep_init((3, 3, 2), np.random.default_rng(0), residual="yes")


def test_deep_errors_are_the_gradients_with_respect_to_the_weighted_inputs():
    # with x = I (M = n_0 rows) and b^1 = 0, z^1 = W^1, so δ^1 = ∂C/∂W^1: compare with centred differences
    rng = np.random.default_rng(4)
    params = cb.deep_init((4, 3, 3, 2), rng, activation="sigmoid", init=2.0)
    x, y = np.eye(4), rng.integers(0, 2, 4)
    errors = cb.deep_errors(params, cb.deep_forward(params, x), y)
    assert [e.shape for e in errors] == [(4, 3), (4, 3), (4, 2)]
    numeric = cb.numerical_gradient(lambda W: cb.deep_loss(cb.DeepParams([W] + params.weights[1:], params.biases),
                                                           x, y), params.weights[0])
    np.testing.assert_allclose(errors[0], numeric, rtol=1e-6, atol=1e-10)
    probs = cb.deep_forward(params, x).probs
    np.testing.assert_allclose(errors[-1], (probs - np.eye(2)[y]) / 4, rtol=1e-14)


def test_sample_spread_is_the_mean_standard_deviation_over_rows():
    params, x, _ = _net(sizes=(5, 4, 3), activation="tanh", M=8)
    cache = cb.deep_forward(params, x)
    a1 = np.tanh(x @ params.weights[0] + params.biases[0])
    z2 = a1 @ params.weights[1] + params.biases[1]
    expected = [np.mean([np.std(col) for col in m.T]) for m in (x, a1, z2)]
    np.testing.assert_allclose(cb.sample_spread(cache), expected, rtol=1e-12)
    with pytest.raises(ValueError, match="at least 2 rows"):
        cb.sample_spread(cb.deep_forward(params, x[:1]))
    with pytest.raises(ValueError, match="cache"):
        cb.sample_spread(x)


def test_class_prior_share_is_one_for_identical_rows_and_small_for_varied_ones():
    rng = np.random.default_rng(5)
    params = cb.deep_init((3, 4, 3), rng, activation="sigmoid", init=1.0)
    same = np.tile(rng.normal(size=(1, 3)), (6, 1))          # every sample the same input
    y = rng.integers(0, 3, 6)
    cache = cb.deep_forward(params, same)
    assert cb.class_prior_share(cache, cb.deep_backward(params, cache, y)) == pytest.approx(1.0, abs=1e-12)
    # an independent value: a hand-made gradient orthogonal to āᵀ db has share 0
    a_bar = cache.activations[-1].mean(axis=0)
    db = np.array([1.0, -1.0, 0.0])
    u = np.array([a_bar[1], -a_bar[0], 0.0, 0.0])            # u ⟂ ā
    fake = cb.DeepParams([np.zeros((3, 4)), np.outer(u, db) + 0.0], [np.zeros(4), db], "sigmoid")
    assert cb.class_prior_share(cache, fake) == pytest.approx(0.0, abs=1e-12)
    with pytest.raises(ValueError, match="same network"):
        cb.class_prior_share(cache, cb.DeepParams([np.zeros((3, 5)), np.zeros((5, 3))], [np.zeros(5), np.zeros(3)]))
