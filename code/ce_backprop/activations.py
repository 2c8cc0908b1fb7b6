"""Activation functions and their derivatives.

Derived in chapter 1 (01_single_neuron): the sigmoid σ(z) = 1 / (1 + e^{−z})
and its derivative σ'(z) = σ(z)(1 − σ(z)).
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
    z = as_float_array(z, "z", allow_inf=True)
    e = np.exp(-np.abs(z))
    out = np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e)).astype(z.dtype, copy=False)
    return scalar_or_array(out)


def sigmoid_prime(z):
    """The derivative σ'(z) = σ(z)(1 − σ(z)) of the sigmoid, element-wise (chapter 1).

    Its maximum is σ'(0) = 1/4; it is below 0.018 once |z| > 4, which is why a
    saturated sigmoid neuron learns slowly under the quadratic cost.
    """
    s = np.asarray(sigmoid(z))
    return scalar_or_array(s * (1.0 - s))
