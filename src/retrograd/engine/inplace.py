"""In-place operations: one mechanism for every `op_` method and `x[i] = v`.

An in-place op runs the out-of-place op, writes the result into the target's
memory, bumps the version counter (shared with views, so saved copies of the
old value are detected at backward) and moves the target to the new node.

When the target is a view, the gradient must reach its base: the base gets a
`CopySlices` node (gradient of the untouched region to the old base, of the
written region to the new value), and views are re-derived from the base the
next time their `grad_fn` is needed, as PyTorch does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .. import dtypes as _dt
from .._storage import root_array, storage_offset, view_at
from ..backend import namespace, on_device_of
from ..backend.sparse import SparseCOO
from ..backend.sparse_compressed import SparseCompressed
from . import forward_ad as _fw
from . import primitive as _primitive
from . import tensor_type as _tt
from .captures import check_uncaptured, open_scopes
from .grad_mode import state
from .graph import Node, SavedTensor, grad_accumulator
from .inplace_cast import cast_error, check_cast_first
from .views import check_view_rebase, edge, positions, refresh_view, refused_rebase, replay
from .vmap_hook import NOT_BATCHED
from .vmap_hook import hook as _vmap

if TYPE_CHECKING:
    from ..tensor import Tensor

def check_writable(target: Tensor) -> None:
    """Refuse in-place changes autograd could not account for."""
    if not state.enabled:
        return
    while getattr(target, "_level", 0):  # a vmap wrapper: the tensor holding the batch is the one written
        target = target._value  # type: ignore[attr-defined]
    if target._requires_grad and target._grad_fn is None and target._base is None:
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
    base = target._base
    if base is not None and (target._requires_grad or base._requires_grad):
        check_view_rebase(target)
    if base is not None and base._requires_grad and base._grad_fn is None:
        raise RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place operation.")
    if base is not None and base._requires_grad and any(p.multi_output_view for p, _ in target._view_steps):
        raise refused_rebase(target, "multi_output")


def apply(target: Tensor, op: Any, *args: Any, **kwargs: Any) -> Tensor:
    """`target.op_(*args)`: compute `op(target, *args)` and commit it into target."""
    if open_scopes[0]:
        check_uncaptured(target, op, args, kwargs)
    ufunc = _DIRECT.get(op.__name__)
    if ufunc is not None and len(args) == 1 and not kwargs and _direct(target, ufunc, args[0]):
        return target
    if _vmap.active:
        _vmap.check_write(target, getattr(op, "__name__", ""), args, kwargs)  # type: ignore[misc]
    check_writable(target)
    if args:
        check_cast_first(target.dtype, getattr(op, "__name__", ""), target, args[0], kwargs)
    return commit(target, op(target, *args, **kwargs))


def apply_uniform(target: Tensor, op: Any, *args: Any) -> Tensor:
    """`fill_`/`zero_`: every element gets the same value, so PyTorch allows them on a tensor whose
    elements share memory (an `expand`ed one), where other in-place ops raise."""
    if open_scopes[0]:
        check_uncaptured(target, op, args)
    if _vmap.active:
        _vmap.check_write(target, op.__name__, args, {})  # type: ignore[misc]
    check_writable(target)
    return commit(target, op(target, *args), uniform=True)


# in-place arithmetic that can be computed straight into the target's memory
_DIRECT = {"add": "add", "sub": "subtract", "mul": "multiply", "div": "true_divide"}


def _broadcasts_to(shape: tuple, target: tuple) -> bool:
    try:
        return np.broadcast_shapes(shape, target) == target
    except ValueError:
        return False


def _direct(target: Tensor, ufunc: str, other: Any) -> bool:
    """`target op= other` written by the ufunc into target's memory, saving the result's copy.

    Only where nothing is to be recorded or checked: no gradient, tangent, view, vmap or compile
    trace, a float target and an operand (a number or a same-dtype tensor on the same device, not
    sharing target's memory) whose result has target's own dtype and shape. False: take the
    general path.
    """
    if (state.enabled and target._requires_grad) or target._base is not None or target._fw_grad is not None:
        return False
    if _vmap.active or _primitive.tracer is not None:
        return False
    data = target._data
    if type(data) in (SparseCOO, SparseCompressed) or data.dtype.kind not in "fc" or data.dtype.itemsize < 4:
        return False
    kind = type(other)
    if kind is float or kind is int:
        value = other
    elif kind is _tt.Tensor:
        if (state.enabled and other._requires_grad) or other._fw_grad is not None:
            return False
        value = other._data
        owner = other if other._base is None else other._base
        if value.dtype != data.dtype or type(value) is not type(data) or owner is target:
            return False
        if value.shape != data.shape and not _broadcasts_to(value.shape, data.shape):
            return False
    else:
        return False
    try:
        getattr(namespace(data), ufunc)(data, value, out=data)
    except ValueError:  # e.g. read-only (expanded) memory: the general path raises PyTorch's error
        return False
    target._version_counter.value += 1
    return True


def commit(target: Tensor, result: Tensor, uniform: bool = False) -> Tensor:
    """Write `result` into `target`'s memory and move target onto result's graph."""
    if _vmap.active:  # a batched target or result: the write goes to the batched values
        done = _vmap.commit(target, result)  # type: ignore[misc]
        if done is not NOT_BATCHED:
            return done
    if result._data.shape != target._data.shape:
        _check_broadcast(target, result)
    if result._data.dtype != target._data.dtype:
        src, dst = result.dtype, target.dtype
        if not _dt.can_cast(src, dst):
            raise cast_error(src, dst)
        result = result.to(dst)
    if _primitive.tracer is not None:  # retrograd.compiler records the write
        _primitive.tracer.write(target, result)
    node = result._grad_fn
    recorded = node is not None and state.enabled
    if recorded:
        if target._base is not None:
            check_view_rebase(target)  # before writing: a refused change leaves the data as it was
        _snapshot_saved(node, target)
    write_data(target, result._data, uniform)
    # (not while tangents are computed elsewhere: a custom Function's jvp gives those of what its
    # forward wrote in place, mark_dirty's; the forward's own write leaves the tangent alone, as PyTorch)
    if _fw.levels.level is not None and not state.computing_tangents:
        _set_tangent(target, result._fw_grad)
    if recorded:
        if target._base is not None:
            _copy_slices(target, result)
        else:
            target._grad_fn = node
            target._output_nr = result._output_nr
            target._requires_grad = True
    return target


def _check_broadcast(target: Tensor, result: Tensor) -> None:
    try:
        shape = np.broadcast_shapes(target._data.shape, result._data.shape)
    except ValueError:
        shape = result._data.shape
    if shape != target._data.shape:
        raise RuntimeError(
            f"output with shape {list(target._data.shape)} doesn't match the broadcast shape {list(shape)}"
        )


def write_data(target: Tensor, data: Any, uniform: bool = False) -> None:
    """Write the array `data` over `target`'s elements (an `out=` argument's too) and count the change."""
    array = target._data
    if type(array) is SparseCOO or type(array) is SparseCompressed:  # entries are replaced, not written over
        if type(data) is not type(array):
            raise NotImplementedError(_primitive.SPARSE_MISSING.format("copy_"))
        target._data = data
        target._version_counter.value += 1
        return
    # PyTorch refuses a write where a dim of several elements has stride 0 (an expanded array is
    # read-only here, an as_strided one is not), unless every element gets the same value
    if array.size and any(step == 0 and n > 1 for n, step in zip(array.shape, array.strides)):
        if not (uniform and type(array) is np.ndarray):
            raise RuntimeError(_OVERLAP)
        array = _writable_view(array)
    elif array.size and type(array) is np.ndarray and not array.flags.writeable:
        # NumPy marks every expanded array read-only, even one whose stride-0 dims all have size 1
        # (`arange(n).expand(1, -1)`, a common buffer): no two elements share memory, so it is written
        array = _writable_view(array)
    try:
        array[...] = data
    except ValueError as e:
        if "read-only" not in str(e):
            raise
        raise RuntimeError(_OVERLAP) from None
    target._version_counter.value += 1


def _writable_view(array: np.ndarray) -> np.ndarray:
    """`array`'s elements seen through its root's memory, writable when the root is."""
    return view_at(root_array(array), array, storage_offset(array) * array.itemsize)


_OVERLAP = (
    "unsupported operation: more than one element of the written-to tensor refers to a "
    "single memory location. Please clone() the tensor before performing the operation."
)


def _snapshot_saved(node: Node, target: Tensor) -> None:
    """The new node may have saved `target` itself; keep its old value instead."""
    saved = getattr(node, "saved", None)
    if not saved:
        return
    snapshot = None
    for name, s in saved.items():
        if isinstance(s, SavedTensor) and s.tensor is target:
            if snapshot is None:
                snapshot = _tt.make(target._data.copy(), target._requires_grad, target._grad_fn, target._output_nr)
                # forward over reverse reads the old value's tangent too, which the write replaces in place
                tangent = _fw.tangent_of(target) if _fw.levels.level is not None else None
                if tangent is not None:
                    _fw.carry(snapshot, tangent.clone())
            saved[name] = SavedTensor(snapshot, False)


def _set_tangent(target: Tensor, tangent: Tensor | None) -> None:
    """Forward mode: the new value's tangent (zero when the written value has none).

    As in PyTorch, it is written into the memory of the tangent `target` already has, so the
    tangents of its views and of its base see the change; a write through a view of a tensor
    without a tangent first gives the base a zero one.
    """
    old = _fw.tangent_of(target)
    if old is not None:
        if _writable_in_place(old, tangent):
            old._data[...] = 0 if tangent is None else tangent._data
        else:
            _fw.carry(target, _tt.zeros_like(target) if tangent is None else tangent)
        return
    if tangent is None:
        return
    base = target._base
    if base is None:
        _fw.carry(target, tangent)
        return
    new = _tt.zeros_like(base)
    replay(target._view_steps, new.detach())._data[...] = tangent._data
    _fw.carry(base, new)
    target._fw_grad = None
    _fw.tangent_of(target)  # now a view of the base's tangent


def _writable_in_place(old: Tensor, new: Tensor | None) -> bool:
    """Whether a tangent can take new values in its own memory (no graph through it to keep)."""
    return old._data.flags.writeable and not old._requires_grad and (new is None or not new._requires_grad)


class CopySlices(Node):
    """The base's node after one of its views was changed in place."""

    __slots__ = ("steps", "untouched", "picked")

    def __init__(self, base_edge: tuple, result_edge: tuple, steps: tuple, untouched: Any, picked: Any) -> None:
        super().__init__((base_edge, result_edge))
        self.steps = steps
        self.untouched = untouched  # bool mask over the base: True outside the view
        # for a view placed by storage address (as_strided): the base element (row-major index)
        # behind each view element, since the recipe cannot be replayed on the gradient's own layout
        self.picked = picked

    def name(self) -> str:
        # PyTorch's C++ name for this node; its repr and grad_fn=<...> still say CopySlices
        return "torch::autograd::CopySlices"

    def __repr__(self) -> str:
        return f"<CopySlices object at {hex(id(self))}>"

    def apply(self, grads: list, wanted: Any) -> tuple:
        g = grads[0]
        to_base = _untouched_part(g, self.untouched) if self.next_functions[0][0] is not None else None
        to_result = None
        if self.next_functions[1][0] is not None:
            # the recipe is replayed on a row-major gradient, as on the mask above: a `view(-1)` of the
            # base fails on a gradient of another layout (one that comes through a transpose)
            if self.picked is None:
                to_result = replay(self.steps, g.contiguous())
            else:
                to_result = g.reshape(-1)[_tt.make(self.picked)]
        return (to_base, to_result)


