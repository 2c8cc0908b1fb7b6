"""Every way the earlier gradient check was fooled (issue 18), as a regression test (appendix A).

Wrong gradients that it passed, and correct ones that it failed. Now a wrong
gradient is failed or inconclusive, never passed; a correct one passed or
inconclusive, never failed; and where the finite difference can resolve the
entry at all (every case below but the float32 and staircase ones), the
verdict is the right one outright.
"""

from __future__ import annotations

import numpy as np
import pytest

import ce_backprop as cb


def check(f, x, g, **kw):
    return cb.gradient_check("g", f, x, g, **kw)


# --- wrong gradients the old check passed -----------------------------------------------------


def test_flipped_sigma_prime_at_minus_22():
    # f = σ(−22) ≈ 3e-10; its centred difference is good to ~1e-20
    assert check(cb.sigmoid, -22.0, -cb.sigmoid_prime(-22.0)).failed
    assert check(cb.sigmoid, -22.0, cb.sigmoid_prime(-22.0)).passed


@pytest.mark.parametrize("wrong", ["flipped", "zero"])
def test_well_classified_example_bce_from_logits(wrong):
    z, y = np.array([-25.0]), np.zeros(1)
    f = lambda v: cb.binary_cross_entropy_with_logits(v, y)  # noqa: E731
    good = cb.binary_cross_entropy_grad_logits(z, y)
    bad = -good if wrong == "flipped" else np.zeros_like(good)
    assert check(f, z, bad).failed
    assert check(f, z, good).passed


def test_softmax_jacobian_row_of_an_unlikely_class():
    z = np.array([0.0, 2.0, -22.0, 1.0])
    a = cb.softmax(z)
    assert 1e-11 < a[2] < 1e-10
    row = cb.softmax_jacobian(a)[2]
    f = lambda v: float(cb.softmax(v)[2])  # noqa: E731
    assert check(f, z, row).passed
    assert check(f, z, -row).failed


def test_sign_bug_in_the_saturated_branch_of_a_stable_bce_gradient():
    z = np.array([1.3, -0.4, -23.0, 2.1, -27.0, 0.2])
    y = np.array([1.0, 0.0, 0.0, 1.0, 0.0, 0.0])
    f = lambda v: cb.binary_cross_entropy_with_logits(v, y)  # noqa: E731

    def grad(v, buggy):
        out = np.empty_like(v)
        low = v < -20  # the branch for very negative z: σ(z) = e^z/(1 + e^z)
        out[~low] = cb.sigmoid(v[~low]) - y[~low]
        e = np.exp(v[low])
        out[low] = (-1.0 if buggy else 1.0) * e / (1 + e) - y[low]
        return out / v.size

    good, bad = check(f, z, grad(z, False)), check(f, z, grad(z, True))
    # σ(−27)/6 ≈ 3e-13 is resolved to about 2 % at best: inconclusive, but never failed
    assert not good.failed and good.entry_verdicts[z > -25].tolist() == ["passed"] * 5
    assert bad.failed and bad.entry_verdicts.tolist() == ["passed", "passed", "failed", "passed", "failed", "passed"]


@pytest.mark.parametrize("factor", [-1.0, 2.0])
def test_constant_offset_of_a_summed_cost(factor):
    theta = np.array([0.3, -1.0, 2.0])
    f = lambda v: 1e6 + 1e-3 * float(np.sum(cb.sigmoid(v)))  # noqa: E731
    g = 1e-3 * cb.sigmoid_prime(theta)
    assert check(f, theta, factor * g).failed
    assert check(f, theta, g).passed


def _logistic_regression():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(50, 3))
    y = (rng.uniform(size=50) < cb.sigmoid(X @ np.array([1.0, -2.0, 0.5]))).astype(float)
    grad = lambda w: X.T @ (cb.sigmoid(X @ w) - y) / 50  # noqa: E731
    w = np.zeros(3)
    for _ in range(30):  # Newton's method to the optimum
        p = cb.sigmoid(X @ w)
        w = w - np.linalg.solve((X * (p * (1 - p))[:, None]).T @ X / 50, grad(w))
    u = rng.normal(size=3)
    w = w + 1e-6 * u / np.linalg.norm(u)
    return (lambda v: cb.binary_cross_entropy_with_logits(X @ v, y)), w, grad(w)


def test_near_the_optimum_of_a_logistic_regression():
    f, w, g = _logistic_regression()
    assert np.abs(g).max() < 1e-6
    assert check(f, w, 1.5 * g).failed
    assert check(f, w, g).passed


# --- correct gradients the old check failed ---------------------------------------------------


def test_a_model_that_keeps_its_parameters_in_float32():
    rng = np.random.default_rng(0)
    verdicts = []
    for _ in range(200):
        X = rng.normal(size=(4, 3)).astype(np.float32)
        y = rng.uniform(size=4).astype(np.float32)
        theta = rng.normal(size=4)

        def f(t):
            t = t.astype(np.float32)
            a = 1 / (1 + np.exp(-(X @ t[:3] + t[3])))
            return float(np.mean((a - y) ** 2) / 2)

        t32 = theta.astype(np.float32)
        a = 1 / (1 + np.exp(-(X @ t32[:3] + t32[3])))
        d = (a - y) * a * (1 - a) / 4
        g = np.append(X.T @ d, d.sum()).astype(np.float64)
        c = check(f, theta, g)
        assert not c.failed, c.details().en
        assert c.float32
        verdicts.append(c.verdict)
        if len(verdicts) <= 20:  # and a wrong gradient is still caught
            assert not check(f, theta, -g).passed
    assert verdicts.count("passed") > 150


