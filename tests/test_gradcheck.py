"""The gradient-checking tools every chapter relies on."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import ce_backprop as cb

points = arrays(np.float64, st.integers(1, 5), elements=st.floats(-3, 3))


@given(points)
def test_numerical_gradient_of_known_functions(x):
    # ∇ Σ x² = 2x ; ∇ Σ sin x = cos x
    assert np.allclose(cb.numerical_gradient(lambda v: np.sum(v**2), x), 2 * x, atol=1e-8)
    assert np.allclose(cb.numerical_gradient(lambda v: np.sum(np.sin(v)), x), np.cos(x), atol=1e-8)


def test_numerical_gradient_leaves_x_unchanged_and_keeps_shape():
    x = np.arange(6.0).reshape(2, 3)
    g = cb.numerical_gradient(lambda v: float(np.sum(v * v)), x)
    assert g.shape == (2, 3) and np.array_equal(x, np.arange(6.0).reshape(2, 3))


def test_relative_error():
    assert cb.relative_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert cb.relative_error([1.0], [1.1]) == pytest.approx(0.1 / 1.1)
    assert cb.relative_error([0.0], [0.0]) == 0.0
    assert cb.relative_error([1e-14], [-1e-14]) == 0.0  # both below the floor
    with pytest.raises(ValueError, match="same shape"):
        cb.relative_error([1.0], [1.0, 2.0])


def test_gradient_check_passes_a_right_gradient_and_fails_a_wrong_one():
    x = np.array([0.3, -1.2])
    f = lambda v: float(np.sum(np.exp(v)))  # noqa: E731
    good = cb.gradient_check("∇f", f, x, np.exp(x))
    bad = cb.gradient_check("∇f", f, x, np.exp(x) * (1 + 1e-5))
    assert good.passed and good.ratio < 0.1 and good.max_relative_error < 1e-8
    assert not bad.passed and bad.ratio > 1
    assert str(good).startswith("∇f: error/tolerance = ") and str(good).endswith(" ✓")
    assert "✗ FAILED at entry [" in str(bad) and "analytic" in str(bad) and "numerical" in str(bad)


def test_the_rule_is_the_one_chapter_1_states():
    # |a − n| ≤ rtol·max(|a|, |n|) + (margin·ε·S + |Δ²f|)/h, S = max(|f(x)|, scale) + Σ|x_j||n_j|
    x = np.array([0.5, -2.0, 3.0])
    f = lambda v: float(np.sum(np.sin(v)) + 2.0)  # noqa: E731
    h, eps = 1e-6, np.finfo(float).eps
    n = cb.numerical_gradient(f, x, h)
    second = np.array([f(x + h * e) + f(x - h * e) - 2 * f(x) for e in np.eye(3)])
    S = max(abs(f(x)), 1.0) + np.sum(np.abs(x) * np.abs(n))
    a = np.cos(x) + np.array([0.0, 3e-9, 0.0])  # entry 1 off by 3e-9
    tol = 1e-6 * np.maximum(np.abs(a), np.abs(n)) + (10 * eps * S + np.abs(second)) / h
    check = cb.gradient_check("g", f, x, a, h=h)
    assert check.ratio == pytest.approx(np.max(np.abs(a - n) / tol), rel=1e-6)
    assert check.worst_index == (1,)
    assert check.analytic_value == a[1] and check.numeric_value == n[1]
    from ce_backprop import gradcheck as gc
    assert gc.EPSILON == eps and gc.DEFAULT_RTOL == 1e-6 and gc.DEFAULT_MARGIN == 10 and gc.DEFAULT_SCALE == 1


def test_correct_sigmoid_prime_passes_where_the_naive_rule_fails():
    # σ′(15) ≈ 3.1e-7 is below the rounding noise ε/h of the centred difference
    for z in [-30.0, -15.0, -8.0, 0.0, 8.0, 10.0, 15.0, 20.0, 30.0]:
        check = cb.gradient_check("σ′", cb.sigmoid, z, cb.sigmoid_prime(z))
        assert check.passed, (z, str(check))
    naive = cb.relative_error(cb.sigmoid_prime(15.0), cb.numerical_gradient(cb.sigmoid, 15.0))
    assert naive > cb.DEFAULT_THRESHOLD


@pytest.mark.parametrize("z", [0.0, 2.0, 8.0, 15.0])
def test_wrong_sigmoid_derivatives_fail_where_they_are_resolvable(z):
    s = cb.sigmoid(z)
    for wrong in (-cb.sigmoid_prime(z), s, cb.sigmoid_prime(z) * 2, cb.sigmoid_prime(z) / 2):
        assert not cb.gradient_check("σ′", cb.sigmoid, z, wrong).passed


def test_saturated_network_passes_and_its_naive_rule_fails():
    # chapter 4's network with one saturated hidden unit (b1[0] = 14)
    rng = np.random.default_rng(0)
    p = cb.network_init(4, 5, 3, rng)
    p.b1[0] = 14.0
    x, y = rng.normal(size=(6, 4)), rng.integers(0, 3, 6)
    g = cb.network_backward(p, cb.network_forward(p, x), y)
    f = lambda v: cb.network_loss(cb.NetworkParams(p.W1, v, p.W2, p.b2), x, y)  # noqa: E731
    for h in (1e-5, 1e-6):
        assert cb.gradient_check("db1", f, p.b1, g.b1, h=h).passed
    naive = cb.relative_error(g.b1, cb.numerical_gradient(f, p.b1, 1e-6))
    assert naive > cb.DEFAULT_THRESHOLD


def test_a_flipped_sign_has_naive_relative_error_exactly_2():
    assert cb.relative_error([0.3], [-0.3]) == 2.0


def test_exact_comparison_keeps_the_naive_line():
    c = cb.GradientCheck("loop vs matrix", 3e-12, 1e-10)
    assert c.passed and str(c) == "loop vs matrix: max relative error = 3.0e-12 < 1e-10 ✓"
    assert not cb.GradientCheck("x", 0.5, 1e-7).passed


def test_sanitizer_masks_the_value_and_keeps_the_verdict():
    import configparser
    import re
    from pathlib import Path

    cfg = configparser.ConfigParser()
    cfg.read(Path(__file__).with_name("nbval_sanitize.cfg"), encoding="utf-8")
    def sanitize(text):
        for section in cfg.sections():
            text = re.sub(cfg[section]["regex"], cfg[section]["replace"], text)
        return text
    x = np.array([0.3, -1.2])
    f = lambda v: float(np.sum(np.exp(v)))  # noqa: E731
    good = str(cb.gradient_check("∇f", f, x, np.exp(x)))
    other = str(cb.gradient_check("∇f", f, x, np.exp(x) * (1 + 1e-12)))
    bad = str(cb.gradient_check("∇f", f, x, -np.exp(x)))
    assert sanitize(good) == sanitize(other) == "∇f: error/tolerance = <rounding noise> ✓"
    assert sanitize(bad).startswith("∇f: error/tolerance = <rounding noise> ✗ FAILED at entry [")
    assert sanitize(str(cb.GradientCheck("d", 3e-12, 1e-10))) == "d: max relative error = <rounding noise> < 1e-10 ✓"


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(name=3), "name"),
        (dict(f="not a function"), "f must be a function"),
        (dict(x=np.array([np.nan, 1.0])), "x contains NaN"),
        (dict(analytic=np.array([np.inf, 1.0])), "analytic contains inf"),
        (dict(h=0.0), "h"),
        (dict(rtol=-1.0), "rtol"),
        (dict(margin=np.nan), "margin"),
        (dict(scale=0.0), "scale"),
        (dict(f=lambda v: v), "f must return a scalar"),
    ],
)
def test_bad_input_names_the_argument(kwargs, match):
    args = dict(name="g", f=lambda v: float(np.sum(v**2)), x=np.array([1.0, 2.0]), analytic=np.array([2.0, 4.0]))
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        cb.gradient_check(args.pop("name"), args.pop("f"), args.pop("x"), args.pop("analytic"), **args)


def test_gradient_check_rejects_a_misshaped_gradient():
    with pytest.raises(ValueError, match="shape"):
        cb.gradient_check("g", lambda v: float(v.sum()), np.zeros(3), np.zeros(2))


@pytest.mark.parametrize("h", [0.0, -1e-6, np.nan])
def test_bad_step_raises(h):
    with pytest.raises(ValueError, match="h"):
        cb.numerical_gradient(lambda v: float(v.sum()), np.zeros(2), h=h)


def test_non_finite_function_raises():
    with pytest.raises(ValueError, match="non-finite"), np.errstate(divide="ignore", invalid="ignore"):
        cb.numerical_gradient(lambda v: float(np.log(v[0])), np.array([0.0]))


def test_numerical_gradient_divides_by_the_step_really_taken():
    # at x = 1000, x ± 1e-6 are not exactly 2e-6 apart in float64; f(v) = v must still give 1
    for x0 in (1000.0, -3.7e5):
        assert (x0 + 1e-6) - (x0 - 1e-6) != 2e-6
        assert cb.numerical_gradient(lambda v: float(v[0]), np.array([x0])).tolist() == [1.0]


def test_scalar_failure_names_no_entry_and_vector_failure_does():
    scalar = cb.gradient_check("g", lambda v: float(v) ** 2, 1.5, -3.0)
    assert str(scalar).endswith("✗ FAILED: analytic -3, numerical 3")
    vector = cb.gradient_check("g", lambda v: float(np.sum(v**2)), np.array([[1.0, 2.0]]), np.array([[2.0, -4.0]]))
    assert "✗ FAILED at entry [0, 1]: analytic -4, numerical 4" in str(vector) and vector.worst_index == (0, 1)
