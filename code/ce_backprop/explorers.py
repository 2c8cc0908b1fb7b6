"""Interactive explorers (ipywidgets) used by the chapters.

On Binder, in JupyterLite or a local Jupyter they respond to the sliders. On the
book's website a slider cannot run Python, so the site runs each explorer in the
page instead (_ext/static/explorers.js, plain JavaScript with the library's
formulas), and keeps the figure the explorer drew when the notebook was executed
for readers without JavaScript (_ext/layout.py). For that, an explorer

* is an ipywidgets widget that the cell displays (its last expression), named
  with ``_mark`` (its kind, its controls, the values of its menus, its constants),
  which the saved widget state keeps;
* draws into an ``ipywidgets.Output`` (``widgets.interactive_output`` or
  ``with out:``), each figure through ``cb.show_figure(draw)`` (once per
  language, so that each edition of the book shows its own); and
* draws once when it is built, so the saved state holds a figure.

The training explorers' random starts (``training_start``, ``deep_start``) are
what the site ships to the page, so that its first run is the notebook's.
Labels (sliders, menus, buttons) are :func:`ce_backprop.lang.label`:
"中文 · English" in the bilingual notebook, which the site cuts per edition.

The notebook's widget state is saved when it is executed (``make execute``).
"""

from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from ._checks import check_count
from .activations import sigmoid
from .lang import label, language
from .neuron import NEURON_COSTS, train_neuron
from .plotting import show_figure

#: The neuron's costs as its explorer's menu names them.
COST_LABELS = {"quadratic": ("二次代价", "quadratic cost"), "cross_entropy": ("交叉熵", "cross-entropy")}


def _style(width: float) -> tuple[dict, "widgets.Layout"]:
    """A control's description width and its own width (wider when it shows both languages)."""
    both = language() == "both"
    return {"description_width": f"{width * (1.9 if both else 1):.0f}em"}, widgets.Layout(width=f"{20 + width * (1.9 if both else 1):.0f}em")


def _mark(box, kind: str, controls: dict, option_values: dict | None = None, constants: dict | None = None):
    """Name an explorer and its controls in their CSS classes, which the saved widget state keeps.

    The book's site reads them to run the explorer in the page (_ext/static/explorers.js):
    ``ce-explorer-<kind>`` on the explorer, ``ce-param-<name>`` on each control, for a
    menu the values of its entries (the state keeps only their labels) as ``ce-options-<json>``,
    and the settings that have no control (a seed, a batch size) as ``ce-constants-<json>``.
    """
    import json

    box.add_class("ce-explorer")
    box.add_class(f"ce-explorer-{kind}")
    if constants:
        box.add_class("ce-constants-" + json.dumps(constants, separators=(",", ":")))
    for name, control in controls.items():
        control.add_class(f"ce-param-{name}")
        if option_values and name in option_values:
            control.add_class("ce-options-" + json.dumps(option_values[name], separators=(",", ":")))
    return box


def plot_neuron_run(history, ax_cost, ax_sigmoid, label=None, color=None):
    """Draw one training run: C against epoch, and the start/end points on σ(z) (chapter 1)."""
    epochs = np.arange(history.epochs + 1)
    (line,) = ax_cost.plot(epochs, history.cost, color=color, label=label)
    color = line.get_color()
    z_start = history.w[0] + history.b[0]
    z_end = history.w[-1] + history.b[-1]
    ax_sigmoid.plot([z_start], [sigmoid(z_start)], "o", color=color, mfc="none", ms=9)
    ax_sigmoid.plot([z_end], [sigmoid(z_end)], "o", color=color, ms=6)
    return line


