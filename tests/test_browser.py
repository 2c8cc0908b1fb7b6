"""The site as a reader meets it: headless Chromium, driven by Playwright, offline.

The site is served on 127.0.0.1; every request to any other host is aborted
and counted, so these tests also prove that the pages need no network.
Each page of each edition (zh, en, both) is opened once and checked, and its
screenshot goes to _build/screenshots/<edition>/.
One browser serves the whole run (tests/conftest.py); each test gets a fresh context.
"""

from __future__ import annotations

import re

import pytest
from bilingual import EDITIONS

from conftest import CHAPTERS, SHOTS, evaluate_within, offline_context

PAGES = ["intro.html", "glossary.html", "errata.html"] + [f"chapters/{p.stem}.html" for p in CHAPTERS]
#: <html lang> and the theme's search button text per edition.
HTML_LANG = {"zh": "zh-CN", "en": "en", "both": "zh-CN"}
SEARCH_LABEL = {"zh": "搜索", "en": "Search", "both": "搜索"}
HAN = "[\u4e00-\u9fff]"


def _context(browser, **options):
    """A fresh offline context (conftest.offline_context) at this module's default size."""
    return offline_context(browser, **{"viewport": {"width": 1280, "height": 1400}, **options})


def _page(context):
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.blocked, page.errors = context.blocked, errors
    return page


@pytest.fixture
def page(browser):
    context = _context(browser)
    yield _page(context)
    context.close()


def _open(page, url):
    page.goto(url, wait_until="load")
    page.wait_for_function("() => !window.MathJax || (window.MathJax.startup && window.MathJax.startup.promise)")
    evaluate_within(page, "() => window.MathJax && window.MathJax.startup ? window.MathJax.startup.promise : null")


def _blocks(page) -> dict[str, list[int]]:
    """[visible, total] prose blocks per language."""
    return page.evaluate(
        """() => {
            const out = {};
            for (const lang of ["zh-Hans", "en"]) {
                const blocks = [...document.querySelectorAll(`.lang-block[lang="${lang}"]`)];
                out[lang] = [blocks.filter(b => b.offsetParent !== null).length, blocks.length];
            }
            return out;
        }"""
    )


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("path", PAGES)
def test_each_page_of_each_edition_reads_in_its_language(page, base_url, edition, path):
    _open(page, f"{base_url}{edition}/{path}")
    assert page.get_attribute("html", "lang") == HTML_LANG[edition]
    blocks = _blocks(page)
    own = {"zh": ["zh-Hans"], "en": ["en"], "both": ["zh-Hans", "en"]}[edition]
    for lang, (visible, total) in blocks.items():
        if lang in own:
            assert visible == total > 0, (edition, path, lang, blocks)
        else:
            assert total == 0, (edition, path, lang, blocks)
    texts = page.evaluate(
        """() => ({
            title: document.title,
            headings: [...document.querySelectorAll(".bd-article h1, .bd-article h2, .bd-article h3")].map(h => h.innerText),
            toc: document.querySelector(".bd-docs-nav").innerText,
            search: [...document.querySelectorAll(".search-button__default-text, .search-button-field")].map(e => e.textContent).join(" "),
        })"""
    )
    for text in [texts["title"], texts["toc"], *texts["headings"]]:
        if edition == "en":
            assert not re.search(HAN, text), (path, text)
        elif edition == "zh":
            assert re.search(HAN, text) and " · " not in text, (path, text)
        else:
            assert re.search(HAN, text), (path, text)
    assert SEARCH_LABEL[edition] in texts["search"], texts["search"]
    # the switch marks this edition; its links go to the same page of the others
    switch = page.locator(".lang-switch a")
    assert switch.count() == 3
    assert page.get_attribute('.lang-switch a[aria-current="page"]', "data-edition") == edition
    for other in EDITIONS:
        assert page.get_attribute(f'.lang-switch a[data-edition="{other}"]', "href").endswith(f"/{other}/{path}")
    if path.startswith("chapters/"):  # the one JupyterLite beside the editions, in a new tab
        lite = page.locator("a.lite-launch")
        assert lite.get_attribute("target") == "_blank"
        notebook = path.removeprefix("chapters/").removesuffix(".html")
        folder = "" if edition == "both" else f"{edition}/"  # zh, en: the edition's own notebook
        assert lite.evaluate("a => a.href") == f"{base_url}lite/lab/index.html?path={folder}{notebook}.ipynb"
    # maths is typeset: no raw TeX delimiters left in the prose
    assert page.locator("mjx-container").count() > 0
    raw = page.evaluate(
        """() => {
            const article = document.querySelector(".bd-article").cloneNode(true);
            article.querySelectorAll("pre, code, script, .highlight").forEach(e => e.remove());
            return article.innerText;
        }"""
    )
    for delimiter in ("\\(", "\\[", "$$"):
        assert delimiter not in raw, f"{edition}/{path}: untypeset maths ({delimiter})"
    (SHOTS / edition).mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / edition / f"{path.replace('/', '_').removesuffix('.html')}.png"))
    assert page.errors == [], page.errors
    assert page.blocked == [], f"requests left the machine: {page.blocked}"


