"""Code in one language per edition: the other language's words hidden, the code whole.

A chapter's code carries the words a cell shows in both languages, Chinese first and
its English right after it, as the two arguments of a bilingual call or two neighbours
in a tuple or list (STYLE.md, "Code in two languages"):

    ax.set_xlabel(t("带权输入z", "weighted input z"))
    cb.Bilingual(f"起点 {start}", f"start {start}")
    for name, y in ((("干净", "clean"), y_clean), ...):
    z = W @ a + b  # 带权输入 · weighted input

A single-language edition shows a bilingual call as its own language's argument alone
(``ax.set_xlabel("weighted input z")`` in the English edition), so the code reads as
plain Python; a pair inside a tuple or list keeps its place, with the other language's
string folded into a small marker (``(("干净", …), y_clean)`` in the Chinese one); a
comment in two languages, Chinese, " · ", then English, shows its own half
(``# weighted input`` in the English edition). The
code is still the real code: what is hidden stays in the page, the copy button copies
the cell exactly as it runs, and the side-by-side edition, JupyterLite and Binder show
it whole.

How: a transform replaces each hidden span of the code's literal block by one
private-use character (so Pygments and the search index never see the other language),
and the page's HTML gets the hidden text, and the marker where there is one, in its place.
"""

from __future__ import annotations

import ast
import html
import io
import re
import tokenize

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform

#: Calls whose first two positional arguments are the Chinese and the English.
BILINGUAL_CALLS = frozenset({"Bilingual", "t", "label"})
#: Private-use characters that stand for the folds of a page, one each.
FIRST_MARK = 0xE000
LAST_MARK = 0xF8FF
_MARK_RE = re.compile('(?:<span class="err">)?([\ue000-\uf8ff])(?:</span>)?')
_HAN_RE = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
_FOLDS = "course_code_folds"
#: A comment in two languages: "# 中文 · English" (the Chinese has Han characters, the English none).
COMMENT_SEPARATOR = " · "
#: How the English line of a two-line comment begins: "# · English".
_ENGLISH_LINE = COMMENT_SEPARATOR.lstrip()
#: An English word (a comment of symbols alone, "# (M, K) -> (K,)", is not folded).
_WORD_RE = re.compile(r"[A-Za-z]{3,}")
#: A string literal's opening: an optional prefix and its quotes.
_QUOTE_RE = re.compile(r"[rRuU]*(\"{3}|'{3}|\"|')")
LANGS = ("zh", "en")

#: What the marker says, per edition (its title and its name for screen readers).
MARKER_TITLE = {
    "en": "Chinese text, shown in the Chinese edition: tap to show it here; the copy button copies it with the code",
    "zh": "英文文字，见英文版：点按可在此显示；复制按钮复制的代码包含它",
}
MARKER_LABEL = {"en": "Chinese text", "zh": "英文文字"}


def _is_text(node: ast.AST) -> bool:
    return isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant) and isinstance(node.value, str))


def _segment(node: ast.AST, offsets: list[int], lines: list[bytes]) -> tuple[int, int]:
    """(start, end) of a node as character offsets in the source (ast counts UTF-8 bytes)."""

    def char(line: int, col: int) -> int:
        return offsets[line - 1] + len(lines[line - 1][:col].decode("utf-8", errors="replace"))

    return char(node.lineno, node.col_offset), char(node.end_lineno, node.end_col_offset)


def blank_magics(source: str) -> str:
    """The source with IPython's magics and shell lines (%, !) blanked, as Python reads it."""
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.split("\n"))


def _parse(source: str, blanked: str) -> ast.AST | None:
    """The cell as Python; if it is not, its ``blanked`` form (magics blanked)."""
    try:
        return ast.parse(source)
    except SyntaxError:
        pass
    try:
        return ast.parse(blanked)
    except SyntaxError:
        pass
    # a method as a listing shows it, indented as in its class: parsed inside an "if" (same columns)
    try:
        tree = ast.parse("if 1:\n" + blanked)
    except SyntaxError:
        return None
    for node in ast.walk(tree):  # the lines as the source counts them
        if hasattr(node, "lineno"):
            node.lineno -= 1
            node.end_lineno -= 1
    return tree


def _comments(blanked: str) -> list[tokenize.TokenInfo]:
    """The comment tokens of the (magics-blanked) source, or none if it does not tokenize."""
    try:
        return [t for t in tokenize.generate_tokens(io.StringIO(blanked).readline) if t.type == tokenize.COMMENT]
    except (tokenize.TokenError, SyntaxError):
        return []


def _words_at(comment: str) -> int:
    """Where a comment's words begin, after "#" and its spaces."""
    return len(comment) - len(comment[1:].lstrip()) if len(comment) > 1 else 1


