"""Code generation: a recording becomes two straight-line Python functions of array calls.

The forward takes the input arrays (arguments, then parameters) and returns the outputs and
the values the backward reads; the backward takes one gradient per output and those saved
values and returns one gradient per input that requires grad. Each line is one primitive's
forward, `name(xp, a, b, attr)`. Calls that read only constants were run once while recording
and their results are bound as constants; calls nothing reads are dropped; a local is
`del`-ed after its last use so its memory goes back at once. An op that can write its result
into an input (`Primitive.into`) does so when that input is a local of the same function that
dies there and nothing else sees its memory: `t2 = relu_into(xp, t1, out=t1)` allocates nothing.
"""

from __future__ import annotations

import inspect
import math
from dataclasses import dataclass, field
from typing import Any

import numpy

from ..engine import bfloat16 as _half
from ._draws import is_draw
from ._trace import Call, GraphBreak, Write
from ._trace import array_ids as _attr_arrays

_LITERALS = (int, bool, str, type(None))


@dataclass
class Generated:
    """The generated source and the functions compiled from it."""

    source: str
    forward: Any
    backward: Any  # None when nothing requires grad
    n_saved: int
    # per saved array the backward reads: ("input", i) or ("output", k) when it is the i-th input
    # or k-th output array itself (an in-place change of that tensor must fail the backward), else None
    saved_from: tuple = ()


@dataclass
class _Builder:
    """Names for arrays and constants while one source file is written."""

    xp: Any
    names: dict = field(default_factory=dict)  # id(array) -> local name
    namespace: dict = field(default_factory=dict)  # global name -> object
    const_names: dict = field(default_factory=dict)  # id(object) -> global name
    keep: list = field(default_factory=list)  # keeps constants alive, so ids stay unique
    fn_names: dict = field(default_factory=dict)  # forward function -> global name
    quiet: bool = False
    counter: int = 0

    def local(self, array: Any) -> str:
        name = f"t{self.counter}"
        self.counter += 1
        self.names[id(array)] = name
        return name

    def const(self, value: Any, hint: str = "c") -> str:
        name = self.const_names.get(id(value))
        if name is None:
            if isinstance(value, numpy.dtype) and value.name.isidentifier() and value.name not in self.namespace:
                name = value.name
            else:
                name = f"{hint}{len(self.const_names)}"
            self.const_names[id(value)] = name
            self.namespace[name] = value
            self.keep.append(value)
        return name

    def expr(self, value: Any) -> str:
        """Source text for an attribute or input value."""
        if isinstance(value, self.xp.ndarray) or isinstance(value, numpy.generic):
            name = self.names.get(id(value))
            return name if name is not None else self.const(value)
        if type(value) in _LITERALS:
            return repr(value)
        if type(value) is float:
            return repr(value) if math.isfinite(value) else self.const(value)
        if type(value) is tuple:
            items = [self.expr(v) for v in value]
            return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
        if type(value) is list:
            return "[" + ", ".join(self.expr(v) for v in value) + "]"
        if hasattr(value, "_data") and hasattr(value, "_requires_grad"):
            raise GraphBreak("a tensor passed as an op attribute")
        return self.const(value)

    def into(self, call: Call) -> str:
        """The global name of a call's `into` (its forward written into a given array)."""
        fn = call.prim.into
        name = self.fn_names.get(fn)
        if name is None:
            name = self.function(call)[0] + "_into"
            self.fn_names[fn] = name
            self.namespace[name] = fn
        return name

    def function(self, call: Call) -> tuple[str, list[str] | None]:
        """The global name of a call's forward, and its attribute names if they go by position."""
        fn = call.prim.forward
        inner = _unwrap_quiet(fn)
        if inner is not fn:
            self.quiet = True
            fn = inner
        name = self.fn_names.get(fn)
        if name is None:
            base = "".join(ch if ch.isalnum() else "_" for ch in call.prim.name) or "op"
            name = base if base not in self.namespace and base.isidentifier() else f"{base}_{len(self.fn_names)}"
            if not name.isidentifier():
                name = f"op_{len(self.fn_names)}"
            self.fn_names[fn] = name
            self.namespace[name] = fn
        return name, _positional(fn, len(call.ins), list(call.attrs))


