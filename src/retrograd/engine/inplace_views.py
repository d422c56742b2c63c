"""In-place view ops (`t_`, `transpose_`, `squeeze_`, `unsqueeze_`, `swapaxes_`): a tensor takes a new shape.

Nothing is written: the tensor's array becomes the view the out-of-place op makes of it (same
memory, new shape and strides), its node becomes that op's node, and its version goes up, as
PyTorch does. A view keeps its base and gains the step in its recipe, so its node can still be
re-derived from the base.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .grad_mode import state
from .inplace import check_writable

if TYPE_CHECKING:
    from ..tensor import Tensor


def apply_view(target: Tensor, op: Any, *args: Any) -> Tensor:
    """`target.op_(*args)` for a view op: target takes the shape (and node) of `op(target, *args)`."""
    check_writable(target)
    result = op(target, *args)
    target._data = result._data
    if target._base is not None:  # a view stays a view of its base, one step further
        target._view_steps = result._view_steps
    if result._grad_fn is not None and state.enabled:
        target._grad_fn = result._grad_fn
        target._output_nr = result._output_nr
        target._requires_grad = True
    target._version_counter.value += 1
    target._view_version = target._version_counter.value
    return target
