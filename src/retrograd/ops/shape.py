"""Shape ops that are not simple views: joining, splitting, repeating, reordering, diagonals.

The family lives in four modules, each a small group of ops that are one
another's derivatives; this module gathers their public names:

- `shape_slice`: cat/stack and the slicing views narrow/select/split/chunk/unbind
- `shape_join`: hstack/vstack/..., atleast_nd, meshgrid, block_diag, combinations
- `shape_repeat`: repeat, tile, repeat_interleave, flip, rot90, roll, unfold
- `shape_diag`: diagonal, diag, diag_embed, tril, triu, trace
"""

from __future__ import annotations

from . import shape_diag, shape_join, shape_repeat, shape_slice
from .shape_diag import *  # noqa: F403
from .shape_join import *  # noqa: F403
from .shape_repeat import *  # noqa: F403
from .shape_slice import *  # noqa: F403

__all__ = shape_slice.__all__ + shape_join.__all__ + shape_repeat.__all__ + shape_diag.__all__
