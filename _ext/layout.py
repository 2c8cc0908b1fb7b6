"""Page layout for the course book: what the bilingual extension does not cover.

* **Equations numbered per chapter.** Sphinx numbers labelled display equations
  across the whole book (1…47); this extension renumbers them (4.1, 4.2, …)
  from the chapter number at the start of the page's title ("# 4 …"), so the
  equation numbers, the ``{eq}`` references and the anchors agree. Pages
  without a chapter number (preface, glossary, errata) keep no numbered
  equations of their own.
* **Asides.** Consecutive notebook cells tagged ``aside`` (a side topic) or
  ``source-aside`` (what a source got wrong) become one collapsed ``<details>`` per
  aside (each title cell starts a new one) whose summary is the aside's bold title
  line (``**恰当评分规则 · Proper scoring rules**``, ``**关于原文：… · About the
  source: …**``), with each half in its language. The label above the title
  (``(aside-chN-topic)=``) stays the anchor.
* **Explorers on the static site.** An ipywidgets explorer cannot run without a
  kernel, so on the site it is shown as what it really is: the figure it drew
  when the notebook was executed (taken from the saved widget state), with
  links that open the chapter live in JupyterLite and on Binder. The widget
  state is dropped from the page, so no page loads the widget manager.
* **Figures.** Each sized image also carries its width as ``--figure-width``: on a
  wider screen a figure alone in its output is centred and drawn at 16/14 of its phone
  size (its 10.5 pt text at the body's 16 px); on a phone it is drawn as sized.
* **Typography.** Inline maths or inline code followed by Chinese punctuation
  (，。；：）、) is kept on one line with it, so no line starts with punctuation.
* **Page weight.** The theme's 1.5 MB Font Awesome script is replaced by the
  few icons the pages use, the theme's stylesheet loses the icon font's 86 kB of
  glyph rules, and the figures' PNGs are written with at most 256 colours
  (a third to a half of their size, the same picture).
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from pathlib import Path
from urllib.parse import quote

from docutils import nodes
from docutils.parsers.rst import Directive
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging

from bilingual import EDITIONS, LANGS, SEPARATOR, SITE

logger = logging.getLogger(__name__)

#: The tags that fold a run of cells: a side topic, and what a source got wrong.
ASIDE_TAGS = ("aside", "source-aside")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
#: Chinese punctuation that must not start a line.
CJK_CLOSING = "，。；：）、！？」』”’》〉】"
#: Opening brackets and quotes that must not end a line.
OPENING = "（(「『“‘《〈【["
#: A chapter's number ("4 三层网络…") or an appendix's letter ("附录A …", "Appendix A …") at the start of its title.
_CHAPTER_RE = re.compile(r"^\s*(?:(\d+)|(?:附录|Appendix\s+)([A-Z]))(?:\s|$)")
_TITLE_SEP = SEPARATOR


def edition(config) -> str:
    """The site's language edition: "zh", "en" or "both" (the default; bilingual.configure
    has already refused any other value)."""
    value = getattr(config, "course_edition", None) or "both"
    return value if value in EDITIONS else "both"


def _bilingual_html(zh: str, en: str, ed: str, tag: str = "span") -> str:
    """One phrase in both languages, or in the edition's one language."""
    parts = []
    if ed in ("zh", "both"):
        parts.append(f'<{tag} class="lang-zh" lang="zh-Hans">{zh}</{tag}>')
    if ed in ("en", "both"):
        parts.append(f'<{tag} class="lang-en" lang="en">{en}</{tag}>')
    return '<span class="lang-sep"> · </span>'.join(parts)


# ---------------------------------------------------------------------------
# Explorers: the saved figure and links to run it live
# ---------------------------------------------------------------------------

def _models(ref) -> list[str]:
    """Model ids referenced by a widget state value ("IPY_MODEL_…", lists of them)."""
    if isinstance(ref, str) and ref.startswith("IPY_MODEL_"):
        return [ref[len("IPY_MODEL_"):]]
    if isinstance(ref, list):
        return [m for item in ref for m in _models(item)]
    return []


def widget_tree(state: dict, model_id: str) -> list[dict]:
    """The models of a widget and all its descendants, in display order."""
    found, seen, stack = [], set(), [model_id]
    while stack:
        mid = stack.pop(0)
        if mid in seen or mid not in state:
            continue
        seen.add(mid)
        model = state[mid]
        found.append(model)
        children = model.get("state", {}).get("children", [])
        stack[0:0] = _models(children)
    return found


def _value_text(model: dict) -> str | None:
    s = model.get("state", {})
    name = model.get("model_name", "")
    desc = str(s.get("description", "")).strip()
    if not desc or "value" not in s and "index" not in s:
        return None
    if name == "DropdownModel":
        labels = s.get("_options_labels") or []
        index = s.get("index")
        value = labels[index] if isinstance(index, int) and index < len(labels) else s.get("value")
    elif name.endswith("ProgressModel"):
        return None
    else:
        value = s.get("value")
        if isinstance(value, float):
            value = f"{value:.4g}"
    return f"{desc} = {value}"


def _one_language(setting: str, ed: str) -> str:
    """A control's setting ("w₀ 初始权重 · w₀ initial weight = 0.6") in the edition's language:
    the description and the value are each cut at their " · " (ce_backprop.lang.label)."""
    from bilingual import split_text

    description, equals, value = setting.partition(" = ")
    return split_text(description, ed) + equals + split_text(value, ed)


