"""Text in both of the book's languages (used by every chapter).

The book is published in three editions from one notebook: 中文, English and
both side by side. Anything the library prints with words in it (a check's
verdict, an exercise's hint, a result's label) is a :class:`Bilingual`: it
carries the Chinese and the English, and the edition build keeps the one the
edition speaks. In Jupyter (Binder, JupyterLite, a local notebook) a
``Bilingual`` shows both, the Chinese line first.

As a cell's result, a ``Bilingual`` is stored under two MIME types:

* ``text/plain``: the Chinese, a newline, the English, between :data:`MARKS`
  (what Jupyter shows and what strict nbval compares);
* :data:`MIME_TYPE`: a JSON object ``{"zh": ..., "en": ...}``, kept as a string
  so that nbval's sanitising patterns apply to it, from which the edition build
  takes the edition's language.

Numbers and symbols belong to both languages: print them as they are, and use
a ``Bilingual`` only where there are words.

Printed, a ``Bilingual`` works too: ``print(b)`` and ``f"{b}"`` write the
Chinese, a newline and the English between three invisible marks
(:data:`MARKS`, Unicode's invisible operators, which a notebook does not
show), so the edition build finds the two languages in a printed line and
keeps the edition's, with the rest of the line (numbers, symbols) as it is.

The language the library speaks
-------------------------------
:func:`language` is "both" (Chinese and English: the executed notebooks that
the three editions are built from, Binder, a local Jupyter), or "zh" or "en"
(an edition's own notebook in JupyterLite, whose first cell calls
:func:`set_language`; or ``CE_BACKPROP_LANG=en jupyter lab``). In "zh" or
"en" a ``Bilingual`` shows only that language, and a figure drawn with
``cb.show_figure`` is rendered in that language only.

Figures: :class:`Labels` is the ``t`` that ``cb.show_figure(draw)`` hands to
``draw``: ``t("轮次", "epoch")`` is the label in the language being rendered.
"""

from __future__ import annotations

import json
import os
import unicodedata
from dataclasses import dataclass
from typing import Iterable

#: The MIME type under which a cell's bilingual result is stored.
MIME_TYPE = "application/vnd.ce-backprop.bilingual"

#: The book's languages, in the order the side-by-side edition shows them.
LANGUAGES = ("zh", "en")

#: What :func:`set_language` accepts: one language, or "both" (the default).
SETTINGS = ("zh", "en", "both")

#: The environment variable that sets the language when no notebook cell has.
ENVIRONMENT_VARIABLE = "CE_BACKPROP_LANG"

#: Around a printed ``Bilingual`` in "both": before the Chinese, before the English
#: (after the newline), after the English (U+2062, U+2063, U+2064: invisible).
MARKS = ("\u2062", "\u2063", "\u2064")

_chosen: str | None = None


def set_language(lang: str | None) -> None:
    """Make the library speak ``lang``: "zh", "en" or "both"; None goes back to the default.

    The default is :data:`ENVIRONMENT_VARIABLE` if it is set, else "both".
    An edition's JupyterLite notebook calls this in its first cell.
    """
    global _chosen
    if lang is not None and lang not in SETTINGS:
        raise ValueError(f"lang must be one of {SETTINGS} or None, got {lang!r}")
    _chosen = lang


def language() -> str:
    """The language the library speaks now: "zh", "en" or "both" (see :func:`set_language`)."""
    if _chosen is not None:
        return _chosen
    value = os.environ.get(ENVIRONMENT_VARIABLE, "").strip()
    if not value:
        return "both"
    if value not in SETTINGS:
        raise ValueError(f"the environment variable {ENVIRONMENT_VARIABLE} must be one of {SETTINGS}, got {value!r}")
    return value


def languages() -> tuple[str, ...]:
    """The languages a figure is rendered in now: ("zh", "en"), or the one language."""
    lang = language()
    return LANGUAGES if lang == "both" else (lang,)


