"""The check before generated code is trusted: same answers as eager on other input values.

Library code that computes on arrays outside primitives is invisible to the recording, which
would freeze the first call's values as constants (the library's own value-dependent helpers,
such as a loss's class indices or a pooling's window maxima, are primitives for that reason).
So once, after generating, every input (arguments, parameters, buffers, state tensors the
function updates in place) is given other values, restored afterwards with their versions,
and the function runs both eagerly and as generated code: outputs and gradients must agree, or
the call site runs eagerly (see `perturbed` for the new values).
"""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any

import numpy

from ..engine import backward as _engine
from ..engine.graph import AccumulateGrad
from ..engine.views import edge
from ..ops import autocast_policy as _autocast
from ..tensor import Tensor
from . import _calls, _draws, _step, _trace, _view_outputs

_make = Tensor._make


def perturbed(a: Any, halve: bool = False) -> Any:
    """Different values of the same shape, dtype and range.

    Floats are put in reverse order, scaled, shifted and negated, so comparisons, masks, argmax
    and sort orders change too (a function undefined there fails the check and runs eagerly);
    bools are negated; integers are rotated, which keeps them valid indices, or with `halve`
    floor-halved, which keeps them valid indices in order too (an embedding bag's offsets).
    """
    if a.dtype.kind == "f" or a.dtype.kind == "c":
        return _array((a.reshape(-1)[::-1].reshape(a.shape) * -0.75 - 0.125).astype(a.dtype))
    if a.dtype.kind == "b":
        return _array(~a)
    if halve:
        return _array(a // 2)
    if a.size > 1:
        return numpy.roll(a.reshape(-1), 1).reshape(a.shape).copy()
    return a.copy()


def _array(a: Any) -> Any:
    """NumPy's 0-d arithmetic gives a scalar: an array again (the code may write into it)."""
    return numpy.asarray(a) if isinstance(a, numpy.generic) else a


def _substitute(value: Any, mapping: dict) -> Any:
    if isinstance(value, Tensor):
        return mapping.get(id(value), value)
    if type(value) in (tuple, list):
        return type(value)(_substitute(v, mapping) for v in value)
    if type(value) is dict:
        return {k: _substitute(v, mapping) for k, v in value.items()}
    return value


def eager_grads(roots: list, seeds: list, targets: list) -> list:
    """d(roots)/d(targets) by the engine, the targets' own hooks left out (they run later, once)."""
    edges = [edge(t) for t in targets]
    target_map: dict = {}
    for node, nr in edges:
        target_map.setdefault(node, []).append(nr)
    stashed = []
    for node in target_map:
        leaf = node.variable if isinstance(node, AccumulateGrad) else None
        stashed.append((node, node._tensor_hooks, node._pre_hooks, leaf, leaf._hooks if leaf is not None else None))
        node._tensor_hooks = node._pre_hooks = None
        if leaf is not None:
            leaf._hooks = None
    try:
        captured = _engine.run([edge(o) for o in roots], [_make(s) for s in seeds], True, False, target_map, False)
    finally:
        for node, th, ph, leaf, lh in stashed:
            node._tensor_hooks, node._pre_hooks = th, ph
            if leaf is not None:
                leaf._hooks = lh
    return [captured.get(e) for e in edges]


def _close(a: Any, b: Any) -> bool:
    a = numpy.asarray(a)
    b = numpy.asarray(b)
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    if a.dtype.kind in "fc":
        return bool(numpy.allclose(a, b, rtol=1e-5, atol=1e-6, equal_nan=True))
    return bool((a == b).all())


def check(fn: Any, args: tuple, kwargs: dict, tensors: list, state_tensors: list, entry: Any) -> str | None:
    """None when the generated code agrees with eager on perturbed inputs, else the reason.

    A function that fails on rotated integers (offsets that must start at 0 and grow) is checked
    on halved ones instead, which keep such order."""
    try:
        return _check(fn, args, kwargs, tensors, state_tensors, entry, False)
    except Exception:
        if not any(t._data.dtype.kind in "iu" for t in tensors + state_tensors):
            raise
    return _check(fn, args, kwargs, tensors, state_tensors, entry, True)


def _check(
    fn: Any, args: tuple, kwargs: dict, tensors: list, state_tensors: list, entry: Any, halve: bool
) -> str | None:
    mapping = {id(t): _make(perturbed(t._data, halve), t._requires_grad) for t in tensors}
    new_tensors = [mapping[id(t)] for t in tensors]
    # (a training step also sets .grad and version counters: restored with the values)
    originals = [(t, t._data, t._grad, t._version_counter.value) for t in state_tensors]
    casts = _autocast.state.cache  # autocast's copies of the parameters hold their unperturbed values
    drawn_from = _draws.saved([g for g, _ in entry.draw_starts])  # (eager draws what the code drew)
    _autocast.state.cache = None
    try:
        for t, data, _, _ in originals:
            t._data = perturbed(data, halve)
            t._grad = None
        gen = entry.generated
        inputs = [t._data for t in new_tensors] + [p._data for p in entry.params]
        if entry.written:  # the code updates them in place: eager must start from the same values
            inputs = [a.copy() for a in inputs]
        results = gen.forward(*inputs)
        _draws.restore(drawn_from)
        versions = {id(t): t._version_counter.value for t in new_tensors + state_tensors}
        # (a deferred optimizer step is not part of the code: eager leaves it out too, and so
        # leaves the optimizer's state alone)
        deferred = _step.stepped_optimizers(entry.effects)
        skipped = _trace.optimizer_steps_skipped(deferred) if deferred else nullcontext()
        with skipped, _trace.checking():
            result = fn(*_substitute(args, mapping), **_substitute(kwargs, mapping))
        arrays: dict = {}
        _calls.output_plan(result, arrays, {id(t): i for i, t in enumerate(new_tensors)}, entry.kept)
        outs = [t for _, t in sorted(arrays.values(), key=lambda e: e[0])]
        if entry.item_outputs:
            with_items = _with_items(entry, result, outs, results)
            if with_items is None:
                return "the outputs depend on tensor values"
            outs = with_items
        if entry.views:  # as the code returns them: the bases of view outputs, each once
            if len(outs) != len(entry.made_from):
                return "the outputs depend on tensor values"
            outs = _view_outputs.returned(outs, entry.views)[0]
        if len(outs) != entry.n_new:
            return "the outputs depend on tensor values"
        for o, r in zip(outs, results[: entry.n_new]):
            if not _close(o._data, r):
                return "the function computes on tensor values outside recorded operations"
        if entry.effects or entry.written:
            reason = _step_differs(entry, new_tensors, inputs, results, versions)
            if reason is not None:
                return reason
        if gen.backward is not None and entry.grad_inputs:
            roots = [o for o, rg in zip(outs, entry.out_rg) if rg]
            seeds = [numpy.ones(shape, dtype) for shape, dtype in entry.out_meta]
            targets = [new_tensors[i] if kind == "arg" else entry.params[i] for kind, i in entry.grad_inputs]
            expected = eager_grads(roots, seeds, targets)
            got = gen.backward(*seeds, *results[entry.n_new :])
            for e, g in zip(expected, got):
                if (e is None) != (g is None) or (e is not None and not _close(e._data, g)):
                    return "the backward computes on tensor values outside recorded operations"
    finally:
        for t, data, grad, version in originals:
            t._data, t._grad = data, grad
            t._version_counter.value = version
        _autocast.state.cache = casts
        if entry.draw_starts:
            _draws.restore(drawn_from)  # (the check leaves the generators where the call left them)
    return None


def _with_items(entry: Any, result: Any, outs: list, results: tuple) -> list | None:
    """Eager's tensor outputs with the code's own at the outputs returned as `.item()`s, after
    checking eager returned close floats there (None: it did not)."""
    found: dict = {}
    if not _calls.items_returned(entry.out_plan, result, found):
        return None
    if len(outs) != len(entry.made_from) - len(entry.item_outputs):
        return None
    for k in entry.item_outputs:
        code = results[entry.made_from[k]].reshape(()).item()
        if type(found[k]) is not type(code) or not _close(code, found[k]):
            return None
    rest = iter(outs)
    return [_make(results[entry.made_from[k]]) if k in entry.item_outputs else next(rest)
            for k in range(len(entry.made_from))]


def _step_differs(entry: Any, tensors: list, inputs: list, results: tuple, versions: dict) -> str | None:
    """A training step's gradients and the tensors it updates in place (values, and how many
    times eager's writes moved their versions: `versions` holds them from before), generated
    against eager (just run)."""
    for t, array in _step.final_grads(entry.effects, tensors, results).values():
        if (t._grad is None) != (array is None) or (array is not None and not _close(t._grad._data, array)):
            return "the function's backward() computes on tensor values outside recorded operations"
    positions = {id(t): i for i, t in enumerate(list(tensors) + list(entry.params))}
    for target, times in entry.written:
        t = _step.resolve(target, tensors)
        if id(t) not in positions or not _close(t._data, inputs[positions[id(t)]]):
            return "the function updates a tensor in place with values outside recorded operations"
        if t._version_counter.value != versions.get(id(t), 0) + times:
            return "the function updates a tensor in place a different number of times on other values"
    return None
