"""Named tuples returned by ops such as `max(dim=...)`, printed like PyTorch's."""

from __future__ import annotations

from collections import namedtuple
from typing import Any, NamedTuple

from ._display_name import package_class, package_name


class _ValuesIndices(NamedTuple):
    values: Any
    indices: Any


def _printed_as(name: str) -> Any:
    """A `__repr__` printing a named tuple as PyTorch prints `torch.return_types.<name>(...)`."""

    def __repr__(self: Any) -> str:
        body = ",\n".join(f"{f}={v!r}" for f, v in zip(self._fields, self))
        return f"{package_name()}.return_types.{name}(\n{body})"

    return __repr__


def _with_out_variant(kind: type) -> type:
    """`kind`, given its structseq sizes (`n_fields`) and `kind.out_variant`: the type of its results
    written into `out=` tensors, which PyTorch names `<name>_out` (`torch.max(x, 1, out=...)` returns a `max_out`)."""
    name = kind.__name__ + "_out"
    # PyTorch's return types are structseqs: their sizes are class attributes (MONAI's MetaTensor
    # loops over `range(ret.n_fields)` to give each field its metadata)
    kind.n_fields = kind.n_sequence_fields = len(kind._fields)  # type: ignore[attr-defined]
    kind.n_unnamed_fields = 0  # type: ignore[attr-defined]
    kind.out_variant = type(name, (kind,), {"__slots__": (), "__repr__": _printed_as(name)})  # type: ignore[attr-defined]
    return kind


def _named(name: str) -> type:
    """A (values, indices) named tuple that prints as `retrograd.return_types.<name>(...)`."""
    return _with_out_variant(type(name, (_ValuesIndices,), {"__repr__": _printed_as(name), "__slots__": ()}))


max = _named("max")
min = _named("min")
sort = _named("sort")
topk = _named("topk")
kthvalue = _named("kthvalue")
median = _named("median")
nanmedian = _named("nanmedian")
mode = _named("mode")
cummax = _named("cummax")
cummin = _named("cummin")


class aminmax(NamedTuple):
    """`(min, max)`, what `aminmax` returns."""

    min: Any
    max: Any

    def __repr__(self) -> str:
        return f"{package_name()}.return_types.aminmax(\nmin={self.min!r},\nmax={self.max!r})"


_with_out_variant(aminmax)


def return_type(name: str, fields: str) -> type:
    """A named tuple printed like PyTorch's `torch.return_types.<name>(...)` (with its `out_variant`)."""
    base = namedtuple(name, fields)  # type: ignore[misc]
    return _with_out_variant(type(name, (base,), {"__slots__": (), "__repr__": _printed_as(name)}))


frexp = return_type("frexp", "mantissa exponent")
histogram = return_type("histogram", "hist bin_edges")
histogramdd = return_type("histogramdd", "hist bin_edges")
linalg_slogdet = return_type("linalg_slogdet", "sign logabsdet")
slogdet = return_type("slogdet", "sign logabsdet")
linalg_inv_ex = return_type("linalg_inv_ex", "inverse info")
linalg_cholesky_ex = return_type("linalg_cholesky_ex", "L info")
linalg_qr = return_type("linalg_qr", "Q R")
qr = return_type("qr", "Q R")
linalg_svd = return_type("linalg_svd", "U S Vh")
svd = return_type("svd", "U S V")
linalg_eigh = return_type("linalg_eigh", "eigenvalues eigenvectors")
linalg_lstsq = return_type("linalg_lstsq", "solution residuals rank singular_values")
linalg_eig = return_type("linalg_eig", "eigenvalues eigenvectors")
linalg_solve_ex = return_type("linalg_solve_ex", "result info")
linalg_lu = return_type("linalg_lu", "P L U")
linalg_lu_factor = return_type("linalg_lu_factor", "LU pivots")
linalg_lu_factor_ex = return_type("linalg_lu_factor_ex", "LU pivots info")
linalg_ldl_factor = return_type("linalg_ldl_factor", "LD pivots")
linalg_ldl_factor_ex = return_type("linalg_ldl_factor_ex", "LD pivots info")
lu_unpack = return_type("lu_unpack", "P L U")
triangular_solve = return_type("triangular_solve", "solution cloned_coefficient")
geqrf = return_type("geqrf", "a tau")
_lu_with_info = return_type("_lu_with_info", "LU pivots info")

# Every type above, and the `<name>_out` types of results written into `out=` tensors, by name
# as PyTorch lists them (histogramdd and _lu_with_info have no out= form there).
_NO_OUT_FORM = ("histogramdd", "_lu_with_info")
all_return_types: list[type] = [kind for kind in list(globals().values()) if hasattr(kind, "out_variant")]
for _out in [kind.out_variant for kind in all_return_types if kind.__name__ not in _NO_OUT_FORM]:  # type: ignore[attr-defined]
    globals()[_out.__name__] = _out
    all_return_types.append(_out)
del _out
for _kind in all_return_types:  # `torch.return_types.max` under the alias
    package_class(_kind)
del _kind
