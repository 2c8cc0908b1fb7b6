"""A network of any depth and its backward pass (chapter 5, 05_deep_networks).

Layers ℓ = 1..L with sizes d_0 (inputs), d_1, ..., d_L (classes). For a batch
of M rows, a^0 = x and

    z^ℓ = a^{ℓ−1} W^ℓ + b^ℓ     (M, d_{ℓ−1}) @ (d_{ℓ−1}, d_ℓ) + (d_ℓ,) -> (M, d_ℓ)
    a^ℓ = f(z^ℓ)                 ℓ < L: the hidden activation f (sigmoid, tanh or ReLU)
    A   = softmax(z^L)           (M, d_L)

with the mean cross-entropy C = −(1/M) Σ_i ln A_{i, k_i}. The backward pass is
the recurrence of chapter 4, with f′ in place of σ′:

    δ^L = (A − Y) / M                                  (M, d_L)
    δ^ℓ = (δ^{ℓ+1} W^{ℓ+1 ᵀ}) ⊙ f′(z^ℓ)                 (M, d_ℓ)
    ∂C/∂W^ℓ = a^{ℓ−1 ᵀ} δ^ℓ                            (d_{ℓ−1}, d_ℓ)
    ∂C/∂b^ℓ = column sums of δ^ℓ                       (d_ℓ,)

f′ is computed from the stored activation a = f(z): σ′ = a(1 − a),
tanh′ = 1 − a², ReLU′ = [a > 0] (so ReLU′(0) = 0, see hidden_activations).
With layer sizes (d_0, d_1, K) and the sigmoid this is exactly chapter 4's
network (``network.py``), which stays as the worked small case.

Speed: the sigmoid is computed in one stable pass as σ(z) = ½(1 + tanh(z/2)),
the identity tanh(z) = 2σ(2z) − 1 read backwards. It never overflows; its error
is absolute, below ε (σ(−40) ≈ 4e-18 comes out as 0, just as 1 − σ(40) does in
any form), which a network cannot tell from σ itself. The public functions check
their input once, and ``train_deep`` validates once and then calls an unchecked
step that updates the parameters in place.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np

from ._checks import (as_float_array, check_count, check_labels, check_positive_finite, check_rng,
                      check_training_options)
from .softmax import logsumexp_kept
from .training import TrainingHistory, accuracy, run_epochs

#: The hidden-layer activations the network supports, each with the name the text and the
#: printouts give it.
ACTIVATION_NAMES = {"sigmoid": "sigmoid", "tanh": "tanh", "relu": "ReLU"}
HIDDEN_ACTIVATIONS = tuple(ACTIVATION_NAMES)

#: The named initialisations of ``deep_init`` (a positive float is also accepted).
INITIALISATIONS = ("xavier", "he")


@dataclass
class DeepParams:
    """Weights W^ℓ (d_{ℓ−1}, d_ℓ), biases b^ℓ (d_ℓ,) for ℓ = 1..L, and the hidden activation (chapter 5).

    ``weights[ℓ−1]`` is W^ℓ. ``activation`` ("sigmoid", "tanh" or "relu") is
    used in every hidden layer; the output layer is always a softmax. With
    ``residual=True`` every hidden layer ℓ ≥ 2 whose width equals the previous
    layer's adds its input to its output, a^ℓ = a^{ℓ−1} + f(z^ℓ) (a residual
    connection, chapter 5). The gradients of ``deep_backward`` come back in
    the same class and shapes.
    """

    weights: list
    biases: list
    activation: str = "sigmoid"
    residual: bool = False

    def __iter__(self):
        """(name, array) pairs W1, b1, W2, b2, ... (layer by layer)."""
        for i, (W, b) in enumerate(zip(self.weights, self.biases), start=1):
            yield f"W{i}", W
            yield f"b{i}", b

    def copy(self) -> "DeepParams":
        return DeepParams([W.copy() for W in self.weights], [b.copy() for b in self.biases], self.activation,
                          self.residual)

    def skips(self) -> list:
        """For ℓ = 1..L, whether layer ℓ adds its input to its output (residual, hidden, same width)."""
        L = len(self.weights)
        return [bool(self.residual) and 0 < i < L - 1 and W.shape[0] == W.shape[1]
                for i, W in enumerate(self.weights)]

    @property
    def layer_sizes(self) -> tuple:
        """(d_0, d_1, ..., d_L)."""
        return (self.weights[0].shape[0], *(W.shape[1] for W in self.weights))

    @property
    def depth(self) -> int:
        """L, the number of weight layers (hidden layers + 1)."""
        return len(self.weights)

    @property
    def dtype(self) -> np.dtype:
        return self.weights[0].dtype


@dataclass(frozen=True)
class DeepCache:
    """What the forward pass keeps (chapter 5).

    ``x`` (M, d_0); ``zs[i]`` is z^{i+1} (M, d_{i+1}) for i = 0..L−1;
    ``activations[i]`` is a^i, the input of layer i+1, for i = 0..L−1
    (so ``activations[0]`` is x and the hidden activations are
    ``activations[1:]``); ``probs`` is A = softmax(z^L) (M, d_L).
    """

    x: np.ndarray
    zs: list
    activations: list
    probs: np.ndarray


# --- initialisation ---------------------------------------------------------------

def deep_init(layer_sizes, rng, activation="sigmoid", init="xavier", dtype=np.float64,
              residual=False) -> DeepParams:
    """Random weights and zero biases for layers of the given sizes (chapter 5).

    ``layer_sizes`` = (d_0, d_1, ..., d_L), at least two sizes, each ≥ 1.
    Every W^ℓ (d_{ℓ−1}, d_ℓ) is drawn from N(0, s²) with fan_in = d_{ℓ−1},
    fan_out = d_ℓ and

    - ``init="xavier"`` (Glorot): s² = 2 / (fan_in + fan_out), for sigmoid and tanh;
    - ``init="he"``: s² = 2 / fan_in, for ReLU;
    - ``init=<positive float> c``: s = c / √fan_in, so c = 1 gives Var w = 1/fan_in
      and is chapter 4's ``network_init(..., scale=c)``. For a deep tanh network,
      chapter 5 shows c = 0.3 as too small and c = 4 as too large.

    ``rng`` is a np.random.Generator; the weights are drawn layer by layer,
    in float64, then cast to ``dtype`` (float32 or float64). Glorot and Bengio
    (2010) draw their weights from a uniform distribution; the library uses
    the normal distribution of the same variance. ``residual=True`` gives the
    hidden layers of equal width residual connections (see ``DeepParams``).
    """
    if isinstance(layer_sizes, (str, bytes)) or not hasattr(layer_sizes, "__len__"):
        raise ValueError(f"layer_sizes must be a sequence of layer widths (d_0, ..., d_L), got {layer_sizes!r}")
    sizes = [check_count(n, "layer_sizes entry") for n in layer_sizes]
    if len(sizes) < 2:
        raise ValueError(f"layer_sizes needs at least an input and an output size, got {list(layer_sizes)}")
    if min(sizes) < 1:
        raise ValueError(f"every layer size must be >= 1, got {sizes}")
    check_rng(rng)
    _check_activation(activation)
    dtype = np.dtype(dtype)
    if dtype not in (np.float32, np.float64):
        raise ValueError(f"dtype must be float32 or float64, got {dtype}")
    if isinstance(init, str):
        if init not in INITIALISATIONS:
            raise ValueError(f"unknown init {init!r}; choose one of {list(INITIALISATIONS)} or a positive scale")
    else:
        init = check_positive_finite(init, "init (scale)")
    if not isinstance(residual, bool):
        raise ValueError(f"residual must be True or False, got {residual!r}")
    weights, biases = [], []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        weights.append(rng.normal(0.0, init_std(fan_in, fan_out, init), size=(fan_in, fan_out)).astype(dtype))
        biases.append(np.zeros(fan_out, dtype))
    return DeepParams(weights, biases, activation, residual)


def init_std(fan_in: int, fan_out: int, init) -> float:
    """The standard deviation s of the weights of one layer under ``init`` (chapter 5); see ``deep_init``."""
    if init == "xavier":
        return float(np.sqrt(2.0 / (fan_in + fan_out)))
    if init == "he":
        return float(np.sqrt(2.0 / fan_in))
    return float(init) / float(np.sqrt(fan_in))


# --- validation at the public boundary ----------------------------------------------

def _check_activation(activation) -> str:
    if activation not in HIDDEN_ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r}; choose one of {list(HIDDEN_ACTIVATIONS)}")
    return activation


def _check_params(params) -> DeepParams:
    if not isinstance(params, DeepParams):
        raise ValueError(f"params must be a DeepParams (from deep_init), got {type(params).__name__}")
    _check_activation(params.activation)
    if not isinstance(params.residual, bool):
        raise ValueError(f"params.residual must be True or False, got {params.residual!r}")
    Ws, bs = params.weights, params.biases
    if not isinstance(Ws, (list, tuple)) or not isinstance(bs, (list, tuple)) or len(Ws) == 0 or len(Ws) != len(bs):
        raise ValueError("params.weights and params.biases must be lists of the same length >= 1 (one per layer)")
    dtype = getattr(Ws[0], "dtype", None)
    for i, (W, b) in enumerate(zip(Ws, bs), start=1):
        for name, p in ((f"W{i}", W), (f"b{i}", b)):
            if not isinstance(p, np.ndarray) or p.dtype not in (np.float32, np.float64) or p.dtype != dtype:
                raise ValueError(f"params {name} must be a float32 or float64 array of the same dtype as W1")
        if W.ndim != 2:
            raise ValueError(f"params W{i} must be a matrix (d_{i - 1}, d_{i}), got shape {W.shape}")
        if b.shape != (W.shape[1],):
            raise ValueError(f"params b{i} must have shape ({W.shape[1]},) to match W{i} {W.shape}, got {b.shape}")
        if i > 1 and W.shape[0] != Ws[i - 2].shape[1]:
            raise ValueError(f"params W{i} has {W.shape[0]} rows but layer {i - 1} has {Ws[i - 2].shape[1]} units")
    return params


def _check_x(x, params: DeepParams, name: str = "x") -> np.ndarray:
    x = as_float_array(x, name)
    n0 = params.weights[0].shape[0]
    if x.ndim != 2 or x.shape[0] == 0:
        raise ValueError(f"{name} must have shape (M, {n0}) with M >= 1, got shape {x.shape}")
    if x.shape[1] != n0:
        raise ValueError(f"{name} has {x.shape[1]} features per row, but W1 expects {n0}: shape {x.shape}")
    return x.astype(params.dtype, copy=False)


def _check_y(y, M: int, n_classes: int, name: str = "y") -> np.ndarray:
    y = check_labels(y, name, n_classes)
    if y.shape[0] != M:
        raise ValueError(f"x has {M} rows but {name} has {y.shape[0]} labels; they must match")
    return y


# --- the computation (trusted input) ----------------------------------------------------

def _activate(z: np.ndarray, activation: str) -> np.ndarray:
    """a = f(z) in a new array."""
    if activation == "sigmoid":
        a = np.multiply(z, 0.5)            # σ(z) = ½(1 + tanh(z/2)): one stable pass, no overflow
        np.tanh(a, out=a)
        a += 1.0
        a *= 0.5
        return a
    if activation == "tanh":
        return np.tanh(z)
    return np.maximum(z, 0)


def _times_f_prime(dA: np.ndarray, a: np.ndarray, activation: str) -> np.ndarray:
    """δ = dA ⊙ f′(z), with f′ computed from a = f(z); overwrites and returns dA."""
    if activation == "sigmoid":
        dA *= a                            # σ′ = a(1 − a)
        dA -= dA * a
    elif activation == "tanh":
        dA -= dA * a * a                   # tanh′ = 1 − a²
    else:
        dA *= a > 0                        # ReLU′ = [z > 0], 0 at z = 0
    return dA


def _forward(params: DeepParams, x: np.ndarray) -> DeepCache:
    acts, zs = [x], []
    a = x
    L = len(params.weights)
    skips = params.skips()
    for i, (W, b) in enumerate(zip(params.weights, params.biases)):
        z = a @ W                          # (M, d_{ℓ−1}) @ (d_{ℓ−1}, d_ℓ) -> (M, d_ℓ)
        z += b
        zs.append(z)
        if i < L - 1:
            out = _activate(z, params.activation)
            if skips[i]:
                out += a                   # residual: a^ℓ = a^{ℓ−1} + f(z^ℓ)
            a = out
            acts.append(a)
    probs = zs[-1] - zs[-1].max(axis=1, keepdims=True)   # softmax, shifted so exp never overflows
    np.exp(probs, out=probs)
    probs /= probs.sum(axis=1, keepdims=True)
    return DeepCache(x, zs, acts, probs)


def _loss(cache: DeepCache, y: np.ndarray) -> float:
    """Mean cross-entropy from the logits: ln Σ_k e^{z_k} − z_y, by chapter 3's log-sum-exp."""
    z = cache.zs[-1]
    lse = logsumexp_kept(z, axis=1)[:, 0]
    return float(np.mean(lse - z[np.arange(z.shape[0]), y]))


