"""The engine of chapter 6 cannot be fooled silently: one regression test per defect found
by an independent attack (each failed on the engine before its checking layer), the
operations added for micrograd's operator set, non-finite values, the kink, and the
memory count of a graph."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import ce_backprop as cb
from ce_backprop import autodiff as ad


def _numeric(f, x, h=1e-6):
    return cb.numerical_gradient(f, np.asarray(x, dtype=float), h)


# --- 1. stale data: the backward pass reads what the forward pass used -------------------

@pytest.mark.parametrize("build", [
    lambda x, W: (x @ W).sum(),                      # matmul reads both operands
    lambda x, W: (x.T * W).sum(),                    # mul reads both operands
    lambda x, W: (ad.relu(x.T - W) * W).sum(),       # relu reads its input
    lambda x, W: (ad.softplus(W) * x.T).sum(),       # softplus reads its input
    lambda x, W: (x.T / W).sum() + ad.log(W * W).sum(),  # div and log read their operands
], ids=["matmul", "mul", "relu", "softplus", "div-log"])
def test_changing_the_callers_array_after_the_forward_pass_changes_no_gradient(build):
    x0, W0 = np.array([[1.0, -0.5]]), np.array([[2.0], [0.7]])
    expected = ad.value_and_grad(build, x0, W0)[1]
    Wa, xa = W0.copy(), x0.copy()
    x, W = ad.Tensor(xa), ad.Tensor(Wa)
    cost = build(x, W)
    Wa *= 2                                            # the caller's arrays change in place ...
    xa[:] = 7
    cost.backward()                                    # ... after the forward pass
    np.testing.assert_array_equal(x.grad, expected[0])
    np.testing.assert_array_equal(W.grad, expected[1])


def test_the_issues_example_gives_the_forward_time_gradient():
    Wa = np.full((2, 1), 2.0)
    x, W = ad.Tensor(np.ones((1, 2))), ad.Tensor(Wa)
    cost = (x @ W).sum()
    Wa *= 2
    cost.backward()
    np.testing.assert_array_equal(x.grad, [[2.0, 2.0]])  # Wᵀ as it was in the forward pass


def test_a_tensors_data_cannot_be_changed_in_place_or_replaced():
    W = ad.Tensor(np.ones(3))
    y = ad.sigmoid(W)
    for t in (W, y):
        with pytest.raises(ValueError, match="read-only"):
            t.data[0] = 5.0
        with pytest.raises(ValueError, match="read-only"):
            t.data *= 2
        with pytest.raises(AttributeError):
            t.data = np.zeros(3)
    np.testing.assert_array_equal(W.data, 1.0)


def test_an_input_is_a_copy_and_leaves_the_callers_array_writable():
    a = np.arange(3.0)
    t = ad.Tensor(a)
    assert not np.shares_memory(t.data, a) and a.flags.writeable
    a[0] = 9.0
    assert t.data[0] == 0.0
    x = np.ones((2, 3))
    (ad.Tensor(np.ones((3, 1))).T @ x.T).sum()        # a constant operand is copied too
    assert x.flags.writeable


def test_an_index_key_is_kept_from_the_forward_pass():
    key = np.array([0, 0, 2])
    x = ad.Tensor(np.arange(4.0))
    cost = (x[key] * np.array([1.0, 2.0, 3.0])).sum()
    key[:] = 3
    cost.backward()
    np.testing.assert_array_equal(x.grad, [3.0, 0.0, 3.0, 0.0])


# --- 2. no shared gradient buffers ------------------------------------------------------

def test_gradients_are_separate_writable_arrays():
    a, b = ad.Tensor(np.ones(3)), ad.Tensor(np.ones(3))
    c = a + b
    c.sum().backward()
    grads = [a.grad, b.grad, c.grad]
    for i, g in enumerate(grads):
        assert g.flags.writeable
        for h in grads[i + 1:]:
            assert not np.shares_memory(g, h)
    a.grad[0] = 100.0
    assert b.grad[0] == 1.0 and c.grad[0] == 1.0


def test_a_transposes_gradient_is_not_a_view_of_its_outputs():
    x = ad.Tensor(np.ones((2, 3)))
    y = x.T
    (y * 2.0).sum().backward()
    assert not np.shares_memory(x.grad, y.grad)


def test_a_backward_rule_cannot_change_the_incoming_gradient_in_place():
    def scale_in_place(t):
        def vjp(g):
            g *= 2
            return (g,)
        return ad.Tensor(t.data * 2, (t,), vjp, "scale")
    with pytest.raises(ValueError, match="read-only"):
        scale_in_place(ad.Tensor(np.ones(2))).sum().backward()


# --- 3. every backward rule is checked -----------------------------------------------------

def _bias_add_without_column_sum(Z, b):
    """Chapter 4's source bug: the bias gets the (M, H) gradient, not its column sums."""
    return ad.Tensor(Z.data + b.data, (Z, b), lambda g: (g, g), "add_bias")