def _unwrap_quiet(fn: Any) -> Any:
    """The forward inside a `quiet=True` wrapper (the generated code silences NumPy once instead)."""
    if getattr(fn, "__name__", "") == "quiet_forward" and fn.__closure__:
        inner = fn.__closure__[0].cell_contents
        if callable(inner):
            return inner
    return fn


_SIGNATURES: dict = {}


def _positional(fn: Any, n_inputs: int, attr_names: list[str]) -> list[str] | None:
    """`attr_names` if they are the forward's next positional parameters in order, else None."""
    key = (fn, n_inputs, tuple(attr_names))
    if key in _SIGNATURES:
        return _SIGNATURES[key]
    result = None
    try:
        params = list(inspect.signature(fn).parameters.values())[1 + n_inputs :]
    except (TypeError, ValueError):
        params = []
    if all(p.kind is p.POSITIONAL_OR_KEYWORD for p in params[: len(attr_names)]):
        if [p.name for p in params[: len(attr_names)]] == attr_names:
            result = attr_names
    _SIGNATURES[key] = result
    return result


def _fold_and_prune(steps: list, dynamic: set, live_out: set) -> list:
    """Drop calls on constants (their results become constants) and calls nothing reads."""
    kept: list = []
    for step in steps:
        if isinstance(step, Write):
            if id(step.target) not in dynamic:
                raise GraphBreak("in-place write into a constant")
            kept.append(step)
            continue
        reads = [id(a) for a in step.ins] + _attr_arrays(step.attrs)
        if any(r in dynamic for r in reads) or is_draw(step):  # (a draw reads nothing, yet is new each call)
            dynamic.update(id(a) for a in step.outs)
            kept.append(step)
    live = set(live_out)
    pruned: list = []
    for step in reversed(kept):
        if isinstance(step, Write):
            live.update((id(step.target), id(step.source)))
            pruned.append(step)
        elif any(id(a) in live for a in step.outs) or is_draw(step):  # (unread, it still moves its generator)
            live.update(id(a) for a in step.ins)
            live.update(_attr_arrays(step.attrs))
            pruned.append(step)
    pruned.reverse()
    return pruned


def _body(b: _Builder, steps: list, returned: list[Any], indent: str, held: set, shared: set) -> list[str]:
    """Lines for `steps`, with `del` after each local's last use.

    0-d values are left alone (nothing to free), and so are `held` names: arguments the caller
    keeps alive anyway. `shared`: ids of arrays whose memory something else also sees (a view's
    base, a write's target), which no op may take over.
    """
    last_use: dict = {}
    for i, step in enumerate(steps):
        for r in _step_reads(step):
            last_use[r] = i
    for a in returned:
        last_use[id(a)] = len(steps)
    write_targets = {id(s.target) for s in steps if isinstance(s, Write)}
    made: set = set()  # ids of the arrays this function's own calls made
    written_by_call = _writes_into_targets(b, steps, last_use)
    lines: list[str] = []
    for i, step in enumerate(steps):
        if i - 1 in written_by_call:
            pass  # the call before wrote its result into the target itself
        elif i in written_by_call:
            args = ["xp"] + [b.expr(a) for a in step.ins] + [f"{k}={b.expr(v)}" for k, v in step.attrs.items()]
            lines.append(f"{indent}{b.into(step)}({', '.join(args)}, out={b.expr(steps[i + 1].target)})")
        elif isinstance(step, Write):
            lines.append(f"{indent}{b.expr(step.target)}[...] = {b.expr(step.source)}")
        else:
            fn, positional = b.function(step)
            ins = [b.expr(a) for a in step.ins]
            if not step.prim.view and any(a.dtype is _half.BF16 or a.dtype is _half.F16 for a in step.ins):
                # 16-bit inputs run as the primitive runs them: in float32, the result rounded once
                attrs = ", ".join(f"{k!r}: {b.expr(v)}" for k, v in step.attrs.items())
                call = f"_half({fn}, xp, ({', '.join(ins)},), {{{attrs}}})"
            else:
                args = ["xp"] + ins
                if positional is not None:
                    args += [b.expr(step.attrs[n]) for n in positional]
                else:
                    args += [f"{k}={b.expr(v)}" for k, v in step.attrs.items()]
                dying = _dying_input(b, step, i, last_use, made, shared)
                if dying is not None:
                    fn = b.into(step)
                    args.append(f"out={b.names[id(dying)]}")
                call = f"{fn}({', '.join(args)})"
            made.update(id(a) for a in step.outs)
            targets = [b.local(a) for a in step.outs]
            if len(targets) == 1 and id(step.outs[0]) in write_targets and step.outs[0].ndim == 0:
                call = f"_asarray({call})"  # NumPy gives a scalar for 0-d results; a write needs an array
            lines.append(f"{indent}{', '.join(targets)} = {call}")
        dead = [
            b.names[r]
            for r in dict.fromkeys(_step_reads(step))
            if last_use.get(r) == i and r in b.names and _ndim(step, r) != 0 and b.names[r] not in held
        ]
        if not isinstance(step, Write):
            dead += [b.names[id(a)] for a in step.outs if id(a) not in last_use and a.ndim != 0]
        if dead:
            lines.append(f"{indent}del {', '.join(dead)}")
    return lines


