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
  var STATIC = (document.currentScript && document.currentScript.src || "").replace(/[^/]*$/, "");

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

  /** The three-layer network of chapter 4 on rows `rows` of X (network.network_forward). */
  function forward(P, X, nIn, rows, cost) {
    var M = rows.length, H = P.H, K = P.K;
    var z1 = new Float64Array(M * H), h1 = new Float64Array(M * H), z2 = new Float64Array(M * K), a2 = new Float64Array(M * K);
    var lsm = cost === "cross_entropy" ? new Float64Array(M * K) : null;
    for (var i = 0; i < M; i++) {
      var xo = rows[i] * nIn, zo = i * H;
      for (var k = 0; k < nIn; k++) {
        var xv = X[xo + k];
        if (xv === 0) continue;
        var wo = k * H;
        for (var j = 0; j < H; j++) z1[zo + j] += xv * P.W1[wo + j];
      }
      for (j = 0; j < H; j++) { z1[zo + j] += P.b1[j]; h1[zo + j] = sigmoid(z1[zo + j]); }
      var oo = i * K;
      for (k = 0; k < H; k++) {
        var hv = h1[zo + k], w2o = k * K;
        for (j = 0; j < K; j++) z2[oo + j] += hv * P.W2[w2o + j];
      }
      for (j = 0; j < K; j++) z2[oo + j] += P.b2[j];
      if (lsm) {  // log_softmax: z − max, minus the log of the sum of exponentials
        var m = -Infinity, total = 0;
        for (j = 0; j < K; j++) m = Math.max(m, z2[oo + j]);
        for (j = 0; j < K; j++) total += Math.exp(z2[oo + j] - m);
        var lt = Math.log(total);
        for (j = 0; j < K; j++) { lsm[oo + j] = (z2[oo + j] - m) - lt; a2[oo + j] = Math.exp(lsm[oo + j]); }
      } else {
        for (j = 0; j < K; j++) a2[oo + j] = sigmoid(z2[oo + j]);
      }
    }
    return {M: M, z1: z1, h1: h1, z2: z2, a2: a2, lsm: lsm};
  }

  /** The mean cost and the accuracy of a forward pass (network.network_cost, training._evaluate). */
  function evaluate(c, labels, rows, cost) {
    var K = c.z2.length / c.M, sum = 0, right = 0;
    for (var i = 0; i < c.M; i++) {
      var y = labels[rows[i]], o = i * K, best = 0;
      for (var j = 0; j < K; j++) {
        var z = c.z2[o + j], Y = j === y ? 1 : 0;
        if (cost === "cross_entropy") sum += -(Y * c.lsm[o + j]);
        else if (cost === "binary_cross_entropy") sum += Math.max(z, 0) - z * Y + Math.log1p(Math.exp(-Math.abs(z)));
        else sum += (c.a2[o + j] - Y) * (c.a2[o + j] - Y);
        if (z > c.z2[o + best]) best = j;
      }
      if (best === y) right++;
    }
    return [cost === "quadratic" ? 0.5 * sum / c.M : sum / c.M, right / c.M];
  }

  /** One step of gradient descent on the rows `rows` (network.network_backward, then p ← p − η g). */
  function step(P, X, nIn, labels, rows, cost, eta) {
    var c = forward(P, X, nIn, rows, cost), M = c.M, H = P.H, K = P.K;
    var dZ2 = new Float64Array(M * K), dZ1 = new Float64Array(M * H);
    for (var i = 0; i < M; i++) {
      for (var j = 0; j < K; j++) {
        var o = i * K + j, a = c.a2[o], Y = labels[rows[i]] === j ? 1 : 0;
        dZ2[o] = cost === "quadratic" ? (a - Y) * a * (1 - a) / M : (a - Y) / M;
      }
      for (var h = 0; h < H; h++) {
        var d = 0;
        for (j = 0; j < K; j++) d += dZ2[i * K + j] * P.W2[h * K + j];
        var hv = c.h1[i * H + h];
        dZ1[i * H + h] = d * hv * (1 - hv);
      }
    }
    var dW2 = new Float64Array(H * K), db2 = new Float64Array(K), dW1 = new Float64Array(nIn * H), db1 = new Float64Array(H);
    for (i = 0; i < M; i++) {
      for (h = 0; h < H; h++) {
        var hv2 = c.h1[i * H + h];
        for (j = 0; j < K; j++) dW2[h * K + j] += hv2 * dZ2[i * K + j];
        db1[h] += dZ1[i * H + h];
      }
      for (j = 0; j < K; j++) db2[j] += dZ2[i * K + j];
      var xo = rows[i] * nIn;
      for (var k = 0; k < nIn; k++) {
        var xv = X[xo + k];
        if (xv === 0) continue;
        for (h = 0; h < H; h++) dW1[k * H + h] += xv * dZ1[i * H + h];
      }
    }
    [[P.W1, dW1], [P.b1, db1], [P.W2, dW2], [P.b2, db2]].forEach(function (pg) {
      for (var n = 0; n < pg[0].length; n++) pg[0][n] = pg[0][n] - eta * pg[1][n];
    });
  }

  /** The page's own random start of chapter 4's network, for settings the library's shipped start does not cover. */
  function pageStart(hidden, seed, epochs, nIn, K, n) {
    var rnd = pageRandom(seed * 1000003 + hidden);
    var W1 = rnd.normals(nIn * hidden, 1 / Math.sqrt(nIn)), W2 = rnd.normals(hidden * K, 1 / Math.sqrt(hidden));
    return {W1: W1, W2: W2, orders: rnd.orders(epochs, n)};
  }

  function bytes(b64, Type) {
    var raw = atob(b64), buf = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) buf[i] = raw.charCodeAt(i);
    return new Type(buf.buffer);
  }

  var loaded = {};
  /** The digits and the library's start for a `kind` of explorer, from the data script the build wrote (_ext/layout.py). */
  function loadData(kind, name) {
    if (loaded[kind]) return loaded[kind];
    loaded[kind] = new Promise(function (resolve, reject) {
      var tag = document.createElement("script");
      tag.src = STATIC + name;
      tag.onload = function () {
        var d = window.ceExplorerData[kind], raw = d.start, start = {};
        var scale = function (u8) { var f = new Float64Array(u8.length); for (var i = 0; i < u8.length; i++) f[i] = u8[i] / 16; return f; };
        Object.keys(raw).forEach(function (k) {
          if (k === "orders") {
            var all = bytes(raw.orders, Uint16Array);
            start.orders = [];
            for (var e = 0; e < raw.epochs; e++) start.orders.push(all.subarray(e * d.nTrain, (e + 1) * d.nTrain));
          } else {
            start[k] = typeof raw[k] === "string" ? bytes(raw[k], Float64Array) : raw[k];
          }
        });
        resolve({nIn: d.nInputs, xTrain: scale(bytes(d.xTrain, Uint8Array)), yTrain: bytes(d.yTrain, Uint8Array),
          xVal: scale(bytes(d.xVal, Uint8Array)), yVal: bytes(d.yVal, Uint8Array), nTrain: d.nTrain, nVal: d.nVal,
          start: start});
      };
      tag.onerror = function () { reject(new Error("could not load " + name)); };
      document.head.appendChild(tag);
    });
    return loaded[kind];
  }

  /** The page's own seeded uniform generator (mulberry32), its normals (Box–Muller) and orders (Fisher–Yates). */
  function pageRandom(seed) {
    var t = seed >>> 0;
    function uniform() {
      t = (t + 0x6D2B79F5) >>> 0;
      var r = Math.imul(t ^ (t >>> 15), 1 | t);
      r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
      return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
    }
    return {
      normals: function (count, sd) {
        var out = new Float64Array(count);
        for (var i = 0; i < count; i += 2) {
          var r = Math.sqrt(-2 * Math.log(1 - uniform())), a = 2 * Math.PI * uniform();
          out[i] = sd * r * Math.cos(a);
          if (i + 1 < count) out[i + 1] = sd * r * Math.sin(a);
        }
        return out;
      },
      orders: function (epochs, n) {
        var orders = [];
        for (var e = 0; e < epochs; e++) {
          var order = new Uint16Array(n);
          for (var i = 0; i < n; i++) order[i] = i;
          for (i = n - 1; i > 0; i--) { var j = Math.floor(uniform() * (i + 1)), tmp = order[i]; order[i] = order[j]; order[j] = tmp; }
          orders.push(order);
        }
        return orders;
      }
    };
  }

  // ------------------------------------------------------------------ chapter 5: a deep network (deep_network.py)

  /** f(z) of the hidden layers, as deep_network._activate computes it (σ through tanh). */
  function activate(z, activation) {
    if (activation === "sigmoid") return ((Math.tanh(z * 0.5)) + 1.0) * 0.5;
    if (activation === "tanh") return Math.tanh(z);
    return Math.max(z, 0);
  }

  function deepForward(P, X, nIn, rows) {
    var M = rows.length, L = P.W.length, acts = [], zs = [];
    var a = new Float64Array(M * nIn);
    for (var i = 0; i < M; i++) for (var k = 0; k < nIn; k++) a[i * nIn + k] = X[rows[i] * nIn + k];
    acts.push(a);
    for (var l = 0; l < L; l++) {
      var din = P.sizes[l], dout = P.sizes[l + 1], W = P.W[l], b = P.b[l], z = new Float64Array(M * dout);
      for (i = 0; i < M; i++) {
        for (k = 0; k < din; k++) {
          var av = a[i * din + k];
          if (av === 0) continue;
          for (var j = 0; j < dout; j++) z[i * dout + j] += av * W[k * dout + j];
        }
        for (j = 0; j < dout; j++) z[i * dout + j] += b[j];
      }
      zs.push(z);
      if (l < L - 1) {
        a = new Float64Array(M * dout);
        for (var n = 0; n < z.length; n++) a[n] = activate(z[n], P.activation);
        acts.push(a);
      }
    }
    var zl = zs[L - 1], K = P.sizes[L], probs = new Float64Array(zl.length);
    for (i = 0; i < M; i++) {
      var m = -Infinity, total = 0;
      for (j = 0; j < K; j++) m = Math.max(m, zl[i * K + j]);
      for (j = 0; j < K; j++) { probs[i * K + j] = Math.exp(zl[i * K + j] - m); }
      for (j = 0; j < K; j++) total += probs[i * K + j];
      for (j = 0; j < K; j++) probs[i * K + j] /= total;
    }
    return {M: M, acts: acts, zs: zs, probs: probs};
  }

  function deepEvaluate(P, c, labels, rows) {
    var L = P.W.length, K = P.sizes[L], z = c.zs[L - 1], sum = 0, right = 0;
    for (var i = 0; i < c.M; i++) {
      var m = -Infinity, total = 0, best = 0;
      for (var j = 0; j < K; j++) { m = Math.max(m, z[i * K + j]); if (z[i * K + j] > z[i * K + best]) best = j; }
      for (j = 0; j < K; j++) total += Math.exp(z[i * K + j] - m);
      sum += (m + Math.log(total)) - z[i * K + labels[rows[i]]];
      if (best === labels[rows[i]]) right++;
    }
    return [sum / c.M, right / c.M];
  }

  function deepBackward(P, c, labels, rows) {
    var M = c.M, L = P.W.length, K = P.sizes[L], dW = new Array(L), db = new Array(L);
    var delta = Float64Array.from(c.probs);
    for (var i = 0; i < M; i++) delta[i * K + labels[rows[i]]] -= 1.0;
    for (var n = 0; n < delta.length; n++) delta[n] /= M;
    for (var l = L - 1; l >= 0; l--) {
      var din = P.sizes[l], dout = P.sizes[l + 1], a = c.acts[l], g = new Float64Array(din * dout), gb = new Float64Array(dout);
      for (i = 0; i < M; i++) {
        for (var k = 0; k < din; k++) {
          var av = a[i * din + k];
          if (av === 0) continue;
          for (var j = 0; j < dout; j++) g[k * dout + j] += av * delta[i * dout + j];
        }
        for (j = 0; j < dout; j++) gb[j] += delta[i * dout + j];
      }
      dW[l] = g; db[l] = gb;
      if (l > 0) {
        var W = P.W[l], next = new Float64Array(M * din);
        for (i = 0; i < M; i++) {
          for (k = 0; k < din; k++) {
            var d = 0;
            for (j = 0; j < dout; j++) d += delta[i * dout + j] * W[k * dout + j];
            var f = a[i * din + k];
            if (P.activation === "sigmoid") { var t = d * f; next[i * din + k] = t - t * f; }
            else if (P.activation === "tanh") next[i * din + k] = d - d * f * f;
            else next[i * din + k] = f > 0 ? d : 0;
          }
        }
        delta = next;
      }
    }
    return {W: dW, b: db};
  }

  function initStd(fanIn, fanOut, init, scale) {
    if (init === "xavier") return Math.sqrt(2.0 / (fanIn + fanOut));
    if (init === "he") return Math.sqrt(2.0 / fanIn);
    return scale / Math.sqrt(fanIn);
  }

  /** Train the deep network epoch by epoch (deep_network.train_deep); resolves with its history. */
  function trainDeep(data, v, c, onEpoch) {
    var sizes = [data.nIn], L;
    for (var l = 0; l < v.depth; l++) sizes.push(c.width);
    sizes.push(10);
    L = sizes.length - 1;
    var s0 = data.start, library = v.depth === s0.depth && c.seed === s0.seed && c.width === s0.width && v.epochs <= s0.epochs;
    var rnd = library ? null : pageRandom(c.seed * 1000003 + v.depth * 7919 + 1);
    var P = {sizes: sizes, activation: v.activation, W: [], b: []}, offset = 0;
    for (l = 0; l < L; l++) {
      var count = sizes[l] * sizes[l + 1], sd = initStd(sizes[l], sizes[l + 1], v.init, v.scale), W;
      if (library) {
        W = new Float64Array(count);
        for (var n = 0; n < count; n++) W[n] = 0.0 + sd * s0.normals[offset + n];
        offset += count;
      } else {
        W = rnd.normals(count, sd);
      }
      P.W.push(W);
      P.b.push(new Float64Array(sizes[l + 1]));
    }
    var initial = {W: P.W.map(function (w) { return Float64Array.from(w); })};
    var orders = library ? s0.orders : rnd.orders(v.epochs, data.nTrain);
    var trainRows = Array.from({length: data.nTrain}, function (_, i) { return i; });
    var valRows = Array.from({length: data.nVal}, function (_, i) { return i; });
    var hist = {lossTrain: [], accTrain: [], lossVal: [], accVal: [], gradNorms: []};
    function record() {
      var cache = deepForward(P, data.xTrain, data.nIn, trainRows), e = deepEvaluate(P, cache, data.yTrain, trainRows);
      hist.lossTrain.push(e[0]); hist.accTrain.push(e[1]);
      hist.gradNorms.push(deepBackward(P, cache, data.yTrain, trainRows).W.map(function (g) {
        var q = 0; for (var n = 0; n < g.length; n++) q += g[n] * g[n]; return Math.sqrt(q);
      }));
      var cv = deepForward(P, data.xVal, data.nIn, valRows), ev = deepEvaluate(P, cv, data.yVal, valRows);
      hist.lossVal.push(ev[0]); hist.accVal.push(ev[1]);
    }
    record();
    return epochs(v.epochs, orders, data.nTrain, c.batch_size, hist, record, onEpoch, function (rows) {
      var g = deepBackward(P, deepForward(P, data.xTrain, data.nIn, rows), data.yTrain, rows);
      for (var l2 = 0; l2 < L; l2++) {
        [[P.W[l2], g.W[l2]], [P.b[l2], g.b[l2]]].forEach(function (pg) {
          for (var n = 0; n < pg[0].length; n++) pg[0][n] -= pg[1][n] * v.eta;
        });
      }
    }).then(function () { return {history: hist, library: library, start: {W: initial.W, orders: orders}}; });
  }

  /** The epochs of mini-batch gradient descent (training.train, deep_network.train_deep): each epoch
   *  takes the rows in its order, `batch` at a time, records the history, and yields to the page.
   *  Stops early when the training cost is no longer finite; resolves when done. */
  function epochs(count, orders, n, batch, hist, record, onEpoch, stepRows) {
    return new Promise(function (resolve) {
      var epoch = 0;
      function next() {
        if (epoch === count || !isFinite(hist.lossTrain[hist.lossTrain.length - 1])) {
          resolve();
          return;
        }
        for (var s = 0; s < n; s += batch) stepRows(Array.prototype.slice.call(orders[epoch], s, s + batch));
        record();
        epoch++;
        onEpoch(epoch, count);
        setTimeout(next, 0);
      }
      setTimeout(next, 0);
    });
  }

  /** Train epoch by epoch, yielding to the page between epochs; resolves with the history. */
  function trainNetwork(data, v, seed, batch, onEpoch) {
    var K = 10, library = v.hidden === data.start.hidden && seed === data.start.seed && v.epochs <= data.start.epochs;
    var start = library ? data.start : pageStart(v.hidden, seed, v.epochs, data.nIn, K, data.nTrain);
    var P = {H: v.hidden, K: K, W1: Float64Array.from(start.W1), b1: new Float64Array(v.hidden),
      W2: Float64Array.from(start.W2), b2: new Float64Array(K)};
    var trainRows = Array.from({length: data.nTrain}, function (_, i) { return i; });
    var valRows = Array.from({length: data.nVal}, function (_, i) { return i; });
    var hist = {lossTrain: [], accTrain: [], lossVal: [], accVal: []};
    function record() {
      var a = evaluate(forward(P, data.xTrain, data.nIn, trainRows, v.cost), data.yTrain, trainRows, v.cost);
      var b = evaluate(forward(P, data.xVal, data.nIn, valRows, v.cost), data.yVal, valRows, v.cost);
      hist.lossTrain.push(a[0]); hist.accTrain.push(a[1]); hist.lossVal.push(b[0]); hist.accVal.push(b[1]);
    }
    record();
    return epochs(v.epochs, start.orders, data.nTrain, batch, hist, record, onEpoch, function (rows) {
      step(P, data.xTrain, data.nIn, data.yTrain, rows, v.cost, v.eta);
    }).then(function () { return {history: hist, library: library, start: start}; });
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
    prob: ["概率 aₘ", "probability aₘ"],
    grad: ["梯度 aₘ − yₘ", "gradient aₘ − yₘ"],
    trueClass: ["真实类别", "true class"],
    otherClasses: ["其他类别", "other classes"],
    probPlot: ["各类别的概率", "probability of each class"],
    gradPlot: ["各类别的梯度", "gradient for each class"],
    trainSet: ["训练集", "training set"],
    valSet: ["验证集", "validation set"],
    accuracy: ["准确率", "accuracy"],
    valAccuracy: ["验证准确率", "validation accuracy"],
    lossPlot: ["训练集与验证集上的代价", "cost on the training and validation sets"],
    accPlot: ["训练集与验证集上的准确率", "accuracy on the training and validation sets"],
    train: ["训练", "Train"],
    training: ["训练中：第 {e}/{n} 轮", "training: epoch {e} of {n}"],
    libraryStart: ["初始权重和每轮的样本顺序与笔记本相同（种子 {s}）。",
      "The starting weights and each epoch's order of examples are the notebook's (seed {s})."],
    pageStart: ["初始权重和样本顺序由本页随机生成（笔记本只提供了 {h} 个隐藏单元、至多 {n} 轮的起点），结果与笔记本略有不同。",
      "The starting weights and the order of examples are drawn by this page (the notebook's start is shipped for {h} hidden units and up to {n} epochs), so the numbers differ slightly from the notebook's."],
    deepPageStart: ["初始权重和样本顺序由本页随机生成（笔记本只提供了 {d} 个隐藏层、至多 {n} 轮的起点），结果与笔记本略有不同。",
      "The starting weights and the order of examples are drawn by this page (the notebook's start is shipped for {d} hidden layers and up to {n} epochs), so the numbers differ slightly from the notebook's."],
    gradNorm: ["‖∂C/∂Wˡ‖", "‖∂C/∂Wˡ‖"],
    gradPlotDeep: ["每层的梯度范数", "gradient norm per layer"],
    diverged: ["训练发散：代价不再是有限数，请减小学习率。", "Training diverged (the cost is no longer finite): lower the learning rate."]
  };

  /** The words in the edition's language; in the side-by-side edition both, or once where they are the same (a formula). */
  function both(ed, w) {
    return ed === "zh" ? w[0] : ed === "en" || w[0] === w[1] ? w[1] : w[0] + " · " + w[1];
  }

  function say(ed, key) {
    return both(ed, WORDS[key]);
  }

  function fill(str, values) {
    return str.replace(/\{(\w)\}/g, function (_, k) { return values[k]; });
  }

  function sayWith(ed, key, values) {
    return both(ed, WORDS[key].map(function (x) { return fill(x, values); }));
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
  function ticks(lo, hi, count, integer) {
    if (!(hi > lo)) { hi = lo + 1; }
    var raw = (hi - lo) / (count || 5);
    if (integer) raw = Math.max(1, raw);
    var mag = Math.pow(10, Math.floor(Math.log10(raw)));
    var step = (integer && mag < 10 ? [1, 2, 5, 10] : [1, 2, 2.5, 5, 10]).map(function (f) { return f * mag; })
      .find(function (s) { return s >= raw; });
    var out = [];
    for (var v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) {
      out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
    }
    return out;
  }

  /** Powers of ten within [lo, hi], at most about six of them. */
  function decades(lo, hi) {
    var a = Math.ceil(Math.log10(lo) - 1e-9), b = Math.floor(Math.log10(hi) + 1e-9), every = Math.max(1, Math.ceil((b - a + 1) / 6)), out = [];
    for (var e = a; e <= b; e += every) out.push(Math.pow(10, e));
    return out;
  }

  function tickLabel(v) {
    if (v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e5)) {
      var e = Math.round(Math.log10(Math.abs(v)));
      if (Math.abs(Math.abs(v) / Math.pow(10, e) - 1) < 1e-9) {
        return (v < 0 ? "−" : "") + "10" + String(e).replace(/-/, "⁻").replace(/\d/g, function (d) { return "⁰¹²³⁴⁵⁶⁷⁸⁹"[d]; });
      }
    }
    var s = String(Number(v.toPrecision(6)));
    return s.replace(/^-/, "−");
  }

  /** The smallest text a plot draws, in CSS px (a phone reader reads it at this size). */
  var MIN_TEXT = 11;

  /** How wide a text element is drawn (an estimate where the page has not laid it out). */
  function measure(t) {
    var w = 0;
    try { w = t.getComputedTextLength(); } catch (e) { w = 0; }
    if (w > 0) return w;
    var size = parseFloat(t.style.fontSize || getComputedStyle(t).fontSize) || 12, sum = 0;
    for (var i = 0; i < t.textContent.length; i++) sum += /[\u2e80-\u9fff\uff00-\uffef]/.test(t.textContent[i]) ? 1 : 0.6;
    return sum * size;
  }

  /** Text as lines of at most `room` px: whole if it fits, else one line per " · " half
      (the two languages of the side-by-side edition), each half broken at spaces if it must be;
      a line still too wide is drawn smaller (not below MIN_TEXT) and, at the last, squeezed. */
  function textLines(parent, str, room, attrs, lineHeight, place) {
    var probe = text(parent, 0, 0, str, attrs), size = parseFloat(getComputedStyle(probe).fontSize) || 12;
    var fits = function (s) { probe.textContent = s; return measure(probe) <= room; };
    var lines = [];
    if (fits(str)) lines = [str];
    else {
      str.split(" · ").forEach(function (part) {
        var line = "";
        part.split(" ").forEach(function (word) {
          var next = line ? line + " " + word : word;
          if (line && !fits(next)) { lines.push(line); line = word; } else line = next;
        });
        if (line) lines.push(line);
      });
    }
    parent.removeChild(probe);
    return lines.map(function (line, i) {
      var t = text(parent, 0, 0, line, attrs), w = measure(t);
      if (w > room) {
        var smaller = Math.max(MIN_TEXT, Math.floor(size * room / w * 10) / 10);
        t.style.fontSize = smaller + "px";
        if (measure(t) > room) { t.setAttribute("textLength", room); t.setAttribute("lengthAdjust", "spacingAndGlyphs"); }
      }
      place(t, i, lines.length, lineHeight);
      return t;
    });
  }

  /** A plot: its SVG element and its data-to-pixel maps. Title, legend, axis labels and tick
      labels are measured and laid out around the frame, so none is cut off or drawn over
      another or over the data: the title on as many lines as it needs, the legend in a row
      between the title and the frame, the y-axis label clear of the widest tick label. */
  function plot(holder, width, opts) {
    var svg = el("svg", {width: width, role: "img", "aria-label": opts.label, "class": "ce-plot"}, holder);
    var pad = 4, right = 14, frameHeight = Math.round(Math.min(240, Math.max(150, width * 0.55)));
    // the title, centred, one or more lines
    var y = pad;
    textLines(svg, opts.title, width - 2 * pad, {"text-anchor": "middle", "class": "ce-plot-title"}, 17, function (t, i) {
      t.setAttribute("x", width / 2); t.setAttribute("y", pad + 13 + 17 * i); y = pad + 17 * (i + 1);
    });
    // the legend: its keys in rows under the title, outside the data
    var keys = opts.legend || [];
    if (keys.length) {
      var g = el("g", {"class": "ce-legend"}, svg), row = 0, at = pad, rowY = y + 6;
      keys.forEach(function (item) {
        var t = text(g, 0, 0, item[1]), w = 14 + measure(t);
        if (at > pad && at + w > width - pad) { row++; at = pad; }
        var ky = rowY + 16 * row;
        el("rect", {x: at, y: ky + 1, width: 10, height: 10, "class": item[0]}, g);
        t.setAttribute("x", at + 14); t.setAttribute("y", ky + 10);
        at += w + 14;
      });
      y = rowY + 16 * (row + 1);
    }
    var y1 = y + 8, y0 = y1 + frameHeight;
    var ty = opts.logY ? function (v) { return Math.log10(v); } : function (v) { return v; };
    var sy = function (v) { return y0 - (ty(v) - ty(opts.y[0])) / (ty(opts.y[1]) - ty(opts.y[0])) * (y0 - y1); };
    var grid = el("g", {"class": "ce-axes"}, svg);
    // y tick labels first: the widest of them sets the left margin
    var yTicks = opts.logY ? decades(opts.y[0], opts.y[1]) : ticks(opts.y[0], opts.y[1], 5), widest = 0;
    var yLabels = yTicks.map(function (v) {
      var t = text(grid, 0, sy(v) + 4, tickLabel(v), {"text-anchor": "end"});
      widest = Math.max(widest, measure(t));
      return t;
    });
    var yLines = textLines(svg, opts.ylabel, frameHeight, {"text-anchor": "middle", "class": "ce-axis-label"}, 15, function (t, i) {
      var bx = pad + 12 + 15 * i, by = (y0 + y1) / 2;
      t.setAttribute("x", bx); t.setAttribute("y", by);
      t.setAttribute("transform", "rotate(-90 " + bx + " " + by + ")");
    });
    var x0 = Math.round(pad + 15 * yLines.length + 6 + widest + 7), x1 = width - right;
    yTicks.forEach(function (v, i) {
      el("line", {x1: x0 - 4, x2: x0, y1: sy(v), y2: sy(v)}, grid);
      yLabels[i].setAttribute("x", x0 - 7);
    });
    var sx = function (v) { return x0 + (v - opts.x[0]) / (opts.x[1] - opts.x[0]) * (x1 - x0); };
    (opts.xticks || ticks(opts.x[0], opts.x[1], x1 - x0 < 300 ? 4 : 6, opts.integerX)).forEach(function (v) {
      el("line", {x1: sx(v), x2: sx(v), y1: y0, y2: y0 + 4}, grid);
      text(grid, sx(v), y0 + 17, opts.xtickLabel ? opts.xtickLabel(v) : tickLabel(v), {"text-anchor": "middle"});
    });
    el("rect", {x: x0, y: y1, width: x1 - x0, height: y0 - y1, "class": "ce-frame"}, grid);
    var bottom = y0 + 22;
    textLines(svg, opts.xlabel, width - 2 * pad, {"text-anchor": "middle", "class": "ce-axis-label"}, 15, function (t, i) {
      t.setAttribute("x", (x0 + x1) / 2); t.setAttribute("y", y0 + 34 + 15 * i); bottom = y0 + 38 + 15 * i;
    });
    var height = Math.ceil(bottom + pad);
    svg.setAttribute("height", height);
    svg.setAttribute("viewBox", "0 0 " + width + " " + height);
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
      var left = plot(view, width, {x: [0, v.epochs], y: [0, top > 0 ? top * 1.05 : 1], integerX: true,
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
        title: "L = −ln a" + subscript(v.k) + " = " + fixed(st.loss, 4),
        legend: [["ce-bar-true", say(ed, "trueClass")], ["ce-bar", say(ed, "otherClasses")]]}));
      bars(left, st.a);
      var right = plot(view, width, Object.assign({}, opts, {y: [-lim, lim], ylabel: say(ed, "grad"), label: say(ed, "gradPlot"),
        title: "a − y = ∂L/∂(z/T); ∂L/∂z = (a − y)/T", legend: [["ce-mark-key", "∂L/∂z = (a − y)/T"]]}));
      el("line", {x1: right.x0, x2: right.x1, y1: right.sy(0), y2: right.sy(0), "class": "ce-zero"}, right.svg);
      bars(right, st.grad);
      classes.forEach(function (i) {
        var w = band(right, i) * 1.2;
        el("line", {x1: right.sx(i) - w / 2, x2: right.sx(i) + w / 2, y1: right.sy(st.gradZ[i]), y2: right.sy(st.gradZ[i]), "class": "ce-mark"}, right.svg);
      });
      return {settings: v, a: st.a, loss: st.loss, grad: st.grad, gradZ: st.gradZ};
    }
  };

  /** The training explorer draws a finished run (DRAW.training is called with it). */
  DRAW.training = function (view, v, ed, width, run) {
    if (!run) return null;
    var h = run.history, n = h.lossTrain.length - 1, epochs = h.lossTrain.map(function (_, i) { return i; });
    var finite = h.lossTrain.concat(h.lossVal).filter(isFinite);
    var top = Math.max.apply(null, finite.length ? finite : [1]);
    var sets = [["ce-line-key", say(ed, "trainSet")], ["ce-line-test-key", say(ed, "valSet")]];
    var left = plot(view, width, {x: [0, Math.max(1, n)], y: [0, top * 1.05], integerX: true, xlabel: say(ed, "epoch"), ylabel: say(ed, "cost"),
      label: say(ed, "lossPlot"), title: say(ed, "lossPlot"), legend: sets});
    polyline(left, epochs, h.lossTrain, "ce-line");
    polyline(left, epochs, h.lossVal, "ce-line-test");
    var right = plot(view, width, {x: [0, Math.max(1, n)], y: [0, 1], integerX: true, xlabel: say(ed, "epoch"), ylabel: say(ed, "accuracy"),
      label: say(ed, "accPlot"), title: say(ed, "valAccuracy") + " = " + fixed(100 * h.accVal[n], 2) + "%", legend: sets});
    polyline(right, epochs, h.accTrain, "ce-line");
    polyline(right, epochs, h.accVal, "ce-line-test");
    return {settings: v, start: run.library ? "library" : "page",
      lossTrain: h.lossTrain, accTrain: h.accTrain, lossVal: h.lossVal, accVal: h.accVal};
  };

  /** Chapter 5: the gradient norm of every layer per epoch (log scale), and the accuracy. */
  DRAW.deep = function (view, v, ed, width, run) {
    if (!run) return null;
    var h = run.history, n = h.lossTrain.length - 1, epochs = h.lossTrain.map(function (_, i) { return i; });
    var L = h.gradNorms[0].length, all = [].concat.apply([], h.gradNorms).filter(function (g) { return g > 0 && isFinite(g); });
    var lo = Math.min.apply(null, all.length ? all : [1e-3]), hi = Math.max.apply(null, all.length ? all : [1]);
    lo = Math.pow(10, Math.floor(Math.log10(lo))); hi = Math.pow(10, Math.ceil(Math.log10(hi)));
    if (hi <= lo) hi = lo * 10;
    var keys = [], layerClass = function (l) { return "ce-layer-" + Math.round(l * 7 / Math.max(1, L - 1)); };
    for (var l = 0; l < L; l++) keys.push([layerClass(l) + "-key", "W" + subscript(l + 1)]);
    var left = plot(view, width, {x: [0, Math.max(1, n)], y: [lo, hi], logY: true, integerX: true, xlabel: say(ed, "epoch"),
      ylabel: say(ed, "gradNorm"), label: say(ed, "gradPlotDeep"), title: say(ed, "gradPlotDeep"), legend: keys});
    for (l = 0; l < L; l++) {
      polyline(left, epochs, h.gradNorms.map(function (g) { return Math.max(g[l], lo); }), "ce-layer " + layerClass(l));
    }
    var right = plot(view, width, {x: [0, Math.max(1, n)], y: [0, 1], integerX: true, xlabel: say(ed, "epoch"), ylabel: say(ed, "accuracy"),
      label: say(ed, "accPlot"), title: say(ed, "valAccuracy") + " = " + fixed(100 * h.accVal[n], 2) + "%",
      legend: [["ce-line-key", say(ed, "trainSet")], ["ce-line-test-key", say(ed, "valSet")]]});
    polyline(right, epochs, h.accTrain, "ce-line");
    polyline(right, epochs, h.accVal, "ce-line-test");
    return {settings: v, start: run.library ? "library" : "page", lossTrain: h.lossTrain, accTrain: h.accTrain,
      lossVal: h.lossVal, accVal: h.accVal, gradNorms: h.gradNorms};
  };

  function subscript(k) { return String(k).replace(/\d/g, function (d) { return "₀₁₂₃₄₅₆₇₈₉"[d]; }); }


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
        menu.addEventListener("change", function () {
          values[c.name] = c.options[Number(menu.value)][1];
          if (!training) redraw();
        });
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
          if (!training) redraw();
        });
        row.appendChild(input);
        row.appendChild(out);
      }
      form.appendChild(row);
    });
    holder.appendChild(form);
    var training = spec.kind === "training" || spec.kind === "deep", run = null, note = null;
    if (training) {
      var bar = document.createElement("div"), button = document.createElement("button"), status = document.createElement("span");
      bar.className = "ce-train-bar";
      button.type = "button";
      button.className = "ce-train";
      button.textContent = say(spec.edition, "train");
      status.className = "ce-status";
      status.setAttribute("role", "status");
      bar.appendChild(button);
      bar.appendChild(status);
      holder.appendChild(bar);
      note = document.createElement("p");
      note.className = "ce-start-note";
      button.addEventListener("click", function () { train(); });
    }
    holder.appendChild(view);
    if (note) holder.appendChild(note);
    var cell = holder.closest(".cell") || holder.parentNode;
    // the saved figure gives way once the page has drawn its own plots
    function ready() { cell.classList.add("ce-live-ready"); }
    var lastWidth = 0, busy = false;
    function redraw() {
      var width = Math.max(240, Math.floor(view.clientWidth || holder.clientWidth || 600));
      var each = width >= 640 ? Math.floor((width - 16) / 2) : width;
      lastWidth = width;
      if (training && !run) return;
      view.textContent = "";
      var result = draw(view, Object.assign({}, training ? run.settings : values), spec.edition, each, run);
      holder.setAttribute("data-result", JSON.stringify(result));
    }
    function train() {
      if (busy) return;
      busy = true;
      button.disabled = true;
      var settings = Object.assign({}, values), c = spec.constants;
      var status = holder.querySelector(".ce-status");
      status.textContent = sayWith(spec.edition, "training", {e: 0, n: settings.epochs});
      loadData(spec.kind, spec.data).then(function (data) {
        var onEpoch = function (e, n) { status.textContent = sayWith(spec.edition, "training", {e: e, n: n}); };
        var running = spec.kind === "deep" ? trainDeep(data, settings, c, onEpoch)
          : trainNetwork(data, settings, c.seed, c.batch_size, onEpoch);
        return running.then(function (done) {
          run = {settings: settings, history: done.history, library: done.library};
          window.courseExplorers.lastStart = done.start;
          var ok = done.history.lossTrain.every(isFinite);
          status.textContent = ok ? "" : say(spec.edition, "diverged");
          note.textContent = done.library ? sayWith(spec.edition, "libraryStart", {s: c.seed})
            : spec.kind === "deep" ? sayWith(spec.edition, "deepPageStart", {d: data.start.depth, n: data.start.epochs})
            : sayWith(spec.edition, "pageStart", {h: data.start.hidden, n: data.start.epochs});
          ready();
          redraw();
        });
      }).catch(function (err) {
        status.textContent = String(err && err.message || err);
      }).then(function () {
        busy = false;
        button.disabled = false;
      });
    }
    if (training) {
      // the first run trains when the explorer comes into view, so a page that is only read costs nothing
      var seen = false, look = function () { if (!seen) { seen = true; train(); } };
      if (window.IntersectionObserver) {
        var io = new IntersectionObserver(function (entries) {
          if (entries.some(function (e) { return e.isIntersecting; })) { io.disconnect(); look(); }
        }, {rootMargin: "200px"});
        io.observe(cell);
      } else {
        look();
      }
    } else {
      ready();
      redraw();
    }

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
