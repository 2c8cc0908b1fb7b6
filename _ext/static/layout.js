/* Page layout (see _ext/layout.py).
 * - A link to a label inside a folded source aside opens the aside, so the
 *   reader lands on what the link points to.
 * - MathJax breaks long display equations at the column's width when it
 *   typesets them; when the column's width changes (a phone turned sideways, a
 *   window resized), it lays them out again for the new width. */
(function () {
  "use strict";
  function openTarget() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    for (var node = target; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") node.open = true;
    }
    if (target && target.tagName === "DETAILS") target.scrollIntoView();
  }
  window.addEventListener("hashchange", openTarget);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", openTarget);
  else openTarget();

  // A wide figure (two panels side by side) sits in a box of its own, which on a
  // phone shows it at a readable size and scrolls sideways (layout.css).
  function markWideFigures() {
    var images = document.querySelectorAll(".bd-article .cell_output img");
    Array.prototype.forEach.call(images, function (img) {
      function mark() {
        if (img.naturalWidth < 2.2 * img.naturalHeight || img.classList.contains("wide-figure")) return;
        var box = document.createElement("div");
        box.className = "figure-scroll";
        img.parentNode.insertBefore(box, img);
        box.appendChild(img);
        img.classList.add("wide-figure");
      }
      if (img.complete && img.naturalWidth) mark(); else img.addEventListener("load", mark);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", markWideFigures);
  else markWideFigures();

  var width = window.innerWidth, timer = null;
  window.addEventListener("resize", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var mj = window.MathJax;
      if (Math.abs(window.innerWidth - width) < 40 || !mj || !mj.startup || !mj.rerenderPromise) return;
      width = window.innerWidth;
      mj.startup.promise.then(function () { return mj.rerenderPromise(); });
    }, 250);
  });
})();
