"""The built website, opened in a real browser, with no network.

Every page of ``_toc.yml`` is served from ``127.0.0.1`` and opened in the system
Chromium driven by Playwright for Python; any request to another host is
blocked and recorded, so the site is checked exactly as an offline reader sees
it.  For every page: MathJax has typeset the math (no raw ``\\(`` or ``$$`` left
in the visible text), every image has loaded with a non-zero size, the browser
console shows no error, every internal link resolves (page and anchor), and the
scrubbable animations respond to their buttons.  A full-page screenshot of each
page is saved to ``test-artifacts/`` for a human to look at.

Without Playwright or Chromium these tests skip with the reason.  ``.ci/run``
installs Chromium and sets ``BOOK_BROWSER_TESTS=required``, which turns such a
skip into a failure, so CI cannot pass by skipping them.  ``BOOK_CHROMIUM``
points at another Chromium binary (default ``/usr/bin/chromium``); ``BOOK_TOC``
at another table of contents (as for the ``built_site`` fixture).
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from conftest import offline_tab

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.book


def toc_pages() -> list[str]:
    toc = yaml.safe_load(Path(os.environ.get("BOOK_TOC", ROOT / "_toc.yml")).read_text())
    pages = [toc["root"]]
    for part in toc.get("parts", []):
        pages += [entry["file"] for entry in part["chapters"]]
    return pages


# Visible text of the page without code blocks (code may legitimately contain TeX in strings).
_VISIBLE_TEXT = """() => {
  const main = document.querySelector('main') || document.body;
  const copy = main.cloneNode(true);
  copy.querySelectorAll('pre, code, script, style, mjx-container, .MathJax').forEach(e => e.remove());
  return copy.innerText;
}"""

# Make lazy images load now and wait for every image to finish (load or error).
_LOAD_IMAGES = """async () => {
  const imgs = Array.from(document.images);
  imgs.forEach(i => { i.loading = 'eager'; });
  await Promise.all(imgs.map(i => i.complete ? null :
      new Promise(r => { i.addEventListener('load', r); i.addEventListener('error', r); })));
  return imgs.map(i => ({src: (i.currentSrc || i.src || '').slice(0, 120), w: i.naturalWidth, h: i.naturalHeight,
                         alt: i.alt, complete: i.complete}));
}"""

_WAIT_MATHJAX = """async () => {
  if (!window.MathJax || !MathJax.startup || !MathJax.startup.promise) return -1;
  await MathJax.startup.promise;
  return document.querySelectorAll('mjx-container').length;
}"""


def _internal_target(built_site: Path, page: str, href: str) -> tuple[Path, str] | None:
    """The file and anchor an internal ``href`` of ``page`` points to (None for external links)."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or href.startswith(("mailto:", "javascript:")):
        return None
    here = (built_site / page).parent
    path = unquote(parts.path)
    target = (here / path).resolve() if path else (built_site / f"{page}.html").resolve()
    if target.is_dir():
        target = target / "index.html"
    return target, unquote(parts.fragment)


@pytest.mark.parametrize("page", toc_pages())
def test_page_in_browser(browser, site_url, built_site, artifacts, page):
    from playwright.sync_api import expect

    ctx, tab, external, errors = offline_tab(browser)  # the site must work offline
    try:
        response = tab.goto(f"{site_url}/{page}.html", wait_until="load")
        assert response is not None and response.ok, f"{page}: HTTP {response and response.status}"

        # Math: MathJax ran, typeset every formula, and left no raw TeX delimiters.
        n_math = tab.evaluate(_WAIT_MATHJAX)
        html = (built_site / f"{page}.html").read_text()
        if re.search(r'class="math|\\\(|\$\$', html):  # Sphinx loads MathJax only on pages with math
            assert n_math != -1, f"{page}: the page has math but MathJax is not loaded"
            assert n_math > 0, f"{page}: the page has math but MathJax typeset none of it"
        text = tab.evaluate(_VISIBLE_TEXT)
        for raw in ("\\(", "\\[", "$$"):
            where = text.find(raw)
            assert where < 0, f"{page}: raw TeX {raw!r} left in the visible text: ...{text[max(0, where - 80):where + 80]}..."

        # Images: every <img> has loaded with a non-zero natural size.
        images = tab.evaluate(_LOAD_IMAGES)
        broken = [im for im in images if not (im["complete"] and im["w"] > 0 and im["h"] > 0)]
        assert not broken, f"{page}: images not loaded: {broken}"

        # Animations: clicking "Next frame" moves the slider and changes the frame.
        for slider in tab.locator("input.anim-slider").all():
            player = slider.locator("xpath=ancestor::div[contains(@class, 'animation')][1]")
            frame = player.locator("img").first
            before_value, before_src = slider.input_value(), frame.get_attribute("src")
            player.get_by_role("button", name="Next frame").click()
            # Auto-waiting assertions (no fixed sleep): they retry until the page has updated, however busy the machine.
            expect(slider, f"{page}: the slider did not advance").to_have_value(str(int(before_value) + 1))
            expect(frame, f"{page}: the frame did not change").not_to_have_attribute("src", before_src or "")
            player.get_by_role("button", name="Last frame").click()
            expect(slider, f"{page}: 'Last frame' did not work").to_have_value(slider.get_attribute("max") or "")
            player.get_by_role("button", name="First frame").click()  # leave frame 0 for the screenshot
            expect(slider).to_have_value(slider.get_attribute("min") or "0")

        # Internal links: every relative href points to a built file and, if it has one, an existing anchor.
        hrefs = tab.eval_on_selector_all("a[href]", "as => as.map(a => a.getAttribute('href'))")
        dead = []
        for href in hrefs:
            target = _internal_target(built_site, page, href)
            if target is None:
                continue
            path, anchor = target
            if not path.is_file():
                dead.append(href)
            elif anchor and path.suffix == ".html" and not re.search(
                rf'id="{re.escape(anchor)}"', path.read_text(errors="replace")
            ):
                dead.append(href)
        assert not dead, f"{page}: internal links that do not resolve: {sorted(set(dead))}"

        tab.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
        tab.screenshot(path=str(artifacts / f"{page.replace('/', '__')}.png"), full_page=True)
        assert not external, f"{page}: requests to other hosts (the site must work offline): {external}"
        assert not errors, f"{page}: JavaScript errors: {errors}"
    finally:
        ctx.close()


