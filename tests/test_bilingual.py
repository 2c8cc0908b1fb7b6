"""Structure of the bilingual book: zh/en pairs, shared headings, glossary terms.

The Sphinx extension (_ext/bilingual.py) fails the build on the same pairing
problems; these tests say exactly which cell is wrong without a build.
"""

from __future__ import annotations

import re

import pytest

from conftest import CHAPTERS, HAN, PAGES, ROOT, banned_terms, glossary_chapters, glossary_terms, load_cells, prose, rewritten_chapters

from bilingual import problems_in_block

HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*)$", re.M)


def test_there_are_chapters():
    assert CHAPTERS, "no chapter notebooks found in chapters/"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_prose_cells_come_in_zh_en_pairs(path):
    cells = load_cells(path)
    kinds = ["zh" if "zh" in c["tags"] else "en" if "en" in c["tags"] else "-" for c in cells]
    for i, (cell, kind) in enumerate(zip(cells, kinds)):
        where = f"{path.name} cell {i}"
        if kind == "-":
            continue
        assert cell["cell_type"] == "markdown", f"{where}: only markdown cells are tagged zh/en"
        assert not cell["tags"] >= {"zh", "en"}, f"{where}: tagged both zh and en"
        if kind == "zh":
            assert i + 1 < len(kinds) and kinds[i + 1] == "en", f"{where}: zh cell without an en partner after it"
        else:
            assert i > 0 and kinds[i - 1] == "zh", f"{where}: en cell without a zh partner before it"
    assert kinds.count("zh") >= 10, f"{path.name}: a chapter has more prose than this"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_tagged_cells_hold_no_heading_or_labelled_equation(path):
    for i, cell in enumerate(load_cells(path)):
        if cell["tags"] & {"zh", "en"}:
            assert problems_in_block(cell["text"].splitlines()) == [], f"{path.name} cell {i}"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_each_language_is_written_in_its_language(path):
    for i, cell in enumerate(load_cells(path)):
        han = len(HAN.findall(cell["text"]))
        if "zh" in cell["tags"]:
            assert han >= 5, f"{path.name} cell {i}: a zh cell with (almost) no Chinese"
        if "en" in cell["tags"]:
            assert han == 0, f"{path.name} cell {i}: Chinese characters in an en cell"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_shared_headings_are_bilingual(path):
    cells = load_cells(path)
    assert cells[0]["cell_type"] == "markdown" and cells[0]["text"].startswith("# "), "a chapter opens with its title"
    for i, cell in enumerate(cells):
        if cell["cell_type"] != "markdown" or cell["tags"] & {"zh", "en"}:
            continue
        for title in HEADING.findall(cell["text"]):
            assert HAN.search(title) and re.search(r"[A-Za-z]{2}", title) and " · " in title, (
                f"{path.name} cell {i}: heading {title!r} is not 中文 · English"
            )


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_pages_alternate_zh_and_en_blocks(path):
    langs = re.findall(r"^:{3,}\{lang\}\s+(\w+)", path.read_text(encoding="utf-8"), re.M)
    assert langs, f"{path.name} has no bilingual blocks"
    assert langs == ["zh", "en"] * (len(langs) // 2), f"{path.name}: blocks must alternate zh, en: {langs}"


def test_glossary_is_well_formed():
    terms = glossary_terms()
    assert len(terms) >= 25
    english = [e for e, _ in terms]
    assert len(set(english)) == len(english), "a term is listed twice"
    for en, zh in terms:
        # lower case, except proper names and abbreviations
        proper = {"KL", "Jacobian", "Hessian", "Xavier", "He", "ReLU", "Bernoulli", "LeCun", "Frobenius", "Iverson", "Taylor", "Gibbs'"}
        assert en == en.lower() or en.split()[0] in proper or any(part.split()[0] in proper for part in en.split("–")), en
        assert zh and "（" not in zh and "/" not in zh, f"one Chinese term per row: {zh!r}"
    chapters = glossary_chapters()
    assert set(chapters) == set(english) and set(chapters.values()) <= set("123456A")
    # a reader looks a term up by its English headword, word by word ("vector–Jacobian product" before "vectorisation")
    key = lambda term: re.sub(r"[\s\-–]+", " ", term.lower())
    assert english == sorted(english, key=key), "the glossary lists its terms in English alphabetical order"


def _mentions(text: str, term: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(term)}(?![\w-])", text, re.I) is not None


def _masked(text: str, term: str, terms: list[str], flags=0) -> str:
    """``text`` with every longer glossary term that contains ``term`` blanked out
    ("rounding error" does not count as a use of "error")."""
    for longer in terms:
        if longer != term and term.lower() in longer.lower():
            text = re.sub(re.escape(longer), " ", text, flags=flags)
    return text


# Held to the conventions: the pages, and each chapter once its rewrite has landed (REWRITTEN_PARTS).
CONVENTION_PAGES = [p for p in PAGES if p.stem != "glossary"] + rewritten_chapters()


def _texts(path):
    if path.suffix == ".md":
        text = path.read_text(encoding="utf-8")
        blocks = re.findall(r"^:{3,}\{lang\}\s+(\w+)\n(.*?)^:{3,}\s*$", text, re.M | re.S)
        return ("\n".join(b for lang, b in blocks if lang == "en"), "\n".join(b for lang, b in blocks if lang == "zh"))
    return prose(path, "en"), prose(path, "zh")


@pytest.mark.parametrize("path", CONVENTION_PAGES, ids=lambda p: p.name)
def test_the_conventions_use_the_glossary_terms(path):
    en_text, zh_text = _texts(path)
    zh_text = re.sub(r"\s+", "", zh_text)  # "sigmoid 函数" and "sigmoid函数" are the same term
    english = [e for e, _ in glossary_terms()]
    missing = [
        f"{en} → {zh}"
        for en, zh in glossary_terms()
        if _mentions(_masked(en_text, en, english, re.I), en) and re.sub(r"\s+", "", zh) not in zh_text
    ]
    assert not missing, f"{path.name}: the English uses these terms but the Chinese lacks the glossary term: {missing}"


@pytest.mark.parametrize("path", CONVENTION_PAGES + [ROOT / "glossary.md"], ids=lambda p: p.name)
def test_no_avoided_rendering(path):
    text = path.read_text(encoding="utf-8")
    if path.name == "glossary.md":  # the table that lists them
        text = text.split("## 其他译名")[0]
    found = [bad for _, bad in banned_terms() if bad and bad in text]
    assert not found, f"{path.name} uses {found}"


def test_every_chapter_is_in_the_toc():
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [c["file"] for part in toc["parts"] for c in part["chapters"]]
    assert [f for f in files if f.startswith("chapters/")] == [f"chapters/{p.stem}" for p in CHAPTERS]
