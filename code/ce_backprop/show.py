"""Show the library's own source inside a chapter (used by every chapter).

A chapter displays ``show_source(ce_backprop.sigmoid)`` instead of retyping the
function, so the stored notebook output *is* the library's source: strict nbval
fails the moment the two disagree.
"""

from __future__ import annotations

import inspect


class SourceListing:
    """The source of a function; renders as a Python code block in notebooks and on the site."""

    def __init__(self, source: str):
        self.source = source

    def _repr_markdown_(self) -> str:
        return f"```python\n{self.source}```"

    def __repr__(self) -> str:
        return self.source.rstrip("\n")


def show_source(obj) -> SourceListing:
    """The source code of a library function or class, exactly as the library runs it."""
    try:
        return SourceListing(inspect.getsource(obj))
    except (TypeError, OSError) as exc:
        raise ValueError(f"no source is available for {obj!r}") from exc
