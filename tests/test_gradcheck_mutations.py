"""The gradient checker against correct gradients and planted bugs (appendix A).

Random cases, in float64, for every model of the book: the single neuron,
softmax cross-entropy (logits up to ±1e3), binary cross-entropy from logits,
the multi-label model and chapter 4's network with saturated hidden units
(|z| up to 30). Planted bugs:

* a flipped sign in one entry;
* a missing σ′ factor;
* a missing 1/M;
* a transposed weight gradient;
* a bias gradient that sums the wrong axis;
* bugs confined to saturated entries (a flipped or zeroed gradient where
  |z| > 20, as a wrong branch of a stable formula would give) and to tiny
  entries (the gradient of a unit saturated at |z| ≈ 14 … 30).

What must hold, on every case:

* a wrong gradient (one that moves some entry by more than 2 %: a passed
  verdict claims agreement to 1 %) is failed or inconclusive, never passed;
* a correct gradient is passed or inconclusive, never failed;
* on ordinary cases (moderate scales: |z| ≲ 3, no saturated unit) a correct
  gradient is passed at every entry bigger than TINY, and a planted bug that
  moves such an entry by more than 5 % is failed.

A transposed or wrongly summed gradient of another shape must be refused with
a ValueError. `HYPOTHESIS_PROFILE=thorough` runs each test on 2000 examples.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import ce_backprop as cb

H = 1e-6

#: On ordinary cases, entries at least this big must be resolved (passed, or failed if wrong).
TINY = 1e-6

# The profile decides how many examples; filtering by "is the bug visible" is expected.
relaxed = settings(suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])


def visible(good, bad) -> bool:
    """The bug moves an entry that is not tiny by more than 5 %."""
    big = np.abs(good) > TINY
    return bool(np.any(big & (np.abs(bad - good) > 0.05 * np.abs(good))))


def assert_caught(name, f, x, good, bad, ordinary=False):
    """A wrong gradient is never passed; on an ordinary case a visible bug is failed."""
    if np.shape(bad) != np.shape(x):
        with pytest.raises(ValueError, match="shape"):
            cb.gradient_check(name, f, x, bad, h=H)
        return
    # "passed" claims agreement to 1 % (cb.gradcheck.RESOLUTION): a "bug" that moves no entry
    # by more than 2 % is not wrong at the verdict's resolution (a saturated unit can make it so)
    assume(np.any(np.abs(bad - good) > 2 * cb.gradcheck.RESOLUTION * np.abs(good)))
    check = cb.gradient_check(name, f, x, bad, h=H)
    assert not check.passed, f"planted bug passed: {check.message.en}"
    if ordinary and visible(good, bad):
        assert check.failed, f"visible bug not failed on an ordinary case: {check.message.en}"


def assert_right(name, f, x, good, ordinary=False):
    """A right gradient is never failed; on an ordinary case every entry above TINY is passed."""
    check = cb.gradient_check(name, f, x, good, h=H)
    assert not check.failed, f"correct gradient failed: {check.details().en}"
    if ordinary:
        big = np.abs(good) > TINY
        assert np.all(check.entry_verdicts[big] == "passed"), f"ordinary case not passed: {check.details().en}"
        if np.all(big):
            assert check.passed and check.message.en.endswith(": passed")


def flip_one_visible_entry(good, pick: int):
    """Flip the sign of one entry that is not tiny (chosen by ``pick``)."""
    candidates = np.flatnonzero(np.abs(good).reshape(-1) > TINY)
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
    ordinary = draw(st.booleans())
    offset = draw(st.floats(-1, 1) if ordinary else st.floats(-30, 30))  # |z| up to about 30: saturated
    x = rng.normal(size=(n, d))
    w = rng.normal(size=d)
    y = rng.uniform(size=n) if draw(st.booleans()) else rng.integers(0, 2, n).astype(float)
    return x, y, np.append(w, offset), cost, ordinary


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
    x, y, theta, cost, ordinary = case
    assert_right("neuron", neuron_objective(x, y, cost), theta, neuron_grad(x, y, theta, cost), ordinary)


@relaxed
@given(neuron_cases(), picks)
def test_neuron_flipped_sign_fails(case, pick):
    x, y, theta, cost, ordinary = case
    f, good = neuron_objective(x, y, cost), neuron_grad(x, y, theta, cost)
    assert_caught("neuron", f, theta, good, flip_one_visible_entry(good, pick), ordinary)


@relaxed
@given(neuron_cases())
def test_neuron_missing_sigma_prime_fails(case):
    x, y, theta, _, ordinary = case
    f, good = neuron_objective(x, y, "quadratic"), neuron_grad(x, y, theta, "quadratic")
    z = x @ theta[:-1] + theta[-1]
    delta = cb.sigmoid(z) - y  # (a − y) without σ′(z)
    n = x.shape[0]
    bad = np.append(x.T @ delta / n, delta.sum() / n)
    assert_caught("neuron", f, theta, good, bad, ordinary)


@relaxed
@given(neuron_cases())
def test_neuron_missing_one_over_n_fails(case):
    x, y, theta, cost, ordinary = case
    f, good = neuron_objective(x, y, cost), neuron_grad(x, y, theta, cost)
    assert_caught("neuron", f, theta, good, good * x.shape[0], ordinary)


# --- softmax cross-entropy (chapter 3), logits up to ±1e3 ---------------------------

@st.composite
def softmax_cases(draw):
    rng = np.random.default_rng(draw(seeds))
    M, K = draw(st.integers(2, 4)), draw(st.integers(2, 5))
    ordinary = draw(st.booleans())
    scale = 10.0 ** draw(st.floats(-1, 0.5) if ordinary else st.floats(-1, 3))  # logits of size 0.1 … 1000
    Z = rng.uniform(-1, 1, size=(M, K)) * scale
    if draw(st.booleans()):
        targets = rng.integers(0, K, M)
    else:
        targets = rng.dirichlet(np.ones(K), size=M)
    return Z, targets, ordinary


@relaxed
@given(softmax_cases())
def test_softmax_cross_entropy_correct_gradient_passes(case):
    Z, t, ordinary = case
    assert_right("softmax CE", lambda v: cb.softmax_cross_entropy(v, t), Z, cb.softmax_cross_entropy_grad(Z, t), ordinary)


@relaxed
@given(softmax_cases(), picks)
def test_softmax_cross_entropy_flipped_sign_fails(case, pick):
    Z, t, ordinary = case
    f, good = (lambda v: cb.softmax_cross_entropy(v, t)), cb.softmax_cross_entropy_grad(Z, t)
    assert_caught("softmax CE", f, Z, good, flip_one_visible_entry(good, pick), ordinary)


@relaxed
@given(softmax_cases())
def test_softmax_cross_entropy_missing_one_over_m_fails(case):
    Z, t, ordinary = case
    f, good = (lambda v: cb.softmax_cross_entropy(v, t)), cb.softmax_cross_entropy_grad(Z, t)
    assert_caught("softmax CE", f, Z, good, good * Z.shape[0], ordinary)


# --- binary cross-entropy from logits (chapter 2), with saturated entries ---------------

@st.composite
def bce_cases(draw):
    rng = np.random.default_rng(draw(seeds))
    n, k = draw(st.integers(2, 4)), draw(st.integers(1, 4))
    ordinary = draw(st.booleans())
    scale = 10.0 ** draw(st.floats(-1, 0.5) if ordinary else st.floats(-1, 3))
    z = rng.uniform(-1, 1, size=(n, k)) * scale
    y = rng.uniform(size=(n, k)) if draw(st.booleans()) else rng.integers(0, 2, (n, k)).astype(float)
    if not ordinary and draw(st.booleans()):
        # some well-classified entries, saturated: y = 0 at z = −(20 … 40), or y = 1 at z = 20 … 40
        sat = rng.random((n, k)) < 0.5
        sat.flat[0] = True
        sign = rng.choice([-1.0, 1.0], size=(n, k))
        z[sat] = sign[sat] * rng.uniform(20, 40, size=sat.sum())
        y[sat] = (sign[sat] > 0).astype(float)
    return z, y, ordinary


def bce_problem(z, y):
    return (lambda v: cb.binary_cross_entropy_with_logits(v, y)), cb.binary_cross_entropy_grad_logits(z, y)


@relaxed
@given(bce_cases())
def test_bce_from_logits_correct_gradient_passes(case):
    z, y, ordinary = case
    f, good = bce_problem(z, y)
    assert_right("BCE", f, z, good, ordinary)


@relaxed
@given(bce_cases(), picks)
def test_bce_from_logits_flipped_sign_fails(case, pick):
    z, y, ordinary = case
    f, good = bce_problem(z, y)
    assert_caught("BCE", f, z, good, flip_one_visible_entry(good, pick), ordinary)


@relaxed
@given(bce_cases())
def test_bce_from_logits_missing_one_over_n_fails(case):
    z, y, ordinary = case
    f, good = bce_problem(z, y)
    assert_caught("BCE", f, z, good, good * z.shape[0], ordinary)


@relaxed
@given(bce_cases(), st.sampled_from(["flip", "zero", "σ(−z)"]))
def test_bce_bug_confined_to_saturated_entries_never_passes(case, bug):
    z, y, _ = case
    saturated = np.abs(z) > 20
    assume(saturated.any())
    f, good = bce_problem(z, y)
    bad = good.copy()
    if bug == "flip":  # a sign bug in the saturated branch of a stable formula
        bad[saturated] = -good[saturated]
    elif bug == "zero":  # the saturated branch returns 0
        bad[saturated] = 0.0
    else:  # the branch takes σ of the wrong sign: (σ(−z) − y)/n instead of (σ(z) − y)/n
        bad[saturated] = (cb.sigmoid(-z[saturated]) - y[saturated]) / z.shape[0]
    assert_caught("BCE", f, z, good, bad)


# --- the multi-label model (chapter 2) ------------------------------------------------

@st.composite
def multilabel_cases(draw):
    rng = np.random.default_rng(draw(seeds))
    d, k, n = draw(st.integers(1, 4)), draw(st.integers(1, 4)), draw(st.integers(2, 5))
    if draw(st.booleans()):  # square W and n == k are where transposes and wrong sums hide
        k = d
        n = max(2, k)
    ordinary = draw(st.booleans())
    scale = draw(st.floats(0.1, 1.5) if ordinary else st.floats(0.1, 10))
    X = rng.normal(size=(n, d))
    W = rng.normal(size=(d, k)) * scale
    b = rng.uniform(-30, 30, size=k) * (0.0 if ordinary else draw(st.sampled_from([0.0, 0.1, 1.0])))
    Y = rng.integers(0, 2, (n, k)).astype(float)
    return W, b, X, Y, ordinary


def multilabel_problems(W, b, X, Y, ordinary=False):
    dW, db = cb.multilabel_gradients(W, b, X, Y)
    return {
        "W": (lambda v: cb.multilabel_cost(v, b, X, Y), W, dW),
        "b": (lambda v: cb.multilabel_cost(W, v, X, Y), b, db),
    }


@relaxed
@given(multilabel_cases())
def test_multilabel_correct_gradients_pass(case):
    for name, (f, x, g) in multilabel_problems(*case).items():
        assert_right(f"multilabel d{name}", f, x, g, case[-1])


@relaxed
@given(multilabel_cases(), st.sampled_from(["W", "b"]), picks)
def test_multilabel_flipped_sign_fails(case, which, pick):
    f, x, good = multilabel_problems(*case)[which]
    assert_caught(f"multilabel d{which}", f, x, good, flip_one_visible_entry(good, pick), case[-1])


@relaxed
@given(multilabel_cases())
def test_multilabel_missing_one_over_n_fails(case):
    n = case[2].shape[0]
    f, x, good = multilabel_problems(*case)["W"]
    assert_caught("multilabel dW", f, x, good, good * n, case[-1])


@relaxed
@given(multilabel_cases())
def test_multilabel_transposed_weight_gradient_fails(case):
    f, x, good = multilabel_problems(*case)["W"]
    assert_caught("multilabel dW", f, x, good, good.T, case[-1])


@relaxed
@given(multilabel_cases())
def test_multilabel_bias_summed_over_the_wrong_axis_fails(case):
    W, b, X, Y, ordinary = case
    delta = cb.sigmoid(X @ W + b) - Y
    f, x, good = multilabel_problems(*case)["b"]
    assert_caught("multilabel db", f, x, good, delta.sum(axis=1) / X.shape[0], ordinary)


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
    ordinary = draw(st.booleans())
    p = cb.network_init(Dx, Hd, Dy, rng, scale=draw(st.floats(0.5, 1.5) if ordinary else st.floats(0.5, 3)))
    if not ordinary:
        # saturate some hidden units: b1 = ±(14 … 30), so |z1| reaches about 30
        saturated = rng.random(Hd) < draw(st.floats(0, 1))
        p.b1[saturated] = rng.choice([-1.0, 1.0], saturated.sum()) * rng.uniform(14, 30, saturated.sum())
    x = rng.normal(size=(M, Dx))
    y = rng.integers(0, Dy, M)
    return p, x, y, cost, ordinary


def network_problems(p, x, y, cost, ordinary=False, grads=None):
    g = grads or cb.network_backward(p, cb.network_forward(p, x, cost), y, cost)

    def objective(name):
        def f(v):
            q = p.copy()
            setattr(q, name, v)
            return cb.network_loss(q, x, y, cost)
        return f

    return {name: (objective(name), value, getattr(g, name)) for name, value in p}


def network_pieces(p, x, y, cost, ordinary=False):
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
    for name, (f, v, g) in network_problems(*case).items():
        assert_right(f"network d{name} ({case[3]})", f, v, g, case[-1])


@relaxed
@given(network_cases(), st.sampled_from(["W1", "b1", "W2", "b2"]), picks)
def test_network_flipped_sign_fails(case, which, pick):
    f, v, good = network_problems(*case)[which]
    assert_caught(f"network d{which}", f, v, good, flip_one_visible_entry(good, pick), case[-1])


@relaxed
@given(network_cases(), st.sampled_from(["W1", "b1"]))
def test_network_missing_sigma_prime_fails(case, which):
    c, _, dH1 = network_pieces(*case)
    x = case[1]
    bad = {"W1": x.T @ dH1, "b1": dH1.sum(axis=0)}[which]  # dZ1 = dH1, without ⊙ σ′(z1)
    f, v, good = network_problems(*case)[which]
    assert_caught(f"network d{which}", f, v, good, bad, case[-1])


@relaxed
@given(network_cases(), st.sampled_from(["W1", "b1", "W2", "b2"]))
def test_network_missing_one_over_m_fails(case, which):
    f, v, good = network_problems(*case)[which]
    assert_caught(f"network d{which}", f, v, good, good * case[1].shape[0], case[-1])


@relaxed
@given(network_cases(), st.sampled_from(["W1", "W2"]))
def test_network_transposed_weight_gradient_fails(case, which):
    f, v, good = network_problems(*case)[which]
    assert_caught(f"network d{which}", f, v, good, good.T, case[-1])


@relaxed
@given(network_cases(), st.sampled_from(["b1", "b2"]))
def test_network_bias_summed_over_the_wrong_axis_fails(case, which):
    c, dZ2, dH1 = network_pieces(*case)
    dZ1 = dH1 * c.h1 * (1 - c.h1)
    bad = {"b1": dZ1.sum(axis=1), "b2": dZ2.sum(axis=1)}[which]  # rows instead of columns
    f, v, good = network_problems(*case)[which]
    assert_caught(f"network d{which}", f, v, good, bad, case[-1])


@relaxed
@given(network_cases(), st.sampled_from(["W1", "b1"]), st.sampled_from(["flip", "zero", "double"]))
def test_network_bug_confined_to_saturated_units_never_passes(case, which, bug):
    p, x, y, cost, _ = case
    c = cb.network_forward(p, x, cost)
    saturated = np.all(np.abs(c.z1) > 12, axis=0)  # hidden units saturated on every sample
    assume(saturated.any())
    f, v, good = network_problems(*case)[which]
    bad = good.copy()
    cols = (slice(None), saturated) if which == "W1" else (saturated,)
    factor = {"flip": -1.0, "zero": 0.0, "double": 2.0}[bug]
    bad[cols] = factor * good[cols]  # only the tiny gradients behind the saturated units are wrong
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