def test_the_exact_derivative_at_an_inflection_point():
    # σ(5000 w) at w = 0: f″ = 0, so the second difference is 0 and only the truncation is left
    assert check(lambda w: cb.sigmoid(5000 * w), 0.0, 1250.0).passed
    assert check(lambda w: cb.sigmoid(5000 * w), 0.0, 1250.0 * 1.01).failed


def test_a_staircase():
    # −ln(1 − σ(z)) computed naively at z = 25: 1 − σ(z) keeps about 5 digits, f moves in steps
    f = lambda z: float(-np.log(1 - cb.sigmoid(z)))  # noqa: E731
    assert f(25.0 + 1e-6) == f(25.0)
    assert not check(f, 25.0, cb.sigmoid(25.0)).failed
    assert not check(f, 25.0, 0.0).passed


# --- the rest of what the review found ----------------------------------------------------------


def test_sigma_prime_25_is_told_from_its_negative():
    # h* ≈ (3ε|f|/|f‴|)^{1/3} ≈ 0.04: at steps near it the centred difference resolves σ′(25) ≈ 1.4e-11
    good = check(cb.sigmoid, 25.0, cb.sigmoid_prime(25.0))
    bad = check(cb.sigmoid, 25.0, -cb.sigmoid_prime(25.0))
    assert good.passed and bad.failed
    assert good.steps.item() >= 1e-3


def test_the_naive_relative_error_condemns_sigma_prime_15():
    naive = cb.relative_error(cb.sigmoid_prime(15.0), cb.numerical_gradient(cb.sigmoid, 15.0))
    assert naive > cb.DEFAULT_THRESHOLD
    assert check(cb.sigmoid, 15.0, cb.sigmoid_prime(15.0)).passed


def test_a_kink_is_not_judged():
    relu = lambda t: max(float(t), 0.0)  # noqa: E731
    for g in (0.0, 0.5, 1.0):
        c = check(relu, 0.0, g)
        assert c.inconclusive and c.reasons.item() == "rough"
    assert check(relu, 3e-7, 1.0).passed  # a smaller step stays on one side
    assert check(relu, 3e-7, 0.0).failed


def test_saturated_network_passes_and_its_naive_rule_fails():
    # chapter 4's network with one saturated hidden unit (b1[0] = 14)
    rng = np.random.default_rng(0)
    p = cb.network_init(4, 5, 3, rng)
    p.b1[0] = 14.0
    x, y = rng.normal(size=(6, 4)), rng.integers(0, 3, 6)
    g = cb.network_backward(p, cb.network_forward(p, x), y)
    f = lambda v: cb.network_loss(cb.NetworkParams(p.W1, v, p.W2, p.b2), x, y)  # noqa: E731
    for h in (1e-5, 1e-6):
        assert check(f, p.b1, g.b1, h=h).passed
    naive = cb.relative_error(g.b1, cb.numerical_gradient(f, p.b1, 1e-6))
    assert naive > cb.DEFAULT_THRESHOLD
    flipped = g.b1.copy()
    flipped[0] = -flipped[0]
    assert check(f, p.b1, flipped).failed


def test_a_constant_direction_is_flat_and_not_passed():
    # f does not depend on θ_1 at all: g_1 = 0 is right but unconfirmable; g_1 = 1 is wrong
    f = lambda v: float(np.sin(v[0]))  # noqa: E731
    x = np.array([0.3, 2.0])
    right = check(f, x, np.array([np.cos(0.3), 0.0]))
    assert right.inconclusive and right.reasons.tolist() == ["", "flat"]
    assert not check(f, x, np.array([np.cos(0.3), 1.0])).passed


# --- a step that leaves f's domain ----------------------------------------------------------------


def test_a_step_outside_the_domain_is_no_verdict_and_no_error():
    # chapter 3: −Σ y ln a at a softmax output; the entries with y = 0 do not move f, so the check
    # tries larger steps, and a − 8t < 0 makes ln undefined there
    a = cb.softmax(np.array([1.0, -2.0, 0.5, -4.0]))
    y = cb.one_hot([0], 4)[0]
    check = cb.gradient_check("∂L/∂a", lambda v: -np.sum(y * np.log(v)), a, -y / a)
    assert not check.failed and check.entry_verdicts[0] == "passed"
    assert set(check.reasons[1:]) <= {"flat", "undefined"}
    wrong = cb.gradient_check("∂L/∂a", lambda v: -np.sum(y * np.log(v)), a, y / a)
    assert wrong.failed


def test_a_point_near_the_edge_of_the_domain_takes_a_smaller_step():
    # ln x at x = 5e-6: x − 8h < 0 at h = 1e-6, but h/10 stays inside
    check = cb.gradient_check("1/x", lambda v: float(np.log(v)), 5e-6, 1 / 5e-6)
    assert check.passed and check.steps.item() < 1e-6
    assert cb.gradient_check("1/x", lambda v: float(np.log(v)), 5e-6, 2 / 5e-6).failed
    undefined = cb.gradient_check("1/x", lambda v: float(np.log(v)), 5e-9, 1 / 5e-9)
    assert undefined.inconclusive and undefined.reasons.item() == "undefined"
    assert undefined.message.en == "1/x: inconclusive (f undefined at θ ± h)"


def test_the_order_test_skips_steps_outside_the_domain():
    x = np.array([0.02, 0.5])
    f = lambda v: float(np.sum(np.log(v)))  # noqa: E731
    test = cb.taylor_test("g", f, x, 1 / x)
    assert test.verdict != "failed"
    assert cb.gradient_check("g", f, x, 1 / x, order_test=True).passed
