/* Page layout (see _ext/layout.py and _ext/mathssr.py).
 * - A link to a label inside a folded source aside opens the aside, so the
 *   reader lands on what the link points to.
 * - Boxes that scroll sideways (a display equation wider than a phone, a code
 *   cell, a wide table) say so: each sits in a .scroll-frame, which gets
 *   data-overflow="left", "right" or "left right" while there is more to see on
 *   that side (layout.css fades that side and puts an arrow on it). The maths is
 *   typeset when the book is built, so nothing here waits for MathJax.
 * - Code outputs are split into their lines, so that a long line of printed text
 *   wraps with a hanging indent instead of hiding its end off-screen; a printed
 *   table keeps its rows whole. Code keeps its lines as written: a code cell or a
 *   listing wider than the column scrolls, with the cue, as a printed table does. */
(function () {
  "use strict";
  var edition = document.documentElement.dataset.edition || "both";

  function openTarget() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    for (var node = target; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") node.open = true;
    }
    if (target && target.tagName === "DETAILS") target.scrollIntoView();
  }
  window.addEventListener("hashchange", openTarget);

  // --- Code outputs: one element per line. An output line wraps under a hanging indent,
  // each run of wide (CJK) characters in a span.w2, which layout.css makes exactly two
  // columns wide. Text a single-language edition hides (codefold.py) stays whole inside
  // its line. ---
  var HIDDEN_TEXT = '<span class="lang-fold-text" hidden(?:="")?>[^<]*</span>';
  var TOKEN = new RegExp("(" + HIDDEN_TEXT + ")|(<[^>]+>)|([^<]+)", "g");
  var WIDE = /[\u1100-\u115F\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA000-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]+/g;
  var NUMBER = /\d(?:\.\d+)?e[-+]\d+/g;  // 1.1e-03 stays whole when a line wraps
  // a short "key = value" (g = -3.059e-07) stays whole too: a line wraps at ", " between
  // such pairs, not between a key and its value
  var PAIR = /[^\s,;:<>"=，；：、]{1,12} = [^\s,;<>"=，；、]{1,16}(?=[\s,;，；、]|$)/g;
  function wide(text) {
    return text.replace(PAIR, function (p) { return '<span class="nobr">' + p + "</span>"; })
               .replace(WIDE, function (run) { return '<span class="w2">' + run + "</span>"; })
               .replace(NUMBER, function (n) { return '<span class="nobr">' + n + "</span>"; });
  }
  function closeTags(open) {
    return open.slice().reverse().map(function (t) {
      return "</" + (/^<([A-Za-z0-9]+)/.exec(t) || [0, "span"])[1] + ">";
    }).join("");
  }
  // Inline code too long for the rest of a phone's line breaks after a "(" or a ","
  // (and at its spaces); a qualified name (cb.exercises.check_…) stays whole, so no line
  // ends in a bare "cb." or "torch."; a name breaks inside itself only if it is wider than
  // the whole line.
  function breakInlineCode() {
    Array.prototype.forEach.call(document.querySelectorAll(".bd-article code.literal span.pre"), function (span) {
      if (span.children.length || span.textContent.length < 16 || !/[(,]./.test(span.textContent)) return;
      var parts = span.textContent.split(/(?<=[(,])(?=\S)/);
      span.textContent = "";
      parts.forEach(function (part, i) {
        if (i > 0) span.appendChild(document.createElement("wbr"));
        span.appendChild(document.createTextNode(part));
      });
    });
  }
  function splitLines(pre) {
    if (pre.classList.contains("lines")) return;
    var source = pre.innerHTML.replace(/\n$/, "");
    var open = [], line = "", lines = [], m;
    TOKEN.lastIndex = 0;
    while ((m = TOKEN.exec(source)) !== null) {
      if (m[1]) { line += m[1]; continue; }
      if (m[2]) {
        line += m[2];
        if (/^<\//.test(m[2])) open.pop();
        else if (!/\/>$/.test(m[2]) && !/^<(br|img|wbr)\b/i.test(m[2])) open.push(m[2]);
        continue;
      }
      var parts = m[3].split("\n");
      for (var i = 0; i < parts.length; i++) {
        if (i > 0) {
          lines.push(line + closeTags(open));
          line = open.join("");
        }
        line += wide(parts[i]);
      }
    }
    lines.push(line);
    var table = pre.classList.contains("columns");
    pre.innerHTML = lines.map(function (l) {
      // in a printed table, a row keeps its columns; a line of text around it wraps, its
      // continuation 3 columns in from where its own text starts (after its leading spaces)
      var text = l.replace(/<[^>]+>/g, "");
      var row = table && isRow(text);
      var lead = /^ */.exec(text)[0].length;
      var indent = lead ? ' style="--lead: ' + lead + 'ch"' : "";
      return '<span class="line' + (row ? " tabular" : "") + '"' + indent + ">" + l + "</span>";
    }).join("");
    pre.classList.add("lines");
  }

  // A printed table (rows of columns lined up with runs of spaces, on two lines or more)
  // keeps its lines: on a phone it scrolls sideways with the cue instead of wrapping its
  // rows, which would lose the columns (layout.css, pre.columns).
  var COLUMN_GAP = /\S {2,}\S/;
  function isRow(line) { return COLUMN_GAP.test(line.trim()); }
  function isTable(pre) {
    return pre.textContent.split("\n").filter(isRow).length >= 2;
  }

  // --- Scroll cues ---
  var LABEL = { zh: "可左右滚动", en: "scrolls sideways", both: "可左右滚动 · scrolls sideways" }[edition];
  var PHONE = window.matchMedia("(max-width: 575.98px)");
  var observer = "ResizeObserver" in window ? new ResizeObserver(function (entries) {
    entries.forEach(function (e) { update(e.target); });
  }) : null;

  function update(box) {
    var frame = box.parentElement;
    if (!frame || !frame.classList.contains("scroll-frame")) return;
    // A section far from the screen is not laid out yet (content-visibility in layout.css):
    // measuring its boxes would lay it out. Its ResizeObserver entry comes when it is.
    if (observer && box.checkVisibility && !box.checkVisibility({ contentVisibilityAuto: true })) return;
    var hidden = box.scrollWidth - box.clientWidth;
    // On a phone a numbered display too wide for the room beside its number puts the
    // number under it, so the formula gets the column's whole width (layout.css).
    var display = hidden > 1 && PHONE.matches && box.closest("div.math-display.math-numbered:not(.number-below)");
    if (display) {
      display.classList.add("number-below");
      return;  // the box grows; the observer measures it again
    }
    // A number put under its formula (measured before the fonts, or on a narrower screen)
    // goes back beside it once the formula and the number fit side by side again.
    var below = box.closest("div.math-display.number-below");
    if (below) {
      var number = below.querySelector(":scope > .eqno");
      var formula = box.querySelector("mjx-math");
      var width = formula ? formula.getBoundingClientRect().width : box.scrollWidth;
      var room = below.clientWidth - (number ? number.getBoundingClientRect().width : 0) - 24;
      if (!PHONE.matches || width <= room) {
        below.classList.remove("number-below");
        return;  // the box shrinks; the observer measures it again
      }
    }
    if (hidden <= 1) {
      if (frame.hasAttribute("data-overflow")) frame.removeAttribute("data-overflow");
      if (box.getAttribute("tabindex") === "0") box.removeAttribute("tabindex");
      return;
    }
    var sides = [];
    if (box.scrollLeft > 1) sides.push("left");
    if (box.scrollLeft < hidden - 1) sides.push("right");
    var value = sides.join(" ");
    if (frame.getAttribute("data-overflow") !== value) frame.setAttribute("data-overflow", value);
    if (!box.hasAttribute("tabindex")) {
      box.setAttribute("tabindex", "0");  // the keyboard can scroll it too
      if (!box.hasAttribute("aria-label")) box.setAttribute("aria-label", LABEL);
    }
  }

  function watch(box) {
    if (!box.classList.contains("scroll-box")) {
      var frame = document.createElement("div");
      frame.className = "scroll-frame";
      box.parentNode.insertBefore(frame, box);
      frame.appendChild(box);
      box.classList.add("scroll-box");
    }
    box.addEventListener("scroll", function () { update(box); }, { passive: true });
    if (observer) observer.observe(box);
    update(box);
  }

  var SCROLLERS = [
    ".bd-article .scroll-box",
    ".bd-article .cell_input pre",
    ".bd-article .cell_output pre",
    ".bd-article .pst-scrollable-table-container",
  ].join(", ");

  // --- The sidebar buttons in the article's header (☰ and "on this page") ---
  // pydata-sphinx-theme and sphinx-book-theme bind their handlers to the first
  // .primary-toggle / .secondary-toggle of the page, which is a hidden copy in the
  // navbar; the visible buttons did nothing. Each visible one passes its click on.
  function forwardToggles() {
    [".primary-toggle", ".secondary-toggle"].forEach(function (selector) {
      var all = document.querySelectorAll(selector);
      for (var i = 1; i < all.length; i++) {
        all[i].addEventListener("click", function (event) {
          event.preventDefault();
          event.stopImmediatePropagation();
          this.blur();
          var tip = window.bootstrap && window.bootstrap.Tooltip && window.bootstrap.Tooltip.getInstance(this);
          if (tip) tip.hide();
          all[0].click();
        });
      }
    });
  }

  // --- Tables that a phone shows as cards (layout.css): each cell starts with a copy of
  // its column's header, maths and all (so a header such as v̄₁ reads as in the header
  // row), shown only when the rows become cards. ---
  function labelCards() {
    Array.prototype.forEach.call(document.querySelectorAll(".bd-article table.table-cards"), function (table) {
      var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        return th.textContent.trim() ? th.innerHTML : "";
      });
      Array.prototype.forEach.call(table.querySelectorAll("tbody tr"), function (tr) {
        Array.prototype.forEach.call(tr.children, function (td, i) {
          if (!td.textContent.trim() && !td.querySelector("img, svg, mjx-container")) {
            td.classList.add("card-empty");  // a card leaves out a field with nothing in it
            return;
          }
          if (!heads[i]) return;
          var label = document.createElement("span");
          label.className = "card-label";
          label.setAttribute("aria-hidden", "true");  // the header row already names the column
          label.innerHTML = heads[i];
          td.insertBefore(label, td.firstChild);
        });
      });
    });
  }

  // --- A table of three columns or more (layout.py, mark_card_tables) stays a table on a
  // phone if it fits the column; only one that does not becomes cards (.as-cards). ---
  function fitTables() {
    Array.prototype.forEach.call(document.querySelectorAll(".bd-article table.table-cards:not(.cards-always)"), function (table) {
      table.classList.remove("as-cards");
      if (!PHONE.matches) return;
      var box = table.closest(".pst-scrollable-table-container") || table.parentElement;
      if (table.offsetWidth > box.clientWidth + 1) table.classList.add("as-cards");
    });
  }

  // Labels for assistive technology that the theme and sphinx-togglebutton write in
  // English whatever the language: the buttons of folded content, the sidebar's
  // navigation (sbt-sidebar-nav.html) and the print-only contents (layout.html).
  var ENGLISH_LABELS = {
    'button[aria-label="Toggle hidden content"]': { zh: "显示或隐藏内容", both: "显示或隐藏内容 · Toggle hidden content" },
    // the same words as the theme's catalog (_ext/locale/zh_CN.po)
    'nav[aria-label="Main"]': { zh: "主导航", both: "主导航 · Main" },
    'nav[aria-label="Page"]': { zh: "本页", both: "本页 · Page" },
  };
  function translateLabels() {
    Object.keys(ENGLISH_LABELS).forEach(function (selector) {
      var label = ENGLISH_LABELS[selector][edition];
      if (!label) return;
      Array.prototype.forEach.call(document.querySelectorAll(selector), function (e) { e.setAttribute("aria-label", label); });
    });
  }

  // A "…" marker in code (codefold.py) shows what it folds when tapped, clicked or pressed
  // (Enter or Space), and folds it again the same way: phones have no hover for its title.
  function unfoldOnTap(event) {
    var marker = event.target.closest && event.target.closest(".lang-fold");
    if (!marker || (event.type === "keydown" && event.key !== "Enter" && event.key !== " ")) return;
    var text = marker.nextElementSibling;
    if (!text || !text.classList.contains("lang-fold-text")) return;
    event.preventDefault();
    text.hidden = !text.hidden;
    marker.setAttribute("aria-expanded", String(!text.hidden));
  }
  function start() {
    forwardToggles();
    document.addEventListener("click", unfoldOnTap);
    document.addEventListener("keydown", unfoldOnTap);
    // sphinx-togglebutton adds its buttons at DOMContentLoaded, after this deferred script runs
    if (document.readyState === "complete") translateLabels();
    else document.addEventListener("DOMContentLoaded", translateLabels);
    labelCards();
    fitTables();
    if (PHONE.addEventListener) PHONE.addEventListener("change", fitTables);
    // what a fold holds is measured when it opens: its tables, and its boxes' scroll cues
    document.addEventListener("toggle", function (event) {
      if (!event.target.open) return;
      fitTables();
      Array.prototype.forEach.call(event.target.querySelectorAll(".scroll-box"), update);
    }, true);
    breakInlineCode();
    openTarget();
    // printed text, not code listings (cb.show_source), which keep their lines as they are
    Array.prototype.forEach.call(document.querySelectorAll(".bd-article .cell_output pre"), function (pre) {
      if (pre.closest('div[class*="highlight-python"], div[class*="highlight-ipython"]')) return;
      if (isTable(pre)) pre.classList.add("columns");
      splitLines(pre);
    });
    Array.prototype.forEach.call(document.querySelectorAll(SCROLLERS), watch);
    if (!observer) window.addEventListener("resize", function () {
      Array.prototype.forEach.call(document.querySelectorAll(".bd-article .scroll-box"), update);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