CHAPTER2 = "chapters/02_quadratic_vs_cross_entropy.html"
SECTION = "the-bounded-error"


def test_the_switch_keeps_the_page_and_the_section_and_is_remembered(page, base_url):
    _open(page, f"{base_url}zh/{CHAPTER2}")
    page.evaluate(f"() => document.getElementById('{SECTION}').scrollIntoView({{behavior: 'instant'}})")
    english = page.get_by_role("navigation", name="语言").get_by_role("link", name="English")
    # a reader's click; Playwright's own click would first scroll the sticky header "into view"
    english.evaluate("a => a.click()")
    page.wait_for_url(f"**/en/{CHAPTER2}#{SECTION}")
    heading = page.locator(f"section#{SECTION} > h2").inner_text()
    assert "bounded error" in heading.lower() and not re.search(HAN, heading)
    assert page.evaluate("() => localStorage.getItem('ce-backprop-lang')") == "en"
    _open(page, base_url)  # the root page follows the remembered choice
    page.wait_for_url("**/en/intro.html")
    # keyboard: focus 中英 and press Enter
    page.get_by_role("link", name="中英").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/both/intro.html")
    assert page.evaluate("() => localStorage.getItem('ce-backprop-lang')") == "both"
    _open(page, base_url)
    page.wait_for_url("**/both/intro.html")


@pytest.mark.parametrize("locale, edition", [("zh-CN", "zh"), ("zh-TW", "zh"), ("en-GB", "en"), ("fr-FR", "en")])
def test_a_first_visit_follows_the_browsers_language(browser, base_url, locale, edition):
    context = _context(browser, locale=locale)
    page = _page(context)
    page.goto(base_url)
    page.wait_for_url(f"**/{edition}/intro.html")
    assert page.get_attribute("html", "lang") == HTML_LANG[edition]
    context.close()


def test_lang_in_the_address_opens_that_edition_and_survives_the_root_redirect(browser, base_url):
    context = _context(browser, locale="en-US")
    page = _page(context)
    page.goto(f"{base_url}?lang=zh")
    page.wait_for_url("**/zh/intro.html?lang=zh")
    page.goto(f"{base_url}zh/index.html?lang=en")  # an edition's own index passes it on
    page.wait_for_url("**/en/intro.html?lang=en")
    page.goto(f"{base_url}en/{CHAPTER2}?lang=both#{SECTION}")  # on any page, any edition
    page.wait_for_url(f"**/both/{CHAPTER2}?lang=both#{SECTION}")
    page.goto(base_url)  # remembered
    page.wait_for_url("**/both/intro.html")
    assert page.errors == [], page.errors
    context.close()


