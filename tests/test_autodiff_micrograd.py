"""micrograd's two engine tests (karpathy/micrograd, test/test_engine.py: test_sanity_check and
test_more_ops), ported to this engine's tensors: the same expressions, written once and run on
cb.autodiff Tensors, on PyTorch tensors when PyTorch is installed (skipped otherwise; the book
does not need it), and on plain NumPy arrays for centred differences, which always run.

micrograd works on scalars; here every input is a vector whose first entry is micrograd's
value (−4 and 2), so each expression is checked at several points at once."""

from __future__ import annotations

import numpy as np
import pytest

import ce_backprop as cb
from ce_backprop import autodiff as ad


def _relu(t):
    """t.relu() for a Tensor or a torch tensor, max(t, 0) for a NumPy array."""
    return np.maximum(t, 0) if isinstance(t, np.ndarray) else t.relu()


def sanity_check(x):
    """micrograd's test_sanity_check: z, q, h and y of one input x."""
    z = 2 * x + 2 + x
    q = _relu(z) + z * x
    h = _relu(z * z)
    return h + q + q * x


def more_ops(a, b):
    """micrograd's test_more_ops, with each augmented assignment written out."""
    c = a + b
    d = a * b + b**3
    c = c + (c + 1)
    c = c + (1 + c + (-a))
    d = d + (d * 2 + _relu(b + a))
    d = d + (3 * d + _relu(b - a))
    e = c - d
    f = e**2
    g = f / 2.0
    return g + 10.0 / f


X = np.array([-4.0, -0.3, 0.9, 2.5])           # z = 3x + 2 is never 0, so relu has a slope
A = np.array([-4.0, 1.5, -0.7, 3.0])
B = np.array([2.0, -0.5, 2.2, 1.1])            # b ± a is never 0 either


def _ours(expression, *arrays):
    """Value and gradients by this engine, the cost being the sum over the vector."""
    inputs = [ad.Tensor(a) for a in arrays]
    out = expression(*inputs)
    out.sum().backward()
    return out.data, [t.grad for t in inputs]


def _numeric(expression, *arrays):
    """Centred differences of the same expression evaluated on NumPy arrays."""
    grads = []
    for i in range(len(arrays)):
        def f(v, i=i):
            args = list(arrays)
            args[i] = v
            return float(np.sum(expression(*args)))
        grads.append(cb.numerical_gradient(f, arrays[i]))
    return grads


def _torch(expression, *arrays):
    torch = pytest.importorskip("torch")
    inputs = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays]
    out = expression(*inputs)
    out.sum().backward()
    return out.detach().numpy(), [t.grad.numpy() for t in inputs]


CASES = [("test_sanity_check", sanity_check, (X,)), ("test_more_ops", more_ops, (A, B))]


@pytest.mark.parametrize("name, expression, arrays", CASES, ids=[c[0] for c in CASES])
def test_micrograd_against_finite_differences(name, expression, arrays):
    value, grads = _ours(expression, *arrays)
    np.testing.assert_allclose(value, expression(*arrays), rtol=1e-14)   # the forward pass is NumPy's
    for grad, numeric in zip(grads, _numeric(expression, *arrays)):
        np.testing.assert_allclose(grad, numeric, rtol=1e-6)


@pytest.mark.parametrize("name, expression, arrays", CASES, ids=[c[0] for c in CASES])
def test_micrograd_against_pytorch(name, expression, arrays):
    torch_value, torch_grads = _torch(expression, *arrays)
    value, grads = _ours(expression, *arrays)
    np.testing.assert_allclose(value, torch_value, rtol=1e-12)
    for grad, expected in zip(grads, torch_grads):
        np.testing.assert_allclose(grad, expected, rtol=1e-12)


def test_micrograd_scalars_are_0d_tensors():
    """On 0-d tensors, micrograd's own scalars, the results are the vectors' first entries."""
    for expression, arrays in [(sanity_check, (X,)), (more_ops, (A, B))]:
        value, grads = _ours(expression, *arrays)
        scalars = [ad.Tensor(a[0]) for a in arrays]
        out = expression(*scalars)
        out.backward()
        assert out.data == value[0] and [t.grad for t in scalars] == [g[0] for g in grads]


def test_augmented_assignment_builds_a_new_node():
    x = ad.Tensor(np.array([1.5, -2.0]))
    y = x * 1.0
    first = y
    y += x * x        # no in-place change of a node: y is rebound to a new one
    y.sum().backward()
    assert y is not first and y.op == "add"
    np.testing.assert_array_equal(x.grad, 1.0 + 2 * x.data)


def test_chapter4_network_against_pytorch():
    """Beyond micrograd's scalars: chapter 4's network on a batch, every gradient as PyTorch's."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(4)
    params = [rng.normal(0, 0.5, s) for s in [(6, 5), (5,), (5, 4), (4,)]]
    x, y = rng.normal(size=(9, 6)), rng.integers(0, 4, 9)
    value, grads = ad.value_and_grad(
        lambda W1, b1, W2, b2: ad.softmax_cross_entropy(ad.sigmoid(x @ W1 + b1) @ W2 + b2, y), *params)
    tp = [torch.tensor(p, requires_grad=True) for p in params]
    cost = torch.nn.functional.cross_entropy(torch.sigmoid(torch.tensor(x) @ tp[0] + tp[1]) @ tp[2] + tp[3],
                                             torch.tensor(y))
    cost.backward()
    assert value == pytest.approx(cost.item(), rel=1e-13)
    for g, t in zip(grads, tp):
        np.testing.assert_allclose(g, t.grad.numpy(), rtol=1e-11, atol=1e-15)
