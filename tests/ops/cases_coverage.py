"""Op table: ops added for PyTorch API coverage (differences, integrals, statistics)."""

from __future__ import annotations

import numpy as np

from retrograd.ops import inplace_functions, searching

from .harness import OpCase, inputs_of, rand


def _sorted(*shape):
    return lambda rng: np.sort(rng.uniform(-1, 1, shape))


def _lcse(a, dim):
    return np.logaddexp.accumulate(a, axis=dim)


def _cov(a, correction=1):
    return np.cov(a, ddof=correction)


def _trapezoid(y, x=None, dx=1.0):
    widths = np.diff(x) if x is not None else dx
    return ((y[..., 1:] + y[..., :-1]) / 2 * widths).sum(-1)


CASES = [
    OpCase("diff", lambda m, a: m.diff(a), inputs_of(rand(3, 5)), lambda a: np.diff(a)),
    OpCase("diff", lambda m, a, p: m.diff(a, n=2, dim=0, prepend=p), inputs_of(rand(3, 4), rand(2, 4)), lambda a, p: np.diff(np.concatenate([p, a]), n=2, axis=0), variant="prepend"),
    OpCase("trapezoid", lambda m, y: m.trapezoid(y), inputs_of(rand(3, 5)), lambda y: _trapezoid(y)),
    OpCase("trapezoid", lambda m, y, x: m.trapezoid(y, x), inputs_of(rand(3, 5), _sorted(5)), lambda y, x: _trapezoid(y, x), variant="x"),
    OpCase("trapz", lambda m, y: m.trapz(y, dx=0.5), inputs_of(rand(3, 5)), lambda y: _trapezoid(y, dx=0.5)),
    OpCase("cumulative_trapezoid", lambda m, y: m.cumulative_trapezoid(y), inputs_of(rand(3, 5)), lambda y: np.cumsum((y[..., 1:] + y[..., :-1]) / 2, -1)),
    OpCase("logcumsumexp", lambda m, a: m.logcumsumexp(a, 1), inputs_of(rand(3, 5)), lambda a: _lcse(a, 1)),
    OpCase("logcumsumexp", lambda m, a: m.logcumsumexp(a, 0), inputs_of(rand(4, 2, low=-30, high=30)), lambda a: _lcse(a, 0), variant="wide"),
    OpCase("cov", lambda m, a: m.cov(a), inputs_of(rand(3, 6)), _cov),
    OpCase("cov", lambda m, a: m.cov(a, correction=0), inputs_of(rand(6)), lambda a: _cov(a, 0), variant="1d"),
    OpCase("cov", lambda m, a, f, w: m.cov(a, fweights=f, aweights=w), inputs_of(rand(2, 5), lambda rng: np.array([1, 2, 1, 3, 1]), rand(5, low=0.5, high=1.0)), lambda a, f, w: np.cov(a, fweights=f, aweights=w), variant="weights"),
    OpCase("corrcoef", lambda m, a: m.corrcoef(a), inputs_of(rand(3, 6)), np.corrcoef),
    OpCase("quantile", lambda m, a: m.quantile(a, 0.3, dim=1), inputs_of(rand(3, 6)), lambda a: np.quantile(a, 0.3, axis=1)),
    OpCase("quantile", lambda m, a: m.quantile(a, m.tensor([0.2, 0.9], dtype=a.dtype), dim=0, keepdim=True, interpolation="midpoint"), inputs_of(rand(5, 2)), lambda a: np.quantile(a, [0.2, 0.9], axis=0, keepdims=True, method="midpoint"), variant="midpoint"),
    OpCase("nanquantile", lambda m, a: m.nanquantile(a, 0.6), inputs_of(rand(3, 4)), lambda a: np.nanquantile(a, 0.6)),
]

EXEMPT = {name: "no gradient: compared with PyTorch in tests/test_coverage_ops.py" for name in searching.__all__}
EXEMPT.update(
    {name: "in-place twin of a tabled op: compared with PyTorch in tests/test_coverage_ops.py" for name in inplace_functions.__all__}
)
EXEMPT.update(
    {name: "sparse COO operands, which the table's dense arrays cannot express: tests/test_sparse_coo.py"
     for name in ("sparse_coo_tensor", "spmm")}
)
EXEMPT.update(
    {name: "sparse CSR/CSC operands, which the table's dense arrays cannot express: tests/test_sparse_compressed.py"
     for name in ("sparse_compressed_tensor", "sparse_csr_tensor", "sparse_csc_tensor")}
)
EXEMPT.update(
    {name: "sparse COO operands and a sparse result, not differentiable in PyTorch: tests/test_sparse_row_products.py"
     for name in ("sspaddmm", "smm", "hspmm")}
)
EXEMPT.update(
    {name: "copies of a sparse tensor's parts, which the table's dense arrays cannot express: tests/test_view_copies.py"
     for name in ("values_copy", "indices_copy", "crow_indices_copy", "col_indices_copy", "ccol_indices_copy",
                  "row_indices_copy")}
)
EXEMPT.update(
    {f"_cast_{kind}": "the legacy cast, `input.to(dtype)` itself (its case is to_dtype's): tests/test_legacy_api.py"
     for kind in ("Byte", "Char", "Double", "Float", "Half", "Int", "Long", "Short")}
)
