"""Text in both of the book's languages (used by every chapter).

The book is published in three editions from one notebook: 中文, English and
both side by side. Anything the library prints with words in it (a check's
verdict, an exercise's hint, a result's label) is a :class:`Bilingual`: it
carries the Chinese and the English, and the edition build keeps the one the
edition speaks. In Jupyter (Binder, JupyterLite, a local notebook) a
``Bilingual`` shows both, the Chinese line first.

As a cell's result, a ``Bilingual`` is stored under two MIME types:

* ``text/plain``: the Chinese, a newline, the English (what Jupyter shows and
  what strict nbval compares);
* :data:`MIME_TYPE`: a JSON object ``{"zh": ..., "en": ...}``, kept as a string
  so that nbval's sanitising patterns apply to it, from which the edition build
  takes the edition's language.

Numbers and symbols belong to both languages: print them as they are, and use
a ``Bilingual`` only where there are words.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Iterable

#: The MIME type under which a cell's bilingual result is stored.
MIME_TYPE = "application/vnd.ce-backprop.bilingual"

#: The book's languages, in the order the side-by-side edition shows them.
LANGUAGES = ("zh", "en")


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
        return f"{self.zh}\n{self.en}"

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
