"""Every figure's text is at least 8 px once the figure is scaled into the page column (issue 16 §1).

Checked from each chapter's code (figure width, smallest font size set in the
cell, the book style's dpi and font size) against the column width of the
site at a 1280 px window, which ``tests/test_browser.py`` measures in the built
page; the browser test measures the real scale of every image too.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from figure_text import book_dpi, figure_cells, rendered_text_px, smallest_font_pt

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("*.md"))
COLUMN_PX = 676  # article column at a 1280 px window with a scroll bar (measured by test_browser)
MIN_TEXT_PX = 8.0
MAX_PANELS_ACROSS = 3


def test_rule_can_fail() -> None:
    """An 11-inch figure with 8 pt text is shown at 688/1100 of its size: 7 px, too small."""
    assert rendered_text_px(11, 8, COLUMN_PX, 100) < MIN_TEXT_PX
    assert rendered_text_px(7, 10, COLUMN_PX, 100) >= MIN_TEXT_PX
    assert smallest_font_pt('ax.text(0, 0, "a", fontsize=7)\nax.legend(fontsize="small")', 10) == 7
    assert smallest_font_pt('ax.legend(fontsize="small")', 10) == pytest.approx(8.33)


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_figure_text_at_least_8px(chapter: Path) -> None:
    dpi = book_dpi()
    small = [
        f"{chapter.name}:{line}: {width:g} in wide, {pt:g} pt -> {rendered_text_px(width, pt, COLUMN_PX, dpi):.1f} px"
        for line, width, pt in figure_cells(chapter.read_text(encoding="utf-8"))
        if rendered_text_px(width, pt, COLUMN_PX, dpi) < MIN_TEXT_PX
    ]
    assert not small, "figure text below 8 px in the column:\n" + "\n".join(small)


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_at_most_three_panels_across(chapter: Path) -> None:
    import re

    text = chapter.read_text(encoding="utf-8")
    wide = [
        f"{chapter.name}:{text.count(chr(10), 0, m.start()) + 1}: {m.group(0)}"
        for m in re.finditer(r"plt\.subplots\(\s*\d+\s*,\s*(\d+)|plt\.subplots\([^)]*ncols\s*=\s*(\d+)", text)
        if int(m.group(1) or m.group(2)) > MAX_PANELS_ACROSS
    ]
    assert not wide, "more than three panels across:\n" + "\n".join(wide)
