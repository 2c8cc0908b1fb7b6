"""The handwritten digits of scikit-learn, split for training, validation and testing (chapter 4, 04_backprop_three_layer).

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


class DigitsThreeWay(NamedTuple):
    """Training, validation and test parts of the digits, pixels in [0, 1]; y_* integer labels."""

    X_train: np.ndarray
    X_val: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_val: np.ndarray
    y_test: np.ndarray


def load_digits_with_validation(val_size=0.25, test_size=0.25, seed=0) -> DigitsThreeWay:
    """The split of ``load_digits_split(test_size, seed)`` with a validation part taken from its training part (chapter 4).

    The test part is the same; ``val_size`` of the training part, again
    stratified by class, becomes the validation part, on which learning rates
    and networks are compared, so that the test part is looked at only once.
    With the defaults: 1010 training, 337 validation and 450 test images.
    """
    from sklearn.model_selection import train_test_split

    if isinstance(val_size, bool) or not isinstance(val_size, (int, float)) or not 0 < val_size < 1:
        raise ValueError(f"val_size must be a fraction in (0, 1), got {val_size!r}")
    d = load_digits_split(test_size, seed)
    X_train, X_val, y_train, y_val = train_test_split(
        d.X_train, d.y_train, test_size=val_size, stratify=d.y_train, random_state=seed
    )
    return DigitsThreeWay(X_train, X_val, d.X_test, y_train, y_val, d.y_test)