def neuron_explorer(w=0.6, b=0.9, eta=0.15, epochs=300, cost="quadratic"):
    """Sliders for the neuron's start (w, b), the learning rate η, the epochs and the cost (chapter 1).

    The neuron has input x = 1 and target y = 0, as in Nielsen's experiment.
    Left: the cost C per epoch. Right: σ(z) with the start (ring) and the end
    (dot) of z = w·1 + b.
    """
    style, layout = _style(8)
    w_slider = widgets.FloatSlider(value=w, min=-4.0, max=4.0, step=0.1, description=label("w₀ 初始权重", "w₀ initial weight"), style=style, layout=layout)
    b_slider = widgets.FloatSlider(value=b, min=-4.0, max=4.0, step=0.1, description=label("b₀ 初始偏置", "b₀ initial bias"), style=style, layout=layout)
    eta_slider = widgets.FloatLogSlider(value=eta, base=10, min=-3, max=1, step=0.05, description=label("η 学习率", "η learning rate"), readout_format=".3f", style=style, layout=layout)
    epoch_slider = widgets.IntSlider(value=epochs, min=10, max=1000, step=10, description=label("轮数", "epochs"), style=style, layout=layout)
    cost_menu = widgets.Dropdown(
        options=[(label(*COST_LABELS[name]) if name in COST_LABELS else c.label, name) for name, c in NEURON_COSTS.items()],
        value=cost,
        description=label("代价", "cost"),
        style=style,
        layout=layout,
    )

    def draw(w0, b0, eta, epochs, cost):
        history = train_neuron(w0, b0, x=1.0, y=0.0, eta=eta, epochs=epochs, cost=cost)

        def figure(t):
            fig, (ax_cost, ax_sig) = plt.subplots(1, 2, figsize=(9.5, 3.6))
            z = np.linspace(-8, 8, 400)
            ax_sig.plot(z, sigmoid(z), color="0.5", lw=1)
            plot_neuron_run(history, ax_cost, ax_sig)
            ax_cost.set_xlabel(t("轮数", "epoch"))
            ax_cost.set_ylabel(t("代价 C", "cost C"))
            ax_cost.set_title(f"a = {history.a[-1, 0]:.4f}, C = {history.cost[-1]:.4f}")
            ax_sig.set_xlabel(t("带权输入 z", "weighted input z"))
            ax_sig.set_ylabel("σ(z)")
            ax_sig.set_title(t("起点 ○，终点 ●", "start ○, end ●"))
            fig.tight_layout()
            return fig

        show_figure(figure)

    out = widgets.interactive_output(
        draw, {"w0": w_slider, "b0": b_slider, "eta": eta_slider, "epochs": epoch_slider, "cost": cost_menu}
    )
    controls = widgets.VBox([w_slider, b_slider, eta_slider, epoch_slider, cost_menu])
    return _mark(widgets.VBox([controls, out]), "neuron",
                 {"w0": w_slider, "b0": b_slider, "eta": eta_slider, "epochs": epoch_slider, "cost": cost_menu},
                 {"cost": list(NEURON_COSTS)})


