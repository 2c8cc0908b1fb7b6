"""A small reverse-mode automatic differentiation on NumPy arrays (chapter 6, 06_autodiff).

A ``Tensor`` holds an array, the tensors it was computed from (``parents``) and
its vector–Jacobian product (``vjp``): given g = ∂L/∂out, the gradient of a
scalar cost L with respect to the tensor, ``vjp(g)`` returns ∂L/∂parent for
each parent, each with the shape of its parent. ``cost.backward()`` visits the
graph in reverse topological order, so that a tensor's gradient is complete
(the contributions of all the tensors computed from it added up) before its
own VJP passes it on.

The operations: matmul; add, sub, mul and neg with NumPy broadcasting (the
backward pass sums a broadcast gradient back to the operand's shape); sum and
mean; sigmoid, tanh, relu and softplus; log_softmax; and the two costs of the
book, softmax_cross_entropy and binary_cross_entropy_with_logits, composed
from them. Arrays are float64 unless they are given as float32. NumPy only.
"""

from __future__ import annotations

import numpy as np

from .activations import sigmoid as _sigmoid
from .softmax import log_softmax as _log_softmax
from .softmax import one_hot


class Tensor:
    """An array that remembers how it was computed (chapter 6).

    ``data``: the value. ``grad``: ∂L/∂data after ``L.backward()``, with the
    shape of ``data`` (None before). ``parents``: the tensors it was computed
    from; ``vjp``: g ↦ one gradient per parent; ``op``: the operation's name.
    A tensor made directly from an array is an input (no parents, no vjp).
    """

    __array_priority__ = 1000  # ndarray + Tensor calls Tensor.__radd__

    def __init__(self, data, parents=(), vjp=None, op="input"):
        arr = np.asarray(data)
        if arr.dtype not in (np.float32, np.float64):
            if not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_):
                raise ValueError(f"a Tensor holds numbers, got dtype {arr.dtype}")
            arr = arr.astype(np.float64)
        self.data = arr
        self.parents = tuple(parents)
        self.vjp = vjp
        self.op = op
        self.grad = None

    @property
    def shape(self) -> tuple:
        return self.data.shape

    @property
    def ndim(self) -> int:
        return self.data.ndim

    def __repr__(self) -> str:
        return f"Tensor(op={self.op!r}, shape={self.shape})"

    def backward(self) -> None:
        """Fill in ``.grad`` of this scalar and of every tensor it depends on (chapter 6).

        Walks the graph once, in reverse topological order. Where a tensor feeds
        several others, their gradients are added; only then does its VJP run.
        Every call computes the gradients afresh (nothing accumulates across calls).
        """
        if self.data.size != 1:
            raise ValueError(f"backward() starts from a scalar cost, got a tensor of shape {self.shape}")
        order = topological_order(self)
        for node in order:
            node.grad = None
        self.grad = np.ones_like(self.data)
        for node in reversed(order):
            if node.vjp is None:
                continue
            for parent, g in zip(node.parents, node.vjp(node.grad)):
                parent.grad = g if parent.grad is None else parent.grad + g  # fan-out: add

    # operators, so that the forward pass reads like NumPy
    def __add__(self, other): return add(self, other)
    def __radd__(self, other): return add(other, self)
    def __sub__(self, other): return sub(self, other)
    def __rsub__(self, other): return sub(other, self)
    def __mul__(self, other): return mul(self, other)
    def __rmul__(self, other): return mul(other, self)
    def __neg__(self): return neg(self)
    def __matmul__(self, other): return matmul(self, other)
    def __rmatmul__(self, other): return matmul(other, self)
    def sum(self, axis=None): return tensor_sum(self, axis)
    def mean(self, axis=None): return mean(self, axis)


def as_tensor(x) -> Tensor:
    """``x`` itself if it is a Tensor, else a new input Tensor holding it (chapter 6)."""
    return x if isinstance(x, Tensor) else Tensor(x)


def topological_order(root: Tensor) -> list:
    """Every tensor ``root`` depends on, each once, every tensor after its parents (chapter 6)."""
    order, seen, stack = [], set(), [(root, False)]
    while stack:  # depth-first, without recursion, so that deep graphs are fine
        node, parents_done = stack.pop()
        if parents_done:
            order.append(node)
        elif id(node) not in seen:
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((p, False) for p in reversed(node.parents) if id(p) not in seen)
    return order