def static_explorer(state: dict, model_id: str) -> tuple[list[dict], list[str]] | None:
    """The outputs an explorer had drawn when saved, and its control settings.

    The figures and text live in the explorer's Output widgets (``interactive_output``
    or ``with out:``). Returns None when ``model_id`` is not in the saved state.
    """
    if model_id not in state:
        return None
    outputs, settings = [], []
    for model in widget_tree(state, model_id):
        if model.get("model_name") == "OutputModel":
            outputs.extend(model.get("state", {}).get("outputs", []))
        else:
            text = _value_text(model)
            if text:
                settings.append(text)
    return outputs, settings


#: The explorers that run in the page (_ext/static/explorers.js), by their kind.
LIVE_KINDS = ("neuron", "softmax", "training", "deep")
#: Epochs of the library's own row order shipped to a page for the training explorer.
TRAINING_EPOCHS_SHIPPED = 20


def live_spec(state: dict, model_id: str, ed: str) -> dict | None:
    """What the page needs to run an explorer itself: its kind and its controls.

    The library names them in the widgets' CSS classes (ce_backprop.explorers._mark):
    ``ce-explorer-<kind>`` on the explorer, ``ce-param-<name>`` on each control and, for a
    menu, ``ce-options-<json list of the entries' values>``. Each control keeps its range,
    its step and its saved value, and its label in the edition's language. None for an
    explorer that has no live version.
    """
    from bilingual import split_text

    if model_id not in state:
        return None
    classes = state[model_id].get("state", {}).get("_dom_classes", [])
    kinds = [c[len("ce-explorer-"):] for c in classes if c.startswith("ce-explorer-")]
    if not kinds or kinds[0] not in LIVE_KINDS:
        return None
    controls = []
    for model in widget_tree(state, model_id):
        s = model.get("state", {})
        names = [c[len("ce-param-"):] for c in s.get("_dom_classes", []) if c.startswith("ce-param-")]
        if not names:
            continue
        kind = model.get("model_name", "")
        control = {"name": names[0], "label": split_text(str(s.get("description", "")), ed)}
        if kind == "DropdownModel":
            values = [json.loads(c[len("ce-options-"):]) for c in s.get("_dom_classes", []) if c.startswith("ce-options-")]
            labels = [split_text(str(text), ed) for text in s.get("_options_labels", [])]
            if not values or len(values[0]) != len(labels):
                raise ValueError(f"explorer {kinds[0]}: the menu {names[0]!r} does not name its entries' values")
            control.update(type="choice", options=[[text, value] for text, value in zip(labels, values[0])],
                           value=values[0][s.get("index", 0)])
        elif kind in ("FloatSliderModel", "IntSliderModel", "FloatLogSliderModel"):
            control.update(type={"FloatSliderModel": "float", "IntSliderModel": "int", "FloatLogSliderModel": "log"}[kind],
                           min=s["min"], max=s["max"], step=s["step"], value=s["value"])
            if kind == "FloatLogSliderModel":
                control["base"] = s.get("base", 10)
            if s.get("readout_format"):
                control["format"] = s["readout_format"]
        else:
            raise ValueError(f"explorer {kinds[0]}: control {names[0]!r} is a {kind}, which the page cannot draw")
        controls.append(control)
    constants = [json.loads(c[len("ce-constants-"):]) for c in classes if c.startswith("ce-constants-")]
    return {"kind": kinds[0], "edition": ed, "controls": controls, "constants": constants[0] if constants else {}}


def _b64(array, dtype) -> str:
    import numpy as np

    return base64.b64encode(np.ascontiguousarray(array, dtype=dtype).tobytes()).decode("ascii")


def _digits_payload(X_train, y_train, X_val, y_val) -> dict:
    """The digits an explorer trains on and the part it reports: pixels × 16 (integers 0..16) and labels as bytes."""
    import numpy as np

    return {"nTrain": int(X_train.shape[0]), "nVal": int(X_val.shape[0]), "nInputs": int(X_train.shape[1]),
            "xTrain": _b64(np.rint(X_train * 16), "<u1"), "yTrain": _b64(y_train, "<u1"),
            "xVal": _b64(np.rint(X_val * 16), "<u1"), "yVal": _b64(y_val, "<u1")}


def _data_script(kind: str, payload: dict) -> tuple[str, str]:
    """A data file for the page's ``kind`` explorer, named by its content."""
    body = json.dumps(payload, separators=(",", ":"))
    name = f"ce-{kind}-data-{hashlib.sha256(body.encode()).hexdigest()[:12]}.js"
    script = (f"/* The digits and the library's random start for the {kind} explorer (_ext/layout.py). */\n"
              f"(window.ceExplorerData = window.ceExplorerData || {{}}).{kind} = {body};\n")
    return name, script