def _backward(params: DeepParams, cache: DeepCache, y: np.ndarray, errors: Optional[list] = None) -> DeepParams:
    """The recurrence; if ``errors`` is a list, δ^L, ..., δ^1 are appended to it (copies)."""
    M = cache.x.shape[0]
    delta = cache.probs.copy()
    delta[np.arange(M), y] -= 1.0
    delta /= M                                # δ^L = (A − Y) / M
    L = len(params.weights)
    skips = params.skips()
    dWs, dbs = [None] * L, [None] * L
    dA = None
    for i in range(L - 1, -1, -1):            # 第ℓ = i + 1层，从L到1 · layer ℓ = i + 1, from L to 1
        if errors is not None:
            errors.append(delta.copy())
        dWs[i] = cache.activations[i].T @ delta   # a^{ℓ−1}ᵀ δ^ℓ
        dbs[i] = delta.sum(axis=0)                # δ^ℓ按列求和 · column sums of δ^ℓ
        if i > 0:
            # ∂C/∂a^{ℓ−1} = δ^ℓ W^ℓᵀ；第ℓ层加上自身输入（残差）时，再加∂C/∂a^ℓ
            # · ∂C/∂a^{ℓ−1} = δ^ℓ W^ℓᵀ, plus ∂C/∂a^ℓ itself if layer ℓ adds its input (residual)
            dA = delta @ params.weights[i].T + (dA if skips[i] else 0.0)
            # f(z^{ℓ−1})就是存下的a^{ℓ−1}，除非第ℓ−1层把输入加到了它上面
            # · f(z^{ℓ−1}) is the stored a^{ℓ−1}, unless layer ℓ−1 added its input to it
            f_z = _activate(cache.zs[i - 1], params.activation) if skips[i - 1] else cache.activations[i]
            delta = _times_f_prime(dA.copy(), f_z, params.activation)   # δ^{ℓ−1} = ∂C/∂a^{ℓ−1} ⊙ f′(z^{ℓ−1})
    return DeepParams(dWs, dbs, params.activation, params.residual)