# --- Nothing cut off, every figure readable (issue 16 §1) -------------------------------------------

# For every display equation, table, figure image, code block and cell output in the article column:
# if its content is wider than the box it is shown in, that box must scroll sideways with a visible
# scroll bar, and no box may stick out of the column (where the page would cut it off or overflow).
_OVERFLOWS = """(mathMustFit) => {
  const col = document.querySelector('article.bd-article') || document.querySelector('main');
  const cs = getComputedStyle(col);
  const colLeft = col.getBoundingClientRect().left + parseFloat(cs.paddingLeft);
  const colRight = col.getBoundingClientRect().right - parseFloat(cs.paddingRight);
  const scrolls = el => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
  const clips = el => getComputedStyle(el).overflowX !== 'visible';
  const scrollbar = el => {
    const s = getComputedStyle(el);
    return el.offsetHeight - el.clientHeight - parseFloat(s.borderTopWidth) - parseFloat(s.borderBottomWidth);
  };
  const describe = el => {
    const text = (el.getAttribute('aria-label') || el.textContent || el.getAttribute('alt') || '').trim();
    return el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ? '.' +
           el.className.split(' ')[0] : '') + ' "' + text.replace(/\\s+/g, ' ').slice(0, 70) + '"';
  };
  const selectors = ['mjx-container[display="true"]', 'div.math', 'table', 'figure', 'img',
                     'div.cell_output', 'div.cell_output pre', 'div.highlight pre',
                     'mjx-container:not([display="true"])'];   // inline math cannot wrap: it must fit too
  const problems = [];
  const seen = new Set();
  for (const el of col.querySelectorAll(selectors.join(','))) {
    if (seen.has(el) || !el.offsetParent) continue;        // hidden (e.g. a closed dropdown): not shown
    seen.add(el);
    const r = el.getBoundingClientRect();
    if (r.width === 0) continue;
    // 0. On a desktop window a display equation fits its column outright (STYLE.md: break long displays).
    if (mathMustFit && el.matches('mjx-container[display="true"]') && el.scrollWidth > el.clientWidth + 1)
      problems.push('display equation wider than the column (' + el.scrollWidth + ' px of ' + el.clientWidth +
                    '): ' + describe(el));
    // 1. Content wider than the element itself: it must scroll visibly, not be clipped.
    if (el.scrollWidth > el.clientWidth + 1 && clips(el)) {
      if (!scrolls(el)) problems.push('clipped (overflow hidden): ' + describe(el));
      else if (scrollbar(el) < 1) problems.push('scrolls without a visible scroll bar: ' + describe(el));
    }
    // 2. The element's extent (its box, or its spilled content) must fit the nearest box that scrolls,
    //    or the column.
    // inline math: its visible box (its scrollWidth also counts MathJax's hidden assistive MathML),
    // and its span.math wrapper is no box
    const inline = el.matches('mjx-container:not([display="true"])');
    const right = clips(el) || inline ? r.right : Math.max(r.right, r.left + el.scrollWidth);
    let box = el.parentElement;
    while (box && box !== col && !(inline ? scrolls(box) : clips(box))) box = box.parentElement;
    if (box && box !== col && col.contains(box)) {
      const b = box.getBoundingClientRect();
      if (right > b.right + 1) {
        if (!scrolls(box)) problems.push('cut off by ' + describe(box) + ': ' + describe(el));
        else if (scrollbar(box) < 1) problems.push('scrolls without a visible scroll bar: ' + describe(box));
      }
    } else if (right > colRight + 1 || r.left < colLeft - 1) {
      problems.push('wider than the column (' + Math.round(right - colLeft) + ' px of ' +
                    Math.round(colRight - colLeft) + '): ' + describe(el));
    }
  }
  if (document.documentElement.scrollWidth > window.innerWidth + 1) {
    const widest = Array.from(document.querySelectorAll('body *'))
      .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
      .filter(e => { for (let a = e.parentElement; a && a !== document.body; a = a.parentElement)
                       if (clips(a)) return false;
                     return true; })
      .filter(e => !Array.from(e.children).some(c => c.getBoundingClientRect().right > window.innerWidth + 1))
      .slice(0, 3).map(describe).join('; ');
    problems.push('the page itself scrolls sideways (' + document.documentElement.scrollWidth + ' px): ' + widest);
  }
  return {problems: [...new Set(problems)], column: colRight - colLeft};
}"""

