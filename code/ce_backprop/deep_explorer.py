"""The explorer of chapter 5 (05_deep_networks): depth, activation and initialisation of a deep network.

On Binder or a local Jupyter it trains when the button is pressed; on the
static site it shows the state saved when the notebook was executed.
"""

from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from .deep_network import ACTIVATION_NAMES, HIDDEN_ACTIVATIONS, deep_init, train_deep
from .explorers import _mark, _style
from .lang import Bilingual, label
from .plotting import show_figure


def deep_explorer(depth=4, activation="sigmoid", init="xavier", scale=1.0, eta=0.5, epochs=10,
                  width=32, batch_size=32, seed=0):
    """Train a deep network on the digits with a button (chapter 5).

    Sliders: the number of hidden layers, the learning rate η, the epochs and
    the scale c of the weights (used when the initialisation menu says "scale
    c/√fan_in"); menus for the hidden activation (sigmoid, tanh, ReLU) and the
    initialisation (Xavier, He, or the scale). The button "训练 Train" trains
    from the same seeded start, with a progress bar, then draws the gradient
    norm ‖∂C/∂W^ℓ‖ of every layer per epoch (log scale) and the accuracy on the
    training and validation parts of chapter 4's split; the test part is not used.
    One run with the defaults is shown at once.
    """
    from .data import load_digits_with_validation

    data = load_digits_with_validation()
    style, layout = _style(9)
    depth_slider = widgets.IntSlider(value=depth, min=1, max=8, step=1, description=label("隐藏层数", "hidden layers"), style=style, layout=layout)
    act_menu = widgets.Dropdown(options=[(ACTIVATION_NAMES[a], a) for a in HIDDEN_ACTIVATIONS],
                                value=activation, description=label("激活函数", "activation"), style=style, layout=layout)
    init_menu = widgets.Dropdown(options=[("Xavier/Glorot", "xavier"), ("He", "he"), (label("尺度 c/√fan_in", "scale c/√fan_in"), "scale")],
                                 value=init, description=label("初始化", "initialisation"), style=style, layout=layout)
    scale_slider = widgets.FloatLogSlider(value=scale, base=10, min=-2, max=1, step=0.05, description=label("尺度 c", "scale c"),
                                          readout_format=".2f", style=style, layout=layout)
    eta_slider = widgets.FloatLogSlider(value=eta, base=10, min=-2, max=1, step=0.05, description=label("η 学习率", "η learning rate"),
                                        readout_format=".3f", style=style, layout=layout)
    epoch_slider = widgets.IntSlider(value=epochs, min=1, max=60, step=1, description=label("轮数", "epochs"), style=style, layout=layout)
    button = widgets.Button(description=label("训练", "Train"), button_style="primary")
    bar = widgets.IntProgress(value=0, min=0, max=epochs, description=label("轮数", "epoch"), style=style, layout=layout)
    out = widgets.Output()

    def run(_=None):
        rng = np.random.default_rng(seed)
        sizes = (data.X_train.shape[1],) + (width,) * depth_slider.value + (10,)
        how = scale_slider.value if init_menu.value == "scale" else init_menu.value
        params = deep_init(sizes, rng, activation=act_menu.value, init=how)
        bar.max, bar.value = epoch_slider.value, 0

        def progress(epoch, total):
            bar.value = epoch

        out.clear_output(wait=True)
        try:
            _, hist = train_deep(params, data.X_train, data.y_train, epoch_slider.value, batch_size,
                                 eta_slider.value, rng, X_val=data.X_val, y_val=data.y_val, progress=progress)
        except ValueError as err:           # divergence: say so instead of drawing NaN
            with out:
                print(Bilingual(f"训练发散：{err}", f"training diverged: {err}"))
            return
        ep = np.arange(hist.epochs + 1)

        def figure(t):
            fig, (ax_g, ax_a) = plt.subplots(1, 2, figsize=(9.5, 3.6))
            colors = plt.cm.viridis(np.linspace(0, 0.9, hist.grad_norms.shape[1]))
            for layer, color in enumerate(colors, start=1):
                ax_g.plot(ep, hist.grad_norms[:, layer - 1], color=color, label=f"W{layer}")
            ax_g.set_yscale("log")
            ax_g.set_xlabel(t("轮数", "epoch"))
            ax_g.set_ylabel(t("梯度范数 ‖∂C/∂Wˡ‖", "gradient norm ‖∂C/∂Wˡ‖"))
            ax_g.legend(fontsize=8, ncol=2)
            ax_a.plot(ep, hist.acc_train, label=t("训练集", "training set"))
            ax_a.plot(ep, hist.acc_val, label=t("验证集", "validation set"))
            ax_a.set_ylim(0, 1)
            ax_a.set_xlabel(t("轮数", "epoch"))
            ax_a.set_ylabel(t("准确率", "accuracy"))
            ax_a.set_title(t(f"验证准确率 = {hist.acc_val[-1]:.2%}", f"validation accuracy = {hist.acc_val[-1]:.2%}"))
            ax_a.legend()
            fig.tight_layout()
            return fig

        with out:
            show_figure(figure)

    button.on_click(run)
    run()
    controls = widgets.VBox([depth_slider, act_menu, init_menu, scale_slider, eta_slider, epoch_slider,
                             widgets.HBox([button]), bar])
    return _mark(widgets.VBox([controls, out]), "deep",
                 {"depth": depth_slider, "activation": act_menu, "init": init_menu, "scale": scale_slider,
                  "eta": eta_slider, "epochs": epoch_slider},
                 {"activation": ["sigmoid", "tanh", "relu"], "init": ["xavier", "he", "scale"]},
                 {"width": width, "batch_size": batch_size, "seed": seed})

