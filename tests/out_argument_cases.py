"""One call for every public function that takes `out=`, built the same way for retrograd and PyTorch.

`CASES[name](L)` returns `(function, args, kwargs)` for the library `L`; `name` is the public
path (`"linalg.svd"`). The inputs are fixed (no randomness) and valid for the function, so
the call without `out` succeeds on both libraries.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

_rng = np.random.default_rng(0)
_U23 = _rng.uniform(0.1, 0.9, (2, 3)).astype(np.float32)
_V23 = _rng.uniform(0.1, 0.9, (2, 3)).astype(np.float32)
_M33 = _rng.uniform(-1, 1, (3, 3)).astype(np.float32)
_SPD = (_M33 @ _M33.T + 3 * np.eye(3)).astype(np.float32)
_B = _rng.uniform(-1, 1, (2, 3, 3)).astype(np.float32)
_V3 = _rng.uniform(-1, 1, 3).astype(np.float32)
_W3 = _rng.uniform(-1, 1, 3).astype(np.float32)
_IDX = np.array([[0, 2], [1, 0]], dtype=np.int64)


def _t(L: Any, a: Any) -> Any:
    return L.tensor(np.array(a))


def _fn(L: Any, path: str) -> Any:
    obj = L
    for part in path.split("."):
        obj = getattr(obj, part)
    return obj


Case = Callable[[Any], tuple[Any, tuple, dict]]
CASES: dict[str, Case] = {}


def _add(names: str, build: Callable[[Any], tuple[tuple, dict]]) -> None:
    for name in names.split():
        CASES[name] = lambda L, name=name: (_fn(L, name), *build(L))


_UNARY = (
    "abs absolute acos arccos asin arcsin asinh arcsinh atan arctan atanh arctanh ceil cos cosh deg2rad erf "
    "erfc erfinv exp exp2 expm1 floor frac log log10 log1p log2 rad2deg round rsqrt sigmoid sign sgn sin sinc "
    "sinh sqrt tan tanh trunc fix square reciprocal neg negative nan_to_num msort nonzero angle conj_physical histc"
)
_add(_UNARY, lambda L: ((_t(L, _U23),), {}))
_MATRIX = (
    "tril triu cholesky inverse linalg.cholesky linalg.det linalg.inv linalg.inv_ex linalg.slogdet linalg.eigh "
    "linalg.eigvalsh linalg.matrix_rank linalg.pinv linalg.svd linalg.svdvals linalg.norm linalg.vector_norm "
    "linalg.matrix_norm qr svd linalg.qr linalg.cholesky_ex linalg.cond linalg.eig linalg.eigvals linalg.ldl_factor "
    "linalg.ldl_factor_ex linalg.lu linalg.lu_factor linalg.lu_factor_ex"
)
_add(_MATRIX, lambda L: ((_t(L, _SPD),), {}))
_add("acosh arccosh", lambda L: ((_t(L, _U23 + 1),), {}))
_BINARY = (
    "add sub subtract mul multiply div divide true_divide floor_divide fmod remainder pow atan2 arctan2 hypot "
    "logaddexp logaddexp2 xlogy maximum minimum fmax fmin eq ne not_equal lt less le less_equal gt greater ge "
    "greater_equal logical_and logical_or logical_xor"
)
_add(_BINARY, lambda L: ((_t(L, _U23), _t(L, _V23)), {}))
_add("bitwise_and bitwise_or bitwise_xor bitwise_left_shift bitwise_right_shift gcd lcm",
     lambda L: ((_t(L, _IDX + 3), _t(L, _IDX)), {}))
_add("bitwise_not", lambda L: ((_t(L, _IDX),), {}))
_add("copysign heaviside nextafter", lambda L: ((_t(L, _U23 - 0.5), _t(L, _V23)), {}))
_add("frexp", lambda L: ((_t(L, _U23 * 10),), {}))
_add("isposinf isneginf signbit logical_not", lambda L: ((_t(L, _U23 - 0.5),), {}))
_add("clamp clip", lambda L: ((_t(L, _U23),), {"min": 0.3, "max": 0.6}))
_add("clamp_min", lambda L: ((_t(L, _U23), 0.3), {}))
_add("clamp_max", lambda L: ((_t(L, _U23), 0.6), {}))
_add("where", lambda L: ((_t(L, _U23 > 0.5), _t(L, _U23), _t(L, _V23)), {}))
_add("all any", lambda L: ((_t(L, _U23 > 0.3), 1), {}))
_add(
    "sum mean nansum nanmean prod logsumexp std var amax amin max min cumsum cumprod norm median nanmedian "
    "mode sort nn.functional.normalize",
    lambda L: ((_t(L, _U23), 1), {}),
)
_add("cummax cummin", lambda L: ((_t(L, _U23), 1), {}))
_add("nonzero_static", lambda L: ((_t(L, _U23 > 0.5),), {"size": 4}))
_add("addcmul addcdiv", lambda L: ((_t(L, _U23), _t(L, _V23), _t(L, _U23 + 1)), {"value": 0.5}))
_add("lerp", lambda L: ((_t(L, _U23), _t(L, _V23), 0.3), {}))
_add("float_power", lambda L: ((_t(L, _U23), 2.5), {}))
_add("logit special.logit", lambda L: ((_t(L, _U23),), {"eps": 1e-6}))
_add("ldexp", lambda L: ((_t(L, _U23), _t(L, _IDX[:, :1].repeat(3, 1))), {}))
_add("masked_select", lambda L: ((_t(L, _U23), _t(L, _V23 > 0.5)), {}))
_add("diff", lambda L: ((_t(L, _U23),), {"dim": 1}))
_add("histogram", lambda L: ((_t(L, _U23), 4), {}))
_add("linalg.cross", lambda L: ((_t(L, _M33), _t(L, _SPD)), {}))
_add("arange", lambda L: ((1, 7, 2), {}))
_add("range", lambda L: ((1, 4), {}))
_add("linspace logspace", lambda L: ((0, 1, 5), {}))
_add("eye", lambda L: ((2, 3), {}))
_add("full", lambda L: (((2, 3), 1.5), {}))
_add("aminmax", lambda L: ((_t(L, _U23),), {"dim": 1}))
_add("kthvalue topk", lambda L: ((_t(L, _U23), 2, 1), {}))
_add("cat concat concatenate stack", lambda L: (([_t(L, _U23), _t(L, _V23)],), {}))
_add("hstack vstack row_stack dstack column_stack", lambda L: (([_t(L, _U23), _t(L, _V23)],), {}))
_add("diag", lambda L: ((_t(L, _V3),), {}))
_add("gather", lambda L: ((_t(L, _U23), 1, _t(L, _IDX)), {}))
_add("take_along_dim", lambda L: ((_t(L, _U23), _t(L, _IDX)), {"dim": 1}))
_add("index_select", lambda L: ((_t(L, _U23), 1, _t(L, _IDX[0])), {}))
_add("mm dsmm matmul linalg.matmul", lambda L: ((_t(L, _U23), _t(L, _M33)), {}))
_add("bmm", lambda L: ((_t(L, _B), _t(L, _B)), {}))
_add("mv", lambda L: ((_t(L, _M33), _t(L, _V3)), {}))
_add("dot vdot inner outer ger kron linalg.vecdot", lambda L: ((_t(L, _V3), _t(L, _W3)), {}))
_add("cross", lambda L: ((_t(L, _M33), _t(L, _SPD)), {"dim": 1}))
_add("tensordot", lambda L: ((_t(L, _U23), _t(L, _M33)), {"dims": 1}))
_add("chain_matmul", lambda L: ((_t(L, _U23), _t(L, _M33), _t(L, _SPD)), {}))
_add("linalg.multi_dot", lambda L: (([_t(L, _U23), _t(L, _M33), _t(L, _SPD)],), {}))
_add("addmm", lambda L: ((_t(L, _U23), _t(L, _U23), _t(L, _M33)), {}))
_add("addmv", lambda L: ((_t(L, _V3), _t(L, _M33), _t(L, _W3)), {}))
_add("addbmm", lambda L: ((_t(L, _M33), _t(L, _B), _t(L, _B)), {}))
_add("baddbmm", lambda L: ((_t(L, _B), _t(L, _B), _t(L, _B)), {}))
_add("matrix_power linalg.matrix_power", lambda L: ((_t(L, _M33), 2), {}))
_add("linalg.solve", lambda L: ((_t(L, _SPD), _t(L, _M33)), {}))
_add("empty zeros ones rand randn", lambda L: ((2, 3), {}))
_add("randint", lambda L: ((0, 5, (2, 3)), {}))
_add("randperm", lambda L: ((5,), {}))
_add("normal", lambda L: ((_t(L, _U23), _t(L, _V23)), {}))
_add("bernoulli", lambda L: ((_t(L, _U23),), {}))
_add("multinomial", lambda L: ((_t(L, _U23), 2), {}))

_add("complex polar", lambda L: ((_t(L, _U23), _t(L, _V23)), {}))
_add("logcumsumexp", lambda L: ((_t(L, _U23), 1), {}))
_add("quantile nanquantile", lambda L: ((_t(L, _U23), 0.25), {"dim": 1}))
_add("bucketize", lambda L: ((_t(L, _U23), _t(L, np.sort(_V3))), {}))
_add("searchsorted", lambda L: ((_t(L, np.sort(_V3)), _t(L, _U23[0])), {}))
_add("linalg.solve_ex", lambda L: ((_t(L, _SPD), _t(L, _M33)), {}))
_add("linalg.tensorsolve", lambda L: ((_t(L, _SPD), _t(L, _V3)), {}))
_add("linalg.solve_triangular", lambda L: ((_t(L, np.triu(_SPD)), _t(L, _M33)), {"upper": True}))
_add("linalg.tensorinv", lambda L: ((_t(L, _SPD),), {"ind": 1}))
_add("linalg.householder_product", lambda L: ((_t(L, _M33), _t(L, _V3[:2])), {}))
_add("linalg.lu_solve", lambda L: ((*L.linalg.lu_factor(_t(L, _SPD)), _t(L, _M33)), {}))
_add("linalg.ldl_solve", lambda L: ((*L.linalg.ldl_factor(_t(L, _SPD)), _t(L, _M33)), {}))

# retrograd.fft and retrograd.special
_add(
    "fft.fft fft.ifft fft.rfft fft.ihfft fft.fft2 fft.ifft2 fft.fftn fft.ifftn fft.rfft2 fft.rfftn fft.ihfft2 "
    "fft.ihfftn",
    lambda L: ((_t(L, _U23),), {}),
)
_add(
    "fft.irfft fft.hfft fft.irfft2 fft.irfftn fft.hfft2 fft.hfftn",
    lambda L: ((_t(L, (_U23 + 1j * _V23).astype(np.complex64)),), {}),
)
_add("fft.fftfreq fft.rfftfreq", lambda L: ((5,), {}))
_SPECIAL_UNARY = (
    "airy_ai bessel_j0 bessel_j1 bessel_y0 bessel_y1 digamma entr erf erfc erfcx erfinv exp2 expit expm1 gammaln i0 "
    "i0e i1 i1e log1p log_ndtr modified_bessel_i0 modified_bessel_i1 modified_bessel_k0 modified_bessel_k1 ndtr "
    "ndtri psi round scaled_modified_bessel_k0 scaled_modified_bessel_k1 sinc spherical_bessel_j0"
)
_add(" ".join("special." + n for n in _SPECIAL_UNARY.split()), lambda L: ((_t(L, _U23),), {}))
_POLYNOMIALS = (
    "chebyshev_polynomial_t chebyshev_polynomial_u chebyshev_polynomial_v chebyshev_polynomial_w "
    "shifted_chebyshev_polynomial_t shifted_chebyshev_polynomial_u shifted_chebyshev_polynomial_v "
    "shifted_chebyshev_polynomial_w hermite_polynomial_h hermite_polynomial_he laguerre_polynomial_l "
    "legendre_polynomial_p"
)
_add(" ".join("special." + n for n in _POLYNOMIALS.split()), lambda L: ((_t(L, _U23), 3), {}))
_add("special.gammainc special.gammaincc special.xlog1py special.xlogy special.zeta",
     lambda L: ((_t(L, _U23 + 1), _t(L, _V23)), {}))  # fmt: skip
_add("special.polygamma", lambda L: ((1, _t(L, _U23)), {}))
_add("special.multigammaln", lambda L: ((_t(L, _U23 + 2), 2), {}))
_add("special.logsumexp", lambda L: ((_t(L, _U23), 1), {}))

# the `*_copy` twins of the views (session 36)
_T234 = _rng.uniform(-1, 1, (2, 3, 4)).astype(np.float32)
_add("alias_copy detach_copy t_copy", lambda L: ((_t(L, _U23),), {}))
_add("as_strided_copy", lambda L: ((_t(L, _U23), (2, 2), (1, 2)), {}))
_add("diagonal_copy", lambda L: ((_t(L, _T234), 1, 1, 2), {}))
_add("expand_copy", lambda L: ((_t(L, _V3), (2, 3)), {}))
_add("narrow_copy", lambda L: ((_t(L, _U23), 1, 1, 2), {}))
_add("permute_copy", lambda L: ((_t(L, _T234), (2, 0, 1)), {}))
_add("select_copy", lambda L: ((_t(L, _T234), 1, 2), {}))
_add("slice_copy", lambda L: ((_t(L, _T234), 2, 1, None, 2), {}))
_add("split_copy", lambda L: ((_t(L, _T234), 2, 2), {}))
_add("split_with_sizes_copy", lambda L: ((_t(L, _T234), [1, 2], 1), {}))
_add("squeeze_copy", lambda L: ((_t(L, _T234[:1]), 0), {}))
_add("transpose_copy", lambda L: ((_t(L, _T234), 0, 2), {}))
_add("unbind_copy", lambda L: ((_t(L, _T234), 1), {}))
_add("unfold_copy", lambda L: ((_t(L, _T234), 2, 2, 1), {}))
_add("unsqueeze_copy", lambda L: ((_t(L, _U23), -1), {}))
_add("view_copy", lambda L: ((_t(L, _T234), (4, 6)), {}))
_add("view_as_real_copy", lambda L: ((L.complex(_t(L, _U23), _t(L, _V23)),), {}))
_add("view_as_complex_copy", lambda L: ((_t(L, _T234[..., :2]),), {}))
_add("values_copy", lambda L: ((_t(L, _U23 > 0.5).float().to_sparse_csr(),), {}))
_add("indices_copy", lambda L: ((_t(L, _U23 > 0.5).float().to_sparse(),), {}))
_add("crow_indices_copy col_indices_copy", lambda L: ((_t(L, _U23 > 0.5).float().to_sparse_csr(),), {}))
_add("ccol_indices_copy row_indices_copy", lambda L: ((_t(L, _U23 > 0.5).float().to_sparse_csc(),), {}))

# Functions whose results are random or uninitialised: compare shape and dtype, not values.
RANDOM = {"empty", "rand", "randn", "randint", "randperm", "normal", "bernoulli", "multinomial"}
# Functions without a differentiable tensor input (the requires-grad check does not apply).
NOT_DIFFERENTIABLE = RANDOM | {"zeros", "ones", "nonzero", "nonzero_static", "all", "any", "fft.fftfreq",
                                "fft.rfftfreq", "arange", "range", "linspace", "logspace", "eye", "full"} | {
    n for n in _BINARY.split() if n in {"eq", "ne", "not_equal", "lt", "less", "le", "less_equal", "gt", "greater",
                                          "ge", "greater_equal", "logical_and", "logical_or", "logical_xor"}
}  # fmt: skip

# added in session 8 with the top-level surface (special functions, classic linear algebra)
_CHOL = np.linalg.cholesky(_SPD.astype(np.float64)).astype(np.float32)
_add("digamma lgamma i0", lambda L: ((_t(L, _U23),), {}))
_add("igamma igammac", lambda L: ((_t(L, _U23), _t(L, _V23)), {}))
_add("mvlgamma", lambda L: ((_t(L, _U23 + 2), 2), {}))
_add("polygamma", lambda L: ((1, _t(L, _U23)), {}))
_add("addr", lambda L: ((_t(L, _M33), _t(L, _V3), _t(L, _W3)), {}))
_add("cholesky_inverse", lambda L: ((_t(L, _CHOL),), {}))
_add("cholesky_solve", lambda L: ((_t(L, _M33), _t(L, _CHOL)), {}))
_add("renorm", lambda L: ((_t(L, _U23), 2, 0, 1.0), {}))
_add("nuclear_norm", lambda L: ((_t(L, _M33),), {}))
_add("geqrf", lambda L: ((_t(L, _M33),), {}))
_add("orgqr", lambda L: ((*L.geqrf(_t(L, _M33)),), {}))
_add("ormqr", lambda L: ((*L.geqrf(_t(L, _M33)), _t(L, _SPD)), {}))
_add("lu_solve", lambda L: ((_t(L, _M33), *L.linalg.lu_factor(_t(L, _SPD))), {}))
_add("lu_unpack", lambda L: (L.linalg.lu_factor(_t(L, _SPD)), {}))
_add("lu", lambda L: ((_t(L, _SPD),), {}))
_add("triangular_solve", lambda L: ((_t(L, _M33), _t(L, np.triu(_SPD))), {}))

# functions whose out= does not behave as PyTorch's yet (session 8's surface additions)
_REFUSED = "out= refused (NotImplementedError) where PyTorch writes it"
_CASTING = "out= of another float dtype refused where PyTorch casts; PyTorch's message differs"
# functions that, as PyTorch's Python-level torch.lu, fill the given tuple and return it (no named `_out` tuple)
RETURNS_GIVEN_OUT = {"lu"}
# functions that fill the given list of tensors and return None, as PyTorch's list-valued `*_copy` ops
RETURNS_NONE = {"split_copy", "split_with_sizes_copy", "unbind_copy"}
KNOWN_GAPS = {"geqrf": _REFUSED, "lu_unpack": _REFUSED, "triangular_solve": _REFUSED}
# functions PyTorch 2.13 cannot run on the CPU at all (no sparse COO kernel): checked here without it
NO_PYTORCH_KERNEL = {"indices_copy"}
# functions whose out= works but takes (or refuses) another dtype than PyTorch's does
DTYPE_GAPS = {
    "cholesky_inverse": _CASTING, "cholesky_solve": _CASTING, "ormqr": "PyTorch's dtype message for out= differs",
    "renorm": "out= of another dtype: PyTorch refuses float64 and words the int/bool refusal differently",
}
