"""Portable notebooks: the executed chapters as plain Jupyter notebooks that read like the book anywhere.

The chapters are MyST notebooks.  A plain Jupyter front end (Colab, JupyterLab
without ``jupyterlab-myst``, VS Code, GitHub's viewer) shows their MyST syntax
raw: glued numbers missing, ``{prf:theorem}`` fences, ``{cite:t}`` roles, every
solution.  This module turns an *executed* chapter notebook into one with plain
CommonMark markdown cells:

* the book's TeX macros (``mathjax3_config.tex.macros`` of ``_config.yml``, the one
  definition) as a first markdown cell of ``\\newcommand``s;
* ``{glue:text}`name:fmt``` and ``{glue:}`name``` replaced by the value the
  executed notebook glued, formatted exactly as myst-nb formats it;
* theorems, proofs, admonitions and exercises as titled blockquotes; solutions as
  "Solution" blockquotes, or removed (student edition);
* ``{cite:t}``/``{cite:p}`` as "Seddik et al. (2024)" / "(Seddik et al., 2024)",
  with the cited works listed at the end (from ``references.bib``);
* ``(label)=`` targets removed, and ``{ref}``, ``{prf:ref}``, ``{numref}``,
  ``{doc}``, ``{eq}`` and ``{func}`` as links to the page of the published website;
* code cells and their outputs unchanged (the hidden set-up cell stays: it
  installs ``collapse_utils`` on Colab).

:func:`convert` works on a notebook and a :class:`Context` (what the labels,
glue names and citation keys resolve to), so it is tested on small synthetic
inputs; ``tools/book_ext.py`` builds the context from the Sphinx environment and
writes ``_notebooks/<page>.ipynb`` next to the website at the end of each build.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import nbformat
import yaml

ROOT = Path(__file__).resolve().parent.parent

# --- The book's TeX macros, defined once in _config.yml ---------------------------------------------

# Control words that plain TeX/LaTeX (and so MathJax and KaTeX) already define: a book macro with one
# of these names must be \renewcommand'ed (KaTeX refuses \newcommand on an existing name).
PREDEFINED = frozenset(
    "P S L O H AA aa AE ae OE oe o l i j b c d t u v k r ss dag ddag Pr det dim exp gcd hom inf ker lg lim "
    "ln log max min sup deg arg Re Im".split()
)


def book_macros(root: Path = ROOT) -> dict[str, str]:
    """``sphinx.config.mathjax3_config.tex.macros`` of ``_config.yml``: name -> TeX body.

    A body given as ``[body, nargs]`` (MathJax's form for macros with arguments) is kept as
    ``body`` with ``#1``... placeholders; :func:`newcommands` adds the argument count.
    """
    config = yaml.safe_load((root / "_config.yml").read_text())
    macros = config["sphinx"]["config"]["mathjax3_config"]["tex"]["macros"]
    return dict(macros)


def newcommands(macros: dict[str, Any]) -> str:
    """``\\newcommand{\\E}{\\mathbb{E}}...`` for every macro (``\\renewcommand`` for TeX's own names)."""
    parts = []
    for name, body in macros.items():
        nargs = ""
        if isinstance(body, (list, tuple)):
            body, n = body[0], int(body[1])
            nargs = f"[{n}]"
        command = "renewcommand" if name in PREDEFINED else "newcommand"
        parts.append(f"\\{command}{{\\{name}}}{nargs}{{{body}}}")
    return "".join(parts)


def macro_cell_source(macros: dict[str, Any]) -> str:
    """The markdown of the portable notebooks' first cell: the macros, typeset invisibly by MathJax."""
    return f"*The book's TeX macros, used by the formulas below:* ${newcommands(macros)}$"


# --- What a notebook's references resolve to -----------------------------------------------------


@dataclass
class Target:
    """Where a label points on the website, and the text a reference to it shows."""

    url: str
    text: str


@dataclass
class Context:
    """Everything :func:`convert` needs besides the notebook itself.

    ``labels`` maps a label (``{ref}``, ``{prf:ref}``, ``{numref}``, ``{eq}`` targets, exercise
    labels, ``{doc}`` names and Python objects for ``{func}``) to its :class:`Target`; ``titles``
    maps a directive label to its numbered title on the website ("Theorem 1", "Exercise 2").
    ``cite`` formats one citation key in ``"t"`` (textual) or ``"p"`` (parenthetical) form, and
    ``reference`` gives the reference-list entry of a key.
    """

    page_url: str = ""
    labels: dict[str, Target] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)
    cite: Callable[[str, str], str] | None = None
    reference: Callable[[str], str] | None = None
    macros: dict[str, Any] = field(default_factory=dict)
    student: bool = False
    book_title: str = "the book"


class PortableError(ValueError):
    """A chapter uses something the portable notebook cannot express (unknown label, glue name...)."""


# --- Glue ----------------------------------------------------------------------------------------


def glue_data(nb: nbformat.NotebookNode) -> dict[str, dict[str, Any]]:
    """The glued values of an executed notebook: name -> mime bundle (prefix removed)."""
    found = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            meta = output.get("metadata", {}).get("scrapbook")
            if not meta:
                continue
            prefix = len(meta.get("mime_prefix", ""))
            found[meta["name"]] = {key[prefix:]: value for key, value in output.get("data", {}).items()}
    return found


def _glue_text(bundle: dict[str, Any], fmt_spec: str) -> str:
    from myst_nb.core.variables import format_plain_text  # exactly what the website shows

    text = bundle.get("text/plain")
    if text is None:
        raise PortableError("a glued value has no text/plain representation")
    if isinstance(text, list):
        text = "".join(text)
    return format_plain_text(text, fmt_spec)


# --- Markdown conversion ---------------------------------------------------------------------------

ROLE = re.compile(r"\{(?P<name>[A-Za-z][\w:+-]*)\}(?P<ticks>`+)(?P<body>.+?)(?P=ticks)", re.S)
LABEL_LINE = re.compile(r"^\s*\([\w.:-]+\)=\s*$")
FENCE_OPEN = re.compile(r"^(?P<indent>\s*)(?P<fence>:{3,}|`{3,}|~{3,})\{(?P<name>[\w:-]+)\}\s*(?P<arg>.*?)\s*$")
PLAIN_FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,})(?!\{)")
OPTION = re.compile(r"^\s*:(?P<key>[\w-]+):\s*(?P<value>.*?)\s*$")
EQ_LABEL = re.compile(r"^(\s*\$\$)\s*\([\w.:-]+\)\s*$")

PROOF_KINDS = {
    "theorem": "Theorem",
    "proposition": "Proposition",
    "lemma": "Lemma",
    "corollary": "Corollary",
    "definition": "Definition",
    "conjecture": "Conjecture",
    "example": "Example",
    "remark": "Remark",
    "property": "Property",
    "observation": "Observation",
    "axiom": "Axiom",
    "criterion": "Criterion",
    "algorithm": "Algorithm",
    "assumption": "Assumption",
    "notation": "Notation",
}


def _one_line_math(match: re.Match) -> str:
    tex = match.group(1)
    if re.search(r"(?<!\\)%", tex):  # a TeX comment ends at the newline: keep the lines
        return match.group(0)
    return "$$" + " ".join(line.strip() for line in tex.strip().split("\n")) + "$$"


def _quote(title: str, body: str) -> str:
    """A titled blockquote: ``> **title**`` then the body, every line quoted.

    Display math goes on one line: JupyterLab takes the formulas out of a cell's text before it
    parses the Markdown, so the ``> `` of a quoted multi-line formula would end up in the TeX.
    """
    body = re.sub(r"\$\$(.+?)\$\$", _one_line_math, body, flags=re.S)
    lines = [f"> **{title}**" if title else ">"]
    if body.strip():
        lines.append(">")
        lines += [f"> {line}".rstrip() for line in body.strip("\n").split("\n")]
    return "\n".join(lines)


class _Converter:
    def __init__(self, ctx: Context, glue: dict[str, dict[str, Any]]):
        self.ctx = ctx
        self.glue = glue
        self.cited: list[str] = []

    # Roles ------------------------------------------------------------------------------------
    def _link(self, label: str, text: str | None, kind: str) -> str:
        target = self.ctx.labels.get(label)
        if target is None:  # as on the website, which also warns (and fails the strict build)
            return text or label
        shown = text or target.text
        return f"[{shown}]({target.url})"

    def _cite(self, keys: str, mode: str) -> str:
        if self.ctx.cite is None:
            raise PortableError("citations need a bibliography (Context.cite)")
        parts = [k.strip() for k in keys.split(",") if k.strip()]
        for key in parts:
            if key not in self.cited:
                self.cited.append(key)
        if mode == "t":
            return "; ".join(self.ctx.cite(key, "t") for key in parts)
        return "(" + "; ".join(self.ctx.cite(key, "p") for key in parts) + ")"

    def role(self, match: re.Match) -> str:
        name, body = match.group("name"), match.group("body")
        explicit = re.fullmatch(r"(?P<text>.+?)\s*<(?P<target>[^<>]+)>", body, re.S)
        text, target = (explicit.group("text"), explicit.group("target")) if explicit else (None, body)
        if name in ("glue:text", "glue:", "glue"):
            key, fmt_spec = body.rsplit(":", 1) if (":" in body and name == "glue:text") else (body, "s")
            if key not in self.glue:
                raise PortableError(f"no glued value named {key!r}")
            return _glue_text(self.glue[key], fmt_spec)
        if name == "glue:md":
            key = body.rsplit(":", 1)[0]
            if key not in self.glue or "text/markdown" not in self.glue[key]:
                raise PortableError(f"no glued markdown named {key!r}")
            value = self.glue[key]["text/markdown"]
            return "".join(value) if isinstance(value, list) else value
        if name in ("cite:t", "cite:p", "cite", "cite:ps", "cite:ts"):
            return self._cite(body, "t" if name.startswith("cite:t") else "p")
        if name in ("ref", "prf:ref", "numref", "doc", "eq", "any"):
            label = target.strip().lstrip("/")
            if name == "doc":
                label = "doc:" + label.removesuffix(".md").removesuffix(".ipynb")
            if name == "numref" and text and "{number}" in text:
                number = self.ctx.titles.get(label, "").split(" ")[-1]
                text = text.replace("{number}", number)
            return self._link(label, text, name)
        if name in ("func", "class", "meth", "mod", "py:func", "py:class", "py:meth", "py:mod", "attr", "obj"):
            short = target.startswith("~")
            full = target.lstrip("~")
            shown = text or (full.split(".")[-1] if short else full) + ("()" if name.endswith("func") or name.endswith("meth") else "")
            hit = self.ctx.labels.get("py:" + full)
            return f"[`{shown}`]({hit.url})" if hit else f"`{shown}`"
        if name == "math":
            return f"${body}$"
        if name in ("sub", "sup", "abbr", "term", "download", "kbd", "guilabel", "code", "literal"):
            return f"`{text or target}`" if name in ("code", "literal", "kbd") else (text or target)
        raise PortableError(f"role {{{name}}} has no portable form")

    def inline(self, text: str) -> str:
        return ROLE.sub(self.role, text)

    # Directives -----------------------------------------------------------------------------------
    def directive(self, name: str, arg: str, options: dict[str, str], body: str) -> str:
        inner = self.convert(body)
        label = options.get("label", "")
        if name.startswith("prf:"):
            kind = name[4:]
            if kind == "proof":
                return _quote("Proof.", inner + "\n\n∎")
            word = PROOF_KINDS.get(kind, kind.capitalize())
            numbered = self.ctx.titles.get(label) or word
            title = f"{numbered} ({self.inline(arg)})" if arg else numbered
            return _quote(title, inner)
        if name == "exercise":
            numbered = self.ctx.titles.get(label) or "Exercise"
            return _quote(f"{numbered} ({self.inline(arg)})" if arg else numbered, inner)
        if name == "solution":
            if self.ctx.student:
                return ""
            of = self.ctx.titles.get(arg.strip())
            return _quote(f"Solution to {of}" if of else "Solution", inner)
        if name in ("admonition",):
            return _quote(self.inline(arg), inner)
        if name in ("note", "tip", "hint", "important", "warning", "caution", "attention", "danger", "error", "seealso"):
            title = {"seealso": "See also"}.get(name, name.capitalize())
            return _quote(title, (self.inline(arg) + "\n\n" if arg else "") + inner)
        if name == "math":
            return f"$$\n{body.strip()}\n$$"
        if name in ("code-block", "code", "sourcecode"):
            return f"```{arg}\n{body.rstrip()}\n```"
        if name in ("figure", "image"):
            alt = options.get("alt", "")
            return f"![{alt}]({arg})" + (f"\n\n{inner}" if inner.strip() else "")
        if name in ("dropdown", "card", "topic", "sidebar", "margin", "epigraph", "div", "container"):
            return _quote(self.inline(arg), inner) if arg else inner
        return _quote(
            f"This part of the page ({name}) is shown on the website",
            f"[Open it on the website]({self.ctx.page_url})" if self.ctx.page_url else "",
        )

    def convert(self, text: str) -> str:
        lines = text.split("\n")
        out: list[str] = []
        i = 0
        plain_fence: str | None = None
        while i < len(lines):
            line = lines[i]
            if plain_fence is not None:  # inside a plain code block: copy verbatim
                out.append(line)
                if line.strip().startswith(plain_fence) and set(line.strip()) == {plain_fence[0]}:
                    plain_fence = None
                i += 1
                continue
            opener = FENCE_OPEN.match(line)
            if opener:
                fence, indent = opener.group("fence"), opener.group("indent")
                j = i + 1
                options: dict[str, str] = {}
                while j < len(lines) and OPTION.match(lines[j]):
                    option = OPTION.match(lines[j])
                    options[option.group("key")] = option.group("value")
                    j += 1
                # The block ends at the first bare fence of the same character at least as long
                # (MyST nests directives by lengthening the outer fence).
                close = re.compile(rf"^\s*{re.escape(fence[0])}{{{len(fence)},}}\s*$")
                k = j
                while k < len(lines) and not close.match(lines[k]):
                    k += 1
                body = "\n".join(line_[len(indent) :] if line_.startswith(indent) else line_ for line_ in lines[j:k])
                rendered = self.directive(opener.group("name"), opener.group("arg"), options, body)
                if rendered:
                    out += [indent + r if r else r for r in rendered.split("\n")]
                i = k + 1
                continue
            plain = PLAIN_FENCE.match(line)
            if plain:
                plain_fence = plain.group("fence")
                out.append(line)
                i += 1
                continue
            if LABEL_LINE.match(line):
                i += 1
                continue
            eq = EQ_LABEL.match(line)
            if eq:
                out.append(eq.group(1))
                i += 1
                continue
            out.append(line)
            i += 1
        return self.inline("\n".join(out))


def _cell_tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def convert(
    nb: nbformat.NotebookNode, ctx: Context, glue: dict[str, dict[str, Any]] | None = None
) -> nbformat.NotebookNode:
    """The portable version of an executed MyST notebook (a new notebook; ``nb`` is not changed).

    ``glue`` maps glue names to mime bundles; by default they are read from the notebook's own
    glue outputs (myst-nb removes those from the notebook it saves and writes them to
    ``<page>.glue.json`` instead, which is what the build passes here).

    Raises :class:`PortableError` for an unknown glue name or citation key and for a role with no
    portable form, so a build never publishes a notebook with a hole in its text.  A reference to
    an unknown label keeps its text, as on the website (where Sphinx warns about it).
    """
    nb = copy.deepcopy(nb)
    converter = _Converter(ctx, glue_data(nb) if glue is None else glue)
    cells = [nbformat.v4.new_markdown_cell(macro_cell_source(ctx.macros))] if ctx.macros else []
    if cells:
        cells[0].metadata["tags"] = ["book-macros"]
    title_done = False
    for cell in nb.cells:
        tags = _cell_tags(cell)
        if cell.cell_type == "markdown":
            if "remove-cell" in tags or "remove_cell" in tags:
                continue  # e.g. the chapter's own macro cell (jupyterlab-myst front matter)
            text = "".join(cell.source) if isinstance(cell.source, list) else cell.source
            source = converter.convert(text).strip("\n")
            source = re.sub(r"\n{3,}", "\n\n", source)
            if not source.strip():
                continue
            if not title_done and ctx.page_url and re.match(r"^# ", source):
                head, _, rest = source.partition("\n")
                note = (
                    f"*A chapter of the book “{ctx.book_title}” as a plain notebook, with its outputs. "
                    f"[Read it on the website]({ctx.page_url}).*"
                )
                source = f"{head}\n\n{note}" + (f"\n\n{rest.lstrip()}" if rest.strip() else "")
                title_done = True
            new = nbformat.v4.new_markdown_cell(source)
            new.metadata = {key: value for key, value in cell.metadata.items() if key != "tags"}
            cells.append(new)
        elif cell.cell_type == "code":
            cell.metadata.pop("execution", None)
            if {"remove-cell", "remove-input", "hide-input", "hide-cell"} & set(tags):
                cell.metadata.setdefault("jupyter", {})["source_hidden"] = True
            cells.append(cell)
        else:
            cells.append(cell)
    if converter.cited:
        if ctx.reference is None:
            raise PortableError("citations need a reference list (Context.reference)")
        order = getattr(ctx.reference, "order", ctx.reference)
        entries = "\n".join(f"- {ctx.reference(key)}" for key in sorted(converter.cited, key=order))
        cells.append(nbformat.v4.new_markdown_cell(f"## References\n\n{entries}"))
    nb.cells = cells
    for key in ("jupytext", "source_map", "wordcount"):
        nb.metadata.pop(key, None)
    return nb


# --- Citations from references.bib ---------------------------------------------------------------


def _last_names(person) -> str:
    return " ".join(part for part in person.rich_prelast_names + person.rich_last_names for part in [str(part)])


def _clean(text: str) -> str:
    return re.sub(r"[{}]", "", text).replace("\\&", "&").replace("--", "–")


def bibliography(bibfiles: list[Path]) -> tuple[Callable[[str, str], str], Callable[[str], str]]:
    """``(cite, reference)`` functions for the keys of ``bibfiles`` (author-year, as the website)."""
    from pybtex.database import parse_file
    from pybtex.plugin import find_plugin

    data = None
    for path in bibfiles:
        parsed = parse_file(str(path), bib_format="bibtex")
        if data is None:
            data = parsed
        else:
            for key, entry in parsed.entries.items():
                data.add_entry(key, entry)
    assert data is not None
    style = find_plugin("pybtex.style.formatting", "plain")()
    formatted = {entry.key: entry for entry in style.format_entries(data.entries.values())}

    def authors(key: str) -> str:
        if key not in data.entries:
            raise PortableError(f"unknown citation key {key!r}")
        entry = data.entries[key]
        people = entry.persons.get("author") or entry.persons.get("editor") or []
        names = [_clean(_last_names(p)) for p in people]
        if not names:
            return _clean(entry.fields.get("organization", entry.fields.get("title", key)))
        if len(names) == 1:
            return names[0]
        if len(names) == 2:
            return f"{names[0]} and {names[1]}"
        return f"{names[0]} et al."

    def year(key: str) -> str:
        return data.entries[key].fields.get("year", "n.d.")

    def cite(key: str, mode: str) -> str:
        return f"{authors(key)} ({year(key)})" if mode == "t" else f"{authors(key)}, {year(key)}"

    def reference(key: str) -> str:
        if key not in formatted:
            raise PortableError(f"unknown citation key {key!r}")
        text = formatted[key].text.render_as("markdown").replace("\\", "")
        return re.sub(r"\s*\n\s*", " ", text).strip()

    def order(key: str) -> tuple[str, str]:
        return authors(key), year(key)

    reference.order = order  # type: ignore[attr-defined]  # author-year lists are sorted by author
    return cite, reference


def site_url(repository_url: str) -> str:
    """The GitHub Pages address of a GitHub repository: ``https://OWNER.github.io/REPO/``."""
    match = re.fullmatch(r"https?://github\.com/([^/]+)/([^/]+?)(?:\.git)?/?", repository_url.strip())
    if not match:
        raise ValueError(f"repository_url must be https://github.com/OWNER/REPO, not {repository_url!r}")
    owner, repo = match.groups()
    if repo.lower() == f"{owner.lower()}.github.io":
        return f"https://{owner.lower()}.github.io/"
    return f"https://{owner.lower()}.github.io/{repo}/"


def strip_solutions(text: str) -> str:
    """MyST source with every ``{solution}`` block removed (the student edition's downloads)."""
    lines = text.split("\n")
    out, i = [], 0
    while i < len(lines):
        opener = FENCE_OPEN.match(lines[i])
        if opener and opener.group("name") == "solution":
            fence = opener.group("fence")
            close = re.compile(rf"^\s*{re.escape(fence[0])}{{{len(fence)},}}\s*$")
            k = i + 1
            while k < len(lines) and not close.match(lines[k]):
                k += 1
            i = k + 1
            while i < len(lines) and not lines[i].strip() and out and not out[-1].strip():
                i += 1
            continue
        out.append(lines[i])
        i += 1
    return "\n".join(out)
