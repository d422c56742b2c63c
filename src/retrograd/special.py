"""retrograd.special: PyTorch's torch.special namespace.

Differentiable where PyTorch is (gamma family, Bessel I, erf relatives, entr, xlog1py, ...);
the Bessel J/Y/K and Airy functions need SciPy (`pip install 'retrograd[special]'`), everything
else is NumPy. The primitives live in `retrograd.ops.elementwise.special_functions`; the
functions PyTorch also has at top level (erf, expm1, sinc, softmax, ...) are the same ops.

>>> import retrograd as torch
>>> torch.special.gammaln(torch.tensor([1.0, 5.0]))
tensor([0.0000, 3.1781])
"""

from __future__ import annotations

from . import dtypes as _dt
from ._torch_function import publish as _publish
from .ops.activation.along_dim import log_softmax as _log_softmax
from .ops.activation.along_dim import softmax as _softmax
from .ops.elementwise.binary_math import xlogy
from .ops.elementwise.pointwise import (
    erf,
    erfc,
    erfinv,
    exp2,
    expm1,
    log1p,
    logit,
    round,
    sinc,
)
from .ops.elementwise.pointwise import sigmoid as expit
from .ops.elementwise.special_functions import (
    airy_ai,
    bessel_j0,
    bessel_j1,
    bessel_y0,
    bessel_y1,
    chebyshev_polynomial_t,
    chebyshev_polynomial_u,
    chebyshev_polynomial_v,
    chebyshev_polynomial_w,
    digamma,
    entr,
    erfcx,
    gammaln,
    hermite_polynomial_h,
    hermite_polynomial_he,
    i0,
    i0e,
    i1,
    i1e,
    laguerre_polynomial_l,
    legendre_polynomial_p,
    log_ndtr,
    modified_bessel_i0,
    modified_bessel_i1,
    modified_bessel_k0,
    modified_bessel_k1,
    multigammaln,
    ndtr,
    ndtri,
    polygamma,
    scaled_modified_bessel_k0,
    scaled_modified_bessel_k1,
    shifted_chebyshev_polynomial_t,
    shifted_chebyshev_polynomial_u,
    shifted_chebyshev_polynomial_v,
    shifted_chebyshev_polynomial_w,
    spherical_bessel_j0,
)
from .ops.elementwise.special_pairs import gammainc, gammaincc, xlog1py, zeta
from .ops.reduction.sum_prod import logsumexp
from .tensor import Tensor

psi = digamma

__all__ = [
    "airy_ai", "bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "chebyshev_polynomial_t",
    "chebyshev_polynomial_u", "chebyshev_polynomial_v", "chebyshev_polynomial_w", "digamma", "entr", "erf",
    "erfc", "erfcx", "erfinv", "exp2", "expit", "expm1", "gammainc", "gammaincc", "gammaln",
    "hermite_polynomial_h", "hermite_polynomial_he", "i0", "i0e", "i1", "i1e", "laguerre_polynomial_l",
    "legendre_polynomial_p", "log1p", "log_ndtr", "log_softmax", "logit", "logsumexp", "modified_bessel_i0",
    "modified_bessel_i1", "modified_bessel_k0", "modified_bessel_k1", "multigammaln", "ndtr", "ndtri",
    "polygamma", "psi", "round", "scaled_modified_bessel_k0", "scaled_modified_bessel_k1",
    "shifted_chebyshev_polynomial_t", "shifted_chebyshev_polynomial_u", "shifted_chebyshev_polynomial_v",
    "shifted_chebyshev_polynomial_w", "sinc", "softmax", "spherical_bessel_j0", "xlog1py", "xlogy", "zeta",
]


def softmax(input: Tensor, dim: int, *, dtype: _dt.dtype | None = None) -> Tensor:
    """`exp(x) / exp(x).sum(dim)`, computed stably; `dtype` casts the input first.

    Args:
        input (Tensor): the scores.
        dim (int): the dim that sums to 1.
        dtype (dtype, optional): cast `input` to this dtype first.

    Returns:
        Tensor: same shape, values in [0, 1].

    Examples:
        >>> retrograd.special.softmax(retrograd.tensor([[1.0, 2.0, 3.0]]), dim=1)
        tensor([[0.0900, 0.2447, 0.6652]])
    """
    return _softmax(input, dim, dtype)


def log_softmax(input: Tensor, dim: int, *, dtype: _dt.dtype | None = None) -> Tensor:
    """`x - logsumexp(x, dim)`, computed stably; `dtype` casts the input first.

    Args:
        input (Tensor): the scores.
        dim (int): the dim to normalise over.
        dtype (dtype, optional): cast `input` to this dtype first.

    Returns:
        Tensor: same shape, the log of `softmax`.

    Examples:
        >>> retrograd.special.log_softmax(retrograd.tensor([1.0, 2.0, 3.0]), dim=0)
        tensor([-2.4076, -1.4076, -0.4076])
    """
    return _log_softmax(input, dim, dtype)


_publish(globals(), "special_")  # each function checks its arguments for `__torch_function__`