def test_a_bias_gradient_without_its_column_sum_is_caught_and_named():
    Z, b = ad.Tensor(np.ones((5, 3))), ad.Tensor(np.zeros(3))
    with pytest.raises(ValueError, match=r"'add_bias'.*shape \(5, 3\).*parent 2, of shape \(3,\)"):
        _bias_add_without_column_sum(Z, b).sum().backward()


@pytest.mark.parametrize("rule, message", [
    (lambda g: (g,), r"tuple of 2 gradient\(s\).*got 1 gradients"),          # zip used to drop one
    (lambda g: (g, g, g), r"tuple of 2 gradient\(s\).*got 3 gradients"),
    (lambda g: g, r"tuple of 2 gradient\(s\).*got a ndarray"),
    (lambda g: (g, g.astype(np.float32)), r"dtype float32 for its parent 2"),
    (lambda g: (g, None), r"dtype object for its parent 2"),
    (lambda g: (g, g.sum(axis=0)), r"shape \(3,\) and dtype float64 for its parent 2, of shape \(1, 3\)"),
], ids=["too-few", "too-many", "not-a-tuple", "dtype", "none", "keepdims"])
def test_a_wrong_backward_rule_raises_and_names_the_operation(rule, message):
    a, b = ad.Tensor(np.ones((2, 3))), ad.Tensor(np.ones((1, 3)))
    out = ad.Tensor(a.data + b.data, (a, b), rule, "my_op")
    with pytest.raises(ValueError, match="'my_op'.*" + message):
        out.sum().backward()


def test_a_float32_parent_needs_a_float32_gradient():
    t = ad.Tensor(np.ones(3, np.float32))
    out = ad.Tensor(t.data * 2, (t,), lambda g: (2 * g.astype(np.float64),), "double")
    with pytest.raises(ValueError, match="'double'.*dtype float64.*dtype float32"):
        out.sum().backward()


# --- 4. float32 stays float32 ---------------------------------------------------------------

F32_EXPRESSIONS = {
    "t * 0.5": lambda t: t * 0.5, "0.5 * t": lambda t: 0.5 * t, "t + 1": lambda t: t + 1,
    "1 - t": lambda t: 1 - t, "t / 2.0": lambda t: t / 2.0, "10.0 / t": lambda t: 10.0 / t,
    "t ** 3": lambda t: t**3, "t ** np.float64(0.5)": lambda t: t ** np.float64(0.5),
    "t * float64 array": lambda t: t * np.full(3, 0.1), "float64 array @ t": lambda t: np.ones((2, 3)) @ t[:, None],
    "-t": lambda t: -t, "t.T": lambda t: t.T, "t[::2]": lambda t: t[::2], "exp": ad.exp, "log": ad.log,
    "sigmoid": ad.sigmoid, "tanh": ad.tanh, "relu": ad.relu, "softplus": ad.softplus,
    "log_softmax": ad.log_softmax, "mean": ad.mean, "np.float64(2) * t": lambda t: np.float64(2) * t,
}


