"""Random computation graphs against centred differences (chapter 6's engine).

Hypothesis draws a few inputs of shapes that broadcast with each other and a list of
operations, each applied to earlier nodes chosen at random, so that nodes are reused
(fan-out), operands broadcast in both directions and every operation of the engine
appears. The cost Σ_k Σ G_k ⊙ node_k uses every node; its gradient with respect to
every input is compared with centred differences of the same program. The default
profile runs 100 graphs in about a second; HYPOTHESIS_PROFILE=thorough runs 2,000."""

from __future__ import annotations

import numpy as np
from hypothesis import assume, given
from hypothesis import strategies as st

import ce_backprop as cb
from ce_backprop import autodiff as ad

UNARY = {
    "neg": lambda a: -a,
    "exp": lambda a: ad.exp(ad.tanh(a)),              # bounded, so that no value overflows
    "log": lambda a: ad.log(a * a + 1.0),
    "pow3": lambda a: a**3,
    "rsqrt": lambda a: (a * a + 0.5) ** -0.5,
    "sigmoid": ad.sigmoid,
    "tanh": ad.tanh,
    "softplus": ad.softplus,
    "relu": ad.relu,
    "transpose": lambda a: a.T,
    "log_softmax": lambda a: ad.log_softmax(a) if a.ndim else -a,
    "sum": lambda a: a.sum(axis=a.ndim - 1) if a.ndim else a.sum(),
    "mean": lambda a: a.mean(axis=0) if a.ndim else a.mean(),
    "index": lambda a: a[[0, -1, 0]] if a.ndim else a[()],   # repeated rows: gradients add
    "reflected": lambda a: 2.0 - 3.0 / (1.0 + a * a),
}
BINARY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / (b * b + 1.0),
    "matmul": lambda a, b: a @ b,
}
OPS = sorted(UNARY) + sorted(BINARY)


def _applies(name, a, b):
    if name == "matmul":
        return a.ndim == 2 and b.ndim == 2 and a.shape[1] == b.shape[0]
    try:
        np.broadcast_shapes(a.shape, b.shape)
        return True
    except ValueError:
        return False


@st.composite
def graphs(draw):
    m, n = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    pool = [(m, n), (n,), (m, 1), (1, n), (n, m), ()]
    shapes = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=3))
    steps = draw(st.lists(st.tuples(st.sampled_from(OPS), st.integers(0, 99), st.integers(0, 99)),
                          min_size=1, max_size=8))
    return shapes, steps, draw(st.integers(0, 2**32 - 1))


def build(steps, inputs, relu_inputs=None):
    """Apply the steps; a binary step whose operands do not fit falls back to neg."""
    nodes = list(inputs)
    for name, i, j in steps:
        a, b = nodes[i % len(nodes)], nodes[j % len(nodes)]
        if name in BINARY:
            nodes.append(BINARY[name](a, b) if _applies(name, a, b) else -a)
        else:
            if name == "relu" and relu_inputs is not None:
                relu_inputs.append(a.data)
            nodes.append(UNARY[name](a))
    return nodes[len(inputs):]


@given(graphs())
def test_random_graphs_match_finite_differences(graph):
    shapes, steps, seed = graph
    rng = np.random.default_rng(seed)
    arrays = [rng.normal(size=s) for s in shapes]
    relu_inputs = []
    nodes = build(steps, [ad.Tensor(a) for a in arrays], relu_inputs)
    # keep away from relu's kink, where a centred difference straddles the jump in slope
    assume(all(np.all((z == 0) | (np.abs(z) > 1e-3)) for z in relu_inputs))
    weights = [rng.normal(size=node.shape) for node in nodes]

    def cost(*inputs):
        return sum((node * w).sum() for node, w in zip(build(steps, inputs), weights))

    value, grads = ad.value_and_grad(cost, *arrays)
    scale = 1.0 + abs(value)
    for k, (array, grad) in enumerate(zip(arrays, grads)):
        def f(v, k=k):
            inputs = [ad.Tensor(a) for a in arrays]
            inputs[k] = ad.Tensor(v)
            return cost(*inputs).data.item()
        numeric = cb.numerical_gradient(f, array)
        assert grad.shape == array.shape and grad.dtype == array.dtype
        np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-6 * scale)
