/* Language switch: 中文 / English / 中英 (both).
 * The mode comes from ?lang=zh|en|both, else from the reader's last choice,
 * else "both". It is set on <html data-lang-mode> before the body renders;
 * bilingual.css hides the other language's blocks. */
(function () {
  "use strict";
  var KEY = "ce-backprop-lang";
  var MODES = ["zh", "en", "both"];
  var LABELS = { zh: "中文", en: "English", both: "中英" };
  var TITLES = { zh: "只显示中文 · Chinese only", en: "Show English only · 只显示英文", both: "中英对照 · Both languages" };

  function stored() {
    try { return localStorage.getItem(KEY); } catch (e) { return null; }
  }
  function store(mode) {
    try { localStorage.setItem(KEY, mode); } catch (e) { /* private mode: the URL still carries it */ }
  }
  function fromUrl() {
    var m = new URLSearchParams(window.location.search).get("lang");
    return MODES.indexOf(m) >= 0 ? m : null;
  }
  function initialMode() {
    var m = fromUrl();
    if (m) { store(m); return m; }
    m = stored();
    return MODES.indexOf(m) >= 0 ? m : "both";
  }

  function apply(mode) {
    document.documentElement.setAttribute("data-lang-mode", mode);
    var buttons = document.querySelectorAll(".lang-switch button");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].setAttribute("aria-pressed", String(buttons[i].dataset.mode === mode));
    }
  }

  function choose(mode) {
    store(mode);
    apply(mode);
    // Keep the address shareable: it now says which language is shown.
    var url = new URL(window.location.href);
    url.searchParams.set("lang", mode);
    window.history.replaceState(null, "", url.toString());
  }

  function buildSwitch() {
    var group = document.createElement("div");
    group.className = "lang-switch";
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "语言 · Language");
    MODES.forEach(function (mode) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "btn btn-sm lang-switch-button";
      b.dataset.mode = mode;
      b.textContent = LABELS[mode];
      b.title = TITLES[mode];
      b.lang = mode === "zh" ? "zh-Hans" : mode === "en" ? "en" : "zh-Hans";
      b.addEventListener("click", function () { choose(mode); });
      group.appendChild(b);
    });
    var host = document.querySelector(".article-header-buttons") ||
               document.querySelector(".header-article-items__end");
    if (host) {
      host.insertBefore(group, host.firstChild);
    } else {
      group.classList.add("lang-switch-floating");
      document.body.insertBefore(group, document.body.firstChild);
    }
  }

  // On a chapter page: a button that opens the notebook in JupyterLite (in the browser, no server).
  function buildLiteLink() {
    var match = window.location.pathname.match(/chapters\/([^\/]+)\.html$/);
    var host = document.querySelector(".lang-switch");
    if (!match || !host) return;
    var root = document.documentElement.dataset.content_root || "../";
    var a = document.createElement("a");
    a.className = "btn btn-sm lite-launch";
    a.href = root + "lite/lab/index.html?path=" + encodeURIComponent(match[1] + ".ipynb");
    a.textContent = "▶ JupyterLite";
    a.title = "在浏览器中运行本章（无需服务器） · Run this chapter in the browser (no server)";
    host.parentNode.insertBefore(a, host.nextSibling);
  }

  apply(initialMode());
  document.addEventListener("DOMContentLoaded", function () {
    buildSwitch();
    buildLiteLink();
    apply(document.documentElement.getAttribute("data-lang-mode") || "both");
  });
})();
