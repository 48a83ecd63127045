"""The book's SymPy symbols, each defined once, with its assumptions.

Every theory module takes its shared symbols from this table, so one letter is
one SymPy object across the package: ``kde.n - core.n`` simplifies to ``0`` and
``stability.N is mixing.N``.  Assumptions matter to SymPy (``n`` is a positive
integer, so ``(1 - 1/n)**m`` is known to be positive); a symbol made elsewhere
with the same name but other assumptions would be a *different* symbol.

==============  ==================  ================================================
name            printed             meaning
==============  ==================  ================================================
``m``           m                   generation index (categorical chains)
``t``           t                   generation index counted from 0 (other loops)
``k``           k                   generation count in a sum or a bound
``n``           n                   samples per generation (synthetic)
``N``           N                   size of the real corpus
``S0``          S_0                 ``||p^(0)||_2^2``, the truth's collision probability
``s_tilde``     \\tilde{s}           size of the truth's support
``p``           p                   probability of one token
``T``           T                   sampling temperature
``J``           J                   rows of the regression design (samples per generation)
``lam``         lambda              real fraction of a generation's data, in [0, 1]
``ratio``       \\lambda             synthetic-to-real ratio ``M / N`` >= 0 (stability; not ``lam``)
``phi``         phi                 real fraction of a generation's data (curation, KDE)
``sigma``       sigma               noise standard deviation (regression, editing)
``sigma_star``  \\sigma_*            true standard deviation (stability)
``sigma0``      sigma_0             true standard deviation (Gaussian, KDE)
``tilt``        t                   continuous time of the reward tilt (curation)
==============  ==================  ================================================
"""

from __future__ import annotations

import sympy as sp

__all__ = [
    "N",
    "S0",
    "J",
    "T",
    "k",
    "lam",
    "m",
    "n",
    "p",
    "phi",
    "ratio",
    "s_tilde",
    "sigma",
    "sigma0",
    "sigma_star",
    "t",
    "tilt",
]

m, n = sp.symbols("m n", positive=True, integer=True)
t = sp.Symbol("t", integer=True, nonnegative=True)
k = sp.Symbol("k", positive=True, integer=True)
N = sp.Symbol("N", positive=True, integer=True)
S0 = sp.Symbol("S_0", positive=True)
s_tilde = sp.Symbol(r"\tilde{s}", positive=True)
p = sp.Symbol("p", positive=True)
T = sp.Symbol("T", positive=True)
J = sp.Symbol("J", positive=True, integer=True)
lam = sp.Symbol("lambda", nonnegative=True)
ratio = sp.Symbol(r"\lambda", nonnegative=True)  # prints as lambda, but is not ``lam``
phi = sp.Symbol("phi", positive=True)
sigma = sp.Symbol("sigma", positive=True)
sigma_star = sp.Symbol(r"\sigma_*", positive=True)
sigma0 = sp.Symbol("sigma_0", positive=True)
tilt = sp.Symbol("t", positive=True)
