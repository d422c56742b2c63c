"""A training step compiled whole: what its generated code does to tensors besides arrays.

A function that runs `loss.backward()` and updates its parameters changes tensors, not only
arrays: `.grad = None` (zero_grad), the gradients its backward stores, the version counters of
parameters it updates in place. The recording keeps these as effects; the generated forward
returns the gradients after the outputs, and a call replays the effects in the recorded order
(the in-place updates themselves are writes inside the generated code). An optimizer's
`step()` is an effect too: the call runs it, eagerly, where the function did.

A target is ("arg", i), the i-th tensor argument of the call, or the tensor itself (a parameter
or any leaf the function reaches through a closure or a module).
"""

from __future__ import annotations

from typing import Any

from ..backend.sparse import SparseCOO
from ..engine.grad_layout import laid_out_for, owned_view
from ..tensor import Tensor
from . import _trace

_make = Tensor._make


def target_of(t: Any, tensors: list) -> Any:
    for i, arg in enumerate(tensors):
        if arg is t:
            return ("arg", i)
    return t


def resolve(target: Any, tensors: list) -> Any:
    return tensors[target[1]] if type(target) is tuple else target


def plan(rec: _trace.Recorder, tensors: list, n_outputs: int) -> tuple[tuple, list, tuple, tuple, tuple]:
    """(effects, gradient arrays the code returns after its outputs, written, none_grads,
    grads_before: (target, shape, dtype) of each `.grad` from before the call it adds to)."""
    effects = []
    grads: list = []
    for kind, t, array in rec.effects:
        if kind == "grad" or kind == "accum":
            effects.append((kind, target_of(t, tensors), n_outputs + len(grads)))
            grads.append(array)
        elif kind == "step":
            effects.append(("step", t, -1))  # (the optimizer itself: its identity is guarded)
        else:
            effects.append(("clear", target_of(t, tensors), -1))
    written = tuple((target_of(t, tensors), times) for t, times in rec.written.values())
    none_grads = tuple(target_of(t, tensors) for t in rec.none_grads.values())
    before = tuple((target_of(t, tensors), shape, dtype) for t, shape, dtype in rec.grads_before.values())
    return tuple(effects), grads, written, none_grads, before


def grad_outputs(rec: _trace.Recorder, outs: list, tensors: list) -> tuple:
    """(output index, target) per output that is a leaf's `.grad` after the function: a call returns
    the `.grad` its replay stores, the same tensor, as eager code does (`return loss, w.grad`)."""
    leaves = {id(t): t for kind, t, _ in rec.effects if kind == "grad" or kind == "accum"}
    found = []
    for k, o in enumerate(outs):
        for t in leaves.values():
            if t._grad is o:
                found.append((k, target_of(t, tensors)))
    return tuple(found)


def replay(effects: tuple, written: tuple, tensors: list, taken: list, results: tuple) -> None:
    """Apply a call's effects; a gradient is stored as the engine stores a fresh one: as it is,
    unless another output, gradient or input (`taken`) is the same array, or it is a view of an
    array something else holds."""
    seen = {id(a) for a in taken}
    for kind, target, k in effects:
        if kind == "step":
            target.step()
            continue
        t = tensors[target[1]] if type(target) is tuple else target
        if kind == "clear":
            t._grad = None
            continue
        if kind == "accum":  # into the `.grad` in place, as the engine adds
            grad = t._grad
            grad._data += results[k]
            grad._version_counter.value += 1
            continue
        a = results[k]
        laid_out = laid_out_for(t._data, a)
        if laid_out is not None:
            a = laid_out
        elif id(a) in seen or (a.base is not None and not owned_view(a)) or not _fresh_layout(a):
            a = a.copy()
        seen.add(id(a))
        t._grad = _make(a)
    for target, times in written:
        resolve(target, tensors)._version_counter.value += times


def hooked(effects: tuple, tensors: list) -> bool:
    """Whether a leaf the code stores a gradient in has a hook now (the code would not run it)."""
    for kind, target, _ in effects:
        if kind == "grad" or kind == "accum":
            t = resolve(target, tensors)
            if t._hooks or t._post_acc_hooks:
                return True
    return False


def grads_there(grads_before: tuple, tensors: list) -> bool:
    """Whether each `.grad` the code adds into is there as recorded (a plain dense tensor)."""
    for target, shape, dtype in grads_before:
        g = resolve(target, tensors)._grad
        if g is None or type(g) is not Tensor or g._requires_grad:
            return False
        data = g._data
        if type(data) is SparseCOO or data.shape != shape or data.dtype != dtype:
            return False
    return True


def final_grads(effects: tuple, tensors: list, results: tuple) -> dict:
    """id(tensor) -> (tensor, the array its `.grad` holds after the effects, or None)."""
    final: dict = {}
    for kind, target, k in effects:
        if kind == "step":
            continue
        t = resolve(target, tensors)
        before = final.get(id(t), (t, None))[1]
        if kind == "accum" and before is not None:  # into a gradient this call stored
            final[id(t)] = (t, before + results[k])
        else:  # (from before the call: the check starts the function from no .grad)
            final[id(t)] = (t, None if kind == "clear" else results[k])
    return final


def _fresh_layout(a: Any) -> bool:
    """Whether `a` is laid out as a `.grad` the engine takes: row-major and writeable."""
    return a.flags.c_contiguous and getattr(a.flags, "writeable", True)  # (CuPy's arrays are writeable)


def stepped_optimizers(effects: tuple) -> list:
    """The optimizers whose step the effects run."""
    return [target for kind, target, _ in effects if kind == "step"]
