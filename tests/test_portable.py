"""Portable notebooks (tools/portable.py) and the chapters' macro cell (tools/macro_cell.py).

Fast tests run the converter on small synthetic notebooks.  The ``book`` tests open
every portable notebook of a built site (the ``built_site`` fixture, or
``BOOK_HTML=path/to/_build/html``) and fail on any MyST syntax left, a glued value
missing, or a TeX macro that MathJax does not know.  The macro check typesets every
formula of the notebook with the site's own MathJax in Chromium, after the
notebook's macro cell and with MathJax's ``noundefined`` package removed, so an
undefined ``\\name`` is an error exactly as a reader's Jupyter would show it.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import macro_cell  # noqa: E402
import portable  # noqa: E402

# --- What "no MyST left" means ----------------------------------------------------------------------

LEFTOVERS = {
    "role": re.compile(r"\{[A-Za-z][\w:+-]*\}`"),
    "colon directive": re.compile(r"^\s*(>\s*)*:{3,}\{", re.M),
    "backtick directive": re.compile(r"^\s*(>\s*)*`{3,}\{", re.M),
    "label target": re.compile(r"^\s*(>\s*)*\([\w.:-]+\)=\s*$", re.M),
    "directive option": re.compile(r"^\s*(>\s*)*:(label|class|tags|name):", re.M),
    # JupyterLab extracts formulas before parsing Markdown: a quoted formula must fit on one line
    "quoted multi-line formula": re.compile(r"^\s*>[^$\n]*(\$\$[^$\n]*\$\$[^$\n]*)*\$\$[^$\n]*$", re.M),
}


def leftover_myst(markdown: str) -> list[str]:
    """The MyST constructs still present in a markdown text (code blocks excluded)."""
    text = re.sub(r"^(\s*(?:>\s*)*)(`{3,}|~{3,})(?!\{)[^\n]*\n.*?^\1\2\s*$", "", markdown, flags=re.S | re.M)
    return [f"{kind}: {m.group(0).strip()[:60]!r}" for kind, rx in LEFTOVERS.items() for m in rx.finditer(text)]


def math_of(markdown: str) -> list[str]:
    """The TeX of every formula of a markdown text: ``$$…$$``, ``$…$`` and bare ``\\begin{env}…\\end{env}``."""
    text = re.sub(r"^(\s*(?:>\s*)*)(`{3,}|~{3,})[^\n]*\n.*?^\1\2\s*$", "", markdown, flags=re.S | re.M)
    text = re.sub(r"`[^`\n]*`", "", text)
    text = re.sub(r"^\s*(>\s?)+", "", text, flags=re.M)  # formulas inside blockquotes
    found = []
    for m in re.finditer(r"\$\$(.+?)\$\$|(?<![\\$])\$([^$\n]+?)\$|\\begin\{(\w+\*?)\}.*?\\end\{\3\}", text, re.S):
        found.append(m.group(1) or m.group(2) or m.group(0))
    return found


def test_leftover_check_catches_each_construct():
    assert leftover_myst("plain $x$ and a [link](http://x) and `code`") == []
    assert leftover_myst("```python\n{ref}`inside a code block is fine`\n```") == []
    for sample in (
        "see {ref}`chap-x`",
        ":::{prf:theorem} T\nbody\n:::",
        "```{exercise}\nbody\n```",
        "(chap-x)=\n# Title",
        "> :label: thm-x",
        "> $$\n> x = 1\n> $$",
    ):
        assert leftover_myst(sample), sample


# --- Small synthetic notebooks ---------------------------------------------------------------------


def _glue_output(name: str, text: str):
    return nbformat.v4.new_output(
        "display_data",
        data={"application/papermill.record/text/plain": text},
        metadata={"scrapbook": {"name": name, "mime_prefix": "application/papermill.record/"}},
    )


BIB = """
@article{seddik2024bad, author = {Seddik, Mohamed El Amine and Chen, Suei-Wen and Hayou, Soufiane},
  title = {How bad is training on synthetic data?}, journal = {COLM}, year = {2024}}
@book{ewens2004mathematical, author = {Ewens, Warren J.}, title = {Mathematical Population Genetics},
  publisher = {Springer}, year = {2004}}
