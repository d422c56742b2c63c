"""The gamma-family and Bessel functions under their top-level PyTorch names.

`torch.lgamma`, `torch.digamma`, `torch.igamma`, ... are the same ops as `torch.special`'s
`gammaln`, `digamma`, `gammainc`, ...; the primitives and their derivatives are in
`special_functions`, and these names are those functions (one implementation, two spellings).
"""

from __future__ import annotations

from typing import Any

from ...tensor import Tensor
from .special_functions import digamma, gammainc, gammaincc, gammaln, i0, multigammaln, polygamma

__all__ = ["digamma", "i0", "i0_", "igamma", "igammac", "lgamma", "mvlgamma", "polygamma"]

lgamma = gammaln  # ln |Γ(x)|
igamma = gammainc  # regularised lower incomplete gamma P(a, x)
igammac = gammaincc  # regularised upper incomplete gamma Q(a, x)


def mvlgamma(input: Tensor, p: int, *, out: Any = None) -> Tensor:
    """The multivariate log-gamma ln Γ_p(x) (`special.multigammaln`)."""
    return multigammaln(input, p, out=out)


def i0_(input: Tensor) -> Tensor:
    """In-place `i0` of `input`, the same as `input.i0_()`; returns `input`."""
    if not isinstance(input, Tensor):
        raise TypeError(f"i0_(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    return input.i0_()
