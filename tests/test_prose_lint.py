"""The prose lint: what a machine can see of STYLE.md.

It reads the pages (intro.md, glossary.md, errata.md) and every chapter notebook whose
docname is in REWRITTEN_PARTS (tests/conftest.py); a chapter joins by adding its docname
there. Each finding names the document, the cell (or the line of a page) and the rule.
The glossary (its term table and its Chinese table of other names, "| 英文 | 其他资料中的译名 | 本书的译名 |")
and the two tables of STYLE.md §4 are the data; nothing here is a second list of terms.

Run on any document, joined or not, while writing:

    .venv/bin/python tests/test_prose_lint.py chapters/03_softmax_cross_entropy.ipynb

Every rule is also run on a small synthetic example that must fail it and on one that
must pass it (the tests at the end), so a rule that can never fire is caught.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pytest

from conftest import REWRITTEN_PARTS, ROOT, banned_terms, markdown_table

HAN = "\u4e00-\u9fff\u3400-\u4dbf"
FULLWIDTH = "（），。：；、！？「」《》【】"  # “” ‘’ … are English punctuation too
SEP = " · "

RULES = {
    "avoided-term": "a rendering the glossary's avoid table or STYLE.md §4 lists",
    "gloss-twice": "a term glossed twice in one chapter",
    "gloss-elsewhere": "a gloss of a term that another chapter introduces, or a gloss on the preface or the errata",
    "gloss-missing": "the first use of a term this chapter introduces, without its English gloss",
    "gloss-unknown": "a gloss that is not a glossary term, or that does not follow the glossary's Chinese",
    "gloss-crowded": "more than two glosses in one sentence",
    "bare-ref": "a {ref} or {doc} without explicit text",
    "ref-number": "a reference whose number is not its target's",
    "two-colons": "two full-width colons in one Chinese sentence",
    "nested-parens": "full-width parentheses inside full-width parentheses",
    "cjk-in-english": "Chinese characters or full-width punctuation in English prose",
    "ascii-punct-in-chinese": "half-width , ; : ! ? touching Chinese characters",
    "space-in-chinese": "a space between Chinese and Latin letters, digits, maths or code",
    "corner-quotes": "「」 in Chinese prose (use “”)",
    "split-leftover": "a ' · ' left over, or words of one language, in a single-language edition",
    "source-name": "a source's name in the main text",
    "notebook-talk": "prose about notebook cells",
    "bei-reduction": "倍 for a reduction",
    "read-as": "读作、读成、当作……来读",
    "decimal-reciprocal": "a reciprocal with decimals such as 1/8.44",
    "symbol": "a symbol the notation table does not allow",
}


# --------------------------------------------------------------------------- documents


@dataclass
class Unit:
    """One piece of a document: a tagged cell or block (kind "zh"/"en") or shared text."""

    doc: str  # docname, e.g. "intro" or "chapters/01_single_neuron"
    where: str  # "cell 12" or "line 40"
    kind: str  # "zh", "en" or "shared"
    text: str
    aside: bool = False  # a folded "About the source" aside
    sources: bool = False  # inside the "来源与说明 · Sources and notes" section
    avoid_section: bool = False  # the glossary's own list of renderings not used


@dataclass
class Finding:
    doc: str
    where: str
    rule: str
    detail: str

    def __str__(self) -> str:
        return f"{self.doc}, {self.where}: [{self.rule}] {self.detail}"


HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*$")
LABEL = re.compile(r"^\(([\w-]+)\)=\s*$")


@dataclass
class _Sections:
    """Tracks whether the current position is inside the sources section."""

    level: int | None = None

    def update(self, text: str, special: set) -> None:
        for line in text.splitlines():
            m = HEADING.match(line)
            if not m:
                continue
            level = len(m[1])
            if self.level is not None and level <= self.level:
                self.level = None
            if "来源与说明" in m[2]:
                self.level = level
        special.add("sources") if self.level is not None else special.discard("sources")


def notebook_units(doc: str, cells: list[dict]) -> list[Unit]:
    units, sections, state = [], _Sections(), set()
    for i, cell in enumerate(cells):
        if cell.get("cell_type") != "markdown":
            continue
        src = cell.get("source", "")
        text = "".join(src) if isinstance(src, list) else src
        tags = set(cell.get("metadata", {}).get("tags", []))
        kind = "zh" if "zh" in tags else "en" if "en" in tags else "shared"
        if kind == "shared":
            sections.update(text, state)
        units.append(Unit(doc, f"cell {i}", kind, text, aside="source-aside" in tags, sources="sources" in state))
    return units


def page_units(doc: str, text: str) -> list[Unit]:
    units, sections, state = [], _Sections(), set()
    lines = text.splitlines()
    i, avoid = 0, False
    while i < len(lines):
        m = re.match(r"^(:{3,})\{lang\}\s+(zh|en)\s*$", lines[i])
        if m:
            end = next((j for j in range(i + 1, len(lines)) if lines[j].strip() == m[1]), len(lines))
            units.append(
                Unit(doc, f"line {i + 2}", m[2], "\n".join(lines[i + 1 : end]), sources="sources" in state, avoid_section=avoid)
            )
            i = end + 1
            continue
        if not lines[i].strip():
            i += 1
            continue
        start = i
        while i < len(lines) and lines[i].strip() and not re.match(r"^:{3,}\{lang\}", lines[i]):
            i += 1
            if HEADING.match(lines[i - 1]):
                break  # a heading is a unit of its own
        chunk = "\n".join(lines[start:i])
        sections.update(chunk, state)
        if HEADING.match(lines[start]):
            avoid = doc == "glossary" and "其他译名" in lines[start]
        units.append(Unit(doc, f"line {start + 1}", "shared", chunk, sources="sources" in state, avoid_section=avoid))
    return units


def docname(path: Path) -> str:
    rel = path.resolve().relative_to(ROOT)
    return str(rel.with_suffix("")).replace("\\", "/")


def load_units(path: Path) -> list[Unit]:
    doc = docname(path)
    if path.suffix == ".ipynb":
        return notebook_units(doc, json.loads(path.read_text(encoding="utf-8"))["cells"])
    return page_units(doc, path.read_text(encoding="utf-8"))


def chapter_of(doc: str) -> str | None:
    """"1" … "6" for chapter notebooks, "A" for the appendix (07_…), None for pages."""
    m = re.match(r"chapters/(\d+)_", doc)
    if not m:
        return None
    number = int(m[1])
    return "A" if number == 7 else str(number)


# --------------------------------------------------------------------------- data


@dataclass
class Data:
    terms: list[tuple[str, str, str]]  # (English, 中文, chapter)
    avoid_zh: list[str]
    avoid_en: list[str]
    source_names: list[str]
    labels: dict[str, str] = field(default_factory=dict)  # label -> heading number ("1.7", "A.2") or ""


def _split_cells(row: list[str]) -> list[str]:
    return [c.strip().strip("`") for c in row]


@lru_cache(maxsize=1)
def book_data() -> Data:
    glossary = (ROOT / "glossary.md").read_text(encoding="utf-8")
    terms = []
    for row in markdown_table(glossary, "| 英文 · English | 中文 · Chinese |"):
        m = re.search(r"第(\d+)章|附录([A-Z])", row[2])
        terms.append((row[0], row[1], (m[1] or m[2]) if m else "?"))
    avoid = [bad for _, bad in banned_terms()]
    style = (ROOT / "STYLE.md").read_text(encoding="utf-8")
    avoid += [_split_cells(r)[0] for r in markdown_table(style, "| Never · 不用 |")]
    sources = [_split_cells(r)[0] for r in markdown_table(style, "| Never in main text · 正文中不用 |")]
    labels = {}
    for path in sorted((ROOT / "chapters").glob("*.ipynb")) + [ROOT / p for p in ("intro.md", "glossary.md", "errata.md")]:
        labels.update(heading_labels(load_units(path)))
    has_han = re.compile(f"[{HAN}]")
    return Data(
        terms=terms,
        avoid_zh=[a for a in avoid if has_han.search(a)],
        avoid_en=[a for a in avoid if not has_han.search(a)],
        source_names=sources,
        labels=labels,
    )


def heading_labels(units: list[Unit]) -> dict[str, str]:
    """label -> the number at the start of the heading it labels ("" if none)."""
    found, pending = {}, []
    for unit in units:
        if unit.kind != "shared":
            pending = []
            continue
        for line in unit.text.splitlines():
            m = LABEL.match(line.strip())
            if m:
                pending.append(m[1])
                continue
            if not line.strip():
                continue
            h = HEADING.match(line)
            number = ""
            if h:
                n = re.match(r"^([A-Z]?\d*(?:\.\d+)*)\s", h[2])
                number = n[1] if n else ""
            for label in pending:
                found[label] = number
            pending = []
    return found


# --------------------------------------------------------------------------- text helpers

CODE = re.compile(r"``.*?``|`[^`\n]*`")
ROLE = re.compile(r"\{(ref|doc|eq|numref|term)\}`([^`]*)`")
DISPLAY_MATH = re.compile(r"\$\$.*?\$\$", re.S)
INLINE_MATH = re.compile(r"(?<!\\)\$(?!\$)(?:\\\$|[^$\n])+?(?<!\\)\$")


def _directive_free(text: str) -> str:
    """Drop directive fences and options (:::{admonition} 解答, :class: dropdown, :::), labels, comments."""
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    keep = []
    for line in text.splitlines():
        s = line.strip()
        if re.match(r"^:{3,}", s) or re.match(r"^:\w+:", s) or LABEL.match(s) or s.startswith("```"):
            keep.append("")
        else:
            keep.append(line)
    return "\n".join(keep)


def prose_text(text: str, math: str = " ", code: str = " ", role: str | None = None) -> str:
    """Text with code, roles and maths replaced by placeholders (None keeps a role's text)."""
    text = _directive_free(text)
    text = ROLE.sub(lambda m: re.sub(r"\s*<[^>]*>\s*$", "", m[2]) if role is None else role, text)
    text = CODE.sub(code, text)
    text = DISPLAY_MATH.sub(math, text)
    text = INLINE_MATH.sub(math, text)
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", " ", text)  # images
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links keep their text
    text = re.sub(r"https?://\S+", " ", text)
    return text


def math_parts(text: str) -> list[str]:
    text = CODE.sub(" ", text)
    return [m[0] for m in DISPLAY_MATH.finditer(text)] + [m[0] for m in INLINE_MATH.finditer(DISPLAY_MATH.sub(" ", text))]


def zh_sentences(text: str) -> list[str]:
    out = []
    for line in text.splitlines():
        out += [s for s in re.split(r"[。！？]", line) if s.strip()]
    return out


def is_main_text(unit: Unit) -> bool:
    return not unit.aside and not unit.sources


# --------------------------------------------------------------------------- rules


def _find(unit: Unit, rule: str, detail: str) -> Finding:
    return Finding(unit.doc, unit.where, rule, detail)


def rule_avoided_term(unit: Unit, data: Data) -> list[Finding]:
    if unit.avoid_section:
        return []
    text = unit.text
    if not is_main_text(unit):  # an aside or the sources section may quote a source's wording
        text = re.sub(r"“[^”]*”|\"[^\"\n]*\"", " ", text)
    out = []
    if unit.kind in ("zh", "shared"):
        out += [_find(unit, "avoided-term", f"{bad!r}") for bad in data.avoid_zh if bad in text]
    if unit.kind in ("en", "shared"):
        for bad in data.avoid_en:
            if re.search(rf"(?<![\w-]){re.escape(bad)}(?![\w-])", text, re.I):
                out.append(_find(unit, "avoided-term", f"{bad!r}"))
    return out


def rule_source_name(unit: Unit, data: Data) -> list[Finding]:
    if not is_main_text(unit) or unit.doc in ("errata", "glossary"):
        return []
    text = unit.text
    out = []
    for name in data.source_names:
        flags = re.I if re.match(r"[A-Za-z]", name) else 0
        if re.search(re.escape(name), text, flags):
            out.append(_find(unit, "source-name", f"{name!r} outside the sources section and the asides"))
    return out


GLOSS = re.compile(r"（([A-Za-z][A-Za-z '’\-–/]*[A-Za-z])）")


def glosses(text: str):
    """(start, English) of every 术语（English） in a zh text; abbreviations (VJP, KL) are not glosses."""
    for m in GLOSS.finditer(text):
        english = m[1]
        if re.fullmatch(r"[A-Z]{2,6}", english):
            continue
        yield m.start(), english


def _term_for(english: str, data: Data):
    key = english.lower()
    for en, zh, ch in data.terms:
        if key in (en.lower(), en.lower() + "s"):
            return en, zh, ch
    return None


def rule_gloss_local(unit: Unit, data: Data) -> list[Finding]:
    """gloss-unknown, gloss-elsewhere, gloss-crowded: what one unit shows."""
    if unit.kind != "zh" or unit.doc == "glossary":
        return []
    out = []
    chapter = chapter_of(unit.doc)
    text = prose_text(unit.text, math="$x$", code="`x`")
    for start, english in glosses(text):
        if chapter is None:
            out.append(_find(unit, "gloss-elsewhere", f"（{english}）: the preface and the errata gloss nothing"))
            continue
        term = _term_for(english, data)
        if term is None:
            out.append(_find(unit, "gloss-unknown", f"（{english}） is not a glossary term"))
            continue
        en, zh, ch = term
        if not re.sub(r"\s+", "", text[:start]).endswith(re.sub(r"\s+", "", zh)):
            out.append(_find(unit, "gloss-unknown", f"（{english}） should follow the glossary's {zh}"))
        if ch != chapter:
            where = "the appendix" if ch == "A" else f"chapter {ch}"
            out.append(_find(unit, "gloss-elsewhere", f"{zh}（{english}）: the glossary says {where} introduces it"))
    for sentence in zh_sentences(text):
        n = len(list(glosses(sentence)))
        if n > 2:
            out.append(_find(unit, "gloss-crowded", f"{n} glosses in 「{sentence.strip()[:40]}…」"))
    return out


def _masked_zh(text: str, zh: str, data: Data) -> str:
    for _, other, _ in data.terms:
        if other != zh and zh in other:
            text = text.replace(other, "\u3000" * len(other))
    return text


def rule_gloss_document(units: list[Unit], data: Data) -> list[Finding]:
    """gloss-twice and gloss-missing: what the whole chapter shows."""
    chapter = chapter_of(units[0].doc) if units else None
    if chapter is None:
        return []
    zh_units = [(u, prose_text(u.text, math="$x$", code="`x`")) for u in units if u.kind == "zh"]
    out, seen = [], {}
    for unit, text in zh_units:
        for _, english in glosses(text):
            term = _term_for(english, data)
            key = term[1] if term else english.lower()
            if key in seen:
                out.append(_find(unit, "gloss-twice", f"{key}（{english}） was glossed already in {seen[key]}"))
            else:
                seen[key] = unit.where
    done = set()
    for en, zh, ch in data.terms:
        if ch != chapter or zh in done or re.search(r"[A-Za-z]", zh):
            continue
        done.add(zh)
        for unit, text in zh_units:
            at = _masked_zh(text, zh, data).find(zh)
            if at < 0:
                continue
            rest = re.sub(r"^\s+", "", text[at + len(zh) :])
            m = GLOSS.match(rest)
            if not (m and _term_for(m[1], data) and _term_for(m[1], data)[1] == zh):
                out.append(_find(unit, "gloss-missing", f"first use of {zh} without （{en}）"))
            break
    return out


REF = re.compile(r"\{(ref|doc)\}`([^`]*)`")


def rule_refs(unit: Unit, data: Data) -> list[Finding]:
    out = []
    for m in REF.finditer(re.sub(r"``.*?``", " ", unit.text)):
        role, body = m[1], m[2]
        target = re.search(r"<([^>]*)>\s*$", body)
        if not target:
            out.append(_find(unit, "bare-ref", f"{{{role}}}`{body}` renders its target's title; give it text"))
            continue
        text, label = body[: target.start()].strip(), target[1].strip()
        number = re.search(r"(?<![A-Za-z\d.])([A-Z]\.\d+(?:\.\d+)*|\d+(?:\.\d+)*)(?![\d.])|附录([A-Z])|Appendix ([A-Z])", text)
        if not number:
            continue
        said = number[1] or number[2] or number[3]
        if role == "doc":
            ch = chapter_of(label.lstrip("/"))
            actual = ch or ""
            said = said.split(".")[0]
        else:
            actual = data.labels.get(label)
            if actual is None:
                continue  # an unknown label is the build's business
        if actual and said != actual and not actual.startswith(said + "."):  # 第3章 may point into chapter 3
            out.append(_find(unit, "ref-number", f"{{{role}}}`{body}` says {said}, but its target is {actual}"))
    return out


def rule_zh_sentences(unit: Unit, data: Data) -> list[Finding]:
    """two-colons, nested-parens, corner-quotes, ascii-punct-in-chinese, space-in-chinese, bei-reduction, read-as."""
    out = []
    if unit.kind == "zh":
        text = prose_text(unit.text)
        for sentence in zh_sentences(text):
            if sentence.count("：") >= 2:
                out.append(_find(unit, "two-colons", f"「{sentence.strip()[:50]}…」"))
        for m in re.finditer("[「」]", text):
            out.append(_find(unit, "corner-quotes", f"…{text[max(0, m.start() - 10) : m.end() + 10]}…"))
            break
        for m in re.finditer(f"[{HAN}][,;:!?]|[,;:!?][{HAN}]", text):
            out.append(_find(unit, "ascii-punct-in-chinese", f"…{text[max(0, m.start() - 10) : m.end() + 10]}…"))
        placeheld = prose_text(unit.text, math="$x$", code="`x`", role="R")
        for m in re.finditer(f"[{HAN}][ \t]+[$`A-Za-z0-9]|[$`A-Za-z0-9][ \t]+[{HAN}]", placeheld):
            out.append(_find(unit, "space-in-chinese", f"…{placeheld[max(0, m.start() - 10) : m.end() + 10]}…"))
        for m in re.finditer(r"(缩小|减小|减少|降低|(?<!梯度)下降|变小|小了)[^，。；：\n]{0,8}?倍|小\d+(?:\.\d+)?倍", text):
            out.append(_find(unit, "bei-reduction", f"「{m[0]}」: say 降为原来的1/n"))
        for m in re.finditer(r"读作|读成|当作[^。，；\n]{0,20}来读|当成[^。，；\n]{0,20}来读", text):
            out.append(_find(unit, "read-as", f"「{m[0]}」"))
    if unit.kind in ("zh", "shared"):
        text = prose_text(unit.text)
        depth = 0
        for ch in text:
            if ch == "（":
                depth += 1
                if depth == 2:
                    out.append(_find(unit, "nested-parens", "（…（…）…）"))
            elif ch == "）":
                depth = max(0, depth - 1)
            elif ch == "\n" and unit.kind == "shared":
                depth = 0
    return out


def rule_english(unit: Unit, data: Data) -> list[Finding]:
    if unit.kind != "en":
        return []
    text = prose_text(unit.text, math=" ")
    m = re.search(f"[{HAN}{FULLWIDTH}]", text)
    if m:
        return [_find(unit, "cjk-in-english", f"…{text[max(0, m.start() - 15) : m.end() + 15].strip()}…")]
    return []


def rule_notebook_talk(unit: Unit, data: Data) -> list[Finding]:
    if chapter_of(unit.doc) is None:
        return []  # the preface may say how the notebooks run
    if unit.kind == "en":
        m = re.search(r"\bcells?\b", prose_text(unit.text), re.I)
    elif unit.kind == "zh":
        m = re.search("单元格|这一格|下一格|上一格|下面这格", prose_text(unit.text))
    else:
        m = None
    return [_find(unit, "notebook-talk", f"{m[0]!r}: speak of the subject, not of the notebook")] if m else []


def rule_decimal_reciprocal(unit: Unit, data: Data) -> list[Finding]:
    if unit.kind == "shared":
        return []
    text = CODE.sub(" ", _directive_free(unit.text))
    return [
        _find(unit, "decimal-reciprocal", f"{m[0]!r}: round it in words")
        for m in re.finditer(r"(?<![\d.])1\s*/\s*\d+\.\d+", text)
    ]


def rule_symbol(unit: Unit, data: Data) -> list[Finding]:
    if unit.doc == "errata" or unit.aside or unit.avoid_section:
        return []
    out = []
    for part in math_parts(unit.text):
        if re.search(r"\\partial\s*L(?![A-Za-z])", part):
            out.append(_find(unit, "symbol", f"{part[:40]!r}: L is the depth; the loss is \\mathcal{{L}}, the cost C"))
        if re.search(r"\\hat\s*\{?\s*y", part):
            out.append(_find(unit, "symbol", f"{part[:40]!r}: the output is a, not \\hat y"))
        if re.search(r"\\delta_\{?[a-z]\s*,?\s*[a-z]\}?", part) and not re.search(r"\\delta_\{?[a-z]\}?(?![a-z,])", part):
            out.append(_find(unit, "symbol", f"{part[:40]!r}: a Kronecker delta; write the Iverson bracket [j = m]"))
    if "ŷ" in unit.text:
        out.append(_find(unit, "symbol", "'ŷ': the output is a"))
    return out


def _header_kind(cell: str) -> str:
    text = prose_text(cell)
    if SEP in text:
        return "split"
    han, latin = bool(re.search(f"[{HAN}]", text)), bool(re.search("[A-Za-z]", text))
    return "zh" if han and not latin else "en" if latin and not han else "shared"


def _words(cell: str) -> tuple[bool, bool]:
    text = prose_text(cell)
    return bool(re.search(f"[{HAN}]", text)), bool(re.search(r"[A-Za-z]{2,}", text))


def _table_rows(lines: list[str]) -> list[list[str]]:
    rows = []
    for line in lines:
        cells = re.split(r"(?<!\\)\|", line.strip().strip("|"))
        rows.append([c.strip() for c in cells])
    return rows


def rule_split(unit: Unit, data: Data) -> list[Finding]:
    """split-leftover: shared headings, tables and text must leave one language in each edition."""
    if unit.kind != "shared":
        return []
    out = []
    lines = unit.text.splitlines()
    table: list[str] = []
    in_math = in_fence = False
    for line in lines + [""]:
        s = line.strip()
        if s.startswith("```"):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        if s.startswith("|"):
            table.append(s)
            continue
        if table:
            out += _check_table(unit, table)
            table = []
        if s.startswith("$$"):
            in_math = not (in_math or (s.endswith("$$") and len(s) > 2))
            continue
        if in_math or not s or LABEL.match(s) or re.match(r"^:{3,}|^:\w+:|^```|^<!--", s):
            continue
        h = HEADING.match(line)
        text = prose_text(h[2] if h else s)
        han, latin = bool(re.search(f"[{HAN}]", text)), bool(re.search(r"[A-Za-z]{2,}", text))
        if not (han or latin):
            continue
        if text.count(SEP) != 1:
            what = "heading" if h else "shared text"
            out.append(_find(unit, "split-leftover", f"{what} {s[:60]!r} needs exactly one ' · ' between 中文 and English"))
        elif re.search(f"[{HAN}]", text.split(SEP, 1)[1]):
            out.append(_find(unit, "split-leftover", f"{s[:60]!r}: Chinese after the ' · '"))
        elif _cuts_inside_brackets(text):
            out.append(_find(unit, "split-leftover", f"{s[:60]!r}: the ' · ' cuts inside brackets"))
    for part in math_parts(unit.text):
        for m in re.finditer(r"(?<![_^{])\\(?:text|textrm|mbox)\s*\{([^{}]*)\}", part):
            if re.search(f"[A-Za-z]{{2,}}|[{HAN}]", m[1]) and not re.search(r"[_^]\s*\{?\s*\\(?:text|mathrm)", part[: m.end()][-len(m[0]) - 3 :]):
                out.append(_find(unit, "split-leftover", f"words in a shared equation: {m[0]!r}"))
    return out


def _cuts_inside_brackets(text: str) -> bool:
    """Whether the first ' · ' of a split text lies inside parentheses or brackets."""
    before = text.split(SEP, 1)[0]
    return any(before.count(o) > before.count(c) for o, c in ("（）", "()", "[]", "“”"))


def _check_table(unit: Unit, lines: list[str]) -> list[Finding]:
    rows = _table_rows(lines)
    if len(rows) < 2:
        return []
    header, body = rows[0], [r for r in rows[2:]]
    kinds = [_header_kind(c) for c in header]
    out = []
    for c, kind in zip(header, kinds):
        if kind == "split" and prose_text(c).count(SEP) != 1:
            out.append(_find(unit, "split-leftover", f"table header {c!r} holds more than one ' · '"))
    balanced = 0 < kinds.count("zh") == kinds.count("en")
    for row in body:
        for c, kind in zip(row, kinds):
            text = prose_text(c)
            han, latin = _words(c)
            if kind == "split" and text.count(SEP) > 1:
                out.append(_find(unit, "split-leftover", f"table cell {c[:50]!r} holds more than one ' · '"))
            elif kind == "split" and text.count(SEP) == 1 and re.search(f"[{HAN}]", text.split(SEP, 1)[1]):
                out.append(_find(unit, "split-leftover", f"table cell {c[:50]!r}: Chinese after the ' · '"))
            elif kind == "split" and SEP in text and _cuts_inside_brackets(text):
                out.append(_find(unit, "split-leftover", f"table cell {c[:50]!r}: the ' · ' cuts inside brackets"))
            elif kind in ("zh", "en", "shared") and SEP in text:
                out.append(_find(unit, "split-leftover", f"table cell {c[:50]!r}: a ' · ' in a column that is not split"))
            elif kind == "en" and balanced and han:
                out.append(_find(unit, "split-leftover", f"table cell {c[:50]!r}: Chinese in an English column"))
            elif kind == "shared" and (han or latin) and not _is_symbolic(c):
                out.append(_find(unit, "split-leftover", f"table cell {c[:50]!r}: words in a column shared by both editions"))
    return out


def _is_symbolic(cell: str) -> bool:
    """Numbers, maths, code and references are the same in both editions."""
    text = prose_text(cell, role=" ")
    return not re.search(f"[{HAN}]|[A-Za-z]{{2,}}", text)


UNIT_RULES = [
    rule_avoided_term,
    rule_source_name,
    rule_gloss_local,
    rule_refs,
    rule_zh_sentences,
    rule_english,
    rule_notebook_talk,
    rule_decimal_reciprocal,
    rule_symbol,
    rule_split,
]


def lint_units(units: list[Unit], data: Data | None = None) -> list[Finding]:
    data = data or book_data()
    findings = [f for unit in units for rule in UNIT_RULES for f in rule(unit, data)]
    return findings + rule_gloss_document(units, data)


def lint_path(path: Path) -> list[Finding]:
    return lint_units(load_units(path))


# --------------------------------------------------------------------------- the book


def joined_documents() -> list[Path]:
    paths = []
    for doc in REWRITTEN_PARTS:
        for suffix in (".ipynb", ".md"):
            if (ROOT / f"{doc}{suffix}").exists():
                paths.append(ROOT / f"{doc}{suffix}")
                break
        else:
            raise AssertionError(f"REWRITTEN_PARTS names {doc!r}, which is neither a notebook nor a page")
    return paths


def test_the_pages_are_joined():
    assert {"intro", "glossary", "errata"} <= set(REWRITTEN_PARTS)


@pytest.mark.parametrize("path", joined_documents(), ids=lambda p: docname(p))
def test_prose_lint(path):
    findings = lint_path(path)
    assert not findings, f"{len(findings)} finding(s):\n" + "\n".join(map(str, findings))


def test_the_data_is_read():
    data = book_data()
    assert len(data.terms) > 50 and all(ch in "123456A" for _, _, ch in data.terms)
    assert "轮次" in data.avoid_zh and "log-likelihood loss" in data.avoid_en
    assert "讲义" in data.source_names and "lecture note" in data.source_names
    assert data.labels.get("sec-ch3-jacobian", "").startswith("3.")


# --------------------------------------------------------------------------- the lint itself

TEST_DATA = Data(
    terms=[
        ("cross-entropy", "交叉熵", "2"),
        ("entropy", "熵", "2"),
        ("weight", "权重", "1"),
        ("softmax", "softmax", "3"),
        ("Jacobian", "雅可比矩阵", "3"),
        ("temperature", "温度", "3"),
        ("hardmax", "硬最大值", "3"),
    ],
    avoid_zh=["轮次"],
    avoid_en=["log-likelihood loss"],
    source_names=["讲义", "lecture note"],
    labels={"sec-ch3-jacobian": "3.6", "aside-ch3-distance": ""},
)


def cell(kind: str, text: str, *tags: str) -> dict:
    tags = ([kind] if kind in ("zh", "en") else []) + list(tags)
    return {"cell_type": "markdown", "metadata": {"tags": tags}, "source": text}


def rules_of(cells: list[dict], doc: str = "chapters/03_softmax_cross_entropy") -> set[str]:
    return {f.rule for f in lint_units(notebook_units(doc, cells), TEST_DATA)}


def page_rules(text: str, doc: str = "intro") -> set[str]:
    return {f.rule for f in lint_units(page_units(doc, text), TEST_DATA)}


# (rule, a chapter-3 notebook that must fail it, one that must pass it)
EXAMPLES = [
    ("avoided-term", [cell("zh", "训练了三个轮次。")], [cell("zh", "训练了三轮。")]),
    ("avoided-term", [cell("en", "The log-likelihood loss is small.")], [cell("en", "The negative log-likelihood is small.")]),
    ("avoided-term", [cell("zh", "讲义训练了三个轮次。", "source-aside")], [cell("zh", "讲义把它叫作“轮次”。", "source-aside")]),
    ("gloss-twice", [cell("zh", "温度（temperature）很高。"), cell("en", "x"), cell("zh", "温度（temperature）又低了。")],
     [cell("zh", "温度（temperature）很高。"), cell("en", "x"), cell("zh", "温度又低了。")]),
    ("gloss-elsewhere", [cell("zh", "交叉熵（cross-entropy）很小。")], [cell("zh", "交叉熵很小。")]),
    ("gloss-missing", [cell("zh", "温度很高时，温度（temperature）……")], [cell("zh", "温度（temperature）很高时，温度……")]),
    ("gloss-unknown", [cell("zh", "批量归一化（batch normalisation）很常用。")], [cell("zh", "雅可比矩阵（Jacobian）很常用。")]),
    ("gloss-unknown", [cell("zh", "导数矩阵（Jacobian）很常用。")], [cell("zh", "雅可比矩阵（Jacobian）很常用。")]),
    ("gloss-crowded", [cell("zh", "温度（temperature）、雅可比矩阵（Jacobian）和硬最大值（hardmax）都在这里。")],
     [cell("zh", "温度（temperature）和雅可比矩阵（Jacobian）在这里。硬最大值（hardmax）在那里。")]),
    ("bare-ref", [cell("zh", "见{ref}`sec-ch3-jacobian`。")], [cell("zh", "见{ref}`第3.6节 <sec-ch3-jacobian>`。")]),
    ("bare-ref", [cell("en", "See {doc}`glossary`.")], [cell("en", "See the {doc}`glossary <glossary>`.")]),
    ("ref-number", [cell("en", "See {ref}`Section 3.5 <sec-ch3-jacobian>`.")], [cell("en", "See {ref}`Section 3.6 <sec-ch3-jacobian>`.")]),
    ("ref-number", [cell("zh", "见{doc}`第2章 <chapters/03_softmax_cross_entropy>`。")],
     [cell("zh", "见{doc}`第3章 <chapters/03_softmax_cross_entropy>`。")]),
    ("two-colons", [cell("zh", "结论是：梯度为$a-y$：它有界。")], [cell("zh", "结论是：梯度为$a-y$。它有界。")]),
    ("nested-parens", [cell("zh", "这一项（即二次代价（quadratic cost）的梯度）很小。")], [cell("zh", "这一项很小（它是二次代价的梯度）。")]),
    ("cjk-in-english", [cell("en", "The term 交叉熵 means cross-entropy.")], [cell("en", "The term means cross-entropy.")]),
    ("cjk-in-english", [cell("en", "It is small（about 0.1）.")], [cell("en", "It is small (about 0.1).")]),
    ("ascii-punct-in-chinese", [cell("zh", "梯度很小,学习很慢。")], [cell("zh", "梯度很小，学习很慢。")]),
    ("space-in-chinese", [cell("zh", "取 $h$ 为步长。")], [cell("zh", "取$h$为步长。")]),
    ("corner-quotes", [cell("zh", "所谓「软」最大值。")], [cell("zh", "所谓“软”最大值。")]),
    ("split-leftover", [cell("shared", "## 3.1 softmax的定义")], [cell("shared", "## 3.1 softmax的定义 · The softmax")]),
    ("split-leftover", [cell("shared", "$$\nL = -\\ln a_k \\qquad \\text{whenever } y_k = 1\n$$")],
     [cell("shared", "$$\nd_{\\text{in}} = 3\n$$")]),
    ("split-leftover", [cell("shared", "| 符号 · Symbol | 含义 | Meaning |\n|---|---|---|\n| $y$（分类 · classification） | 目标 | target |")],
     [cell("shared", "| 符号 · Symbol | 含义 | Meaning |\n|---|---|---|\n| $y$ | 目标 | target |")]),
    ("split-leftover", [cell("shared", "| 符号 · Symbol | 含义 | Meaning |\n|---|---|---|\n| $y$ | 目标 | 目标 target |")],
     [cell("shared", "| 符号 · Symbol | 含义 | Meaning |\n|---|---|---|\n| $y$ | 目标 | the target |")]),
    ("source-name", [cell("zh", "讲义把符号写错了。")], [cell("zh", "讲义把符号写错了。", "source-aside")]),
    ("source-name", [cell("en", "The lecture note writes it wrongly.")],
     [cell("shared", "## 3.13 来源与说明 · Sources and notes"), cell("en", "The lecture note writes it wrongly.")]),
    ("notebook-talk", [cell("en", "The cell below prints both.")], [cell("en", "How different are they? Evaluate both:")]),
    ("notebook-talk", [cell("zh", "下面的单元格打印两个数。")], [cell("zh", "两者差多少？算一算：")]),
    ("bei-reduction", [cell("zh", "步长缩小10倍。")], [cell("zh", "步长降为原来的1/10。")]),
    ("read-as", [cell("zh", "把输出当作概率来读。")], [cell("zh", "把输出解释为概率。")]),
    ("decimal-reciprocal", [cell("en", "It shrinks to 1/8.44 of its size.")], [cell("en", "It shrinks to about an eighth.")]),
    ("split-leftover", [cell("shared", "## 3.1 softmax · 定义 · The softmax")],
     [cell("shared", "```\nx ──σ──▶ h  (forward)\n```\n$$\n\\mathrm{softmax}(z)_j\n$$")]),
    ("bei-reduction", [cell("zh", "差距减少了100倍。")], [cell("zh", "梯度下降的步长是原来的2倍。")]),
    ("ref-number", [cell("zh", "见{ref}`第4章 <sec-ch3-jacobian>`。")], [cell("zh", "见{ref}`第3章 <sec-ch3-jacobian>`。")]),
    ("cjk-in-english", [cell("en", "Call it “soft”，since it is smooth.")], [cell("en", "Call it “soft”, since it is smooth…")]),
    ("symbol", [cell("en", "We need $\\partial L/\\partial z$.")], [cell("en", "We need $\\partial C/\\partial z$ and $\\partial \\mathcal{L}/\\partial z$.")]),
    ("symbol", [cell("en", "The output $\\hat y$ is a probability.")], [cell("en", "The output $a$ is a probability.")]),
    ("symbol", [cell("en", "Here $J_{jm} = a_j(\\delta_{jm} - a_m)$.")], [cell("en", "Here $J_{jm} = a_j([j = m] - a_m)$ and $\\delta_j = a_j - y_j$.")]),
]


@pytest.mark.parametrize("rule, bad, good", EXAMPLES, ids=[f"{r}-{i}" for i, (r, _, _) in enumerate(EXAMPLES)])
def test_a_rule_fires_on_its_bad_example_only(rule, bad, good):
    assert rule in rules_of(bad), f"{rule} did not fire on {bad}"
    assert rule not in rules_of(good), f"{rule} fired on {good}"


def test_every_rule_has_an_example():
    assert {r for r, _, _ in EXAMPLES} == set(RULES)


def test_a_clean_chapter_passes():
    cells = [
        cell("shared", "# 3 softmax与交叉熵 · Softmax and cross-entropy"),
        cell("zh", "softmax把一组实数变成概率。它的雅可比矩阵（Jacobian）有一个简单的形式，见{ref}`第3.6节 <sec-ch3-jacobian>`。"),
        cell("en", "The softmax turns real numbers into probabilities. Its Jacobian has a simple form; see {ref}`Section 3.6 <sec-ch3-jacobian>`."),
        cell("shared", "(aside-ch3-distance)=\n**关于原文：交叉熵不是距离 · About the source: cross-entropy is not a distance**", "source-aside"),
        cell("zh", "讲义说交叉熵是距离。", "source-aside"),
        cell("en", "The lecture note calls it a distance.", "source-aside"),
        cell("shared", "## 3.13 来源与说明 · Sources and notes"),
        cell("zh", "本章的例子取自讲义。"),
        cell("en", "The examples come from the lecture note."),
        cell("shared", "## 3.14 练习 · Exercises"),
        cell("zh", "**练习3.1** 证明$\\sum_j a_j=1$。\n\n:::{admonition} 解答\n:class: dropdown\n由定义即得。\n:::"),
        cell("en", "**Exercise 3.1** Prove that $\\sum_j a_j = 1$.\n\n:::{admonition} Solution\n:class: dropdown\nIt follows from the definition.\n:::"),
    ]
    assert rules_of(cells) == set(), [str(f) for f in lint_units(notebook_units("chapters/03_softmax_cross_entropy", cells), TEST_DATA)]


def test_a_source_named_after_the_sources_section_is_main_text_again():
    cells = [cell("shared", "## 3.13 来源与说明 · Sources and notes"), cell("zh", "讲义。"), cell("shared", "## 3.14 练习 · Exercises"), cell("zh", "讲义。")]
    findings = [f for f in lint_units(notebook_units("chapters/03_softmax_cross_entropy", cells), TEST_DATA) if f.rule == "source-name"]
    assert [f.where for f in findings] == ["cell 3"]


def test_pages_are_read_by_blocks_and_lines():
    page = "# 前言 · Preface\n\n:::{lang} zh\n交叉熵（cross-entropy）很重要。\n:::\n\n:::{lang} en\nCross-entropy matters.\n:::\n\n## 记号\n"
    findings = lint_units(page_units("intro", page), TEST_DATA)
    assert {(f.rule, f.where) for f in findings} == {("gloss-elsewhere", "line 4"), ("split-leftover", "line 11")}
    assert page_rules("# 前言 · Preface\n\n:::{lang} en\nSee the {doc}`glossary <glossary>`.\n:::\n") == set()


def test_the_glossary_may_list_what_it_avoids():
    page = "# 术语表 · Glossary\n\n## 其他译名 · Other names\n\n:::{lang} zh\n不写“轮次”。\n:::\n"
    assert "avoided-term" not in page_rules(page, doc="glossary")
    assert "avoided-term" in page_rules(page.replace("## 其他译名 · Other names", "## 用法 · Usage"), doc="glossary")
    kronecker = page.replace("不写“轮次”。", "不写$\\delta_{jm}$。")
    assert "symbol" not in page_rules(kronecker, doc="glossary")
    assert "symbol" in page_rules(kronecker.replace("## 其他译名 · Other names", "## 用法 · Usage"), doc="glossary")


def test_a_finding_names_document_cell_and_rule():
    finding = lint_units(notebook_units("chapters/03_softmax_cross_entropy", [cell("zh", "训练三个轮次。")]), TEST_DATA)[0]
    assert str(finding).startswith("chapters/03_softmax_cross_entropy, cell 0: [avoided-term]")


if __name__ == "__main__":  # lint any document, joined or not
    total = 0
    for arg in sys.argv[1:]:
        for finding in lint_path(Path(arg)):
            print(finding)
            total += 1
    print(f"{total} finding(s)")
    sys.exit(1 if total else 0)
