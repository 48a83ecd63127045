"""The JupyterLab side: opening a chapter rewrites nothing, and `make lab` stays inside the repository.

* Every page in ``chapters/`` goes through jupytext's own contents manager (the one JupyterLab uses) with
  the repository's ``jupytext.toml``: read as a notebook, changed the way JupyterLab changes it when a
  kernel starts and the cells run (kernelspec, language_info, outputs, execution counts, timing and
  collapse metadata), saved. The text must come back byte-identical.
* ``make lab`` (dry run) points every Jupyter directory into ``.jupyter/`` of the repository, and a real
  JupyterLab server started with that environment and an empty ``$HOME`` opens, runs a kernel for and
  saves a chapter without writing anything into ``$HOME`` or changing the chapter.

A chapter that fails the round trip is not in the form jupytext writes. Normalise it with::

    python tests/test_lab.py chapters/NAME.md

which sets the header JupyterLab keeps (the kernelspec as JupyterLab writes it, no jupytext version
line) and rewrites the body the way jupytext would (e.g. long alt texts wrapped at 80 columns).
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "chapters").glob("*.md"))
VERSION_FILTER = "-jupytext.text_representation.jupytext_version"
LAB_VARS = (
    "JUPYTER_CONFIG_DIR",
    "JUPYTER_DATA_DIR",
    "JUPYTER_RUNTIME_DIR",
    "JUPYTERLAB_SETTINGS_DIR",
    "JUPYTERLAB_WORKSPACES_DIR",
    "IPYTHONDIR",
    "MPLCONFIGDIR",
    "npm_config_cache",
)



def _run(coro):
    """Run ``coro`` to completion in a thread of its own (the browser tests keep an event loop in this one)."""
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()

def kernelspec_as_jupyterlab_writes() -> dict:
    """The kernelspec JupyterLab stores when it starts the ``python3`` kernel (same keys, same order)."""
    from jupyter_client.kernelspec import KernelSpecManager

    spec = KernelSpecManager().get_kernel_spec("python3")
    return {"name": "python3", "display_name": spec.display_name, "language": spec.language}


def normalise(text: str, config) -> str:
    """Return a chapter in the form JupyterLab saves it (header-less pages are returned unchanged)."""
    import jupytext

    if not text.startswith("---\n"):
        return text
    nb = jupytext.reads(text, fmt="md:myst", config=config)
    header = nb.metadata.setdefault("jupytext", {})
    nb.metadata["jupytext"] = {"notebook_metadata_filter": VERSION_FILTER, **{k: v for k, v in header.items() if k != "notebook_metadata_filter"}}
    nb.metadata["kernelspec"] = kernelspec_as_jupyterlab_writes()
    return jupytext.writes(nb, fmt="md:myst", config=config)


def repo_config():
    from jupytext.config import load_jupytext_configuration_file

    return load_jupytext_configuration_file(str(ROOT / "jupytext.toml"))


def as_jupyterlab_after_run(nb) -> None:
    """Change a notebook the way JupyterLab does while a reader starts the kernel and runs every cell."""
    import nbformat

    nb.metadata["kernelspec"] = kernelspec_as_jupyterlab_writes()
    nb.metadata["language_info"] = {
        "name": "python", "version": "3.11.7", "mimetype": "text/x-python", "file_extension": ".py",
        "codemirror_mode": {"name": "ipython", "version": 3}, "pygments_lexer": "ipython3",
        "nbconvert_exporter": "python",
    }
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}, "version_major": 2, "version_minor": 0}}
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        cell.execution_count = i + 1
        cell.outputs = [
            nbformat.v4.new_output("stream", name="stdout", text="a printed line\n"),
            nbformat.v4.new_output("display_data", data={"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"}),
        ]
        cell.metadata["execution"] = {"iopub.status.busy": "2026-01-01T00:00:00.000Z", "shell.execute_reply": "2026-01-01T00:00:01.000Z"}
        cell.metadata["scrolled"] = True
        cell.metadata["collapsed"] = False
        cell.metadata["jupyter"] = {"outputs_hidden": False, "source_hidden": False}
        cell.metadata["trusted"] = True


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[p.name for p in CHAPTERS])
def test_jupyterlab_save_rewrites_nothing(chapter: Path, tmp_path: Path) -> None:
    """Open with jupytext's contents manager, run as JupyterLab would, save: the text is byte-identical."""
    from jupytext import AsyncTextFileContentsManager

    shutil.copy(ROOT / "jupytext.toml", tmp_path / "jupytext.toml")
    (tmp_path / "chapters").mkdir()
    before = chapter.read_bytes()
    (tmp_path / "chapters" / chapter.name).write_bytes(before)
    cm = AsyncTextFileContentsManager(root_dir=str(tmp_path))
    rel = f"chapters/{chapter.name}"

    async def open_run_save() -> None:
        model = await cm.get(rel, content=True, type="notebook")
        as_jupyterlab_after_run(model["content"])
        await cm.save({"type": "notebook", "format": "json", "content": model["content"]}, rel)

    _run(open_run_save())
    after = (tmp_path / "chapters" / chapter.name).read_bytes()
    if after != before:
        import difflib

        diff = "\n".join(difflib.unified_diff(before.decode().splitlines(), after.decode().splitlines(), "committed", "saved by JupyterLab", lineterm="", n=1))
        pytest.fail(f"JupyterLab would rewrite {rel}; normalise it with `python tests/test_lab.py {rel}`:\n{diff[:4000]}")


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[p.name for p in CHAPTERS])
def test_chapter_is_in_normal_form(chapter: Path) -> None:
    """The plain jupytext round trip (the `jupytext` command, nbclient, myst-nb) also changes nothing."""
    text = chapter.read_text()
    assert normalise(text, repo_config()) == text, f"normalise it with `python tests/test_lab.py chapters/{chapter.name}`"
    if not text.startswith("---\n"):
        return
    import jupytext

    nb = jupytext.reads(text, fmt="md:myst", config=repo_config())
    assert jupytext.writes(nb, fmt="md:myst", config=repo_config()) == text


