"""Views: the recipe that re-derives a view from its base, and the edge a tensor's gradient takes.

A view shares memory and a version counter with its base and remembers the chain of view
ops that made it. When the base (or a sibling view) changes in place, the view's node is
stale; `edge` re-derives it from the base before a new node links to it.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from .._storage import on_host, root_array, storage_offset
from .grad_mode import state
from .graph import grad_accumulator

if TYPE_CHECKING:
    from ..tensor import Tensor
    from .primitive import Primitive


# (view, base) -> the view re-derived as one as_strided of its base, or None where the view is not
# its base's memory read by strides (another dtype or device): set by ops/shape/strided.py, which
# `refresh_view` loads on first use (the ops load lazily). PyTorch
# re-derives a stale view so, and its node reads AsStridedBackward0 (in grad_fn and in the in-place
# error that names the tensor an optimizer step changed before backward).
strided_rederive: Callable[[Any, Any], Any] | None = None


def link_view(out: Tensor, source: Tensor, prim: Primitive, attrs: dict) -> None:
    """Make `out` a view of `source`'s base: shared version counter and a replay recipe."""
    base = source._base if source._base is not None else source
    out._base = base
    out._version_counter = source._version_counter
    out._view_steps = source._view_steps + ((prim, attrs),)
    out._view_version = base._version_counter.value
    # A view made with recording off cannot be rebased onto a graph later: remember the mode
    # (views of such a view inherit it), so an in-place change in grad mode can be refused.
    inherited = _MODE_OF_LEAF.get(source._view_meta, source._view_meta) if source._base is not None else None
    if inherited is not None:
        out._view_meta = inherited
    elif not state.enabled:
        out._view_meta = "inference_mode" if state.inference else "no_grad"
    else:
        out._view_meta = None
    if out._view_meta is not None and source._requires_grad:
        # PyTorch: such a view still requires grad as its source does, as a leaf without a node
        # whose gradient goes nowhere (see `edge`)
        out._requires_grad = True


# A view made with recording off on which `requires_grad_()` was then called: PyTorch sets the view's
# own flag, so it is a leaf whose gradient is accumulated in its `.grad` (torchdiffeq's CNF example
# differentiates through such a view inside a custom Function). Only the flag it inherits from its source
# makes a view whose gradient goes nowhere. The mode is kept for the in-place refusal.
_LEAF_OF_MODE = {"no_grad": "no_grad, own requires_grad", "inference_mode": "inference_mode, own requires_grad"}
_MODE_OF_LEAF = {leaf: mode for mode, leaf in _LEAF_OF_MODE.items()}


def set_own_requires_grad(t: Tensor, requires_grad: bool) -> None:
    """Record on a view made with recording off (and without a node) whether its own requires_grad
    flag is set (`requires_grad_()`), not only inherited from its source (which it keeps when its own
    flag is cleared: PyTorch's view requires grad while its base does)."""
    if t._base is None or t._grad_fn is not None:
        return
    if requires_grad and t._view_meta in _LEAF_OF_MODE:
        t._view_meta = _LEAF_OF_MODE[t._view_meta]
    elif not requires_grad and t._view_meta is not None:
        t._view_meta = _MODE_OF_LEAF.get(t._view_meta, t._view_meta)
        t._requires_grad = t._view_meta in _LEAF_OF_MODE and t._base._requires_grad


# Views whose node an in-place change may not replace, and the reason PyTorch gives (its CreationMeta).
_REFUSED_REBASE = {
    "custom_function": "This view was created inside a custom Function (or because an input was returned as-is) "
    "and the autograd logic to handle view+inplace would override the custom backward associated with the custom "
    "Function, leading to incorrect gradients. This behavior is forbidden. You can fix this by cloning the output "
    "of the custom Function.",
    "multi_output": "This view is the output of a function that returns multiple views. Such functions do not "
    "allow the output views to be modified inplace. You should replace the inplace operation by an out-of-place "
    "one.",
}


def refused_rebase(t: Tensor, meta: str, indirect: bool = False) -> RuntimeError:
    """PyTorch's error for an in-place change of a view whose node must stay (`meta` a key of _REFUSED_REBASE);
    `indirect`: its base or a sibling view was the one changed."""
    fn = t._grad_fn
    op = re.sub(r"Backward\d*$", "", fn.name()) if fn is not None else "a view"
    what = "its base or another view of its base has been modified inplace" if indirect else "is being modified inplace"
    return RuntimeError(f"Output {t._output_nr} of {op} is a view and {what}. {_REFUSED_REBASE[meta]}")