def softmax_explorer(z=(2.0, 1.0, 0.1, -1.0), temperature=1.0, true_class=0):
    """Sliders for four logits z and a temperature T, a menu for the true class (chapter 3).

    Left: the probabilities a = softmax(z / T), the true class in a darker
    colour, and the loss L = −ln a_k in the title. Right: the gradient
    ∂L/∂(z/T) = a − y (bars), which is negative only at the true class, and
    the gradient with respect to the logits themselves, ∂L/∂z = (a − y)/T
    (black marks).
    """
    from .softmax import one_hot, softmax, softmax_cross_entropy

    style, layout = _style(7)
    z_sliders = [
        widgets.FloatSlider(value=float(v), min=-6.0, max=6.0, step=0.1, description=f"z{i}", style=style, layout=layout)
        for i, v in enumerate(z)
    ]
    t_slider = widgets.FloatLogSlider(value=temperature, base=10, min=-1, max=1, step=0.05, description=label("T 温度", "T temperature"), readout_format=".2f", style=style, layout=layout)
    k_menu = widgets.Dropdown(
        options=[(label(f"类别{i}", f"class {i}"), i) for i in range(len(z))],
        value=true_class,
        description=label("真实类别", "true class"),
        style=style,
        layout=layout,
    )

    def draw(T, k, **logits):
        zs = np.array([logits[f"z{i}"] for i in range(len(z))]) / T
        a = softmax(zs)
        y = one_hot([k], len(z))[0]
        loss = softmax_cross_entropy(zs[None, :], [k])
        classes = np.arange(len(z))
        colors = ["tab:blue"] * len(z)
        colors[k] = "tab:orange"

        def figure(t):
            fig, (ax_p, ax_g) = plt.subplots(1, 2, figsize=(9.5, 3.6))
            ax_p.bar(classes, a, color=colors)
            ax_p.set_ylim(0, 1)
            ax_p.set_xticks(classes)
            ax_p.set_xlabel(t("类别 m", "class m"))
            ax_p.set_ylabel(t("概率 a_m", "probability a_m"))
            ax_p.set_title(f"L = −ln a_{k} = {loss:.4f}")
            ax_g.bar(classes, a - y, color=colors)
            ax_g.axhline(0, color="0.3", lw=0.8)
            ax_g.scatter(classes, (a - y) / T, marker="_", s=400, color="k", zorder=3, label="∂L/∂z = (a − y)/T")
            ax_g.set_ylim(-max(1.0, 1.0 / T), max(1.0, 1.0 / T))
            ax_g.legend(loc="upper right", fontsize=8)
            ax_g.set_xticks(classes)
            ax_g.set_xlabel(t("类别 m", "class m"))
            ax_g.set_ylabel(t("梯度 a_m − y_m", "gradient a_m − y_m"))
            ax_g.set_title("a − y = ∂L/∂(z/T);  ∂L/∂z = (a − y)/T")
            handles = [
                plt.Rectangle((0, 0), 1, 1, color="tab:orange", label=t("真实类别", "true class")),
                plt.Rectangle((0, 0), 1, 1, color="tab:blue", label=t("其他类别", "other classes")),
            ]
            for ax in (ax_p, ax_g):
                ax.legend(handles=handles, loc="upper right")
            fig.tight_layout()
            return fig

        show_figure(figure)

    controls = {"T": t_slider, "k": k_menu, **{f"z{i}": s for i, s in enumerate(z_sliders)}}
    out = widgets.interactive_output(draw, controls)
    box = widgets.VBox([widgets.VBox([*z_sliders, t_slider, k_menu]), out])
    return _mark(box, "softmax", {**{f"z{i}": s for i, s in enumerate(z_sliders)}, "T": t_slider, "k": k_menu},
                 {"k": list(range(len(z)))})


def training_start(hidden: int, seed: int, epochs: int, n_inputs: int = 64, n_outputs: int = 10, n_train: int = 1010):
    """The random start of ``training_explorer``'s run: the initial parameters and each epoch's row order (chapter 4).

    Exactly what the explorer's ``train`` call draws from ``np.random.default_rng(seed)``:
    first ``network_init``, then one ``rng.permutation(n_train)`` per epoch (``minibatches``). The book's
    site ships them to the page, which then trains from the same start as the notebook.
    Returns (NetworkParams, orders of shape (epochs, n_train)).
    """
    from .network import network_init

    epochs = check_count(epochs, "epochs")
    rng = np.random.default_rng(check_count(seed, "seed"))
    params = network_init(n_inputs, hidden, n_outputs, rng)
    orders = np.array([rng.permutation(n_train) for _ in range(epochs)], dtype=np.intp).reshape(epochs, n_train)
    return params, orders


def deep_start(depth: int, width: int, seed: int, epochs: int, n_inputs: int = 64, n_outputs: int = 10,
               n_train: int = 1010):
    """The random start of ``deep_explorer``'s run (ce_backprop/deep_explorer.py), whatever its activation and initialisation (chapter 5).

    ``deep_init`` draws each layer's weights as s·z from standard normals z, layer
    by layer, so the same seed and depth give the same z for every choice of s;
    then ``train_deep`` draws one ``rng.permutation(n_train)`` per epoch (``minibatches``). Returns
    (the standard normals of all layers, one after the other, orders (epochs, n_train)).
    The book's site ships them to the page, which then trains from the notebook's start.
    """
    depth, width, epochs = (check_count(v, name) for v, name in ((depth, "depth"), (width, "width"), (epochs, "epochs")))
    rng = np.random.default_rng(check_count(seed, "seed"))
    sizes = (n_inputs,) + (width,) * depth + (n_outputs,)
    normals = np.concatenate([rng.normal(0.0, 1.0, size=(a, b)).ravel() for a, b in zip(sizes[:-1], sizes[1:])])
    orders = np.array([rng.permutation(n_train) for _ in range(epochs)], dtype=np.intp).reshape(epochs, n_train)
    return normals, orders