def _step(params: DeepParams, x: np.ndarray, y: np.ndarray, eta: float) -> float:
    """One SGD step on trusted input, in place. Returns the loss before it."""
    cache = _forward(params, x)
    loss = _loss(cache, y)
    grads = _backward(params, cache, y)
    for p, g in zip(params.weights + params.biases, grads.weights + grads.biases):
        g *= eta
        p -= g
    return loss


# --- the public functions ------------------------------------------------------------

def deep_forward(params: DeepParams, x) -> DeepCache:
    """The forward pass z^ℓ = a^{ℓ−1} W^ℓ + b^ℓ, a^ℓ = f(z^ℓ), A = softmax(z^L) (chapter 5).

    x (M, d_0) -> DeepCache with every z^ℓ, every layer's input a^{ℓ−1} and A (M, d_L).
    """
    p = _check_params(params)
    return _forward(p, _check_x(x, p))


def deep_backward(params: DeepParams, cache: DeepCache, y) -> DeepParams:
    """Gradients of the mean cross-entropy by δ^ℓ = (δ^{ℓ+1} W^{ℓ+1 ᵀ}) ⊙ f′(z^ℓ) (chapter 5).

    ``cache`` comes from ``deep_forward(params, x)``; ``y`` holds the M integer
    labels. Returns a DeepParams of ∂C/∂W^ℓ (d_{ℓ−1}, d_ℓ) and ∂C/∂b^ℓ (d_ℓ,).
    """
    p = _check_params(params)
    if (not isinstance(cache, DeepCache) or len(cache.zs) != p.depth
            or any(z.shape[1] != W.shape[1] for z, W in zip(cache.zs, p.weights))):
        raise ValueError("cache must be the DeepCache of deep_forward(params, x) for these params")
    return _backward(p, cache, _check_y(y, cache.x.shape[0], p.layer_sizes[-1]))