# Rendered pixel scale of every figure image of a cell output: rendered width / natural width.
_FIGURE_SCALES = """() => Array.from(document.querySelectorAll('article div.cell_output img, article figure img'))
  .filter(i => i.offsetParent && i.naturalWidth > 0 && /\\.png($|\\?)/.test(i.currentSrc || i.src))
  .map(i => ({src: (i.currentSrc || i.src).split('/').pop().slice(0, 16), alt: (i.alt || '').trim(),
              scale: i.getBoundingClientRect().width / i.naturalWidth}))"""

MIN_TEXT_PX = 8.0


def _open_page(browser, site_url, page, width):
    """A tab on ``page`` at viewport ``width``, with MathJax done and every image loaded."""
    ctx, tab, _, _ = offline_tab(browser, width=width)
    tab.goto(f"{site_url}/{page}.html", wait_until="load")
    tab.evaluate(_WAIT_MATHJAX)
    # book.js marks inline formulas wider than their line once MathJax is done
    tab.wait_for_function("() => !window.MathJax || document.documentElement.dataset.inlineMath === 'checked'")
    tab.evaluate(_LOAD_IMAGES)
    return ctx, tab


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("page", toc_pages())
def test_nothing_cut_off(browser, site_url, artifacts, page, width):
    """Issue 16 §1: no equation, table, figure or output is wider than its column without a scroll bar.

    At 1280 px display equations must fit the column outright (long ones are broken over lines); at
    390 px they, like tables and outputs, may scroll sideways with a visible scroll bar.
    """
    ctx, tab = _open_page(browser, site_url, page, width)
    try:
        result = tab.evaluate(_OVERFLOWS, width >= 1000)
        if result["problems"]:
            tab.screenshot(path=str(artifacts / f"overflow-{width}-{page.replace('/', '__')}.png"), full_page=True)
        assert not result["problems"], (
            f"{page} at {width} px (column {result['column']:.0f} px):\n" + "\n".join(result["problems"])
        )
    finally:
        ctx.close()


@pytest.mark.parametrize("page", toc_pages())
def test_figure_text_at_least_8px(browser, site_url, page):
    """Issue 16 §1: figure text is at least 8 px once the figure is scaled into the column at 1280 px.

    A figure's text is ``size_pt * dpi / 72`` pixels in the PNG (matplotlib's inline backend saves at
    ``figure.dpi``), times the scale at which the page shows the PNG.  The smallest font of each
    figure is read from the code of the cell that draws it (matched by its alt text; the chapter's
    smallest font when no cell matches); the scale is measured.
    At 390 px a phone reader zooms figures, so the rule is checked at the desktop width.
    """
    from figure_text import book_dpi, figure_alt_fonts, smallest_font_pt

    chapter = ROOT / f"{page}.md"
    if not chapter.is_file():
        pytest.skip(f"{page} is not a markdown chapter")
    source = chapter.read_text(encoding="utf-8")
    by_alt, chapter_pt = figure_alt_fonts(source), smallest_font_pt(source)
    ctx, tab = _open_page(browser, site_url, page, 1280)
    try:
        small = []
        for f in tab.evaluate(_FIGURE_SCALES):
            size_pt = by_alt.get(" ".join(f["alt"].split()), chapter_pt)
            px = size_pt * book_dpi() / 72 * f["scale"]
            if px < MIN_TEXT_PX:
                small.append(f"{f['src']} ({f['alt'][:60]}...): {size_pt:g} pt at scale {f['scale']:.2f} -> {px:.1f} px")
        assert not small, f"{page}: figure text below {MIN_TEXT_PX:g} px:\n" + "\n".join(small)
    finally:
        ctx.close()
