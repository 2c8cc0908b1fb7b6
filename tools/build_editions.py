"""Build the book's three editions and JupyterLite into _build/html, in parallel.

    python tools/build_editions.py                 # zh, en, both + JupyterLite
    python tools/build_editions.py --editions en --no-lite

One source and one configuration (_config.yml and _toc.yml, read by Jupyter
Book exactly as `jupyter-book build . --all -W -n --keep-going` reads them),
built three times by Sphinx with two values changed: `course_edition` (zh, en,
both; see _ext/bilingual.py) and Sphinx's `language` (the theme's own strings
and <html lang>). Each edition is its own process with its own output and
doctree folders, so the three run side by side with JupyterLite
(tools/build_lite.py) beside them:

    _build/html/zh/      中文
    _build/html/en/      English
    _build/html/both/    中英 (side by side)
    _build/html/lite/    JupyterLite, one copy for every edition
    _build/html/index.html, 404.html, sitemap.xml, robots.txt

The root index.html sends a reader to the edition they chose last time
(localStorage), else to the one their browser's language prefers (zh-* → zh,
otherwise en); ?lang=zh|en|both decides outright and is passed on.
Every log goes to _build/logs/; warnings and errors are printed, and any of
them fails the build (-W).
"""

from __future__ import annotations

import argparse
import html
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build"
HTML = BUILD / "html"
LOGS = BUILD / "logs"
sys.path.insert(0, str(ROOT / "_ext"))
from bilingual import EDITIONS  # noqa: E402

#: Pages that are not part of the book's text: not in the sitemap.
NOT_IN_SITEMAP = {"index.html", "search.html", "genindex.html", "404.html"}


def build_one(edition: str) -> int:
    """One edition, as `jupyter-book build . --all -W -n --keep-going` would build the book."""
    from jupyter_book.sphinx import build_sphinx

    # Each edition builds in a folder of its own (myst-nb writes beside the output),
    # then takes its place in _build/html.
    staging = BUILD / "editions" / edition
    shutil.rmtree(staging, ignore_errors=True)
    result = build_sphinx(
        ROOT,
        staging / "html",
        noconfig=True,
        path_config=str(ROOT / "_config.yml"),
        confoverrides={
            "external_toc_path": (ROOT / "_toc.yml").as_posix(),
            "latex_individualpages": False,
            "nitpicky": True,
            "course_edition": edition,
            "language": EDITIONS[edition]["language"],
        },
        doctreedir=staging / ".doctrees",
        freshenv=True,
        warningiserror=True,
        keep_going=True,
    )
    status = 1 if isinstance(result, Exception) else int(result or 0)
    if status == 0:
        shutil.rmtree(HTML / edition, ignore_errors=True)
        (staging / "html").rename(HTML / edition)
    return status


def site_settings() -> tuple[str, str, str]:
    """(base URL, the 404 page's path prefix, the root document) from _config.yml and _toc.yml."""
    import yaml

    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    base = (config.get("html") or {}).get("baseurl", "") or ""
    prefix = ((config.get("sphinx") or {}).get("config") or {}).get("notfound_urls_prefix", "/") or "/"
    root_doc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))["root"]
    return base.rstrip("/") + "/" if base else "", prefix, root_doc


ROOT_INDEX = """<!DOCTYPE html>
<html lang="zh-Hans">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
{alternates}
<script>
/* The edition: ?lang= first, then the reader's last choice, then the browser's language. */
(function () {{
  var editions = ["zh", "en", "both"], key = "ce-backprop-lang", choice = null;
  var asked = new URLSearchParams(location.search).get("lang");
  try {{ choice = localStorage.getItem(key); }} catch (e) {{}}
  if (editions.indexOf(asked) >= 0) {{
    choice = asked;
    try {{ localStorage.setItem(key, asked); }} catch (e) {{}}
  }}
  if (editions.indexOf(choice) < 0) {{
    var langs = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || ""];
    choice = /^zh\\b/i.test(langs[0] || "") ? "zh" : "en";
  }}
  location.replace(choice + "/{root_doc}.html" + location.search + location.hash);
}})();
</script>
<noscript><meta http-equiv="refresh" content="0; url=en/{root_doc}.html"></noscript>
</head>
<body>
<p><a href="zh/{root_doc}.html" hreflang="zh-Hans" lang="zh-Hans">中文</a> ·
<a href="en/{root_doc}.html" hreflang="en" lang="en">English</a> ·
<a href="both/{root_doc}.html">中英 · Both</a></p>
</body>
</html>
"""


EDITION_INDEX = """<!DOCTYPE html>
<meta charset="utf-8">
<script>location.replace("{root_doc}.html" + location.search + location.hash);</script>
<meta http-equiv="Refresh" content="0; url={root_doc}.html" />
"""


