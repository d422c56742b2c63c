"""Recording: the primitive calls one run of a function makes, as a flat list.

While a `Recorder` is installed as the engine's tracer, every primitive call in its thread is
logged with the arrays it read and wrote. Arrays are named by identity: a saved output that the
engine rewraps in a new Tensor is still the same array, so the backward pass's reads of forward
values are found without any help from the engine.

Anything Python does with the *values* of a recorded array (`.item()`, `bool()`, `.numpy()`)
and in-place writes into arrays the recording does not own end the recording as a graph break.

A training step is recorded too: the function's own `loss.backward()` is logged like any other
calls (its graph must be the function's own, without hooks), and what it does to tensors beyond
arrays, `.grad = None` and the gradients the leaves receive, is kept as `effects` for the
compiled call to replay; in-place updates of leaves under `no_grad` are writes into inputs.

So are in-place updates of state tensors, which require no grad and are not views: a momentum
buffer, a step count, an EMA copy, BatchNorm's running statistics. Such a tensor stops being a
constant of the recording: the code reads its array at call time, like a parameter's, and
writes into it (it must not have had its values read by Python before, nor be reached as a
different tensor on the same array).

An optimizer's `step()` whose update keeps no state (SGD without momentum) is recorded like a
hand-written update: its tensor ops write into the parameters. Any other step is deferred: the
recording runs it as usual (out of its sight) and keeps it as an effect, which the compiled call
runs eagerly, hooks and all, after the generated code has stored the gradients. Nothing recorded
after it may read what it changes (the parameters, its state, the gradients), for the code runs
before it.
"""

from __future__ import annotations

import contextlib
import os
import threading
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..backend.sparse import SparseCOO
from ..engine import primitive as _primitive
from ..engine import tensor_type as _tt
from ..engine.grad_mode import state as _grad_state
from ..engine.graph import AccumulateGrad
from ..engine.primitive import Primitive
from ..ops import copying as _copying
from . import _draws, _watched
from ._exc import Unsupported  # (also read as `_trace.Unsupported`)

_lock = threading.Lock()
_active: dict[int, Recorder] = {}  # thread id -> its recorder
_skipping: dict[int, set] = {}  # thread id -> ids of optimizers whose steps do nothing there (see below)


# reads of values that PyTorch's fullgraph=True traces (its scalar capture; NumPy calls become
# tensor ops) rather than refusing: `bool()` and float `tolist()` it refuses, as here
_TRACED_READS = ("item", "numpy", "__array__")


class GraphBreak(Exception):
    """Raised inside a recording when the function cannot be recorded safely."""


@dataclass
class Call:
    """One primitive call: `outs = prim.forward(xp, *ins, **attrs)` (extras included in outs)."""

    prim: Primitive | _draws.Draw  # (a draw: see _draws)
    ins: tuple  # input arrays
    attrs: dict  # keyword attributes, without the extras
    outs: tuple  # output arrays, then extra arrays
    backward: bool  # logged while the backward pass ran


@dataclass
class Write:
    """`target[...] = source`: an in-place op committed into an array the recording made."""

    target: Any
    source: Any
    backward: bool