@pytest.mark.parametrize("name", list(F32_EXPRESSIONS))
def test_float32_stays_float32_with_constants(name):
    t = ad.Tensor(np.array([0.5, 1.5, 2.0], np.float32))
    out = F32_EXPRESSIONS[name](t)
    assert out.data.dtype == np.float32
    out.sum().backward()
    assert t.grad.dtype == np.float32


def test_float32_and_float64_tensors_do_not_mix_silently():
    a, b = ad.Tensor(np.ones(3, np.float32)), ad.Tensor(np.ones(3))
    for op in (ad.add, ad.sub, ad.mul, ad.div):
        with pytest.raises(ValueError, match="float32 and float64"):
            op(a, b)
    with pytest.raises(ValueError, match="float32 and float64"):
        ad.matmul(ad.Tensor(np.ones((2, 3), np.float32)), ad.Tensor(np.ones((3, 2))))


def test_two_float32_constants_stay_float32():
    assert ad.add(np.ones(2, np.float32), np.ones(2, np.float32)).data.dtype == np.float32


# --- 5. 0-d gradients, (1, 1) results, non-finite values, complex input -----------------

def test_a_broadcast_0d_operand_gets_a_writable_0d_array():
    b = ad.Tensor(2.0)
    (ad.Tensor(np.ones(3)) * b).sum().backward()
    assert isinstance(b.grad, np.ndarray) and b.grad.shape == () and b.grad.flags.writeable
    assert b.grad == 3.0
    _, (db,) = ad.value_and_grad(lambda s: (s + np.ones((2, 2))).sum(), 1.5)
    assert isinstance(db, np.ndarray) and db.shape == () and db == 4.0


def test_value_and_grad_accepts_a_1_by_1_result():
    x = np.array([[1.0, 2.0]])
    value, (g,) = ad.value_and_grad(lambda t: t @ np.array([[3.0], [4.0]]), x)
    assert value == 11.0 and isinstance(value, float)
    np.testing.assert_array_equal(g, [[3.0, 4.0]])


def test_minus_infinity_masks_a_logit():
    z = np.array([[0.3, -np.inf, 1.2, -0.4]])
    masked = ad.Tensor(z)
    out = ad.log_softmax(masked)
    keep = [0, 2, 3]
    np.testing.assert_allclose(out.data[0, keep], cb.log_softmax(z[0, keep]), rtol=1e-15)
    assert out.data[0, 1] == -np.inf
    G = np.array([[0.5, 0.0, -1.0, 2.0]])
    (out[:, keep] * G[:, keep]).sum().backward()      # index the kept entries, as a masked cost does
    free = ad.Tensor(z[:, keep])
    (ad.log_softmax(free) * G[:, keep]).sum().backward()
    np.testing.assert_allclose(masked.grad[:, keep], free.grad, rtol=1e-14)
    assert masked.grad[0, 1] == 0.0


@pytest.mark.parametrize("op, limits", [(ad.sigmoid, [0, 1]), (ad.tanh, [-1, 1]), (ad.relu, [0, np.inf]),
                                        (ad.softplus, [0, np.inf]), (ad.exp, [0, np.inf])],
                         ids=["sigmoid", "tanh", "relu", "softplus", "exp"])
def test_infinities_give_the_limits(op, limits):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(op(ad.Tensor(np.array([-np.inf, np.inf]))).data, limits)
        z = ad.Tensor(-np.inf)
        op(z).backward()
    assert z.grad == 0.0                                # each derivative tends to 0 at −∞


NAN_OPS = {"sigmoid": ad.sigmoid, "tanh": ad.tanh, "relu": ad.relu, "softplus": ad.softplus,
           "exp": ad.exp, "log": ad.log, "neg": ad.neg, "pow": lambda t: t**2,
           "log_softmax": ad.log_softmax, "mul": lambda t: t * 3.0, "div": lambda t: 1.0 / t}