def deep_data_script(spec: dict) -> tuple[str, str]:
    """(file name, JavaScript) of the data chapter 5's explorer trains on in the page.

    The digits as the explorer uses them (load_digits_with_validation: the training
    part, and the validation part it reports), and the library's start for the saved depth and seed
    (ce_backprop.explorers.deep_start): the standard normals of every layer,
    which each initialisation scales, and the row order of TRAINING_EPOCHS_SHIPPED epochs.
    """
    from ce_backprop.data import load_digits_with_validation
    from ce_backprop.explorers import deep_start

    controls, c = {x["name"]: x for x in spec["controls"]}, spec["constants"]
    depth = int(controls["depth"]["value"])
    data = load_digits_with_validation()
    normals, orders = deep_start(depth, c["width"], c["seed"], TRAINING_EPOCHS_SHIPPED,
                                 data.X_train.shape[1], 10, data.X_train.shape[0])
    return _data_script("deep", {
        **_digits_payload(data.X_train, data.y_train, data.X_val, data.y_val),
        "start": {"depth": depth, "width": c["width"], "seed": c["seed"], "epochs": TRAINING_EPOCHS_SHIPPED,
                  "normals": _b64(normals, "<f8"), "orders": _b64(orders, "<u2")},
    })


def training_data_script(spec: dict) -> tuple[str, str]:
    """(file name, JavaScript) of the data the training explorer trains on in the page.

    The explorer's digits (its training and validation parts, pixels × 16 as bytes, labels) and the library's
    random start for the saved number of hidden units and seed (ce_backprop.explorers.
    training_start): the initial parameters as float64 and the row order of the first
    TRAINING_EPOCHS_SHIPPED epochs. With them, the page's first run is the notebook's.
    """
    from ce_backprop.data import load_digits_with_validation
    from ce_backprop.explorers import training_start

    controls = {c["name"]: c for c in spec["controls"]}
    hidden, seed = int(controls["hidden"]["value"]), int(spec["constants"]["seed"])
    data = load_digits_with_validation()
    params, orders = training_start(hidden, seed, TRAINING_EPOCHS_SHIPPED, data.X_train.shape[1], 10, data.X_train.shape[0])
    payload = {
        **_digits_payload(data.X_train, data.y_train, data.X_val, data.y_val),
        "start": {"hidden": hidden, "seed": seed, "epochs": TRAINING_EPOCHS_SHIPPED,
                  "W1": _b64(params.W1, "<f8"), "W2": _b64(params.W2, "<f8"), "orders": _b64(orders, "<u2")},
    }
    return _data_script("training", payload)


def live_links(app: Sphinx, docname: str) -> tuple[str, str | None]:
    """(JupyterLite URL relative to the page, Binder URL or None) for a chapter notebook."""
    # Each edition lives one folder below the site's root (_build/html/<edition>/),
    # beside the one JupyterLite copy (_build/html/lite/): the Makefile.
    depth = docname.count("/") + 1
    name = docname.rsplit("/", 1)[-1] + ".ipynb"
    ed = edition(app.config)
    # the zh and en editions open their own notebook (tools/build_lite.py), side by side the bilingual one
    folder = "" if ed == "both" else f"{ed}/"
    lite = "../" * depth + SITE["lite"] + "?path=" + quote(folder + name)
    options = app.config.html_theme_options or {}
    repo = (options.get("repository_url") or "").rstrip("/")
    hub = ((options.get("launch_buttons") or {}).get("binderhub_url") or "").rstrip("/")
    match = re.match(r"https://github\.com/([^/]+)/([^/]+)$", repo)
    binder = None
    if hub and match:
        branch = options.get("repository_branch") or "main"
        path = "/".join(p for p in [(options.get("path_to_docs") or "").strip("/"), docname + ".ipynb"] if p)
        binder = f"{hub}/v2/gh/{match[1]}/{match[2]}/{branch}?urlpath=" + quote(f"lab/tree/{path}", safe="/")
    return lite, binder


def explorer_note_html(lite: str, binder: str | None, settings: list[str], ed: str, spec: dict | None = None) -> str:
    """The banner above a saved explorer figure: what it is, its settings one a line (a
    phone shows them as a short list, not a run-on line), and where it runs live.

    With a ``spec`` (live_spec), the banner also holds the explorer's place in the page,
    which explorers.js fills with its controls and plots, hiding the saved figure.
    """
    live = ""
    if spec:
        if spec["kind"] in ("training", "deep"):
            zh, en = ("设好下面的选项，按“训练”：网络就在这个网页里训练，公式与本书的Python库相同。"
                      "想运行整本笔记本，可以打开可运行版本。",
                      "Choose the settings below and press Train: the network trains in this page, with the "
                      "same formulas as the book's Python library. To run the whole notebook, open the chapter live.")
        else:
            zh, en = ("拖动下面的滑块，图会立即重画：计算就在这个网页里完成，公式与本书的Python库相同。"
                      "想运行整本笔记本，可以打开可运行版本。",
                      "Move the controls below and the plots are redrawn at once: they are computed in "
                      "this page, with the same formulas as the book's Python library. To run the whole "
                      "notebook, open the chapter live.")
        live = (
            _bilingual_html(zh, en, ed),
            f'<div class="ce-live-explorer" data-spec="{html.escape(json.dumps(spec, ensure_ascii=False))}"></div>',
        )
    say = _bilingual_html(
        "下图是探索器在以下设置下画出的图。要拖动滑块，请运行本章：",
        "The figure below is the explorer drawn with these settings. To move its sliders, run the chapter live:",
        ed,
    )
    items = []
    for setting in settings:
        name, equals, value = setting.partition(" = ")
        items.append(f"<li>{html.escape(name)} = <b>{html.escape(value)}</b></li>" if equals
                     else f"<li>{html.escape(setting)}</li>")
    listed = (f'<ul class="explorer-settings" aria-label="{html.escape(_plain_label(ed))}">' + "".join(items) + "</ul>"
              if items else "")
    links = [
        f'<a class="explorer-lite" href="{html.escape(lite)}" target="_blank" rel="noopener">▶ '
        + _bilingual_html("在浏览器中运行", "Run in the browser", ed)
        + ' <span class="explorer-how">(JupyterLite)</span></a>'
    ]
    if binder:
        links.append(
            f'<a class="explorer-binder" href="{html.escape(binder)}" target="_blank" rel="noopener">'
            + _bilingual_html("在Binder上运行", "Run on Binder", ed)
            + ' <span class="explorer-how">'
            + _bilingual_html("（中英双语笔记本）", "(the bilingual notebook)", ed)
            + "</span></a>"
        )
    links_html = f'<p class="explorer-links">{" ".join(links)}</p>'
    if live:
        text = [f'<p class="explorer-say explorer-say-live">{live[0]}</p>',
                f'<p class="explorer-say explorer-say-static">{say}</p>', listed, links_html, live[1]]
    else:
        text = [f'<p class="explorer-say">{say}</p>', listed, links_html]
    return '<div class="explorer-live" role="note">' + "".join(text) + "</div>"