def write_root(base: str, root_doc: str) -> None:
    """The root index.html, 404.html (the side-by-side one), sitemap.xml and robots.txt."""
    title = "交叉熵与反向传播 · Cross-Entropy and Backpropagation"
    both = HTML / "both" / f"{root_doc}.html"
    if both.exists():  # the book's title, as _config.yml gives it
        text = both.read_text(encoding="utf-8")
        start = text.find("<title>")
        if start >= 0:
            title = html.unescape(text[start + 7 : text.index("</title>", start)]).split(" — ")[-1]
    alternates = "\n".join(
        f'<link rel="alternate" hreflang="{info["hreflang"]}" href="{base}{edition}/{root_doc}.html">'
        for edition, info in EDITIONS.items() if info["hreflang"]
    )
    (HTML / "index.html").write_text(
        ROOT_INDEX.format(title=html.escape(title), alternates=alternates, root_doc=root_doc), encoding="utf-8"
    )
    for edition in EDITIONS:  # each edition's own index.html passes ?lang= and #section on too
        if (HTML / edition).is_dir():
            (HTML / edition / "index.html").write_text(EDITION_INDEX.format(root_doc=root_doc), encoding="utf-8")
    if (HTML / "both" / "404.html").exists():
        shutil.copy(HTML / "both" / "404.html", HTML / "404.html")
    pages = sorted(
        {
            p.relative_to(HTML / edition).as_posix()
            for edition in EDITIONS
            if (HTML / edition).is_dir()
            for p in (HTML / edition).rglob("*.html")
            if not {"_static", "_sources", "_images"} & set(p.relative_to(HTML / edition).parts)
        }
        - NOT_IN_SITEMAP
    )
    urls = []
    for page in pages:
        alternates = "".join(
            f'\n    <xhtml:link rel="alternate" hreflang="{info["hreflang"]}" href="{escape(base + edition + "/" + page)}"/>'
            for edition, info in EDITIONS.items() if info["hreflang"]
        )
        for edition in EDITIONS:
            if (HTML / edition / page).exists():
                urls.append(f"  <url>\n    <loc>{escape(base + edition + '/' + page)}</loc>{alternates}\n  </url>")
    (HTML / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
        + "\n".join(urls) + "\n</urlset>\n",
        encoding="utf-8",
    )
    (HTML / "robots.txt").write_text(f"User-agent: *\nAllow: /\nSitemap: {base}sitemap.xml\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--editions", default=",".join(EDITIONS), help="comma-separated: zh,en,both")
    parser.add_argument("--no-lite", action="store_true", help="skip JupyterLite")
    parser.add_argument("--one", choices=list(EDITIONS), help=argparse.SUPPRESS)  # a worker process
    args = parser.parse_args()
    if args.one:
        return build_one(args.one)

    editions = [e for e in args.editions.split(",") if e]
    unknown = set(editions) - set(EDITIONS)
    if unknown:
        parser.error(f"unknown editions {sorted(unknown)}; choose from {list(EDITIONS)}")
    start = time.monotonic()
    LOGS.mkdir(parents=True, exist_ok=True)
    HTML.mkdir(parents=True, exist_ok=True)
    for stale in HTML.iterdir():  # what an earlier build left beside the editions
        if stale.name not in {*EDITIONS, "lite"}:
            shutil.rmtree(stale) if stale.is_dir() else stale.unlink()
    jobs = {e: [sys.executable, __file__, "--one", e] for e in editions}
    if not args.no_lite:
        jobs["lite"] = [sys.executable, str(ROOT / "tools" / "build_lite.py")]
    running = {}
    for name, cmd in jobs.items():
        log = (LOGS / f"{name}.log").open("w", encoding="utf-8")
        running[name] = (subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT), log, time.monotonic())
    finished = {}
    while len(finished) < len(running):  # each part's own time, in the order they finish
        for name, (process, _, began) in running.items():
            if name not in finished and process.poll() is not None:
                finished[name] = time.monotonic() - began
        time.sleep(0.1)
    status = 0
    for name, (process, log, began) in running.items():
        code = process.returncode
        log.close()
        text = (LOGS / f"{name}.log").read_text(encoding="utf-8")
        problems = [line for line in text.splitlines() if "WARNING" in line or "ERROR" in line]
        for line in problems:
            print(f"{name}: {line}")
        if code:
            print(f"{name}: failed (exit {code}); log: {(LOGS / f'{name}.log').relative_to(ROOT)}")
            if not problems:
                print("\n".join(text.splitlines()[-15:]))
        status = status or code or (1 if problems and name != "lite" else 0)
        print(f"time: {name} {finished[name]:.0f} s")
    with (BUILD / "build.log").open("w", encoding="utf-8") as combined:
        for name in jobs:
            combined.write(f"===== {name} =====\n" + (LOGS / f"{name}.log").read_text(encoding="utf-8"))
    if status == 0:
        base, _, root_doc = site_settings()
        write_root(base, root_doc)
    built = ", ".join(editions) + ("" if args.no_lite else " + JupyterLite")
    print(f"time: book build ({built}) {time.monotonic() - start:.0f} s")
    return status


if __name__ == "__main__":
    sys.exit(main())