def _comment_spans(comments: list[tokenize.TokenInfo], lines: list[str], own: int,
                   offsets: list[int]) -> list[tuple[int, int, bool]]:
    """The other language's half of each two-language comment, unmarked: of "# 中文 · English"
    on one line, or of a comment line "# 中文" followed by "# · English" at the same indent."""
    found: list[tuple[int, int, bool]] = []

    def alone(token) -> bool:  # the comment is its line's only content
        return not lines[token.start[0] - 1][:token.start[1]].strip()

    index = 0
    while index < len(comments):
        token = comments[index]
        text, start = token.string, offsets[token.start[0] - 1] + token.start[1]
        words = _words_at(text)
        after = comments[index + 1] if index + 1 < len(comments) else None
        if (after is not None and alone(token) and alone(after) and after.start[0] == token.start[0] + 1
                and after.start[1] == token.start[1] and _HAN_RE.search(text)
                and after.string[_words_at(after.string):].startswith(_ENGLISH_LINE)
                and not _HAN_RE.search(after.string)):
            after_start = offsets[after.start[0] - 1] + after.start[1]
            english = after_start + _words_at(after.string) + len(_ENGLISH_LINE)
            found.append((start + len(text), after_start + len(after.string), False) if own == 0
                         else (start + words, english, False))
            index += 2
            continue
        cut = text.find(COMMENT_SEPARATOR, words)
        while cut != -1:
            zh, en = text[words:cut], text[cut + len(COMMENT_SEPARATOR):]
            if _HAN_RE.search(zh) and en.strip() and not _HAN_RE.search(en):
                found.append((start + cut, start + len(text), False) if own == 0
                             else (start + words, start + cut + len(COMMENT_SEPARATOR), False))
                break
            cut = text.find(COMMENT_SEPARATOR, cut + 1)
        index += 1
    return found


def _english_prose_spans(source: str, tree: ast.AST, comments: list[tokenize.TokenInfo] | None,
                         offsets: list[int], lines: list[bytes]) -> list[tuple[int, int, bool]]:
    """The words of each English docstring (inside its quotes) and, given the ``comments`` of a
    library listing, of each comment in English alone (after "# "; one of symbols alone stays),
    each behind a marker: the Chinese edition shows code in no other language."""
    found: list[tuple[int, int, bool]] = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                start, end = _segment(first.value, offsets, lines)
                quote = _QUOTE_RE.match(source, start, end)
                if quote and not _HAN_RE.search(source, start, end) and end - start > len(quote[0]) + len(quote[1]):
                    found.append((start + len(quote[0]), end - len(quote[1]), True))
    for token in comments or ():
        words = token.string[_words_at(token.string):]
        if not _HAN_RE.search(token.string) and _WORD_RE.search(words) and not words.startswith(_ENGLISH_LINE):
            start = offsets[token.start[0] - 1] + token.start[1]
            found.append((start + len(token.string) - len(words), start + len(token.string), True))
    return found


def fold_spans(source: str, edition: str, listing: bool = False) -> list[tuple[int, int, bool]]:
    """The (start, end, marked) character spans of the source that the edition hides, in order
    (outermost only). A bilingual call with just its two texts (``cb.Bilingual(zh, en)``,
    ``t(zh, en)``, ``cb.label(zh, en)``) hides all but its own language's argument, unmarked;
    the other language's string of any other pair (more arguments, or a Chinese string
    followed by an English one in a tuple or list) is hidden behind a marker; a comment
    "# 中文 · English" hides the other half and the separator, unmarked. The Chinese edition
    also hides the words of English docstrings behind markers, and in a library ``listing``
    (the library is in English) those of its English comments."""
    blanked = blank_magics(source)
    tree = _parse(source, blanked) if edition in LANGS else None
    if tree is None:
        return []
    own = LANGS.index(edition)
    lines = [line.encode("utf-8") for line in source.split("\n")]
    offsets, at = [], 0
    for line in source.split("\n"):
        offsets.append(at)
        at += len(line) + 1
    comments = _comments(blanked)
    found = _comment_spans(comments, blanked.split("\n"), own, offsets)
    if edition == "zh":
        found += _english_prose_spans(blanked, tree, comments if listing else None, offsets, lines)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and len(node.args) >= 2 and not any(isinstance(a, ast.Starred) for a in node.args[:2]):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
            if name in BILINGUAL_CALLS:
                call = _segment(node, offsets, lines)
                kept = _segment(node.args[own], offsets, lines)
                if len(node.args) == 2 and not node.keywords:
                    found += [(call[0], kept[0], False), (kept[1], call[1], False)]
                else:
                    found.append((*_segment(node.args[1 - own], offsets, lines), True))
                continue
        if isinstance(node, (ast.Tuple, ast.List)):
            elts = node.elts
            i = 0
            while i + 1 < len(elts):
                first, second = elts[i], elts[i + 1]
                if _is_text(first) and _is_text(second):
                    a, b = _segment(first, offsets, lines), _segment(second, offsets, lines)
                    if _HAN_RE.search(source[a[0]:a[1]]) and not _HAN_RE.search(source[b[0]:b[1]]):
                        found.append(((a, b)[1 - own] + (True,)))
                        i += 2
                        continue
                i += 1
    outer: list[tuple[int, int, bool]] = []
    for span in sorted(set(found)):
        if outer and span[0] < outer[-1][1]:  # inside a span already hidden
            continue
        outer.append(span)
    return outer


