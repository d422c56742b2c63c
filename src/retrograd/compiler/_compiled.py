"""Compiled callables: a guarded cache of generated code per call site, and the backward node.

The first call with a given kind of arguments (shapes, dtypes, requires_grad, Python values,
grad mode) runs the function eagerly with a recorder on, records the backward the engine would
run, and generates one forward and one backward function. Later calls of that kind run the
generated forward; the outputs share one `CompiledFunctionBackward` node whose `apply` runs the
generated backward and hands the gradients to the engine, which accumulates them as usual.
"""

from __future__ import annotations

import functools
import warnings
from dataclasses import dataclass, field
from types import MethodType
from typing import Any

from .. import backend
from .._display_name import package_name
from .._generator import default_generator
from ..engine.anomaly_mode import anomaly as _anomaly
from ..engine.forward_ad import levels as _fw_levels
from ..engine.grad_mode import state
from ..engine.graph import FREED_MESSAGE, Node, _sequence, modified_error
from ..engine.views import edge
from ..tensor import Tensor
from . import _calls, _draws, _guards, _marks, _probe, _step, _streams, _trace, _view_outputs
from ._codegen import Generated, generate

CACHE_SIZE_LIMIT = 8  # PyTorch's torch._dynamo.config.recompile_limit
# torch._dynamo.config.suppress_errors: a failure of the compiler itself (not of the function,
# not a graph break) runs the function eagerly with a warning instead of raising
SUPPRESS_ERRORS = False
# torch._dynamo.config.automatic_dynamic_shapes: PyTorch recompiles a call site whose shapes
# (or int/float arguments) change once, generic in them, so new ones do not use up its
# recompile limit (with dynamic=None)
AUTOMATIC_DYNAMIC_SHAPES = True
# code here is per shape and value: past this many of one kind of arguments, new ones run eagerly
SHAPES_PER_KIND = 64
_make = Tensor._make


class _FunctionNode(Node):
    """PyTorch makes its compiled nodes with autograd.Function, and shows where those live."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"<{package_name()}.autograd.function.{type(self).__name__} object at {hex(id(self))}>"


class CompiledFunctionBackward(_FunctionNode):
    """The node of a compiled call's outputs: runs the generated backward."""

    __slots__ = ("backward", "saved", "out_meta", "n_outputs", "xp", "versions")

    saved: tuple | None

    def __init__(self, edges: tuple, backward: Any, saved: tuple | None, out_meta: tuple, xp: Any) -> None:
        super().__init__(edges)
        self.backward = backward
        self.saved = saved
        self.out_meta = out_meta
        self.n_outputs = len(out_meta)
        self.xp = xp
        self.versions: list = []  # (tensor, version): tensors whose own arrays the backward reads

    def apply(self, grads: list, wanted: Any) -> tuple:
        if self.saved is None:
            raise RuntimeError(FREED_MESSAGE)
        for t, version in self.versions:  # changed in place since the call: the saved values are gone
            if t._version_counter.value != version:
                raise modified_error(t, t._grad_fn, t._output_nr, t._version_counter.value, version)
        seeds = [
            g._data if g is not None else self.xp.zeros(shape, dtype) for g, (shape, dtype) in zip(grads, self.out_meta)
        ]
        results = self.backward(*seeds, *self.saved)
        if not state.enabled:
            return tuple([None if r is None else _make(r) for r in results])
        # create_graph=True: the generated backward is not differentiable, so (as in PyTorch) the
        # gradients come with a node that refuses a backward through them; it leads to the same
        # inputs, so a gradient with respect to them reaches it (and raises) as in PyTorch
        node = CompiledFunctionBackwardBackward(self.next_functions)
        return tuple([None if r is None else _make(r, True, node) for r in results])

    def release(self) -> None:
        self.saved = None


class CompiledFunctionBackwardBackward(_FunctionNode):
    """The node of gradients taken through a compiled call with create_graph=True: a backward
    through them raises PyTorch's error (the generated backward records no graph)."""

    __slots__ = ()

    def apply(self, grads: list, wanted: Any) -> tuple:
        raise RuntimeError("torch.compile with aot_autograd does not currently support double backward")