@dataclass
class Recorder:
    """The log of one run, plus which arrays are inputs (and so must not be frozen)."""

    fullgraph: bool = False
    steps: list = field(default_factory=list)
    # id(array) -> array, for every array a recorded call produced
    made: dict = field(default_factory=dict)
    # id(array) -> (name, tensor) for inputs: arguments, parameters, buffers, seeds
    inputs: dict = field(default_factory=dict)
    # id(array) -> tensor: tensors requiring grad met on the way (closure-captured parameters),
    # and state tensors the function updates in place (read at call time too)
    found: dict = field(default_factory=dict)
    # id(array) -> (tensor, version): other tensors met on the way, frozen into the code
    constants: dict = field(default_factory=dict)
    used: set = field(default_factory=set)  # ids of input arrays some call read
    value_reads: set = field(default_factory=set)  # ids of constants' arrays Python read the values of
    breaks: list = field(default_factory=list)
    # for explain: where each break happened (reason, user frames), and the names of the forward
    # ops run between breaks (the graphs PyTorch would compile around them)
    break_sites: list = field(default_factory=list)
    segments: list = field(default_factory=lambda: [[]])
    backward: bool = False
    thread: int = field(default_factory=threading.get_ident)
    first_node: int = 0  # the sequence number of the first graph node the function made
    # a training step: ("clear", tensor, None) for `.grad = None`, ("grad", leaf, array) for a
    # gradient the function's own backward() stored, in order
    effects: list = field(default_factory=list)
    cleared: set = field(default_factory=set)  # ids of tensors whose .grad the function set to None
    # id(leaf) -> leaf whose `.grad` was None when the function's backward stored one: it must be
    # None at later calls too (a gradient would be added to it otherwise)
    none_grads: dict = field(default_factory=dict)
    written: dict = field(default_factory=dict)  # id(leaf) -> [leaf, times updated in place]
    old_grads: dict = field(default_factory=dict)  # id(array) of `.grad`s from before the call that were read
    stepped: bool = False  # the function ran backward() itself: its outputs' graph is used up
    # id(array) -> the array it copies: a `.grad` the engine stored as a copy of the gradient it
    # computed (the code has the gradient itself; reads and writes of the copy go to it)
    aliases: dict = field(default_factory=dict)
    stored: dict = field(default_factory=dict)  # id(gradient array) -> how many leaves store it
    after_step: bool = False  # an optimizer step has been deferred: later ops run before it in code
    plain_args: set = field(default_factory=set)  # ids of the arrays of arguments that require no grad
    # id(leaf) -> (leaf, shape, dtype): a `.grad` from before the call the function's backward adds to
    grads_before: dict = field(default_factory=dict)
    summed_into: set = field(default_factory=set)  # ids of `.grad` arrays the call adds a gradient into
    # () -> bool per optimizer step recorded into the code: whether its update may still be (no
    # step hook since, for one)
    update_guards: list = field(default_factory=list)
    # id(value) -> (value, tensor): float `.item()`s of recorded results, read after all the
    # function's tensor work (what is logged when the first was read: `items_mark`); fine when
    # the function returns them, which the code then does from the same arrays (`loss.item()`)
    item_reads: dict = field(default_factory=dict)
    items_mark: tuple = ()
    # random draws the code makes again (see _draws): id(generator) -> (generator, its state after
    # the last draw recorded, or when the recording began); states at each generator's first draw
    # (to run the code for the first call as eager code ran); whether a generator moved otherwise
    rng_states: dict = field(default_factory=dict)
    draw_starts: list = field(default_factory=list)
    rng_unexplained: bool = False

    def is_dynamic(self, array: Any) -> bool:
        i = id(array)
        return i in self.made or i in self.inputs or i in self.found

    def graph_break(self, reason: str) -> None:
        """The run goes on eagerly; with fullgraph=True it stops here, as PyTorch's does."""
        if self.fullgraph:
            raise Unsupported(f"retrograd.compile(fullgraph=True) cannot record this function: {reason}")
        self.note_break(reason)

    def note_break(self, reason: str) -> None:
        """Record a break without raising: the function will run eagerly."""
        self.breaks.append(reason)
        self.break_sites.append((reason, _user_stack()))
        self.segments.append([])

    def __call__(self, prim: Primitive, tensors: tuple, outs: tuple, attrs: dict) -> None:
        if not self.backward:
            self.segments[-1].append(prim.name)
        if self.breaks:
            return
        ins = tuple([t._data for t in tensors])
        if self.aliases:
            ins = tuple([self.aliases.get(id(a), a) for a in ins])
        if self.after_step and not self.backward and self._reads_stepped(ins, attrs):
            return
        if self.summed_into and any(id(a) in self.summed_into for a in ins):
            self.graph_break("an op reads a .grad the function's backward added to (the call adds after the code)")
            return
        for t, a in zip(tensors, ins):
            i = id(a)
            if i in self.made:
                continue
            if i in self.inputs or i in self.found:
                self.used.add(i)
            elif i in self.old_grads:  # its tensor is not what `.grad` will be at the next call
                self.graph_break("an op reads a .grad from before the call")
                return
            elif t._requires_grad and not self.backward:
                self.found[i] = t
                self.used.add(i)
            elif i not in self.constants:
                self.constants[i] = (t, t._version_counter.value)
        for i in array_ids(attrs):  # an input read as an attribute (an embedding's indices)
            if i in self.inputs or i in self.found:
                self.used.add(i)
        out_arrays = [o._data for o in outs]
        kwargs = dict(attrs)
        for name in prim.extras:  # the extras are outputs, not attributes
            out_arrays.append(kwargs.pop(name))
        for a in out_arrays:
            self.made[id(a)] = a
        self.steps.append(Call(prim, ins, kwargs, tuple(out_arrays), self.backward))

    def draw(self, name: str, generator: Any, make: Any) -> Any:
        """`make()`, a random tensor drawn from `generator`, recorded as a step the code runs again."""
        before = _draws.state_of(generator)
        known = self.rng_states.get(id(generator))
        if known is not None and known[1] != before:  # something drew from it without telling
            self.rng_unexplained = True
        if not any(g is generator for g, _ in self.draw_starts):
            self.draw_starts.append((generator, generator.get_state()))
        result = make()
        self.rng_states[id(generator)] = (generator, _draws.state_of(generator))
        if not self.backward:
            self.segments[-1].append(name)
        if self.breaks:
            return result
        if self.backward or result._requires_grad:  # (a leaf of the function's own: eager, as before)
            self.rng_unexplained = True
            return result
        array = result._data
        self.made[id(array)] = array
        self.steps.append(Call(_draws.kind(name), (), {"make": lambda: make()._data}, (array,), False))
        return result

    def unexplained_draws(self) -> bool:
        """Whether a generator the function drew from moved otherwise than by the recorded draws."""
        return self.rng_unexplained or any(_draws.state_of(g) != s for g, s in self.rng_states.values())

    def read_item(self, tensor: Any, value: Any) -> Any:
        """`tensor.item()` is `value`: a float or int of a recorded result is handed to Python
        watched (`_watched`); `unread_items` decides at the end whether the code may return it."""
        if type(value) not in _watched.KINDS or id(tensor._data) not in self.made or self.backward or self.breaks:
            self.read(tensor, "item")
            return value
        if not self.item_reads:
            self.items_mark = (len(self.steps), len(self.effects))
        watched = _watched.KINDS[type(value)](value)
        self.item_reads[id(watched)] = (watched, tensor, _user_stack(), len(self.segments[-1]))
        return watched

    def read(self, tensor: Any, how: str) -> None:
        """Python reads a tensor's values: fine for constants, a graph break for recorded values."""
        # a tensor no recorded op read before may come from array code on recorded values
        # (comparisons, for one): only constants seen as op inputs are safe to read
        if id(tensor._data) in self.constants and not tensor._requires_grad:
            self.value_reads.add(id(tensor._data))  # (frozen: it must not be updated later)
            return
        reason = f"Tensor.{how}() reads the values of a recorded tensor (data-dependent Python)"
        integers = tensor._data.dtype.kind in "iub"
        if self.fullgraph and (how in _TRACED_READS or (how == "tolist" and integers)):
            self.note_break(reason)  # PyTorch traces these under fullgraph=True: run eagerly, no error
        else:
            self.graph_break(reason)

    def unread_items(self, returned: set) -> None:
        """Break unless each `.item()` read is returned (`returned`: ids of the values found in
        the result) and nothing was recorded after the first: then Python did nothing with the
        values that the code would not (side effects aside, as everywhere)."""
        if not self.item_reads or self.breaks:
            return
        reads = list(self.item_reads.values())
        unreturned = [read for read in reads if id(read[0]) not in returned]
        if (len(self.steps), len(self.effects)) != self.items_mark:
            self._item_break(reads[0], "Tensor.item() reads the values of a recorded tensor before more tensor "
                             "work (data-dependent Python)")
        elif unreturned:
            self._item_break(unreturned[0], "Tensor.item() reads the values of a recorded tensor "
                             "(data-dependent Python)")

    def _item_break(self, read: tuple, reason: str) -> None:
        """A break noted where the `.item()` was read: its frames, the ops before and after it."""
        _, _, stack, position = read
        ops = self.segments[-1]
        self.breaks.append(reason)
        self.break_sites.append((reason, stack))
        self.segments[-1:] = [ops[:position], ops[position:]]

    def write(self, target: Any, result: Any) -> None:
        if self.after_step:
            self.graph_break("an in-place update after an optimizer step inside the function")
            return
        if id(target._data) in self.summed_into:
            self.graph_break("an in-place update of a .grad the function's backward added to")
            return
        array = target._data
        i = id(array)
        if i in self.aliases:  # a stored gradient changed in place (clip_grad_norm_)
            array = self.aliases[i]
            if self.stored[id(array)] > 1:
                self.graph_break("a gradient two leaves store is changed in place")
                return
            self.steps.append(Write(array, result._data, self.backward))
        elif i in self.made:
            base = target._base
            if base is not None and id(base._data) not in self.made:  # (its version is the base's)
                self.graph_break("in-place update of a view of an input, parameter, state or constant tensor")
                return
            self.steps.append(Write(array, result._data, self.backward))
        elif (i in self.inputs or i in self.found) and _is_updated_leaf(target):
            self.steps.append(Write(array, result._data, self.backward))
            self.used.add(i)  # (`p.copy_(new)` reads nothing of p, but the code writes into it)
            self.written.setdefault(id(target), [target, 0])[1] += 1
        else:
            reason = self.state_update(target, result)
            if reason is not None:
                self.graph_break(reason)
                return
            self.steps.append(Write(array, result._data, self.backward))
            self.used.add(i)
            self.written.setdefault(id(target), [target, 0])[1] += 1

    def state_update(self, target: Any, result: Any) -> str | None:
        """Make `target`, a tensor updated in place, an input the code writes into; else why not."""
        i = id(target._data)
        if not _is_state(target) or self.backward or (result._requires_grad and _grad_state.enabled):
            return "in-place operation on an input, parameter or constant tensor"
        if i in self.value_reads:
            return "in-place update of a tensor whose values Python read before (the code froze them)"
        if i in self.inputs or i in self.found:  # an argument or buffer, or another tensor on its array
            owner = self.inputs[i][1] if i in self.inputs else self.found[i]
            return None if owner is target else "in-place operation on an input, parameter or constant tensor"
        self.constants.pop(i, None)
        self.found[i] = target
        return None

    # --- a training step -------------------------------------------------------------------

    def begin_backward(
        self, roots: Any, retain_graph: bool, create_graph: bool, targets: Any, accumulate: bool
    ) -> None:
        """The function calls backward(): recordable when it is a plain one over its own graph."""
        if self.fullgraph:  # as PyTorch's: its graph capture refuses Tensor.backward
            self.graph_break("backward() runs inside the function")
        if self.after_step:
            self.graph_break("backward() after an optimizer step inside the function")
            return
        if create_graph or retain_graph or targets is not None or not accumulate:
            self.graph_break("backward() with retain_graph or create_graph, or autograd.grad, inside the function")
            return
        stack = [node for node, _ in roots]
        seen: set = set()
        while stack:
            node = stack.pop()
            if node is None or id(node) in seen:
                continue
            seen.add(id(node))
            if node._tensor_hooks or node._pre_hooks or node._post_hooks:
                self.graph_break("backward() inside the function meets a hook")
                return
            if type(node) is AccumulateGrad:
                leaf = node.variable
                if leaf._hooks or leaf._post_acc_hooks or leaf._retains_grad:
                    self.graph_break("backward() inside the function meets a hook on a leaf")
                    return
                continue
            if node._seq < self.first_node:
                self.graph_break("backward() inside the function reaches a graph built before the call")
                return
            stack.extend(child for child, _ in node.next_functions)
        self.stepped = True

    def accumulated(self, leaf: Any, old: Any, g: Any) -> None:
        """The function's backward stored `g` as `leaf.grad`, or added it into `old`, the `.grad`."""
        if type(g) is not _tt.Tensor or type(g._data) is SparseCOO or g._requires_grad:
            self.graph_break("backward() inside the function stores a sparse or subclass gradient")
        elif old is not None:
            self.accumulated_into_grad(leaf, old, g)
        else:
            if id(leaf) not in self.cleared:
                self.none_grads[id(leaf)] = leaf
            array = g._data
            copy = leaf._grad._data
            if copy is not array and id(array) in self.stored and copy.flags.c_contiguous:
                # a gradient another leaf stores already (LSTM's two biases): the code copies it
                # too, so an in-place change of one `.grad` (clipping) leaves the other alone
                self.steps.append(Call(_copying.grad_copy, (array,), {}, (copy,), self.backward))
                array = copy
                self.made[id(copy)] = copy
            elif copy is not array:
                self.aliases[id(copy)] = array
                self.made[id(copy)] = copy  # (kept alive, so its id stays unique)
            self.effects.append(("grad", leaf, array))
            self.stored[id(array)] = self.stored.get(id(array), 0) + 1

    def accumulated_into_grad(self, leaf: Any, old: Any, g: Any) -> None:
        """Eager added `g` into the `.grad` in place (accumulation): the call does the same after
        the code, so no op recorded after may read or change that `.grad`. One from before the
        call must be there at later calls too (`grads_before`)."""
        if type(old) is not _tt.Tensor or type(old._data) is SparseCOO or old._requires_grad:
            self.graph_break("backward() inside the function adds to a sparse or subclass .grad, or one with a graph")
            return
        if id(leaf) not in self.cleared and id(leaf) not in self.none_grads:
            self.grads_before[id(leaf)] = (leaf, old._data.shape, old._data.dtype)
        self.effects.append(("accum", leaf, g._data))
        self.summed_into.add(id(old._data))
        self.summed_into.add(id(self.aliases.get(id(old._data), old._data)))

    def set_grad(self, tensor: Any, value: Any) -> None:
        if value is not None:
            self.graph_break("a .grad is set to a tensor inside the function")
        else:
            self.cleared.add(id(tensor))
            self.effects.append(("clear", tensor, None))

    def read_grad(self, grad: Any) -> None:
        if id(grad._data) not in self.made:
            self.old_grads[id(grad._data)] = grad

    def optimizer_step(self, optimizer: Any, with_arguments: bool, recordable: Any, run: Any) -> Any:
        """`optimizer.step()` is called: its update recorded where the optimizer says it can be
        (`recordable()`, asked again at each call of the code: `update_guards`), else the step
        deferred to the compiled call where it can be (see above)."""
        if recordable is not None and not self.breaks and recordable():
            self.update_guards.append(recordable)
            optimizer._recording_update = True  # (the optimizer updates through tensor ops)
            try:
                return run()
            finally:
                optimizer._recording_update = False
        if not self.breaks:
            if with_arguments:
                self.graph_break("an optimizer step with a closure or arguments runs inside the function")
            elif getattr(optimizer, "defaults", {}).get("differentiable", False):
                self.graph_break("a differentiable optimizer step runs inside the function")
            else:
                self.effects.append(("step", optimizer, None))
                self.after_step = True
        if self.breaks:
            return run()
        with suspended():
            return run()

    def _reads_stepped(self, ins: tuple, attrs: dict) -> bool:
        """An op after a deferred optimizer step may read only values the function computed and
        arguments that require no grad (an accuracy from the logits and the targets), not the
        parameters, state or gradients the step reads and changes: else a graph break."""
        for a in ins:
            i = id(a)
            if i in self.stored or (i not in self.made and i not in self.plain_args):
                break
        else:
            if all(i in self.plain_args or (i not in self.inputs and i not in self.found) for i in array_ids(attrs)):
                return False
        self.graph_break("an op after an optimizer step inside the function reads what the step changes")
        return True