def deep_errors(params: DeepParams, cache: DeepCache, y) -> list:
    """The errors δ^ℓ = ∂C/∂z^ℓ (M, d_ℓ) of every layer, [δ^1, ..., δ^L] (chapter 5).

    The same recurrence as ``deep_backward``, which only returns their
    products with the layer inputs (∂C/∂W^ℓ) and their column sums (∂C/∂b^ℓ).
    Row i of δ^ℓ, times M, is ∂L_i/∂z^ℓ for sample i alone.
    """
    p = _check_params(params)
    if (not isinstance(cache, DeepCache) or len(cache.zs) != p.depth
            or any(z.shape[1] != W.shape[1] for z, W in zip(cache.zs, p.weights))):
        raise ValueError("cache must be the DeepCache of deep_forward(params, x) for these params")
    errors: list = []
    _backward(p, cache, _check_y(y, cache.x.shape[0], p.layer_sizes[-1]), errors)
    return errors[::-1]


def deep_loss(params: DeepParams, x, y) -> float:
    """Mean cross-entropy C = −(1/M) Σ_i ln A_{i, k_i} on x (M, d_0), labels y (M,) (chapter 5)."""
    p = _check_params(params)
    x = _check_x(x, p)
    return _loss(_forward(p, x), _check_y(y, x.shape[0], p.layer_sizes[-1]))


