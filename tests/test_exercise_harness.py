"""The exercise checker's harness: a right answer passes, each kind of wrong one is named."""

import numpy as np
import pytest

from ce_backprop.exercises import Case, Hint, run_cases

SIGN = Hint("符号反了", "the sign is flipped")
CASES = [
    Case("a vector", (np.array([0.5, -1.0]),), np.array([1.0, -2.0]), SIGN),
    Case("large values", (np.array([1e3]),), np.array([2e3]), Hint("大数", "large values")),
]


def test_right_answer_passes():
    result = run_cases("double", lambda x: 2 * x, CASES)
    assert result.passed and bool(result) and result.cases_run == 2
    assert str(result) == "✓ double: 通过 · passed (2 cases)"


def test_wrong_sign_names_the_case_and_hint():
    result = run_cases("double", lambda x: -2 * x, CASES)
    assert not result.passed and result.failed_case == "a vector"
    assert "the sign is flipped" in str(result) and "符号反了" in str(result)


def test_wrong_shape_and_nan_and_exception():
    assert "wrong shape" in str(run_cases("double", lambda x: (2 * x).sum(), CASES))
    assert "NaN or inf" in str(run_cases("double", lambda x: x * np.nan, CASES))
    raised = run_cases("double", lambda x: 1 / 0, CASES)
    assert "raised" in str(raised) and "ZeroDivisionError" in str(raised)


def test_later_case_fails_alone():
    clipped = run_cases("double", lambda x: np.minimum(2 * x, 10.0), CASES)
    assert clipped.failed_case == "large values" and clipped.cases_run == 2


def test_learner_cannot_change_the_cases():
    def mutate(x):
        x[:] = 0
        return 2 * x
    run_cases("double", mutate, CASES)
    assert CASES[0].args[0][0] == 0.5


def test_tuple_results():
    cases = [Case("pair", (np.array([1.0]),), (np.array([1.0]), np.array([2.0])), SIGN)]
    assert run_cases("pair", lambda x: (x, 2 * x), cases).passed
    assert not run_cases("pair", lambda x: (x, -2 * x), cases).passed
    assert not run_cases("pair", lambda x: x, cases).passed


def test_not_a_function():
    with pytest.raises(ValueError, match="must be a function"):
        run_cases("double", 3, CASES)