def _plain_label(ed: str) -> str:
    return {"zh": "图中的设置", "en": "Settings shown"}.get(ed, "图中的设置 · Settings shown")


def make_explorers_static(app: Sphinx, docname: str, nb: dict) -> int:
    """Replace each widget output by its saved figure and live links; drop the widget state.

    Returns the number of explorers replaced.
    """
    meta = nb.get("metadata", {})
    state = (meta.get("widgets") or {}).get(WIDGET_STATE, {}).get("state", {})
    meta.pop("widgets", None)
    ed = edition(app.config)
    count, alt = 0, None
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        outputs, changed = [], False
        for out in cell.get("outputs", []):
            view = out.get("data", {}).get(WIDGET_VIEW)
            if not view:
                outputs.append(out)
                continue
            changed = True
            saved = static_explorer(state, view.get("model_id", ""))
            if saved is None:
                continue  # a widget with no saved state shows nothing rather than a dead control
            drawn, settings = saved
            settings = [_one_language(s, ed) for s in settings]
            shown = "; ".join(settings)
            zh_alt = f"交互式探索器的图（{shown}）" if shown else "交互式探索器的图"
            en_alt = f"The interactive explorer's figure ({shown})" if shown else "The interactive explorer's figure"
            alt = {"zh": zh_alt, "en": en_alt}.get(ed, f"{zh_alt} / {en_alt}")
            lite, binder = live_links(app, docname)
            spec = live_spec(state, view.get("model_id", ""), ed)
            if spec and spec["kind"] in ("training", "deep"):
                name, script = (training_data_script if spec["kind"] == "training" else deep_data_script)(spec)
                target = Path(app.outdir) / "_static" / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(script, encoding="utf-8")
                spec["data"] = name
            outputs.append({
                "output_type": "display_data", "metadata": {},
                "data": {"text/html": explorer_note_html(lite, binder, settings, ed, spec)},
            })
            for item in drawn:
                if item.get("output_type") in ("display_data", "execute_result"):
                    data = {k: v for k, v in item.get("data", {}).items() if k != WIDGET_VIEW}
                    if "image/png" in data:
                        data = {"image/png": data["image/png"]}
                    elif "text/plain" in data:
                        data = {"text/plain": data["text/plain"]}
                    else:
                        continue
                    # the figure's language and size (cb.show_figure), which bilingual.py reads
                    outputs.append({"output_type": "display_data", "metadata": item.get("metadata") or {}, "data": data})
                elif item.get("output_type") == "stream":
                    outputs.append(item)
            count += 1
        if changed:
            cell["outputs"] = outputs
            tags = cell.setdefault("metadata", {}).setdefault("tags", [])
            if "explorer-static" not in tags:
                tags.append("explorer-static")
            if alt:
                cell["metadata"].setdefault("mystnb", {}).setdefault("image", {}).setdefault("alt", alt)
    return count


# ---------------------------------------------------------------------------
# Source asides
# ---------------------------------------------------------------------------

class aside_marker(nodes.Element):
    """Where an aside starts or ends (replaced by the aside on doctree-read)."""


class source_aside(nodes.Element):
    """A folded aside: <details class="aside"> (and "source-aside" for a source's)."""


class aside_summary(nodes.TextElement):
    """The aside's title: <summary>."""


class lang_span(nodes.TextElement):
    """One language's half of a title."""


class AsideMarkerDirective(Directive):
    has_content = False
    required_arguments = 1
    optional_arguments = 1  # the aside's tag (a start marker's)

    def run(self):
        return [aside_marker(kind=self.arguments[0], tag=(self.arguments[1:] or ["source-aside"])[0])]


#: An aside's title cell: an optional label line and one bold line, nothing else.
_ASIDE_TITLE_RE = re.compile(r"^\s*(?:\([^)\s]+\)=[ \t]*\n\s*)?\*\*[^\n]+\*\*\s*$")


def is_aside_title(cell: dict) -> bool:
    """Whether a cell is an aside's title (``(aside-chN-topic)=`` and one bold line, ``**中文 · English**``)."""
    src = cell.get("source", "")
    return cell.get("cell_type") == "markdown" and bool(_ASIDE_TITLE_RE.match("".join(src) if isinstance(src, list) else src))


