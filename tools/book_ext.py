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
* **No progress bars in the build.**  It sets ``COLLAPSE_PROGRESS=0`` before the
  chapters run, so ``collapse_utils.notebook.progress`` stays silent (a bar saved
  into a static page would be a dead widget).
"""

from __future__ import annotations

import os
from typing import Any

from sphinx.application import Sphinx

COLAB_PREFIX = "https://colab.research.google.com/github/"


def _colab_to_notebook(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree) -> None:
    """Rewrite the Colab launch link of a chapter to its ``.ipynb`` in the site branch."""
    if not context.get("ipynb_source"):
        return
    for button in context.get("header_buttons", []):
        for entry in button.get("buttons", []):
            url = entry.get("url", "")
            if entry.get("text") == "Colab" and url.startswith(COLAB_PREFIX):
                org, repo = url[len(COLAB_PREFIX) :].split("/")[:2]
                branch = app.config.book_site_branch
                entry["url"] = f"{COLAB_PREFIX}{org}/{repo}/blob/{branch}/_sources/{context['ipynb_source']}"
                entry["tooltip"] = "Open this chapter as a notebook in Colab"


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
    app.connect("html-page-context", _colab_to_notebook, priority=502)
    app.connect("html-page-context", _drop_duplicate_scripts, priority=900)  # after the theme's launch buttons (501)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