@article{two2020, author = {Alpha, Ann and Beta, Bob}, title = {Two authors}, journal = {J}, year = {2020}}
"""


@pytest.fixture()
def ctx(tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB)
    cite, reference = portable.bibliography([bib])
    site = "https://owner.github.io/repo/"
    return portable.Context(
        page_url=site + "chapters/a.html",
        labels={
            "chap-b": portable.Target(site + "chapters/b.html#chap-b", "The next chapter"),
            "thm-a": portable.Target(site + "chapters/a.html#thm-a", "Theorem 3"),
            "doc:chapters/b": portable.Target(site + "chapters/b.html", "The next chapter"),
            "py:collapse_utils.chains.collapse_times": portable.Target(site + "chapters/api.html#ct", "ct"),
        },
        titles={"thm-a": "Theorem 3", "ex-a": "Exercise 7"},
        cite=cite,
        reference=reference,
        macros={"E": r"\mathbb{E}", "P": r"\mathbb{P}"},
        book_title="Model Collapse",
    )


def _notebook(*markdown: str):
    nb = nbformat.v4.new_notebook()
    setup = nbformat.v4.new_code_cell("# Set-up: install\nimport collapse_utils", metadata={"tags": ["remove-cell"]})
    compute = nbformat.v4.new_code_cell("glue('rate', 0.123456)")
    compute.outputs = [_glue_output("rate", "0.123456"), _glue_output("n", "1000")]
    nb.cells = [nbformat.v4.new_markdown_cell(markdown[0]), setup, compute]
    nb.cells += [nbformat.v4.new_markdown_cell(m) for m in markdown[1:]]
    nb.metadata["jupytext"] = {"formats": "md:myst"}
    return nb


def _markdown(nb) -> str:
    return "\n\n".join(cell.source for cell in nb.cells if cell.cell_type == "markdown")


CHAPTER = """\
:::{prf:theorem} Collapse ({cite:t}`seddik2024bad`, Theorem 1)
:label: thm-a

For every $m$, $\\E[\\sigma_m] \\to 1$:

$$
\\E[\\sigma_m] = 1
$$
:::

:::{prf:proof}
By {prf:ref}`thm-a` and {cite:p}`ewens2004mathematical,two2020`.
:::

::::{admonition} What you will learn
:class: tip
A rate of {glue:text}`rate:.2f` and {glue:text}`n:,.0f` samples; see {ref}`chap-b`,
{ref}`the proof <thm-a>`, {doc}`b` and {func}`~collapse_utils.chains.collapse_times`.
::::

:::{exercise}
:label: ex-a

Predict $\\P(T > m)$.
:::

:::{solution} ex-a
:class: dropdown

The answer is SECRET-SOLUTION-TEXT.

