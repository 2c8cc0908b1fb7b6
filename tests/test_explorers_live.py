"""The explorers that run in the page (_ext/static/explorers.js) compute what the library computes.

Each explorer is driven in Chromium as a reader drives it (keyboard on the
sliders, a menu choice); the page's curves are then compared with the
library's run of the settings the page reports. Without JavaScript the saved
figure stays; each edition's explorer speaks its language; on a phone the
controls are large enough to drag and the plots fit the column.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

import ce_backprop as cb
from conftest import ROOT
from layout import live_spec
from test_browser import _context, _page  # the served site and one Chromium: conftest.py's base_url and browser

HAN = re.compile("[\u4e00-\u9fff]")
LATIN_WORD = re.compile(r"\b[A-Za-z]{3,}\b")
#: Words a Chinese explorer may show in Latin letters: the names of functions and symbols.
ZH_ALLOWED = {"softmax", "sigmoid", "Python", "JupyterLite", "Binder"}
NEURON = "chapters/01_single_neuron.html"
SOFTMAX = "chapters/03_softmax_cross_entropy.html"


def _saved_state(stem: str) -> tuple[dict, str]:
    nb = json.loads((ROOT / "chapters" / f"{stem}.ipynb").read_text(encoding="utf-8"))
    state = nb["metadata"]["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    root = next(k for k, v in state.items() if "ce-explorer" in v["state"].get("_dom_classes", []))
    return state, root


def assert_close(page_values, library_values, rtol=1e-12):
    page_values, library_values = np.asarray(page_values, float), np.asarray(library_values, float)
    assert page_values.shape == library_values.shape
    scale = np.maximum(np.abs(library_values), np.finfo(float).tiny)
    worst = float(np.max(np.abs(page_values - library_values) / scale))
    assert worst <= rtol, f"page and library differ by {worst:.2e} relative"


# ----------------------------------------------------------------- the spec the build writes

def test_the_neuron_explorers_spec_holds_its_controls_as_saved():
    state, root = _saved_state("01_single_neuron")
    spec = live_spec(state, root, "en")
    assert spec["kind"] == "neuron"
    by_name = {c["name"]: c for c in spec["controls"]}
    assert list(by_name) == ["w0", "b0", "eta", "epochs", "cost"]  # the widget's own order
    assert (by_name["w0"]["value"], by_name["b0"]["value"], by_name["eta"]["value"], by_name["epochs"]["value"]) == (0.6, 0.9, 0.15, 300)
    assert by_name["eta"]["type"] == "log" and by_name["eta"]["base"] == 10
    assert by_name["cost"]["value"] == "quadratic"
    assert [value for _, value in by_name["cost"]["options"]] == list(cb.NEURON_COSTS)
    assert not any(HAN.search(c["label"]) for c in spec["controls"])
    zh = live_spec(state, root, "zh")
    assert all(HAN.search(c["label"]) for c in zh["controls"])
    assert all(" · " in c["label"] for c in live_spec(state, root, "both")["controls"])


def test_an_explorer_with_no_live_version_has_no_spec():
    state, root = _saved_state("01_single_neuron")
    other = json.loads(json.dumps(state))
    other[root]["state"]["_dom_classes"] = ["ce-explorer", "ce-explorer-unknown"]
    assert live_spec(other, root, "en") is None
    assert live_spec(state, "not-a-model", "en") is None


def test_a_menu_without_its_values_is_an_error():
    state, root = _saved_state("01_single_neuron")
    broken = json.loads(json.dumps(state))
    for model in broken.values():
        classes = model["state"].get("_dom_classes", [])
        model["state"]["_dom_classes"] = [c for c in classes if not c.startswith("ce-options-")]
    with pytest.raises(ValueError, match="does not name its entries' values"):
        live_spec(broken, root, "en")


# ----------------------------------------------------------------- in the browser

def _explorer(page, url):
    page.goto(url, wait_until="load")
    page.wait_for_selector(".ce-live-ready .ce-live-explorer[data-result]")
    return page.locator(".ce-live-explorer").first


def _result(explorer) -> dict:
    return json.loads(explorer.get_attribute("data-result"))


def _press(page, explorer, name, key, times):
    """Move a slider by keyboard, as a reader can, and wait until the page has recomputed."""
    slider = explorer.locator(f'input[data-param="{name}"]')
    target = int(slider.input_value()) + (times if key == "ArrowRight" else -times)
    slider.focus()
    for _ in range(times):
        page.keyboard.press(key)
    page.wait_for_function(
        "([el, name, index, slider]) => slider.value === String(index) &&"
        " JSON.parse(el.getAttribute('data-result')).settings !== undefined",
        arg=[explorer.element_handle(), name, target, slider.element_handle()],
    )


def _check_language(page, explorer, edition):
    """Every word the live explorer shows (controls, readouts, plots, their labels, its note) is the edition's."""
    cell = page.locator(".ce-live-ready").first
    shown = explorer.inner_text() + " " + " ".join(
        explorer.locator("svg").evaluate_all("svgs => svgs.map(s => s.textContent + ' ' + s.getAttribute('aria-label'))"))
    shown += " " + cell.locator(".explorer-say-live").inner_text()
    if edition == "en":
        assert not HAN.search(shown), HAN.findall(shown)
    else:
        words = set(LATIN_WORD.findall(shown)) - ZH_ALLOWED
        assert not words, words
    assert not cell.locator(".cell_output > img").first.is_visible()  # the live plots replace the saved figure