@pytest.mark.parametrize("name", list(NAN_OPS))
def test_nan_propagates_forward_and_backward_in_every_operation(name):
    x = ad.Tensor(np.array([[np.nan, 0.5, 2.0], [1.0, 0.25, 3.0]]))
    with np.errstate(invalid="ignore"):                # NumPy may warn (logaddexp does), never raise
        out = NAN_OPS[name](x)
        out.sum().backward()
    if name == "log_softmax":                           # a NaN logit spoils its whole row
        assert np.isnan(out.data[0]).all() and np.isnan(x.grad[0]).all()
        assert np.isfinite(out.data[1]).all() and np.isfinite(x.grad[1]).all()
    else:
        assert np.isnan(out.data[0, 0]) and np.isfinite(out.data.ravel()[1:]).all()
        assert np.isfinite(x.grad.ravel()[1:]).all()
        # a derivative that depends on x is NaN there; a constant one (−1, 3) is not
        assert np.isfinite(x.grad[0, 0]) == (name in ("neg", "mul"))


def test_relus_backward_does_not_turn_nan_into_zero():
    x = ad.Tensor(np.array([np.nan, -1.0, 0.0, 2.0]))
    ad.relu(x).sum().backward()                         # the slope at NaN is NaN, not 0
    np.testing.assert_array_equal(x.grad, [np.nan, 0.0, 0.0, 1.0])
    y = ad.Tensor(np.array([-1.0, 2.0]))
    (ad.relu(y) * np.array([np.nan, 1.0])).sum().backward()
    assert np.isnan(y.grad[0])                          # an incoming NaN times the slope 0 is NaN


@pytest.mark.parametrize("data", [np.array([1 + 2j]), 1j, np.array([1.0 + 0j, 2.0])])
def test_complex_input_raises_instead_of_losing_its_imaginary_part(data):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match="complex"):
            ad.Tensor(data)
        with pytest.raises(ValueError, match="complex"):
            ad.Tensor(np.ones(1)) * data
        with pytest.raises(ValueError, match="complex"):
            ad.binary_cross_entropy_with_logits(np.ones(np.shape(data)), data)


# --- 6. the operations added: micrograd's operator set and more -------------------------------

def _check_op(op, *arrays, seed=0):
    """Every input's gradient of L = Σ G ⊙ op(inputs) against centred differences."""
    G = np.random.default_rng(seed).normal(size=op(*[ad.Tensor(a) for a in arrays]).shape)
    cost = lambda *ts: (op(*ts) * G).sum()  # noqa: E731
    _, grads = ad.value_and_grad(cost, *arrays)
    for i, (a, g) in enumerate(zip(arrays, grads)):
        def f(v, i=i):
            inputs = [ad.Tensor(u) for u in arrays]
            inputs[i] = ad.Tensor(v)
            return cost(*inputs).data.item()
        assert g.shape == np.shape(a)
        np.testing.assert_allclose(g, _numeric(f, a), rtol=1e-6, atol=1e-8)


rng = np.random.default_rng(21)
X, P = rng.normal(size=(3, 4)), rng.uniform(0.5, 2.0, (3, 4))

NEW_OPS = [
    ("a / b", lambda a, b: a / b, (X, P)),
    ("a / b, both broadcast", lambda a, b: a / b, (X[:, :1], P[:1])),
    ("a / 2.0", lambda a: a / 2.0, (X,)),
    ("10.0 / a", lambda a: 10.0 / a, (P,)),
    ("a ** 3", lambda a: a**3, (X,)),
    ("a ** 0.5", lambda a: a**0.5, (P,)),
    ("a ** -1.5", lambda a: a**-1.5, (P,)),
    ("exp", ad.exp, (X,)),
    ("log", ad.log, (P,)),
    ("a.exp().log()", lambda a: a.exp().log() * a.tanh() + a.sigmoid(), (X,)),
    ("transpose", lambda a: a.T, (X,)),
    ("transpose 3-d", ad.transpose, (rng.normal(size=(2, 3, 4)),)),
    ("a @ b.T", lambda a, b: a @ b.T, (X, P)),
    ("a[1]", lambda a: a[1], (X,)),
    ("a[:, 1:3]", lambda a: a[:, 1:3], (X,)),
    ("a[[0, 0, 2]] repeated rows", lambda a: a[[0, 0, 2]], (X,)),
    ("a[rows, cols] picks", lambda a: a[np.arange(3), np.array([1, 3, 1])], (X,)),
    ("a[a > 0] mask", lambda a: a[X > 0], (X,)),
    ("a[1, 2] to 0-d", lambda a: a[1, 2], (X,)),
    ("a[None, ..., -1]", lambda a: a[None, ..., -1], (X,)),
    ("reflected -, *, +", lambda a: 2.0 - a * 3.0 + 1.0 - (-a), (X,)),
]