def _aside_tag(cell: dict) -> str | None:
    tags = cell.get("metadata", {}).get("tags", [])
    return next((tag for tag in ASIDE_TAGS if tag in tags), None)


def mark_asides(nb: dict) -> int:
    """Put a start and an end marker cell around each aside: a run of cells with the same
    aside tag, which a title cell inside the run also ends (two asides in a row are two)."""
    cells, result, runs, run_tag = nb.get("cells", []), [], 0, None
    for cell in cells:
        tag = _aside_tag(cell)
        if run_tag and (tag != run_tag or is_aside_title(cell)):
            result.append(_marker_cell("end", runs))
            run_tag = None
        if tag and not run_tag:
            runs += 1
            result.append(_marker_cell("start", runs, tag))
        run_tag = tag
        result.append(cell)
    if run_tag:
        result.append(_marker_cell("end", runs))
    nb["cells"] = result
    return runs


def _marker_cell(kind: str, n: int, tag: str = "") -> dict:
    return {
        "cell_type": "markdown", "id": f"aside-{kind}-{n}", "metadata": {},
        "source": f"```{{aside-marker}} {kind} {tag}".rstrip() + "\n```\n",
    }


def _split_title(strong: nodes.Element) -> tuple[list[nodes.Node], list[nodes.Node]]:
    """The children of the bold title, split at " · " into the Chinese and English halves."""
    zh, en, target = [], [], None
    for child in strong.children:
        if target is None and isinstance(child, nodes.Text) and _TITLE_SEP.strip() in child.astext():
            text = child.astext()
            at = text.index(_TITLE_SEP.strip())
            before, after = text[:at].rstrip(), text[at + 1:].lstrip()
            if before:
                zh.append(nodes.Text(before))
            target = en
            if after:
                en.append(nodes.Text(after))
            continue
        (target if target is not None else zh).append(child.deepcopy())
    return zh, en


def build_asides(app: Sphinx, doctree: nodes.document) -> None:
    ed = edition(app.config)
    for start in list(doctree.findall(aside_marker)):
        if start.get("kind") != "start" or start.parent is None:
            continue
        parent = start.parent
        index = parent.index(start)
        end_index = next(
            (i for i in range(index + 1, len(parent.children))
             if isinstance(parent[i], aside_marker) and parent[i].get("kind") == "end"),
            None,
        )
        if end_index is None:
            logger.warning(
                "an aside runs past its section (a heading inside the aside?); "
                "an aside is a run of cells within one section", location=start, type="layout",
            )
            parent.remove(start)
            continue
        end = parent[end_index]
        body = parent.children[index + 1:end_index]
        details = source_aside(classes=["aside"] + (["source-aside"] if start.get("tag") == "source-aside" else []))
        details.source, details.line = start.source, start.line
        summary = None
        for node in body:  # ids of the leading label, and the title paragraph
            if isinstance(node, nodes.target) and not node.children:
                details["ids"].extend(node.get("ids", []))
                if node.get("refid"):
                    details["ids"].append(node["refid"])
                continue
            # the title paragraph: one bold run (blank text around it aside)
            inner = [c for c in node.children if not (isinstance(c, nodes.Text) and not c.strip())]
            strong = inner[0] if isinstance(node, nodes.paragraph) and len(inner) == 1 else None
            if isinstance(strong, nodes.strong):
                details["ids"].extend(node["ids"])
                zh, en = _split_title(strong)
                summary = aside_summary()
                halves = []
                if ed in ("zh", "both") or not en:
                    halves.append(lang_span("", "", *zh, lang="zh"))
                if ed in ("en", "both") and en:
                    halves.append(lang_span("", "", *en, lang="en"))
                for i, half in enumerate(halves):
                    if i:
                        summary += nodes.inline("", _TITLE_SEP, classes=["lang-sep"])
                    summary += half
                body = [n for n in body if n is not node]
            break
        if summary is None:
            logger.warning(
                "an aside has no title: its first cell should be the label line "
                "and then one bold line, **中文 · English**", location=start, type="layout",
            )
            summary = aside_summary("", "关于原文 · About the source" if "source-aside" in details["classes"] else "旁注 · Aside")
        details["ids"] = list(dict.fromkeys(i for i in details["ids"] if i))
        details += summary
        for node in parent.children[index + 1:end_index]:
            parent.remove(node)
            if node in body and not (isinstance(node, nodes.target) and not node.children):
                details += node  # (an empty label target's id now sits on the <details>)
        parent.remove(end)
        parent.replace(start, details)
    for marker in list(doctree.findall(aside_marker)):
        marker.parent.remove(marker)


# ---------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------

#: An image with the width its output's metadata gives (ce_backprop.plotting: the figure's
#: inches at 96 px each, sized for a phone's column).
_IMAGE_WIDTH_RE = re.compile(r'(<img\b[^>]*?\sstyle=")width: (\d+(?:\.\d+)?)px;')


