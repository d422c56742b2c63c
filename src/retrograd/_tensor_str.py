"""`torch._tensor_str`: the print options object and the function that formats a tensor's values.

Libraries reach in here to write tensors as text in their own formats: PyTorch Geometric's OFF
writer reads `PRINT_OPTS.threshold` and strips the brackets from `_tensor_str(t, indent=0)`.
"""

from __future__ import annotations

from typing import Any

from ._printing import _OPTS as PRINT_OPTS
from ._printing import _values_and_suffixes, get_printoptions, printoptions, set_printoptions

__all__ = ["PRINT_OPTS", "get_printoptions", "printoptions", "set_printoptions"]


def _tensor_str(self: Any, indent: int) -> str:
    """The bracketed values of `self` as its repr shows them, nested lines indented by `indent`.

    >>> print(retrograd._tensor_str._tensor_str(retrograd.tensor([[1, 2], [3, 4]]), 2))
    [[1, 2],
       [3, 4]]
    """
    return _values_and_suffixes(self, indent)[0]
