"""What `Function.apply` makes of forward's results, as PyTorch's `_wrap_outputs`: the node for the
differentiable outputs, aliases for returned inputs, the checks of `mark_dirty`, the saved tensors."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

from ..engine.grad_mode import no_grad, state
from ..engine.graph import SavedTensor
from ..engine.inplace import rebase_dirty_view
from ..engine.primitive import type_name
from ..tensor import Tensor

if TYPE_CHECKING:
    from .function import FunctionCtx


def wrap_outputs(ctx: FunctionCtx, args: tuple, output: Any, record: bool) -> Any:
    """Give tensor outputs the node; save what was asked, outputs saved as outputs."""
    single = not isinstance(output, tuple)
    outputs = (output,) if single else output
    inputs = {id(a) for a in args if isinstance(a, Tensor)}
    _check_dirty_returned(ctx, inputs, outputs, record)
    wrapped = []
    for i, out in enumerate(outputs):
        if not isinstance(out, Tensor):
            wrapped.append(out)
            continue
        dirty = any(out is d for d in ctx._dirty)
        non_diff = any(out is n for n in ctx._non_differentiable)  # asked of the object forward returned
        is_input = id(out) in inputs
        if dirty:
            _check_dirty(out)
            out._version_counter.value += 1
        if record and not non_diff and (out.is_floating_point() or out.is_complex()):
            if is_input and not dirty:
                out = _returned_input(out, False)
            if dirty and out._base is not None:  # the base takes the change (PyTorch's CopySlices)
                rebase_dirty_view(out, ctx, i)
            else:
                out._grad_fn = ctx
                out._output_nr = i
                out._requires_grad = True
        elif is_input and (out.requires_grad or not dirty):
            # an input that requires grad comes back as a detached alias, never changed itself (PyTorch)
            out = _returned_input(out, out.requires_grad)
        elif not dirty:
            out._requires_grad = False
        wrapped.append(out)
    _refuse_inplace_on_views(ctx, wrapped)
    ctx.n_outputs = len(outputs)
    ctx._output_meta = tuple((o._data.shape, o.dtype) if isinstance(o, Tensor) else ((), None) for o in wrapped)
    # an output is saved as one (rebuilt on unpack with this node as grad_fn) only where it got the
    # node: a non-differentiable output is kept as a plain tensor, as PyTorch's has no grad_fn
    differentiable = [o for o in wrapped if isinstance(o, Tensor) and o._requires_grad] if record else []
    ctx._saved = tuple(_save(t, differentiable, i, record) for i, t in enumerate(ctx._to_save))
    ctx._to_save = ()
    return wrapped[0] if single else tuple(wrapped)


def _check_dirty_returned(ctx: FunctionCtx, inputs: set, outputs: tuple, record: bool) -> None:
    """PyTorch's error when a tensor marked dirty is not returned, its warning when one is not an input."""
    if not ctx._dirty:
        return
    if not all(any(d is o for o in outputs) for d in ctx._dirty):
        raise RuntimeError(
            "Some elements marked as dirty during the forward method were not returned as output. The inputs "
            "that are modified inplace must all be outputs of the Function."
        )
    if record and not all(id(d) in inputs for d in ctx._dirty):
        warnings.warn(
            "ctx.mark_dirty() received a tensor that was not an input. Only input Tensors that have been mutated "
            "should be passed to ctx.mark_dirty().",
            UserWarning,
            stacklevel=4,
        )


def _check_dirty(t: Tensor) -> None:
    """PyTorch's refusals for `ctx.mark_dirty` of a leaf that requires grad, or a view of one."""
    if not state.enabled:
        return
    base = t._base
    if base is None and t._requires_grad and t._grad_fn is None:
        raise RuntimeError("a leaf Variable that requires grad has been used in an in-place operation.")
    if base is not None and base._requires_grad and base._grad_fn is None:
        raise RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place operation.")


def _returned_input(t: Tensor, non_differentiable: bool) -> Tensor:
    """An input that forward returned as is: a new tensor object, a view of it as PyTorch makes.

    One marked non-differentiable is cut off from it instead (sharing its memory and version).
    """
    if non_differentiable:
        out = t.detach()
        out._version_counter = t._version_counter
        return out
    with no_grad():
        return t.view_as(t)


def _refuse_inplace_on_views(ctx: FunctionCtx, outputs: list) -> None:
    """Mark the differentiable outputs that are views so an in-place change of them raises: the
    Function's node, not a re-derived view, must carry their gradient (PyTorch's creation meta)."""
    mine = [o for o in outputs if isinstance(o, Tensor) and o._grad_fn is ctx]
    meta = "multi_output" if len(mine) > 1 else "custom_function"
    for o in mine:
        if o._base is not None:
            o._view_meta = meta


def _save(t: Any, outputs: list, position: int, record: bool) -> SavedTensor | None:
    if t is None or not (record or isinstance(t, Tensor)):  # PyTorch checks only what it records
        return None
    if not isinstance(t, Tensor):
        raise TypeError(
            f"save_for_backward can only save variables, but argument {position} is of type {type_name(t)}"
        )
    is_output = any(t is o for o in outputs)
    return SavedTensor(t, is_output)