def check_view_rebase(t: Tensor) -> None:
    """PyTorch's error for an in-place change, in grad mode, of a view made in no_grad or inference mode,
    or inside a custom Function."""
    meta = _MODE_OF_LEAF.get(t._view_meta, t._view_meta)
    if meta is None:
        return
    if meta in _REFUSED_REBASE:
        raise refused_rebase(t, meta)
    fn = t._grad_fn
    if fn is not None:
        op = fn.name().rsplit("Backward", 1)[0]
        who = f"Output {t._output_nr} of {op} is a view of a view which was created in"
    else:
        who = "A view was created in"
    if meta == "no_grad":
        where, mode = "no_grad mode and is being modified inplace with grad mode enabled", "no_grad"
    else:
        where, mode = "inference mode and is being modified inplace in normal mode", "inference_mode"
    raise RuntimeError(
        f"{who} {where}. Given that this use case is ambiguous and error-prone, it is forbidden. You can "
        f"clarify your code by moving both the view and the inplace either both inside the {mode} block (if "
        "you don't want the inplace to be tracked) or both outside (if you want the inplace to be tracked)."
    )


def edge(t: Tensor) -> tuple:
    """The (node, output_nr) a gradient for `t` flows into; (None, 0) if none."""
    if t._base is not None and t._view_version != t._version_counter.value:
        refresh_view(t)
    fn = t._grad_fn
    if fn is not None:
        return (fn, t._output_nr)
    if t._requires_grad:
        if t._base is not None and t._view_meta is not None and t._view_meta not in _MODE_OF_LEAF:
            return (None, 0)  # a view made with recording off (PyTorch accumulates nothing for it)
        return (grad_accumulator(t), 0)
    return (None, 0)


def replay(steps: tuple, t: Tensor) -> Tensor:
    """Apply a view's recipe (its chain of view ops) to `t`."""
    for prim, attrs in steps:
        t = prim(t, **attrs)
    return t


def positions(base: Any, steps: tuple) -> np.ndarray:
    """For each element of the view `steps` make of the array `base`: the base element it is
    (its row-major index), as a host int64 array of the view's shape.

    The recipe runs on an index array laid out in memory as `base` is (its strides and offset in
    a storage as long as its own), so a step placed by storage address (as_strided) picks the
    elements it picked on `base`; the view's elements are then found on any gradient by index.
    """
    laid = _laid_out_like(base)
    laid[...] = np.arange(laid.size, dtype=np.int64).reshape(laid.shape)
    for prim, attrs in steps:
        laid = prim.forward(np, laid, **attrs)
    found = np.array(laid, dtype=np.int64)
    if found.size and found.min() < 0:
        raise RuntimeError(
            "retrograd: an in-place change through an as_strided view that reaches storage outside its base "
            "is not supported"
        )
    return found


def _laid_out_like(a: Any) -> np.ndarray:
    """A host int64 array of `a`'s shape with `a`'s element strides and storage offset, over a
    storage of -1s as long as `a`'s (a device array is taken as contiguous from offset 0)."""
    if on_host(a):
        strides = tuple(s // a.itemsize for s in a.strides)
        offset, length = storage_offset(a), root_array(a).nbytes // a.itemsize
    else:
        strides = tuple(s // a.itemsize for s in a.strides)
        offset, length = 0, a.size
    storage = np.full(max(length, 1), -1, dtype=np.int64)
    return np.ndarray(a.shape, np.int64, buffer=storage, offset=offset * 8, strides=tuple(s * 8 for s in strides))


def refresh_view(t: Tensor) -> None:
    """Re-derive a view's node from its base after the base (or a sibling) changed in place."""
    base = t._base
    if t._view_meta in _REFUSED_REBASE and t._requires_grad:
        # the view's node is a custom Function's: it cannot be re-derived from the changed base
        raise refused_rebase(t, t._view_meta, indirect=True)
    t._view_version = t._version_counter.value
    if not (t._requires_grad and base._requires_grad):
        return
    assert base is not None
    if strided_rederive is None:
        importlib.import_module("retrograd.ops.shape.strided")  # the layer above registers itself when it loads
    prev = state.enabled
    state.enabled = True
    try:
        v = strided_rederive(t, base) if strided_rederive is not None else None
        if v is None:
            v = replay(t._view_steps, base)
    finally:
        state.enabled = prev
    t._grad_fn = v._grad_fn
    t._output_nr = v._output_nr
