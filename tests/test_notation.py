"""One symbol, one meaning: retired spellings of renamed symbols do not come back.

Issue 16 §2: where two chapters used one letter for two things, one of them was
renamed and the introduction's notation table lists the result.  Each pattern
below is a spelling that now means the other thing (or nothing), so it must not
reappear in a chapter's text, its code cells (figure labels, SymPy symbols) or
the docstrings of ``collapse_utils``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# pattern -> the symbol the book uses instead
RETIRED = {
    r"r_\{?\\max": r"\mathcal R_{\max}: r is the curation reward",
    r"\br\(N, ?n\)": r"\mathcal R(N, n): r is the curation reward",
    r"\\varphi_[ha{]": r"\mathcal K_h, the Gaussian kernel: varphi is the concentration factor",
    r"p_T\b": r"p_{\rm teacher}: T is the temperature",
    r"\\beta_[ij]\b|g_n\(\\beta": r"\omega_j, the generalised eigenvalues: beta is the mixing factor",
    r"\blambda_0\b|λ₀|\\lambda_0": r"\Lambda_0, the Poisson rate: lambda is the synthetic-to-real ratio",
    r"real fraction \$\\varphi\$": r"\phi, the real share",
    r"h\^2 ?/ ?w\b|real fractions? \$?w\b": r"\phi, the real share (w is a weight)",
    r"2\\tau\^2|\.tau\b|\btau=": r"h, the prototype width (tau_T is the temperature map)",
    r"\\frac\{1\}\{M\}|m_M\b|M_acc|M_p\(|\bM\(u\)": r"N_train, A_m, |M|, L_p(u): M is lambda N synthetic samples",
    r"\bW_S\b|W\^\{-1": r"G, G_S, the Gram matrices: W is chapter 1's weight matrix",
    r"g_n\(\\omega|g_\\infty|\bg_closed|\bg_limit": r"\Psi_n(\omega): g_k is the forgetting sequence",
    r"\\delta_\{?[in](?:-1)?\}? ?=|\\bar X\b": r"e_i, the error vector (delta is the ddof); x_j, the Gaussian samples",
    r"\bT ?- ?d ?- ?1\b|\bT ?[<>]=? ?d\b|\bT x d\b|\bT=\d+, d=|\bT_(?:s|rows)\b|\biT\b|\bI_T\b"
    r"|(?:simulate_regression|expected_errors|error_scale_np)\(\s*T\b": r"J, the rows of a regression design: T is the temperature",
}
PATTERN = re.compile("|".join(f"(?:{p})" for p in RETIRED))


def sources() -> list[Path]:
    return sorted((ROOT / "chapters").glob("*.md")) + sorted((ROOT / "collapse_utils").rglob("*.py"))


def retired_uses(text: str) -> list[str]:
    """``"line L: ..."`` for every line of ``text`` with a retired spelling."""
    return [f"line {k}: {line.strip()[:80]}" for k, line in enumerate(text.splitlines(), 1) if PATTERN.search(line)]


def test_every_retired_spelling_is_caught():
    examples = [r"$r_{\max} = 0.1$", r"$r(N, n)$", r"\varphi_h(u)", r"p_T(k \mid x)", r"$\beta_j$",
                "rate lambda_0", r"real fraction $\varphi$", r"$h^2/w$", r"{2\tau^2}", "tau=0.9",
                r"\frac{1}{M}", "M_p(u)", r"$W_S$", r"W^{-1}", r"g_n(\omega)", r"$\delta_i = \hat w_i$",
                r"$\bar X$", r"\frac{\sigma^2 d}{T - d - 1}", "if T <= d + 1:", "expected_errors(T, d, sigma",
                "editing_phase(T=400, d=4)", "T_s, d_s = 20, 5", r"all $iT$ rows", "``T x d``"]
    for example in examples:
        assert retired_uses(example), example
    assert not retired_uses(r"$\mathcal R_{\max}$, $\varphi(\zeta)$, $\omega_j$, $\Lambda_0$, $p_{\rm teacher}$, $T_{\rm c}$")
    assert not retired_uses(r"$\tau_T(p)$, $M = \lambda N$, $\hat W$, $g_k$, $\delta_{ij}$, $n - \delta$, $\bar x$")
    assert not retired_uses(r"$J - d - 1$, expected_errors(J, d, sigma), $T < 1$, p^(1/T), T_c, T=0.8, T_{\rm c}")


@pytest.mark.parametrize("path", sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_retired_symbol(path: Path):
    found = retired_uses(path.read_text())
    assert not found, f"{path.name} uses a retired symbol (see {__file__}):\n" + "\n".join(found)
