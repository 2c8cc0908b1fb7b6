"""Chapter 1's exercise checkers: a right answer passes, each wrong one gets its hint."""

import numpy as np
import pytest

import ce_backprop as cb
from ce_backprop.exercises import chapter1


def naive_sigmoid(z):
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))


def stable_sigmoid_prime(z):
    e = np.exp(-np.abs(np.asarray(z, dtype=float)))
    return e / (1.0 + e) ** 2


def test_stable_sigmoid_prime_right_answer_passes():
    result = cb.exercises.check_stable_sigmoid_prime(stable_sigmoid_prime)
    assert result.passed and result.text.en.startswith("✓ stable σ′(z): passed")


@pytest.mark.parametrize(
    "wrong, case, hint",
    [
        (lambda z: naive_sigmoid(z) * (1 - naive_sigmoid(z)) * 2, "z = 0", "1/4"),
        (lambda z: np.exp(-np.asarray(z, float)) / (1 + np.exp(-np.abs(np.asarray(z, float)))) ** 2,
         "z = ±0.5, ±3 (a vector)", "even"),
        (lambda z: cb.sigmoid(z) * (1 - cb.sigmoid(z)), "z = 25, 40, 60", "keeps no digits"),
        (lambda z: np.exp(-np.asarray(z, float)) / (1 + np.exp(-np.asarray(z, float))) ** 2,
         "z = −800, 800", "NaN or inf"),
        (lambda z: np.atleast_1d(stable_sigmoid_prime(z))[:1], "z = 0", "wrong shape"),
    ],
)
def test_stable_sigmoid_prime_wrong_answers_get_their_hint(wrong, case, hint):
    result = cb.exercises.check_stable_sigmoid_prime(wrong)
    assert not result.passed and result.failed_case == case
    assert hint in str(result)


def test_the_library_sigmoid_prime_solves_exercise_1_6():
    # σ(z)σ(−z) has no subtraction; the textbook σ(1 − σ) loses every digit at z = 40
    assert chapter1.check_stable_sigmoid_prime(cb.sigmoid_prime).passed
    textbook = lambda z: cb.sigmoid(z) * (1 - cb.sigmoid(z))  # noqa: E731
    assert chapter1.check_stable_sigmoid_prime(textbook).failed_case == "z = 25, 40, 60"


def test_quartic_delta():
    right = lambda a, y, z: (a - y) ** 3 * cb.sigmoid_prime(z)  # noqa: E731
    assert cb.exercises.check_quartic_delta(right).passed
    # the expected values agree with centred differences of C = (σ(z) − y)⁴/4
    z, y = np.array([0.3, -1.2]), np.array([0.9, 0.1])
    numeric = cb.numerical_gradient(lambda v: float(np.sum((cb.sigmoid(v) - y) ** 4 / 4)), z)
    assert np.allclose(right(cb.sigmoid(z), y, z), numeric, rtol=1e-7, atol=1e-12)
    missing = cb.exercises.check_quartic_delta(lambda a, y, z: (a - y) ** 3)
    assert missing.failed_case == "one sample, z = 1.5, y = 0" and "σ′(z) is missing" in str(missing)
    sign = cb.exercises.check_quartic_delta(lambda a, y, z: (y - a) ** 3 * cb.sigmoid_prime(z))
    assert "sign is flipped" in str(sign)
    power = cb.exercises.check_quartic_delta(lambda a, y, z: (a - y) * cb.sigmoid_prime(z))
    assert "wrong power" in str(power)
    other = cb.exercises.check_quartic_delta(lambda a, y, z: (a - y) ** 2 * cb.sigmoid_prime(z))
    assert not other.passed and "∂C/∂a = (a − y)³" in str(other)


def my_centred(f, x, h):
    x = np.array(x, dtype=float)
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        fp = f(x)
        x[i] = old - h
        fm = f(x)
        x[i] = old
        g[i] = (fp - fm) / (2 * h)
    return g


def test_numerical_gradient():
    assert cb.exercises.check_numerical_gradient(my_centred).passed
    assert cb.exercises.check_numerical_gradient(cb.numerical_gradient).passed

    def one_sided(f, x, h):
        x = np.array(x, dtype=float)
        g = np.zeros_like(x)
        for i in np.ndindex(x.shape):
            xp = x.copy()
            xp[i] += h
            g[i] = (f(xp) - f(x)) / h
        return g

    r = cb.exercises.check_numerical_gradient(one_sided)
    assert r.failed_case == "f = x³ at x = 0.7, h = 1e-4" and "one-sided" in str(r)

    def all_at_once(f, x, h):
        return np.full_like(np.asarray(x, float), (f(x + h) - f(x - h)) / (2 * h))

    r = cb.exercises.check_numerical_gradient(all_at_once)
    assert r.failed_case == "f = Σ x_i² x_{i+1} on a vector" and "one entry of x at a time" in str(r)

    def flat_only(f, x, h):
        return my_centred(f, np.ravel(x), h)

    r = cb.exercises.check_numerical_gradient(flat_only)
    assert r.failed_case == "f = Σ sin(x) on a 2×2 matrix"


def test_checkers_are_exported():
    assert set(chapter1.__all__) <= set(cb.exercises.__all__)
