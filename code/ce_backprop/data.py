"""The handwritten digits of scikit-learn, split for training and testing (chapter 4, 04_backprop_three_layer).

``sklearn.datasets.load_digits`` ships with scikit-learn (no download): 1797
images of 8×8 pixels, each pixel an integer 0..16, ten classes 0..9.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._checks import check_count


class DigitsSplit(NamedTuple):
    """X_train (n_train, 64), X_test (n_test, 64) with pixels in [0, 1]; y_train, y_test integer labels."""

    X_train: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray


def load_digits_split(test_size=0.25, seed=0) -> DigitsSplit:
    """The 8×8 digits, pixels divided by 16, split stratified by class (chapter 4).

    ``train_test_split(X, y, test_size=test_size, stratify=y, random_state=seed)``:
    every class keeps the same share in both parts. With the defaults: 1347
    training and 450 test images. Reshape a row to (8, 8) to see the image.
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    if isinstance(test_size, bool) or not isinstance(test_size, (int, float)) or not 0 < test_size < 1:
        raise ValueError(f"test_size must be a fraction in (0, 1), got {test_size!r}")
    seed = check_count(seed, "seed")
    digits = load_digits()
    X = digits.data / 16.0
    y = digits.target.astype(np.intp)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=test_size, stratify=y, random_state=seed
    )
    return DigitsSplit(X_train, X_test, y_train, y_test)
