"""A three-layer network and its backward pass (chapter 4, 04_backprop_three_layer).

The network of chapter 4 (depth L = 2), for a batch of M rows, in the book's
notation (the source "交叉熵的理解" writes Dx, H, Dy for d0, d1, K and ŷ for A):

    z1 = x W1 + b1      (M, d0) @ (d0, d1) + (d1,) -> (M, d1)     Z⁽¹⁾
    h1 = σ(z1)                                       (M, d1)     A⁽¹⁾
    z2 = h1 W2 + b2     (M, d1) @ (d1, K)  + (K,)  -> (M, K)      Z⁽²⁾
    a2 = softmax(z2)                                 (M, K)      A

with the mean cross-entropy C = −(1/M) Σ_i ln A_{i, k_i}. The biases are stored
as vectors of shape (d1,) and (K,); NumPy broadcasting adds them to every row,
as 1 b⁽ℓ⁾ does in the chapter. The backward pass is

    dZ2 = (A − Y) / M                 (M, K)    δ⁽²⁾, Y: one-hot targets
    dW2 = h1ᵀ dZ2                     (d1, K)
    db2 = column sums of dZ2          (K,)
    dA1 = dZ2 W2ᵀ                     (M, d1)   ∂C/∂A⁽¹⁾
    dZ1 = dA1 ⊙ σ'(z1),  σ'(z1) = h1 ⊙ (1 − h1)   δ⁽¹⁾
    dW1 = xᵀ dZ1                      (d0, d1)
    db1 = column sums of dZ1          (d1,)

Two comparison networks of the chapter have K sigmoid outputs a2 = σ(z2)
instead of the softmax; everything after dZ2 is the same:

- ``cost="quadratic"``: C = (1/M) Σ_i ½‖a2_i − Y_i‖², dZ2 = (a2 − Y) ⊙ σ'(z2) / M;
- ``cost="binary_cross_entropy"``: C = −(1/M) Σ_i Σ_j [Y ln a2 + (1 − Y) ln(1 − a2)]
  (summed over the K classes, mean over the batch), dZ2 = (a2 − Y) / M.

Every computation is a matrix product or an element-wise operation on the whole
batch; float32 parameters give float32 arithmetic throughout.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from ._checks import as_float_array, check_count, check_positive_finite, check_rng
from .activations import sigmoid_trusted
from .binary_cross_entropy import binary_cross_entropy_with_logits
from .softmax import log_softmax, one_hot

#: The costs the network can be trained with.
NETWORK_COSTS = ("cross_entropy", "quadratic", "binary_cross_entropy")


@dataclass
class NetworkParams:
    """The parameters W1 (d0, d1), b1 (d1,), W2 (d1, K), b2 (K,) of the network (chapter 4).

    The gradients have the same shapes and come back in the same class.
    """

    W1: np.ndarray
    b1: np.ndarray
    W2: np.ndarray
    b2: np.ndarray

    def __iter__(self):
        """(name, array) pairs in the order W1, b1, W2, b2."""
        return ((f.name, getattr(self, f.name)) for f in fields(self))

    def copy(self) -> "NetworkParams":
        return NetworkParams(self.W1.copy(), self.b1.copy(), self.W2.copy(), self.b2.copy())

    @property
    def shape(self) -> tuple[int, int, int]:
        """(d0, d1, K)."""
        return self.W1.shape[0], self.W1.shape[1], self.W2.shape[1]

    @property
    def dtype(self) -> np.dtype:
        return self.W1.dtype


@dataclass(frozen=True)
class ForwardCache:
    """What the forward pass keeps for the backward pass: x (M, d0), z1, h1 (M, d1), z2, a2 (M, K).

    a2 is A = softmax(z2) for the cross-entropy network and σ(z2) for the quadratic
    and the binary cross-entropy ones.
    """

    x: np.ndarray
    z1: np.ndarray
    h1: np.ndarray
    z2: np.ndarray
    a2: np.ndarray


def network_init(n_inputs, n_hidden, n_outputs, rng, dtype=np.float64, scale=1.0) -> NetworkParams:
    """Random weights W ~ N(0, scale²/fan_in) and zero biases (chapter 4).

    W1 (d0, d1) has fan_in = d0, W2 (d1, K) has fan_in = d1; with scale = 1 every
    weighted input starts with a variance near that of one input. A small scale
    (e.g. 0.01) makes z2 ≈ 0, so a2 is nearly uniform and the initial
    cross-entropy is ≈ ln K. ``dtype`` is float64 or float32.
    """
    d0, d1, K = (check_count(v, name) for v, name in
                 ((n_inputs, "n_inputs"), (n_hidden, "n_hidden"), (n_outputs, "n_outputs")))
    if min(d0, d1, K) == 0:
        raise ValueError(f"n_inputs, n_hidden and n_outputs must be >= 1, got {d0}, {d1}, {K}")
    check_rng(rng)
    dtype = np.dtype(dtype)
    if dtype not in (np.float32, np.float64):
        raise ValueError(f"dtype must be float32 or float64, got {dtype}")
    scale = check_positive_finite(scale, "scale")
    W1 = rng.normal(0.0, scale / np.sqrt(d0), size=(d0, d1)).astype(dtype)
    W2 = rng.normal(0.0, scale / np.sqrt(d1), size=(d1, K)).astype(dtype)
    return NetworkParams(W1, np.zeros(d1, dtype), W2, np.zeros(K, dtype))


# --- validation at the public boundary (shapes and dtypes; x and y also for NaN and range) ---

def _check_params(params, cost: str) -> NetworkParams:
    if cost not in NETWORK_COSTS:
        raise ValueError(f"unknown cost {cost!r}; choose one of {list(NETWORK_COSTS)}")
    if not isinstance(params, NetworkParams):
        raise ValueError(f"params must be a NetworkParams (from network_init), got {type(params).__name__}")
    d0, d1, K = params.shape
    expected = {"W1": (d0, d1), "b1": (d1,), "W2": (d1, K), "b2": (K,)}
    for name, p in params:
        if not isinstance(p, np.ndarray) or p.dtype not in (np.float32, np.float64) or p.dtype != params.dtype:
            raise ValueError(f"params.{name} must be a float32 or float64 array of the same dtype as W1")
        if p.shape != expected[name]:
            raise ValueError(f"params.{name} must have shape {expected[name]}, got {p.shape}")
    return params


def _check_x(x, params: NetworkParams) -> np.ndarray:
    x = as_float_array(x, "x")
    d0 = params.W1.shape[0]
    if x.ndim != 2 or x.shape[0] == 0:
        raise ValueError(f"x must have shape (M, {d0}) with M >= 1, got shape {x.shape}")
    if x.shape[1] != d0:
        raise ValueError(f"x has {x.shape[1]} features per row, but W1 expects {d0}: shape {x.shape}")
    return x.astype(params.dtype, copy=False)


def _check_targets(y, M: int, K: int, dtype) -> np.ndarray:
    """Integer labels y (M,) in [0, K) -> one-hot Y (M, K) in ``dtype``."""
    y_arr = np.asarray(y) if y is not None else y
    if y_arr is not None and y_arr.ndim == 1 and y_arr.shape[0] != M:
        raise ValueError(f"x has {M} rows but y has {y_arr.shape[0]} labels; they must match")
    return one_hot(y, K).astype(dtype, copy=False)  # checks: integers, 1-D, in [0, K)


# --- the network ---------------------------------------------------------------

def network_forward(params: NetworkParams, x, cost="cross_entropy") -> ForwardCache:
    """The forward pass z1 = xW1 + b1, h1 = σ(z1), z2 = h1W2 + b2, a2 = softmax(z2) (chapter 4).

    x (M, d0) -> ForwardCache with z1, h1 (M, d1) and z2, a2 (M, K).
    ``cost="quadratic"`` and ``cost="binary_cross_entropy"`` give a2 = σ(z2)
    instead of the softmax.
    """
    p = _check_params(params, cost)
    return _forward(p, _check_x(x, p), cost)


def _forward(p: NetworkParams, x: np.ndarray, cost: str) -> ForwardCache:
    """The forward pass on checked input (``network_forward`` checks it; ``train`` once per run)."""
    z1 = x @ p.W1 + p.b1                       # (M, d0) @ (d0, d1) + (d1,) -> (M, d1)
    h1 = sigmoid_trusted(z1)                   # (M, d1)
    z2 = h1 @ p.W2 + p.b2                      # (M, d1) @ (d1, K) + (K,) -> (M, K)
    if cost == "cross_entropy":
        a2 = np.exp(log_softmax(z2, axis=1))   # A = softmax(z2), rows sum to 1
    else:
        a2 = sigmoid_trusted(z2)               # one sigmoid per output
    return ForwardCache(x, z1, h1, z2, a2)


def network_backward(params: NetworkParams, cache: ForwardCache, y, cost="cross_entropy") -> NetworkParams:
    """Gradients of the mean cost with respect to W1, b1, W2, b2 (chapter 4).

    ``cache`` comes from ``network_forward(params, x, cost)``; ``y`` holds the M
    integer labels. Returns a NetworkParams of gradients with the shapes of the
    parameters: the bias gradients are column sums over the batch, and every
    gradient carries the factor 1/M of the mean.
    """
    p = _check_params(params, cost)
    if not isinstance(cache, ForwardCache) or cache.h1.shape[1] != p.shape[1] or cache.a2.shape[1] != p.shape[2]:
        raise ValueError("cache must be the ForwardCache of network_forward(params, x) for these params")
    M = cache.x.shape[0]
    Y = _check_targets(y, M, p.shape[2], p.dtype)          # 独热，(M, K) · one-hot (M, K)
    if cost in ("cross_entropy", "binary_cross_entropy"):
        dZ2 = (cache.a2 - Y) / M                            # δ⁽²⁾ = (A − Y)/M，(M, K)，两种代价都是 · δ⁽²⁾ = (A − Y)/M, (M, K), for both
    else:
        dZ2 = (cache.a2 - Y) * cache.a2 * (1 - cache.a2) / M  # (A − Y)/M ⊙ σ'(z2), σ' = a2 ⊙ (1 − a2)
    dW2 = cache.h1.T @ dZ2                                  # (d1, M) @ (M, K) -> (d1, K)
    db2 = dZ2.sum(axis=0)                                   # 按列求和 -> (K,) · column sums -> (K,)
    dA1 = dZ2 @ p.W2.T                                      # (M, K) @ (K, d1) -> (M, d1)
    dZ1 = dA1 * cache.h1 * (1 - cache.h1)                   # δ⁽¹⁾ = ∂C/∂A⁽¹⁾ ⊙ σ'(z1)
    dW1 = cache.x.T @ dZ1                                   # (d0, M) @ (M, d1) -> (d0, d1)
    db1 = dZ1.sum(axis=0)                                   # 按列求和 -> (d1,) · column sums -> (d1,)
    return NetworkParams(dW1, db1, dW2, db2)


def network_cost(cache: ForwardCache, y, cost="cross_entropy") -> float:
    """Mean cost of a forward pass (chapter 4). y labels (M,) -> float.

    −(1/M) Σ_i ln A_{i, k_i} for cross-entropy; (1/M) Σ_i ½‖a2_i − Y_i‖² for
    ``cost="quadratic"``; −(1/M) Σ_i Σ_j [Y ln a2 + (1 − Y) ln(1 − a2)] for
    ``cost="binary_cross_entropy"``, computed from the logits z2 (no log of 0).
    """
    if cost not in NETWORK_COSTS:
        raise ValueError(f"unknown cost {cost!r}; choose one of {list(NETWORK_COSTS)}")
    if not isinstance(cache, ForwardCache):
        raise ValueError(f"cache must be the ForwardCache of network_forward, got {type(cache).__name__}")
    M, K = cache.a2.shape
    Y = _check_targets(y, M, K, cache.a2.dtype)
    if cost == "cross_entropy":
        return float(-np.sum(Y * log_softmax(cache.z2, axis=1)) / M)
    if cost == "binary_cross_entropy":
        return binary_cross_entropy_with_logits(cache.z2, Y)   # from the logits (chapter 2), mean over the M rows
    return float(0.5 * np.sum((cache.a2 - Y) ** 2) / M)


def network_loss(params: NetworkParams, x, y, cost="cross_entropy") -> float:
    """Mean cost of the network on a batch x (M, d0) with labels y (M,) (chapter 4)."""
    return network_cost(network_forward(params, x, cost), y, cost)


def network_step(params: NetworkParams, x, y, eta, cost="cross_entropy") -> float:
    """One step of gradient descent on one mini-batch, in place: θ ← θ − η ∂C/∂θ (chapter 4).

    Forward, cost, backward, update. Returns the batch's mean cost before the
    step. x (M, d0), y labels (M,).
    """
    eta = check_positive_finite(eta, "eta (learning rate)")
    cache = network_forward(params, x, cost)   # checks params and x
    loss = network_cost(cache, y, cost)
    grads = network_backward(params, cache, y, cost)
    for (_, p), (_, g) in zip(params, grads):
        p -= eta * g  # in place: the arrays of params are updated, not replaced
    return loss


def network_predict(params: NetworkParams, x) -> np.ndarray:
    """Predicted class of each row, the index of the largest z2 (chapter 4). x (M, d0) -> (M,) int."""
    return np.argmax(network_forward(params, x).z2, axis=1)
