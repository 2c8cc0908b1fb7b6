"""Screenshots of every page of the built site, as a reader sees it, for a person to look at.

    python tools/screenshots.py                       # every page, zh/en/both, 390 px and 1280 px
    python tools/screenshots.py --editions en --widths 390 --pages chapters/03_softmax_cross_entropy.html

Headless Chromium (Debian's, driven by Playwright) opens each page of _build/html from a
server on 127.0.0.1 (no other host is reached), waits until the page has loaded, its
fonts are in and the network is idle, and takes the whole page; the page is then cut
into screen-sized pieces, so that each can be looked at as it shows on a phone (390 ×
844) or a desktop (1280 × 900):

    _build/screenshots/pages/<edition>/<width>/<page>-<nn>.png
    _build/screenshots/pages/index.html      (every piece, page by page)
"""

from __future__ import annotations

import argparse
import functools
import html
import http.server
import shutil
import sys
import threading
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_build" / "html"
OUT = ROOT / "_build" / "screenshots" / "pages"
EDITIONS = ("zh", "en", "both")
#: width → (viewport height, piece height): a phone screen, a desktop screen.
SCREENS = {390: (844, 844), 1280: (900, 900)}


def pages(site: Path) -> list[str]:
    edition = next((site / e for e in EDITIONS if (site / e / "intro.html").exists()), None)
    if edition is None:
        raise SystemExit("the site is not built: run `make build` first")
    found = ["intro.html", "glossary.html", "errata.html"]
    found += [f"chapters/{p.name}" for p in sorted((edition / "chapters").glob("*.html"))]
    return [p for p in found if (edition / p).exists()]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--editions", nargs="*", default=list(EDITIONS))
    parser.add_argument("--widths", nargs="*", type=int, default=list(SCREENS))
    parser.add_argument("--pages", nargs="*", default=None)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()

    from PIL import Image
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("Chromium is not installed (Debian: apt-get install chromium)")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(SITE)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    todo = args.pages or pages(SITE)
    index: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        for edition in args.editions:
            for width in args.widths:
                height, piece = SCREENS.get(width, (900, 900))
                phone = width < 576
                folder = args.out / edition / str(width)
                folder.mkdir(parents=True, exist_ok=True)
                for page_path in todo:
                    context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=phone,
                                                  has_touch=phone)
                    context.route("**/*", lambda r: r.continue_() if urlparse(r.request.url).hostname in
                                  ("127.0.0.1", "localhost") else r.abort())
                    page = context.new_page()
                    page.goto(f"{base}{edition}/{page_path}", wait_until="load")
                    page.evaluate("() => document.fonts.ready.then(() => true)")
                    page.wait_for_load_state("networkidle")
                    whole = folder / "_whole.png"
                    page.screenshot(path=str(whole), full_page=True)
                    context.close()
                    image = Image.open(whole)
                    stem = page_path.replace("/", "-").removesuffix(".html")
                    count = (image.height + piece - 1) // piece
                    names = []
                    for i in range(count):
                        name = f"{stem}-{i + 1:02d}.png"
                        image.crop((0, i * piece, image.width, min(image.height, (i + 1) * piece))).save(folder / name)
                        names.append(name)
                    whole.unlink()
                    index.append(f"<h2>{html.escape(edition)} · {width} px · {html.escape(page_path)} ({count})</h2>"
                                 + "".join(f'<img src="{edition}/{width}/{n}" width="{min(width, 640)}">' for n in names))
                    print(f"{edition} {width} {page_path}: {count} screens", flush=True)
        browser.close()
    server.shutdown()
    (args.out / "index.html").write_text("<!doctype html><meta charset=utf-8><title>Screenshots</title>"
                                         + "\n".join(index), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
