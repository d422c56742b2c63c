"""The gamma-family and Bessel functions under their top-level PyTorch names.

`torch.lgamma`, `torch.digamma`, `torch.igamma`, ... are the same ops as `torch.special`'s
`gammaln`, `digamma`, `gammainc`, ...; the primitives and their derivatives are in
`special_functions`, and these names are those functions (one implementation, two spellings).
"""

from __future__ import annotations

from typing import Any

from ...tensor import Tensor
from .special_functions import digamma, gammaln, i0, multigammaln, polygamma
from .special_pairs import gammainc, gammaincc

__all__ = ["digamma", "i0", "i0_", "igamma", "igammac", "lgamma", "mvlgamma", "polygamma"]

lgamma = gammaln  # ln |Γ(x)|
igamma = gammainc  # regularised lower incomplete gamma P(a, x)
igammac = gammaincc  # regularised upper incomplete gamma Q(a, x)


def mvlgamma(input: Tensor, p: int, *, out: Any = None) -> Tensor:
    """Elementwise multivariate log-gamma ln Γ_p(x) of dimension `p` (`special.multigammaln`).

    Args:
        input (Tensor): any shape; every element must exceed (p - 1) / 2.
        p (int): the dimension, p >= 1.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: ln Γ_p(input), same shape (p = 1 is `lgamma`).

    Examples:
        >>> retrograd.mvlgamma(retrograd.tensor([2.5, 3.0]), p=2)
        tensor([0.8570, 1.5502])
        >>> retrograd.mvlgamma(retrograd.tensor([2.5, 3.0]), p=1)
        tensor([0.2847, 0.6931])
    """
    return multigammaln(input, p, out=out)


def i0_(input: Tensor) -> Tensor:
    """In-place `i0`: overwrite a floating `input` with I₀(input) and return it (`input.i0_()`).

    Args:
        input (Tensor): a floating tensor to overwrite.

    Returns:
        Tensor: `input` itself.

    Examples:
        >>> x = retrograd.tensor([0.0, 1.0, 2.0])
        >>> retrograd.i0_(x)
        tensor([1.0000, 1.2661, 2.2796])
        >>> x
        tensor([1.0000, 1.2661, 2.2796])
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"i0_(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    return input.i0_()
