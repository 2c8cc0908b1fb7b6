"""Hidden-layer activations beyond the sigmoid: tanh and ReLU (chapter 5, 05_deep_networks).

    tanh(z) = (e^z − e^{−z}) / (e^z + e^{−z}) = 2σ(2z) − 1      tanh'(z) = 1 − tanh²(z)
    ReLU(z) = max(0, z)                                        ReLU'(z) = 1 if z > 0 else 0

tanh is a sigmoid stretched to (−1, 1) and centred at 0; its slope at 0 is 1,
four times σ'(0) = 1/4. ReLU's derivative is a mask of zeros and ones: where a
unit is active, the gradient passes through unchanged. ReLU has a kink at
z = 0, where it has no derivative; the course (like PyTorch and most
libraries) uses ReLU'(0) = 0, the derivative from the left.
"""

from __future__ import annotations

import numpy as np

from ._checks import as_float_array, scalar_or_array


def tanh(z):
    """The hyperbolic tangent tanh(z) = 2σ(2z) − 1, element-wise (chapter 5).

    Values in (−1, 1), centred: tanh(−z) = −tanh(z). Shape in = shape out;
    float32 stays float32. ±inf allowed; NaN raises ``ValueError``.
    """
    z = as_float_array(z, "z", allow_inf=True)
    return scalar_or_array(np.tanh(z))


def tanh_prime(z):
    """The derivative tanh'(z) = 1 − tanh²(z), element-wise (chapter 5). Its maximum is tanh'(0) = 1."""
    t = np.asarray(tanh(z))
    return scalar_or_array(1.0 - t * t)


def relu(z):
    """The rectified linear unit ReLU(z) = max(0, z), element-wise (chapter 5).

    Shape in = shape out; float32 stays float32. ±inf allowed; NaN raises ``ValueError``.
    """
    z = as_float_array(z, "z", allow_inf=True)
    return scalar_or_array(np.maximum(z, 0).astype(z.dtype, copy=False))


def relu_prime(z):
    """The derivative of ReLU, a mask: 1 where z > 0, else 0 (chapter 5).

    At the kink z = 0 ReLU has no derivative; this function returns 0 there
    (the derivative from the left, as PyTorch does), so a unit whose weighted
    input is exactly 0 passes no gradient back. Same shape and dtype as z.
    """
    z = as_float_array(z, "z", allow_inf=True)
    return scalar_or_array((z > 0).astype(z.dtype))