def _check_neuron(result):
    s = result["settings"]
    history = cb.train_neuron(s["w0"], s["b0"], x=1.0, y=0.0, eta=s["eta"], epochs=s["epochs"], cost=s["cost"])
    assert len(result["cost"]) == s["epochs"] + 1
    assert_close(result["cost"], history.cost)
    assert_close(result["w"], history.w)
    assert_close(result["b"], history.b)
    assert_close(result["a"], history.a[:, 0])


@pytest.mark.parametrize("edition", ["en", "zh"])
def test_the_neuron_explorer_runs_the_librarys_gradient_descent(browser, base_url, edition):
    context = _context(browser)
    page = _page(context)
    explorer = _explorer(page, f"{base_url}{edition}/{NEURON}")
    _check_neuron(_result(explorer))  # the saved settings: Nielsen's 0.6, 0.9, η = 0.15, 300 epochs
    # a saturated start, more epochs, a larger step and the other cost, each moved by keyboard
    _press(page, explorer, "w0", "ArrowRight", 14)
    _press(page, explorer, "b0", "ArrowRight", 11)
    _press(page, explorer, "epochs", "ArrowRight", 5)
    _press(page, explorer, "eta", "ArrowLeft", 3)
    settings = _result(explorer)["settings"]
    assert (settings["w0"], settings["b0"], settings["epochs"]) == (2.0, 2.0, 350)
    assert settings["eta"] == pytest.approx(10 ** -0.95)
    _check_neuron(_result(explorer))
    explorer.locator("select").select_option(index=1)
    page.wait_for_function("el => JSON.parse(el.getAttribute('data-result')).settings.cost === 'cross_entropy'",
                           arg=explorer.element_handle())
    _check_neuron(_result(explorer))
    _check_language(page, explorer, edition)
    assert not page.errors and not page.blocked
    context.close()