# --- one specialisation ---------------------------------------------------------------------


@dataclass
class Entry:
    """Generated code for one kind of arguments, with the guards only the recording could tell."""

    generated: Generated | None  # None: the function runs eagerly (it could not be recorded)
    reasons: list = field(default_factory=list)
    params: list = field(default_factory=list)  # tensors read at call time after the arguments
    params_rg: tuple = ()
    params_meta: tuple = ()  # (shape, dtype) per parameter, as recorded into the code
    constants: list = field(default_factory=list)  # (tensor, version, array) frozen into the code
    module_guard: Any = None  # () -> tuple, equal to `module_state` while the code is valid
    module_state: Any = None
    python_guard: Any = None  # () -> bool: the globals, closures and module attributes are as recorded
    grad_inputs: list = field(default_factory=list)  # ("arg", i) / ("param", i) per backward result
    out_plan: Any = None
    n_new: int = 0
    views: dict = field(default_factory=dict)  # output index -> view ops replayed on its base
    made_from: list = field(default_factory=list)  # output index -> index of the code's result
    out_rg: tuple = ()  # per new output: requires grad
    out_meta: tuple = ()  # (shape, dtype) per output requiring grad
    xp: Any = None
    # a training step (see _step): effects replayed after the code, leaves updated in place (with
    # how many writes), leaves whose .grad must be None at the call
    effects: tuple = ()
    written: tuple = ()
    none_grads: tuple = ()
    grads_before: tuple = ()  # (target, shape, dtype): a `.grad` there at the call, which it adds into
    grad_outputs: tuple = ()  # (output index, target): outputs that are a leaf's `.grad`
    update_guards: tuple = ()  # () -> bool per optimizer update in the code: still recordable
    # tensors without grad it updates in place, (tensor, array): read at call time, as parameters
    # are, but on the array the code was made for (their versions move with each call, unguarded);
    # and the indices of arguments it updates so, which must not be views
    state: tuple = ()
    state_args: tuple = ()
    stepped: bool = False  # its outputs' graph was used by the function's own backward()
    kept: frozenset = frozenset()  # ids of parameters and buffers returned as themselves (_calls.output_plan)
    item_outputs: frozenset = frozenset()  # plan indices of outputs returned only as their `.item()`
    # (module.__dict__, flag): the training flags the function sets (`model.eval()` inside it)
    mode_switches: tuple = ()
    # (generator, state) at the recording's first draw from each generator the code draws from
    draw_starts: list = field(default_factory=list)
    # for explain: the breaks met while the function ran, (reason, user frames), and the op
    # names of the stretches between them
    break_sites: list = field(default_factory=list)
    graphs: list = field(default_factory=list)

    def valid(self, tensors: list) -> bool:
        for target in self.none_grads:
            if _step.resolve(target, tensors)._grad is not None:
                return False
        if self.effects and _step.hooked(self.effects, tensors):
            return False
        if self.grads_before and not _step.grads_there(self.grads_before, tensors):
            return False
        for still_recordable in self.update_guards:
            if not still_recordable():
                return False
        for p, rg, (shape, dtype) in zip(self.params, self.params_rg, self.params_meta):
            data = p._data
            if p._requires_grad is not rg or data.shape != shape or data.dtype != dtype:
                return False
        for t, version, array in self.constants:  # (one that now requires grad would need a gradient)
            if t._version_counter.value != version or t._data is not array or t._requires_grad:
                return False
        for t, array in self.state:
            if t._data is not array:
                return False
        for i in self.state_args:
            if tensors[i]._base is not None:
                return False
        if self.python_guard is not None and not self.python_guard():
            return False
        return self.module_guard is None or self.module_guard() == self.module_state

    def _saved_versions(self, saved_from: tuple, tensors: list, outputs: list) -> list:
        """(tensor, version now) for each input or output whose own array the backward reads."""
        found = []
        n_args = len(tensors)
        for source in saved_from:
            if source is None:
                continue
            kind, i = source
            if kind == "output":
                if i < len(outputs):
                    found.append((outputs[i], outputs[i]._version_counter.value))
            else:
                t = tensors[i] if i < n_args else self.params[i - n_args]
                found.append((t, t._version_counter.value))
        return found

    def run(self, tensors: list) -> Any:
        gen = self.generated
        assert gen is not None
        arrays = [t._data for t in tensors]
        arrays += [p._data for p in self.params]
        results = gen.forward(*arrays)
        n = self.n_new
        new: list = []
        if self.effects or self.written:
            _step.replay(self.effects, self.written, tensors, arrays + list(results[:n]), results)
        if self.stepped:  # as after an eager backward(): outputs with a graph whose buffers are freed
            node = CompiledFunctionBackward((), None, None, self.out_meta, self.xp)
            nr = 0
            for a, rg in zip(results[:n], self.out_rg):
                new.append(_make(a, True, node, nr) if rg else _make(a))
                nr += rg
        elif gen.backward is not None and state.enabled:
            edges = tuple([edge(tensors[i] if kind == "arg" else self.params[i]) for kind, i in self.grad_inputs])
            node = CompiledFunctionBackward(edges, gen.backward, results[n:], self.out_meta, self.xp)
            nr = 0
            for a, rg in zip(results[:n], self.out_rg):
                if rg:
                    new.append(_make(a, True, node, nr))
                    nr += 1
                else:
                    new.append(_make(a))
            if gen.saved_from:
                node.versions = self._saved_versions(gen.saved_from, tensors, new)
        else:
            new = [_make(a) for a in results[:n]]
        if self.views:
            new = [new[i] for i in self.made_from]
            for k, chain in self.views.items():
                new[k] = _view_outputs.replayed(new[k], chain)
        for k, target in self.grad_outputs:
            new[k] = _step.resolve(target, tensors)._grad
        for module_dict, flag in self.mode_switches:  # the function's `model.eval()`
            module_dict["training"] = flag
        return _calls.rebuild(self.out_plan, new, tensors)