def _is_updated_leaf(target: Any) -> bool:
    """A parameter updated in place under no_grad: a write the generated code can repeat."""
    return target._base is None and target._requires_grad and target._grad_fn is None and not _grad_state.enabled


def _is_state(target: Any) -> bool:
    """A plain dense tensor, not a view, outside any graph, whose memory a write may go into."""
    array = target._data
    return (
        type(target) is _tt.Tensor
        and target._base is None
        and not target._requires_grad
        and target._grad_fn is None
        and type(array) is not SparseCOO
        and getattr(array.flags, "writeable", True)
        and not any(step == 0 and n > 1 for n, step in zip(array.shape, array.strides))
    )


def _user_stack() -> list:
    """The frames of the program's own code at a break (retrograd's frames left out)."""
    return [f for f in traceback.extract_stack()[:-2] if not f.filename.startswith(_PACKAGE_DIR)]


_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def array_ids(attrs: dict) -> list:
    """The ids of the arrays among a call's attributes (nested in tuples and lists too)."""
    found: list = []
    stack = list(attrs.values())
    while stack:
        v = stack.pop()
        if type(v) in (tuple, list):
            stack.extend(v)
        elif hasattr(v, "__array_interface__") or hasattr(v, "__cuda_array_interface__"):
            found.append(id(v))
    return found


