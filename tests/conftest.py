"""Shared fixtures: one full build of the book per test session."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")
os.environ.setdefault("COLLAPSE_PROGRESS", "0")  # no progress bars in tests (collapse_utils.notebook.progress)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """Build the whole book once (every chapter executed, warnings are errors) and return its HTML folder.

    Set ``BOOK_HTML=path/to/_build/html`` to test an existing build instead, and
    ``BOOK_TOC=path/to/toc.yml`` to build (and browse) another table of contents.
    """
    if os.environ.get("BOOK_HTML"):
        return Path(os.environ["BOOK_HTML"])
    out = tmp_path_factory.mktemp("book")
    jb = Path(sys.executable).with_name("jupyter-book")
    cmd = [str(jb), "build", str(ROOT), "--path-output", str(out), "-W", "-n", "--keep-going"]
    if os.environ.get("BOOK_TOC"):
        cmd += ["--toc", os.environ["BOOK_TOC"]]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    html = out / "_build" / "html"
    if proc.returncode != 0:
        reports = html / "reports"
        logs = "\n".join(p.read_text()[-3000:] for p in reports.rglob("*.log")) if reports.exists() else ""
        pytest.fail(f"book build failed (rc={proc.returncode}):\n{proc.stdout[-6000:]}\n{proc.stderr[-6000:]}\n{logs}")
    keep = os.environ.get("BOOK_KEEP")
    if keep:  # keep a copy for screenshots or inspection
        shutil.rmtree(keep, ignore_errors=True)
        shutil.copytree(html, keep)
    return html
