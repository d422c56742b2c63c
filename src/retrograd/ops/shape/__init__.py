"""Shape ops: views, joining, splitting, repeating, reordering, diagonals.

Each module is a small group of ops that are one another's derivatives:

- `views`: reshape, view, permute, transpose, squeeze, flatten, ... (share memory)
- `broadcasting`: expand, broadcast_to, broadcast_tensors, broadcast_shapes
- `slicing`: cat/stack and the slicing views narrow/select
- `splitting`: split/chunk/unbind/tensor_split/hsplit/vsplit/dsplit (several views at once)
- `join`: hstack/vstack/..., atleast_nd, meshgrid, block_diag, combinations
- `repeat_reorder`: repeat, tile, repeat_interleave, flip, rot90, roll, unfold
- `diagonals`: diagonal, diag, diag_embed, tril, triu, trace
- `strided`: as_strided, as_strided_scatter (the storage read with explicit strides)
- `triangle_indices`: tril_indices, triu_indices
- `view_copies`: unfold_copy, view_copy, t_copy, ... (the views as fresh contiguous tensors)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the modules this package gathers (at run time they load on first use: ops/_lazy.py)
    from . import (
        aliases,
        broadcasting,
        diagonals,
        join,
        repeat_reorder,
        slicing,
        splitting,
        strided,
        triangle_indices,
        view_copies,
        views,
    )
    from .aliases import *  # noqa: F403
    from .broadcasting import *  # noqa: F403
    from .diagonals import *  # noqa: F403
    from .join import *  # noqa: F403
    from .repeat_reorder import *  # noqa: F403
    from .slicing import *  # noqa: F403
    from .splitting import *  # noqa: F403
    from .strided import *  # noqa: F403
    from .triangle_indices import *  # noqa: F403
    from .view_copies import *  # noqa: F403
    from .views import *  # noqa: F403

    __all__: list[str] = []
    __all__ += views.__all__
    __all__ += broadcasting.__all__
    __all__ += slicing.__all__
    __all__ += splitting.__all__
    __all__ += join.__all__
    __all__ += repeat_reorder.__all__
    __all__ += diagonals.__all__
    __all__ += triangle_indices.__all__
    __all__ += aliases.__all__
    __all__ += strided.__all__
    __all__ += view_copies.__all__
else:
    from .. import _lazy

    __all__ = _lazy.public_names(__name__)
    __getattr__, __dir__ = _lazy.lazy_package(__name__, globals())