```python
print("code in a solution")
```
:::
"""


def test_convert_writes_plain_markdown(ctx):
    nb = _notebook("(chap-a)=\n# Chapter A\n\nIntro.", CHAPTER)
    out = portable.convert(nb, ctx)
    md = _markdown(out)
    assert leftover_myst(md) == [], leftover_myst(md)
    assert out.cells[0].source.startswith("*The book's TeX macros")
    assert r"\newcommand{\E}{\mathbb{E}}" in out.cells[0].source
    assert r"\renewcommand{\P}{\mathbb{P}}" in out.cells[0].source  # \P is TeX's pilcrow: redefine it
    assert out.cells[1].source.startswith("# Chapter A\n\n*A chapter of the book “Model Collapse”")
    assert "(chap-a)=" not in md
    assert "> **Theorem 3 (Collapse (Seddik et al. (2024), Theorem 1))**" in md
    assert "> **Proof.**" in md
    assert "[Theorem 3](https://owner.github.io/repo/chapters/a.html#thm-a)" in md
    assert "(Ewens, 2004; Alpha and Beta, 2020)" in md
    assert "> **What you will learn**" in md
    assert "A rate of 0.12 and 1,000 samples" in md
    assert "[The next chapter](https://owner.github.io/repo/chapters/b.html#chap-b)" in md
    assert "[the proof](https://owner.github.io/repo/chapters/a.html#thm-a)" in md
    assert "[`collapse_times()`](https://owner.github.io/repo/chapters/api.html#ct)" in md
    assert "> **Exercise 7**" in md
    assert "> **Solution to Exercise 7**" in md and "SECRET-SOLUTION-TEXT" in md
    assert '> print("code in a solution")' in md
    assert "> $$\\E[\\sigma_m] = 1$$" in md  # one line: JupyterLab would read the quotes as TeX
    references = out.cells[-1].source
    assert references.startswith("## References")
    assert [line.split(".")[0] for line in references.splitlines()[2:]] == [
        "- Ann Alpha and Bob Beta",
        "- Warren J",
        "- Mohamed El Amine Seddik, Suei-Wen Chen, and Soufiane Hayou",
    ]


def test_convert_keeps_code_and_outputs_and_hides_setup(ctx):
    nb = _notebook("# A", "text")
    out = portable.convert(nb, ctx)
    code = [cell for cell in out.cells if cell.cell_type == "code"]
    assert code[0].source.startswith("# Set-up:") and code[0].metadata["jupyter"]["source_hidden"]
    assert len(code[1].outputs) == 2
    assert "jupytext" not in out.metadata
    assert nb.cells[0].source == "# A"  # the input notebook is not changed
    nbformat.validate(out)


def test_student_edition_drops_solutions(ctx):
    ctx.student = True
    md = _markdown(portable.convert(_notebook("# A", CHAPTER), ctx))
    assert "SECRET-SOLUTION-TEXT" not in md and "Solution" not in md
    assert "> **Exercise 7**" in md


def test_strip_solutions_from_sources():
    stripped = portable.strip_solutions(CHAPTER)
    assert "SECRET-SOLUTION-TEXT" not in stripped and ":::{solution}" not in stripped
    assert ":::{exercise}" in stripped and stripped.count(":::") == CHAPTER.count(":::") - 2 - 0


def test_missing_glue_or_citation_or_role_is_an_error(ctx):
    with pytest.raises(portable.PortableError, match="glued value named 'nope'"):
        portable.convert(_notebook("# A", "{glue:text}`nope:.2f`"), ctx)
    with pytest.raises(portable.PortableError, match="unknown citation key 'nobody2020'"):
        portable.convert(_notebook("# A", "{cite:p}`nobody2020`"), ctx)
    with pytest.raises(portable.PortableError, match="no portable form"):
        portable.convert(_notebook("# A", "{weird}`x`"), ctx)


def test_unknown_label_keeps_its_text_as_the_website_does(ctx):
    md = _markdown(portable.convert(_notebook("# A", "see {ref}`chap-missing`"), ctx))
    assert "see chap-missing" in md


def test_glue_formats_exactly_as_myst_nb():
    from myst_nb.core.variables import format_plain_text

    for text, spec in [("0.123456", ".3f"), ("1234567", ",.0f"), ("0.05", ".1%"), ("'word'", "s"), ("3", "")]:
        assert portable._glue_text({"text/plain": text}, spec) == format_plain_text(text, spec)


def test_site_url_comes_from_the_repository_url():
    assert portable.site_url("https://github.com/Owner/my-book") == "https://owner.github.io/my-book/"
    assert portable.site_url("https://github.com/owner/owner.github.io") == "https://owner.github.io/"
    with pytest.raises(ValueError, match="repository_url"):
        portable.site_url("https://gitlab.com/owner/book")


def test_macro_cell_of_every_chapter_is_the_one_of_config():
    """Every notebook chapter starts with the macro cell generated from _config.yml."""
    macros = yaml.safe_load((ROOT / "_config.yml").read_text())["sphinx"]["config"]["mathjax3_config"]["tex"]["macros"]
    cell = macro_cell.canonical_cell()
    for name in macros:
        assert f"'\\{name}':" in cell
    chapters = [p for p in sorted((ROOT / "chapters").glob("*.md")) if p.read_text().startswith("---\njupytext")]
    assert chapters
    problems = {p.name: macro_cell.problems(p) for p in chapters}
    problems = {name: found for name, found in problems.items() if found}
    assert not problems, f"run `python tools/macro_cell.py --apply chapters/*.md`: {problems}"


def test_macro_cell_apply_is_idempotent(tmp_path):
    chapter = tmp_path / "c.md"
    chapter.write_text("---\njupytext:\n  x: 1\n---\n\n(chap-c)=\n# C\n")
    assert macro_cell.apply(chapter) is True
    assert macro_cell.problems(chapter) == []
    assert macro_cell.apply(chapter) is False
    assert chapter.read_text().count("```yaml") == 1 and "(chap-c)=\n# C" in chapter.read_text()


def test_math_extraction():
    md = "a $x$ b $$\\E[y]$$ `$no$`\n> $\\P(z)$\n\\begin{align}a&=b\\end{align}"
    assert math_of(md) == ["x", "\\E[y]", "\\P(z)", "\\begin{align}a&=b\\end{align}"]


# --- The built site ---------------------------------------------------------------------------------


def _portable_notebooks(site: Path) -> list[Path]:
    return sorted((site / "_notebooks").rglob("*.ipynb"))


def _chapter_pages(site: Path) -> list[str]:
    """Pages whose executed notebook the site serves (the theme copies them to _sources/)."""
    return sorted(str(p.relative_to(site / "_sources").with_suffix("")) for p in (site / "_sources").rglob("*.ipynb"))


@pytest.mark.book
def test_every_chapter_has_a_portable_notebook_with_no_myst_left(built_site):
    pages = _chapter_pages(built_site)
    assert pages, "no executed chapter in the site"
    for page in pages:
        path = built_site / "_notebooks" / f"{page}.ipynb"
        assert path.is_file(), f"{page}: no portable notebook"
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
        assert nb.cells[0].metadata.get("tags") == ["book-macros"], f"{page}: the macro cell is not first"
        md = "\n\n".join(cell.source for cell in nb.cells if cell.cell_type == "markdown")
        assert leftover_myst(md) == [], f"{page}: MyST left: {leftover_myst(md)[:5]}"
        source = (ROOT / f"{page}.md").read_text()
        glued = len(re.findall(r"\{glue:text\}`", source))
        assert "glue:" not in md and (glued == 0 or re.search(r"\d", md)), f"{page}: glued values missing"
        if ":::{solution}" in source:
            assert "> **Solution" in md, f"{page}: the solutions are missing from the normal edition"
        code = [cell for cell in nb.cells if cell.cell_type == "code"]
        if code and "# Set-up:" in source:
            assert code[0].source.lstrip().startswith("# Set-up:"), f"{page}: the set-up cell is not the first code cell"
        assert any(cell.get("outputs") for cell in code) or not code, f"{page}: no outputs kept"
        html = (built_site / f"{page}.html").read_text()
        assert f'_notebooks/{page}.ipynb"' in html, f"{page}: the .ipynb download is not the portable notebook"
        assert re.search(rf'colab\.research\.google\.com/github/[^"]+/blob/gh-pages/_notebooks/{page}\.ipynb"', html), (
            f"{page}: the Colab button does not open the portable notebook"
        )


def _glued_values_are_substituted(site: Path, page: str, nb) -> None:
    """Each ``{glue:text}`` of the source became exactly the text the website shows."""
    html = (site / f"{page}.html").read_text()
    shown = [re.sub(r"<[^>]+>", "", s) for s in re.findall(r'<span class="pasted-text">(.*?)</span>', html)]
    md = "\n".join(cell.source for cell in nb.cells if cell.cell_type == "markdown")
    missing = [value for value in shown if value not in md]
    assert not missing, f"{page}: glued values of the website missing from the notebook: {missing[:5]}"


@pytest.mark.book
def test_portable_notebooks_show_the_websites_glued_numbers(built_site):
    for page in _chapter_pages(built_site):
        nb = nbformat.read(built_site / "_notebooks" / f"{page}.ipynb", as_version=4)
        _glued_values_are_substituted(built_site, page, nb)


CHECK_PAGE = """<!doctype html><html><head><script>
window.MathJax = {loader: {load: []}, startup: {typeset: false},
  tex: {packages: {'[-]': ['noundefined']}, formatError: (jax, err) => { throw err; }}};