def install(recorder: Recorder) -> None:
    """Route this thread's primitive calls to `recorder` (nesting is refused by the caller)."""
    with _lock:
        _active[recorder.thread] = recorder
        _primitive.tracer = _dispatch


def uninstall(recorder: Recorder) -> None:
    with _lock:
        _active.pop(recorder.thread, None)
        if not _active and not _skipping:
            _primitive.tracer = None


@contextlib.contextmanager
def optimizer_steps_skipped(optimizers: list) -> Iterator[None]:
    """The steps of these optimizers do nothing in this thread for a block (the check runs a step
    function eagerly to compare it with its code, which leaves the deferred steps out)."""
    thread = threading.get_ident()
    with _lock:
        _skipping[thread] = {id(o) for o in optimizers}
        _primitive.tracer = _dispatch
    try:
        yield
    finally:
        with _lock:
            _skipping.pop(thread, None)
            if not _active and not _skipping:
                _primitive.tracer = None


@contextlib.contextmanager
def suspended() -> Iterator[None]:
    """Pause this thread's recording for a block, and `is_compiling()` with it (a disabled
    function runs as plain Python)."""
    me = threading.get_ident()
    rec, checks = current(), _checking.pop(me, 0)
    if rec is not None:
        uninstall(rec)
    try:
        yield
    finally:
        if rec is not None:
            install(rec)
        if checks:
            _checking[me] = checks


