"""Activation functions and their derivatives.

Derived in chapter 1 (01_single_neuron): the sigmoid σ(z) = 1 / (1 + e^{−z})
and its derivative σ'(z) = σ(z)(1 − σ(z)) = σ(z)σ(−z).
"""

from __future__ import annotations

import numpy as np

from ._checks import as_float_array, scalar_or_array


def sigmoid(z):
    """The logistic sigmoid σ(z) = 1 / (1 + e^{−z}), element-wise (chapter 1).

    Computed in a form that never overflows: for z ≥ 0 as 1 / (1 + e^{−z}),
    for z < 0 as e^{z} / (1 + e^{z}); both only ever exponentiate −|z| ≤ 0.
    Shape in = shape out; float32 input stays float32. ±inf is allowed
    (σ(−inf) = 0, σ(inf) = 1); NaN raises ``ValueError``.
    """
    return scalar_or_array(sigmoid_trusted(as_float_array(z, "z", allow_inf=True)))


def sigmoid_trusted(z: np.ndarray) -> np.ndarray:
    """The computation of ``sigmoid`` on a float array that has been checked (chapter 1)."""
    e = np.exp(-np.abs(z))            # e^{−|z|}, in [0, 1]
    numerator = np.maximum(e, z >= 0)  # 1 where z ≥ 0, e^{z} where z < 0 (a select without branches)
    return numerator / (1.0 + e)


def sigmoid_prime(z):
    """The derivative σ'(z) = σ(z)(1 − σ(z)) of the sigmoid, element-wise (chapter 1).

    Computed as σ(z) σ(−z), which equals σ(z)(1 − σ(z)) because 1 − σ(z) = σ(−z),
    but never subtracts: for large z, 1 − σ(z) would keep only rounding error
    (at z = 40, σ(z) rounds to 1 and σ(z)(1 − σ(z)) to 0; exercise 1.6).
    Its maximum is σ'(0) = 1/4; it is below 0.018 once |z| > 4, which is why a
    saturated sigmoid neuron learns slowly under the quadratic cost.
    """
    z = as_float_array(z, "z", allow_inf=True)
    return scalar_or_array(np.asarray(sigmoid(z) * sigmoid(-z)))
