"""How large a chapter's figure text is once the figure is scaled into the page column.

A matplotlib figure ``w`` inches wide is saved by the inline backend at
``figure.dpi`` (the book style sets it), so its PNG is about ``w * dpi`` pixels
wide and text of ``s`` points is ``s * dpi / 72`` pixels tall in it.  The page
shows the PNG at ``min(1, column / (w * dpi))`` of that size.  Issue 16 asks for
at least 8 px of text once scaled; :mod:`tests.test_figure_text` checks every
figure of every chapter from its code, and ``tests/test_browser.py`` measures the
real scale in the built page.
"""

from __future__ import annotations

import re

# Relative font sizes of matplotlib, as multiples of font.size.
NAMED_SIZES = {"xx-small": 0.579, "x-small": 0.694, "small": 0.833, "medium": 1.0,
               "large": 1.2, "x-large": 1.44, "xx-large": 1.728, "smaller": 0.833, "larger": 1.2}
_SIZE = re.compile(r"""(?:fontsize|labelsize|titlesize|\bsize)\s*[=:]\s*(?:"|')?([\d.]+|[a-z-]+)""")
_FIGSIZE = re.compile(r"figsize\s*=\s*\(\s*([\d.]+)\s*,\s*([\d.]+)\s*\)")
_CODE_CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(.*?)^```", re.S | re.M)


def book_style() -> dict:
    """The matplotlib parameters of the book style (``collapse_utils.plotting.use_book_style``)."""
    import matplotlib as mpl

    from collapse_utils.plotting import use_book_style

    with mpl.rc_context():
        use_book_style()
        return {k: mpl.rcParams[k] for k in ("figure.dpi", "font.size", "figure.figsize")}


def book_dpi() -> float:
    return float(book_style()["figure.dpi"])


def _points(value: str, base: float) -> float | None:
    if value in NAMED_SIZES:
        return NAMED_SIZES[value] * base
    try:
        return float(value)
    except ValueError:
        return None


def smallest_font_pt(code: str, base: float | None = None) -> float:
    """The smallest font size (points) that ``code`` sets explicitly, or the book's ``font.size``."""
    base = float(book_style()["font.size"]) if base is None else base
    sizes = [p for v in _SIZE.findall(code) if (p := _points(v, base)) is not None and p > 0]
    return min([base, *sizes])


_ALT = re.compile(r"""^\s+alt:\s*(?:"((?:[^"\\]|\\.)*)"|(.+))$""", re.M)


def figure_alt_fonts(markdown: str) -> dict[str, float]:
    """Smallest font size (points) of each figure cell, keyed by the alt text of its image.

    The cell's options are read as YAML, so quoted, unquoted and wrapped alt texts all count.
    """
    import yaml

    out = {}
    for match in re.finditer(r"^```\{code-cell\}[^\n]*\n---\n(.*?)^---\n(.*?)^```", markdown, re.S | re.M):
        try:
            options = yaml.safe_load(match.group(1)) or {}
        except yaml.YAMLError:
            continue
        alt = ((options.get("mystnb") or {}).get("image") or {}).get("alt") if isinstance(options, dict) else None
        if alt:
            out[" ".join(str(alt).split())] = smallest_font_pt(match.group(2))
    return out


def figure_cells(markdown: str) -> list[tuple[int, float, float]]:
    """``(line, width_in, smallest_pt)`` of every code cell of a chapter that makes a figure."""
    style = book_style()
    out = []
    for match in _CODE_CELL.finditer(markdown):
        code = match.group(1)
        if not re.search(r"plt\.(subplots|figure)\(", code):
            continue
        widths = [float(w) for w, _ in _FIGSIZE.findall(code)] or [float(style["figure.figsize"][0])]
        line = markdown.count("\n", 0, match.start()) + 1
        out.append((line, max(widths), smallest_font_pt(code, float(style["font.size"]))))
    return out


def rendered_text_px(width_in: float, size_pt: float, column_px: float, dpi: float) -> float:
    """Height in CSS pixels of ``size_pt`` text of a ``width_in``-inch figure shown in a ``column_px`` column."""
    natural = width_in * dpi
    return size_pt * dpi / 72 * min(1.0, column_px / natural)