def test_normalise_removes_every_cause_of_a_rewrite() -> None:
    """The three causes found in JupyterLab 4.6 + jupytext 1.19: version line, kernelspec, YAML re-wrapping."""
    old = (
        "---\njupytext:\n  text_representation:\n    extension: .md\n    format_name: myst\n    format_version: 0.13\n"
        "kernelspec:\n  display_name: Python 3\n  language: python\n  name: python3\n---\n\n# Title\n\n"
        "```{code-cell} ipython3\n---\nmystnb:\n  image:\n    alt: \"" + "a long alt text " * 10 + "\"\n---\nx = 1\n```\n"
    )
    new = normalise(old, repo_config())
    assert new != old and normalise(new, repo_config()) == new
    assert f"notebook_metadata_filter: {VERSION_FILTER}" in new and "jupytext_version:" not in new
    assert "  name: python3\n  display_name: " in new
    assert max(len(line) for line in new.splitlines()) <= 90


# --------------------------------------------------------------------------------------------- make lab


def make_lab_command() -> list[str]:
    """The command `make lab` runs, from a dry run (`make -n`)."""
    out = subprocess.run(["make", "-n", "-s", "lab"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    line = [ln for ln in out.splitlines() if " lab " in ln and "jupyter" in ln][-1]
    return shlex.split(line)


def make_lab_env() -> dict[str, str]:
    env = {}
    for word in make_lab_command():
        if "=" not in word or word.startswith("-"):
            break
        name, value = word.split("=", 1)
        env[name] = value
    return env


def test_make_lab_keeps_every_jupyter_directory_in_the_repository() -> None:
    env = make_lab_env()
    assert set(LAB_VARS) <= set(env), f"make lab does not set {sorted(set(LAB_VARS) - set(env))}"
    for name in LAB_VARS:
        assert Path(env[name]).resolve().is_relative_to(ROOT / ".jupyter"), f"{name}={env[name]} is outside .jupyter/"
    out = subprocess.run(["make", "-n", "-s", "lab"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert 'test "$(id -u)" = 0 && echo --allow-root' in out, "make lab must pass --allow-root when run as root"
    overrides = json.loads((ROOT / ".jupyter" / "labconfig" / "default_setting_overrides.json").read_text())
    viewers = overrides["@jupyterlab/docmanager-extension:plugin"]["defaultViewers"]
    assert viewers["markdown"] == "Jupytext Notebook"
    assert "python" not in viewers, "the package's .py modules must keep opening in the editor"
    for state in ("lab/user-settings/x.json", "lab/workspaces/x.json", "runtime/x.json", "data/x", "ipython/x", "npm/x", "migrated"):
        ignored = subprocess.run(["git", "check-ignore", "-q", f".jupyter/{state}"], cwd=ROOT)
        assert ignored.returncode == 0, f".jupyter/{state} (generated state) must be ignored by git"
    tracked = subprocess.run(["git", "check-ignore", "-q", ".jupyter/labconfig/default_setting_overrides.json"], cwd=ROOT)
    assert tracked.returncode == 1, "the default-viewer setting must be committed"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _api(base: str, token: str, path: str, method: str = "GET", body: dict | None = None) -> dict:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(f"{base}{path}", data=data, method=method,
                                 headers={"Authorization": f"token {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        raw = resp.read()
    return json.loads(raw) if raw else {}


async def _execute(url: str, code: str, timeout: float = 240) -> dict:
    """Run ``code`` in a kernel through the server's websocket, as JupyterLab does; return the reply."""
    import uuid

    from tornado.websocket import websocket_connect

    ws = await asyncio.wait_for(websocket_connect(url), timeout)
    msg_id = uuid.uuid4().hex
    header = {"msg_id": msg_id, "username": "test", "session": uuid.uuid4().hex, "msg_type": "execute_request", "version": "5.3", "date": ""}
    content = {"code": code, "silent": False, "store_history": True, "user_expressions": {}, "allow_stdin": False, "stop_on_error": True}
    ws.write_message(json.dumps({"header": header, "parent_header": {}, "metadata": {}, "content": content, "channel": "shell", "buffers": []}))

    async def reply() -> dict:
        while True:
            msg = json.loads(await ws.read_message())
            if msg.get("channel") == "shell" and msg["parent_header"].get("msg_id") == msg_id:
                return msg["content"]

    try:
        return await asyncio.wait_for(reply(), timeout)
    finally:
        ws.close()


def test_make_lab_server_writes_nothing_outside_the_repository(tmp_path: Path) -> None:
    """Start JupyterLab with make lab's environment and an empty $HOME; open a chapter, start its kernel,
    save it as JupyterLab does: $HOME stays empty and the chapter unchanged."""
    home = tmp_path / "home"
    home.mkdir()
    work = tmp_path / "repo"  # a copy of the chapters: the save goes there, never into the checkout
    (work / "chapters").mkdir(parents=True)
    shutil.copy(ROOT / "jupytext.toml", work / "jupytext.toml")
    chapter = ROOT / "chapters" / "status.md"
    shutil.copy(chapter, work / "chapters" / chapter.name)

    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "XDG_", "IPYTHON", "MPL", "npm_config", "NPM_CONFIG"))}
    env.update(make_lab_env(), HOME=str(home))
    port, token = _free_port(), secrets.token_hex(16)
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
           "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={work / 'chapters'}"]
    if os.getuid() == 0:
        cmd.append("--allow-root")
    proc = subprocess.Popen(cmd, env=env, cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:  # the server is up when its REST API answers
            try:
                _api(base, token, "/api/status")
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("JupyterLab did not answer /api/status within 120 s")
                try:  # wait for the server to exit, at most 0.2 s, then ask again
                    proc.wait(timeout=0.2)
                except subprocess.TimeoutExpired:
                    continue
                pytest.fail(f"JupyterLab did not start: {proc.stderr.read().decode()[-3000:]}")
        model = _api(base, token, f"/api/contents/{chapter.name}?type=notebook&content=1")
        kernel = _api(base, token, "/api/kernels", "POST", {"name": "python3"})
        code = "import matplotlib.pyplot as plt, ipywidgets\nplt.figure(); print('ran')"  # IPython, matplotlib, widgets
        reply = _run(_execute(f"ws://127.0.0.1:{port}/api/kernels/{kernel['id']}/channels?token={token}", code))
        assert reply["status"] == "ok", reply
        nb = model["content"]
        nb["metadata"]["kernelspec"] = kernelspec_as_jupyterlab_writes()
        nb["metadata"]["language_info"] = {"name": "python"}
        _api(base, token, f"/api/contents/{chapter.name}", "PUT", {"type": "notebook", "format": "json", "content": nb})
        _api(base, token, f"/api/kernels/{kernel['id']}", "DELETE")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    assert (work / "chapters" / chapter.name).read_bytes() == chapter.read_bytes(), "saving through JupyterLab rewrote the chapter"
    written = sorted(str(p.relative_to(home)) for p in home.rglob("*"))
    assert written == [], f"make lab wrote into $HOME: {written}"


if __name__ == "__main__":  # python tests/test_lab.py chapters/NAME.md ...: normalise chapters in place
    for arg in sys.argv[1:]:
        path = Path(arg)
        text = path.read_text()
        new = normalise(text, repo_config())
        if new != text:
            path.write_text(new)
            print(f"normalised {path}")