def _writes_into_targets(b: _Builder, steps: list, last_use: dict) -> set:
    """Indices of calls whose result is only written into an array by the next step (an in-place
    update, `p -= lr * g`): the call writes into that array at once (`sub_into(xp, p0, t1, out=p0)`),
    which an elementwise `into` may do even where the array is also its input."""
    found = set()
    for i, (step, write) in enumerate(zip(steps, steps[1:])):
        if isinstance(step, Write) or not isinstance(write, Write) or step.prim.into is None or len(step.outs) != 1:
            continue
        out, target = step.outs[0], write.target
        if (
            write.source is out and last_use.get(id(out)) == i + 1 and not step.attrs
            and isinstance(target, b.xp.ndarray) and target.flags.writeable
            and target.shape == out.shape and target.dtype == out.dtype and target.strides == out.strides
            and not any(a.dtype is _half.BF16 or a.dtype is _half.F16 for a in step.ins)
        ):
            found.add(i)
    return found


def _dying_input(b: _Builder, step: Call, i: int, last_use: dict, made: set, shared: set) -> Any:
    """An input of `step` its result can be written into, or None.

    It must be an array an earlier call of this function made (not an argument: the caller, or
    a second backward with retain_graph, may still read those), read for the last time here,
    owning its memory with no view of it anywhere, and of the result's shape, dtype and strides
    (so the result is the very array the forward would have made, in the same layout).
    """
    if step.prim.into is None or len(step.outs) != 1:
        return None
    out = step.outs[0]
    for a in step.ins:
        if (
            id(a) in made and last_use.get(id(a)) == i and id(a) not in shared
            and isinstance(a, b.xp.ndarray) and a.base is None and a.flags.writeable and a.ndim
            and a.shape == out.shape and a.dtype == out.dtype and a.strides == out.strides
        ):
            return a
    return None


def _shared_memory(steps: list, extra: list) -> set:
    """Ids of the arrays whose memory is seen through another array or name: the bases of views,
    the targets and sources of writes, and arrays an op handed back as its own output."""
    shared: set = set()
    arrays = list(extra)
    for step in steps:
        if isinstance(step, Write):
            shared.update((id(step.target), id(step.source)))
            continue
        arrays += _step_arrays(step)
        arrays += step.outs
        shared.update(id(o) for o in step.outs if any(o is a for a in step.ins))
    for a in arrays:
        base = getattr(a, "base", None)
        if base is not None:
            shared.add(id(base))
    return shared


def _ndim(step: Any, r: int) -> int:
    for a in _step_arrays(step):
        if id(a) == r:
            return a.ndim
    return -1


def _step_arrays(step: Any) -> list:
    if isinstance(step, Write):
        return [step.target, step.source]
    arrays = list(step.ins)
    stack = list(step.attrs.values())
    while stack:
        v = stack.pop()
        if type(v) in (tuple, list):
            stack.extend(v)
        elif hasattr(v, "ndim") and hasattr(v, "__array_interface__"):
            arrays.append(v)
    return arrays


def _step_reads(step: Any) -> list[int]:
    return [id(a) for a in _step_arrays(step)]


def _returned_expr(b: _Builder, array: Any) -> str:
    """A returned value: constants are copied (the caller may write into them), 0-d made arrays."""
    if id(array) not in b.names:
        return f"{b.const(array)}.copy()"
    name = b.names[id(array)]
    return f"_asarray({name})" if array.ndim == 0 else name