def training_explorer(hidden=32, eta=0.5, epochs=10, cost="cross_entropy", batch_size=32, seed=0):
    """Train the three-layer network on the digits with a button (chapter 4).

    Sliders: hidden units H, learning rate η, epochs; a menu for the cost
    (softmax + cross-entropy, or sigmoid outputs + quadratic cost). The button
    "训练 Train" trains from the same seeded start, with a progress bar, then
    draws the cost and the accuracy per epoch (training and validation set) and
    prints the final validation accuracy; the test set is not used. One run with the defaults is shown at once.
    """
    from .data import load_digits_with_validation
    from .network import network_init
    from .training import train

    data = load_digits_with_validation()
    style, layout = _style(8)
    h_slider = widgets.IntSlider(value=hidden, min=4, max=128, step=4, description=label("d₁ 隐藏单元数", "d₁ hidden units"), style=style, layout=layout)
    eta_slider = widgets.FloatLogSlider(value=eta, base=10, min=-2, max=1, step=0.05, description=label("η 学习率", "η learning rate"), readout_format=".3f", style=style, layout=layout)
    epoch_slider = widgets.IntSlider(value=epochs, min=1, max=100, step=1, description=label("轮数", "epochs"), style=style, layout=layout)
    cost_menu = widgets.Dropdown(
        options=[(label("softmax + 交叉熵", "softmax + cross-entropy"), "cross_entropy"),
                 (label("sigmoid + 二元交叉熵", "sigmoid + binary cross-entropy"), "binary_cross_entropy"),
                 (label("sigmoid + 二次代价", "sigmoid + quadratic cost"), "quadratic")],
        value=cost, description=label("代价", "cost"), style=style, layout=layout,
    )
    button = widgets.Button(description=label("训练", "Train"), button_style="primary")
    bar = widgets.IntProgress(value=0, min=0, max=epochs, description=label("轮数", "epoch"), style=style, layout=layout)
    out = widgets.Output()

    def run(_=None):
        rng = np.random.default_rng(seed)
        params = network_init(data.X_train.shape[1], h_slider.value, 10, rng)
        bar.max, bar.value = epoch_slider.value, 0

        def progress(epoch, total):
            bar.value = epoch

        _, hist = train(params, data.X_train, data.y_train, epoch_slider.value, batch_size,
                        eta_slider.value, rng, cost=cost_menu.value,
                        X_val=data.X_val, y_val=data.y_val, progress=progress)
        ep = np.arange(hist.epochs + 1)

        def figure(t):
            fig, (ax_l, ax_a) = plt.subplots(1, 2, figsize=(9.5, 3.4))
            ax_l.plot(ep, hist.loss_train, label=t("训练集", "training set"))
            ax_l.plot(ep, hist.loss_val, label=t("验证集", "validation set"))
            ax_l.set_xlabel(t("轮数", "epoch"))
            ax_l.set_ylabel(t("代价 C", "cost C"))
            ax_a.plot(ep, hist.acc_train, label=t("训练集", "training set"))
            ax_a.plot(ep, hist.acc_val, label=t("验证集", "validation set"))
            ax_a.set_ylim(0, 1)
            ax_a.set_xlabel(t("轮数", "epoch"))
            ax_a.set_ylabel(t("准确率", "accuracy"))
            ax_a.set_title(t(f"验证准确率 = {hist.acc_val[-1]:.2%}", f"validation accuracy = {hist.acc_val[-1]:.2%}"))
            for ax in (ax_l, ax_a):
                ax.legend()
            fig.tight_layout()
            return fig

        out.clear_output(wait=True)
        with out:
            show_figure(figure)

    button.on_click(run)
    run()
    controls = widgets.VBox([h_slider, eta_slider, epoch_slider, cost_menu, widgets.HBox([button]), bar])
    return _mark(widgets.VBox([controls, out]), "training",
                 {"hidden": h_slider, "eta": eta_slider, "epochs": epoch_slider, "cost": cost_menu},
                 {"cost": ["cross_entropy", "binary_cross_entropy", "quadratic"]},
                 {"seed": seed, "batch_size": batch_size})
