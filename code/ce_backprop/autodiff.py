"""A small reverse-mode automatic differentiation on NumPy arrays (chapter 6, 06_autodiff).

A ``Tensor`` holds an array, the tensors it was computed from (``parents``) and
its vector–Jacobian product (``vjp``): given g = ∂L/∂out, the gradient of a
scalar cost L with respect to the tensor, ``vjp(g)`` returns ∂L/∂parent for
each parent, each with the shape of its parent. ``cost.backward()`` visits the
graph in reverse topological order, so that a tensor's gradient is complete
(the contributions of all the tensors computed from it added up) before its
own VJP passes it on.

The operations, with micrograd's operator syntax (``a + b``, ``2 * a``,
``a / b``, ``10.0 / a``, ``a ** 3``, ``-a``, ``x @ W``, ``a.T``, ``a[i]``,
``a.relu()``): add, sub, mul, div and neg with NumPy broadcasting (the backward
pass sums a broadcast gradient back to the operand's shape); power with a
constant exponent; matmul, transpose and indexing; sum and mean; exp, log,
sigmoid, tanh, relu and softplus; log_softmax; and the two costs of the book,
softmax_cross_entropy and binary_cross_entropy_with_logits, composed from them.
Arrays are float64 unless they are given as float32. NumPy only.

Each backward rule is a line or two. What keeps the engine from being fooled
lives in one checking layer, the three functions after the class:

- ``_array``: a tensor's array is read-only, and an input keeps its own copy of
  the caller's array, so a backward rule that reads ``.data`` reads what the
  forward pass used (changing the caller's array later changes nothing, and
  writing into ``.data`` raises); complex numbers are refused;
- ``_operands``: an operation's operands share one dtype; a constant (a number
  or an array) takes the dtype of the tensor it meets, so float32 stays float32;
  float32 and float64 tensors do not mix; shapes must broadcast;
- ``checked_vjp``: every backward rule must return one gradient per parent,
  with the parent's shape and dtype, or a ``ValueError`` names the operation
  (a bias gradient without its column sum, chapter 4's bug, is caught here).
  ``backward`` gives each tensor a gradient buffer of its own, so no two
  tensors share one.

Non-finite numbers follow IEEE arithmetic in every operation, as in NumPy:
±inf is a value (σ(−∞) = 0; a logit masked with −∞ gets log_softmax −∞ and the
other entries come out as if it were absent), and NaN propagates through the
forward and the backward pass alike. No operation rejects them; none turns a
NaN into a number.

AD differentiates the program, not the function: relu(x) − relu(−x) equals x,
yet its derivative at 0 comes out as 0, because each relu's slope at its kink
is taken as 0.

``intermediate_bytes(cost)`` counts the memory the graph keeps for the
backward pass; ``ce_backprop.forward_mode`` is the other mode, one pass per input.
"""

from __future__ import annotations

import copy
import numbers

import numpy as np

from .softmax import one_hot


