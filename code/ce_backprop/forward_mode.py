"""Forward-mode automatic differentiation with dual numbers (chapter 6, 06_autodiff).

A ``Dual`` carries a value x and its tangent ẋ, the derivative of x along one
direction v of the inputs. Each operation sends (x, ẋ) to (f(x), f'(x) ẋ), so
one forward pass gives the Jacobian–vector product J v of the whole function:
exact, like reverse mode, but for one direction at a time. The gradient of a
scalar cost of P inputs takes P passes here (``gradient``), one in reverse mode.
Functions written with +, −, *, /, ** (constant exponent), @, ``.sum()``,
``.mean()`` and this module's ``exp`` and ``log`` run on Duals as they run on
NumPy arrays.
"""

from __future__ import annotations

import numpy as np


class Dual:
    """A value and its tangent, of the same shape (chapter 6)."""

    __array_ufunc__ = None  # NumPy defers to Dual: ndarray @ Dual calls Dual.__rmatmul__

    def __init__(self, value, tangent):
        self.value, self.tangent = np.asarray(value, dtype=float), np.asarray(tangent, dtype=float)

    shape = property(lambda self: self.value.shape)

    def __add__(self, other):
        other = lift(other)
        return Dual(self.value + other.value, self.tangent + other.tangent)

    def __mul__(self, other):
        other = lift(other)
        return Dual(self.value * other.value, self.tangent * other.value + self.value * other.tangent)

    def __matmul__(self, other):
        other = lift(other)
        return Dual(self.value @ other.value, self.tangent @ other.value + self.value @ other.tangent)

    def __truediv__(self, other):
        other, q = lift(other), self.value / lift(other).value
        return Dual(q, (self.tangent - q * other.tangent) / other.value)

    def __pow__(self, p):  # a constant exponent
        if isinstance(p, (Dual, np.ndarray)) or not np.isscalar(p):
            raise ValueError(f"the exponent p must be a constant number, got {type(p).__name__}")
        return Dual(self.value**p, p * self.value ** (p - 1) * self.tangent)

    def sum(self, axis=None):
        return Dual(self.value.sum(axis), self.tangent.sum(axis))

    def mean(self, axis=None):
        return Dual(self.value.mean(axis), self.tangent.mean(axis))

    def __neg__(self): return self * -1.0
    def __sub__(self, other): return self + -lift(other)
    def __radd__(self, other): return self + other
    def __rmul__(self, other): return self * other
    def __rsub__(self, other): return lift(other) - self
    def __rtruediv__(self, other): return lift(other) / self
    def __rmatmul__(self, other): return lift(other) @ self


def lift(x) -> Dual:
    """``x`` itself if it is a Dual, else a constant: tangent 0 (chapter 6)."""
    return x if isinstance(x, Dual) else Dual(x, np.zeros(np.shape(x)))


def exp(x) -> Dual:
    """e^x; tangent e^x ẋ (chapter 6)."""
    e = np.exp(lift(x).value)
    return Dual(e, e * lift(x).tangent)


def log(x) -> Dual:
    """ln x; tangent ẋ / x (chapter 6)."""
    return Dual(np.log(lift(x).value), lift(x).tangent / lift(x).value)


def jvp(f, arrays, directions):
    """One forward pass: (f(arrays), J v), the derivative of f along the directions (chapter 6).

    ``directions`` holds one array per input, of that input's shape.
    """
    arrays, directions = list(arrays), list(directions)
    if len(directions) != len(arrays):
        raise ValueError(f"directions must hold one array per input: {len(arrays)} inputs, "
                         f"got {len(directions)} directions")
    for k, (a, v) in enumerate(zip(arrays, directions)):
        if np.shape(v) != np.shape(a):
            raise ValueError(f"directions[{k}] must have the shape of its input, {np.shape(a)}, got {np.shape(v)}")
    out = lift(f(*[Dual(a, v) for a, v in zip(arrays, directions)]))
    return out.value, out.tangent


def gradient(f, *arrays):
    """The gradient of a scalar f by forward mode: one pass per input entry (chapter 6).

    Returns (the value as a float, a tuple with ∂f/∂array for each array), as
    ``autodiff.value_and_grad`` does.
    """
    arrays = [np.asarray(a, dtype=float) for a in arrays]
    if not any(a.size for a in arrays):
        raise ValueError("gradient needs at least one input entry, got none")
    grads = [np.zeros_like(a) for a in arrays]
    for k, a in enumerate(arrays):
        for i in np.ndindex(a.shape):
            directions = [np.zeros_like(b) for b in arrays]
            directions[k][i] = 1.0  # the i-th entry of the k-th input
            value, tangent = jvp(f, arrays, directions)
            if tangent.size != 1:
                raise ValueError(f"f must return a scalar to have a gradient, got shape {tangent.shape}")
            grads[k][i] = tangent.item()
    return value.item(), tuple(grads)