@pytest.mark.parametrize("name, op, arrays", NEW_OPS, ids=[n for n, *_ in NEW_OPS])
def test_new_operation_backward_matches_finite_differences(name, op, arrays):
    _check_op(op, *arrays)


def test_new_operations_compute_what_numpy_computes():
    a, b = ad.Tensor(X), ad.Tensor(P)
    for got, expected in [(a / b, X / P), (10.0 / b, 10.0 / P), (a**3, X**3), (b**0.5, np.sqrt(P)),
                          (a.exp(), np.exp(X)), (b.log(), np.log(P)), (a.T, X.T), (a[[2, 0]], X[[2, 0]]),
                          (ad.index(a, (slice(None), 0)), X[:, 0]), (ad.power(b, 2), P**2)]:
        np.testing.assert_array_equal(got.data, expected)


def test_bad_exponents_and_keys_raise():
    t = ad.Tensor(np.ones(3))
    with pytest.raises(ValueError, match="exponent"):
        t ** t
    with pytest.raises(ValueError, match="exponent"):
        ad.power(t, True)
    with pytest.raises(IndexError):
        t[ad.Tensor(0.0)]                               # a key is a NumPy index, not a Tensor
    with pytest.raises(IndexError):
        t[3]
    with pytest.raises(ValueError, match="axis"):
        ad.log_softmax(ad.Tensor(1.0))                  # no axis to normalise over
    with pytest.raises(TypeError):
        2.0 ** t                                        # a tensor exponent is not supported
    with pytest.raises(TypeError):
        np.exp(t)                                       # NumPy functions do not build graphs


# --- the kink, x · x, 0-d tensors, axes, both-operand broadcasting ---------------------------

def test_ad_differentiates_the_program_not_the_function():
    x0 = np.array([-1.5, 0.0, 2.0])
    value, (grad,) = ad.value_and_grad(lambda x: (ad.relu(x) - ad.relu(-x)).sum(), x0)
    out = ad.relu(ad.Tensor(x0)) - ad.relu(-ad.Tensor(x0))
    np.testing.assert_array_equal(out.data, x0)        # the function is the identity ...
    np.testing.assert_array_equal(grad, [1.0, 0.0, 1.0])  # ... its AD derivative at 0 is 0
    np.testing.assert_allclose(_numeric(lambda v: float(np.sum(v)), x0), 1.0, rtol=1e-9)


def test_x_times_x_is_two_x():
    x0 = np.random.default_rng(3).normal(size=5)
    _, (grad,) = ad.value_and_grad(lambda x: (x * x).sum(), x0)
    np.testing.assert_array_equal(grad, 2 * x0)
    _, (grad,) = ad.value_and_grad(lambda x: (x * x * x).sum(), x0)
    np.testing.assert_allclose(grad, 3 * x0**2, rtol=1e-15)


ZERO_D_OPS = {"neg": ad.neg, "sigmoid": ad.sigmoid, "tanh": ad.tanh, "relu": ad.relu,
              "softplus": ad.softplus, "exp": ad.exp, "log": lambda t: ad.log(t * t),
              "pow": lambda t: t**3, "div": lambda t: 1.0 / (1.0 + t * t), "sum": ad.tensor_sum,
              "mean": ad.mean, "transpose": ad.transpose, "index": lambda t: t[()]}


@pytest.mark.parametrize("name", list(ZERO_D_OPS))
def test_0d_tensors_through_every_operation(name):
    x0 = np.array(0.7)
    value, (grad,) = ad.value_and_grad(ZERO_D_OPS[name], x0)
    assert grad.shape == () and isinstance(grad, np.ndarray)
    f = lambda v: ZERO_D_OPS[name](ad.Tensor(v)).data.item()  # noqa: E731
    np.testing.assert_allclose(grad, _numeric(f, x0), rtol=1e-7)


