"""Checkers for the implementation exercises (chapters 1–6).

``cb.exercises.check_<name>(your_function)`` runs your function on a few cases
and prints "passed" or a hint naming the first case it gets wrong. Each checker
lives in the module of its chapter; its docstring names the exercise.
"""

from . import chapter1, chapter2, chapter3, chapter4, chapter5, chapter6
from ._harness import Case, ExerciseResult, Hint, run_cases
from .chapter1 import *  # noqa: F401,F403
from .chapter2 import *  # noqa: F401,F403
from .chapter3 import *  # noqa: F401,F403
from .chapter4 import *  # noqa: F401,F403
from .chapter5 import *  # noqa: F401,F403
from .chapter6 import *  # noqa: F401,F403

__all__ = ["Case", "ExerciseResult", "Hint", "run_cases",
           *chapter1.__all__, *chapter2.__all__, *chapter3.__all__,
           *chapter4.__all__, *chapter5.__all__, *chapter6.__all__]
