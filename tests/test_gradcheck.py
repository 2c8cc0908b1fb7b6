"""The gradient-checking tools every chapter relies on (appendix A): the rule, the lines, bad input."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import ce_backprop as cb
from ce_backprop import gradcheck as gc

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


def test_gradient_check_leaves_x_unchanged():
    x = np.array([[0.3, -1.2], [2.0, 0.5]])
    before = x.copy()
    cb.gradient_check("g", lambda v: float(np.sum(np.sin(v))), x, np.cos(x))
    assert np.array_equal(x, before)


def test_relative_error():
    assert cb.relative_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert cb.relative_error([1.0], [1.1]) == pytest.approx(0.1 / 1.1)
    assert cb.relative_error([0.0], [0.0]) == 0.0
    assert cb.relative_error([1e-14], [-1e-14]) == 0.0  # both below the floor
    with pytest.raises(ValueError, match="same shape"):
        cb.relative_error([1.0], [1.0, 2.0])


# --- verdicts and lines ----------------------------------------------------------------


def test_a_right_gradient_passes_and_a_wrong_one_fails():
    x = np.array([0.3, -1.2])
    f = lambda v: float(np.sum(np.exp(v)))  # noqa: E731
    good = cb.gradient_check("∇f", f, x, np.exp(x))
    bad = cb.gradient_check("∇f", f, x, np.exp(x) * np.array([1.0, 1 + 1e-5]))
    assert good.passed and good.verdict == "passed" and not good.failed and not good.inconclusive
    assert good.ratio < 1 and good.max_relative_error < 1e-8
    assert bad.failed and not bad.passed and bad.ratio > 1 and bad.worst_index == (1,)
    assert bad.entry_verdicts.tolist() == ["passed", "failed"]
    assert good.message.en == "∇f: passed" and good.message.zh == "∇f：通过"
    assert bad.message.en == "∇f: failed at 1 of 2 entries" and bad.message.zh == "∇f：2个分量中1个未通过"
    assert "[1]: g = " in bad.details().en


def test_the_error_bound_is_the_one_the_docstring_states():
    # B = 3 (|D(2h) − D(h)|/3 + σ/h), σ = 4 · ε/2 · max|f| unless the residuals say more
    x = np.array([0.5, -2.0, 3.0])
    f = lambda v: float(np.sum(np.sin(v)) + 2.0)  # noqa: E731
    h = 1e-3  # large enough that the truncation dominates and the rule is visible
    check = cb.gradient_check("g", f, x, np.cos(x), h=h)
    assert check.passed and np.all(check.steps == h)
    D1, D2 = cb.numerical_gradient(f, x, h), cb.numerical_gradient(f, x, 2 * h)
    sigma_floor = 4 * 0.5 * cb.EPSILON * 3.0
    lower = 3 * (np.abs(D2 - D1) / 3 + sigma_floor / h)
    assert np.all(check.bounds >= lower * (1 - 1e-5)) and np.all(check.bounds <= lower * 1.5)
    np.testing.assert_array_equal(check.numeric, D1)
    assert gc.SAFETY == 3 and gc.RESOLUTION == 1e-2 and gc.ROUNDINGS == 4


def test_scalar_lines_name_both_values():
    bad = cb.gradient_check("g", lambda v: float(v) ** 2, 1.5, -3.0)
    assert bad.message.en == "g: failed, g = -3, g̃ = 3" and bad.message.zh == "g：未通过，g = -3，g̃ = 3"
    vector = cb.gradient_check("g", lambda v: float(np.sum(v**2)), np.array([[1.0, 2.0]]), np.array([[2.0, -4.0]]))
    assert vector.failed and vector.worst_index == (0, 1)
    assert "[0, 1]: g = -4, g̃ = 4" in vector.details().en


def test_a_mixed_result_says_where_and_why_in_one_line():
    # entry 0 is ordinary, entry 1 sits on a kink of |v|: not judged
    f = lambda v: float(np.sin(v[0]) + abs(v[1]))  # noqa: E731
    check = cb.gradient_check("∂C/∂w", f, np.array([0.4, 0.0]), np.array([np.cos(0.4), 1.0]))
    assert check.inconclusive and check.entry_verdicts.tolist() == ["passed", "inconclusive"]
    assert check.reasons.tolist() == ["", "rough"]
    assert check.message.en == "∂C/∂w: inconclusive at 1 of 2 entries (f not smooth here); passed elsewhere"
    assert check.message.zh == "∂C/∂w：2个分量中1个无法判定（f在这里不光滑），其余通过"


def test_lines_fit_a_phone_for_a_short_name():
    f = lambda v: float(np.sum(np.sin(v)))  # noqa: E731
    x = np.linspace(-1, 1, 12)
    wrong = np.cos(x) * np.where(np.arange(12) < 2, -1.0, 1.0)
    for check in (cb.gradient_check("∂C/∂w", f, x, np.cos(x)), cb.gradient_check("∂C/∂w", f, x, wrong),
                  cb.gradient_check("σ′(30)", cb.sigmoid, 30.0, cb.sigmoid_prime(30.0))):
        for line in (check.message.zh, check.message.en):
            assert len(line) <= 44, line


def test_str_follows_the_reader_language():
    check = cb.gradient_check("g", lambda v: float(v) ** 2, 1.5, 3.0)
    try:
        cb.set_language("en")
        assert str(check) == "g: passed"
        cb.set_language("zh")
        assert str(check) == "g：通过"
        cb.set_language("both")
        assert str(check) == str(cb.Bilingual("g：通过", "g: passed"))  # both lines, marked for the editions
        bundle = check._repr_mimebundle_()
        assert cb.lang.MIME_TYPE in bundle
    finally:
        cb.set_language(None)


def test_ordinary_checks_cost_eight_evaluations_per_entry():
    calls = []

    def f(v):
        calls.append(1)
        return float(np.sum(np.sin(v)))

    x = np.linspace(-1, 1, 10)
    assert cb.gradient_check("g", f, x, np.cos(x)).passed
    assert len(calls) == 8 * x.size + 1


# --- the Taylor remainder test ---------------------------------------------------------------


def test_taylor_test_sees_order_three_for_a_right_gradient_and_one_for_a_wrong_one():
    x = np.array([0.3, -1.2, 0.8])
    f = lambda v: float(np.sum(np.exp(v)) + v[0] * v[1])  # noqa: E731
    g = np.exp(x) + np.array([x[1], x[0], 0.0])
    right = cb.taylor_test("g", f, x, g)
    wrong = cb.taylor_test("g", f, x, g + np.array([0.0, 0.0, 1e-3]))
    assert right.passed and np.allclose(right.orders[-2:], 3.0, atol=0.2)
    assert wrong.verdict == "failed" and np.allclose(wrong.orders[-2:], 1.0, atol=0.2)
    assert right.message.en == "g: Taylor remainder test passed (r ∝ t³)"
    assert wrong.message.zh == "g：泰勒余项检验未通过（r只与t成正比）"
    assert len(right.steps) == 6 and np.allclose(right.steps[:-1] / right.steps[1:], 2.0)
    # the direction it reports is the one it used: given back, it gives the same remainders
    assert np.max(np.abs(right.direction)) == 1.0
    again = cb.taylor_test("g", f, x, g, direction=3 * right.direction, seed=99)
    assert np.array_equal(again.remainders, right.remainders)


def test_taylor_test_along_a_chosen_direction_and_inside_gradient_check():
    x = np.array([0.5, 1.5])
    f = lambda v: float(np.sum(v**4))  # noqa: E731
    along_0 = cb.taylor_test("g", f, x, 4 * x**3 + np.array([0.0, 1.0]), direction=[1.0, 0.0])
    assert along_0.passed  # the bug is in entry 1, which u = e_0 cannot see
    check = cb.gradient_check("g", f, x, 4 * x**3, order_test=True)
    assert check.passed and check.order.passed and "Taylor remainder test passed" in check.details().en


def test_taylor_test_is_inconclusive_for_a_linear_function():
    # r(t) is pure rounding: nothing to see
    x = np.array([1.0, 2.0])
    assert cb.taylor_test("g", lambda v: float(3 * v[0] - v[1]), x, np.array([3.0, -1.0])).verdict == "inconclusive"


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(name=3), "name"),
        (dict(f="not a function"), "f must be a function"),
        (dict(x=np.array([np.nan, 1.0])), "x contains NaN"),
        (dict(x=np.array([1.0 + 1j, 2.0])), "x must be real"),
        (dict(analytic=np.array([2.0 + 0j, 4.0])), "analytic must be real"),
        (dict(analytic=np.array([np.inf, 1.0])), "analytic contains inf"),
        (dict(analytic=np.zeros(3)), "analytic gradient has shape"),
        (dict(h=0.0), "h"),
        (dict(h=-1e-6), "h"),
        (dict(h=np.nan), "h"),
        (dict(f=lambda v: v), "f must return a scalar"),
        (dict(f=lambda v: complex(v[0], 1.0)), "f must return a real number"),
        (dict(f=lambda v: np.inf), "non-finite"),
        (dict(f=lambda v: np.log(v[0] - 1.0 + 1e-7) if v[0] > 1 else np.nan), "non-finite"),
        (dict(order_test="yes"), "order_test"),
        (dict(scale=0.0), "scale"),
    ],
)
def test_bad_input_names_the_argument(kwargs, match):
    args = dict(name="g", f=lambda v: float(np.sum(v**2)), x=np.array([1.0, 2.0]), analytic=np.array([2.0, 4.0]))
    args.update(kwargs)
    with pytest.raises(ValueError, match=match), np.errstate(all="ignore"):
        cb.gradient_check(args.pop("name"), args.pop("f"), args.pop("x"), args.pop("analytic"), **args)


@pytest.mark.parametrize("h", [0.0, -1e-6, np.nan])
def test_bad_step_raises(h):
    with pytest.raises(ValueError, match="h"):
        cb.numerical_gradient(lambda v: float(v.sum()), np.zeros(2), h=h)


def test_non_finite_function_raises():
    with pytest.raises(ValueError, match="non-finite"), np.errstate(divide="ignore", invalid="ignore"):
        cb.numerical_gradient(lambda v: float(np.log(v[0])), np.array([0.0]))


def test_taylor_test_bad_input():
    f = lambda v: float(np.sum(v**2))  # noqa: E731
    with pytest.raises(ValueError, match="direction has shape"):
        cb.taylor_test("g", f, np.ones(2), np.ones(2), direction=np.ones(3))
    with pytest.raises(ValueError, match="direction must not be zero"):
        cb.taylor_test("g", f, np.ones(2), np.ones(2), direction=np.zeros(2))
    with pytest.raises(ValueError, match="halvings"):
        cb.taylor_test("g", f, np.ones(2), np.ones(2), halvings=1)
    with pytest.raises(ValueError, match="x must be real"):
        cb.taylor_test("g", f, np.ones(2) * 1j, np.ones(2))


def test_numerical_gradient_divides_by_the_step_really_taken():
    # at x = 1000, x ± 1e-6 are not exactly 2e-6 apart in float64; f(v) = v must still give 1
    for x0 in (1000.0, -3.7e5):
        assert (x0 + 1e-6) - (x0 - 1e-6) != 2e-6
        assert cb.numerical_gradient(lambda v: float(v[0]), np.array([x0])).tolist() == [1.0]


def test_the_residual_noise_constants_follow_from_the_residuals_coefficients():
    """Spread (root sum of squares) and worst case (sum of magnitudes) of each residual's
    coefficients on the nine values f(x), f(x ± k t e_i), found by perturbing one value at a time."""
    steps = [2.0 * k for k in (1, 2, 4, 8)]                   # t = 1; steps are twice the step taken
    coeffs = []
    for values in np.eye(9):                                  # f0, then plus[0..3], then minus[0..3]
        _, _, odd, even = gc._differences(values[1:5], values[5:9], steps, values[0])
        coeffs.append(odd + even)                             # the residuals are linear in the values
    coeffs = np.array(coeffs)                                 # (9 values, 4 residuals)
    spread, worst = np.sqrt((coeffs ** 2).sum(axis=0)), np.abs(coeffs).sum(axis=0)
    assert np.allclose(gc._ODD_SPREAD, spread[:2], rtol=2e-3)
    assert np.allclose(gc._EVEN_SPREAD, spread[2:], rtol=2e-3)
    assert np.allclose(gc._ODD_WORST, worst[:2], rtol=1e-12)
    assert np.allclose(gc._EVEN_WORST, worst[2:], rtol=1e-12)
