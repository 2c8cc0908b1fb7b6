"""The checker behind every implementation exercise (used by chapters 1–6).

A chapter's exercise hands the learner's function to a checker such as
``cb.exercises.check_stable_bce(my_bce)``. The checker runs it on a list of
``Case``s whose expected values come from the library's own, independently
tested implementation, and prints one line: a pass, or a hint that names the
first failing case (its shape, large logits, a sign, ...), in both languages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np


@dataclass(frozen=True)
class Hint:
    """A hint in both languages."""

    zh: str
    en: str

    def __str__(self) -> str:
        return f"{self.zh} · {self.en}"


@dataclass(frozen=True)
class Case:
    """One input to try and the answer it must give.

    ``args`` go to the learner's function; ``expected`` is the right result (an
    array, a number, or a tuple of them). ``hint`` says what failing this case
    usually means. ``rtol`` and ``atol`` are the tolerance of the comparison.
    """

    name: str
    args: tuple
    expected: Any
    hint: Hint
    rtol: float = 1e-7
    atol: float = 1e-10


@dataclass(frozen=True)
class ExerciseResult:
    """What a checker found; ``str()`` is the line it prints."""

    exercise: str
    passed: bool
    cases_run: int
    failed_case: str | None = None
    reason: Hint | None = None
    details: str = field(default="", compare=False)

    def __str__(self) -> str:
        if self.passed:
            return f"✓ {self.exercise}: 通过 · passed ({self.cases_run} cases)"
        lines = [f"✗ {self.exercise}: case '{self.failed_case}'", f"  {self.reason}"]
        if self.details:
            lines.append(f"  {self.details}")
        return "\n".join(lines)

    __repr__ = __str__

    def __bool__(self) -> bool:
        return self.passed


_SHAPE = Hint("返回值的形状不对", "the result has the wrong shape")
_NONFINITE = Hint("返回了 NaN 或 inf", "the result contains NaN or inf")
_RAISED = Hint("函数抛出了异常", "the function raised an exception")


def _compare(got, expected, case: Case) -> tuple[Hint, str] | None:
    """None when ``got`` matches ``expected``; otherwise (hint, details)."""
    if isinstance(expected, tuple):
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            n = len(got) if isinstance(got, (tuple, list)) else 1
            return _SHAPE, f"expected {len(expected)} results, got {n}"
        for g, e in zip(got, expected):
            found = _compare(g, e, case)
            if found:
                return found
        return None
    try:
        g = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        return _SHAPE, f"expected a number or an array, got {type(got).__name__}"
    e = np.asarray(expected, dtype=np.float64)
    if g.shape != e.shape:
        return _SHAPE, f"expected shape {e.shape}, got {g.shape}"
    if not np.isfinite(g).all() and np.isfinite(e).all():
        return _NONFINITE, ""
    if not np.allclose(g, e, rtol=case.rtol, atol=case.atol):
        worst = float(np.max(np.abs(g - e)))
        return case.hint, f"largest difference from the right answer: {worst:.2e}"
    return None


def run_cases(exercise: str, fn: Callable, cases: Sequence[Case]) -> ExerciseResult:
    """Run ``fn`` on every case, stopping at the first that fails."""
    if not callable(fn):
        raise ValueError(f"the answer to '{exercise}' must be a function, got {type(fn).__name__}")
    for i, case in enumerate(cases, start=1):
        args = tuple(np.copy(a) if isinstance(a, np.ndarray) else a for a in case.args)
        try:
            with np.errstate(all="ignore"):
                got = fn(*args)
        except Exception as exc:  # the learner's code: report, don't crash the notebook
            return ExerciseResult(exercise, False, i, case.name, _RAISED, f"{type(exc).__name__}: {exc}")
        found = _compare(got, case.expected, case)
        if found:
            hint, details = found
            return ExerciseResult(exercise, False, i, case.name, hint, details)
    return ExerciseResult(exercise, True, len(cases))