class Tensor:
    """An array that remembers how it was computed (chapter 6).

    ``data``: the value (read-only). ``grad``: ∂L/∂data after ``L.backward()``,
    with the shape and dtype of ``data`` (None before). ``parents``: the tensors
    it was computed from; ``vjp``: g ↦ one gradient per parent; ``op``: the
    operation's name. A tensor made directly from an array is an input (no
    parents, no vjp); it holds a read-only copy of the array. An operation's
    result keeps its own new array, made read-only.
    """

    __array_ufunc__ = None  # NumPy defers to Tensor: ndarray + Tensor calls Tensor.__radd__

    def __init__(self, data, parents=(), vjp=None, op="input"):
        self._data = _array(data, copy=not parents)
        self.parents = tuple(parents)
        self.vjp = vjp
        self.op = op
        self.grad = None

    @property
    def data(self) -> np.ndarray:
        """The value, read-only: the backward pass reads what the forward pass computed."""
        return self._data

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
            for parent, g in checked_vjp(node):  # 每个父节点一个梯度，形状和dtype与它相同 · one gradient per parent, of its shape and dtype
                if parent.grad is None:
                    parent.grad = g.copy()  # 独占的缓冲区，不与其他张量共享 · a buffer of its own, shared with no other tensor
                else:
                    parent.grad += g  # 扇出：相加 · fan-out: add

    # operators, so that the forward pass reads like NumPy (and like micrograd)
    def __add__(self, other): return add(self, other)
    def __radd__(self, other): return add(other, self)
    def __sub__(self, other): return sub(self, other)
    def __rsub__(self, other): return sub(other, self)
    def __mul__(self, other): return mul(self, other)
    def __rmul__(self, other): return mul(other, self)
    def __truediv__(self, other): return div(self, other)
    def __rtruediv__(self, other): return div(other, self)
    def __pow__(self, p): return power(self, p)
    def __neg__(self): return neg(self)
    def __matmul__(self, other): return matmul(self, other)
    def __rmatmul__(self, other): return matmul(other, self)
    def __getitem__(self, key): return index(self, key)
    @property
    def T(self): return transpose(self)
    def sum(self, axis=None): return tensor_sum(self, axis)
    def mean(self, axis=None): return mean(self, axis)
    def exp(self): return exp(self)
    def log(self): return log(self)
    def sigmoid(self): return sigmoid(self)
    def tanh(self): return tanh(self)
    def relu(self): return relu(self)


# --- the checking layer ---------------------------------------------------------------

def _array(data, copy: bool) -> np.ndarray:
    """``data`` as a read-only float32 or float64 array; a copy when ``copy`` (chapter 6)."""
    arr = np.asarray(data)
    if arr.dtype.kind == "c":
        raise ValueError(f"a Tensor holds real numbers, got complex dtype {arr.dtype}")
    if arr.dtype.kind not in "biuf":
        raise ValueError(f"a Tensor holds numbers, got dtype {arr.dtype}")
    if arr.dtype not in (np.float32, np.float64):
        arr = arr.astype(np.float64)
    elif copy:
        arr = arr.copy()
    arr.flags.writeable = False
    return arr


def _operands(op: str, *operands, broadcast: bool = True) -> list:
    """The operands of ``op`` as Tensors of one dtype, their shapes checked (chapter 6).

    A number or an array becomes a constant input with the dtype of the tensors
    it meets, so ``t * 0.5`` keeps a float32 ``t`` float32.
    """
    dtypes = {x.data.dtype for x in operands if isinstance(x, Tensor)}
    if len(dtypes) > 1:
        raise ValueError(f"{op}: tensors of dtypes {' and '.join(sorted(map(str, dtypes)))} do not mix; "
                         "give every input one dtype")
    tensors = [as_tensor(x) for x in operands]
    dtype = dtypes.pop() if dtypes else np.result_type(*(t.data for t in tensors))
    tensors = [t if t.data.dtype == dtype else Tensor(t.data.astype(dtype)) for t in tensors]  # constants
    if broadcast:
        try:
            np.broadcast_shapes(*(t.shape for t in tensors))
        except ValueError:
            shapes = " and ".join(str(t.shape) for t in tensors)
            raise ValueError(f"{op}: shapes {shapes} do not broadcast together") from None
    return tensors


def checked_vjp(node: Tensor) -> list:
    """Run ``node.vjp`` and check it: a list of (parent, gradient) pairs (chapter 6).

    The inputs' arrays must still be read-only (so the forward pass's values),
    and the rule receives a read-only view of the node's gradient, so it cannot
    change it in place. It must return a tuple with one gradient per parent,
    each with its parent's shape and dtype; otherwise ``ValueError`` names the
    operation.
    """
    for parent in node.parents:  # writing was switched back on: the values may not be the forward pass's
        if parent.data.flags.writeable:
            raise ValueError(f"the array of an input of {node.op!r} was made writable after the forward pass; "
                             "its values may have changed, so the gradient would be wrong")
    g = node.grad.view()
    g.flags.writeable = False
    grads = node.vjp(g)
    if not isinstance(grads, (tuple, list)) or len(grads) != len(node.parents):
        got = f"{len(grads)} gradients" if isinstance(grads, (tuple, list)) else f"a {type(grads).__name__}"
        raise ValueError(f"the backward rule of {node.op!r} must return a tuple of "
                         f"{len(node.parents)} gradient(s), one per parent, got {got}")
    checked = []
    for i, (parent, grad) in enumerate(zip(node.parents, grads), start=1):
        grad = np.asarray(grad)
        if grad.shape != parent.shape or grad.dtype != parent.data.dtype:
            raise ValueError(
                f"the backward rule of {node.op!r} returned a gradient of shape {grad.shape} and dtype "
                f"{grad.dtype} for its parent {i}, of shape {parent.shape} and dtype {parent.data.dtype}: "
                "a gradient has the shape and dtype of its tensor (a broadcast operand needs sum_to_shape)")
        checked.append((parent, grad))
    return checked