def generate(
    xp: Any,
    steps: list,
    inputs: list[Any],
    input_names: list[str],
    outputs: list[Any],
    seeds: list[Any],
    grads: list[Any],
) -> Generated:
    """Source and functions for a recording: `inputs` -> `outputs`, `seeds` -> `grads`."""
    b = _Builder(xp)
    b.namespace.update(xp=xp, _asarray=xp.asarray, _half=_half.forward)
    for a, n in zip(inputs, input_names):
        b.names.setdefault(id(a), n)
    fwd_steps = [s for s in steps if not s.backward]
    bwd_steps = [s for s in steps if s.backward]
    dynamic = {id(a) for a in inputs}
    fwd_steps = _fold_and_prune(fwd_steps, dynamic, {id(a) for a in outputs} | _reads_of(bwd_steps, grads))
    fwd_dynamic = set(dynamic)
    bwd_dynamic = set(fwd_dynamic) | {id(a) for a in seeds}
    bwd_steps = _fold_and_prune(bwd_steps, bwd_dynamic, {id(a) for a in grads if a is not None})

    lines = ["def forward(" + ", ".join(input_names) + "):"]
    fwd_lines_start = len(lines)
    saved: list = []
    seen: set = set()
    for s in bwd_steps:
        for a in _step_arrays(s):
            if id(a) in fwd_dynamic and id(a) not in seen:
                seen.add(id(a))
                saved.append(a)
    for g in grads:
        if g is not None and id(g) in fwd_dynamic and id(g) not in seen:
            seen.add(id(g))
            saved.append(g)
    shared = _shared_memory(fwd_steps + bwd_steps, outputs + saved + [g for g in grads if g is not None])
    body = _body(b, fwd_steps, outputs + saved, "    ", set(input_names), shared)
    lines += body
    out_exprs = [_returned_expr(b, a) for a in outputs] + [b.names[id(a)] for a in saved]
    lines.append("    return (" + ", ".join(out_exprs) + ("," if len(out_exprs) == 1 else "") + ")")
    if seeds:
        seed_names = [f"g{i}" for i in range(len(seeds))]
        for a, n in zip(seeds, seed_names):
            b.names[id(a)] = n
        saved_names = [b.names[id(a)] for a in saved]
        lines.append("")
        lines.append("")
        lines.append("def backward(" + ", ".join(seed_names + saved_names) + "):")
        body_start = len(lines)
        lines += _body(b, bwd_steps, [g for g in grads if g is not None], "    ", set(seed_names), shared)
        grad_exprs = ["None" if g is None else _returned_expr(b, g) for g in grads]
        lines.append("    return (" + ", ".join(grad_exprs) + ("," if len(grad_exprs) == 1 else "") + ")")
        if b.quiet:
            _wrap_quiet(lines, body_start)
    if b.quiet:
        _wrap_quiet(lines, fwd_lines_start)
    source = "\n".join(lines) + "\n"
    namespace = dict(b.namespace)
    if b.quiet:
        namespace["_errstate"] = numpy.errstate
    code = compile(source, "<retrograd.compile>", "exec")
    exec(code, namespace)
    namespace["_keep"] = b.keep
    saved_from = _sources(saved, inputs, outputs)
    return Generated(source, namespace["forward"], namespace.get("backward"), len(saved), saved_from)


def _sources(saved: list, inputs: list, outputs: list) -> tuple:
    positions = {id(a): ("output", k) for k, a in enumerate(outputs)}
    positions.update((id(a), ("input", i)) for i, a in enumerate(inputs))
    return tuple(positions.get(id(a)) for a in saved)


def _reads_of(steps: list, grads: list) -> set:
    found = {id(g) for g in grads if g is not None}
    for s in steps:
        found.update(_step_reads(s))
    return found


def _wrap_quiet(lines: list[str], start: int) -> None:
    """Indent a function's body under one `with _errstate(all="ignore"):` (ops that may divide by 0)."""
    end = start
    while end < len(lines) and lines[end].startswith("    "):
        end += 1
    body = ["    " + line for line in lines[start:end]]
    lines[start:end] = ['    with _errstate(all="ignore"):  # PyTorch gives inf/nan without a warning'] + body
