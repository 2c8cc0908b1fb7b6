"""The autodiff of chapter 6: every operation's backward against centred differences,
the book's hand-derived gradients reproduced to 1e-12, the graph walk, and bad input."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import ce_backprop as cb
from ce_backprop import autodiff as ad


def _close_to_numeric(f, x, analytic, h=1e-6):
    """The analytic gradient of scalar f at x agrees with centred differences."""
    numeric = cb.numerical_gradient(f, x, h)
    assert analytic.shape == x.shape
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-7)


def _projected(op, G):
    """L(x) = Σ G ⊙ op(x): its gradient is the VJP of op applied to G."""
    return lambda t: ad.tensor_sum(ad.mul(op(t), G))


shapes = st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple)


# --- every operation against finite differences -------------------------------

UNARY = {
    "sigmoid": ad.sigmoid,
    "tanh": ad.tanh,
    "relu": ad.relu,
    "softplus": ad.softplus,
    "neg": ad.neg,
    "log_softmax": ad.log_softmax,
}


@pytest.mark.parametrize("name", list(UNARY))
@given(shape=shapes, seed=st.integers(0, 2**32 - 1))
def test_unary_operation_backward_matches_finite_differences(name, shape, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(0, 2, shape)
    if name == "relu":  # keep away from the kink, where the derivative jumps
        x = np.where(np.abs(x) < 1e-3, 0.5, x)
    G = rng.normal(size=shape)
    f = _projected(UNARY[name], G)
    _, (grad,) = ad.value_and_grad(f, x)
    _close_to_numeric(lambda v: float(f(ad.Tensor(v)).data), x, grad)


@st.composite
def broadcast_pairs(draw):
    """Two shapes that broadcast: the second drops leading axes and/or has 1s."""
    full = draw(shapes)
    keep = draw(st.integers(1, len(full)))
    other = tuple(1 if draw(st.booleans()) else n for n in full[len(full) - keep:])
    return (full, other) if draw(st.booleans()) else (other, full)


@pytest.mark.parametrize("name", ["add", "sub", "mul"])
@given(pair=broadcast_pairs(), seed=st.integers(0, 2**32 - 1))
def test_binary_operation_with_broadcasting_matches_finite_differences(name, pair, seed):
    op = getattr(ad, name)
    rng = np.random.default_rng(seed)
    a, b = rng.normal(size=pair[0]), rng.normal(size=pair[1])
    G = rng.normal(size=np.broadcast_shapes(*pair))
    f = lambda s, t: ad.tensor_sum(ad.mul(op(s, t), G))  # noqa: E731
    _, (ga, gb) = ad.value_and_grad(f, a, b)
    _close_to_numeric(lambda v: float(f(ad.Tensor(v), ad.Tensor(b)).data), a, ga)
    _close_to_numeric(lambda v: float(f(ad.Tensor(a), ad.Tensor(v)).data), b, gb)


@given(m=st.integers(1, 5), k=st.integers(1, 5), n=st.integers(1, 5), seed=st.integers(0, 2**32 - 1))
def test_matmul_backward_matches_finite_differences(m, k, n, seed):
    rng = np.random.default_rng(seed)
    A, B, G = rng.normal(size=(m, k)), rng.normal(size=(k, n)), rng.normal(size=(m, n))
    f = lambda s, t: ad.tensor_sum(ad.mul(ad.matmul(s, t), G))  # noqa: E731
    _, (gA, gB) = ad.value_and_grad(f, A, B)
    _close_to_numeric(lambda v: float(f(ad.Tensor(v), ad.Tensor(B)).data), A, gA)
    _close_to_numeric(lambda v: float(f(ad.Tensor(A), ad.Tensor(v)).data), B, gB)
    np.testing.assert_allclose(gA, G @ B.T, rtol=1e-13)
    np.testing.assert_allclose(gB, A.T @ G, rtol=1e-13)


@pytest.mark.parametrize("reduce", [ad.tensor_sum, ad.mean])
@given(shape=shapes, data=st.data(), seed=st.integers(0, 2**32 - 1))
def test_sum_and_mean_backward_match_finite_differences(reduce, shape, data, seed):
    axis = data.draw(st.sampled_from([None, *range(-len(shape), len(shape))]))
    rng = np.random.default_rng(seed)
    x = rng.normal(size=shape)
    G = rng.normal(size=np.sum(x, axis=axis).shape)
    f = lambda t: ad.tensor_sum(ad.mul(reduce(t, axis), G))  # noqa: E731
    _, (grad,) = ad.value_and_grad(f, x)
    _close_to_numeric(lambda v: float(f(ad.Tensor(v)).data), x, grad)


@given(m=st.integers(1, 5), k=st.integers(1, 5), seed=st.integers(0, 2**32 - 1))
def test_costs_equal_the_library_and_their_gradients(m, k, seed):
    rng = np.random.default_rng(seed)
    z = rng.normal(0, 3, (m, k))
    labels = rng.integers(0, k, m)
    value, (grad,) = ad.value_and_grad(lambda t: ad.softmax_cross_entropy(t, labels), z)
    assert value == pytest.approx(cb.softmax_cross_entropy(z, labels), rel=1e-13)
    np.testing.assert_allclose(grad, cb.softmax_cross_entropy_grad(z, labels), rtol=1e-10, atol=1e-15)
    Y = rng.integers(0, 2, (m, k)).astype(float)
    value, (grad,) = ad.value_and_grad(lambda t: ad.binary_cross_entropy_with_logits(t, Y), z)
    assert value == pytest.approx(cb.binary_cross_entropy_with_logits(z, Y), rel=1e-12)
    np.testing.assert_allclose(grad, cb.binary_cross_entropy_grad_logits(z, Y), rtol=1e-10, atol=1e-15)


def test_softmax_vjp_is_the_jacobian_transpose_times_g():
    rng = np.random.default_rng(1)
    for K in (1, 2, 7):
        z, g = rng.normal(size=K), rng.normal(size=K)
        a = cb.softmax(z)
        out = ad.log_softmax(ad.Tensor(z))
        # the softmax is exp ∘ log_softmax: VJP of softmax = VJP of log_softmax applied to g ⊙ a
        (vjp,) = out.vjp(g * a)
        np.testing.assert_allclose(vjp, cb.softmax_jacobian(a).T @ g, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(vjp, a * (g - a @ g), rtol=1e-12, atol=1e-15)


def test_no_gradient_flows_through_the_max_shift():
    rng = np.random.default_rng(2)
    z, g = rng.normal(0, 5, (4, 6)), rng.normal(size=(4, 6))
    (dz,) = ad.log_softmax(ad.Tensor(z)).vjp(g)
    # shifting every entry of a row by c changes nothing, so ∂L/∂c = Σ_k dz_k = 0
    np.testing.assert_allclose(dz.sum(axis=1), 0.0, atol=1e-13)


def test_float32_stays_float32():
    x = np.ones((2, 3), np.float32)
    _, (g,) = ad.value_and_grad(lambda t: ad.tensor_sum(ad.tanh(t)), x)
    assert g.dtype == np.float32


# --- the book's hand-derived gradients, reproduced to 1e-12 in float64 -------------

def _max_difference(autodiff_grads, hand_grads):
    return max(float(np.max(np.abs(np.asarray(a) - np.asarray(h)))) for a, h in zip(autodiff_grads, hand_grads))


@pytest.mark.parametrize("cost", cb.NETWORK_COSTS)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_chapter4_network(cost, seed):
    rng = np.random.default_rng(seed)
    params = cb.network_init(6, 5, 4, rng)
    params.b1[:], params.b2[:] = rng.normal(0, 0.5, 5), rng.normal(0, 0.5, 4)
    x, y = rng.normal(size=(8, 6)), rng.integers(0, 4, 8)
    Y = cb.one_hot(y, 4)

    def graph(W1, b1, W2, b2):
        z2 = ad.sigmoid(x @ W1 + b1) @ W2 + b2
        if cost == "cross_entropy":
            return ad.softmax_cross_entropy(z2, y)
        if cost == "binary_cross_entropy":
            return ad.binary_cross_entropy_with_logits(z2, Y)
        assert cost == "quadratic", cost  # a new cost needs its graph here
        d = ad.sigmoid(z2) - Y
        return (0.5 * d * d).sum(axis=1).mean()

    value, grads = ad.value_and_grad(graph, params.W1, params.b1, params.W2, params.b2)
    hand = cb.network_backward(params, cb.network_forward(params, x, cost), y, cost)
    assert value == pytest.approx(cb.network_loss(params, x, y, cost), rel=1e-13)
    assert _max_difference(grads, [hand.W1, hand.b1, hand.W2, hand.b2]) < 1e-12


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_multilabel_model(seed):
    rng = np.random.default_rng(seed)
    W, b = cb.multilabel_init(5, 4, rng)
    b = rng.normal(0, 0.5, 4)
    X, Y = rng.normal(size=(9, 5)), rng.integers(0, 2, (9, 4)).astype(float)
    value, grads = ad.value_and_grad(lambda W_, b_: ad.binary_cross_entropy_with_logits(X @ W_ + b_, Y), W, b)
    assert value == pytest.approx(cb.multilabel_cost(W, b, X, Y), rel=1e-13)
    assert _max_difference(grads, cb.multilabel_gradients(W, b, X, Y)) < 1e-12


@pytest.mark.parametrize("cost", ["quadratic", "cross_entropy"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_single_neuron(cost, seed):
    rng = np.random.default_rng(seed)
    w, b = rng.normal(size=3), float(rng.normal())
    x, y = rng.normal(size=(7, 3)), rng.uniform(0, 1, 7)

    def graph(w_, b_):
        z = (x @ w_ + b_).sum(axis=1)  # w_ as a (3, 1) column: z has shape (7,)
        if cost == "cross_entropy":
            return ad.binary_cross_entropy_with_logits(z, y)
        d = ad.sigmoid(z) - y
        return (0.5 * d * d).mean()

    _, (dw, db) = ad.value_and_grad(graph, w.reshape(3, 1), b)
    hand_dw, hand_db = cb.neuron_gradients(w, b, x, y, cost)
    assert _max_difference([dw.ravel(), db], [hand_dw, hand_db]) < 1e-12


@pytest.mark.parametrize("activation", cb.HIDDEN_ACTIVATIONS)
@pytest.mark.parametrize("sizes", [(6, 4), (6, 5, 4), (7, 6, 5, 4, 3)])
def test_chapter5_general_network(activation, sizes):
    rng = np.random.default_rng(len(sizes))
    params = cb.deep_init(sizes, rng, activation=activation)
    params.biases = [rng.normal(0, 0.5, b.shape) for b in params.biases]
    x, y = rng.normal(size=(9, sizes[0])), rng.integers(0, sizes[-1], 9)
    f = {"sigmoid": ad.sigmoid, "tanh": ad.tanh, "relu": ad.relu}[activation]
    L = params.depth

    def graph(*p):
        a = x
        for W, b in zip(p[:L - 1], p[L:2 * L - 1]):
            a = f(a @ W + b)
        return ad.softmax_cross_entropy(a @ p[L - 1] + p[2 * L - 1], y)

    value, grads = ad.value_and_grad(graph, *params.weights, *params.biases)
    hand = cb.deep_backward(params, cb.deep_forward(params, x), y)
    assert value == pytest.approx(cb.deep_loss(params, x, y), rel=1e-13)
    assert _max_difference(grads, hand.weights + hand.biases) < 1e-12


# --- the graph walk ---------------------------------------------------------------

def test_topological_order_puts_every_node_after_its_parents_once():
    x = ad.Tensor(np.array([0.3, -1.2]))
    h = ad.sigmoid(x)              # h fans out to three consumers
    u, v = h * x, h + h            # x fans out too; h + h uses h twice
    cost = (u + v).sum() + h.sum()
    order = ad.topological_order(cost)
    assert len(order) == len({id(n) for n in order})
    position = {id(n): i for i, n in enumerate(order)}
    for node in order:
        assert all(position[id(p)] < position[id(node)] for p in node.parents)
    assert order[-1] is cost and {id(x), id(h), id(u), id(v)} <= set(position)


def test_shared_nodes_are_counted_once_and_backward_can_be_repeated():
    x0 = np.array([0.3, -1.2, 2.0])

    def f(t):
        h = ad.sigmoid(t)
        return (h * h).sum() + (h + h).sum() + (h * t).sum()

    x = ad.Tensor(x0)
    cost = f(x)
    cost.backward()
    first = x.grad.copy()
    cost.backward()  # afresh: no accumulation from the first call
    np.testing.assert_array_equal(x.grad, first)
    s = cb.sigmoid(x0)
    ds = s * (1 - s)
    expected = 2 * s * ds + 2 * ds + (ds * x0 + s)  # d/dx of h², 2h and h·x
    np.testing.assert_allclose(first, expected, rtol=1e-13)
    _close_to_numeric(lambda v: float(f(ad.Tensor(v)).data), x0, first)


def test_a_long_chain_with_fan_out_needs_no_recursion():
    x = ad.Tensor(np.array([1.5]))
    y = x
    for _ in range(5000):
        y = y + x
    y.sum().backward()
    assert x.grad[0] == 5001.0


def test_overwriting_instead_of_adding_would_be_wrong():
    """Keeping only the last consumer's gradient at a fan-out differs from the true gradient."""
    x0 = np.array([0.7])
    x = ad.Tensor(x0)
    cost = (x * ad.sigmoid(x)).sum()
    cost.backward()
    s = cb.sigmoid(0.7)
    assert x.grad[0] == pytest.approx(s + 0.7 * s * (1 - s), rel=1e-14)
    assert abs(x.grad[0] - s) > 0.1 and abs(x.grad[0] - 0.7 * s * (1 - s)) > 0.1


