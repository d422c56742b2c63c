"""PyTorch's deprecated top-level flags (`torch.has_cuda`, ...): each read warns and asks `backends`.

PyTorch answers them from its module `__getattr__`, so every read warns again; the package's
`__getattr__` asks `deprecated_attribute` before it gives up on a name.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

from .._display_name import package_name
from . import cuda, cudnn, mkldnn, mps

# name -> (the backends module that answers, the function in it)
_REPLACEMENTS: dict[str, tuple[str, Callable[[], bool]]] = {
    "has_mps": ("mps", mps.is_built),
    "has_cuda": ("cuda", cuda.is_built),
    "has_cudnn": ("cudnn", cudnn.is_available),
    "has_mkldnn": ("mkldnn", mkldnn.is_available),
}

NOT_DEPRECATED = object()  # the answer for every other name


def deprecated_attribute(name: str) -> Any:
    """The value of a deprecated top-level name after PyTorch's warning, else `NOT_DEPRECATED`."""
    if name == "set_vital":
        warnings.warn(f"'{name}' is deprecated, please do not call", stacklevel=3)
        return lambda *args: None
    replacement = _REPLACEMENTS.get(name)
    if replacement is None:
        return NOT_DEPRECATED
    module, query = replacement
    where = f"{package_name()}.backends.{module}.{query.__name__}()"
    warnings.warn(f"'{name}' is deprecated, please use '{where}'", stacklevel=3)
    return query()
