"""Live widget latency, measured where readers feel it: real JupyterLab in Chromium.

    make bench-live                                    # every chapter with an explorer
    python benchmarks/bench_live.py fully-synthetic kde --typed 5 --drags 2

For each chapter: start JupyterLab on 127.0.0.1 (free port, random token, the repository's Jupyter
configuration with every state directory in a temporary folder), open the chapter with Playwright and
the system Chromium, run all cells, then for every explorer (a code cell whose output holds an
ipywidgets slider) change its first control: ``--typed`` times by typing a value into the slider's
readout and pressing Enter, and ``--drags`` times by dragging the slider's handle with the mouse.

Printed per explorer:

* ``typed`` median and 90th percentile of *value committed -> figure changed on screen*: from the
  Enter key to the first new ``<img>`` (a new ``src`` or a new element) inside the explorer's output,
  decoded and painted (``img.decode()`` and the next animation frame). This works for explorers that
  redraw into an ``Output`` widget and for those that update an ``ipywidgets.Image``.
* ``kernel`` median of the kernel's busy time per update (status busy -> idle as the frontend sees it),
  or, when the explorer exposes it, the median of ``data-kernel-ms`` (an element inside the explorer
  carrying the kernel's own time in milliseconds, e.g. an ``ipywidgets.HTML`` with
  ``<span data-kernel-ms="12.3">``).
* ``drag`` median of *mouse released -> last figure painted* (the drag settles when the kernel has been
  idle for 0.5 s), and how many figures were drawn for how many slider values sent during the drags.
* ``first`` first-widget time: from the kernel starting the explorer's cell (JupyterLab's cell timing
  ``shell.execute_reply.started``) to the first slider in its output appearing in the page.

Each chapter also gets a MyST report (what jupyterlab-myst rendered: theorems/proofs, admonitions,
exercises; and what it could not: citations, glued values, undefined macros), a check that saving the
notebook leaves the chapter's file byte-identical, and screenshots in ``benchmarks/screenshots/``.

Waits are Playwright auto-waits (``wait_for_function``/``expect``); a global deadline per chapter
(``--timeout``) bounds everything, and JupyterLab and its kernels are shut down on any error.
This is a benchmark, not a test: it prints numbers and asserts nothing about speed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = ROOT / "chapters"
SHOTS = ROOT / "benchmarks" / "screenshots"
CHROMIUM = Path(os.environ.get("BOOK_CHROMIUM", "/usr/bin/chromium"))
MAX_SHOT_BYTES = 300_000
LAUNCH_ARGS = ["--no-sandbox", "--disable-dev-shm-usage"]

# In-page instrumentation: timestamps (performance.now()) of kernel status changes, of committed values
# (Enter in a readout, pointer released), of every new figure painted inside an explorer, and of the
# first slider that appears in each cell.
INSTRUMENT = r"""
() => {
  const panel = jupyterapp.shell.currentWidget;
  const B = window.__bench = {status: [], paints: [], enter: [], release: [], values: [], firstWidget: {}};
  panel.sessionContext.statusChanged.connect((_, s) => B.status.push([performance.now(), s]));
  document.addEventListener('keydown', e => { if (e.key === 'Enter') B.enter.push(performance.now()); }, true);
  document.addEventListener('pointerup', () => B.release.push(performance.now()), true);
  const cellIndex = node => {
    const cell = node.closest && node.closest('.jp-Cell');
    return cell ? panel.content.widgets.findIndex(w => w.node === cell) : -1;
  };
  const painted = (img, idx) => {
    const done = () => requestAnimationFrame(() => B.paints.push([performance.now(), idx]));
    (img.decode ? img.decode() : Promise.resolve()).then(done, done);
  };
  const seen = new WeakMap();
  const check = img => {
    if (!img.src || seen.get(img) === img.src) return;
    seen.set(img, img.src);
    const idx = cellIndex(img);
    if (idx >= 0 && img.closest('.jp-OutputArea')) painted(img, idx);
  };
  const obs = new MutationObserver(muts => {
    const now = Date.now();
    for (const m of muts) {
      if (m.type === 'attributes') {
        if (m.target.tagName === 'IMG') check(m.target);
        if (m.attributeName === 'aria-valuenow') B.values.push([performance.now(), cellIndex(m.target), m.target.getAttribute('aria-valuenow')]);
        continue;
      }
      for (const n of m.addedNodes) {
        if (n.nodeType !== 1) continue;
        if (n.tagName === 'IMG') check(n);
        n.querySelectorAll && n.querySelectorAll('img').forEach(check);
        const idx = cellIndex(n);
        if (idx >= 0 && !(idx in B.firstWidget) && n.closest('.jp-OutputArea') &&
            (n.matches('.widget-slider') || n.querySelector('.widget-slider'))) B.firstWidget[idx] = now;
      }
    }
  });
  obs.observe(panel.content.node, {subtree: true, childList: true, attributes: true, attributeFilter: ['src', 'aria-valuenow']});
  return panel.content.widgets.length;
}
"""

RUN_STATE = r"""
() => {
  const panel = jupyterapp.shell.currentWidget, cells = panel.content.model.cells;
  let pending = 0, errors = [];
  for (let i = 0; i < cells.length; i++) {
    const c = cells.get(i);
    if (c.type !== 'code') continue;
    if (c.executionCount === null) pending++;
    for (let j = 0; j < c.outputs.length; j++) {
      const o = c.outputs.get(j).toJSON();
      if (o.output_type === 'error') errors.push(`cell ${i}: ${o.ename}: ${o.evalue}`);
    }
  }
  const kernel = panel.sessionContext.session?.kernel?.status;
  return (pending === 0 || errors.length) && kernel === 'idle' ? {pending, errors} : null;
}
"""

QUIET = r"""
([since, quietMs]) => {
  const B = window.__bench, last = B.status[B.status.length - 1];
  return last && last[1] === 'idle' && performance.now() - last[0] >= quietMs && performance.now() - since >= quietMs;
}
"""

MYST_REPORT = r"""
() => {
  const panel = jupyterapp.shell.currentWidget, root = panel.content.node, cells = panel.content.model.cells;
  let source = '';
  for (let i = 0; i < cells.length; i++) if (cells.get(i).type === 'markdown') source += cells.get(i).sharedModel.getSource() + '\n';
  const q = s => root.querySelectorAll(s).length;
  const rendered = [...root.querySelectorAll('.jp-MarkdownCell .myst')].map(e => e.innerText).join('\n');
  const glueNames = [...source.matchAll(/\{glue(?::text)?\}`([^`]+)`/g)].map(m => m[1]);
  const count = re => (source.match(re) || []).length;
  return {
    markdown_cells: q('.jp-MarkdownCell'), myst_rendered: q('.jp-MarkdownCell .myst'),
    theorems_proofs: q('.myst-proof'), theorem_directives: count(/\{prf:[a-z]+\}/g) - count(/\{prf:ref\}/g),
    admonitions: q('.myst-admonition'), exercises_solutions: q('.myst-exercise'),
    exercise_directives: count(/:::\{(exercise|solution)\}/g),
    citations: count(/\{cite(:[a-z]+)?\}/g), citations_not_found: q('[title="Citation Not Found"]'),
    cross_refs: count(/\{(ref|numref|prf:ref|eq)\}/g),
    not_found: q('.myst [title*="not found" i]') - q('[title="Citation Not Found"]'),
    math: q('.myst .katex'), math_errors: q('.myst [title*="control sequence"]'),
    undefined_macros: [...new Set([...root.querySelectorAll('.myst [title*="control sequence"]')].map(e => (e.title.match(/Undefined control sequence: (\\\w+)/) || [])[1]).filter(Boolean))],
    glue_roles: glueNames.length, glue_shown_raw: glueNames.filter(n => rendered.includes(n)).length,
    label_lines_shown: (rendered.match(/^\([\w-]+\)=$/gm) || []).length,
    raw_directives_shown: (rendered.match(/:::\{|```\{/g) || []).length,
  };
}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def api(base: str, token: str, path: str, method: str = "GET") -> object:
    req = urllib.request.Request(f"{base}{path}", method=method, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        raw = resp.read()
    return json.loads(raw) if raw else None


@contextlib.contextmanager
def jupyterlab(state: Path, timeout: float):
    """Run JupyterLab on the chapters; yield (base URL, token); always stop it and its kernels."""
    settings = state / "settings"
    for plugin, values in {
        "@jupyterlab/notebook-extension/tracker": {"recordTiming": True, "windowingMode": "none"},
        "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
    }.items():
        path = settings / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "IPYTHON", "MPL"))}
    env.update(
        JUPYTER_CONFIG_DIR=str(ROOT / ".jupyter"),  # the repository's settings: .md opens as a notebook
        JUPYTER_DATA_DIR=str(state / "data"), JUPYTER_RUNTIME_DIR=str(state / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(settings), JUPYTERLAB_WORKSPACES_DIR=str(state / "workspaces"),
        IPYTHONDIR=str(state / "ipython"), MPLCONFIGDIR=str(state / "matplotlib"), npm_config_cache=str(state / "npm"),
    )
    port, token = free_port(), secrets.token_hex(16)
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
           "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={CHAPTERS}",
           "--LabApp.expose_app_in_browser=True"]
    if os.getuid() == 0:
        cmd.append("--allow-root")
    log = open(state / "server.log", "wb")
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                api(base, token, "/api/status")
                break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError(f"JupyterLab exited: {(state / 'server.log').read_text()[-2000:]}")
                if time.monotonic() > deadline:
                    raise TimeoutError("JupyterLab did not answer")
                time.sleep(0.25)
        yield base, token
    finally:
        with contextlib.suppress(Exception):
            for kernel in api(base, token, "/api/kernels"):
                api(base, token, f"/api/kernels/{kernel['id']}", "DELETE")
        proc.terminate()  # the server shuts its kernels down on SIGTERM
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # the process group this script started
            proc.wait()
        log.close()


