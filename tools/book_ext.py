"""The book's own small Sphinx extension (loaded through ``local_extensions`` in ``_config.yml``).

It does two things that no configuration key of Jupyter Book v1 does:

* **Colab opens the notebook, not the markdown source.**  sphinx-book-theme's Colab
  button points at ``chapters/<name>.md`` on GitHub, which Colab cannot open.
  The theme already copies every executed chapter as ``.ipynb`` into
  ``_sources/`` of the site (that is the ``.ipynb`` entry of the download menu);
  this extension points the Colab button at that notebook in the branch that
  hosts the published site (``book_site_branch``, default ``gh-pages``).
* **No JavaScript errors in the pages.**  sphinx-thebe's configuration script
  (``const THEBE_JS_URL = ...``) is added twice in a Jupyter Book v1 build, and the
  second copy throws "Identifier 'THEBE_JS_URL' has already been declared"; the
  extension drops exact duplicates of inline scripts.  pydata-sphinx-theme logs
  "Got invalid theme mode" when no ``default_mode`` is set; it sets ``auto``
  (follow the reader's system setting, which is what the theme falls back to).
* **Portable notebooks for Colab and the download menu.**  At the end of the build
  every executed chapter is written as ``_notebooks/<page>.ipynb`` by
  ``tools/portable.py`` (plain markdown: glued numbers filled in, theorems and
  exercises as blockquotes, citations and cross-references as text and links to
  the published site, the book's TeX macros in a first cell).  The ``.ipynb``
  download and the Colab button point at it.  In the student edition
  (``hide_solutions: true``) the portable notebooks have no solutions, the copies
  of the sources in ``_sources/`` (the ``.md`` download) have their solution blocks
  removed, and the Binder button opens the student notebook from the published
  site's branch.
* **No progress bars in the build.**  It sets ``COLLAPSE_PROGRESS=0`` before the
  chapters run, so ``collapse_utils.notebook.progress`` stays silent (a bar saved
  into a static page would be a dead widget).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import nbformat
from sphinx.application import Sphinx
from sphinx.util import logging

sys.path.insert(0, str(Path(__file__).resolve().parent))
import portable  # noqa: E402  (tools/portable.py, next to this file)

LOGGER = logging.getLogger(__name__)

COLAB_PREFIX = "https://colab.research.google.com/github/"


NOTEBOOKS = "_notebooks"  # folder of the portable notebooks in the site


def _student(app: Sphinx) -> bool:
    return bool(getattr(app.config, "hide_solutions", False))


def _colab_to_notebook(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree) -> None:
    """Point the Colab button and the ``.ipynb`` download at the chapter's portable notebook.

    Colab reads it from the branch that hosts the published site (``book_site_branch``), under
    ``book_site_path`` (``student/`` for the student edition).  In the student edition the Binder
    button opens the same notebook from that branch, which has no solutions.
    """
    if not context.get("ipynb_source"):
        return
    notebook = f"{NOTEBOOKS}/{pagename}.ipynb"
    branch, site_path = app.config.book_site_branch, app.config.book_site_path
    for button in context.get("header_buttons", []):
        for entry in button.get("buttons", []):
            url = entry.get("url", "")
            if entry.get("label") == "download-notebook-button":
                entry["url"] = context["pathto"](NOTEBOOKS, 1) + f"/{pagename}.ipynb"
                entry["tooltip"] = "Download this chapter as a plain notebook (with its outputs)"
            elif entry.get("text") == "Colab" and url.startswith(COLAB_PREFIX):
                org, repo = url[len(COLAB_PREFIX) :].split("/")[:2]
                entry["url"] = f"{COLAB_PREFIX}{org}/{repo}/blob/{branch}/{site_path}{notebook}"
                entry["tooltip"] = "Open this chapter as a notebook in Colab"
            elif entry.get("text") == "Binder" and _student(app) and "/v2/gh/" in url:
                head = url.split("?")[0].rsplit("/", 1)[0]  # .../v2/gh/ORG/REPO
                entry["url"] = f"{head}/{branch}?urlpath=lab/tree/{site_path}{notebook}"
                entry["tooltip"] = "Open this chapter live on Binder (student edition)"


def _context(app: Sphinx, docname: str, site: str) -> portable.Context:
    """What the labels, equations, objects and citations of the book resolve to, for one page."""
    env = app.env
    ctx = portable.Context(page_url=f"{site}{docname}.html")
    numbers: dict[str, str] = {}
    for doc, kinds in env.toc_fignumbers.items():
        for kind, ids in kinds.items():
            for node_id, number in ids.items():
                word = portable.PROOF_KINDS.get(kind, kind.capitalize())
                numbers[node_id] = f"{word} {'.'.join(map(str, number))}"
    for label, (doc, anchor, title) in env.domaindata["std"]["labels"].items():
        ctx.labels[label] = portable.Target(f"{site}{doc}.html#{anchor}", numbers.get(label, title))
    for label, entry in getattr(env, "proof_list", {}).items():
        anchor = (entry.get("ids") or [label])[0]
        text = numbers.get(label, portable.PROOF_KINDS.get(entry.get("realtype", ""), "Result"))
        ctx.labels[label] = portable.Target(f"{site}{entry['docname']}.html#{anchor}", text)
    for label, entry in getattr(env, "sphinx_exercise_registry", {}).items():
        if label in numbers:
            ctx.labels.setdefault(label, portable.Target(f"{site}{entry['docname']}.html#{label}", numbers[label]))
    for label, (doc, number) in env.domaindata["math"]["objects"].items():
        ctx.labels[label] = portable.Target(f"{site}{doc}.html#equation-{label}", f"({number})" if number else label)
    for name, entry in env.domaindata["py"]["objects"].items():
        ctx.labels["py:" + name] = portable.Target(f"{site}{entry[0]}.html#{entry[1]}", name)
    for doc, title in env.titles.items():
        ctx.labels["doc:" + doc] = portable.Target(f"{site}{doc}.html", title.astext())
    ctx.titles = numbers
    return ctx


def _write_portable_notebooks(app: Sphinx, exception: Exception | None) -> None:
    """Write ``_notebooks/<page>.ipynb`` for every executed chapter; strip solutions in the student edition."""
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    executed = outdir.parent / "jupyter_execute"
    repository = (app.config.html_theme_options or {}).get("repository_url", "")
    site = portable.site_url(repository) + app.config.book_site_path
    bibfiles = [Path(app.srcdir) / f for f in getattr(app.config, "bibtex_bibfiles", [])]
    cite, reference = portable.bibliography(bibfiles) if bibfiles else (None, None)
    macros = ((app.config.mathjax3_config or {}).get("tex") or {}).get("macros") or {}
    written = 0
    for docname in sorted(app.env.found_docs):
        source = executed / f"{docname}.ipynb"
        if not source.is_file():
            continue
        nb = nbformat.read(source, as_version=4)
        glue_file = executed / f"{docname}.glue.json"
        glue = None
        if glue_file.is_file():
            glue = {name: output.get("data", {}) for name, output in json.loads(glue_file.read_text()).items()}
        ctx = _context(app, docname, site)
        ctx.cite, ctx.reference, ctx.macros, ctx.student = cite, reference, dict(macros), _student(app)
        ctx.book_title = app.config.html_title or app.config.project
        try:
            out = portable.convert(nb, ctx, glue=glue)
        except portable.PortableError as error:
            LOGGER.warning(f"{docname}: no portable notebook: {error}", type="book", subtype="portable")
            continue
        target = outdir / NOTEBOOKS / f"{docname}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(out, target)
        written += 1
    if _student(app):
        _strip_solutions_from_sources(outdir / "_sources")
    LOGGER.info(f"portable notebooks: {written} written to {outdir / NOTEBOOKS}")


def _strip_solutions_from_sources(sources: Path) -> None:
    """Remove the ``{solution}`` blocks from the copies of the sources the site serves."""
    for path in sources.rglob("*"):
        if path.suffix in (".md", ".txt") and path.is_file():
            text = path.read_text()
            stripped = portable.strip_solutions(text)
            if stripped != text:
                path.write_text(stripped)
        elif path.suffix == ".ipynb":
            nb = nbformat.read(path, as_version=4)
            for cell in nb.cells:
                if cell.cell_type == "markdown":
                    cell.source = portable.strip_solutions(cell.source)
            nbformat.write(nb, path)


def _drop_duplicate_scripts(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree) -> None:
    """Keep only the first of identical script entries (same file, same inline body)."""
    seen, kept = set(), []
    for script in context.get("script_files", []):
        key = (str(getattr(script, "filename", script) or ""), repr(sorted(getattr(script, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            kept.append(script)
    if "script_files" in context:
        context["script_files"][:] = kept
    context["default_mode"] = context.get("default_mode") or "auto"


def setup(app: Sphinx) -> dict[str, Any]:
    os.environ["COLLAPSE_PROGRESS"] = "0"  # inherited by the kernels that execute the chapters
    os.environ["COLLAPSE_BOOK_BUILD"] = "1"  # explorers show precomputed frames (collapse_utils.widgets.explore)
    app.add_config_value("book_site_branch", "gh-pages", "html")
    app.add_config_value("book_site_path", "", "html")  # where this edition sits in the site ("student/")
    app.connect("html-page-context", _colab_to_notebook, priority=502)
    app.connect("html-page-context", _drop_duplicate_scripts, priority=900)  # after the theme's launch buttons (501)
    app.connect("build-finished", _write_portable_notebooks)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