def current() -> Recorder | None:
    """The recorder of this thread, if it is recording."""
    return _active.get(threading.get_ident())


_checking: dict[int, int] = {}  # thread id -> how many checks of new code run their eager call there


@contextlib.contextmanager
def checking() -> Iterator[None]:
    """The eager run of the check of new code (`_probe`): `is_compiling()` holds in it as it did
    while recording, so a library that asks (Hugging Face builds an explicit causal mask then)
    takes the path the code recorded rather than its eager one. Calls of `compile(backend="eager")`
    run in it too, as PyTorch's eager backend runs what it traced."""
    me = threading.get_ident()
    _checking[me] = _checking.get(me, 0) + 1
    try:
        yield
    finally:
        _checking[me] -= 1
        if not _checking[me]:
            del _checking[me]


def compiling() -> bool:
    """Whether this thread records a function, or runs one for the check of new code."""
    me = threading.get_ident()
    return me in _active or me in _checking


class _Dispatch:
    """The engine's tracer hook: hands each event to the recorder of the calling thread."""

    def __call__(self, prim: Primitive, tensors: tuple, outs: tuple, attrs: dict) -> None:
        rec = _active.get(threading.get_ident())
        if rec is not None:
            rec(prim, tensors, outs, attrs)

    def read(self, tensor: Any, how: str) -> None:
        rec = _active.get(threading.get_ident())
        if rec is not None:
            rec.read(tensor, how)

    def read_item(self, tensor: Any, value: Any) -> Any:
        rec = _active.get(threading.get_ident())
        return value if rec is None else rec.read_item(tensor, value)

    def draw(self, name: str, generator: Any, make: Any) -> Any:
        rec = _active.get(threading.get_ident())
        return make() if rec is None else rec.draw(name, generator, make)

    def write(self, target: Any, result: Any) -> None:
        rec = _active.get(threading.get_ident())
        if rec is not None:
            rec.write(target, result)

    def graph_break(self, reason: str) -> None:
        """Code above the engine does what generated code would not repeat (an optimizer's step
        updates parameters through the arrays; `zero_grad` sets `.grad`): it runs eagerly."""
        rec = _active.get(threading.get_ident())
        if rec is not None and not rec.backward:
            rec.graph_break(reason)

    def backward(self, *how: Any) -> None:
        """The engine's backward pass starts (not the compiler's own: its recording is flagged)."""
        rec = _active.get(threading.get_ident())
        if rec is not None and not rec.backward and not rec.breaks:
            rec.begin_backward(*how)

    def accumulated(self, leaf: Any, old: Any, g: Any) -> None:
        rec = _active.get(threading.get_ident())
        if rec is not None and not rec.backward and not rec.breaks:
            rec.accumulated(leaf, old, g)

    def set_grad(self, tensor: Any, value: Any) -> None:
        rec = _active.get(threading.get_ident())
        if rec is not None and not rec.breaks:
            rec.set_grad(tensor, value)

    def reset_grad(self, tensor: Any, set_to_none: bool) -> None:
        """zero_grad() met a tensor without a .grad: a later call may find one to reset."""
        if set_to_none:
            self.set_grad(tensor, None)
        else:
            self.graph_break("zero_grad(set_to_none=False) runs inside the function")

    def read_grad(self, grad: Any) -> None:
        rec = _active.get(threading.get_ident())
        if rec is not None and not rec.breaks:
            rec.read_grad(grad)

    def optimizer_step(self, optimizer: Any, with_arguments: bool, recordable: Any, run: Any) -> Any:
        """An optimizer's step(): the recorder records or defers it; the check of generated code,
        which compares the function and its code without the deferred steps, skips those."""
        thread = threading.get_ident()
        if id(optimizer) in _skipping.get(thread, ()):
            return None
        rec = _active.get(thread)
        if rec is None or rec.backward:
            return run()
        return rec.optimizer_step(optimizer, with_arguments, recordable, run)


_dispatch = _Dispatch()


def _decided(reason: str) -> None:
    rec = current()
    if rec is not None:
        rec.note_break(reason)


_watched.decided = _decided  # (a watched value compared or tested: the recording breaks)
