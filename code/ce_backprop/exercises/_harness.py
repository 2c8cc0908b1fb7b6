"""The checker behind every implementation exercise (used by chapters 1–6).

A chapter's exercise hands the learner's function to a checker such as
``cb.exercises.check_stable_bce(my_bce)``. The checker runs it on a list of
``Case``s whose expected values come from the library's own, independently
tested implementation, and returns its verdict: a pass, or a hint that names
the first failing case (its shape, large logits, a sign, ...). A case lists the
usual wrong answers with their hints (``mistakes``), so that a verdict names
the learner's mistake; every chapter's checkers name mistakes this one way. The verdict is a
``cb.Bilingual`` (:attr:`ExerciseResult.text`): shown as a cell's value or
printed, each edition of the book keeps its own language.

An exercise's name and a case's name are a ``str`` (the same in both languages,
e.g. ``"relu_backward"``), a ``cb.Bilingual``, or ``"中文 · English"``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np

from ..lang import Bilingual

_HAN = re.compile(r"[\u3400-\u9fff]")


def bilingual_name(name: "str | Bilingual") -> Bilingual:
    """An exercise's or a case's name in both languages: a ``Bilingual`` as it is;
    "中文 · English" (either order) split at the " · "; any other ``str`` shared."""
    if isinstance(name, Bilingual):
        return name
    if " · " in name:
        first, second = name.split(" · ", 1)
        if _HAN.search(first) and not _HAN.search(second):
            return Bilingual(first, second)
        if _HAN.search(second) and not _HAN.search(first):
            return Bilingual(second, first)
    return Bilingual(name, name)


@dataclass(frozen=True)
class Hint:
    """A hint in both languages."""

    zh: str
    en: str

    def __str__(self) -> str:
        return str(self.text)

    @property
    def text(self) -> Bilingual:
        return Bilingual(self.zh, self.en)


@dataclass(frozen=True)
class Case:
    """One input to try, the answer it must give, and the usual wrong answers.

    ``args`` go to the learner's function; ``expected`` is the right result (an
    array, a number, or a tuple of them). ``hint`` says what a wrong result
    usually means (for a tuple of results it may be a tuple, one hint per result).
    ``mistakes`` are the usual wrong answers, ``((wrong value, Hint), ...)``: a
    result that matches a wrong value gets that value's hint; for a tuple of
    results, ``mistakes`` holds one such tuple per result. ``outputs`` names the
    results (e.g. ``("dW", "db", "dA_prev")``, or ``("db",)`` for one), so that
    the verdict says which one is wrong. ``nonfinite`` is the hint for a result
    with NaN or inf where the answer is finite (by default, that it has them).
    ``rtol`` and ``atol`` are the tolerance of every comparison.
    """

    name: "str | Bilingual"
    args: tuple
    expected: Any
    hint: "Hint | tuple[Hint, ...]"
    rtol: float = 1e-7
    atol: float = 1e-10
    mistakes: tuple = ()
    outputs: tuple = ()
    nonfinite: "Hint | None" = None


@dataclass(frozen=True)
class ExerciseResult:
    """What a checker found; :attr:`text` (``str()``, and the cell's value) is its verdict."""

    exercise: "str | Bilingual"
    passed: bool
    cases_run: int
    failed_case: "str | Bilingual | None" = None
    reason: Hint | None = None
    details: "str | Bilingual" = field(default="", compare=False)

    @property
    def text(self) -> Bilingual:
        """The verdict in both languages: "✓ name: passed (n cases)", or the case that
        failed, the hint and the details."""
        name = bilingual_name(self.exercise)
        if self.passed:
            return Bilingual(f"✓ {name.zh}：通过（{self.cases_run}个用例）", f"✓ {name.en}: passed ({self.cases_run} cases)")
        case = bilingual_name(self.failed_case or "")
        lines = [Bilingual(f"✗ {name.zh}：用例“{case.zh}”未通过", f"✗ {name.en}: failed on the case '{case.en}'")]
        if self.reason is not None:
            lines.append("  " + self.reason.text)
        if self.details:
            lines.append("  " + (self.details if isinstance(self.details, Bilingual) else Bilingual(self.details, self.details)))
        zh, en = "\n".join(line.zh for line in lines), "\n".join(line.en for line in lines)
        return Bilingual(zh, en)

    def __str__(self) -> str:
        """The verdict as printed: its mark (✓ or ✗) first, then :attr:`text` without it."""
        text = self.text
        return f"{text.zh[:2]}{Bilingual(text.zh[2:], text.en[2:])}"

    __repr__ = __str__

    def _repr_mimebundle_(self, include=None, exclude=None):
        return self.text._repr_mimebundle_(include, exclude)

    def __bool__(self) -> bool:
        return self.passed


_SHAPE = Hint("返回值的形状不对", "the result has the wrong shape")
_NONFINITE = Hint("返回了 NaN 或 inf", "the result contains NaN or inf")
_RAISED = Hint("函数抛出了异常", "the function raised an exception")


def _named(output: str, zh: str, en: str) -> Bilingual:
    """Details of a failure, prefixed with the result's name when the case names its results."""
    return Bilingual(f"{output}{zh}", f"{output}: {en}") if output else Bilingual(zh, en)


def _close(got: np.ndarray, value, case: Case) -> bool:
    value = np.asarray(value, dtype=np.float64)
    return got.shape == value.shape and bool(np.allclose(got, value, rtol=case.rtol, atol=case.atol))


def _compare(got, expected, case: Case, hint: Hint, mistakes=(), output: str = ""):
    """None when ``got`` matches ``expected``; otherwise (hint, details)."""
    if isinstance(expected, tuple):
        names = case.outputs if len(case.outputs) == len(expected) else ("",) * len(expected)
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            n = len(got) if isinstance(got, (tuple, list)) else 1
            listed = ", ".join(names)
            return _SHAPE, (Bilingual(f"应返回{len(expected)}个结果（{listed}），实际返回{n}个",
                                      f"expected {len(expected)} results ({listed}), got {n}") if any(names) else
                            Bilingual(f"应返回{len(expected)}个结果，实际返回{n}个", f"expected {len(expected)} results, got {n}"))
        hints = hint if isinstance(hint, tuple) else (hint,) * len(expected)
        wrongs = mistakes if mistakes else ((),) * len(expected)
        for g, e, h, m, name in zip(got, expected, hints, wrongs, names):
            found = _compare(g, e, case, h, m, name)
            if found:
                return found
        return None
    try:
        g = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        kind = type(got).__name__
        return _SHAPE, _named(output, f"应返回数或数组，实际返回{kind}", f"expected a number or an array, got {kind}")
    if _close(g, expected, case):
        return None
    for wrong, wrong_hint in mistakes:
        if _close(g, wrong, case):
            return wrong_hint, output or _difference(g, expected)
    e = np.asarray(expected, dtype=np.float64)
    if g.shape != e.shape:
        return _SHAPE, _named(output, f"的形状应为{e.shape}，实际为{g.shape}" if output else f"形状应为{e.shape}，实际为{g.shape}",
                              f"expected shape {e.shape}, got {g.shape}")
    if not np.isfinite(g).all() and np.isfinite(e).all():
        if case.nonfinite is not None:
            return case.nonfinite, _NONFINITE.text
        return _NONFINITE, output
    return hint, _difference(g, e, output)


def _difference(got: np.ndarray, expected, output: str = "") -> Bilingual:
    worst = float(np.max(np.abs(got - np.asarray(expected, dtype=np.float64))))
    return _named(output, f"与正确答案的最大差：{worst:.2e}", f"largest difference from the right answer: {worst:.2e}")


def run_cases(exercise: str, fn: Callable, cases: Sequence[Case]) -> ExerciseResult:
    """Run ``fn`` on every case, stopping at the first that fails (used by every chapter's checkers)."""
    if not callable(fn):
        raise ValueError(f"the answer to '{exercise}' must be a function, got {type(fn).__name__}")
    for i, case in enumerate(cases, start=1):
        args = tuple(np.copy(a) if isinstance(a, np.ndarray) else a for a in case.args)
        try:
            with np.errstate(all="ignore"):
                got = fn(*args)
        except Exception as exc:  # the learner's code: report, don't crash the notebook
            return ExerciseResult(exercise, False, i, case.name, _RAISED, f"{type(exc).__name__}: {exc}")
        output = case.outputs[0] if len(case.outputs) == 1 and not isinstance(case.expected, tuple) else ""
        found = _compare(got, case.expected, case, case.hint, case.mistakes, output)
        if found:
            hint, details = found
            return ExerciseResult(exercise, False, i, case.name, hint, details)
    return ExerciseResult(exercise, True, len(cases))
