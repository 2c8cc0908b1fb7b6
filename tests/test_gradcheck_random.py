"""The checker on random smooth functions of random scales (appendix A).

f(θ) = c + A Σ_j sin(ω_j θ_j + φ_j) + B (Σ_j θ_j)², with amplitudes A, B and an
offset c over many orders of magnitude (a large offset is a constant that f
carries along, as a summed cost does), frequencies up to 10 and points up to
±10. The exact gradient must never fail; a gradient with one entry flipped,
scaled or zeroed (moving it by more than 2 %) must never pass; and where the
entry is large compared with f's rounding noise and the function is not
ill-scaled, the verdicts must be passed and failed.
`HYPOTHESIS_PROFILE=thorough` runs each test on 2000 examples.
"""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import ce_backprop as cb

relaxed = settings(suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])


@st.composite
def functions(draw):
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n = draw(st.integers(1, 6))
    A = 10.0 ** draw(st.floats(-12, 6))
    B = draw(st.sampled_from([0.0, 1.0])) * 10.0 ** draw(st.floats(-6, 2))
    c = draw(st.sampled_from([0.0, 1.0, -1.0])) * 10.0 ** draw(st.floats(-3, 8))
    omega = rng.uniform(0.1, 10, n)
    phi = rng.uniform(0, 2 * np.pi, n)
    x = rng.uniform(-10, 10, n) * draw(st.sampled_from([0.1, 1.0]))

    def f(v):
        return float(c + A * np.sum(np.sin(omega * v + phi)) + B * np.sum(v) ** 2)

    g = A * omega * np.cos(omega * x + phi) + 2 * B * np.sum(x)
    return f, x, g, (A, B, c)


@relaxed
@given(functions())
def test_the_exact_gradient_is_never_failed(case):
    f, x, g, _ = case
    check = cb.gradient_check("g", f, x, g)
    assert not check.failed, check.details().en


@relaxed
@given(functions(), st.integers(0, 100), st.sampled_from([-1.0, 0.0, 0.5, 2.0]))
def test_a_wrong_entry_is_never_passed(case, pick, factor):
    f, x, g, _ = case
    bad = g.copy()
    i = pick % g.size
    bad[i] = factor * g[i]
    assume(abs(bad[i] - g[i]) > 0.02 * abs(g[i]))
    check = cb.gradient_check("g", f, x, bad)
    assert not check.passed, check.details().en
    assert check.entry_verdicts[i] != "passed"


@relaxed
@given(functions(), st.integers(0, 100))
def test_full_power_where_the_entry_stands_out_of_the_noise(case, pick):
    f, x, g, (A, B, c) = case
    i = pick % g.size
    size = abs(c) + A * g.size + B * np.sum(x) ** 2 + 1e-300  # the size of the numbers f adds up
    # the entry must be far above what rounding lets any step see: ε·size / step, with steps ≤ 0.1
    assume(abs(g[i]) > 1e-8 * size and A > 1e-6 * (size - abs(c)) and abs(g[i]) > 1e-3 * A)
    right = cb.gradient_check("g", f, x, g)
    assert right.entry_verdicts[i] == "passed", right.details().en
    bad = g.copy()
    bad[i] = -g[i]
    assert cb.gradient_check("g", f, x, bad).entry_verdicts[i] == "failed"