def fold_source(source: str, edition: str, first: int = FIRST_MARK, listing: bool = False) -> tuple[str, list[list]]:
    """The source as the edition shows it: each hidden span replaced by one private-use
    character (``first``, ``first + 1``, …); and, in order, what each stands for:
    ``[text, marked]``. The side-by-side edition ("both") hides nothing."""
    spans = fold_spans(source, edition, listing)
    if first + len(spans) > LAST_MARK:
        return source, []
    out, texts, at = [], [], 0
    for start, end, marked in spans:
        out.append(source[at:start])
        out.append(chr(first + len(texts)))
        texts.append([source[start:end], marked])
        at = end
    out.append(source[at:])
    return "".join(out), texts


def visible_code(source: str, edition: str, listing: bool = False) -> str:
    """The code as a reader of the edition reads it on the page (each marker as "…")."""
    folded, texts = fold_source(source, edition, listing=listing)
    if not texts:
        return source
    return re.sub("[\ue000-\uf8ff]", lambda m: "…" if texts[ord(m[0]) - FIRST_MARK][1] else "", folded)


def _is_python(block: nodes.literal_block) -> bool:
    return (block.get("language") or "").startswith(("ipython", "python"))


def _cell_part(node: nodes.Node) -> str | None:
    """"source" for a code cell's input, "output" for what it shows (a library listing), else None."""
    parent = node.parent
    while parent is not None:
        if isinstance(parent, nodes.container):
            element = parent.get("nb_element")
            if element == "cell_code_source":
                return "source"
            if element in ("cell_code_output", "mime_bundle"):
                return "output"
        parent = parent.parent
    return None


class FoldCode(SphinxTransform):
    """In a single-language edition, fold the other language's words in every Python code
    block of a notebook cell (its input, or a listing it shows)."""

    default_priority = 845  # after the edition transform (840), before the domains record titles

    def apply(self, **kwargs) -> None:
        edition = getattr(self.config, "course_edition", "both")
        if edition not in LANGS:
            return
        texts: list[str] = list(self.document.get(_FOLDS, []))
        for block in list(self.document.findall(nodes.literal_block)):
            part = _cell_part(block)
            if not _is_python(block) or part is None:
                continue
            source = block.astext()
            folded, found = fold_source(source, edition, FIRST_MARK + len(texts), listing=part == "output")
            if not found:
                continue
            texts.extend(found)
            block.children = [nodes.Text(folded)]
            block.rawsource = folded
            block["force"] = True  # the marks are not Python: Pygments shows them as they are
        self.document[_FOLDS] = texts


def marker_html(text: str, edition: str, marked: bool = True) -> str:
    """A hidden span as the page shows it: the text kept hidden for the copy button, after
    the marker if it has one."""
    hidden = f'<span class="lang-fold-text" hidden>{html.escape(text, quote=False)}</span>'
    if not marked:
        return hidden
    return (
        f'<span class="lang-fold" role="button" tabindex="0" aria-expanded="false" '
        f'title="{html.escape(MARKER_TITLE[edition])}" aria-label="{MARKER_LABEL[edition]}">…</span>'
        + hidden
    )


def fill_folds(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """Put each fold's marker and hidden text where the transform left its character."""
    edition = getattr(app.config, "course_edition", "both")
    if doctree is None or edition not in LANGS or "body" not in context:
        return
    texts = doctree.get(_FOLDS) or []
    if not texts:
        return

    def replace(m: re.Match) -> str:
        index = ord(m[1]) - FIRST_MARK
        return marker_html(texts[index][0], edition, texts[index][1]) if 0 <= index < len(texts) else m[0]

    context["body"] = _MARK_RE.sub(replace, context["body"])


def exclude_markers_from_copies(app: Sphinx, config) -> None:
    """The copy button copies a cell's code without the markers (their hidden text stays)."""
    if "copybutton_exclude" in config:
        current = config.copybutton_exclude or ""
        if ".lang-fold" not in current:
            config.copybutton_exclude = ", ".join(p for p in (current, ".lang-fold") if p)


def setup(app: Sphinx):
    app.add_transform(FoldCode)
    app.connect("html-page-context", fill_folds)
    app.connect("config-inited", exclude_markers_from_copies, priority=400)  # before copybutton copies it (500)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
