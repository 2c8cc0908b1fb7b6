"""Forward mode (cb.forward_mode, chapter 6) against the reverse-mode engine and centred
differences: exact, and one pass per input entry."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import ce_backprop as cb
from ce_backprop import autodiff as ad
from ce_backprop import forward_mode as fm


def network_cost(W1, b1, W2, b2, x, Y, exp, log):
    """A sigmoid hidden layer and the cross-entropy of a softmax, in +, −, *, /, @, exp and log."""
    h = 1.0 / (1.0 + exp(-(x @ W1 + b1)))
    z = h @ W2 + b2
    log_p = z - log(exp(z) @ np.ones((3, 3)))   # log-softmax (no max shift): every entry minus its row's LSE
    return -(log_p * Y).sum() / x.shape[0]


rng = np.random.default_rng(6)
x, Y = rng.normal(size=(5, 4)), np.eye(3)[rng.integers(0, 3, 5)]
PARAMS = [rng.normal(size=(4, 3)), rng.normal(size=3), rng.normal(size=(3, 3)), rng.normal(size=3)]


def test_forward_mode_gradient_equals_reverse_mode_and_finite_differences():
    value, grads = fm.gradient(lambda *p: network_cost(*p, x, Y, fm.exp, fm.log), *PARAMS)
    ad_value, ad_grads = ad.value_and_grad(lambda *p: network_cost(*p, x, Y, ad.exp, ad.log), *PARAMS)
    assert value == pytest.approx(ad_value, rel=1e-14)
    for k, (g, r) in enumerate(zip(grads, ad_grads)):
        np.testing.assert_allclose(g, r, rtol=1e-12, atol=1e-15)     # two exact methods: rounding only
        def f(v, k=k):
            p = list(PARAMS)
            p[k] = v
            return float(network_cost(*p, x, Y, np.exp, np.log))
        np.testing.assert_allclose(g, cb.numerical_gradient(f, PARAMS[k]), rtol=1e-6, atol=1e-9)


def test_one_forward_pass_per_input_entry():
    calls = []

    def f(*p):
        calls.append(1)
        return network_cost(*p, x, Y, fm.exp, fm.log)
    fm.gradient(f, *PARAMS)
    assert len(calls) == sum(p.size for p in PARAMS) == 4 * 3 + 3 + 3 * 3 + 3


def vector_function(s, t, exp, log):
    """(3, 2) and (2, 4) in, (3, 4) out: J v has the output's shape."""
    return exp(s @ t / 3.0) - (2.0 - s) ** 2 @ np.ones((2, 4)) + (log(t) * 0.5 - 1.0 / t).sum(axis=0)


@given(seed=st.integers(0, 2**32 - 1))
def test_jvp_is_the_jacobian_times_the_direction(seed):
    r = np.random.default_rng(seed)
    a, b = r.normal(size=(3, 2)), r.uniform(0.5, 2.0, (2, 4))
    va, vb = r.normal(size=a.shape), r.normal(size=b.shape)
    value, tangent = fm.jvp(lambda s, t: vector_function(s, t, fm.exp, fm.log), (a, b), (va, vb))
    h = 1e-6
    plus, minus = (vector_function(a + h * va, b + h * vb, np.exp, np.log),
                   vector_function(a - h * va, b - h * vb, np.exp, np.log))
    assert tangent.shape == value.shape == (3, 4)
    np.testing.assert_allclose(value, vector_function(a, b, np.exp, np.log), rtol=1e-15)
    np.testing.assert_allclose(tangent, (plus - minus) / (2 * h), rtol=1e-6, atol=1e-8)
    # with weights G, Σ G ⊙ (J v) is the reverse-mode gradient of Σ G ⊙ f dotted with v
    G = r.normal(size=(3, 4))
    _, (ga, gb) = ad.value_and_grad(lambda s, t: (vector_function(s, t, ad.exp, ad.log) * G).sum(), a, b)
    assert np.sum(G * tangent) == pytest.approx(np.sum(ga * va) + np.sum(gb * vb), rel=1e-11, abs=1e-12)


def test_forward_mode_is_exact():
    t = np.array([1.0, 2.0, 3.0, -4.0])
    _, (g,) = fm.gradient(lambda s: (s**3).sum() - (2.0 * s).sum(), t)
    np.testing.assert_array_equal(g, 3 * t**2 - 2)          # no truncation error at all


def test_gradient_needs_an_entry():
    with pytest.raises(ValueError, match="at least one input entry"):
        fm.gradient(lambda s: s.sum(), np.zeros((0, 3)))


def test_bad_directions_and_exponents_raise_and_name_the_argument():
    f = lambda s: (s * s).sum()
    with pytest.raises(ValueError, match="directions must hold one array per input"):
        fm.jvp(f, [np.ones(3)], [np.ones(3), np.ones(3)])
    with pytest.raises(ValueError, match=r"directions\[0\] must have the shape of its input"):
        fm.jvp(f, [np.ones(3)], [np.ones(2)])
    with pytest.raises(ValueError, match="f must return a scalar"):
        fm.gradient(lambda s: s * 2.0, np.ones(3))
    with pytest.raises(ValueError, match="the exponent p must be a constant number"):
        fm.jvp(lambda s: s ** fm.Dual(2.0, 0.0), [np.ones(3)], [np.ones(3)])


def test_the_dual_product_rule_at_known_values():
    """(3, 1)·(2, 5) = (6, 1·2 + 3·5) = (6, 17): the product rule, by hand."""
    value, tangent = fm.jvp(lambda u, v: u * v, [np.array(3.0), np.array(2.0)], [np.array(1.0), np.array(5.0)])
    assert (value, tangent) == (6.0, 17.0)
