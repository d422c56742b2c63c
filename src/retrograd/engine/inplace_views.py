"""In-place view ops (`t_`, `transpose_`, `squeeze_`, `unsqueeze_`, `swapaxes_`): a tensor takes a new shape.

Nothing is written: the tensor's array becomes the view the out-of-place op makes of it (same
memory, new shape and strides), its node becomes that op's node, and its version goes up, as
PyTorch does. A view keeps its base and gains the step in its recipe, so its node can still be
re-derived from the base.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .captures import check_uncaptured, open_scopes
from .forward_ad import carry
from .grad_mode import state
from .inplace import check_writable
from .primitive import OpNode, node_class

if TYPE_CHECKING:
    from ..tensor import Tensor


def apply_view(target: Tensor, op: Any, *args: Any, node: str | None = None) -> Tensor:
    """`target.op_(*args)` for a view op: target takes the shape (and node) of `op(target, *args)`.

    `node` is PyTorch's name for the in-place op's node where it differs from the out-of-place
    op's (`transpose_` records TransposeBackward1): the node is the same, only its class is named apart.
    """
    if open_scopes[0]:
        check_uncaptured(target, op, args)
    check_writable(target)
    result = op(target, *args)
    grad_fn = result._grad_fn
    if node is not None and isinstance(grad_fn, OpNode):
        grad_fn.__class__ = node_class(node)  # (its saved values are OpNode's properties: they stay)
    _become(target, result)
    return target


def _become(target: Tensor, result: Tensor) -> None:
    """Give `target` the array, view recipe and node of `result`, a view of it; bump its version.

    Under vmap both are batched at the same level: the tensor holding the batch takes the
    batched view first (as PyTorch, the vmapped input itself changes shape), then the wrapper
    takes the logical shape.
    """
    level = getattr(target, "_level", 0)
    if level and getattr(result, "_level", 0) == level:
        _become(target._value, result._value)  # type: ignore[attr-defined]
        target._data = result._data
        target._requires_grad = result._requires_grad
        return
    target._data = result._data
    if result._fw_grad is not None:  # forward mode: the tangent takes the same view
        carry(target, result._fw_grad)
    if target._base is not None:  # a view stays a view of its base, one step further
        target._view_steps = result._view_steps
    if result._grad_fn is not None and state.enabled:
        target._grad_fn = result._grad_fn
        target._output_nr = result._output_nr
        target._requires_grad = True
    target._version_counter.value += 1
    target._view_version = target._version_counter.value