# --- the graph --------------------------------------------------------------------------

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


def intermediate_bytes(root: Tensor) -> int:
    """Bytes the graph of ``root`` keeps until the backward pass: its intermediates (chapter 6).

    Every tensor computed by an operation keeps its value, since the backward
    rules read them (matmul its operands, sigmoid its output). A view (a
    transpose, a slice) shares the memory of the tensor it views and adds
    nothing. The inputs (parameters, data, constants) are not counted.
    """
    owned = [node.data for node in topological_order(root) if node.parents and node.data.flags.owndata]
    return sum(a.nbytes for a in owned)


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


# --- the operations ---------------------------------------------------------------------

def add(a, b) -> Tensor:
    """a + b with broadcasting; backward: g to both, summed to each shape (chapter 6)."""
    a, b = _operands("add", a, b)
    return Tensor(a.data + b.data, (a, b),
                  lambda g: (sum_to_shape(g, a.shape), sum_to_shape(g, b.shape)), "add")


def sub(a, b) -> Tensor:
    """a − b with broadcasting; backward: g and −g, summed to each shape (chapter 6)."""
    a, b = _operands("sub", a, b)
    return Tensor(a.data - b.data, (a, b),
                  lambda g: (sum_to_shape(g, a.shape), sum_to_shape(-g, b.shape)), "sub")


def mul(a, b) -> Tensor:
    """a ⊙ b with broadcasting; backward: g ⊙ b to a and g ⊙ a to b (chapter 6)."""
    a, b = _operands("mul", a, b)
    return Tensor(a.data * b.data, (a, b),
                  lambda g: (sum_to_shape(g * b.data, a.shape), sum_to_shape(g * a.data, b.shape)), "mul")


def div(a, b) -> Tensor:
    """a / b with broadcasting; backward: g / b to a and −g ⊙ a / b² to b (chapter 6)."""
    a, b = _operands("div", a, b)
    return Tensor(a.data / b.data, (a, b),
                  lambda g: (sum_to_shape(g / b.data, a.shape),
                             sum_to_shape(-g * a.data / b.data**2, b.shape)), "div")


def neg(a) -> Tensor:
    """−a; backward: −g (chapter 6)."""
    a = as_tensor(a)
    return Tensor(-a.data, (a,), lambda g: (-g,), "neg")


def power(a, p) -> Tensor:
    """a ** p element-wise, for a constant number p; backward: g ⊙ p a^(p−1) (chapter 6)."""
    a = as_tensor(a)
    if isinstance(p, bool) or not isinstance(p, numbers.Real):
        raise ValueError(f"power: the exponent p must be a constant real number, got {type(p).__name__}")
    p = float(p)
    return Tensor(a.data**p, (a,), lambda g: (g * p * a.data ** (p - 1),), "pow")


def matmul(a, b) -> Tensor:
    """(M, K) @ (K, N) -> (M, N); backward: G Bᵀ to A, Aᵀ G to B (chapter 6).

    These are chapter 4's dH1 = dZ2 W2ᵀ and dW2 = h1ᵀ dZ2.
    """
    a, b = _operands("matmul", a, b, broadcast=False)
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[0]:
        raise ValueError(f"matmul needs shapes (M, K) and (K, N), got {a.shape} and {b.shape}")
    return Tensor(a.data @ b.data, (a, b), lambda g: (g @ b.data.T, a.data.T @ g), "matmul")