@dataclass(frozen=True)
class Bilingual:
    """A text in Chinese (``zh``) and English (``en``) that says the same thing."""

    zh: str
    en: str

    def __post_init__(self):
        for name in LANGUAGES:
            if not isinstance(getattr(self, name), str):
                raise ValueError(f"{name} must be a str, got {type(getattr(self, name)).__name__}")

    def __str__(self) -> str:
        """Both languages, Chinese first, between :data:`MARKS` (in "zh" or "en", see
        :func:`language`, that one only, without marks)."""
        lang = language()
        if lang == "both":
            start, middle, end = MARKS
            return f"{start}{self.zh}\n{middle}{self.en}{end}"
        return self.in_language(lang)

    def __repr__(self) -> str:
        return str(self)

    def in_language(self, lang: str) -> str:
        """The text in ``lang`` ("zh" or "en")."""
        if lang not in LANGUAGES:
            raise ValueError(f"lang must be one of {LANGUAGES}, got {lang!r}")
        return getattr(self, lang)

    def __add__(self, other: "Bilingual | str") -> "Bilingual":
        """Concatenate; a plain ``str`` (numbers, symbols) joins both languages."""
        if isinstance(other, Bilingual):
            return Bilingual(self.zh + other.zh, self.en + other.en)
        if isinstance(other, str):
            return Bilingual(self.zh + other, self.en + other)
        return NotImplemented

    def __radd__(self, other: str) -> "Bilingual":
        if isinstance(other, str):
            return Bilingual(other + self.zh, other + self.en)
        return NotImplemented

    def _repr_mimebundle_(self, include=None, exclude=None):
        payload = json.dumps({"zh": self.zh, "en": self.en}, ensure_ascii=False)
        return {"text/plain": str(self), MIME_TYPE: payload}


@dataclass(frozen=True)
class Labels:
    """The ``t`` of a figure's ``draw(t)``: ``t(zh, en)`` is the text in :attr:`lang`.

    ``t`` also takes one :class:`Bilingual` (``t(cb.Bilingual(...))``) or one
    ``str`` that both languages share (a symbol, a formula: ``t("σ(z)")``).
    """

    lang: str

    def __post_init__(self):
        if self.lang not in LANGUAGES:
            raise ValueError(f"lang must be one of {LANGUAGES}, got {self.lang!r}")

    def __call__(self, zh: "str | Bilingual", en: str | None = None) -> str:
        if en is None:
            if isinstance(zh, Bilingual):
                return zh.in_language(self.lang)
            if isinstance(zh, str):
                return zh
            raise ValueError(f"zh must be a str or a Bilingual, got {type(zh).__name__}")
        if not isinstance(zh, str) or not isinstance(en, str):
            raise ValueError("zh and en must both be str: t(\"轮次\", \"epoch\")")
        return zh if self.lang == "zh" else en


def label(zh: str, en: str) -> str:
    """A short label (a slider's description, a button, a menu entry) in the language the
    library speaks: ``zh``, ``en``, or in "both" ``"zh · en"``, which the book's build cuts
    at the " · " for each edition (give each half the symbol it needs: "w₀ 初始权重",
    "w₀ initial weight")."""
    if not isinstance(zh, str) or not isinstance(en, str):
        raise ValueError("zh and en must both be str: label(\"w₀ 初始权重\", \"w₀ initial weight\")")
    lang = language()
    return f"{zh} · {en}" if lang == "both" else (zh if lang == "zh" else en)


def join_lines(parts: Iterable["Bilingual | str"]) -> Bilingual:
    """One ``Bilingual`` of several lines; a plain ``str`` line is shared by both languages."""
    zh, en = [], []
    for part in parts:
        if isinstance(part, Bilingual):
            zh.append(part.zh)
            en.append(part.en)
        elif isinstance(part, str):
            zh.append(part)
            en.append(part)
        else:
            raise ValueError(f"parts must be Bilingual or str, got {type(part).__name__}")
    return Bilingual("\n".join(zh), "\n".join(en))


def display_width(text: str) -> int:
    """How many columns ``text`` takes in a monospace font: a Chinese character (and any
    other East Asian wide or full-width one) takes two, every other character one.

    ``len("交叉熵")`` is 3, but it is 6 columns wide, in a terminal as on the book's site
    (which sets these characters exactly two columns wide in printed outputs)."""
    return sum(2 if unicodedata.east_asian_width(char) in ("W", "F") else 1 for char in text)


def pad_to_width(text: "str | Bilingual", width: int, align: str = "<") -> "str | Bilingual":
    """``text`` padded with spaces to ``width`` columns (see :func:`display_width`): what
    ``f"{text:<{width}}"`` does for ASCII, right for Chinese too. ``align`` is "<" (left),
    ">" (right) or "^" (centred). A :class:`Bilingual` is padded in each language, so the
    columns of a table line up in both::

        cb.pad_to_width(cb.Bilingual("交叉熵", "cross-entropy"), 14) + f"{0.408:7.3f}"
    """
    if isinstance(text, Bilingual):
        return Bilingual(pad_to_width(text.zh, width, align), pad_to_width(text.en, width, align))
    if not isinstance(text, str):
        raise ValueError(f"text must be a str or a Bilingual, got {type(text).__name__}")
    if align not in ("<", ">", "^"):
        raise ValueError(f'align must be "<", ">" or "^", got {align!r}')
    room = max(0, width - display_width(text))
    if align == "<":
        return text + " " * room
    if align == ">":
        return " " * room + text
    return " " * (room // 2) + text + " " * (room - room // 2)