def deep_step(params: DeepParams, x, y, eta) -> float:
    """One step of gradient descent in place, θ ← θ − η ∂C/∂θ (chapter 5). Returns C before the step."""
    eta = check_positive_finite(eta, "eta (learning rate)")
    p = _check_params(params)
    x = _check_x(x, p)
    return _step(p, x, _check_y(y, x.shape[0], p.layer_sizes[-1]), eta)


def deep_predict(params: DeepParams, x) -> np.ndarray:
    """Predicted class of each row, the index of the largest z^L (chapter 5). x (M, d_0) -> (M,) int."""
    return np.argmax(deep_forward(params, x).zs[-1], axis=1)


def layer_gradient_norms(grads: DeepParams) -> np.ndarray:
    """The Frobenius norms ‖∂C/∂W^ℓ‖ for ℓ = 1..L (chapter 5): how fast each layer learns. -> (L,)"""
    if not isinstance(grads, DeepParams) or len(grads.weights) == 0:
        raise ValueError(f"grads must be the DeepParams of deep_backward, got {type(grads).__name__}")
    return np.array([float(np.linalg.norm(dW)) for dW in grads.weights])


def sample_spread(cache: DeepCache) -> np.ndarray:
    """How much each layer's values differ from sample to sample (chapter 5). -> (L + 1,)

    For the input x = a^0, every hidden activation a^ℓ and the logits z^L: the
    standard deviation of each unit over the M rows, averaged over the units.
    When it shrinks from layer to layer, every input reaches the output layer
    as almost the same vector.
    """
    if not isinstance(cache, DeepCache):
        raise ValueError(f"cache must be the DeepCache of deep_forward, got {type(cache).__name__}")
    if cache.x.shape[0] < 2:
        raise ValueError(f"cache must hold at least 2 rows to measure a spread, got {cache.x.shape[0]}")
    return np.array([float(np.mean(np.std(a, axis=0))) for a in (*cache.activations, cache.zs[-1])])