# --- bad input ----------------------------------------------------------------------

@pytest.mark.parametrize("op", [ad.add, ad.sub, ad.mul])
def test_broadcast_mismatch_names_both_shapes(op):
    with pytest.raises(ValueError, match=r"\(3, 4\) and \(5,\)"):
        op(np.ones((3, 4)), np.ones(5))


def test_matmul_mismatch_names_both_shapes():
    with pytest.raises(ValueError, match=r"\(3, 4\) and \(5, 2\)"):
        ad.matmul(np.ones((3, 4)), np.ones((5, 2)))
    with pytest.raises(ValueError, match=r"\(4,\) and \(4, 2\)"):
        ad.matmul(np.ones(4), np.ones((4, 2)))


def test_cost_mismatches_name_both_shapes():
    with pytest.raises(ValueError, match=r"\(3, 4\) and \(5,\)"):
        ad.softmax_cross_entropy(np.ones((3, 4)), np.zeros(5, int))
    with pytest.raises(ValueError, match=r"\(3, 4\) and \(3, 2\)"):
        ad.binary_cross_entropy_with_logits(np.ones((3, 4)), np.zeros((3, 2)))


def test_other_bad_input():
    with pytest.raises(ValueError, match="scalar"):
        ad.Tensor(np.ones(3)).backward()
    with pytest.raises(ValueError, match="axis"):
        ad.tensor_sum(np.ones((2, 3)), axis=2)
    with pytest.raises(ValueError, match="dtype"):
        ad.Tensor(np.array(["a"]))
    with pytest.raises(ValueError, match="labels"):
        ad.softmax_cross_entropy(np.ones((2, 3)), np.array([0, 3]))
    with pytest.raises(ValueError, match="Tensor"):
        ad.value_and_grad(lambda t: 1.0, np.ones(2))
