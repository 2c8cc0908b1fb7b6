"""Validation helpers shared by the public functions (internal).

Every public function checks its input here and raises ``ValueError`` with a
message that names the argument and the problem; inside, the data is trusted.
"""

from __future__ import annotations

import numbers

import numpy as np


def as_float_array(x, name: str, *, allow_inf: bool = False) -> np.ndarray:
    """Return ``x`` as a float array (float32 stays float32, the rest becomes float64)."""
    if isinstance(x, (str, bytes)) or x is None:
        raise ValueError(f"{name} must be numeric, got {type(x).__name__}")
    arr = np.asarray(x)
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.floating)
        or np.issubdtype(arr.dtype, np.integer)
        or np.issubdtype(arr.dtype, np.bool_)
    ):
        raise ValueError(f"{name} must be a real numeric array, got dtype {arr.dtype}")
    if arr.dtype not in (np.float32, np.float64):
        arr = arr.astype(np.float64)
    if np.isnan(arr).any():
        raise ValueError(f"{name} contains NaN")
    if not allow_inf and np.isinf(arr).any():
        raise ValueError(f"{name} contains inf; it must be finite")
    return arr


def check_same_shape(a: np.ndarray, b: np.ndarray, name_a: str, name_b: str) -> None:
    if a.shape != b.shape:
        raise ValueError(
            f"{name_a} and {name_b} must have the same shape, got {a.shape} and {b.shape}"
        )


def check_positive_finite(value, name: str) -> float:
    """A learning rate or step size: a real number, finite and > 0."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a real number, got {value!r}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    if value <= 0:
        raise ValueError(f"{name} must be > 0, got {value}")
    return value


def check_count(value, name: str) -> int:
    """A non-negative whole number such as a number of epochs."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    if value < 0:
        raise ValueError(f"{name} must be >= 0, got {value}")
    return int(value)


def check_probabilities(p: np.ndarray, name: str) -> None:
    if ((p < 0) | (p > 1)).any():
        bad = p[(p < 0) | (p > 1)].flat[0]
        raise ValueError(f"{name} must lie in [0, 1] (probabilities), found {bad}")


def check_labels(labels, name: str, num_classes: int | None = None) -> np.ndarray:
    """Integer class indices of shape (M,), each in [0, num_classes) when that is given."""
    if isinstance(labels, (str, bytes)) or labels is None:
        raise ValueError(f"{name} must be integer class indices, got {type(labels).__name__}")
    arr = np.asarray(labels)
    if arr.dtype == np.bool_ or not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(f"{name} must be integer class indices, got dtype {arr.dtype}")
    if arr.ndim != 1:
        raise ValueError(f"{name} must have shape (M,), got shape {arr.shape}")
    bad = (arr < 0) if num_classes is None else (arr < 0) | (arr >= num_classes)
    if bad.any():
        allowed = f"[0, {num_classes})" if num_classes is not None else "[0, ∞)"
        raise ValueError(f"{name} must lie in {allowed}, found {arr[bad][0]}")
    return arr.astype(np.intp, copy=False)


def scalar_or_array(arr: np.ndarray):
    """Give a 0-d result back as a NumPy scalar, anything else as it is."""
    return arr[()] if arr.ndim == 0 else arr


def check_rng(rng) -> np.random.Generator:
    """A random generator, np.random.default_rng(seed): the only kind the library draws from."""
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be a numpy.random.Generator (np.random.default_rng(seed)), got {type(rng).__name__}")
    return rng


def check_training_options(epochs, batch_size, rng, X_val, y_val, progress) -> tuple[int, int]:
    """The options every training loop shares (chapters 4 and 5); returns (epochs, batch_size)."""
    epochs = check_count(epochs, "epochs")
    batch_size = check_count(batch_size, "batch_size")
    if batch_size == 0:
        raise ValueError("batch_size must be >= 1")
    check_rng(rng)
    if (X_val is None) != (y_val is None):
        raise ValueError("give both X_val and y_val, or neither")
    if progress is not None and not callable(progress):
        raise ValueError("progress must be a function progress(epoch, epochs) or None")
    return epochs, batch_size
