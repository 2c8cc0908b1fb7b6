"""Shared helpers and fixtures for the course's tests.

The tiers (markers, registered in pytest.ini) are given here from what a test needs,
so they cannot drift from it: a test that asks for the built site (``site``,
``base_url``, ``pages``) is marked ``site``; one that asks for Chromium (``browser``)
``browser`` as well; the fresh Binder environment ``binder``; every cell of a chapter
notebook ``nbval``. `make check` runs the rest (``-m "not (site or binder or nbval)"``).
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: The built site (`make build`) and the browser tests' screenshots.
HTML = ROOT / "_build" / "html"
SHOTS = ROOT / "_build" / "screenshots"
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
PAGES = [ROOT / "intro.md", ROOT / "glossary.md", ROOT / "errata.md"]
HAN = re.compile(r"[\u4e00-\u9fff]")

# Strict nbval's kernels compute with the arithmetic that made the committed outputs
# (tools/ is on pytest.ini's pythonpath).
from execute_notebooks import SAME_ARITHMETIC  # noqa: E402

os.environ.update(SAME_ARITHMETIC)


def load_cells(path: Path) -> list[dict]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    for cell in cells:
        src = cell.get("source", "")
        cell["text"] = "".join(src) if isinstance(src, list) else src
        cell["tags"] = set(cell.get("metadata", {}).get("tags", []))
    return cells


def prose(path: Path, lang: str) -> str:
    """All prose of one language in a chapter notebook."""
    return "\n".join(c["text"] for c in load_cells(path) if lang in c["tags"])


def markdown_table(text: str, header_start: str) -> list[list[str]]:
    """Rows (as cell lists) of the first Markdown table whose header starts with ``header_start``."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.strip().startswith(header_start):
            rows = []
            for row in lines[i + 2 :]:
                if not row.strip().startswith("|"):
                    break
                rows.append([c.strip() for c in row.strip().strip("|").split("|")])
            return rows
    raise AssertionError(f"no table with header {header_start!r}")


def glossary_terms() -> list[tuple[str, str]]:
    """(English, 中文) pairs from glossary.md."""
    rows = markdown_table((ROOT / "glossary.md").read_text(encoding="utf-8"), "| 英文 · English | 中文 · Chinese |")
    return [(r[0], r[1]) for r in rows]


def banned_terms() -> list[tuple[str, str]]:
    """(English, banned Chinese rendering) pairs from glossary.md (its Chinese-only table of other names)."""
    rows = markdown_table((ROOT / "glossary.md").read_text(encoding="utf-8"), "| 英文 | 其他资料中的译名 |")
    return [(r[0], r[1]) for r in rows]


def glossary_chapters() -> dict[str, str]:
    """English term -> the part that introduces it ("1" ... "6", "A"), from the glossary's "首次出现 · First used" column."""
    rows = markdown_table((ROOT / "glossary.md").read_text(encoding="utf-8"), "| 英文 · English | 中文 · Chinese |")
    found = {}
    for r in rows:
        match = re.search(r"第(\d+)章|附录([A-Z])", r[2])
        assert match, f"glossary: no chapter in {r[2]!r} ({r[0]})"
        found[r[0]] = match[1] or match[2]
    return found


from hypothesis import settings  # noqa: E402

# CI and `make test` are reproducible: the same examples on every run, and no
# per-example deadline (a busy 2-core machine is slow, not wrong).
# HYPOTHESIS_PROFILE=thorough explores far more random examples.
settings.register_profile("course", derandomize=True, deadline=None, max_examples=100)
settings.register_profile("thorough", deadline=None, max_examples=2000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "course"))


#: The parts of the book (Sphinx docnames) written to the conventions of STYLE.md: the
#: notation, the glossary, the prose lint, one language per edition in outputs, figures
#: and equations. A chapter joins when its rewrite lands; by the end this is the whole book.
REWRITTEN_PARTS: tuple[str, ...] = ("intro", "glossary", "errata", "chapters/01_single_neuron", "chapters/02_quadratic_vs_cross_entropy", "chapters/03_softmax_cross_entropy", "chapters/04_backprop_three_layer", "chapters/05_deep_networks", "chapters/06_autodiff", "chapters/07_gradient_checks")


def rewritten_chapters() -> list[Path]:
    """The chapter notebooks among REWRITTEN_PARTS."""
    return [p for p in CHAPTERS if f"chapters/{p.stem}" in REWRITTEN_PARTS]


# --- Tiers -------------------------------------------------------------------------------

#: A test that asks for one of these fixtures gets the marker.
TIER_FIXTURES = {
    "site": ("site", "base_url", "pages"),
    "browser": ("browser",),
    "binder": ("binder_python",),
}


