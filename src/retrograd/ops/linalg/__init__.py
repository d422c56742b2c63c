"""Linear algebra: products, factorizations, spectral functions (the primitives of `retrograd.linalg`).

- `products`: matmul and its special cases (mm, bmm, mv, dot, ...)
- `derived_products`: outer, inner, tensordot, kron, chain_matmul (composed of those)
- `cross_product`: cross and linalg.cross
- `multiply_add`: addmm, addmv, addbmm, baddbmm (`beta * input + alpha * product`)
- `contraction`: einsum
- `decompositions`: inv, det, slogdet, solve, cholesky, qr (as `torch.linalg` spells them)
- `spectral`: svd, eigh, pinv, matrix_rank, matrix_exp (as `torch.linalg` spells them)
- `composite`: matrix_power, multi_dot, and PyTorch's top-level spellings (torch.svd, torch.det, ...)
- `distances`: pdist (cdist is in `composite`)
- `vandermonde`: vander, the Vandermonde matrix
- `removed`: the names PyTorch removed in 1.9 (lstsq, symeig, eig, solve, matrix_rank), which raise its advice
- `classic`: the pre-torch.linalg spellings (addr, dist, renorm, lu, lu_solve, triangular_solve, ...)
- `compact_qr`: LAPACK's compact QR (geqrf, orgqr, ormqr)
- `common`: shared checks, error types and constants

`__all__` holds the top-level names; `retrograd.linalg` gathers the `torch.linalg` ones.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the modules this package gathers (at run time they load on first use: ops/_lazy.py)
    from . import (
        classic,
        compact_qr,
        composite,
        contraction,
        cross_product,
        derived_products,
        distances,
        multiply_add,
        products,
        removed,
        vandermonde,
    )
    from .classic import *  # noqa: F403
    from .compact_qr import *  # noqa: F403
    from .composite import *  # noqa: F403
    from .contraction import *  # noqa: F403
    from .cross_product import *  # noqa: F403
    from .derived_products import *  # noqa: F403
    from .distances import *  # noqa: F403
    from .multiply_add import *  # noqa: F403
    from .products import *  # noqa: F403
    from .removed import *  # noqa: F403
    from .vandermonde import *  # noqa: F403

    __all__: list[str] = []
    __all__ += products.__all__
    __all__ += derived_products.__all__
    __all__ += cross_product.__all__
    __all__ += multiply_add.__all__
    __all__ += contraction.__all__
    __all__ += composite.__all__
    __all__ += distances.__all__
    __all__ += vandermonde.__all__
    __all__ += classic.__all__
    __all__ += compact_qr.__all__
    __all__ += removed.__all__
else:
    from .. import _lazy

    __all__ = _lazy.public_names(__name__)
    __getattr__, __dir__ = _lazy.lazy_package(__name__, globals())
