"""Named tuples returned by ops such as `max(dim=...)`, printed like PyTorch's."""

from __future__ import annotations

from typing import Any, NamedTuple


class _ValuesIndices(NamedTuple):
    values: Any
    indices: Any


def _named(name: str) -> type:
    """A (values, indices) named tuple that prints as `retrograd.return_types.<name>(...)`."""

    def __repr__(self: Any) -> str:
        return f"retrograd.return_types.{name}(\nvalues={self.values!r},\nindices={self.indices!r})"

    return type(name, (_ValuesIndices,), {"__repr__": __repr__, "__slots__": ()})


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
        return f"retrograd.return_types.aminmax(\nmin={self.min!r},\nmax={self.max!r})"


# the linear-algebra result types live with their ops; listed here like PyTorch's
from .ops._linalg_util import (  # noqa: E402, F401  (re-exported)
    linalg_eigh,
    linalg_inv_ex,
    linalg_lstsq,
    linalg_qr,
    linalg_slogdet,
    linalg_svd,
    qr,
    slogdet,
    svd,
)
