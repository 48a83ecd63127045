"""Shared fixtures: one full build of the book per test session."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import functools
import http.server
import threading

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


# -- The browser: Debian's Chromium driven by Playwright, one per test session (tests/test_browser*.py) ---------

ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path(os.environ.get("BOOK_CHROMIUM", "/usr/bin/chromium"))
REQUIRED = os.environ.get("BOOK_BROWSER_TESTS", "").lower() == "required"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

def _unavailable() -> str | None:
    """Why the browser tests cannot run here (None: they can)."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install -r requirements-test.txt)"
    if not CHROMIUM.is_file():
        return f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium; or set BOOK_CHROMIUM)"
    return None


def _skip_or_fail(reason: str) -> None:
    if REQUIRED:
        pytest.fail(f"browser tests are required (BOOK_BROWSER_TESTS=required) but cannot run: {reason}")
    pytest.skip(f"browser tests skipped: {reason}")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        pass


@pytest.fixture(scope="session")
def site_url(built_site):
    """Serve the built site on 127.0.0.1 (a free port) for the whole session."""
    handler = functools.partial(_QuietHandler, directory=str(built_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    reason = _unavailable()
    if reason:
        _skip_or_fail(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        # Headless Chromium hides scroll bars unless told not to; the overflow test needs them drawn.
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS, headless=True,
                                      ignore_default_args=["--hide-scrollbars"])
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS




def offline_tab(browser, *, width: int = 1280, timeout_ms: float | None = None):
    """A new browser context and tab that serve only 127.0.0.1, recording what else was asked for.

    Returns ``(context, tab, external, errors)``: requests to another host are aborted and listed in
    ``external`` (the site must work offline); console errors and uncaught exceptions go to ``errors``.
    """
    from urllib.parse import urlsplit

    ctx = browser.new_context(viewport={"width": width, "height": 900}, service_workers="block")
    if timeout_ms is not None:
        ctx.set_default_timeout(timeout_ms)
    external: list[str] = []

    def route(r):
        if urlsplit(r.request.url).hostname in ("127.0.0.1", None):
            r.continue_()
        else:
            external.append(r.request.url)
            r.abort()

    ctx.route("**/*", route)
    tab = ctx.new_page()
    errors: list[str] = []
    tab.on("console", lambda msg: errors.append(f"console.{msg.type}: {msg.text}") if msg.type == "error" else None)
    tab.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))
    return ctx, tab, external, errors
