"""Random draws inside a compiled function: drawn again by the generated code, from the same generator.

Dropout's mask and a reparametrisation's `torch.randn_like(std)` are new at every call, so a
recording cannot keep them as constants. A draw that retrograd.random makes from numbers alone
(`rand`, `randn`, `randint`, `randperm`, `normal(mean, std, size)`, dropout's mask) reaches the
recorder with a function that makes it again; it becomes one step of the code, which then draws
at the same point of the function as eager code does, from the same generator: the numbers are
the ones eager code gets, call after call. Any other change of a generator's state (an in-place
`normal_()` of a tensor, a draw whose values depend on tensors) leaves the function eager.

The check of new code and the first call's run of it draw too: they put the generators back as
they were, so a compiled call moves each generator exactly as an eager one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Draw:
    """A recording's stand-in for a primitive: `forward(xp, make)` is `make()`, the draw made again.

    One per kind of draw, so the generated code names it (`t3 = randn(xp, c1)`)."""

    extras: tuple = ()
    view = False
    into = None

    def __init__(self, name: str) -> None:
        self.name = name

        def forward(xp: Any, make: Callable[[], Any]) -> Any:
            return make()

        self.forward = forward


_KINDS: dict[str, Draw] = {}


def kind(name: str) -> Draw:
    """The stand-in primitive of draws named `name` (made once per name)."""
    draw = _KINDS.get(name)
    if draw is None:
        draw = _KINDS[name] = Draw(name)
    return draw


def is_draw(step: Any) -> bool:
    """Whether a recorded step is a draw: it reads nothing, yet must run at every call."""
    return type(getattr(step, "prim", None)) is Draw


def state_of(generator: Any) -> bytes:
    return bytes(generator.get_state()._data)


def saved(generators: list) -> list:
    """(generator, state) for each generator, to put them back with `restore`."""
    return [(g, g.get_state()) for g in generators]


def restore(states: list) -> None:
    for g, s in states:
        g.set_state(s)
