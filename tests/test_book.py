"""The book builds, and the built HTML really contains every chapter of _toc.yml.

A wrong pin once made a book like this one build nothing at all without an
error, so the test reads the pages it expects, not the exit code alone.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.book


def toc_files() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [entry["file"] for entry in part["chapters"]]
    return files


def chapter_sources() -> list[str]:
    return [f for f in toc_files() if (ROOT / f"{f}.md").read_text().lstrip().startswith("---\njupytext")]


def test_jupyter_book_is_v1():
    from importlib.metadata import version

    assert version("jupyter-book") == "1.0.4.post1"


def test_every_toc_entry_is_a_source_file():
    for f in toc_files():
        assert (ROOT / f"{f}.md").is_file(), f"_toc.yml lists {f}, which does not exist"
    listed = {f"{f}.md" for f in toc_files()}
    on_disk = {str(p.relative_to(ROOT)) for p in (ROOT / "chapters").glob("*.md")}
    assert on_disk <= listed, f"chapters missing from _toc.yml: {sorted(on_disk - listed)}"


@pytest.mark.parametrize("page", toc_files())
def test_page_is_built_with_content(built_site, page):
    html_path = built_site / f"{page}.html"
    assert html_path.is_file(), f"{page}.html was not built"
    html = html_path.read_text()
    main = re.search(r'<main[^>]*>(.*)</main>', html, re.S)
    assert main, f"{page}: no main content"
    text = re.sub(r"<[^>]+>", " ", main.group(1))
    assert len(text.split()) > 150, f"{page}: only {len(text.split())} words"
    assert "Executing notebook failed" not in html


@pytest.mark.parametrize("page", chapter_sources())
def test_chapter_has_math_figures_and_no_errors(built_site, page):
    html = (built_site / f"{page}.html").read_text()
    assert re.search(r"\\\(|\\\[|\$\$|class=\"math", html), f"{page}: no math"
    assert re.search(r'<img [^>]*src="[^"]*\.(png|svg)"', html), f"{page}: no figure"
    assert "Traceback (most recent call last)" not in html, f"{page}: a cell printed a traceback"
    for match in re.finditer(r'<img [^>]*src="([^"]+)"', html):
        src = match.group(1)
        if not src.startswith(("http", "data:")):
            target = (built_site / page).parent / src
            assert target.is_file() and target.stat().st_size > 0, f"{page}: image {src} missing or empty"


def test_glued_numbers_are_rendered(built_site):
    """Numbers in the text come from code: every {glue:text} role must have become a number."""
    for page in chapter_sources():
        html = (built_site / f"{page}.html").read_text()
        assert "glue:text" not in html, f"{page}: an unresolved glue role"
