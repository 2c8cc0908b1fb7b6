"""softmax, log-sum-exp and the categorical cross-entropy (chapter 3) against closed forms,
finite differences and properties."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import ce_backprop as cb

LN2, LN3 = math.log(2.0), math.log(3.0)


# --- closed forms -----------------------------------------------------------------------

def test_softmax_closed_forms():
    # e^0 : e^{ln 2} = 1 : 2
    assert np.allclose(cb.softmax([0.0, LN2]), [1 / 3, 2 / 3], rtol=1e-15, atol=0)
    # 1 : 2 : 3 sums to 6
    assert np.allclose(cb.softmax([0.0, LN2, LN3]), [1 / 6, 2 / 6, 3 / 6], rtol=1e-14, atol=0)
    assert np.allclose(cb.softmax(np.zeros(4)), 0.25, rtol=0, atol=0)


def test_logsumexp_closed_forms_and_bounds():
    # ln(1 + 2 + 3) = ln 6
    assert cb.logsumexp([0.0, LN2, LN3]) == pytest.approx(math.log(6.0), rel=1e-15)
    # K equal entries c: LSE = c + ln K, the upper bound is attained
    assert cb.logsumexp(np.full(5, 7.0)) == pytest.approx(7.0 + math.log(5.0), rel=1e-15)
    # one dominant entry: LSE ≈ max (the lower bound), the rest adds e^{-1000}
    assert cb.logsumexp([1000.0, 0.0]) == 1000.0


def test_two_classes_reduce_to_the_sigmoid():
    z = np.linspace(-30, 30, 61)
    a = cb.softmax(np.stack([z, np.zeros_like(z)], axis=1))
    assert np.allclose(a[:, 0], cb.sigmoid(z), rtol=1e-13, atol=1e-300)


def test_log_softmax_equals_log_of_softmax_where_both_are_finite():
    z = np.array([[1.0, 2.0, 3.0], [-2.0, 0.5, 0.0]])
    assert np.allclose(cb.log_softmax(z), np.log(cb.softmax(z)), rtol=1e-14, atol=0)


def test_axis_argument():
    z = np.array([[0.0, 1.0], [LN2, 1.0]])
    # column 0 holds 0 and ln 2
    assert np.allclose(cb.softmax(z, axis=0)[:, 0], [1 / 3, 2 / 3], rtol=1e-15)
    assert np.allclose(cb.logsumexp(z, axis=0), [math.log(3.0), 1.0 + LN2], rtol=1e-15)
    assert cb.logsumexp(z).shape == (2,)


def test_jacobian_closed_form():
    a = np.array([0.5, 0.25, 0.25])
    expected = np.array([
        [0.25, -0.125, -0.125],
        [-0.125, 0.1875, -0.0625],
        [-0.125, -0.0625, 0.1875],
    ])
    assert np.array_equal(cb.softmax_jacobian(a), expected)


def test_cross_entropy_closed_forms():
    # one-hot: L = −ln a_k; softmax([0, ln 2, ln 3]) = [1/6, 1/3, 1/2]
    z = np.array([[0.0, LN2, LN3]])
    assert cb.softmax_cross_entropy(z, [2]) == pytest.approx(math.log(2.0), rel=1e-14)
    assert cb.softmax_cross_entropy(z, [0]) == pytest.approx(math.log(6.0), rel=1e-14)
    # soft target y = [1/2, 0, 1/2]: L = −(ln(1/6) + ln(1/2))/2 = ln(12)/2
    assert cb.softmax_cross_entropy(z, [[0.5, 0.0, 0.5]]) == pytest.approx(math.log(12.0) / 2, rel=1e-14)
    # the mean over the batch: rows with losses ln 2 and ln 6
    assert cb.softmax_cross_entropy(np.vstack([z, z]), [2, 0]) == pytest.approx(math.log(12.0) / 2, rel=1e-14)


def test_labels_and_one_hot_give_the_same_loss_and_gradient():
    rng = np.random.default_rng(3)
    z = rng.normal(size=(6, 4))
    labels = np.array([0, 3, 1, 1, 2, 0])
    Y = cb.one_hot(labels, 4)
    assert np.array_equal(Y.sum(axis=1), np.ones(6)) and np.array_equal(Y.argmax(axis=1), labels)
    assert cb.softmax_cross_entropy(z, labels) == cb.softmax_cross_entropy(z, Y)
    assert np.array_equal(cb.softmax_cross_entropy_grad(z, labels), cb.softmax_cross_entropy_grad(z, Y))


def test_gradient_cheap_form():
    # copy the probabilities, subtract 1 at the true class, divide by M
    z = np.array([[0.0, LN2, LN3], [0.0, 0.0, 0.0]])
    expected = np.array([[1 / 6, 1 / 3, -1 / 2], [-2 / 3, 1 / 3, 1 / 3]]) / 2
    assert np.allclose(cb.softmax_cross_entropy_grad(z, [2, 0]), expected, rtol=1e-14, atol=1e-17)


def test_gradient_does_not_cancel_when_the_top_probability_rounds_to_1():
    # z/T = [200, 100, 10, -100]: a_0 rounds to 1, so a_0 − 1 computed directly is 0;
    # the true value is −(a_1 + a_2 + a_3) = −e^{−100}(1 + …), and the row still sums to 0
    z = np.array([[200.0, 100.0, 10.0, -100.0]])
    g = cb.softmax_cross_entropy_grad(z, [0])[0]
    assert cb.softmax(z)[0, 0] == 1.0
    assert g[0] == pytest.approx(-np.exp(-100.0), rel=1e-14)
    assert g[1] == pytest.approx(np.exp(-100.0), rel=1e-14)
    assert np.linalg.norm(g) == pytest.approx(np.sqrt(2) * np.exp(-100.0), rel=1e-14)
    # a soft target with most of its mass at the top class: Σ_{m≠0} y_m − Σ_{m≠0} a_m
    y = np.array([[1 - 1e-30, 1e-30, 0.0, 0.0]])
    assert cb.softmax_cross_entropy_grad(z, y)[0, 0] == pytest.approx(1e-30 - np.exp(-100.0), rel=1e-12)
    # when the top class is wrong nothing changes: a_0 − 0
    assert cb.softmax_cross_entropy_grad(z, [3])[0, 0] == 1.0


# --- finite differences -----------------------------------------------------------------

@pytest.mark.parametrize("seed", range(5))
def test_jacobian_matches_finite_differences(seed):
    z = np.random.default_rng(seed).normal(size=5)
    J = cb.softmax_jacobian(cb.softmax(z))
    for m in range(5):
        row = cb.numerical_gradient(lambda v: cb.softmax(v)[m], z)
        assert cb.relative_error(J[m], row) < 1e-7


@pytest.mark.parametrize("soft", [False, True])
@pytest.mark.parametrize("seed", range(4))
def test_gradient_matches_finite_differences(seed, soft):
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(3, 4))
    targets = rng.dirichlet(np.full(4, 2.0), size=3) if soft else rng.integers(0, 4, size=3)
    check = cb.gradient_check(
        "∂L/∂z",
        lambda v: cb.softmax_cross_entropy(v, targets),
        z,
        cb.softmax_cross_entropy_grad(z, targets),
    )
    assert check.passed, str(check)


def test_gradient_is_the_chain_rule_through_the_jacobian():
    # ∂L/∂z_n = Σ_m ∂L/∂a_m ∂a_m/∂z_n with ∂L/∂a_m = −y_m/a_m (one sample)
    rng = np.random.default_rng(7)
    z = rng.normal(size=4)
    y = rng.dirichlet(np.ones(4))
    a = cb.softmax(z)
    chain = (-y / a) @ cb.softmax_jacobian(a)
    assert np.allclose(chain, cb.softmax_cross_entropy_grad(z[None], y[None])[0], rtol=1e-12, atol=1e-15)


def test_log_likelihood_is_lse_minus_the_true_logit():
    # −ln a_k = LSE(z) − z_k, and its gradient is a − e_k (the one-line route of section 3.5)
    rng = np.random.default_rng(11)
    z = rng.normal(size=5)
    for k in range(5):
        assert -cb.log_softmax(z)[k] == pytest.approx(cb.logsumexp(z) - z[k], rel=1e-14)
        check = cb.gradient_check("∂(LSE − z_k)/∂z", lambda v: cb.logsumexp(v) - v[k], z, cb.softmax(z) - cb.one_hot([k], 5)[0])
        assert check.passed, str(check)


def test_jacobian_columns_sum_to_zero_by_finite_differences():
    # differentiating Σ_m a_m = 1 with respect to z_n: column n of ∂a_m/∂z_n sums to 0
    z = np.random.default_rng(12).normal(size=6)
    J_num = np.array([cb.numerical_gradient(lambda v, m=m: cb.softmax(v)[m], z) for m in range(6)])
    assert np.abs(J_num.sum(axis=0)).max() < 1e-9
    assert np.abs(cb.softmax_jacobian(cb.softmax(z)).sum(axis=0)).max() < 1e-15


@pytest.mark.parametrize("T", [0.5, 1.0, 2.0, 5.0])
def test_temperature_gradient_is_a_minus_y_over_T(T):
    rng = np.random.default_rng(13)
    z = rng.normal(size=4)
    y = rng.dirichlet(np.ones(4))
    analytic = (cb.softmax(z / T) - y) / T
    check = cb.gradient_check("∂L/∂z", lambda v: -float(y @ cb.log_softmax(v / T)), z, analytic)
    assert check.passed, str(check)
    # with respect to u = z/T the gradient is a − y (what the explorer draws)
    u = z / T
    assert cb.gradient_check("∂L/∂u", lambda v: -float(y @ cb.log_softmax(v)), u, cb.softmax(u) - y).passed


@pytest.mark.parametrize("name", ["gaussian", "bernoulli", "categorical"])
def test_matching_pairs_give_a_minus_y(name):
    # L(z) = A(z) − yᵀz + r(y) with ∇A the output function, hence δ = a − y
    rng = np.random.default_rng(14)
    z = rng.normal(size=5)
    if name == "gaussian":
        y = rng.normal(size=5)
        nll = lambda v: 0.5 * np.sum((y - v) ** 2) + 2.5 * np.log(2 * np.pi)
        out, A = (lambda v: v), (lambda v: 0.5 * np.sum(v ** 2))
    elif name == "bernoulli":
        y = np.array([1.0, 0.0, 1.0, 1.0, 0.0])
        nll = lambda v: cb.binary_cross_entropy_with_logits(v[None, :], y[None, :])
        out, A = cb.sigmoid, (lambda v: np.sum(np.logaddexp(0.0, v)))
    else:
        y = rng.dirichlet(np.ones(5))
        nll = lambda v: cb.softmax_cross_entropy(v[None, :], y[None, :])
        out, A = cb.softmax, cb.logsumexp
    assert cb.gradient_check("δ", nll, z, out(z) - y).passed
    assert cb.gradient_check("∇A", A, z, out(z)).passed
    rest = [nll(v) - (A(v) - y @ v) for v in rng.normal(scale=3.0, size=(10, 5))]
    assert np.ptp(rest) < 1e-12


def test_difference_a_minus_y_is_bounded():
    rng = np.random.default_rng(15)
    z = rng.normal(scale=100.0, size=(2000, 7))
    y = rng.dirichlet(np.full(7, 0.1), size=2000)
    d = cb.softmax(z) - y
    assert np.abs(d).max() <= 1.0 and np.abs(d).sum(axis=1).max() <= 2.0 + 1e-12
    # the bound 2 is approached: all mass on a wrong class
    assert np.abs(cb.softmax(np.array([50.0, 0.0])) - [0.0, 1.0]).sum() == pytest.approx(2.0, abs=1e-15)


# --- properties ---------------------------------------------------------------------------

logit_rows = arrays(np.float64, st.tuples(st.integers(1, 5), st.integers(1, 6)), elements=st.floats(-1e4, 1e4))
logit_rows32 = arrays(np.float32, st.tuples(st.integers(1, 5), st.integers(1, 6)), elements=st.floats(-1e3, 1e3, width=32))


@given(logit_rows)
def test_softmax_rows_are_distributions_and_finite(z):
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        a = cb.softmax(z)
        lse = cb.logsumexp(z)
        ls = cb.log_softmax(z)
    assert np.isfinite(a).all() and np.isfinite(lse).all() and np.isfinite(ls).all()
    assert ((a >= 0) & (a <= 1)).all()
    assert np.allclose(a.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    # max ≤ LSE ≤ max + ln K (up to rounding of the max itself)
    top = z.max(axis=1)
    tol = 1e-12 * np.maximum(1.0, np.abs(top))
    assert (lse >= top - tol).all() and (lse <= top + math.log(z.shape[1]) + tol).all()


@given(logit_rows32)
def test_float32_stays_float32_and_finite(z):
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        a, ls, lse = cb.softmax(z), cb.log_softmax(z), cb.logsumexp(z)
        labels = np.zeros(z.shape[0], dtype=int)
        loss = cb.softmax_cross_entropy(z, labels)
        g = cb.softmax_cross_entropy_grad(z, labels)
    assert a.dtype == ls.dtype == g.dtype == np.float32 and np.asarray(lse).dtype == np.float32
    assert np.isfinite(a).all() and np.isfinite(ls).all() and np.isfinite(g).all() and math.isfinite(loss)
    assert np.allclose(a.sum(axis=1), 1.0, atol=1e-5)


@given(logit_rows, st.floats(-1e3, 1e3))
def test_shift_invariance(z, c):
    z = np.clip(z, -1e3, 1e3)  # keep z + c within the guaranteed range
    assert np.allclose(cb.softmax(z + c), cb.softmax(z), rtol=1e-9, atol=1e-12)
    lse_shift = cb.logsumexp(z + c) - c
    assert np.allclose(lse_shift, cb.logsumexp(z), rtol=0, atol=1e-9 * (1 + abs(c) + np.abs(z).max()))


@given(logit_rows, st.data())
def test_loss_finite_and_gradient_rows_sum_to_zero(z, data):
    M, K = z.shape
    Y = data.draw(arrays(np.float64, (M, K), elements=st.floats(0.0, 1.0)))
    Y = Y + 1e-3  # avoid an all-zero row, then normalise
    Y = Y / Y.sum(axis=1, keepdims=True)
    loss = cb.softmax_cross_entropy(z, Y)
    g = cb.softmax_cross_entropy_grad(z, Y)
    assert math.isfinite(loss) and loss >= -1e-12
    assert np.isfinite(g).all()
    assert np.allclose(g.sum(axis=1), 0.0, atol=1e-12)


@settings(max_examples=50)
@given(arrays(np.float64, st.integers(2, 6), elements=st.floats(-20, 20)))
def test_jacobian_symmetric_rows_sum_to_zero_singular(z):
    a = cb.softmax(z)
    J = cb.softmax_jacobian(a)
    assert np.array_equal(J, J.T)
    assert np.allclose(J.sum(axis=1), 0.0, atol=1e-15)
    # the all-ones vector is in the null space, so J is singular; J is also PSD
    assert np.allclose(J @ np.ones(z.size), 0.0, atol=1e-15)
    eig = np.linalg.eigvalsh(J)
    assert eig.min() > -1e-15 and abs(eig).min() < 1e-15


# --- bad input ----------------------------------------------------------------------------

def test_bad_input_raises():
    z = np.zeros((2, 3))
    with pytest.raises(ValueError, match="NaN"):
        cb.softmax([0.0, np.nan])
    with pytest.raises(ValueError, match="inf"):
        cb.logsumexp([0.0, np.inf])
    with pytest.raises(ValueError, match="inf"):
        cb.softmax_cross_entropy([[0.0, -np.inf]], [0])
    with pytest.raises(ValueError, match="at least 1 dimension"):
        cb.softmax(1.0)
    with pytest.raises(ValueError, match="axis 2 is out of range"):
        cb.softmax(z, axis=2)
    with pytest.raises(ValueError, match="at least one entry"):
        cb.log_softmax(np.zeros((2, 0)))
    with pytest.raises(ValueError, match=r"logits must have shape \(M, K\)"):
        cb.softmax_cross_entropy(np.zeros(3), [0])
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 3\)"):
        cb.softmax_cross_entropy(z, [0, 3])
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 3\)"):
        cb.softmax_cross_entropy_grad(z, [-1, 0])
    with pytest.raises(ValueError, match="integer class indices"):
        cb.softmax_cross_entropy(z, [0.0, 1.5])
    with pytest.raises(ValueError, match=r"labels must have shape \(2,\)|must have shape \(2,\)"):
        cb.softmax_cross_entropy(z, [0, 1, 2])
    with pytest.raises(ValueError, match="sum to 1"):
        cb.softmax_cross_entropy(z, [[0.5, 0.4, 0.0], [1.0, 0.0, 0.0]])
    with pytest.raises(ValueError, match="sum to 1"):
        cb.softmax_cross_entropy_grad(z, [[0.0, 1.0, 0.0], [1.0, 0.0, 1.0]])  # multi-label
    with pytest.raises(ValueError, match="non-negative"):
        cb.softmax_cross_entropy(z, [[1.5, -0.5, 0.0], [1.0, 0.0, 0.0]])
    with pytest.raises(ValueError, match=r"targets must be labels of shape \(2,\) or distributions"):
        cb.softmax_cross_entropy(z, np.full((2, 4), 0.25))
    with pytest.raises(ValueError, match="NaN"):
        cb.softmax_cross_entropy(z, [[np.nan, 0.5, 0.5], [1.0, 0.0, 0.0]])
    with pytest.raises(ValueError, match=r"shape \(K,\)"):
        cb.softmax_jacobian(np.full((2, 2), 0.5))
    with pytest.raises(ValueError, match="sum to 1"):
        cb.softmax_jacobian([0.5, 0.6])
    with pytest.raises(ValueError, match="non-negative"):
        cb.softmax_jacobian([1.5, -0.5])
    with pytest.raises(ValueError, match="integer class indices"):
        cb.one_hot([True, False], 2)
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 2\)"):
        cb.one_hot([0, 2], 2)
    with pytest.raises(ValueError, match="num_classes must be >= 1"):
        cb.one_hot([], 0)
    with pytest.raises(ValueError, match="num_classes must be a whole number"):
        cb.one_hot([0], 2.0)
    with pytest.raises(ValueError, match="axis must be an integer"):
        cb.logsumexp([0.0, 1.0], axis=0.0)