def pytest_addoption(parser):
    parser.addoption("--require-site", action="store_true",
                     help="fail, instead of skipping, the tests of the built site when it is not built (make test)")


#: Run order, longest first, so that two workers (pytest -n 2, as make test runs it) finish
#: together: the Binder environment, the notebooks, the browser, the rest.
ORDER = ("binder", "nbval", "browser", "site")
#: Modules whose tests share nothing costly (at most the run's browser and server): their tests
#: are scheduled one by one (those of one page, one parameter id, together), the other
#: modules' whole (a module's fixtures are set up once; a notebook's cells share a kernel).
SPLIT_MODULES = ("test_layout.py", "test_browser.py", "test_explorers_live.py", "test_extension.py")


def _scope(nodeid: str) -> str:
    """What runs in one worker, in order: a module, or in SPLIT_MODULES one page's tests."""
    path, _, test = nodeid.partition("::")
    if Path(path).name not in SPLIT_MODULES:
        return path
    name, bracket, param = test.partition("[")
    return f"{path}::[{param}" if bracket else f"{path}::{name}"


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    from xdist.scheduler import LoadScopeScheduling

    class CourseScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return _scope(nodeid)

    return CourseScheduling(config, log)


@pytest.hookimpl(tryfirst=True)  # the order is the one the workers report
def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.nbval)
        else:
            for marker, fixtures in TIER_FIXTURES.items():
                if any(name in item.fixturenames for name in fixtures):
                    item.add_marker(getattr(pytest.mark, marker))

    def rank(item) -> int:
        return next((i for i, m in enumerate(ORDER) if item.get_closest_marker(m)), len(ORDER))

    # A scope runs at the place of its most urgent test; within it the order is kept (a
    # notebook's cells, a module's tests).
    scope_rank: dict[str, int] = {}
    for item in items:
        scope = _scope(item.nodeid)
        scope_rank[scope] = min(scope_rank.get(scope, len(ORDER)), rank(item))
    items.sort(key=lambda item: scope_rank[_scope(item.nodeid)])


# --- The built site ----------------------------------------------------------------------


@pytest.fixture(scope="session")
def site(request) -> Path:
    """_build/html with its three editions; the test is skipped when there is no build
    (failed instead under --require-site, as in `make test`, which builds first)."""
    from bilingual import EDITIONS

    missing = [e for e in EDITIONS if not (HTML / e / "index.html").exists()]
    if missing or not (HTML / "index.html").exists():
        reason = (f"the site is not built (no {', '.join(f'_build/html/{e}/' for e in missing) or '_build/html/index.html'}): "
                  "run `make build` first (make test does)")
        if request.config.getoption("--require-site"):
            pytest.fail(reason)
        pytest.skip(reason)
    return HTML


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest's output clean
        pass


@pytest.fixture(scope="session")
def base_url(site) -> str:
    """The built site served on 127.0.0.1, one server for the whole run."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


# --- Chromium ------------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, driven by Playwright: one for the whole run (each test
    makes its own contexts). Only the tests that ask for it are skipped without it."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (make test installs Debian's chromium package; "
                    "this machine could not), so the browser tests cannot run")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


#: How long a script's promise may take in the page before the test fails (seconds).
SCRIPT_SECONDS = 60

_WITHIN = """async ([source, arg, ms]) => {
  const script = (0, eval)("(" + source + ")");
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still running after ${ms / 1000} s: ${source.slice(0, 120)}`)), ms);
  });
  try { return await Promise.race([Promise.resolve(script(arg)), late]); } finally { clearTimeout(timer); }
}"""


def evaluate_within(page, script: str, arg=None, seconds: float = SCRIPT_SECONDS):
    """``page.evaluate(script, arg)`` for a script that awaits something in the page.

    Playwright puts no deadline on the promise a script returns: one that never settles
    (a typesetting promise, ``document.fonts.ready``, an animation frame the browser does
    not draw) would hang the test and the whole run. Here it fails after ``seconds``,
    naming the script."""
    return page.evaluate(_WITHIN, [script, arg, int(seconds * 1000)])


def offline_context(browser, **options):
    """A fresh context (empty cache and storage) that aborts every request leaving the
    machine and records it in ``context.blocked``."""
    context = browser.new_context(**options)
    context.blocked = []

    def offline(route):
        host = urlparse(route.request.url).hostname
        if host in ("127.0.0.1", "localhost") or route.request.url.startswith("data:"):
            route.continue_()
        else:
            context.blocked.append(route.request.url)
            route.abort()

    context.route("**/*", offline)
    return context
