"""The gradient checker against correct gradients and planted bugs (chapter 1's rule).

Random cases, in float64, for every model of the course: the single neuron,
softmax cross-entropy (logits up to ±1e3), binary cross-entropy from logits,
the multi-label model and chapter 4's network with saturated hidden units
(|z| up to 30). The checker must pass every correct gradient and fail every
planted bug:

* a flipped sign in one entry;
* a missing σ′ factor;
* a missing 1/M;
* a transposed weight gradient;
* a bias gradient that sums the wrong axis.

A bug is planted only where finite differences can see it at all: it must
move some entry by more than 100 times the rounding noise ε·S/h of the
centred difference (S = max(|f|, 1) + Σ|x_j||∂f/∂x_j|, chapter 1), computed
here from the *true* gradient (an entry of size
1e-13 behind a saturated unit cannot be told from 0 by any finite difference).
A transposed or wrongly summed gradient of another shape must be refused with
a ValueError.

`HYPOTHESIS_PROFILE=thorough` runs each test on 2000 examples.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import ce_backprop as cb

H = 1e-6
EPS = np.finfo(np.float64).eps

# The profile decides how many examples; filtering by "is the bug visible" is expected.
relaxed = settings(suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])


def rounding_noise(f, x, true_grad) -> float:
    """ε·S/h with S = max(|f(x)|, 1) + Σ|x_j||∂f/∂x_j| (from the true gradient, not the checker's)."""
    return EPS * (max(abs(f(x)), 1.0) + float(np.sum(np.abs(x) * np.abs(true_grad)))) / H


def visible(good, bad, noise) -> bool:
    diff = np.abs(bad - good)
    return bool(np.any(diff > 1e-4 * np.abs(good) + 100 * noise))


def assert_caught(name, f, x, good, bad):
    """A visible bug must fail the check; a bug of another shape must be refused."""
    if np.shape(bad) != np.shape(x):
        with pytest.raises(ValueError, match="shape"):
            cb.gradient_check(name, f, x, bad, h=H)
        return
    assume(visible(good, bad, rounding_noise(f, x, good)))
    check = cb.gradient_check(name, f, x, bad, h=H)
    assert not check.passed, f"planted bug passed: {check} (ratio {check.ratio})"
    assert "✗ FAILED" in str(check)


def assert_passes(name, f, x, good):
    check = cb.gradient_check(name, f, x, good, h=H)
    assert check.passed, f"correct gradient failed: {check}, worst {check.worst_index}: " \
                         f"{check.analytic_value} vs {check.numeric_value}"
    assert str(check).endswith("✓")


def flip_one_visible_entry(good, noise, pick: int):
    """Flip the sign of one entry that finite differences can resolve (chosen by ``pick``)."""
    candidates = np.flatnonzero(np.abs(good).reshape(-1) > 100 * noise)
    assume(candidates.size > 0)
    bad = good.copy().reshape(-1)
    i = candidates[pick % candidates.size]
    bad[i] = -bad[i]
    return bad.reshape(good.shape)


seeds = st.integers(0, 2**32 - 1)
picks = st.integers(0, 10**6)


# --- the single neuron (chapter 1) -------------------------------------------------

@st.composite
def neuron_cases(draw):
    rng = np.random.default_rng(draw(seeds))
    d, n = draw(st.integers(1, 3)), draw(st.integers(2, 5))
    cost = draw(st.sampled_from(["quadratic", "cross_entropy"]))
    offset = draw(st.floats(-30, 30))  # |z| up to about 30: saturated neurons included
    x = rng.normal(size=(n, d))
    w = rng.normal(size=d)
    b = offset
    y = rng.uniform(size=n) if draw(st.booleans()) else rng.integers(0, 2, n).astype(float)
    return x, y, np.append(w, b), cost


def neuron_objective(x, y, cost):
    def f(theta):
        z = x @ theta[:-1] + theta[-1]
        if cost == "quadratic":
            return cb.quadratic_cost(cb.sigmoid(z), y)
        return cb.binary_cross_entropy_with_logits(z, y)  # the stable form of the same cost
    return f


def neuron_grad(x, y, theta, cost):
    dw, db = cb.neuron_gradients(theta[:-1], theta[-1], x, y, cost)
    return np.append(dw, db)


@relaxed
@given(neuron_cases())
def test_neuron_correct_gradient_passes(case):
    x, y, theta, cost = case
    assert_passes("neuron", neuron_objective(x, y, cost), theta, neuron_grad(x, y, theta, cost))


@relaxed
@given(neuron_cases(), picks)
def test_neuron_flipped_sign_fails(case, pick):
    x, y, theta, cost = case
    f, good = neuron_objective(x, y, cost), neuron_grad(x, y, theta, cost)
    bad = flip_one_visible_entry(good, rounding_noise(f, theta, good), pick)
    assert_caught("neuron", f, theta, good, bad)


@relaxed
@given(neuron_cases())
def test_neuron_missing_sigma_prime_fails(case):
    x, y, theta, _ = case
    f, good = neuron_objective(x, y, "quadratic"), neuron_grad(x, y, theta, "quadratic")
    z = x @ theta[:-1] + theta[-1]
    delta = cb.sigmoid(z) - y  # (a − y) without σ′(z)
    n = x.shape[0]
    bad = np.append(x.T @ delta / n, delta.sum() / n)
    assert_caught("neuron", f, theta, good, bad)


@relaxed
@given(neuron_cases())
def test_neuron_missing_one_over_n_fails(case):
    x, y, theta, cost = case
    f, good = neuron_objective(x, y, cost), neuron_grad(x, y, theta, cost)
    assert_caught("neuron", f, theta, good, good * x.shape[0])


# --- softmax cross-entropy (chapter 3), logits up to ±1e3 ---------------------------

@st.composite
def softmax_cases(draw):
    rng = np.random.default_rng(draw(seeds))
    M, K = draw(st.integers(2, 4)), draw(st.integers(2, 5))
    scale = 10.0 ** draw(st.floats(-1, 3))  # logits of size 0.1 … 1000
    Z = rng.uniform(-1, 1, size=(M, K)) * scale
    if draw(st.booleans()):
        targets = rng.integers(0, K, M)
    else:
        targets = rng.dirichlet(np.ones(K), size=M)
    return Z, targets


@relaxed
@given(softmax_cases())
def test_softmax_cross_entropy_correct_gradient_passes(case):
    Z, t = case
    assert_passes("softmax CE", lambda v: cb.softmax_cross_entropy(v, t), Z, cb.softmax_cross_entropy_grad(Z, t))


@relaxed
@given(softmax_cases(), picks)
def test_softmax_cross_entropy_flipped_sign_fails(case, pick):
    Z, t = case
    f, good = (lambda v: cb.softmax_cross_entropy(v, t)), cb.softmax_cross_entropy_grad(Z, t)
    assert_caught("softmax CE", f, Z, good, flip_one_visible_entry(good, rounding_noise(f, Z, good), pick))


@relaxed
@given(softmax_cases())
def test_softmax_cross_entropy_missing_one_over_m_fails(case):
    Z, t = case
    f, good = (lambda v: cb.softmax_cross_entropy(v, t)), cb.softmax_cross_entropy_grad(Z, t)
    assert_caught("softmax CE", f, Z, good, good * Z.shape[0])


# --- binary cross-entropy from logits (chapter 2) ------------------------------------

@st.composite
def bce_cases(draw):
    rng = np.random.default_rng(draw(seeds))
    n, k = draw(st.integers(2, 4)), draw(st.integers(1, 4))
    scale = 10.0 ** draw(st.floats(-1, 3))
    z = rng.uniform(-1, 1, size=(n, k)) * scale
    y = rng.uniform(size=(n, k)) if draw(st.booleans()) else rng.integers(0, 2, (n, k)).astype(float)
    return z, y


@relaxed
@given(bce_cases())
def test_bce_from_logits_correct_gradient_passes(case):
    z, y = case
    assert_passes("BCE", lambda v: cb.binary_cross_entropy_with_logits(v, y), z,
                  cb.binary_cross_entropy_grad_logits(z, y))


@relaxed
@given(bce_cases(), picks)
def test_bce_from_logits_flipped_sign_fails(case, pick):
    z, y = case
    f, good = (lambda v: cb.binary_cross_entropy_with_logits(v, y)), cb.binary_cross_entropy_grad_logits(z, y)
    assert_caught("BCE", f, z, good, flip_one_visible_entry(good, rounding_noise(f, z, good), pick))


@relaxed
@given(bce_cases())
def test_bce_from_logits_missing_one_over_n_fails(case):
    z, y = case
    f, good = (lambda v: cb.binary_cross_entropy_with_logits(v, y)), cb.binary_cross_entropy_grad_logits(z, y)
    assert_caught("BCE", f, z, good, good * z.shape[0])


# --- the multi-label model (chapter 2) ------------------------------------------------

@st.composite
def multilabel_cases(draw):
    rng = np.random.default_rng(draw(seeds))
    d, k, n = draw(st.integers(1, 4)), draw(st.integers(1, 4)), draw(st.integers(2, 5))
    if draw(st.booleans()):  # square W and n == k are where transposes and wrong sums hide
        k = d
        n = max(2, k)
    scale = draw(st.floats(0.1, 10))
    X = rng.normal(size=(n, d))
    W = rng.normal(size=(d, k)) * scale
    b = rng.uniform(-30, 30, size=k) * draw(st.sampled_from([0.0, 0.1, 1.0]))
    Y = rng.integers(0, 2, (n, k)).astype(float)
    return W, b, X, Y


def multilabel_problems(W, b, X, Y):
    dW, db = cb.multilabel_gradients(W, b, X, Y)
    return {
        "W": (lambda v: cb.multilabel_cost(v, b, X, Y), W, dW),
        "b": (lambda v: cb.multilabel_cost(W, v, X, Y), b, db),
    }


@relaxed
@given(multilabel_cases())
def test_multilabel_correct_gradients_pass(case):
    for name, (f, x, g) in multilabel_problems(*case).items():
        assert_passes(f"multilabel d{name}", f, x, g)


@relaxed
@given(multilabel_cases(), st.sampled_from(["W", "b"]), picks)
def test_multilabel_flipped_sign_fails(case, which, pick):
    f, x, good = multilabel_problems(*case)[which]
    assert_caught(f"multilabel d{which}", f, x, good, flip_one_visible_entry(good, rounding_noise(f, x, good), pick))


@relaxed
@given(multilabel_cases())
def test_multilabel_missing_one_over_n_fails(case):
    n = case[2].shape[0]
    f, x, good = multilabel_problems(*case)["W"]
    assert_caught("multilabel dW", f, x, good, good * n)


@relaxed
@given(multilabel_cases())
def test_multilabel_transposed_weight_gradient_fails(case):
    f, x, good = multilabel_problems(*case)["W"]
    assert_caught("multilabel dW", f, x, good, good.T)


@relaxed
@given(multilabel_cases())
def test_multilabel_bias_summed_over_the_wrong_axis_fails(case):
    W, b, X, Y = case
    delta = cb.sigmoid(X @ W + b) - Y
    f, x, good = multilabel_problems(*case)["b"]
    assert_caught("multilabel db", f, x, good, delta.sum(axis=1) / X.shape[0])


# --- chapter 4's network, with saturated hidden units ---------------------------------

@st.composite
def network_cases(draw):
    rng = np.random.default_rng(draw(seeds))
    Dx, Hd, Dy, M = (draw(st.integers(2, 4)) for _ in range(4))
    shape = draw(st.sampled_from(["any", "Dx = H", "H = Dy", "M = H"]))
    if shape == "Dx = H":
        Dx = Hd
    elif shape == "H = Dy":
        Dy = Hd
    elif shape == "M = H":
        M = Hd
    cost = draw(st.sampled_from(cb.NETWORK_COSTS))
    p = cb.network_init(Dx, Hd, Dy, rng, scale=draw(st.floats(0.5, 3)))
    # saturate some hidden units: b1 = ±(14 … 30), so |z1| reaches about 30
    saturated = rng.random(Hd) < draw(st.floats(0, 1))
    p.b1[saturated] = rng.choice([-1.0, 1.0], saturated.sum()) * rng.uniform(14, 30, saturated.sum())
    x = rng.normal(size=(M, Dx))
    y = rng.integers(0, Dy, M)
    return p, x, y, cost


def network_problems(p, x, y, cost, grads=None):
    g = grads or cb.network_backward(p, cb.network_forward(p, x, cost), y, cost)

    def objective(name):
        def f(v):
            q = p.copy()
            setattr(q, name, v)
            return cb.network_loss(q, x, y, cost)
        return f

    return {name: (objective(name), value, getattr(g, name)) for name, value in p}


def network_pieces(p, x, y, cost):
    """dZ2, dH1 and the cache, as the backward pass computes them."""
    c = cb.network_forward(p, x, cost)
    Y = cb.one_hot(y, p.shape[2]).astype(float)
    M = x.shape[0]
    # softmax + CE and sigmoid + BCE give δ = a − y; the quadratic cost keeps the factor σ′
    dZ2 = (c.a2 - Y) * c.a2 * (1 - c.a2) / M if cost == "quadratic" else (c.a2 - Y) / M
    return c, dZ2, dZ2 @ p.W2.T


@relaxed
@given(network_cases())
def test_network_correct_gradients_pass(case):
    p, x, y, cost = case
    for name, (f, v, g) in network_problems(*case).items():
        assert_passes(f"network d{name} ({cost})", f, v, g)


@relaxed
@given(network_cases(), st.sampled_from(["W1", "b1", "W2", "b2"]), picks)
def test_network_flipped_sign_fails(case, which, pick):
    f, v, good = network_problems(*case)[which]
    assert_caught(f"network d{which}", f, v, good, flip_one_visible_entry(good, rounding_noise(f, v, good), pick))


@relaxed
@given(network_cases(), st.sampled_from(["W1", "b1"]))
def test_network_missing_sigma_prime_fails(case, which):
    p, x, y, cost = case
    c, _, dH1 = network_pieces(p, x, y, cost)
    bad = {"W1": x.T @ dH1, "b1": dH1.sum(axis=0)}[which]  # dZ1 = dH1, without ⊙ σ′(z1)
    f, v, good = network_problems(*case)[which]
    assert_caught(f"network d{which}", f, v, good, bad)


@relaxed
@given(network_cases(), st.sampled_from(["W1", "b1", "W2", "b2"]))
def test_network_missing_one_over_m_fails(case, which):
    f, v, good = network_problems(*case)[which]
    assert_caught(f"network d{which}", f, v, good, good * case[1].shape[0])


@relaxed
@given(network_cases(), st.sampled_from(["W1", "W2"]))
def test_network_transposed_weight_gradient_fails(case, which):
    f, v, good = network_problems(*case)[which]
    assert_caught(f"network d{which}", f, v, good, good.T)


@relaxed
@given(network_cases(), st.sampled_from(["b1", "b2"]))
def test_network_bias_summed_over_the_wrong_axis_fails(case, which):
    p, x, y, cost = case
    c, dZ2, dH1 = network_pieces(p, x, y, cost)
    dZ1 = dH1 * c.h1 * (1 - c.h1)
    bad = {"b1": dZ1.sum(axis=1), "b2": dZ2.sum(axis=1)}[which]  # rows instead of columns
    f, v, good = network_problems(*case)[which]
    assert_caught(f"network d{which}", f, v, good, bad)


def test_the_pieces_above_are_the_library_backward_pass():
    """The bugs are planted into the same dZ2, dZ1 as network_backward computes."""
    rng = np.random.default_rng(3)
    p = cb.network_init(3, 4, 2, rng)
    x, y = rng.normal(size=(5, 3)), rng.integers(0, 2, 5)
    for cost in cb.NETWORK_COSTS:
        c, dZ2, dH1 = network_pieces(p, x, y, cost)
        g = cb.network_backward(p, c, y, cost)
        assert np.allclose(dZ2.sum(axis=0), g.b2, rtol=1e-13, atol=0)
        assert np.allclose((dH1 * c.h1 * (1 - c.h1)).sum(axis=0), g.b1, rtol=1e-13, atol=1e-300)
