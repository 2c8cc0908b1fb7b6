"""The site as a reader meets it: headless Chromium, driven by Playwright, offline.

The site is served on 127.0.0.1; every request to any other host is aborted
and counted, so these tests also prove that the pages need no network.
Screenshots of every page in every language mode go to _build/screenshots/.
"""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

from conftest import CHAPTERS, ROOT

HTML = ROOT / "_build" / "html"
SHOTS = ROOT / "_build" / "screenshots"
PAGES = ["intro.html", "glossary.html", "errata.html"] + [f"chapters/{p.stem}.html" for p in CHAPTERS]
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

playwright_api = pytest.importorskip("playwright.sync_api")
if CHROMIUM is None:
    pytest.skip(
        "Chromium is not installed (make test installs Debian's chromium package; "
        "this machine could not), so the browser tests cannot run",
        allow_module_level=True,
    )


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest's output clean
        pass


@pytest.fixture(scope="module")
def base_url():
    if not (HTML / "index.html").exists():
        pytest.fail("the site is not built: run `make build` (make test does it first)")
    handler = functools.partial(_QuietHandler, directory=str(HTML))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh page (empty storage) that records console errors and off-machine requests."""
    context = browser.new_context(viewport={"width": 1280, "height": 1400})
    blocked: list[str] = []

    def offline(route):
        host = urlparse(route.request.url).hostname
        if host in ("127.0.0.1", "localhost") or route.request.url.startswith("data:"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", offline)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.blocked, page.errors = blocked, errors
    yield page
    context.close()


def _open(page, url):
    page.goto(url, wait_until="load")
    page.wait_for_function("() => !window.MathJax || (window.MathJax.startup && window.MathJax.startup.promise)")
    page.evaluate("() => window.MathJax && window.MathJax.startup ? window.MathJax.startup.promise : null")


def _visible(page, lang: str) -> tuple[int, int]:
    """(visible, total) prose blocks of one language."""
    return page.evaluate(
        """(lang) => {
            const blocks = [...document.querySelectorAll(`.lang-block[lang="${lang}"]`)];
            const shown = blocks.filter(b => getComputedStyle(b).display !== "none");
            return [shown.length, blocks.length];
        }""",
        lang,
    )


@pytest.mark.parametrize("path", PAGES)
def test_each_language_mode_shows_the_right_blocks(page, base_url, path):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for mode, zh_shown, en_shown in (("zh", True, False), ("en", False, True), ("both", True, True)):
        _open(page, f"{base_url}{path}?lang={mode}")
        zh_visible, zh_total = _visible(page, "zh-Hans")
        en_visible, en_total = _visible(page, "en")
        assert zh_total == en_total > 0
        assert zh_visible == (zh_total if zh_shown else 0), (path, mode)
        assert en_visible == (en_total if en_shown else 0), (path, mode)
        pressed = page.get_attribute(".lang-switch button[aria-pressed=true]", "data-mode")
        assert pressed == mode
        page.screenshot(path=str(SHOTS / f"{path.replace('/', '_').removesuffix('.html')}-{mode}.png"))
    assert page.errors == [], page.errors
    assert page.blocked == [], f"requests left the machine: {page.blocked}"


@pytest.mark.parametrize("path", PAGES)
def test_maths_is_typeset(page, base_url, path):
    _open(page, f"{base_url}{path}")
    assert page.locator("mjx-container").count() > 0
    raw = page.evaluate(
        """() => {
            const article = document.querySelector(".bd-article").cloneNode(true);
            article.querySelectorAll("pre, code, script, .highlight").forEach(e => e.remove());
            return article.innerText;
        }"""
    )
    for delimiter in ("\\(", "\\[", "$$"):
        assert delimiter not in raw, f"{path}: untypeset maths ({delimiter})"
    assert page.errors == [], page.errors


def test_the_switch_persists_across_pages_and_reloads(page, base_url):
    _open(page, f"{base_url}intro.html")
    assert page.get_attribute("html", "data-lang-mode") == "both"  # the first visit
    page.get_by_role("group", name="语言 · Language").get_by_role("button", name="English").click()
    assert _visible(page, "zh-Hans")[0] == 0 and "lang=en" in page.url
    _open(page, f"{base_url}glossary.html")  # no ?lang= in the address
    assert page.get_attribute("html", "data-lang-mode") == "en"
    page.reload()
    assert page.get_attribute("html", "data-lang-mode") == "en"
    # keyboard: focus 中文 and press Enter
    page.get_by_role("button", name="中文").focus()
    page.keyboard.press("Enter")
    assert page.get_attribute("html", "data-lang-mode") == "zh"
    assert _visible(page, "en")[0] == 0
    page.get_by_role("button", name="中英").click()
    zh, zh_total = _visible(page, "zh-Hans")
    en, en_total = _visible(page, "en")
    assert zh == zh_total and en == en_total


@pytest.mark.parametrize(
    "query, expected",
    [
        ("交叉熵", "chapters/02_quadratic_vs_cross_entropy"),
        ("反向传播", "intro"),
        ("softmax", "chapters/03_softmax_cross_entropy"),
        ("backpropagation", "intro"),
        ("二次代价", "chapters/01_single_neuron"),
    ],
)
def test_search_finds_chinese_and_english_terms(page, base_url, query, expected):
    if expected.startswith("chapters/") and not (ROOT / f"{expected}.ipynb").exists():
        pytest.skip(f"{expected} is not written yet")
    page.goto(f"{base_url}search.html?q={query}")
    page.wait_for_selector("#search-results ul.search li", timeout=15000)
    links = page.eval_on_selector_all("#search-results ul.search li a", "as => as.map(a => a.getAttribute('href'))")
    assert any(expected in (href or "") for href in links), links


def test_widgets_render_from_saved_state_and_say_they_are_live_on_binder(page, base_url):
    _open(page, f"{base_url}chapters/01_single_neuron.html?lang=en")
    page.wait_for_selector(".jupyter-widgets .widget-slider, .widget-hslider", timeout=15000)
    assert page.locator(".widget-hslider, .widget-slider").count() >= 4
    assert page.locator(".jupyter-widgets img, .widget-output img").count() >= 1  # the saved figure
    text = page.inner_text(".bd-article")
    assert re.search(r"Binder", text)
    assert page.errors == [], page.errors
    assert page.blocked == []


def test_a_chapter_opens_in_jupyterlite(page, base_url):
    """The JupyterLite button opens the chapter in the in-browser JupyterLab.

    Running its cells needs the Pyodide runtime, which the reader's browser loads
    from the Pyodide CDN; these tests run offline, so they check that the chapter
    opens with its cells and that the Pyodide runtime is the only thing fetched
    from outside the site.
    """
    _open(page, f"{base_url}chapters/01_single_neuron.html")
    link = page.locator("a.lite-launch")
    assert link.count() == 1
    link.click()
    title = page.wait_for_selector(".jp-Notebook .jp-MarkdownOutput h1", timeout=60000)
    assert "单个神经元" in title.inner_text() and "A single neuron" in title.inner_text()
    assert page.locator(".jp-Notebook .jp-CodeCell").count() > 0
    page.wait_for_timeout(2000)
    assert page.blocked and all("/pyodide/" in url for url in page.blocked), page.blocked