# --- the compiled callable -------------------------------------------------------------------


class CompiledFunction:
    """`retrograd.compile(fn)`: call it like `fn`; `.code` shows the generated source."""

    def __init__(
        self,
        fn: Any,
        fullgraph: bool,
        module: Any = None,
        limit: int = CACHE_SIZE_LIMIT,
        name: str | None = None,
        dynamic: bool | None = None,
    ) -> None:
        self._fn = fn
        self._limit = limit
        self._dynamic = dynamic
        self._name = name or getattr(fn, "__name__", "function")
        self._fullgraph = fullgraph
        self._module = module
        self._cache: dict = {}
        self._last: Entry | None = None
        self._warned = False
        functools.update_wrapper(self, fn, updated=())

    def clear(self) -> None:
        """Forget the recordings (`retrograd.compiler.reset`)."""
        self._cache.clear()
        self._last = None
        self._warned = False

    @property
    def code(self) -> str:
        """The generated Python source of the most recent call (forward, then backward)."""
        entry = self._last
        if entry is None:
            raise RuntimeError("nothing compiled yet: call the compiled function once first")
        if entry.generated is None:
            return "# runs eagerly: " + "; ".join(entry.reasons) + "\n"
        return entry.generated.source

    def __get__(self, obj: Any, owner: Any = None) -> Any:
        """`@compile` on a method in a class body: bound like the function it wraps."""
        return self if obj is None else MethodType(self, obj)

    def _may_record(self, key: tuple, tensors: list) -> bool:
        """Whether a new kind of arguments is recorded, or (past the recompile limit) runs eagerly.

        With PyTorch's automatic dynamic shapes (dynamic=None), a call site whose shapes (or int
        and float arguments) change is compiled again once, generic in them, and later ones need
        no recompile: so new shapes and numbers of arguments already seen (same ranks, dtypes,
        other values) do not count toward the limit here.
        """
        if _marks.marked_dynamic(tensors):
            return True
        if self._dynamic is None and AUTOMATIC_DYNAMIC_SHAPES:
            kinds: dict = {}
            for k, entries in self._cache.items():
                kind = _calls.generic_kind(k)
                kinds[kind] = kinds.get(kind, []) + [len(entries)]
            shapes = kinds.get(_calls.generic_kind(key))
            if shapes is not None and key not in self._cache:
                return len(shapes) < SHAPES_PER_KIND  # beyond that, new shapes run eagerly, silently
            return sum(max(counts) for counts in kinds.values()) < self._limit or self._warn_limit()
        return sum(len(v) for v in self._cache.values()) < self._limit or self._warn_limit()

    def _warn_limit(self) -> bool:
        if not self._warned:
            self._warned = True
            warnings.warn(
                f"retrograd.compile: {self._name} hit the recompile limit ({self._limit}); "
                "it runs eagerly from now on for new kinds of arguments",
                stacklevel=4,
            )
        return False

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if _trace.current() is not None or _fw_levels.level is not None or _anomaly.enabled:
            return self._fn(*args, **kwargs)  # inside an outer recording, or modes the code ignores
        if state.saved_tensors_hooks:
            return self._fn(*args, **kwargs)
        try:
            key, tensors = _calls.arguments(args, kwargs)
        except _calls.Uncacheable:
            return self._fn(*args, **kwargs)
        entries = self._cache.get(key)
        if entries is not None:
            for entry in entries:
                if entry.valid(tensors):
                    self._last = entry
                    if entry.generated is None:
                        return self._fn(*args, **kwargs)
                    return entry.run(tensors)
        if not self._may_record(key, tensors):
            return self._fn(*args, **kwargs)
        entry, result = _record(self._fn, args, kwargs, tensors, self._fullgraph, self._module)
        self._cache.setdefault(key, []).append(entry)
        self._last = entry
        if entry.generated is None or entry.effects or entry.written:
            return result  # (a step's effects have happened: the code would repeat them)
        _draws.restore(entry.draw_starts)  # (so the code draws what the recording's eager run drew)
        # the first call's results come from the generated code too, as PyTorch's do: the same
        # values, and one CompiledFunctionBackward node rather than the recording's eager graph
        return entry.run(tensors)


