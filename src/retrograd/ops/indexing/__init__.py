"""Indexing: reading and writing elements picked by indices or masks.

- `subscript`: `t[index]`, `t[index] = value`, index_put
- `nonzeros`: nonzero, nonzero_static, argwhere
- `gather_scatter`: gather, scatter, scatter_add, scatter_reduce, take, take_along_dim, put
- `masking`: index_select/add/copy/fill along a dim, masked_fill/select/scatter
- `view_scatter`: slice_scatter, select_scatter, diagonal_scatter (a copy with one view overwritten)
- `reduce_into`: index_reduce
- `keyed`: the two derivative rules they all share (read at a key, write at a key)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the modules this package gathers (at run time they load on first use: ops/_lazy.py)
    from . import gather_scatter, masking, nonzeros, reduce_into, subscript, view_scatter
    from .gather_scatter import *  # noqa: F403
    from .masking import *  # noqa: F403
    from .nonzeros import *  # noqa: F403
    from .reduce_into import *  # noqa: F403
    from .subscript import *  # noqa: F403
    from .view_scatter import *  # noqa: F403

    __all__: list[str] = []
    __all__ += subscript.__all__
    __all__ += nonzeros.__all__
    __all__ += gather_scatter.__all__
    __all__ += masking.__all__
    __all__ += view_scatter.__all__
    __all__ += reduce_into.__all__
else:
    from .. import _lazy

    __all__ = _lazy.public_names(__name__)
    __getattr__, __dir__ = _lazy.lazy_package(__name__, globals())