def explorer_chapters() -> list[str]:
    """Chapters with at least one live explorer (found by the code, not by the cell tags)."""
    return sorted(p.stem for p in CHAPTERS.glob("*.md")
                  if (text := p.read_text()).startswith("---\n") and re.search(r"collapse_utils\.explorers|\bexplore\(", text))


def percentile(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, round(q * (len(xs) - 1))))]


def save_shot(locator_or_page, name: str, **kw) -> str:
    """Save a screenshot; a PNG over MAX_SHOT_BYTES is written as JPEG instead (kept small for git)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    png = SHOTS / f"{name}.png"
    locator_or_page.screenshot(path=str(png), **kw)
    if png.stat().st_size <= MAX_SHOT_BYTES:
        return png.name
    jpg = SHOTS / f"{name}.jpg"
    for quality in (80, 65, 50):
        locator_or_page.screenshot(path=str(jpg), type="jpeg", quality=quality, **kw)
        if jpg.stat().st_size <= MAX_SHOT_BYTES:
            break
    png.unlink()
    return jpg.name


class Deadline:
    def __init__(self, seconds: float):
        self.end = time.monotonic() + seconds

    def ms(self) -> float:
        left = self.end - time.monotonic()
        if left <= 0:
            raise TimeoutError("chapter deadline passed")
        return left * 1000


def typed_changes(page, idx: int, n: int, dl: Deadline) -> list[dict]:
    root = page.locator(".jp-Notebook .jp-Cell").nth(idx)
    slider = root.locator(".jp-OutputArea .widget-slider").first
    handle = slider.locator(".noUi-handle")
    readout = slider.locator(".widget-readout")
    lo, hi = float(handle.get_attribute("aria-valuemin")), float(handle.get_attribute("aria-valuemax"))
    integer = "." not in readout.inner_text() and lo.is_integer() and hi.is_integer()
    out = []
    for k, frac in enumerate([0.2, 0.8, 0.35, 0.65, 0.5, 0.1, 0.9, 0.45, 0.55, 0.3][:n]):
        before = float(handle.get_attribute("aria-valuenow"))
        value = lo + frac * (hi - lo)
        text = str(round(value)) if integer else f"{value:.4g}"
        marks = page.evaluate("() => [__bench.enter.length, __bench.paints.length]")
        readout.click(timeout=dl.ms())
        page.keyboard.press("Control+A")
        page.keyboard.type(text)
        page.keyboard.press("Enter")
        page.wait_for_function("(e) => __bench.enter.length > e", arg=marks[0], timeout=dl.ms())
        if float(handle.get_attribute("aria-valuenow")) == before:
            continue  # rounding to the slider's step kept the old value: nothing to redraw
        page.wait_for_function(
            "([e, p, idx]) => __bench.enter.length > e && __bench.paints.slice(p).some(x => x[1] === idx && x[0] > __bench.enter[e])",
            arg=[marks[0], marks[1], idx], timeout=dl.ms(), polling="raf")
        page.wait_for_function(QUIET, arg=[0, 200], timeout=dl.ms(), polling=100)
        out.append(page.evaluate(
            """([e, p, idx]) => { const B = __bench, t0 = B.enter[e];
                 const paint = B.paints.slice(p).find(x => x[1] === idx && x[0] > t0)[0];
                 const busy = B.status.find(x => x[0] > t0 && x[1] === 'busy');
                 const idle = busy && B.status.find(x => x[0] > busy[0] && x[1] === 'idle');
                 const el = document.querySelectorAll('.jp-Notebook .jp-Cell')[idx].querySelector('[data-kernel-ms]');
                 return {latency_ms: paint - t0, kernel_busy_ms: idle ? idle[0] - busy[0] : null,
                         kernel_ms: el ? parseFloat(el.dataset.kernelMs) : null}; }""",
            [marks[0], marks[1], idx]))
    return out


def drags(page, idx: int, n: int, dl: Deadline) -> list[dict]:
    root = page.locator(".jp-Notebook .jp-Cell").nth(idx)
    slider = root.locator(".jp-OutputArea .widget-slider").first
    handle = slider.locator(".noUi-handle")
    out = []
    for k in range(n):
        slider.scroll_into_view_if_needed(timeout=dl.ms())
        track, knob = slider.locator(".noUi-base").bounding_box(), handle.bounding_box()
        x0, y = knob["x"] + knob["width"] / 2, knob["y"] + knob["height"] / 2
        x1 = track["x"] + track["width"] * (0.25 if k % 2 == 0 else 0.75)
        marks = page.evaluate("() => [__bench.release.length, __bench.paints.length, __bench.values.length, performance.now()]")
        page.mouse.move(x0, y)
        page.mouse.down()
        page.mouse.move(x1, y, steps=12)
        page.mouse.up()
        page.wait_for_function("(r) => __bench.release.length > r", arg=marks[0], timeout=dl.ms())
        release = page.evaluate("(r) => __bench.release[r]", marks[0])
        page.wait_for_function(QUIET, arg=[release, 500], timeout=dl.ms(), polling=100)
        out.append(page.evaluate(
            """([p, v, t0, rel, idx]) => { const B = __bench;
                 const paints = B.paints.slice(p).filter(x => x[1] === idx && x[0] > t0);
                 const values = B.values.slice(v).filter(x => x[1] === idx);
                 const last = paints.length ? paints[paints.length - 1][0] : null;
                 return {settle_ms: last === null ? null : Math.max(0, last - rel), figures: paints.length, values: values.length}; }""",
            [marks[1], marks[2], marks[3], release, idx]))
    return out


def bench_chapter(page, base: str, token: str, name: str, args, shots: bool) -> dict:
    dl = Deadline(args.timeout)
    path = CHAPTERS / f"{name}.md"
    original = path.read_bytes()
    result: dict = {"chapter": name, "explorers": []}
    page.goto(f"{base}/lab/workspaces/bench-{name}/tree/{name}.md?reset&token={token}", timeout=dl.ms())
    page.wait_for_function(
        "() => { const w = window.jupyterapp?.shell?.currentWidget; return w?.content?.model && w.sessionContext?.session?.kernel?.status === 'idle'; }",
        timeout=dl.ms(), polling=250)
    page.evaluate(INSTRUMENT)
    t = time.monotonic()
    page.evaluate("() => { jupyterapp.commands.execute('notebook:run-all-cells'); }")  # not awaited: the wait below has the deadline
    state = page.wait_for_function(RUN_STATE, timeout=dl.ms(), polling=500).json_value()
    result["run_all_s"] = time.monotonic() - t
    if state["errors"]:
        raise RuntimeError(f"{name}: cells raised: {state['errors'][:3]}")
    result["myst"] = page.evaluate(MYST_REPORT)
    if shots:
        proof = page.locator(".jp-MarkdownCell:has(.myst-proof)").first
        if proof.count():
            proof.scroll_into_view_if_needed()
            result["shot_theorem"] = save_shot(page.locator(".jp-NotebookPanel").first, f"{name}-theorem")
    explorers = page.evaluate(
        """() => jupyterapp.shell.currentWidget.content.widgets.map((w, i) => [w, i])
             .filter(([w]) => w.model.type === 'code' && w.node.querySelector('.jp-OutputArea .widget-slider')).map(([w, i]) => i)""")
    timing = page.evaluate(
        """(ids) => ids.map(i => { const c = jupyterapp.shell.currentWidget.content.widgets[i].model;
             const t = c.getMetadata('execution') || {}; const start = Date.parse(t['shell.execute_reply.started'] || t['iopub.execute_input']);
             const first = __bench.firstWidget[i]; return first && start ? first - start : null; })""", explorers)
    for idx, first in zip(explorers, timing):
        control = page.locator(".jp-Notebook .jp-Cell").nth(idx).locator(".jp-OutputArea .widget-slider .widget-label").first.inner_text()
        ex = {"cell": idx, "control": control, "first_widget_ms": first}
        ex["typed"] = typed_changes(page, idx, args.typed, dl)
        ex["drags"] = drags(page, idx, args.drags, dl)
        if shots and not result["explorers"]:
            result["shot_explorer"] = save_shot(page.locator(".jp-Notebook .jp-Cell").nth(idx), f"{name}-explorer")
        result["explorers"].append(ex)
    # Save as a reader would (Ctrl+S): the file on disk must not change.
    page.evaluate("() => { jupyterapp.commands.execute('docmanager:save'); }")
    page.wait_for_function("() => !jupyterapp.shell.currentWidget.context.model.dirty", timeout=dl.ms())
    saved = path.read_bytes()
    result["saved_unchanged"] = saved == original
    if saved != original:
        path.write_bytes(original)  # put the chapter back; the report says it was rewritten
    return result


def summary_rows(results: list[dict]) -> list[str]:
    rows = ["| chapter | control | typed median / p90 (ms) | kernel median (ms) | drag settle median (ms) | figures / values in drags | first widget (ms) |",
            "|---|---|---|---|---|---|---|"]
    fmt = lambda x: "-" if x is None else f"{x:.0f}"  # noqa: E731
    for r in results:
        for ex in r["explorers"]:
            lat = [t["latency_ms"] for t in ex["typed"]]
            own = [t["kernel_ms"] for t in ex["typed"] if t["kernel_ms"] is not None]
            busy = [t["kernel_busy_ms"] for t in ex["typed"] if t["kernel_busy_ms"] is not None]
            kern = statistics.median(own) if own else (statistics.median(busy) if busy else None)
            settle = [d["settle_ms"] for d in ex["drags"] if d["settle_ms"] is not None]
            rows.append(
                f"| {r['chapter']} | {ex['control']} | {fmt(statistics.median(lat)) if lat else '-'} / {fmt(percentile(lat, 0.9)) if lat else '-'} "
                f"| {fmt(kern)}{'' if own else ' (busy)'} | {fmt(statistics.median(settle)) if settle else '-'} "
                f"| {sum(d['figures'] for d in ex['drags'])} / {sum(d['values'] for d in ex['drags'])} | {fmt(ex['first_widget_ms'])} |")
    return rows


def myst_rows(results: list[dict]) -> list[str]:
    rows = ["| chapter | theorems+proofs | admonitions | exercises+solutions | citations (not found) | glue roles (shown raw) | math errors (macros) | saved unchanged |",
            "|---|---|---|---|---|---|---|---|"]
    for r in results:
        m = r["myst"]
        rows.append(f"| {r['chapter']} | {m['theorems_proofs']} | {m['admonitions']} | {m['exercises_solutions']} | {m['citations']} ({m['citations_not_found']}) "
                    f"| {m['glue_roles']} ({m['glue_shown_raw']}) | {m['math_errors']} ({' '.join(m['undefined_macros'])}) | {'yes' if r['saved_unchanged'] else 'NO'} |")
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("chapters", nargs="*", help="chapter names (default: every chapter with an explorer)")
    parser.add_argument("--typed", type=int, default=5, help="typed values per explorer (default 5)")
    parser.add_argument("--drags", type=int, default=2, help="mouse drags per explorer (default 2)")
    parser.add_argument("--timeout", type=float, default=900, help="seconds allowed per chapter (default 900)")
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    parser.add_argument("--no-screenshots", action="store_true")
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        print(f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium; or set BOOK_CHROMIUM)", file=sys.stderr)
        return 2
    names = args.chapters or explorer_chapters()
    from playwright.sync_api import sync_playwright

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the clean-up below on kill too
    results, failures = [], []
    with tempfile.TemporaryDirectory(prefix="bench-live-") as tmp, jupyterlab(Path(tmp), timeout=180) as (base, token), \
            sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS, headless=True)
        try:
            for i, name in enumerate(names):
                page = browser.new_page(viewport={"width": 1280, "height": 860})
                try:
                    r = bench_chapter(page, base, token, name, args, shots=not args.no_screenshots)
                    results.append(r)
                    print(f"{name}: ran all cells in {r['run_all_s']:.0f} s; {len(r['explorers'])} explorer(s); "
                          f"saved unchanged: {r['saved_unchanged']}", flush=True)
                except Exception as err:  # report and go on with the next chapter
                    failures.append(f"{name}: {type(err).__name__}: {str(err)[:300]}")
                    print(f"{name}: FAILED {failures[-1]}", flush=True)
                    with contextlib.suppress(Exception):
                        save_shot(page, f"{name}-failure")
                finally:
                    page.close()
                    with contextlib.suppress(Exception):
                        for kernel in api(base, token, "/api/kernels"):
                            api(base, token, f"/api/kernels/{kernel['id']}", "DELETE")
        finally:
            browser.close()
    print()
    print("\n".join(summary_rows(results)))
    print()
    print("\n".join(myst_rows(results)))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    for f in failures:
        print("FAILED", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