def _record(fn: Any, args: tuple, kwargs: dict, tensors: list, fullgraph: bool, module: Any) -> tuple[Entry, Any]:
    """Run `fn` once eagerly while recording; return its entry (code or eager) and the result."""
    rec = _trace.Recorder(fullgraph=fullgraph)
    first_node = next(_sequence)
    rec.first_node = first_node
    arg_names = []
    for i, t in enumerate(tensors):
        if id(t._data) not in rec.inputs:
            rec.inputs[id(t._data)] = (f"x{i}", t)
        if not t._requires_grad:
            rec.plain_args.add(id(t._data))
        arg_names.append(f"x{i}")
    module_named: dict = {}
    module_guard = module_state = None
    buffer_copies: list = []
    if module is not None:
        module_named, module_guard, module_state = _guards.module_tensors(module)
        for i, (name, t) in module_named.items():
            rec.inputs.setdefault(i, (name, t))
            if not t._requires_grad:
                buffer_copies.append((t, t._data.copy(), t._version_counter.value))
    rng_before = bytes(default_generator.get_state()._data)
    rec.rng_states[id(default_generator)] = (default_generator, rng_before)
    python_guard = _guards.python_guard(fn, module, args + tuple(kwargs.values()))
    _trace.install(rec)
    try:
        with _streams.watched():
            result = fn(*args, **kwargs)
        rec.unread_items(_calls.leaf_ids(result))
        sites, graphs = list(rec.break_sites), [ops for ops in rec.segments if ops]
        changes_state = python_guard is not None and not python_guard()
        switches = python_guard.mode_switches() if changes_state else []
        if switches:  # only `model.train()` / `model.eval()`: the code is for the flags it starts with
            changes_state = False
        elif changes_state:  # PyTorch replays such changes on every call; code here would not
            rec.note_break("the function changes Python state it reads (an attribute, a global, a list)")
        entry = _built(rec, result, tensors, arg_names, rng_before, first_node, buffer_copies)
    finally:
        _trace.uninstall(rec)
    if entry.generated is not None:
        state_tensors = {id(t): t for _, t in module_named.values()}
        state_tensors.update((id(t), t) for t in list(rec.found.values()) + entry.params)
        _set_flags(switches, before=True)  # (the check starts from the flags the call started with)
        try:
            reason = _probe.check(fn, args, kwargs, tensors, list(state_tensors.values()), entry)
        except Exception as e:  # noqa: BLE001 - any failure on other values: trust eager instead
            reason = f"the function fails on other input values ({type(e).__name__})"
        _set_flags(switches, before=False)
        entry.mode_switches = tuple((d, after) for d, _, after in switches)
        if reason is not None:
            if fullgraph:
                raise _trace.Unsupported(f"retrograd.compile(fullgraph=True) cannot record this function: {reason}")
            entry = Entry(None, reasons=[reason])
    # (what made the whole function eager after it ran, a draw or the check, is a break too)
    sites += [(reason, []) for reason in entry.reasons if all(reason != site[0] for site in sites)]
    entry.break_sites, entry.graphs = sites, graphs
    if rec.item_reads:  # (what Python gets back from this call is as eager's: plain floats)
        result = _calls.plain_items(result, rec.item_reads)
    if not changes_state:  # (a function that changes state runs eagerly whatever the state)
        entry.module_guard, entry.module_state = module_guard, module_state
        entry.python_guard = python_guard
    return entry, result


