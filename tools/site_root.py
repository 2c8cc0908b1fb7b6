"""The site's root, once the editions are built: index.html, 404.html, sitemap.xml, robots.txt.

    python tools/site_root.py          # after `make editions` (the Makefile runs it)

The editions are built by Sphinx, one `sphinx-build` per edition (the Makefile), into
sibling folders of _build/html, beside JupyterLite:

    _build/html/zh/      中文
    _build/html/en/      English
    _build/html/both/    中英 (side by side)
    _build/html/lite/    JupyterLite, one copy for every edition

The root index.html sends a reader to the edition they chose last time
(localStorage), else to the one their browser's language prefers (zh-* → zh,
otherwise en); ?lang=zh|en|both decides outright and is passed on. The root's
404.html is the side-by-side edition's; the sitemap lists every page of every
edition with its hreflang alternates.
"""

from __future__ import annotations

import html
import json
import shutil
import sys
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
HTML = ROOT / "_build" / "html"
sys.path.insert(0, str(ROOT / "_ext"))
from bilingual import EDITIONS  # noqa: E402

#: Pages that are not part of the book's text: not in the sitemap.
NOT_IN_SITEMAP = {"index.html", "search.html", "genindex.html", "404.html"}


def site_settings() -> tuple[str, str, str]:
    """(the book's title, base URL, the root document) from _config.yml and _toc.yml."""
    import yaml

    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    base = (config.get("html") or {}).get("baseurl", "") or ""
    root_doc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))["root"]
    return config["title"], base.rstrip("/") + "/" if base else "", root_doc


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
  var editions = {editions}, key = "ce-backprop-lang", choice = null;
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
<p>{links}</p>
</body>
</html>
"""


EDITION_INDEX = """<!DOCTYPE html>
<meta charset="utf-8">
<script>location.replace("{root_doc}.html" + location.search + location.hash);</script>
<meta http-equiv="Refresh" content="0; url={root_doc}.html" />
"""


def write_root(title: str, base: str, root_doc: str) -> None:
    """The root index.html, 404.html (the side-by-side one), sitemap.xml and robots.txt."""
    alternates = "\n".join(
        f'<link rel="alternate" hreflang="{info["hreflang"]}" href="{base}{edition}/{root_doc}.html">'
        for edition, info in EDITIONS.items() if info["hreflang"]
    )
    (HTML / "index.html").write_text(
        ROOT_INDEX.format(title=html.escape(title), alternates=alternates, root_doc=root_doc,
                          editions=json.dumps(list(EDITIONS)), links=" ·\n".join(
                              f'<a href="{edition}/{root_doc}.html"'
                              + (f' hreflang="{info["hreflang"]}"' if info["hreflang"] else "")
                              + f' lang="{info["lang"]}">{html.escape(info["label"])}</a>'
                              for edition, info in EDITIONS.items())), encoding="utf-8"
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
    missing = [edition for edition in EDITIONS if not (HTML / edition / "index.html").exists()]
    if missing:
        print(f"site root: the editions {missing} are not built (make editions)", file=sys.stderr)
        return 1
    write_root(*site_settings())
    return 0


if __name__ == "__main__":
    sys.exit(main())
