"""Outputs that are views of intermediate results: made again outside the generated code.

PyTorch's AOTAutograd returns the base of such an output from the compiled graph and replays
the view ops on it afterwards, so `model(x).squeeze(-1)` comes back with `SqueezeBackward1` as
its `grad_fn` (over the compiled node), its `_base` and view tracking intact. The same here:
the generated code returns the base, and the view ops the recording saw run again on it.
"""

from __future__ import annotations

from typing import Any

from ._trace import Call, Recorder


def view_chain(rec: Recorder, out: Any) -> list | None:
    """The (primitive, attributes) of the view ops from `out`'s base to `out`, first op first.

    None when `out` is not a view of a recorded result that requires grad, or when a step of the
    chain is not a one-input view op the recording logged (the output then stays as it is).
    """
    base = out._base
    if base is None or not out._requires_grad:
        return None
    made_by = {id(c.outs[0]): c for c in rec.steps if isinstance(c, Call) and not c.backward and c.prim.view}
    chain = []
    array = out._data
    while array is not base._data:
        call = made_by.get(id(array))
        if call is None or len(call.ins) != 1 or len(call.outs) != 1:
            return None
        chain.append((call.prim, call.attrs))
        array = call.ins[0]
    return chain[::-1]


def returned(outs: list, views: dict) -> tuple[list, list]:
    """What the code returns (each view's base instead of it, each array once), and per output
    the index of its tensor among those: views of one base share it, as in eager code."""
    returned: list = []
    index: dict = {}
    made_from = []
    for k, o in enumerate(outs):
        t = o._base if k in views else o
        i = index.setdefault(id(t._data), len(returned))
        if i == len(returned):
            returned.append(t)
        made_from.append(i)
    return returned, made_from


def replayed(base: Any, chain: list) -> Any:
    """`base` with the view ops of `chain` applied: a view with their nodes, as in eager code."""
    out = base
    for prim, attrs in chain:
        out = prim(out, **attrs)
    return out
