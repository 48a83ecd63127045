/* The book's own script (loaded through html_js_files in _config.yml).
 *
 * Inline math cannot break across lines (MathJax 3 has no line breaking), so on a narrow screen a
 * long formula in the text would run past the right edge of the column.  Once MathJax has typeset
 * the page and its fonts have loaded, and again whenever the window changes size, every inline formula wider than the block
 * it sits in is marked `wide-inline`; book.css turns such a formula into a box of the column's
 * width that scrolls sideways with a visible scroll bar.  Formulas that fit are left untouched.
 */
(function () {
  "use strict";
  function mark() {
    var formulas = document.querySelectorAll('mjx-container:not([display="true"])');
    formulas.forEach(function (m) { m.classList.remove("wide-inline"); });
    formulas.forEach(function (m) {
      var block = m.parentElement;
      while (block && getComputedStyle(block).display.indexOf("inline") === 0) block = block.parentElement;
      if (block && m.getBoundingClientRect().width > block.clientWidth) m.classList.add("wide-inline");
    });
    document.documentElement.dataset.inlineMath = "checked";  // for the browser tests
  }
  function whenTypeset() {
    var startup = window.MathJax && window.MathJax.startup;
    if (!startup || !startup.promise) return;
    // measure once the math fonts are in: until then glyphs have the fallback font's widths
    startup.promise.then(function () { return document.fonts ? document.fonts.ready : null; }).then(mark);
  }
  var pending = null;
  window.addEventListener("load", whenTypeset);
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(mark, 100);
  });
})();