@pytest.mark.parametrize("edition", ["en", "zh"])
def test_the_softmax_explorer_computes_the_librarys_probabilities_loss_and_gradient(browser, base_url, edition):
    context = _context(browser)
    page = _page(context)
    explorer = _explorer(page, f"{base_url}{edition}/{SOFTMAX}")
    _press(page, explorer, "z0", "ArrowLeft", 37)  # the true class's logit lowered from 2 to −1.7
    _press(page, explorer, "T", "ArrowRight", 7)
    explorer.locator("select").select_option(index=2)
    page.wait_for_function("el => JSON.parse(el.getAttribute('data-result')).settings.k === 2", arg=explorer.element_handle())
    result = _result(explorer)
    s = result["settings"]
    assert s["z0"] == pytest.approx(-1.7) and s["T"] == pytest.approx(10 ** 0.35)
    scaled = np.array([s["z0"], s["z1"], s["z2"], s["z3"]]) / s["T"]
    a = cb.softmax(scaled)
    y = cb.one_hot([s["k"]], 4)[0]
    assert_close(result["a"], a)
    assert_close([result["loss"]], [cb.softmax_cross_entropy(scaled[None, :], [s["k"]])])
    assert_close(result["grad"], a - y)
    assert_close(result["gradZ"], (a - y) / s["T"])
    _check_language(page, explorer, edition)
    assert not page.errors and not page.blocked
    context.close()


@pytest.mark.parametrize("path", [NEURON, SOFTMAX])
def test_without_javascript_the_saved_figure_stays(browser, base_url, path):
    context = _context(browser, java_script_enabled=False)
    page = _page(context)
    page.goto(f"{base_url}en/{path}", wait_until="load")
    cell = page.locator(".cell", has=page.locator(".ce-live-explorer")).first
    assert cell.locator(".cell_output img").first.is_visible()
    assert not cell.locator(".ce-live-explorer").is_visible()
    assert cell.locator(".explorer-say-static").is_visible()
    context.close()