@st.composite
def both_broadcast(draw):
    """Two shapes that both stretch: each has 1s where the other has the full length."""
    full = draw(st.lists(st.integers(2, 4), min_size=2, max_size=3))
    mask = draw(st.lists(st.booleans(), min_size=len(full), max_size=len(full)).filter(lambda m: any(m) and not all(m)))
    a = tuple(n if m else 1 for n, m in zip(full, mask))
    b = tuple(1 if m else n for n, m in zip(full, mask))
    return a, b[draw(st.integers(0, len(b) - 1)):]      # b may also drop leading axes


@given(name=st.sampled_from(["add", "sub", "mul", "div"]), pair=both_broadcast(), seed=st.integers(0, 2**32 - 1))
def test_both_operands_broadcast(name, pair, seed):
    r = np.random.default_rng(seed)
    a, b = (r.uniform(0.5, 2.0, shape) * r.choice([-1.0, 1.0], shape) for shape in pair)  # away from 0
    _check_op(getattr(ad, name), a, b, seed=seed)
    _check_op(getattr(ad, name), b, a, seed=seed)


@pytest.mark.parametrize("reduce", [ad.tensor_sum, ad.mean])
@pytest.mark.parametrize("axis", [None, 0, 1, 2, -1, -3])
def test_reductions_over_each_axis_of_a_3d_tensor(reduce, axis):
    x = np.random.default_rng(4).normal(size=(2, 3, 4))
    out = reduce(ad.Tensor(x), axis)
    np.testing.assert_allclose(out.data, (np.sum if reduce is ad.tensor_sum else np.mean)(x, axis=axis), rtol=1e-15)
    _check_op(lambda t: reduce(t, axis), x)


# --- the memory a graph keeps for its backward pass ---------------------------------------

@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_intermediate_bytes_of_a_known_graph(dtype):
    M, K, H = 7, 5, 3
    x = ad.Tensor(np.ones((M, K), dtype))
    W, b = ad.Tensor(np.ones((K, H), dtype)), ad.Tensor(np.ones(H, dtype))
    a = ad.sigmoid(x @ W + b)                 # three (M, H) intermediates: x W, + b, σ
    cost = (a.T * 2.0).sum(axis=0).mean()     # a view (no memory), an (H, M) product, (M,), ()
    size = np.dtype(dtype).itemsize
    expected = (3 * M * H + H * M + M + 1) * size
    assert ad.intermediate_bytes(cost) == expected
    assert ad.intermediate_bytes(x) == 0      # an input alone keeps nothing


def test_intermediate_bytes_of_chapter_4s_network_grows_with_the_batch():
    rng_ = np.random.default_rng(0)
    W1, b1, W2, b2 = [ad.Tensor(p) for _, p in cb.network_init(64, 32, 10, rng_)]

    def graph(M):
        x = rng_.normal(size=(M, 64))
        z2 = ad.sigmoid(x @ W1 + b1) @ W2 + b2
        return ad.softmax_cross_entropy(z2, rng_.integers(0, 10, M))
    # per row: 3 × 32 (x W1, + b1, σ) + 4 × 10 (@ W2, + b2, log_softmax, ⊙ Y) + 1 (row sum);
    # then the mean and its negation, one float each
    for M in (1, 128):
        assert ad.intermediate_bytes(graph(M)) == 8 * (M * (3 * 32 + 4 * 10 + 1) + 2)


def test_an_array_made_writable_again_after_the_forward_pass_is_refused():
    """Read-only is a guard, not a guarantee: switching writing back on and changing W is caught."""
    x, W = ad.Tensor(np.ones((1, 2))), ad.Tensor(np.ones((2, 1)))
    L = (x @ W).sum()
    W.data.flags.writeable = True
    W.data[...] *= 2
    with pytest.raises(ValueError, match="made writable after the forward pass"):
        L.backward()
