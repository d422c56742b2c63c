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
aminmax = _named("aminmax")
