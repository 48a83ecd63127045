"""The reader's and teacher's infrastructure: animations, progress bars, set-up cells, the student edition."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
import yaml

from collapse_utils.animation import FramePlayer, scrubber
from collapse_utils.notebook import progress, progress_enabled

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import setup_cell  # noqa: E402
import student_config  # noqa: E402


def _toy_animation(frames=range(4), **kwargs) -> FramePlayer:
    fig, ax = plt.subplots(figsize=(2, 2))
    (line,) = ax.plot([0, 1], [0, 0])
    return scrubber(fig, lambda k: line.set_ydata([0, k]), frames, alt="a line that tilts", **kwargs)


def _frames(html: str) -> list[str]:
    import json

    payload = re.search(r'<script type="application/json">(.*?)</script>', html, re.S).group(1)
    return json.loads(payload.replace("<\\/", "</"))["frames"]


def test_scrubber_is_self_contained_and_accessible():
    player = _toy_animation(range(5))
    html = player._repr_html_()
    assert player.n_frames == 5
    assert len(_frames(html)) == 5, "one embedded PNG per distinct frame"
    assert "http" not in html, "the player must not fetch anything"
    assert 'class="fa' not in html, "no icon fonts: buttons are text symbols"
    assert 'alt="a line that tilts Shown: generation = 0."' in html
    assert re.search(r'class="anim-slider"[^>]*min="0" max="4"', html)
    for name in ("First frame", "Previous frame", "Play", "Next frame", "Last frame"):
        assert f'aria-label="{name}"' in html, f"no {name!r} button"
    assert plt.get_fignums() == [], "the figure is closed so that no static copy is shown"


def test_scrubber_frames_differ():
    frames = _frames(_toy_animation(range(3)).html)
    assert len(frames) == 3
    assert len(set(frames)) == 3, "each frame shows a different state"


@pytest.mark.parametrize(
    ("kwargs", "name"), [({"frames": []}, "frames"), ({"alt": " "}, "alt"), ({"interval": 0}, "interval")]
)
def test_scrubber_rejects_bad_input(kwargs, name):
    fig, _ = plt.subplots()
    args = {"frames": range(2), "alt": "x", **kwargs}
    with pytest.raises(ValueError, match=name):
        scrubber(fig, lambda k: None, **args)
    plt.close("all")


def test_progress_is_off_in_tests_and_switchable(monkeypatch):
    monkeypatch.delenv("COLLAPSE_PROGRESS", raising=False)
    assert not progress_enabled(), "pytest must never show progress bars"
    assert list(progress(range(3))) == [0, 1, 2]
    monkeypatch.setenv("COLLAPSE_PROGRESS", "1")
    assert progress_enabled()
    assert list(progress(range(3), desc="x")) == [0, 1, 2]  # a tqdm bar on stderr, same items
    monkeypatch.setenv("COLLAPSE_PROGRESS", "0")
    assert not progress_enabled()


def test_canonical_setup_block_uses_the_configured_repository():
    url = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"]
    block = setup_cell.canonical_block()
    assert f"git+{url}" in block
    compile(block, "setup-cell", "exec")  # valid Python


def test_setup_block_runs_from_a_clone(tmp_path):
    """Run from chapters/ of the repository, the block puts the repository on sys.path (no install)."""
    code = setup_cell.canonical_block() + "\nprint(collapse_utils.__file__)"
    out = subprocess.run(
        [sys.executable, "-I", "-c", code], cwd=ROOT / "chapters", capture_output=True, text=True, check=True
    )
    assert Path(out.stdout.strip()).resolve().is_relative_to(ROOT)


def test_setup_cell_apply_and_check(tmp_path):
    chapter = tmp_path / "x.md"
    chapter.write_text(
        "# X\n\n```{code-cell} ipython3\n:tags: [remove-cell]\n\n"
        "# Set-up: old text\ntry:\n    import collapse_utils\nexcept ImportError:\n    pass\n    import collapse_utils\n"
        "import numpy as np\n```\n"
    )
    assert setup_cell.problems(chapter)
    assert setup_cell.apply(chapter)
    assert setup_cell.problems(chapter) == []
    assert "import numpy as np" in chapter.read_text(), "the chapter's own imports are kept"
    assert not setup_cell.apply(chapter), "applying twice changes nothing"


def test_student_config_hides_solutions_only():
    book = yaml.safe_load((ROOT / "_config.yml").read_text())
    student = student_config.student_config()
    assert book["sphinx"]["config"]["hide_solutions"] is False
    assert student["sphinx"]["config"]["hide_solutions"] is True
    student["sphinx"]["config"]["hide_solutions"] = False
    student["title"] = book["title"]
    student["sphinx"]["local_extensions"] = book["sphinx"]["local_extensions"]
    assert student["sphinx"]["config"].pop("book_site_path") == "student/", "the student site is published under student/"
    assert student == book, "the student edition differs from the book only in hide_solutions, its title and its site path"


def test_binder_configuration():
    binder = ROOT / "binder"
    assert (binder / "runtime.txt").read_text().strip() == "python-3.11"
    assert "-r ../requirements.txt" in (binder / "requirements.txt").read_text()
    post = binder / "postBuild"
    assert post.stat().st_mode & 0o111, "postBuild must be executable"
    # Binder reads the same default-viewer setting as `make lab`: .md chapters open as notebooks.
    assert ".jupyter/labconfig/default_setting_overrides.json" in post.read_text()
    settings = (ROOT / ".jupyter" / "labconfig" / "default_setting_overrides.json").read_text()
    assert "markdown" in settings and "Jupytext Notebook" in settings


def test_book_style_palette_is_colour_blind_safe_and_distinct():
    from collapse_utils.plotting import PALETTE, THEORY_COLOR

    assert len(set(PALETTE)) == len(PALETTE) >= 7
    assert THEORY_COLOR not in PALETTE
    rgb = np.array([[int(c[i : i + 2], 16) for i in (1, 3, 5)] for c in PALETTE])
    assert (rgb.max(axis=1) > 60).all()  # no colour is near-black (black is kept for theory)
