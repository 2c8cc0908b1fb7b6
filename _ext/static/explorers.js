/* The course's explorers, run in the page.
 *
 * The build (_ext/layout.py) leaves, above each saved explorer figure, a
 * <div class="ce-live-explorer" data-spec="…"> naming the explorer's kind and its
 * controls (range, step, saved value, label in the edition's language). This
 * script draws the controls and the plots there and hides the saved figure; a
 * reader without JavaScript keeps the figure.
 *
 * The numbers are the library's (code/ce_backprop): the same float64 formulas in
 * the same order, so the tests can compare a page's curves with the library's
 * run of the same settings. Each explorer writes what it computed, with the
 * settings it used, to its element's data-result attribute.
 */
(function () {
  "use strict";

  var SVG = "http://www.w3.org/2000/svg";

  // ------------------------------------------------------------------ formulas

  /** σ(z) in the form that never overflows (activations.sigmoid). */
  function sigmoid(z) {
    var e = Math.exp(-Math.abs(z));
    return z >= 0 ? 1 / (1 + e) : e / (1 + e);
  }

  /** Full-batch gradient descent on one sigmoid neuron with x = 1, y = 0 (neuron.train_neuron). */
  function neuronRun(p) {
    var x = 1, y = 0, w = p.w0, b = p.b0;
    var out = {w: [], b: [], a: [], cost: []};
    for (var e = 0; e <= p.epochs; e++) {
      var z = x * w + b, a = sigmoid(z);
      out.w.push(w); out.b.push(b); out.a.push(a);
      var delta;
      if (p.cost === "quadratic") {
        out.cost.push(0.5 * (y - a) * (y - a));
        delta = (a - y) * (sigmoid(z) * sigmoid(-z));
      } else {
        out.cost.push(-(y > 0 ? y * Math.log(a) : 0) - (y < 1 ? (1 - y) * Math.log(1 - a) : 0));
        delta = a - y;
      }
      w = w - p.eta * (x * delta);
      b = b - p.eta * delta;
    }
    return out;
  }

  /** softmax(z/T), the loss −ln a_k and the gradients a − y and (a − y)/T (softmax.softmax, log_softmax). */
  function softmaxState(p) {
    var s = p.z.map(function (v) { return v / p.T; });
    var m = Math.max.apply(null, s);
    var e = s.map(function (v) { return Math.exp(v - m); });
    var total = 0, totalShifted = 0;
    e.forEach(function (v) { total += v; });
    var a = e.map(function (v) { return v / total; });
    s.forEach(function (v) { totalShifted += Math.exp(v - m); });
    var loss = -((s[p.k] - m) - Math.log(totalShifted));
    var grad = a.map(function (v, i) { return v - (i === p.k ? 1 : 0); });
    return {a: a, loss: loss, grad: grad, gradZ: grad.map(function (g) { return g / p.T; })};
  }

  // ------------------------------------------------------------------ words

  var WORDS = {
    epoch: ["轮数", "epoch"],
    cost: ["代价 C", "cost C"],
    z: ["带权输入 z", "weighted input z"],
    startEnd: ["起点 ○，终点 ●", "start ○, end ●"],
    costPlot: ["代价随轮数的变化", "cost per epoch"],
    sigmoidPlot: ["σ(z) 上的起点与终点", "start and end on σ(z)"],
    cls: ["类别 m", "class m"],
    prob: ["概率 a_m", "probability a_m"],
    grad: ["梯度 a_m − y_m", "gradient a_m − y_m"],
    trueClass: ["真实类别", "true class"],
    otherClasses: ["其他类别", "other classes"],
    probPlot: ["各类别的概率", "probability of each class"],
    gradPlot: ["各类别的梯度", "gradient for each class"]
  };

  function say(ed, key) {
    var w = WORDS[key];
    return ed === "zh" ? w[0] : ed === "en" ? w[1] : w[0] + " · " + w[1];
  }

  function fixed(v, digits) {
    return (Object.is(v, -0) ? 0 : v).toFixed(digits).replace(/^-/, "−");
  }

  // ------------------------------------------------------------------ plots (SVG)

  function el(name, attrs, parent) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (parent) parent.appendChild(node);
    return node;
  }

  function text(parent, x, y, str, attrs) {
    var t = el("text", Object.assign({x: x, y: y}, attrs || {}), parent);
    t.textContent = str;
    return t;
  }

  /** About five round tick values covering [lo, hi]. */
  function ticks(lo, hi, count) {
    if (!(hi > lo)) { hi = lo + 1; }
    var raw = (hi - lo) / (count || 5), mag = Math.pow(10, Math.floor(Math.log10(raw)));
    var step = [1, 2, 2.5, 5, 10].map(function (f) { return f * mag; }).find(function (s) { return s >= raw; });
    var out = [];
    for (var v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) {
      out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
    }
    return out;
  }

  function tickLabel(v) {
    var s = String(Number(v.toPrecision(6)));
    return s.replace(/^-/, "−");
  }

  /** A plot: its SVG element and its data-to-pixel maps. */
  function plot(holder, width, opts) {
    var height = Math.round(Math.min(300, Math.max(200, width * 0.66)));
    var m = {left: 52, right: 12, top: 30, bottom: 40};
    var svg = el("svg", {viewBox: "0 0 " + width + " " + height, width: width, height: height,
      role: "img", "aria-label": opts.label, "class": "ce-plot"}, holder);
    var x0 = m.left, x1 = width - m.right, y0 = height - m.bottom, y1 = m.top;
    var sx = function (v) { return x0 + (v - opts.x[0]) / (opts.x[1] - opts.x[0]) * (x1 - x0); };
    var sy = function (v) { return y0 - (v - opts.y[0]) / (opts.y[1] - opts.y[0]) * (y0 - y1); };
    var grid = el("g", {"class": "ce-axes"}, svg);
    (opts.xticks || ticks(opts.x[0], opts.x[1], width < 360 ? 4 : 6)).forEach(function (v) {
      el("line", {x1: sx(v), x2: sx(v), y1: y0, y2: y0 + 4}, grid);
      text(grid, sx(v), y0 + 17, opts.xtickLabel ? opts.xtickLabel(v) : tickLabel(v), {"text-anchor": "middle"});
    });
    ticks(opts.y[0], opts.y[1], 5).forEach(function (v) {
      el("line", {x1: x0 - 4, x2: x0, y1: sy(v), y2: sy(v)}, grid);
      text(grid, x0 - 7, sy(v) + 4, tickLabel(v), {"text-anchor": "end"});
    });
    el("rect", {x: x0, y: y1, width: x1 - x0, height: y0 - y1, "class": "ce-frame"}, grid);
    text(svg, (x0 + x1) / 2, height - 6, opts.xlabel, {"text-anchor": "middle", "class": "ce-axis-label"});
    text(svg, 13, (y0 + y1) / 2, opts.ylabel, {"text-anchor": "middle", "class": "ce-axis-label",
      transform: "rotate(-90 13 " + (y0 + y1) / 2 + ")"});
    text(svg, (x0 + x1) / 2, 18, opts.title, {"text-anchor": "middle", "class": "ce-plot-title"});
    return {svg: svg, sx: sx, sy: sy, x0: x0, x1: x1, y0: y0, y1: y1};
  }

  function polyline(p, xs, ys, cls) {
    var pts = xs.map(function (x, i) { return p.sx(x).toFixed(2) + "," + p.sy(ys[i]).toFixed(2); });
    return el("polyline", {points: pts.join(" "), "class": cls, fill: "none"}, p.svg);
  }

  // ------------------------------------------------------------------ the explorers

  var DRAW = {
    neuron: function (view, v, ed, width) {
      var run = neuronRun(v), last = run.cost.length - 1;
      var epochs = run.cost.map(function (_, i) { return i; });
      var top = Math.max.apply(null, run.cost);
      var left = plot(view, width, {x: [0, v.epochs], y: [0, top > 0 ? top * 1.05 : 1],
        xlabel: say(ed, "epoch"), ylabel: say(ed, "cost"), label: say(ed, "costPlot"),
        title: "a = " + fixed(run.a[last], 4) + ", C = " + fixed(run.cost[last], 4)});
      polyline(left, epochs, run.cost, "ce-line");
      var right = plot(view, width, {x: [-8, 8], y: [0, 1], xlabel: say(ed, "z"), ylabel: "σ(z)",
        label: say(ed, "sigmoidPlot"), title: say(ed, "startEnd")});
      var zs = [];
      for (var i = 0; i <= 200; i++) zs.push(-8 + 16 * i / 200);
      polyline(right, zs, zs.map(sigmoid), "ce-curve");
      var zStart = run.w[0] + run.b[0], zEnd = run.w[last] + run.b[last];
      [[zStart, "ce-start", 6], [zEnd, "ce-end", 4]].forEach(function (pt) {
        var zc = Math.max(-8, Math.min(8, pt[0]));
        el("circle", {cx: right.sx(zc), cy: right.sy(sigmoid(pt[0])), r: pt[2], "class": pt[1]}, right.svg);
      });
      return {settings: v, w: run.w, b: run.b, a: run.a, cost: run.cost};
    },

    softmax: function (view, v, ed, width) {
      var z = [0, 1, 2, 3].map(function (i) { return v["z" + i]; });
      var st = softmaxState({z: z, T: v.T, k: v.k});
      var classes = [0, 1, 2, 3], lim = Math.max(1, 1 / v.T);
      var band = function (p, i) { return (p.x1 - p.x0) / 4 * 0.6; };
      var bars = function (p, values) {
        classes.forEach(function (i) {
          var w = band(p, i), top = p.sy(Math.max(0, values[i])), bottom = p.sy(Math.min(0, values[i]));
          el("rect", {x: p.sx(i) - w / 2, y: top, width: w, height: Math.max(0.5, bottom - top),
            "class": i === v.k ? "ce-bar-true" : "ce-bar"}, p.svg);
        });
      };
      var opts = {x: [-0.6, 3.6], xticks: classes, xtickLabel: function (i) { return String(i); }, xlabel: say(ed, "cls")};
      var left = plot(view, width, Object.assign({}, opts, {y: [0, 1], ylabel: say(ed, "prob"), label: say(ed, "probPlot"),
        title: "L = −ln a" + subscript(v.k) + " = " + fixed(st.loss, 4)}));
      bars(left, st.a);
      var right = plot(view, width, Object.assign({}, opts, {y: [-lim, lim], ylabel: say(ed, "grad"), label: say(ed, "gradPlot"),
        title: "a − y = ∂L/∂(z/T); ∂L/∂z = (a − y)/T"}));
      el("line", {x1: right.x0, x2: right.x1, y1: right.sy(0), y2: right.sy(0), "class": "ce-zero"}, right.svg);
      bars(right, st.grad);
      classes.forEach(function (i) {
        var w = band(right, i) * 1.2;
        el("line", {x1: right.sx(i) - w / 2, x2: right.sx(i) + w / 2, y1: right.sy(st.gradZ[i]), y2: right.sy(st.gradZ[i]), "class": "ce-mark"}, right.svg);
      });
      legend(left, [["ce-bar-true", say(ed, "trueClass")], ["ce-bar", say(ed, "otherClasses")]]);
      legend(right, [["ce-mark-key", "∂L/∂z = (a − y)/T"]]);
      return {settings: v, a: st.a, loss: st.loss, grad: st.grad, gradZ: st.gradZ};
    }
  };

  function subscript(k) { return String(k).replace(/\d/g, function (d) { return "₀₁₂₃₄₅₆₇₈₉"[d]; }); }

  function legend(p, items) {
    var g = el("g", {"class": "ce-legend"}, p.svg);
    items.forEach(function (item, i) {
      var y = p.y1 + 14 + 18 * i;
      el("rect", {x: p.x1 - 12, y: y - 9, width: 10, height: 10, "class": item[0]}, g);
      text(g, p.x1 - 18, y, item[1], {"text-anchor": "end"});
    });
  }

  // ------------------------------------------------------------------ controls

  /** The values a control can take, on its grid (ipywidgets' min + i·step; 10^exponent for a log slider). */
  function grid(c) {
    if (c.type === "choice") return c.options.map(function (o) { return o[1]; });
    var decimals = Math.max(0, -Math.floor(Math.log10(c.step) + 1e-9)) + 2;
    var n = Math.round((c.max - c.min) / c.step), out = [];
    for (var i = 0; i <= n; i++) {
      var x = Number((c.min + i * c.step).toFixed(decimals));
      out.push(c.type === "log" ? Math.pow(c.base, x) : c.type === "int" ? Math.round(x) : x);
    }
    return out;
  }

  function nearest(values, v) {
    var best = 0;
    values.forEach(function (x, i) { if (Math.abs(x - v) < Math.abs(values[best] - v)) best = i; });
    return best;
  }

  function readout(c, v) {
    if (c.type === "int") return String(v);
    var m = /^\.(\d)f$/.exec(c.format || "");
    return m ? fixed(v, Number(m[1])) : String(Number(v.toPrecision(4))).replace(/^-/, "−");
  }

  function build(holder, count) {
    var spec = JSON.parse(holder.getAttribute("data-spec"));
    var draw = DRAW[spec.kind];
    if (!draw) return;
    var values = {}, form = document.createElement("div"), view = document.createElement("div");
    form.className = "ce-controls";
    view.className = "ce-plots";
    spec.controls.forEach(function (c) {
      var id = "ce-" + spec.kind + "-" + count + "-" + c.name;
      var row = document.createElement("div");
      row.className = "ce-control";
      var lab = document.createElement("label");
      lab.htmlFor = id;
      lab.textContent = c.label;
      row.appendChild(lab);
      values[c.name] = c.value;
      if (c.type === "choice") {
        var menu = document.createElement("select");
        menu.id = id;
        c.options.forEach(function (o, i) {
          var opt = document.createElement("option");
          opt.value = String(i);
          opt.textContent = o[0];
          if (o[1] === c.value) opt.selected = true;
          menu.appendChild(opt);
        });
        menu.addEventListener("change", function () { values[c.name] = c.options[Number(menu.value)][1]; redraw(); });
        row.appendChild(menu);
      } else {
        var points = grid(c), input = document.createElement("input"), out = document.createElement("output");
        input.type = "range";
        input.id = id;
        input.min = "0";
        input.max = String(points.length - 1);
        input.step = "1";
        input.value = String(nearest(points, c.value));
        input.setAttribute("data-param", c.name);
        input.setAttribute("aria-valuetext", readout(c, c.value));
        out.htmlFor = id;
        out.textContent = readout(c, c.value);
        input.addEventListener("input", function () {
          values[c.name] = points[Number(input.value)];
          out.textContent = readout(c, values[c.name]);
          input.setAttribute("aria-valuetext", out.textContent);
          redraw();
        });
        row.appendChild(input);
        row.appendChild(out);
      }
      form.appendChild(row);
    });
    holder.appendChild(form);
    holder.appendChild(view);
    var lastWidth = 0;
    function redraw() {
      var width = Math.max(240, Math.floor(view.clientWidth || holder.clientWidth || 600));
      var each = width >= 640 ? Math.floor((width - 16) / 2) : width;
      lastWidth = width;
      view.textContent = "";
      var result = draw(view, Object.assign({}, values), spec.edition, each);
      holder.setAttribute("data-result", JSON.stringify(result));
    }
    redraw();
    var cell = holder.closest(".cell") || holder.parentNode;
    cell.classList.add("ce-live-ready");
    if (window.ResizeObserver) {
      new ResizeObserver(function () {
        var width = Math.floor(view.clientWidth);
        if (width && Math.abs(width - lastWidth) > 8) redraw();
      }).observe(view);
    }
  }

  function start() {
    var found = document.querySelectorAll(".ce-live-explorer[data-spec]");
    for (var i = 0; i < found.length; i++) build(found[i], i);
  }

  window.courseExplorers = {neuronRun: neuronRun, softmaxState: softmaxState};
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