def figure_widths(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """Each sized image also says its width as ``--figure-width``, so that layout.css can
    draw it larger on a wider screen (where it is centred) and as it is on a phone."""
    if "body" in context:
        context["body"] = _IMAGE_WIDTH_RE.sub(r"\1--figure-width: \2px; width: \2px;", context["body"])


def visit_aside_html(self, node):
    self.body.append(self.starttag(node, "details"))


def depart_aside_html(self, node):
    self.body.append("</details>\n")


def visit_summary_html(self, node):
    self.body.append(self.starttag(node, "summary", "", CLASS="aside-title"))


def depart_summary_html(self, node):
    self.body.append("</summary>\n")


def visit_lang_span_html(self, node):
    lang = node["lang"]
    self.body.append(f'<span class="lang-{lang}" lang="{"zh-Hans" if lang == "zh" else "en"}">')


def depart_lang_span_html(self, node):
    self.body.append("</span>")


# ---------------------------------------------------------------------------
# Typography: inline maths (or code) and the Chinese punctuation after it stay together
# ---------------------------------------------------------------------------

def _position(parent: nodes.Element, child: nodes.Node) -> int:
    """The index of this very child (docutils finds a Text by equal text, so a comma
    elsewhere in the paragraph would do)."""
    return next(i for i, c in enumerate(parent.children) if c is child)


def keep_punctuation_with_math(app: Sphinx, doctree: nodes.document) -> None:
    """Glue the punctuation around inline maths or inline code to it: the closing
    punctuation after it (so no line starts with "，" or "）") and an opening bracket or
    quote before it (so no line ends with "（"). A formula is an atomic box, around which
    a browser may break a line even where the punctuation forbids it."""
    for math in list(doctree.findall(lambda n: isinstance(n, (nodes.math, nodes.literal)))):
        parent = math.parent
        if parent is None or "nobr" in parent.get("classes", []):
            continue
        index = _position(parent, math)
        following = parent[index + 1] if index + 1 < len(parent.children) else None
        preceding = parent[index - 1] if index > 0 else None
        after = str(following) if isinstance(following, nodes.Text) else ""
        before = str(preceding) if isinstance(preceding, nodes.Text) else ""
        run = len(after) - len(after.lstrip(CJK_CLOSING + ".,;:!?)"))
        lead = len(before) - len(before.rstrip(OPENING))
        if not run and not lead:
            continue
        group = nodes.inline("", "", classes=["nobr"])
        if lead:
            group += nodes.Text(before[-lead:])
        group += math  # (moves it: docutils sets its parent)
        if run:
            group += nodes.Text(after[:run])
        replacement = []
        if lead and before[:-lead]:
            replacement.append(nodes.Text(before[:-lead]))
        replacement.append(group)
        if run and after[run:]:
            replacement.append(nodes.Text(after[run:]))
        start = index - 1 if lead else index
        stop = index + 2 if run else index + 1
        for node in replacement:
            node.parent = parent
        parent.children[start:stop] = replacement


#: A table of this many columns or more may be too wide for a phone's column.
CARD_COLUMNS = 3


def mark_card_tables(app: Sphinx, doctree: nodes.document) -> None:
    """Tables that a phone may show as stacked cards, one per row, each cell under its
    column's header (layout.css, layout.js). The glossary's table of terms always is
    (``cards-always``, its rows as compact entries, ``table-entries``); any other
    table of three columns or more becomes cards only if it does not fit the column as a
    table (layout.js measures it)."""
    for index, table in enumerate(doctree.findall(nodes.table)):
        columns = max((group.get("cols", 0) for group in table.findall(nodes.tgroup)), default=0)
        if app.env.docname == "glossary" and index == 0:
            table["classes"] += ["table-cards", "cards-always"]
            if app.env.docname == "glossary":
                table["classes"].append("table-entries")
        elif columns >= CARD_COLUMNS:
            table["classes"].append("table-cards")


def _glossary_body(app: Sphinx, doctree: nodes.document) -> "nodes.tbody | None":
    """The body of the glossary's table of terms (its first table), or None on other pages."""
    if app.env.docname != "glossary":
        return None
    table = next(doctree.findall(nodes.table), None)
    return next(table.findall(nodes.tbody), None) if table is not None else None


def index_glossary(app: Sphinx, doctree: nodes.document) -> None:
    """The glossary's table gets a row of letters above it, each a link to the first term
    that starts with it (on a phone the table is some fifty screens of cards)."""
    body = _glossary_body(app, doctree)
    if body is None:
        return
    table = body.parent.parent
    letters: list[str] = []
    for row in body.children:
        term = row.children[0].astext().strip()
        letter = term[:1].upper()
        if letter.isascii() and letter.isalpha() and letter not in letters:
            letters.append(letter)
            row["ids"].append(f"glossary-{letter.lower()}")
    index = nodes.paragraph(classes=["glossary-index"])
    for letter in letters:
        index += nodes.reference("", letter, refid=f"glossary-{letter.lower()}", internal=True)
        index += nodes.Text(" ")
    table.parent.insert(table.parent.index(table), index)


#: A glossary entry's chapter as written in its "introduced in" column: 第2章, Ch. 2,
#: 附录A, App. A.
CHAPTER_NAME = re.compile(r"第(\d+)章|Ch\. (\d+)|附录(A)|App\. (A)")


def link_glossary_chapters(app: Sphinx, doctree: nodes.document) -> None:
    """The glossary's "introduced in" column links each chapter it names (第2章, Ch. 2,
    附录A, App. A) to that chapter's page: a ``doc`` reference that Sphinx resolves, so it
    works in every edition and builder."""
    from sphinx import addnodes

    body = _glossary_body(app, doctree)
    if body is None:
        return
    stems = sorted(p.stem for p in (Path(app.srcdir) / "chapters").glob("[0-9][0-9]_*.ipynb"))
    by_number = {str(int(s[:2])): s for s in stems}
    if stems:
        by_number["A"] = stems[-1]  # the appendix is the last chapter file (_toc.yml)
    for row in body.children:
        entries = [e for e in row.children if isinstance(e, nodes.entry)]
        if len(entries) < 3:
            continue
        for text in list(entries[2].findall(nodes.Text)):
            value = str(text)
            parts: list[nodes.Node] = []
            last = 0
            for m in CHAPTER_NAME.finditer(value):
                stem = by_number.get(next(g for g in m.groups() if g))
                if stem is None:
                    continue
                if m.start() > last:
                    parts.append(nodes.Text(value[last:m.start()]))
                ref = addnodes.pending_xref("", refdomain="std", reftype="doc", reftarget=f"/chapters/{stem}",
                                            refexplicit=True, refwarn=True, refdoc=app.env.docname)
                ref += nodes.Text(m.group(0))
                parts.append(ref)
                last = m.end()
            if not parts:
                continue
            if last < len(value):
                parts.append(nodes.Text(value[last:]))
            text.parent.replace(text, parts)


def join_printed_outputs(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """A cell's printed results in one box: consecutive plain-text outputs of a code cell
    (each ``display()`` or print of a check is an output of its own) become one block;
    in the side-by-side edition, one block per language."""
    def printed(node: nodes.Node) -> bool:
        return (isinstance(node, nodes.literal_block) and "output" in node["classes"]
                and ("text_plain" in node["classes"] or "stream" in node["classes"]))

    def join(first: nodes.literal_block, second: nodes.literal_block) -> None:
        text = first.astext().rstrip("\n") + "\n" + second.astext()
        first.children = [nodes.Text(text)]
        first.rawsource = text

    def halves(node: nodes.Node) -> list[nodes.literal_block] | None:
        """The printed block of each language of a side-by-side output, if it is just that."""
        if not (isinstance(node, nodes.container) and "bilingual-output" in node["classes"]):
            return None
        blocks = [half.children[0] if len(half.children) == 1 and printed(half.children[0]) else None
                  for half in node.children]
        return blocks if len(blocks) == 2 and all(blocks) else None

    for box in list(doctree.findall(nodes.container)):
        if "cell_output" not in box["classes"]:
            continue
        children = list(box.children)
        for first, second in zip(children[::-1][1:], children[::-1]):  # from the end, so merges chain
            if printed(first) and printed(second) and first.get("language") == second.get("language"):
                join(first, second)
                box.remove(second)
            elif (a := halves(first)) and (b := halves(second)):  # the side-by-side edition
                for x, y in zip(a, b):
                    join(x, y)
                box.remove(second)


# ---------------------------------------------------------------------------
# Equations numbered per chapter
# ---------------------------------------------------------------------------

def chapter_number(env, docname: str) -> int | str | None:
    """The chapter number at the start of a page's title ("4 三层网络…"), or an appendix's
    letter ("附录A …" gives "A", so its equations are A.1, A.2, …), else its place among the
    chapters in the table of contents; None for pages that are not chapters."""
    title = env.titles.get(docname)
    match = _CHAPTER_RE.match(title.astext()) if title is not None else None
    if match:
        return int(match[1]) if match[1] else match[2]
    if docname.startswith("chapters/"):
        chapters = [d for d in _toc_order(env) if d.startswith("chapters/")]
        if docname in chapters:
            return chapters.index(docname) + 1
    return None


def _toc_order(env) -> list[str]:
    order, stack, seen = [], [env.config.root_doc], set()
    while stack:
        doc = stack.pop(0)
        if doc in seen:
            continue
        seen.add(doc)
        order.append(doc)
        stack[0:0] = [d for d in env.toctree_includes.get(doc, []) if d not in seen]
    return order


def number_equations_per_chapter(app: Sphinx, env) -> list[str]:
    """Renumber each chapter's display equations N.1, N.2, … (after Sphinx numbered them
    book-wide); the HTML writer and {eq} references both read these numbers."""
    changed = []
    for docname, numbers in env.toc_fignumbers.items():
        equations = numbers.get("displaymath")
        if not equations:
            continue
        chapter = chapter_number(env, docname)
        ordered = sorted(equations, key=lambda key: equations[key])
        if chapter is None:
            renumbered = {key: (i,) for i, key in enumerate(ordered, start=1)}
        else:
            renumbered = {key: (chapter, i) for i, key in enumerate(ordered, start=1)}
        if renumbered != equations:
            numbers["displaymath"] = renumbered
            changed.append(docname)
    return changed


# ---------------------------------------------------------------------------
# Notebook source, config, assets
# ---------------------------------------------------------------------------

def on_source_read(app: Sphinx, docname: str, source: list[str]) -> None:
    """After the bilingual extension: explorers become static, asides get their markers."""
    from bilingual import read_notebook

    nb = read_notebook(app, docname, source)
    if nb is None:
        return
    make_explorers_static(app, docname, nb)
    mark_asides(nb)
    source[0] = json.dumps(nb, ensure_ascii=False)


#: What a folded code cell's summary says, per language and per what it folds: the whole
#: cell (hide-cell), its code (hide-input) or its result (hide-output).
CODE_PROMPTS = {
    "zh": {"content": ("显示代码和结果", "隐藏代码和结果"), "source": ("显示代码", "隐藏代码"),
           "output": ("显示结果", "隐藏结果")},
    "en": {"content": ("Show code and result", "Hide code and result"), "source": ("Show code", "Hide code"),
           "output": ("Show result", "Hide result")},
}


class NameCodeFolds(SphinxPostTransform):
    """Each folded code cell's summary in the edition's language, saying what it folds
    (myst-nb's prompt is one English template for all three)."""

    default_priority = 200  # after myst-nb wraps the folded parts (HideInputCells, 199)
    formats = ("html",)

    def run(self, **kwargs) -> None:
        from myst_nb.sphinx_ import HideCodeCellNode

        ed = edition(self.config)
        for fold in self.document.findall(HideCodeCellNode):
            kinds = {child.get("nb_element") for child in fold.children}
            folded = ("content" if "cell_code_output" in kinds and "cell_code_source" in kinds
                      else "source" if "cell_code_source" in kinds else "output")
            prompts = [CODE_PROMPTS[lang][folded] for lang in (LANGS if ed == "both" else (ed,))]
            fold["prompt_show"], fold["prompt_hide"] = (SEPARATOR.join(p[i] for p in prompts) for i in (0, 1))


def configure(app: Sphinx, config) -> None:
    # (The static folder, _ext/static, is bilingual.configure's to serve.)
    # templates/layout.html: no search index on pages other than search.html; the
    # sidebar buttons with their tooltips in the edition's language. First in the path,
    # before the themes' components folders, so that these copies are the ones used.
    config.templates_path = [str(Path(__file__).with_name("templates")), *config.templates_path]
    # One search box per page: the header's. The sidebar's copy is left out.
    sidebars = dict(config.html_sidebars or {})
    sidebars.setdefault("**", ["navbar-logo.html", "sbt-sidebar-nav.html"])
    config.html_sidebars = sidebars


#: A rule of the theme's stylesheet that gives one Font Awesome icon its glyph in the icon
#: font (``.fa-rocket:before{content:"\\f135"}``): about 1,900 of them, 86 kB on every page,
#: and none is used, since the icons are inline SVG (_ext/static/scripts/fontawesome.js).
_FA_GLYPH_RULE_RE = re.compile(r'(?<=\})(?:\.fa-[\w-]+:{1,2}(?:before|after),?)+\{content:"[^"]*"\}')


def trim_theme_css(app: Sphinx, exception) -> None:
    """Drop the icon-font glyph rules from the theme's stylesheet (see _FA_GLYPH_RULE_RE)."""
    if exception is not None or app.builder.format != "html":
        return
    path = Path(app.outdir) / "_static" / "styles" / "pydata-sphinx-theme.css"
    if not path.exists():
        return
    css = path.read_text(encoding="utf-8")
    trimmed = _FA_GLYPH_RULE_RE.sub("", css)
    if trimmed != css:
        path.write_text(trimmed, encoding="utf-8")


def smaller_png(data: bytes) -> bytes | None:
    """The same picture as a PNG of at most 256 colours (a plot has a few dozen, plus the
    anti-aliasing between them), or None when that is not smaller. Transparency is kept."""
    import io

    from PIL import Image

    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except Exception:  # not a picture Pillow reads: leave it
        return None
    if image.mode == "P":
        return None
    if image.mode in ("RGBA", "LA") and image.getchannel("A").getextrema()[0] < 255:
        quantized = image.convert("RGBA").quantize(colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    else:
        quantized = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    out = io.BytesIO()
    quantized.save(out, "PNG", optimize=True)
    return out.getvalue() if out.tell() < len(data) * 0.9 else None


def optimise_images(app: Sphinx, exception) -> None:
    """The figures' PNGs at a third to a half of their size: a page's figures were most of its
    weight (each figure once per language in the side-by-side edition)."""
    if exception is not None or app.builder.format != "html":
        return
    for path in sorted((Path(app.outdir) / "_images").glob("*.png")):
        smaller = smaller_png(path.read_bytes())
        if smaller is not None:
            path.write_bytes(smaller)


def setup(app: Sphinx):
    app.connect("config-inited", configure)
    app.connect("source-read", on_source_read, priority=600)  # after bilingual.py wraps the prose
    app.add_node(aside_marker, html=(lambda self, node: None, lambda self, node: None))
    app.add_node(source_aside, html=(visit_aside_html, depart_aside_html))
    app.add_node(aside_summary, html=(visit_summary_html, depart_summary_html))
    app.add_node(lang_span, html=(visit_lang_span_html, depart_lang_span_html))
    app.add_directive("aside-marker", AsideMarkerDirective)
    app.add_post_transform(NameCodeFolds)
    app.connect("doctree-read", build_asides, priority=600)  # after bilingual.py pairs the blocks
    app.connect("doctree-read", keep_punctuation_with_math, priority=600)
    app.connect("doctree-read", mark_card_tables, priority=600)
    app.connect("doctree-read", index_glossary, priority=600)
    app.connect("doctree-read", link_glossary_chapters, priority=600)
    app.connect("doctree-resolved", join_printed_outputs)  # after myst-nb picks each output's type
    app.connect("env-get-updated", number_equations_per_chapter, priority=900)  # after Sphinx numbers them
    app.connect("html-page-context", figure_widths)
    app.connect("build-finished", trim_theme_css)
    app.connect("build-finished", optimise_images)
    app.add_css_file("layout.css")
    app.add_js_file("layout.js", defer="defer")
    app.add_css_file("explorers.css")
    app.add_js_file("explorers.js", defer="defer")
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
