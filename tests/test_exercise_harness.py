"""The exercise checker's harness: a right answer passes, each kind of wrong one is named."""

import dataclasses
import json
import re

import numpy as np
import pytest

from ce_backprop import Bilingual
from ce_backprop.exercises import Case, Hint, run_cases
from ce_backprop.exercises._harness import bilingual_name
from ce_backprop.lang import MIME_TYPE

SIGN = Hint("符号反了", "the sign is flipped")
CASES = [
    Case("a vector", (np.array([0.5, -1.0]),), np.array([1.0, -2.0]), SIGN),
    Case("large values", (np.array([1e3]),), np.array([2e3]), Hint("大数", "large values")),
]


def test_right_answer_passes():
    result = run_cases("double", lambda x: 2 * x, CASES)
    assert result.passed and bool(result) and result.cases_run == 2
    assert (result.text.zh, result.text.en) == ("✓ double：通过（2个用例）", "✓ double: passed (2 cases)")
    assert str(result) == "✓ " + str(Bilingual("double：通过（2个用例）", "double: passed (2 cases)"))  # printed: the mark, then the marks the build reads
    assert json.loads(result._repr_mimebundle_()[MIME_TYPE]) == {"zh": result.text.zh, "en": result.text.en}


def test_names_in_both_languages():
    assert bilingual_name("偏置梯度 · bias gradient") == Bilingual("偏置梯度", "bias gradient")
    assert bilingual_name("softmax backward · softmax的反向传播") == Bilingual("softmax的反向传播", "softmax backward")
    assert bilingual_name("relu_backward") == Bilingual("relu_backward", "relu_backward")
    result = run_cases(Bilingual("加倍", "double"), lambda x: -2 * x, [dataclasses.replace(CASES[0], name=Bilingual("一个向量", "a vector"))])
    zh, en = result.text.zh.splitlines(), result.text.en.splitlines()
    assert zh[:2] == ["✗ 加倍：用例“一个向量”未通过", "  符号反了"] and zh[2].startswith("  与正确答案的最大差：")
    assert en[:2] == ["✗ double: failed on the case 'a vector'", "  the sign is flipped"]
    assert not re.search(r"[A-Za-z]{3,}", result.text.zh) and not re.search(r"[\u4e00-\u9fff]", result.text.en)


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


# --- the usual mistakes, named results, per-case hints --------------------------------------

HALF = Hint("少了因子2", "the factor 2 is missing")
GENERAL = Hint("对照公式", "compare with the formula")


def test_a_known_mistake_gets_its_own_hint():
    cases = [Case("a vector", (np.array([0.5, -1.0]),), np.array([1.0, -2.0]), GENERAL,
                  mistakes=((np.array([0.5, -1.0]), HALF), (np.array([-1.0, 2.0]), SIGN)))]
    assert run_cases("double", lambda x: x, cases).reason == HALF
    assert run_cases("double", lambda x: -2 * x, cases).reason == SIGN
    other = run_cases("double", lambda x: 3 * x, cases)
    assert other.reason == GENERAL and "largest difference from the right answer: 1.00e+00" in str(other)


def test_named_results_say_which_one_is_wrong():
    x = np.array([1.0, 2.0])
    case = Case("pair", (x,), (x, 2 * x), GENERAL, mistakes=((), ((x, HALF),)), outputs=("same", "double"))
    half = run_cases("pair", lambda v: (v, v), [case])
    assert half.reason == HALF and half.details == "double"
    off = run_cases("pair", lambda v: (v + 1, 2 * v), [case])
    assert off.reason == GENERAL and off.details.en == "same: largest difference from the right answer: 1.00e+00"
    assert off.details.zh == "same与正确答案的最大差：1.00e+00"
    short = run_cases("pair", lambda v: (v,), [case])
    assert short.details.en == "expected 2 results (same, double), got 1"
    single = Case("one", (x,), 2 * x, GENERAL, mistakes=((x, HALF),), outputs=("double",))
    assert run_cases("one", lambda v: v, [single]).details == "double"
    assert run_cases("one", lambda v: v[:1], [single]).details.en == "double: expected shape (2,), got (1,)"


def test_one_hint_per_result():
    x = np.array([1.0, 2.0])
    case = Case("pair", (x,), (x, 2 * x), (SIGN, HALF))
    assert run_cases("pair", lambda v: (-v, 2 * v), [case]).reason == SIGN
    assert run_cases("pair", lambda v: (v, 3 * v), [case]).reason == HALF


def test_a_case_about_overflow_names_it_when_the_result_is_not_finite():
    overflow = Hint("溢出了", "it overflows")
    case = Case("large", (np.array([1e3]),), np.array([2e3]), GENERAL, nonfinite=overflow)
    result = run_cases("double", lambda x: x * np.inf, [case])
    assert result.reason == overflow and result.details.en == "the result contains NaN or inf"
    assert result.details.zh == "返回了 NaN 或 inf"
    assert run_cases("double", lambda x: x * np.inf, CASES[:1]).reason.en == "the result contains NaN or inf"