def sum_to_shape(g: np.ndarray, shape: tuple) -> np.ndarray:
    """Undo broadcasting in the backward pass: sum ``g`` down to ``shape`` (chapter 6).

    Broadcasting copies an operand along the axes it lacks or has with length 1;
    every copy sends a gradient back, and copies' gradients add. So ``g`` is
    summed over the leading axes broadcasting added, and over the axes where
    ``shape`` has length 1. A bias b (H,) added to every row of (M, H) gets the
    column sums of g.
    """
    g = g.sum(axis=tuple(range(g.ndim - len(shape)))) if g.ndim > len(shape) else g
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and g.shape[i] != 1)
    return g.sum(axis=stretched, keepdims=True) if stretched else g


def _broadcast(a: Tensor, b: Tensor, op: str) -> None:
    try:
        np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise ValueError(f"{op}: shapes {a.shape} and {b.shape} do not broadcast together") from None


def add(a, b) -> Tensor:
    """a + b with broadcasting; backward: g to both, summed to each shape (chapter 6)."""
    a, b = as_tensor(a), as_tensor(b)
    _broadcast(a, b, "add")
    return Tensor(a.data + b.data, (a, b),
                  lambda g: (sum_to_shape(g, a.shape), sum_to_shape(g, b.shape)), "add")


def sub(a, b) -> Tensor:
    """a − b with broadcasting; backward: g and −g, summed to each shape (chapter 6)."""
    a, b = as_tensor(a), as_tensor(b)
    _broadcast(a, b, "sub")
    return Tensor(a.data - b.data, (a, b),
                  lambda g: (sum_to_shape(g, a.shape), sum_to_shape(-g, b.shape)), "sub")


def mul(a, b) -> Tensor:
    """a ⊙ b with broadcasting; backward: g ⊙ b to a and g ⊙ a to b (chapter 6)."""
    a, b = as_tensor(a), as_tensor(b)
    _broadcast(a, b, "mul")
    return Tensor(a.data * b.data, (a, b),
                  lambda g: (sum_to_shape(g * b.data, a.shape), sum_to_shape(g * a.data, b.shape)), "mul")


def neg(a) -> Tensor:
    """−a; backward: −g (chapter 6)."""
    a = as_tensor(a)
    return Tensor(-a.data, (a,), lambda g: (-g,), "neg")


def matmul(a, b) -> Tensor:
    """(M, K) @ (K, N) -> (M, N); backward: G Bᵀ to A, Aᵀ G to B (chapter 6).

    These are chapter 4's dH1 = dZ2 W2ᵀ and dW2 = h1ᵀ dZ2.
    """
    a, b = as_tensor(a), as_tensor(b)
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[0]:
        raise ValueError(f"matmul needs shapes (M, K) and (K, N), got {a.shape} and {b.shape}")
    return Tensor(a.data @ b.data, (a, b), lambda g: (g @ b.data.T, a.data.T @ g), "matmul")


def _axis(a: Tensor, axis):
    if axis is None:
        return None
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)) or not -a.ndim <= axis < a.ndim:
        raise ValueError(f"axis must be None or an integer in [{-a.ndim}, {a.ndim}) for shape {a.shape}, got {axis!r}")
    return int(axis) % a.ndim


def tensor_sum(a, axis=None) -> Tensor:
    """Sum over ``axis`` (every axis when None); backward: g copied along it (chapter 6)."""
    a = as_tensor(a)
    axis = _axis(a, axis)

    def vjp(g):
        g = g if axis is None else np.expand_dims(g, axis)
        return (np.broadcast_to(g, a.shape).copy(),)
    return Tensor(a.data.sum(axis=axis), (a,), vjp, "sum")


def mean(a, axis=None) -> Tensor:
    """Mean over ``axis`` (every axis when None); backward: g / n copied along it (chapter 6)."""
    a = as_tensor(a)
    axis = _axis(a, axis)
    n = a.data.size if axis is None else a.shape[axis]

    def vjp(g):
        g = g if axis is None else np.expand_dims(g, axis)
        return (np.broadcast_to(g / n, a.shape).copy(),)
    return Tensor(a.data.mean(axis=axis), (a,), vjp, "mean")