def class_prior_share(cache: DeepCache, grads: DeepParams) -> float:
    """The share of ∂C/∂W^L along the class-prior direction āᵀ(∂C/∂b^L) (chapter 5).

    ∂C/∂W^L = a^{L−1 ᵀ} δ^L. If every row of a^{L−1} were its mean ā, this would
    be exactly āᵀ 1ᵀδ^L = āᵀ ∂C/∂b^L, a rank-one matrix that only moves each
    class's logit by the same amount for every input (it learns the class
    frequencies). Returns cos² of the angle between ∂C/∂W^L and that matrix, in [0, 1].
    """
    if not isinstance(cache, DeepCache) or not isinstance(grads, DeepParams):
        raise ValueError("class_prior_share needs the DeepCache of deep_forward and the DeepParams of deep_backward")
    dW, db = grads.weights[-1], grads.biases[-1]
    a_bar = cache.activations[-1].mean(axis=0)
    if dW.shape != (a_bar.size, db.size):
        raise ValueError(f"grads W{len(grads.weights)} has shape {dW.shape}, but the cache gives "
                         f"({a_bar.size}, {db.size}); pass the cache and grads of the same network")
    prior = np.outer(a_bar, db)
    denominator = float(np.sum(dW * dW) * np.sum(prior * prior))
    return float(np.sum(dW * prior) ** 2 / denominator) if denominator > 0 else 0.0


def dead_unit_fraction(params: DeepParams, x) -> np.ndarray:
    """For each hidden layer, the fraction of its units that output 0 on every row of x (chapter 5).

    A ReLU unit that is 0 for every input gets ReLU′ = 0 everywhere and never
    learns again: it is dead. x (M, d_0) -> (L − 1,). For sigmoid and tanh
    the fractions are 0 (their outputs are never exactly 0 for finite z).
    """
    cache = deep_forward(params, x)
    return np.array([float(np.mean(np.all(a == 0, axis=0))) for a in cache.activations[1:]])


# --- training ----------------------------------------------------------------------

def _one_blas_thread():
    """Run the small matrix products of training on one BLAS thread.

    The products of a 32-unit network are too small to share between threads;
    on a busy machine, threads make training about ten times slower. Without
    threadpoolctl (JupyterLite) this does nothing.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def train_deep(params: DeepParams, X, y, epochs, batch_size, eta, rng,
               X_val=None, y_val=None, progress: Optional[Callable[[int, int], None]] = None):
    """Mini-batch gradient descent on the mean cross-entropy (chapter 5). Returns (trained params, TrainingHistory).

    X (n, d_0), y (n,) labels; ``params`` is not modified (a copy is trained).
    ``rng`` shuffles the rows every epoch (``minibatches``, as chapter 4's
    ``train`` does), so a run is reproducible. After every epoch the loss, the
    accuracy and the per-layer gradient norms on the training set are recorded
    (and loss and accuracy on X_val, y_val if given, as loss_val and acc_val).
    ``progress(epoch, epochs)`` is called after each epoch.
    """
    eta = check_positive_finite(eta, "eta (learning rate)")
    epochs, batch_size = check_training_options(epochs, batch_size, rng, X_val, y_val, progress)
    params = _check_params(params).copy()
    n_classes = params.layer_sizes[-1]
    X = _check_x(X, params, "X")
    y = _check_y(y, X.shape[0], n_classes)
    if X_val is not None:
        X_val = _check_x(X_val, params, "X_val")
        y_val = _check_y(y_val, X_val.shape[0], n_classes, "y_val")

    def evaluate():
        cache = _forward(params, X)
        record = {"loss_train": _loss(cache, y), "acc_train": accuracy(y, np.argmax(cache.zs[-1], axis=1))}
        if X_val is not None:
            cache_val = _forward(params, X_val)
            record["loss_val"] = _loss(cache_val, y_val)
            record["acc_val"] = accuracy(y_val, np.argmax(cache_val.zs[-1], axis=1))
        record["grad_norms"] = layer_gradient_norms(_backward(params, cache, y))
        return record

    def step(rows):
        _step(params, X[rows], y[rows], eta)

    with _one_blas_thread():
        history = run_epochs(step, evaluate, X.shape[0], epochs, batch_size, rng, progress, eta=eta)
    return params, history
