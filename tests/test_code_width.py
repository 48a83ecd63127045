"""Every code line a reader sees fits the page: at most 90 characters.

Issue 16 §1: on the website a code cell sits in a column about 90 characters
wide; a longer line either wraps in the middle of an expression or hides behind a
scroll bar, and in a notebook it runs off a laptop screen.  The book therefore
breaks its code lines itself, at readable places.  The test reads each page as
jupytext does (the cells a notebook shows, without the cell options and YAML
metadata such as alt texts and captions) and checks every line of every code
cell, hidden or not, since a reader who opens the chapter as a notebook sees
them all.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LIMIT = 90


def notebook_pages() -> list[Path]:
    """The pages of ``chapters/`` that are notebooks (they open with a jupytext header)."""
    return [
        page
        for page in sorted((ROOT / "chapters").glob("*.md"))
        if page.read_text().lstrip().startswith("---\njupytext")
    ]


def long_code_lines(text: str, limit: int = LIMIT) -> list[str]:
    """``"cell K, line L (W characters): ..."`` for each code-cell line longer than ``limit``."""
    import jupytext

    notebook = jupytext.reads(text, fmt="md:myst")
    found = []
    for k, cell in enumerate(notebook.cells, 1):
        if cell.cell_type != "code":
            continue
        for number, line in enumerate(cell.source.splitlines(), 1):
            if len(line) > limit:
                found.append(f"cell {k}, line {number} ({len(line)} characters): {line.strip()[:60]}")
    return found


def test_the_check_sees_a_long_line_in_a_code_cell_only():
    long_line = "x = " + " + ".join(["1"] * 40)
    page = (
        "---\njupytext:\n  text_representation:\n    extension: .md\n    format_name: myst\n---\n\n"
        + "A markdown line may be long: "
        + "word " * 30
        + "\n\n```{code-cell} ipython3\n---\ntags: [remove-cell]\nalt: '"
        + "a long alt text " * 8
        + "'\n---\nshort = 1\n"
        + long_line
        + "\n```\n"
    )
    assert len(long_line) > LIMIT
    assert long_code_lines(page) == [f"cell 2, line 2 ({len(long_line)} characters): {long_line[:60]}"]
    assert long_code_lines(page, limit=len(long_line)) == []


@pytest.mark.parametrize("page", notebook_pages(), ids=lambda p: p.name)
def test_code_cells_fit_in_90_characters(page: Path):
    found = long_code_lines(page.read_text())
    assert not found, f"{page.name}: code lines longer than {LIMIT} characters:\n" + "\n".join(found)
