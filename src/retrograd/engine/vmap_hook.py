"""The one check `Primitive` makes for vmap: is any vmap open, and who batches the op.

`retrograd.func` sets `hook.dispatch` when it loads and counts open vmap levels in
`hook.active` (process-wide, so the check is one attribute read; which levels belong to
which thread lives in `grad_mode.state.vmap_levels`). While `active` is 0 the unbatched
hot path costs nothing more than that read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

NOT_BATCHED: Any = object()  # dispatch's answer when no input of the op is batched


class _Hook:
    active = 0  # vmap levels open in any thread
    # (primitive, tensors, attrs) -> result, or NOT_BATCHED when no input is batched
    dispatch: Callable[[Any, tuple, dict], Any] | None = None
    # (target, result) -> target, for in-place ops on batched tensors; NOT_BATCHED when neither is
    commit: Callable[[Any, Any], Any] | None = None


hook = _Hook()