def test_on_a_phone_the_controls_can_be_dragged_and_the_plots_fit(browser, base_url):
    context = _context(browser, viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = _page(context)
    explorer = _explorer(page, f"{base_url}en/{NEURON}")
    column = explorer.bounding_box()
    for box in explorer.locator("input[type=range], select").evaluate_all(
            "els => els.map(e => e.getBoundingClientRect().toJSON())"):
        assert box["height"] >= 44 and box["width"] >= 150
    plots = explorer.locator("svg.ce-plot").evaluate_all("els => els.map(e => e.getBoundingClientRect().toJSON())")
    assert len(plots) == 2
    for box in plots:
        assert box["left"] >= column["x"] - 0.5 and box["right"] <= column["x"] + column["width"] + 0.5
    smallest = min(explorer.locator("svg text").evaluate_all(
        "els => els.map(e => parseFloat(getComputedStyle(e).fontSize) * e.ownerSVGElement.getBoundingClientRect().width"
        " / e.ownerSVGElement.viewBox.baseVal.width)"))
    assert smallest >= 11
    context.close()


# ----------------------------------------------------------------- chapter 4: training on the digits in the page

TRAINING = "chapters/04_backprop_three_layer.html"


class ReplayedOrder(np.random.Generator):
    """A generator whose permutations are the page's, so that the library trains in the page's order."""

    def __init__(self, orders):
        super().__init__(np.random.PCG64(0))
        self._orders = iter(orders)

    def permutation(self, n):
        order = np.asarray(next(self._orders), dtype=np.intp)
        assert order.shape == (n,) and sorted(order) == list(range(n))
        return order


def _trained(page, explorer, before=None):
    """Wait for a finished run (a new one when ``before`` is the previous result)."""
    page.wait_for_function(
        "([el, before]) => el.getAttribute('data-result') && el.getAttribute('data-result') !== before"
        " && !el.querySelector('button.ce-train').disabled",
        arg=[explorer.element_handle(), before], timeout=120_000)
    return _result(explorer)


def _first_run(browser, base_url, path):
    """Open a training explorer's page and scroll to it: its first run starts when it comes into view."""
    context = _context(browser)
    page = _page(context)
    page.goto(f"{base_url}en/{path}", wait_until="load")
    page.locator(".cell", has=page.locator(".ce-live-explorer")).first.scroll_into_view_if_needed()
    explorer = page.locator(".ce-live-explorer").first
    return context, page, explorer, _trained(page, explorer)


def _library_run(settings, params, rng):
    data = cb.load_digits_with_validation()  # the explorer's parts: the test part is never shown
    _, history = cb.train(params, data.X_train, data.y_train, settings["epochs"], 32, settings["eta"], rng,
                          cost=settings["cost"], X_val=data.X_val, y_val=data.y_val)
    return history


def _check_training(result, history):
    # the page sums in another order than NumPy's BLAS: equal to rounding, per epoch
    assert_close(result["lossTrain"], history.loss_train, rtol=1e-10)
    assert_close(result["lossVal"], history.loss_val, rtol=1e-10)
    assert result["accTrain"] == pytest.approx(list(history.acc_train), abs=1e-15)
    assert result["accVal"] == pytest.approx(list(history.acc_val), abs=1e-15)


def test_the_training_explorer_trains_as_the_library_does(browser, base_url):
    context, page, explorer, first = _first_run(browser, base_url, TRAINING)
    s = first["settings"]
    assert (s["hidden"], s["epochs"], s["cost"], first["start"]) == (32, 10, "cross_entropy", "library")
    rng = np.random.default_rng(0)
    _check_training(first, _library_run(s, cb.network_init(64, 32, 10, rng), rng))

    # another rate and the quadratic cost: still the notebook's start, so the library's own generator
    _press(page, explorer, "eta", "ArrowLeft", 4)
    _press(page, explorer, "epochs", "ArrowLeft", 4)
    explorer.locator("select").select_option(index=2)
    explorer.locator("button.ce-train").click()
    second = _trained(page, explorer, json.dumps(first, separators=(",", ":")))
    s = second["settings"]
    assert (s["cost"], s["epochs"], second["start"]) == ("quadratic", 6, "library")
    rng = np.random.default_rng(0)
    _check_training(second, _library_run(s, cb.network_init(64, 32, 10, rng), rng))

    # more hidden units: the page draws its own start; the library trains from it, in the page's order
    _press(page, explorer, "hidden", "ArrowRight", 1)
    explorer.locator("button.ce-train").click()
    third = _trained(page, explorer, json.dumps(second, separators=(",", ":")))
    assert third["settings"]["hidden"] == 36 and third["start"] == "page"
    start = page.evaluate("() => { const s = window.courseExplorers.lastStart;"
                          " return {W1: Array.from(s.W1), W2: Array.from(s.W2), orders: s.orders.map(o => Array.from(o))}; }")
    params = cb.NetworkParams(np.array(start["W1"]).reshape(64, 36), np.zeros(36), np.array(start["W2"]).reshape(36, 10), np.zeros(10))
    _check_training(third, _library_run(third["settings"], params, ReplayedOrder(start["orders"])))
    note = explorer.locator(".ce-start-note").inner_text()
    assert "drawn by this page" in note and not HAN.search(note)
    assert not page.errors and not page.blocked
    context.close()


def test_the_training_data_holds_the_chapters_split_and_the_librarys_start():
    from layout import TRAINING_EPOCHS_SHIPPED, training_data_script

    state, root = _saved_state("04_backprop_three_layer")
    spec = live_spec(state, root, "en")
    assert spec["kind"] == "training" and spec["constants"] == {"seed": 0, "batch_size": 32}
    name, script = training_data_script(spec)
    payload = json.loads(script[script.index(".training = ") + len(".training = "): script.rindex(";")])
    import base64

    data = cb.load_digits_with_validation()
    pixels = np.frombuffer(base64.b64decode(payload["xTrain"]), np.uint8).reshape(-1, 64) / 16
    assert np.array_equal(pixels, data.X_train)
    assert np.array_equal(np.frombuffer(base64.b64decode(payload["yVal"]), np.uint8), data.y_val)
    rng = np.random.default_rng(0)
    params = cb.network_init(64, 32, 10, rng)
    W1 = np.frombuffer(base64.b64decode(payload["start"]["W1"]), "<f8").reshape(64, 32)
    assert np.array_equal(W1, params.W1)
    orders = np.frombuffer(base64.b64decode(payload["start"]["orders"]), "<u2").reshape(TRAINING_EPOCHS_SHIPPED, -1)
    n = data.X_train.shape[0]
    assert np.array_equal(orders[0], rng.permutation(n)) and np.array_equal(orders[1], rng.permutation(n))
    assert name == training_data_script(spec)[0]  # named by its content: the same data, the same file


# ----------------------------------------------------------------- chapter 5: a deep network in the page

DEEP = "chapters/05_deep_networks.html"


def _deep_library_run(settings, params, rng):
    data = cb.load_digits_with_validation()  # the explorer's parts: the test part is never shown
    _, history = cb.train_deep(params, data.X_train, data.y_train, settings["epochs"], 32, settings["eta"], rng,
                               X_val=data.X_val, y_val=data.y_val)
    return history


def _deep_params(settings, rng):
    init = settings["scale"] if settings["init"] == "scale" else settings["init"]
    sizes = (64,) + (32,) * settings["depth"] + (10,)
    return cb.deep_init(sizes, rng, activation=settings["activation"], init=init)


def _check_deep(result, history):
    _check_training(result, history)
    assert_close(np.array(result["gradNorms"]), history.grad_norms, rtol=1e-9)


def test_the_deep_explorer_trains_as_the_library_does(browser, base_url):
    context, page, explorer, first = _first_run(browser, base_url, DEEP)
    s = first["settings"]
    assert (s["depth"], s["activation"], s["init"], first["start"]) == (4, "sigmoid", "xavier", "library")
    rng = np.random.default_rng(0)
    _check_deep(first, _deep_library_run(s, _deep_params(s, rng), rng))

    # tanh with weights of scale c = 10^−0.5 ≈ 0.32: the notebook's start still, scaled otherwise. (Not c ≈ 3:
    # there training at η = 0.5 is chaotic, and any two float64 implementations part ways within an epoch.)
    explorer.locator("select").nth(0).select_option(index=1)
    explorer.locator("select").nth(1).select_option(index=2)
    _press(page, explorer, "scale", "ArrowLeft", 10)
    explorer.locator("button.ce-train").click()
    second = _trained(page, explorer, json.dumps(first, separators=(",", ":")))
    s = second["settings"]
    assert (s["activation"], s["init"], second["start"]) == ("tanh", "scale", "library")
    assert s["scale"] == pytest.approx(10 ** -0.5)
    rng = np.random.default_rng(0)
    _check_deep(second, _deep_library_run(s, _deep_params(s, rng), rng))

    # one more layer: the page's own start, which the library then trains from in the page's order
    _press(page, explorer, "depth", "ArrowRight", 1)
    explorer.locator("button.ce-train").click()
    third = _trained(page, explorer, json.dumps(second, separators=(",", ":")))
    s = third["settings"]
    assert s["depth"] == 5 and third["start"] == "page"
    start = page.evaluate("() => { const s = window.courseExplorers.lastStart;"
                          " return {W: s.W.map(w => Array.from(w)), orders: s.orders.map(o => Array.from(o))}; }")
    sizes = (64,) + (32,) * 5 + (10,)
    weights = [np.array(w).reshape(a, b) for w, a, b in zip(start["W"], sizes[:-1], sizes[1:])]
    params = cb.DeepParams(weights, [np.zeros(b) for b in sizes[1:]], "tanh", False)
    _check_deep(third, _deep_library_run(s, params, ReplayedOrder(start["orders"])))
    assert not page.errors and not page.blocked
    context.close()


def test_the_deep_data_holds_the_librarys_normals_for_every_initialisation():
    import base64

    from layout import TRAINING_EPOCHS_SHIPPED, deep_data_script

    state, root = _saved_state("05_deep_networks")
    spec = live_spec(state, root, "en")
    assert spec["kind"] == "deep" and spec["constants"] == {"width": 32, "batch_size": 32, "seed": 0}
    _, script = deep_data_script(spec)
    start = json.loads(script[script.index(".deep = ") + len(".deep = "): script.rindex(";")])["start"]
    normals = np.frombuffer(base64.b64decode(start["normals"]), "<f8")
    sizes = (64,) + (32,) * start["depth"] + (10,)
    for init in ("xavier", "he", 0.3):  # each initialisation scales the same standard normals
        params = cb.deep_init(sizes, np.random.default_rng(0), activation="tanh", init=init)
        offset = 0
        for W, fan_in, fan_out in zip(params.weights, sizes[:-1], sizes[1:]):
            z = normals[offset: offset + W.size].reshape(W.shape)
            assert np.array_equal(W, 0.0 + cb.init_std(fan_in, fan_out, init) * z)
            offset += W.size
    rng = np.random.default_rng(0)
    cb.deep_init(sizes, rng)
    orders = np.frombuffer(base64.b64decode(start["orders"]), "<u2").reshape(TRAINING_EPOCHS_SHIPPED, -1)
    assert np.array_equal(orders[0], rng.permutation(orders.shape[1]))


# ----------------------------------------------------------------- every plot's words fit it

#: For each drawn plot: texts outside the SVG, pairs of texts drawn over each other, legend keys
#: inside the data's frame, and texts that say the same thing twice ("X · X").
PLOT_WORDS = """() => [...document.querySelectorAll(".ce-live-explorer svg.ce-plot")].map(svg => {
  const box = svg.getBoundingClientRect(), frame = svg.querySelector(".ce-frame").getBoundingClientRect();
  const texts = [...svg.querySelectorAll("text")].filter(t => t.textContent.trim()).map(t => ({t: t.textContent, r: t.getBoundingClientRect()}));
  const overlap = (a, b) => a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
  const out = {outside: [], overlapping: [], onData: [], twice: []};
  for (const {t, r} of texts) {
    if (r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5) out.outside.push(t);
    const halves = t.split(" · ");
    if (halves.length === 2 && halves[0].trim() === halves[1].trim()) out.twice.push(t);
  }
  for (let i = 0; i < texts.length; i++) for (let j = i + 1; j < texts.length; j++)
    if (overlap(texts[i].r, texts[j].r)) out.overlapping.push(texts[i].t + " / " + texts[j].t);
  for (const key of svg.querySelectorAll(".ce-legend rect, .ce-legend text"))
    if (overlap(key.getBoundingClientRect(), frame)) out.onData.push(key.textContent || key.getAttribute("class"));
  return out;
})"""


@pytest.mark.parametrize("edition", ["en", "both"])
@pytest.mark.parametrize("path", [NEURON, SOFTMAX, TRAINING, DEEP])
@pytest.mark.parametrize("width", [390, 1280])
def test_every_plots_title_labels_and_legend_fit_it(browser, base_url, edition, path, width):
    """The review found titles cut off at the right edge (ch4 on a phone, ch5 on both widths), ch5's
    y-axis label printed twice and drawn over its tick labels, and its legend on the curves."""
    phone = width < 500
    context = _context(browser, viewport={"width": width, "height": 844 if phone else 900}, is_mobile=phone, has_touch=phone)
    page = _page(context)
    page.goto(f"{base_url}{edition}/{path}", wait_until="load")
    page.locator(".cell", has=page.locator(".ce-live-explorer")).first.scroll_into_view_if_needed()
    page.wait_for_selector(".ce-live-ready .ce-live-explorer[data-result]", timeout=120_000)
    page.wait_for_function("() => [...document.querySelectorAll('button.ce-train')].every(b => !b.disabled)", timeout=120_000)
    plots = page.evaluate(PLOT_WORDS)
    assert plots
    problems = [f"plot {i + 1}: {kind} {items}" for i, plot in enumerate(plots) for kind, items in plot.items() if items]
    assert not problems and not page.errors, "\n".join(problems + page.errors)
    context.close()
