/* The language switch: 中文 / English / 中英 (both).
 *
 * The book is built three times, into sibling folders zh/, en/ and both/ with the
 * same pages and the same section ids (_ext/bilingual.py, the Makefile).
 * The switch links to the same page of another edition and, on a click, to the
 * section in view, and remembers the choice (localStorage), which the site's root
 * page follows. ?lang=zh|en|both on any address opens that edition. */
(function () {
  "use strict";
  var KEY = "ce-backprop-lang";
  var html = document.documentElement;
  // The table of editions (_ext/editions.json), which the page carries in <html data-editions>.
  var TABLE = JSON.parse(html.dataset.editions || "{}");
  var EDITIONS = Object.keys(TABLE);
  var LABELS = {}, TITLES = {}, LANGS = {};
  EDITIONS.forEach(function (e) { LABELS[e] = TABLE[e].label; TITLES[e] = TABLE[e].title; LANGS[e] = TABLE[e].lang; });
  var edition = EDITIONS.indexOf(html.dataset.edition) >= 0 ? html.dataset.edition : "both";

  function store(choice) {
    try { localStorage.setItem(KEY, choice); } catch (e) { /* storage off: links still work */ }
  }

  // The folder that holds this edition, e.g. https://host/book/en/
  function editionRoot() {
    return new URL(html.dataset.content_root || "./", window.location.href);
  }

  // The same page in another edition, at the given fragment (or none).
  function addressIn(target, hash) {
    var root = editionRoot();
    var here = new URL(window.location.href);
    var page = here.pathname.slice(root.pathname.length) || "index.html";
    var url = new URL("../" + target + "/" + page, root);
    url.search = here.search;
    url.hash = hash || "";
    return url;
  }

  // ?lang= decides: open that edition, and remember it.
  var asked = new URLSearchParams(window.location.search).get("lang");
  if (EDITIONS.indexOf(asked) >= 0) {
    store(asked);
    if (asked !== edition) {
      window.location.replace(addressIn(asked, window.location.hash).toString());
      return;
    }
  }

  // The section the reader is looking at: the last one that starts in the top third of the view.
  function sectionInView() {
    var sections = document.querySelectorAll(".bd-article section[id]");
    var line = Math.max(96, window.innerHeight / 3);
    var current = "";
    if (window.scrollY < 16) return "";  // the top of the page
    for (var i = 0; i < sections.length; i++) {
      if (sections[i].getBoundingClientRect().top <= line) current = sections[i].id;
    }
    if (!current && window.location.hash) current = window.location.hash.slice(1);
    return current ? "#" + current : "";
  }

  function buildSwitch() {
    var nav = document.createElement("nav");
    nav.className = "lang-switch";
    nav.setAttribute("aria-label", { zh: "语言", en: "Language", both: "语言 · Language" }[edition]);
    EDITIONS.forEach(function (target) {
      var a = document.createElement("a");
      a.className = "btn btn-sm lang-switch-button";
      a.dataset.edition = target;
      a.textContent = LABELS[target];
      a.title = TITLES[target];
      a.lang = LANGS[target];
      if (TABLE[target].hreflang) a.hreflang = TABLE[target].hreflang;
      a.href = addressIn(target, window.location.hash).toString();
      if (target === edition) a.setAttribute("aria-current", "page");
      a.addEventListener("click", function (event) {
        store(target);
        if (target === edition) { event.preventDefault(); return; }
        a.href = addressIn(target, sectionInView()).toString();  // the section in view, now
      });
      nav.appendChild(a);
    });
    var host = document.querySelector(".article-header-buttons") ||
               document.querySelector(".header-article-items__end");
    if (host) {
      host.insertBefore(nav, host.firstChild);
    } else {
      nav.classList.add("lang-switch-floating");
      document.body.insertBefore(nav, document.body.firstChild);
    }
  }

  // On a chapter page: open the notebook in JupyterLite (one copy beside the editions), in a new tab.
  function buildLiteLink() {
    var match = window.location.pathname.match(/chapters\/([^\/]+)\.html$/);
    var host = document.querySelector(".lang-switch");
    if (!match || !host) return;
    var a = document.createElement("a");
    a.className = "btn btn-sm lite-launch";
    // The zh and en editions open their own notebook (lite/zh/, lite/en/: one language, the
    // library set to speak it); the side-by-side edition opens the bilingual one.
    var folder = edition === "both" ? "" : edition + "/";
    a.href = new URL("../" + html.dataset.lite + "?path=" + folder + encodeURIComponent(match[1] + ".ipynb"), editionRoot()).toString();
    a.target = "_blank";
    a.rel = "noopener";
    a.innerHTML = '▶ <span class="lite-launch-label">JupyterLite</span><span class="lite-launch-short">' +
      { zh: "运行", en: "Run", both: "运行" }[edition] + "</span>";
    a.title = {
      zh: "在浏览器中运行本章的中文版笔记本（新标签页，无需服务器）",
      en: "Run this chapter's English notebook in the browser (new tab, no server)",
      both: "在浏览器中运行本章的中英双语笔记本 · Run this chapter's bilingual notebook in the browser (new tab, no server)",
    }[edition];
    a.setAttribute("aria-label", a.title);
    host.parentNode.insertBefore(a, host.nextSibling);
    // Binder runs the repository's own notebook, which is bilingual in every edition: say so on its button.
    var binderNote = {
      zh: "（Binder打开的是中英双语笔记本）",
      en: " (Binder opens the bilingual Chinese and English notebook)",
      both: "（中英双语笔记本 · the bilingual notebook）",
    }[edition];
    document.querySelectorAll('a[href*="mybinder.org"], a[href*="/v2/gh/"]').forEach(function (link) {
      if (link.closest(".explorer-live")) return;  // an explorer's note says it in its own words
      var title = link.getAttribute("title") || link.getAttribute("data-bs-original-title") || link.textContent.trim();
      if (title.indexOf(binderNote) < 0) link.setAttribute("title", title + binderNote);
    });
  }

  // Search results: snippets as readable text, with the maths as plain symbols, not raw LaTeX.
  var TEX = {
    alpha: "α", beta: "β", gamma: "γ", delta: "δ", Delta: "Δ", epsilon: "ε", varepsilon: "ε", eta: "η",
    theta: "θ", lambda: "λ", mu: "μ", pi: "π", sigma: "σ", tau: "τ", phi: "φ", partial: "∂", nabla: "∇",
    sum: "Σ", prod: "Π", infty: "∞", approx: "≈", ne: "≠", neq: "≠", le: "≤", leq: "≤", ge: "≥", geq: "≥",
    times: "×", cdot: "·", odot: "⊙", to: "→", rightarrow: "→", leftarrow: "←", in: "∈", top: "ᵀ",
    ldots: "…", dots: "…", cdots: "⋯", lVert: "‖", rVert: "‖", Vert: "‖", lvert: "|", rvert: "|", mid: "|",
    quad: " ", qquad: " ", prime: "′", log: "log", ln: "ln", exp: "exp", max: "max", min: "min",
  };
  function texToText(tex) {
    return tex
      .replace(/\\[()\[\]]|\$\$?/g, " ")
      .replace(/\\begin\{[^}]*\}|\\end\{[^}]*\}/g, " ")
      .replace(/\\[dt]?frac\{((?:[^{}]|\{[^{}]*\})*)\}\{((?:[^{}]|\{[^{}]*\})*)\}/g, "($1)/($2)")
      .replace(/\\(?:mathrm|mathbf|mathit|boldsymbol|operatorname|text|left|right|[bB]ig[lr]?)(?![A-Za-z])/g, "")
      .replace(/\\([A-Za-z]+)/g, function (m, word) { return TEX.hasOwnProperty(word) ? TEX[word] : word; })
      .replace(/\\\\|&/g, " ")
      .replace(/\\[,;:! ]/g, " ")
      .replace(/[{}\\]/g, "")
      .replace(/\s+/g, " ")
      .trim();
  }
  function readableSearchText() {
    if (typeof Search === "undefined" || !Search.htmlToText) return;  // not the search page
    Search.htmlToText = function (htmlString, anchor) {
      var doc = new DOMParser().parseFromString(htmlString, "text/html");
      // Only the article's own text: not the header's buttons ("Binder .ipynb .pdf"), the
      // page's contents list, the fold toggles' labels, equation numbers or copy buttons.
      doc.querySelectorAll(
        ".headerlink, script, style, .bd-header-article, .bd-sidebar-secondary, .prev-next-area, " +
        ".bd-footer-article, .eqno, .copybtn, details.hide > summary, .explorer-links"
      ).forEach(function (el) { el.remove(); });
      // The maths is typeset at build time: a display keeps its TeX in data-tex, and
      // every formula its MathML, whose text is the formula's symbols.
      doc.querySelectorAll(".math").forEach(function (el) {
        var tex = el.getAttribute("data-tex"), mml = el.querySelector("math");
        el.textContent = " " + (tex ? texToText(tex) : mml ? mml.textContent : texToText(el.textContent)) + " ";
      });
      var root = doc.querySelector("article.bd-article") ? "article.bd-article" : '[role="main"]';
      var main = (anchor && doc.querySelector(root + " " + anchor)) || doc.querySelector(root);
      if (!main) return "";
      // the result's title already names the page (or section): the snippet starts after it
      var heading = main.querySelector("h1, h2, h3");
      if (heading) heading.remove();
      return main.textContent.replace(/\s+/g, " ");
    };
  }

  document.addEventListener("DOMContentLoaded", function () {
    buildSwitch();
    buildLiteLink();
    readableSearchText();
  });
})();
