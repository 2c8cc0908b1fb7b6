"""Checkers for the implementation exercises of chapter 5 (05_deep_networks).

- ``check_relu_backward(relu_backward)``: exercise 5.3, δ = dA ⊙ ReLU′(z) with ReLU′(0) = 0.
- ``check_hidden_delta(hidden_delta)``: exercise 5.4, one step of the recurrence
  δ^ℓ = (δ^{ℓ+1} W^{ℓ+1 ᵀ}) ⊙ a^ℓ ⊙ (1 − a^ℓ) through a sigmoid hidden layer.

The expected values come from the library's network (``deep_backward``), which
tests/test_deep_network.py checks against finite differences.
"""

from __future__ import annotations

import numpy as np

from ..deep_network import DeepParams, deep_backward, deep_forward
from ._harness import Case, Hint, run_cases

__all__ = ["check_relu_backward", "check_hidden_delta"]


def _rng():
    return np.random.default_rng(55)


def check_relu_backward(fn):
    """Exercise 5.3: ``fn(dA, z)`` returns δ = dA ⊙ ReLU′(z), the mask 1 where z > 0 and 0 elsewhere,
    including 0 at exactly z = 0. dA and z have shape (M, n)."""
    rng = _rng()
    dA = rng.normal(size=(4, 5))
    z = rng.normal(size=(4, 5))
    zero = z.copy()
    zero[0, :3] = 0.0
    zero[2, 1] = -0.0
    wide = rng.normal(size=(2, 7)) * 1e3
    return run_cases("relu_backward", fn, [
        Case("random z, no zeros", (dA, z), dA * (z > 0),
             Hint("只有z>0的单元才让梯度通过：乘的是掩码[z>0]，不是ReLU(z)本身",
                  "only units with z > 0 let the gradient through: multiply by the mask [z > 0], not by ReLU(z)")),
        Case("z exactly 0 in some entries", (dA, zero), dA * (zero > 0),
             Hint("本书约定ReLU′(0)=0：z恰好为0的单元不传回梯度（用z>0，而不是z>=0）",
                  "the book uses ReLU′(0) = 0: a unit with z exactly 0 passes no gradient back (use z > 0, not z >= 0)")),
        Case("large |z|, shape 2×7", (np.full((2, 7), 0.5), wide), 0.5 * (wide > 0),
             Hint("梯度不应随z的大小变化：ReLU′只取0或1",
                  "the gradient must not scale with z: ReLU′ is only ever 0 or 1")),
    ])


def _hidden_delta_case(rng, M, n_l, n_next):
    """(δ^{ℓ+1}, W^{ℓ+1}, a^ℓ) and the δ^ℓ of the library's backward pass.

    A two-layer sigmoid network fed x = I (M, M): then z^1 = W^1, so
    ∂C/∂W^1 = xᵀ δ^1 = δ^1 is the hidden layer's δ, and δ^2 = (ŷ − Y)/M.
    """
    W1 = rng.normal(0, 2, (M, n_l))                  # z^1 = W^1 with some saturated units
    W2 = rng.normal(0, 1, (n_l, n_next))
    y = rng.integers(0, n_next, M)
    params = DeepParams([W1, W2], [np.zeros(n_l), np.zeros(n_next)], "sigmoid")
    cache = deep_forward(params, np.eye(M))
    delta_next = cache.probs.copy()
    delta_next[np.arange(M), y] -= 1.0
    delta_next /= M
    expected = deep_backward(params, cache, y).weights[0]
    return (delta_next, W2, cache.activations[1]), expected


def check_hidden_delta(fn):
    """Exercise 5.4: ``fn(delta_next, W_next, a)`` returns δ^ℓ = (δ^{ℓ+1} W^{ℓ+1 ᵀ}) ⊙ a ⊙ (1 − a)
    for a sigmoid hidden layer with activations a (M, n_ℓ), W^{ℓ+1} (n_ℓ, n_{ℓ+1}) and
    δ^{ℓ+1} (M, n_{ℓ+1}). Returns (M, n_ℓ)."""
    rng = _rng()
    cases = []
    for name, (M, n_l, n_next) in [("M = 3, n_ℓ = 4, n_ℓ+1 = 2", (3, 4, 2)),
                                    ("one row, M = 1, n_ℓ = 5, n_ℓ+1 = 3", (1, 5, 3)),
                                    ("M = 6, n_ℓ = 2, n_ℓ+1 = 7", (6, 2, 7))]:
        args, expected = _hidden_delta_case(rng, M, n_l, n_next)
        cases.append(Case(name, args, expected,
                          Hint("先用δ^{ℓ+1}乘W^{ℓ+1}的转置，得到(M, n_ℓ)，再逐元素乘σ′=a⊙(1−a)；"
                               "σ′要用a(1−a)，不是a本身",
                               "first multiply δ^{ℓ+1} by the transpose of W^{ℓ+1} to get (M, n_ℓ), then multiply "
                               "element-wise by σ′ = a ⊙ (1 − a); σ′ is a(1 − a), not a itself"),
                          rtol=1e-10, atol=1e-15))
    return run_cases("hidden_delta", fn, cases)