def test_the_switch_fits_a_phone_screen(browser, base_url):
    context = _context(browser, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = _page(context)
    for edition in EDITIONS:
        _open(page, f"{base_url}{edition}/chapters/01_single_neuron.html")
        for selector in (".lang-switch", "a.lite-launch"):
            box = page.locator(selector).bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, (edition, selector, box)
            assert box["height"] < 48, (edition, selector, box)  # one line
    context.close()


@pytest.mark.parametrize(
    "edition, query, expected",
    [
        ("zh", "交叉熵", "chapters/02_quadratic_vs_cross_entropy"),
        ("zh", "反向传播", "intro"),
        ("en", "softmax", "chapters/03_softmax_cross_entropy"),
        ("en", "backpropagation", "intro"),
        ("both", "二次代价", "chapters/01_single_neuron"),
    ],
)
def test_search_finds_terms_with_readable_snippets(page, base_url, edition, query, expected):
    page.goto(f"{base_url}{edition}/search.html?q={query}")
    page.wait_for_selector("#search-results ul.search li p.context", timeout=20000)
    links = page.eval_on_selector_all("#search-results ul.search li a", "as => as.map(a => a.getAttribute('href'))")
    assert any(expected in (href or "") for href in links), links
    snippets = page.eval_on_selector_all("#search-results p.context", "ps => ps.map(p => p.innerText)")
    assert snippets
    for snippet in snippets:
        assert not re.search(r"\\[A-Za-z]+|\\[()\[\]]|\$\$", snippet), snippet  # no raw LaTeX
        if edition == "en":
            assert len(re.findall(HAN, snippet)) < 10, snippet  # English text (a term in brackets at most)
        # the article's text, not the header's buttons or the page's contents list
        assert not re.search(r"^\W*Binder|\.ipynb\s*\.pdf|^\W*(本页内容|On this page)", snippet), snippet
    # a snippet starts after the heading its result's title already shows
    for title, snippet in page.eval_on_selector_all(
            "#search-results ul.search li", "lis => lis.filter(li => li.querySelector('p.context')).map(li => "
            "[li.querySelector('a').innerText.trim(), li.querySelector('p.context').innerText.trim()])"):
        assert not snippet.startswith(title), (title, snippet)
    assert page.errors == [], page.errors


PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
HEADER = ".bd-header-article"


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_the_sidebar_and_contents_buttons_open_them(browser, base_url, edition, device):
    """The ☰ and "on this page" buttons of the article's header work, labelled in the
    edition's language (the themes bind their scripts to a hidden copy; layout.js)."""
    context = _context(browser, **(PHONE if device == "phone" else DESKTOP))
    page = _page(context)
    _open(page, f"{base_url}{edition}/{CHAPTER2}")
    primary, secondary = page.locator(f"{HEADER} .primary-toggle"), page.locator(f"{HEADER} .secondary-toggle")
    for button in (primary, secondary):
        label = button.get_attribute("aria-label") or ""
        if edition == "en":
            assert label and not re.search(HAN, label), label
        else:
            assert re.search(HAN, label), label
    primary.click()
    if device == "phone":
        page.wait_for_selector("#pst-primary-sidebar-modal[open] .bd-docs-nav a.reference", state="visible")
        (SHOTS / "nav").mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "nav" / f"{edition}-phone-sidebar.png"))
        page.keyboard.press("Escape")
        page.wait_for_selector("#pst-primary-sidebar-modal[open]", state="detached")
        secondary.click()
        page.wait_for_selector("#pst-secondary-sidebar-modal[open] #pst-page-toc-nav a", state="visible")
        page.screenshot(path=str(SHOTS / "nav" / f"{edition}-phone-contents.png"))
        page.keyboard.press("Escape")
        page.wait_for_selector("#pst-secondary-sidebar-modal[open]", state="detached")
    else:
        page.wait_for_selector("#pst-primary-sidebar.pst-sidebar-hidden", state="attached")
        primary.click()
        page.wait_for_selector("#pst-primary-sidebar:not(.pst-sidebar-hidden) .bd-docs-nav a.reference", state="visible")
        # on a desktop the page's contents stand in the right column; its button is for narrower windows
        assert page.locator("#pst-secondary-sidebar #pst-page-toc-nav a").first.is_visible() or secondary.is_visible()
    assert page.errors == [], page.errors
    context.close()


@pytest.mark.parametrize("edition", EDITIONS)
def test_previous_and_next_fit_a_phone(browser, base_url, edition):
    context = _context(browser, **PHONE)
    page = _page(context)
    _open(page, f"{base_url}{edition}/{CHAPTER2}")
    found = page.evaluate(
        """() => { const text = document.querySelector('.bd-article p').getBoundingClientRect();
          return [...document.querySelectorAll('.prev-next-area a')].map(a => {
            const r = a.getBoundingClientRect(), t = a.querySelector('.prev-next-title');
            return {text: t.innerText, left: r.left - text.left, right: text.right - r.right,
                    cut: t.scrollWidth > t.clientWidth + 1 || a.scrollWidth > a.clientWidth + 1};
        }) }"""
    )
    assert len(found) == 2, found
    for link in found:  # each box whole, on the margins of the text above it (not edge to edge)
        assert abs(link["left"]) <= 1 and abs(link["right"]) <= 1 and not link["cut"], link
    context.close()


@pytest.mark.parametrize("edition", ["zh"])  # every chapter page of every edition links the same copy (above)
def test_a_chapter_opens_in_jupyterlite_in_a_new_tab(page, base_url, edition):
    """The JupyterLite button opens the chapter in the in-browser JupyterLab, in a new tab.

    Running its cells needs the Pyodide runtime, which the reader's browser loads
    from the Pyodide CDN; these tests run offline, so they check that the chapter
    opens with its cells and that the Pyodide runtime is the only thing fetched
    from outside the site. The one JupyterLite serves every edition.
    """
    _open(page, f"{base_url}{edition}/chapters/01_single_neuron.html")
    link = page.locator("a.lite-launch")
    assert link.count() == 1 and link.get_attribute("target") == "_blank"
    pyodide = lambda request: "/pyodide/" in request.url  # noqa: E731
    with page.context.expect_event("requestfailed", predicate=pyodide, timeout=90000):
        with page.context.expect_page() as new_tab:
            link.click()
        lite = new_tab.value
        lite.wait_for_load_state()
        assert f"/lite/lab/index.html?path={edition}/01_single_neuron.ipynb" in lite.url
        assert f"/{edition}/lite/" not in lite.url  # the one JupyterLite beside the editions
        title = lite.wait_for_selector(".jp-Notebook .jp-MarkdownOutput h1", timeout=60000)
        assert "单个神经元" in title.inner_text() and "A single neuron" not in title.inner_text()  # the zh notebook
        assert lite.locator(".jp-Notebook .jp-CodeCell").count() > 0
    assert page.blocked and all("/pyodide/" in url for url in page.blocked), page.blocked