def _set_flags(switches: list, before: bool) -> None:
    for module_dict, flag_before, flag_after in switches:
        module_dict["training"] = flag_before if before else flag_after


def _built(rec: _trace.Recorder, result: Any, *rest: Any) -> Entry:
    """`_build`, or with `suppress_errors` an eager entry when the compiler itself fails."""
    if not SUPPRESS_ERRORS:
        return _build(rec, result, *rest)
    try:
        return _build(rec, result, *rest)
    except _trace.Unsupported:
        raise
    except Exception as e:  # noqa: BLE001 - what suppress_errors asks for
        warnings.warn(f"retrograd.compile failed and runs the function eagerly: {type(e).__name__}: {e}", stacklevel=4)
        return Entry(None, reasons=[f"the compiler failed ({type(e).__name__})"])


def _build(
    rec: _trace.Recorder,
    result: Any,
    tensors: list,
    arg_names: list,
    rng_before: bytes,
    first_node: int,
    buffer_copies: list,
) -> Entry:
    if rec.unexplained_draws():
        rec.graph_break("random numbers were drawn (the code would repeat the same ones)")
    for t, copy, version in buffer_copies:  # (changed outside the recorded writes, the code would not)
        times = rec.written.get(id(t), (t, 0))[1]
        if t._version_counter.value != version + times or (not times and not _same(t._data, copy)):
            rec.graph_break("a buffer was changed in place")
    inputs_by_id = {id(t): i for i, t in enumerate(tensors)}
    arrays: dict = {}
    kept = _kept_tensors(rec)
    plan = _calls.output_plan(result, arrays, inputs_by_id, kept, rec.item_reads)
    opaque = _calls.opaque_tensors(plan, rec.made)
    if opaque is not None:  # (returned as it is, it would hold this call's tensors at every call)
        rec.graph_break(f"an output holds tensors in a {opaque.__name__}, which the code cannot rebuild "
                        "(a pytree node can be: torch.utils._pytree.register_pytree_node)")
    outs = [t for _, t in sorted(arrays.values(), key=lambda e: e[0])]
    item_outputs = frozenset(_calls.planned(plan, "item") - _calls.planned(plan, "new"))  # (no tensor of theirs)
    if not rec.breaks:
        _check_hooks(rec, outs, first_node)
    if not state.enabled and any(o._requires_grad and o._grad_fn is not None for o in outs):
        rec.graph_break("grad mode is turned on inside the function")
    sources = [t._data for t in tensors] + [t._data for _, t in rec.inputs.values() if t is not None]
    if any(o._base is not None and _shares_memory(o._data, sources) for o in outs):
        rec.graph_break("an output is a view of an input (its view and version tracking would be lost)")
    if any(o._requires_grad and o._grad_fn is None and id(o._data) not in rec.made for o in outs):
        # a leaf no recorded op read: a parameter reached some other way, or one made afresh
        rec.graph_break("an output is a tensor requiring grad that no recorded operation made or read")
    updated = _state_tensors(rec)
    _check_state_memory(rec, updated, outs)
    if rec.breaks:
        return Entry(None, reasons=list(rec.breaks))
    views: dict = {}  # output index -> the view ops that make it from its base, replayed per call
    for k, o in enumerate(outs):
        chain = None if k in item_outputs else _view_outputs.view_chain(rec, o)
        if chain:
            views[k] = chain
    grad_outputs = _step.grad_outputs(rec, outs, tensors)
    outs, made_from = _view_outputs.returned(outs, views)
    # returned for their values only, they need no gradient (unless a view output shares one)
    values_only = {made_from[k] for k in item_outputs} - {i for k, i in enumerate(made_from) if k not in item_outputs}

    # the inputs of the generated forward: arguments, then parameters/buffers it read
    params: list = []
    param_names: list = []
    for i in list(rec.inputs) + list(rec.found):
        if i in rec.used and i not in {id(t._data) for t in tensors}:
            if i in rec.inputs:
                name, t = rec.inputs[i]
            else:
                t = rec.found[i]
                name = f"p{len(params)}"
            params.append(t)
            param_names.append(name if name not in param_names and name.isidentifier() else f"p{len(params) - 1}")
    grad_inputs = [("arg", i) for i, t in enumerate(tensors) if t._requires_grad and id(t._data) in rec.used]
    grad_inputs += [("param", i) for i, p in enumerate(params) if p._requires_grad]
    out_rg = tuple(o._requires_grad and o._grad_fn is not None and i not in values_only for i, o in enumerate(outs))
    seeds: list = []
    grads: list = []
    out_meta: tuple = ()
    effects, step_grads, written, none_grads, grads_before = _step.plan(rec, tensors, len(outs))
    if rec.stepped:
        out_meta = tuple((o._data.shape, o._data.dtype) for o, rg in zip(outs, out_rg) if rg)
    elif state.enabled and any(out_rg) and grad_inputs:
        targets = [tensors[i] if kind == "arg" else params[i] for kind, i in grad_inputs]
        roots = [o for o, rg in zip(outs, out_rg) if rg]
        try:
            seeds, grads = _record_backward(rec, roots, targets)
        except RuntimeError:
            if not updated:
                raise
            # a value the backward reads was updated in place after it was saved: eager raises at
            # the caller's backward(), so the call runs eagerly (and returns eager's graph)
            return Entry(None, reasons=["the backward reads a tensor the function updates in place"])
        out_meta = tuple((o._data.shape, o._data.dtype) for o in roots)
        if rec.breaks:
            return Entry(None, reasons=list(rec.breaks))
    else:
        out_rg = tuple(False for _ in outs)
    first = next((t._data for t in [*tensors, *params, *outs]), None)  # None: no tensors at all, the CPU's
    xp = backend.namespace(first)
    dedup_inputs = []
    dedup_names = []
    for t, n in zip(list(tensors) + params, arg_names + param_names):
        dedup_inputs.append(t._data)
        dedup_names.append(n)
    out_arrays = [rec.aliases.get(id(o._data), o._data) for o in outs]  # (a stored .grad: the gradient)
    gen = generate(xp, rec.steps, dedup_inputs, dedup_names, out_arrays + step_grads, seeds, grads)
    return Entry(
        gen,
        params=params,
        params_rg=tuple(p._requires_grad for p in params),
        params_meta=tuple((p._data.shape, p._data.dtype) for p in params),
        constants=[(t, v, t._data) for t, v in rec.constants.values() if t._requires_grad is False],
        grad_inputs=grad_inputs if seeds else [],
        out_plan=plan,
        n_new=len(outs),
        views=views,
        made_from=made_from,
        out_rg=out_rg,
        out_meta=out_meta,
        xp=xp,
        effects=effects,
        written=written,
        none_grads=none_grads,
        grads_before=grads_before,
        grad_outputs=grad_outputs,
        update_guards=tuple(rec.update_guards),
        stepped=rec.stepped,
        state=tuple((t, t._data) for t in updated if _arg_index(t, tensors) is None),
        state_args=tuple(i for t in updated if (i := _arg_index(t, tensors)) is not None),
        kept=kept,
        item_outputs=item_outputs,
        draw_starts=rec.draw_starts if any(_draws.is_draw(step) for step in rec.steps) else [],
    )


