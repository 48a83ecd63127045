"""The canonical start of every chapter's hidden set-up cell, and a tool that applies it.

Every chapter starts with a code cell tagged ``remove-cell`` that makes it run
anywhere: from a clone (the repository root goes on ``sys.path``, so the
chapter uses the clone's ``collapse_utils``), on Binder or in a course's
JupyterLab (the package is installed), and on Colab or any bare Jupyter (the
package is installed from the repository).  The repository URL comes from
``repository.url`` in ``_config.yml``, the book's one place for it.

Usage::

    python tools/setup_cell.py --print                 # show the canonical block
    python tools/setup_cell.py --check chapters/*.md   # exit 1 if a chapter differs
    python tools/setup_cell.py --apply chapters/x.md   # rewrite the block in place

``--apply`` replaces everything from the ``# Set-up:`` comment line of the first
code cell up to and including the ``import collapse_utils`` of its ``except``
branch; the chapter's own imports after it are kept.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent

TEMPLATE = '''\
# Set-up: make this chapter self-sufficient wherever it runs
# (a clone, Binder, Colab, a course's JupyterLab).
import sys
from pathlib import Path

for _root in (Path.cwd(), Path.cwd().parent):  # from a clone: use its collapse_utils
    if (_root / "collapse_utils" / "__init__.py").is_file():
        sys.path.insert(0, str(_root))
        break
try:
    import collapse_utils
except ImportError:  # e.g. on Colab: install the book's package from its repository
    import subprocess

    package = "collapse_utils @ git+{url}"
    subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", package])
    import collapse_utils'''

# From the "# Set-up:" line to the indented re-import at the end of the except branch.
BLOCK = re.compile(r"^# Set-up:.*?^except ImportError:.*?^    import collapse_utils$", re.S | re.M)


def repository_url(root: Path = ROOT) -> str:
    """``repository.url`` of ``_config.yml``."""
    return yaml.safe_load((root / "_config.yml").read_text())["repository"]["url"]


def canonical_block(root: Path = ROOT) -> str:
    """The set-up block with the repository URL of ``_config.yml`` filled in."""
    return TEMPLATE.format(url=repository_url(root))


def first_code_cell(text: str) -> str:
    """Source of the first ``{code-cell}`` of a MyST notebook (empty if there is none)."""
    match = re.search(r"^```\{code-cell\}[^\n]*\n(.*?)^```", text, re.S | re.M)
    return match.group(1) if match else ""


def problems(path: Path, root: Path = ROOT) -> list[str]:
    """What is wrong with the set-up cell of one chapter (empty list: nothing)."""
    text = path.read_text()
    cell = first_code_cell(text)
    found = []
    if ":tags: [remove-cell]" not in cell:
        found.append("the first code cell is not tagged remove-cell")
    if canonical_block(root) not in cell:
        found.append("the first code cell does not contain the canonical set-up block (tools/setup_cell.py --apply)")
    return found


def apply(path: Path, root: Path = ROOT) -> bool:
    """Replace the set-up block of the first code cell; return whether the file changed."""
    text = path.read_text()
    cell = first_code_cell(text)
    if not BLOCK.search(cell):
        raise ValueError(f"{path}: no '# Set-up:' ... 'import collapse_utils' block in the first code cell")
    new_cell = BLOCK.sub(lambda _: canonical_block(root), cell, count=1)
    new_text = text.replace(cell, new_cell, 1)
    if new_text != text:
        path.write_text(new_text)
    return new_text != text


def run_cli(doc: str, canonical, find_problems, rewrite, argv: list[str] | None = None) -> int:
    """The ``--print`` / ``--check`` / ``--apply`` command line shared by the chapter-cell tools."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--print", action="store_true", help="print the canonical text")
    group.add_argument("--check", action="store_true", help="check the chapters (exit 1 on a problem)")
    group.add_argument("--apply", action="store_true", help="rewrite the chapters in place")
    parser.add_argument("files", nargs="*", type=Path)
    args = parser.parse_args(argv)
    if args.print:
        print(canonical().rstrip("\n"))
        return 0
    status = 0
    for path in args.files:
        if args.apply:
            print(f"{path}: {'updated' if rewrite(path) else 'already canonical'}")
        else:
            for problem in find_problems(path):
                print(f"{path}: {problem}")
                status = 1
    return status


def main(argv: list[str] | None = None) -> int:
    return run_cli(__doc__, canonical_block, problems, apply, argv)


if __name__ == "__main__":
    sys.exit(main())
