"""A single sigmoid neuron trained by gradient descent (chapter 1, 01_single_neuron).

The neuron computes z = x·w + b and a = σ(z). For any cost C(a, y) the chain
rule gives ∂C/∂w = (1/n) Σ_x δ x and ∂C/∂b = (1/n) Σ_x δ with δ = ∂C/∂z, so a
cost is fully described, for training, by its δ. For the quadratic cost
δ = (a − y) σ'(z) (the lecture note's (4-2) and (4-3)): the factor σ'(z) is what
makes a saturated neuron learn slowly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from ._checks import (
    as_float_array,
    check_count,
    check_positive_finite,
)
from .activations import sigmoid, sigmoid_prime
from .binary_cross_entropy import binary_cross_entropy
from .losses import quadratic_cost


@dataclass(frozen=True)
class NeuronCost:
    """A cost for the single neuron: its value C(a, y) and its δ = ∂C/∂z per sample."""

    name: str
    label: str
    cost: Callable[[np.ndarray, np.ndarray], float]
    delta: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]


def quadratic_delta(a, y, z):
    """δ = ∂C/∂z of the quadratic cost for one neuron, per sample (chapter 1; the lecture note's (4-2), (4-3))."""
    # ∂C/∂z = ∂C/∂a · ∂a/∂z = (a − y) σ'(z)
    return (a - y) * sigmoid_prime(z)


def cross_entropy_delta(a, y, z):
    """δ = ∂C/∂z of the cross-entropy cost for one neuron, per sample (chapter 2; the 8-13 derivation's (8-13))."""
    # ∂C/∂z = ∂C/∂a · ∂a/∂z = [(a − y) / (a(1 − a))] · a(1 − a) = a − y (chapter 2)
    return a - y


#: The costs the neuron can be trained with, by name. Later chapters add theirs.
NEURON_COSTS: dict[str, NeuronCost] = {
    "quadratic": NeuronCost("quadratic", "二次代价 quadratic", quadratic_cost, quadratic_delta),
    "cross_entropy": NeuronCost("cross_entropy", "交叉熵 cross-entropy", binary_cross_entropy, cross_entropy_delta),
}


def _get_cost(cost: str) -> NeuronCost:
    if cost not in NEURON_COSTS:
        raise ValueError(f"unknown cost {cost!r}; choose one of {sorted(NEURON_COSTS)}")
    return NEURON_COSTS[cost]


def _prepare(w, b, x, y=None):
    """Bring w, b, x, y to shapes (d,), (), (n, d), (n,) and check them (y may be None)."""
    w_arr = as_float_array(w, "w")
    if w_arr.ndim > 1:
        raise ValueError(f"w must be a scalar or a vector of shape (d,), got shape {w_arr.shape}")
    w_vec = np.atleast_1d(w_arr).astype(np.float64)
    b_arr = as_float_array(b, "b")
    if b_arr.ndim != 0:
        raise ValueError(f"b must be a scalar, got shape {b_arr.shape}")
    d = w_vec.shape[0]
    x_arr = as_float_array(x, "x").astype(np.float64)
    if x_arr.ndim == 0:
        x_arr = x_arr.reshape(1, 1)
    elif x_arr.ndim == 1:
        x_arr = x_arr.reshape(-1, 1)
    if x_arr.ndim != 2 or x_arr.shape[1] != d:
        raise ValueError(
            f"x must have shape (n, {d}) to match w of length {d}, got shape {np.shape(x)}"
        )
    if y is None:
        return w_vec, float(b_arr), x_arr, None
    y_arr = np.atleast_1d(as_float_array(y, "y")).astype(np.float64)
    if y_arr.ndim != 1 or y_arr.shape[0] != x_arr.shape[0]:
        raise ValueError(
            f"y must hold one target per sample, shape ({x_arr.shape[0]},), got shape {np.shape(y)}"
        )
    return w_vec, float(b_arr), x_arr, y_arr


def neuron_forward(w, b, x):
    """Weighted input and output of the neuron: z = x·w + b, a = σ(z) (chapter 1).

    Shapes: x (n, d) @ w (d,) + b -> z, a of shape (n,). A scalar x or w is
    one sample with one input.
    """
    w_vec, b, x_arr, _ = _prepare(w, b, x)
    z = x_arr @ w_vec + b
    return z, sigmoid(z)


def neuron_gradients(w, b, x, y, cost: str = "quadratic"):
    """(∂C/∂w, ∂C/∂b) of the neuron for the named cost, averaged over the n samples.

    ∂C/∂w = (1/n) Σ_x δ x and ∂C/∂b = (1/n) Σ_x δ with δ = ∂C/∂z from the cost
    (chapter 1: for the quadratic cost δ = (a − y) σ'(z), the lecture note's (4-2), (4-3)).
    ∂C/∂w has the shape of ``w`` (a scalar w gives a scalar).
    """
    c = _get_cost(cost)
    w_vec, b, x_arr, y_arr = _prepare(w, b, x, y)
    z = x_arr @ w_vec + b
    delta = c.delta(sigmoid(z), y_arr, z)
    n = x_arr.shape[0]
    dw = x_arr.T @ delta / n
    db = float(np.sum(delta) / n)
    return (float(dw[0]) if np.ndim(w) == 0 else dw), db


@dataclass(frozen=True)
class NeuronHistory:
    """What ``train_neuron`` records: row e holds the state *before* update e + 1.

    w: (epochs + 1,) for a scalar weight, else (epochs + 1, d); b, cost:
    (epochs + 1,); a: (epochs + 1, n), the output for each sample.
    """

    w: np.ndarray
    b: np.ndarray
    a: np.ndarray
    cost: np.ndarray
    cost_name: str
    eta: float

    @property
    def epochs(self) -> int:
        return len(self.cost) - 1

    def table(self, epochs) -> str:
        """A fixed-width text table of w, b, a (first sample) and C at the given epochs."""
        rows = [f"{'epoch':>5}  {'w':>8}  {'b':>8}  {'a':>8}  {'C':>8}"]
        for e in epochs:
            e = check_count(e, "epoch")
            if e > self.epochs:
                raise ValueError(f"epoch {e} is past the last recorded epoch {self.epochs}")
            w = self.w[e] if self.w.ndim == 1 else np.nan
            rows.append(
                f"{e:>5}  {w:>8.4f}  {self.b[e]:>8.4f}  {self.a[e, 0]:>8.4f}  {self.cost[e]:>8.4f}"
            )
        return "\n".join(rows)


def train_neuron(w, b, x, y, eta, epochs, cost: str = "quadratic") -> NeuronHistory:
    """Full-batch gradient descent on one sigmoid neuron (chapter 1).

    Each epoch: w ← w − η ∂C/∂w, b ← b − η ∂C/∂b, with the gradients of
    ``neuron_gradients``. Returns a ``NeuronHistory`` of epochs + 1 states,
    the start included. Nielsen's experiment is
    ``train_neuron(0.6, 0.9, x=1.0, y=0.0, eta=0.15, epochs=300)``.
    """
    c = _get_cost(cost)
    eta = check_positive_finite(eta, "eta (learning rate)")
    epochs = check_count(epochs, "epochs")
    w_vec, b, x_arr, y_arr = _prepare(w, b, x, y)
    n = x_arr.shape[0]
    ws, bs, outs, costs = [], [], [], []
    for _ in range(epochs + 1):
        z = x_arr @ w_vec + b
        a = sigmoid(z)
        ws.append(w_vec.copy())
        bs.append(b)
        outs.append(a)
        costs.append(c.cost(a, y_arr))
        delta = c.delta(a, y_arr, z)
        w_vec = w_vec - eta * (x_arr.T @ delta) / n
        b = b - eta * float(np.sum(delta)) / n
    w_hist = np.array(ws)
    if np.ndim(w) == 0:
        w_hist = w_hist[:, 0]
    return NeuronHistory(w_hist, np.array(bs), np.array(outs), np.array(costs), c.name, eta)