def _kept_tensors(rec: _trace.Recorder) -> frozenset:
    """Ids of the tensors a call reads as they are, parameters and buffers (the guards keep them the
    same objects): returned, they are these tensors, not new ones over their arrays."""
    kept = {id(t) for _, t in rec.inputs.values() if t is not None}
    kept.update(id(t) for t in rec.found.values())
    return frozenset(kept)


def _arg_index(t: Tensor, tensors: list) -> int | None:
    return next((i for i, arg in enumerate(tensors) if arg is t), None)


def _state_tensors(rec: _trace.Recorder) -> list:
    """The tensors without grad the function updates in place (buffers, momentum, step counts)."""
    return [t for t, _ in rec.written.values() if not t._requires_grad]


def _check_state_memory(rec: _trace.Recorder, state: list, outs: list) -> None:
    """A state tensor's memory is seen by the code under its own name only: not through a
    constant (frozen, or folded with the recording's values), another input, or an output
    (eager returns the tensor itself, whose version moves with later updates)."""
    if not state:
        return
    arrays = [t._data for t in state]
    own = {id(a) for a in arrays}
    others = [t._data for t, _ in rec.constants.values()]
    others += [t._data for _, t in rec.inputs.values() if t is not None and id(t._data) not in own]
    others += [t._data for t in rec.found.values() if id(t._data) not in own]
    if any(_shares_memory(a, arrays) for a in others):
        rec.graph_break("a tensor the function updates in place shares memory with another tensor it reads")
    elif any(_shares_memory(o._data, arrays) for o in outs):
        rec.graph_break("an output shares memory with a tensor the function updates in place")


