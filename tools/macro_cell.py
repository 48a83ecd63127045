"""The book's TeX macros in every chapter, from their one definition in ``_config.yml``.

The website gets the macros (``\\E``, ``\\Var``, ``\\P``, ...) from
``sphinx.config.mathjax3_config.tex.macros``.  A chapter opened as a notebook does
not read ``_config.yml``, so every chapter starts with a markdown cell, tagged
``remove-cell`` (the website drops it), that declares the same macros as MyST
front matter: ``jupyterlab-myst`` (JupyterLab, ``make lab``, Binder) reads a
``yaml`` block opening the first cell as the notebook's front matter and typesets
every cell with its ``math`` macros, and shows nothing of the cell itself.

The portable notebooks (Colab, the ``.ipynb`` download, any plain Jupyter) get a
``\\newcommand`` cell instead, written by ``tools/portable.py`` from the same
definition.

Usage::

    python tools/macro_cell.py --print                 # show the canonical cell
    python tools/macro_cell.py --check chapters/*.md   # exit 1 if a chapter's cell is missing or stale
    python tools/macro_cell.py --apply chapters/*.md   # insert or rewrite the cell in place
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from portable import ROOT, book_macros  # noqa: E402
from setup_cell import run_cli  # noqa: E402

START = '+++ {"tags": ["remove-cell"]}'
# The cell: from its opening "+++ {...}" line through the closing "+++" of the yaml block's cell.
CELL = re.compile(r'^\+\+\+ \{"tags": \["remove-cell"\]\}\n\n```yaml\nmath:\n.*?^```\n\n\+\+\+\n', re.S | re.M)
HEADER = re.compile(r"\A---\n.*?^---\n", re.S | re.M)


def _yaml_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def canonical_cell(root: Path = ROOT) -> str:
    """The macro cell of ``_config.yml``'s macros, as MyST-notebook text (ends with the next cell's ``+++``)."""
    lines = [START, "", "```yaml", "math:"]
    for name, body in book_macros(root).items():
        body = body[0] if isinstance(body, (list, tuple)) else body
        lines.append(f"  {_yaml_string(chr(92) + name)}: {_yaml_string(body)}")
    lines += ["```", "", "+++", ""]
    return "\n".join(lines)


def problems(path: Path, root: Path = ROOT) -> list[str]:
    """What is wrong with the macro cell of one chapter (empty list: nothing)."""
    text = path.read_text()
    header = HEADER.match(text)
    if not header:
        return ["no jupytext header: not a notebook chapter"]
    rest = text[header.end() :].lstrip("\n")
    if not rest.startswith(canonical_cell(root)):
        return ["the first cell is not the canonical macro cell (python tools/macro_cell.py --apply)"]
    return []


def apply(path: Path, root: Path = ROOT) -> bool:
    """Insert or refresh the macro cell right after the header; return whether the file changed."""
    text = path.read_text()
    header = HEADER.match(text)
    if not header:
        raise ValueError(f"{path}: no jupytext header")
    rest = text[header.end() :].lstrip("\n")
    old = CELL.match(rest)
    if old:
        rest = rest[old.end() :].lstrip("\n")
    new = text[: header.end()] + "\n" + canonical_cell(root) + "\n" + rest
    if new != text:
        path.write_text(new)
    return new != text


def main(argv: list[str] | None = None) -> int:
    return run_cli(__doc__, canonical_cell, problems, apply, argv)


if __name__ == "__main__":
    sys.exit(main())