def transpose(a) -> Tensor:
    """aᵀ, the axes in reverse order (``a.T``); backward: gᵀ (chapter 6)."""
    a = as_tensor(a)
    return Tensor(a.data.T, (a,), lambda g: (g.T,), "transpose")


def index(a, key) -> Tensor:
    """a[key] with NumPy's indexing (integers, slices, integer or boolean arrays) (chapter 6).

    Backward: zeros, with g added in at the entries that were read; an entry
    read twice (a repeated index) gets both gradients, as at any fan-out.
    """
    a = as_tensor(a)
    key = copy.deepcopy(key)  # the backward pass uses the forward pass's key, even if the caller's changes

    def vjp(g):
        grad = np.zeros_like(a.data)
        np.add.at(grad, key, g)
        return (grad,)
    return Tensor(a.data[key], (a,), vjp, "index")


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


def exp(a) -> Tensor:
    """e^a element-wise; backward: g ⊙ e^a, the output itself (chapter 6)."""
    a = as_tensor(a)
    out = np.exp(a.data)
    return Tensor(out, (a,), lambda g: (g * out,), "exp")


def log(a) -> Tensor:
    """ln a element-wise; backward: g / a (chapter 6)."""
    a = as_tensor(a)
    return Tensor(np.log(a.data), (a,), lambda g: (g / a.data,), "log")


def _sigmoid(z: np.ndarray) -> np.ndarray:
    e = np.exp(-np.abs(z))  # never overflows (chapter 1); NaN stays NaN
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e)).astype(z.dtype, copy=False)


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
    """max(z, 0) element-wise; backward: g where z > 0, 0 where z ≤ 0, NaN where z is NaN (chapter 6).

    The step H(z) (``np.heaviside(z, 0)``) takes the slope at the kink z = 0 as 0.
    """
    z = as_tensor(z)
    return Tensor(np.maximum(z.data, 0), (z,), lambda g: (g * np.heaviside(z.data, 0),), "relu")


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
    if z.ndim == 0:
        raise ValueError("log_softmax needs an axis to normalise over, got a 0-d tensor")
    shifted = z.data - z.data.max(axis=-1, keepdims=True)
    out = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    return Tensor(out, (z,), lambda g: (g - np.exp(out) * g.sum(axis=-1, keepdims=True),), "log_softmax")


# --- the book's two costs, composed from the operations -------------------------------

def softmax_cross_entropy(logits, labels) -> Tensor:
    """Mean categorical cross-entropy −(1/M) Σ_i ln softmax(z_i)_{y_i}, from operations (chapter 6).

    logits (M, K), integer labels (M,). Its gradient with respect to the
    logits comes out as (softmax(z) − Y) / M, chapter 3's result. It is
    −(1/M) Σ_ik Y_ik log_softmax(z)_ik with one-hot Y, so a logit of −∞ gives
    0 · (−∞) = NaN; to mask classes, index log_softmax(z) instead.
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
    z, Y = as_tensor(logits), _array(targets, copy=True)
    if Y.shape != z.shape or z.ndim not in (1, 2):
        raise ValueError(f"logits and targets must have the same shape (M, K) or (M,), got {z.shape} and {Y.shape}")
    per_row = sub(softplus(z), mul(Y.astype(z.data.dtype), z))
    return mean(tensor_sum(per_row, axis=1) if z.ndim == 2 else per_row)


def value_and_grad(f, *arrays):
    """Run the scalar function ``f`` on Tensors and backpropagate (chapter 6).

    ``f`` takes one Tensor per array and returns a Tensor with one entry.
    Returns (the value as a float, a tuple with ∂f/∂array for each array).
    """
    inputs = [Tensor(a) for a in arrays]
    out = f(*inputs)
    if not isinstance(out, Tensor):
        raise ValueError(f"f must return a Tensor, got {type(out).__name__}")
    out.backward()
    return out.data.item(), tuple(np.zeros_like(t.data) if t.grad is None else t.grad for t in inputs)
