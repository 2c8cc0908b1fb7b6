"""Checkers for the implementation exercises of chapter 3."""

from __future__ import annotations

from ._harness import Case, Hint, run_cases  # noqa: F401

__all__: list[str] = []