def sigmoid(z) -> Tensor:
    """a = σ(z) element-wise; backward: g ⊙ a ⊙ (1 − a) (chapter 6; σ' from chapter 1)."""
    z = as_tensor(z)
    a = _sigmoid(z.data)
    return Tensor(a, (z,), lambda g: (g * a * (1 - a),), "sigmoid")


def tanh(z) -> Tensor:
    """a = tanh(z) element-wise; backward: g ⊙ (1 − a²) (chapter 6)."""
    z = as_tensor(z)
    a = np.tanh(z.data)
    return Tensor(a, (z,), lambda g: (g * (1 - a * a),), "tanh")


def relu(z) -> Tensor:
    """max(z, 0) element-wise; backward: g where z > 0, else 0 (chapter 6)."""
    z = as_tensor(z)
    return Tensor(np.maximum(z.data, 0), (z,), lambda g: (g * (z.data > 0),), "relu")


def softplus(z) -> Tensor:
    """ln(1 + e^z) element-wise, computed without overflow; backward: g ⊙ σ(z) (chapter 6)."""
    z = as_tensor(z)
    return Tensor(np.logaddexp(0, z.data), (z,), lambda g: (g * _sigmoid(z.data),), "softplus")


def log_softmax(z) -> Tensor:
    """ln softmax(z) along the last axis; backward: g − a (𝟏ᵀg), a = softmax(z) (chapter 6).

    The forward pass subtracts each row's maximum (chapter 3); no gradient flows
    through that shift, so the VJP treats it as a constant.
    """
    z = as_tensor(z)
    out = _log_softmax(z.data, axis=-1)
    return Tensor(out, (z,), lambda g: (g - np.exp(out) * g.sum(axis=-1, keepdims=True),), "log_softmax")


def softmax_cross_entropy(logits, labels) -> Tensor:
    """Mean categorical cross-entropy −(1/M) Σ_i ln softmax(z_i)_{y_i}, from operations (chapter 6).

    logits (M, K), integer labels (M,). Its gradient with respect to the
    logits comes out as (softmax(z) − Y) / M, chapter 3's result.
    """
    z = as_tensor(logits)
    labels = np.asarray(labels)
    if z.ndim != 2 or labels.ndim != 1 or labels.shape[0] != z.shape[0]:
        raise ValueError(f"logits (M, K) need labels (M,), got shapes {z.shape} and {labels.shape}")
    Y = one_hot(labels, z.shape[1]).astype(z.data.dtype)
    return neg(mean(tensor_sum(mul(log_softmax(z), Y), axis=1)))


def binary_cross_entropy_with_logits(logits, targets) -> Tensor:
    """Binary cross-entropy summed over labels, mean over rows, from logits (chapter 6).

    Per entry −[y ln σ(z) + (1 − y) ln(1 − σ(z))] = softplus(z) − y z, so
    the VJP of softplus, σ(z), brings the gradient σ(z) − y (chapter 2).
    logits and targets (M, K), or (M,) for one label per row.
    """
    z, Y = as_tensor(logits), np.asarray(targets, dtype=np.float64)
    if Y.shape != z.shape or z.ndim not in (1, 2):
        raise ValueError(f"logits and targets must have the same shape (M, K) or (M,), got {z.shape} and {Y.shape}")
    per_row = sub(softplus(z), mul(Y.astype(z.data.dtype), z))
    return mean(tensor_sum(per_row, axis=1) if z.ndim == 2 else per_row)


def value_and_grad(f, *arrays):
    """Run the scalar function ``f`` on Tensors and backpropagate (chapter 6).

    ``f`` takes one Tensor per array and returns a scalar Tensor. Returns
    (the value as a float, a tuple with ∂f/∂array for each array).
    """
    inputs = [Tensor(a) for a in arrays]
    out = f(*inputs)
    if not isinstance(out, Tensor):
        raise ValueError(f"f must return a Tensor, got {type(out).__name__}")
    out.backward()
    return float(out.data), tuple(np.zeros_like(t.data) if t.grad is None else t.grad for t in inputs)