def _untouched_part(g: Tensor, untouched: Any) -> Tensor:
    """`g` where the base was not written: a complex mask keeps real and imaginary parts apart."""
    if untouched.dtype.kind != "c":
        return g * _tt.make(untouched)
    return g.real * _tt.make(untouched.real) + g.imag * _tt.make(untouched.imag) * 1j


def rebase_dirty_view(view: Tensor, node: Node, output_nr: int) -> None:
    """A custom Function changed `view` in place (`ctx.mark_dirty`): its base now flows through
    `node`, as if the view had been written by an op whose output `output_nr` came from `node`."""
    check_view_rebase(view)
    _copy_slices(view, _tt.make(view._data, True, node, output_nr))


def _copy_slices(view: Tensor, result: Tensor) -> None:
    base = view._base
    assert base is not None
    steps = view._view_steps
    picked = None
    if any(prim.storage_view for prim, _ in steps):
        picked = positions(base._data, steps)
        mask = np.ones(base._data.size, dtype=bool)
        mask[picked.reshape(-1)] = False
        mask = mask.reshape(base._data.shape)
        picked = on_device_of(picked, base._data)
    else:
        # a complex base gets one flag per part (1 + 1j), as `z.real`/`z.imag` views write only one
        mask = _untouched_flags(base._data)
        region = mask
        for prim, attrs in steps:
            region = prim.forward(np, region, **attrs)
        region[...] = False
    node = CopySlices(_stale_edge(base), edge(result), steps, on_device_of(mask, base._data), picked)
    base._grad_fn = node
    base._output_nr = 0
    base._requires_grad = True
    view._requires_grad = True
    refresh_view(view)


def _untouched_flags(data: Any) -> np.ndarray:
    if data.dtype.kind == "c":
        return np.full(data.shape, 1 + 1j, dtype=data.dtype)
    return np.ones(data.shape, dtype=bool)


def _stale_edge(base: Tensor) -> tuple:
    if base._grad_fn is not None:
        return (base._grad_fn, base._output_nr)
    if base._requires_grad:
        return (grad_accumulator(base), 0)
    return (None, 0)