def _shares_memory(array: Any, sources: list) -> bool:
    xp = backend.namespace(array)
    return any(xp.may_share_memory(array, s) for s in sources)


def _same(a: Any, b: Any) -> bool:
    try:
        return bool((a == b).all() or ((a != a) & (b != b) | (a == b)).all())
    except TypeError:
        return False


def _check_hooks(rec: _trace.Recorder, outs: list, first_node: int) -> None:
    """Hooks on intermediate results would not run inside generated code: record nothing."""
    stack = [o._grad_fn for o in outs if o._grad_fn is not None]
    seen: set = set()
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen or node._seq < first_node:
            continue
        seen.add(id(node))
        if node._tensor_hooks or node._pre_hooks or node._post_hooks:
            rec.graph_break("a hook on an intermediate tensor (register_hook / retain_grad)")
            return
        stack.extend(n for n, _ in node.next_functions)


def _record_backward(rec: _trace.Recorder, roots: list, targets: list) -> tuple[list, list]:
    """Run the engine's backward from `roots` to `targets` while recording; (seed arrays, grads)."""
    seeds = []
    for o in roots:
        data = backend.namespace(o._data).ones(o._data.shape, o._data.dtype)
        seeds.append(data)
        rec.inputs[id(data)] = ("g", None)
    rec.backward = True
    try:
        grads = _probe.eager_grads(roots, seeds, targets)
    finally:
        rec.backward = False
    return seeds, [None if g is None else g._data for g in grads]