</script><script src="/_static/mathjax/tex-chtml.js"></script></head><body></body></html>"""

CHECK_SCRIPT = """async (formulas) => {
  await MathJax.startup.promise;
  const errors = [];
  for (const tex of formulas) {
    try { await MathJax.tex2mmlPromise(tex, {display: true}); }
    catch (e) { errors.push(e.message + ' in ' + tex.slice(0, 80)); }
  }
  return errors;
}"""


@pytest.mark.book
def test_portable_notebooks_define_every_macro_they_use(built_site, site_url, browser):
    """Typeset every formula with the site's MathJax, knowing only the notebook's own macro cell."""
    problems = {}
    for path in _portable_notebooks(built_site):
        nb = nbformat.read(path, as_version=4)
        cells = [cell.source for cell in nb.cells if cell.cell_type == "markdown"]
        formulas = math_of(cells[0]) + [tex for source in cells[1:] for tex in math_of(source)]
        assert formulas[0].startswith("\\newcommand") or formulas[0].startswith("\\renewcommand")
        page = browser.new_page()  # a fresh MathJax per notebook: only its own macro cell counts
        page.route(f"{site_url}/__check.html", lambda route: route.fulfill(body=CHECK_PAGE, content_type="text/html"))
        page.goto(f"{site_url}/__check.html")
        errors = page.evaluate(CHECK_SCRIPT, formulas)
        page.close()
        if errors:
            problems[path.name] = errors[:5]
    assert not problems, f"formulas MathJax cannot typeset in the portable notebooks: {problems}"
