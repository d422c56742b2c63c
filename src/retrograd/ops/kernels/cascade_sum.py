"""The order in which PyTorch's CPU nll_loss adds up its terms, so a reduced loss has PyTorch's bits.

The kernel walks the kept elements (targets not equal to `ignore_index`) in the order of the
target's flat index `b` and adds each term into a running partial sum, level 0. Right after
adding the term at `b`, every level j < 7 with `b` a multiple of step**(j+1) is emptied into
level j+1 (lowest first; step is 16 below 2**40 positions). The result is
0 + p0 + p1 + ... + p7. Every addition rounds to the data's dtype, so this differs in the last
bit from NumPy's pairwise sum about half the time: printing `loss.item()` would show it.

Ignored elements add nothing and move no partial. With none ignored the emptying points are
regular (b = 0, then every 16th), and each level is one reshape and one running sum.
"""

from __future__ import annotations

from typing import Any

import numpy as np

_LEVELS = 8


def _step(count: int) -> int:
    """How many positions each level gathers before it is emptied (PyTorch: 2**max(4, ⌈log2 n⌉ / 8))."""
    return 1 << max(4, (max(count, 1) - 1).bit_length() // _LEVELS)


def _running(xp: Any, values: Any) -> Any:
    """0 + v0 + v1 + ..., each addition rounded (NumPy's `sum` would add pairwise), as a 0-d array."""
    if values.shape[0] == 0:
        return xp.zeros((), values.dtype)
    return xp.add.accumulate(values)[-1]


def _total(xp: Any, partials: list, dtype: Any) -> Any:
    """0 + p0 + p1 + ..., the partials of every level in order, as a 0-d array of `dtype`."""
    return xp.add.accumulate(xp.stack([xp.zeros((), dtype)] + partials))[-1]


def cascade_sum(xp: Any, values: Any, positions: Any = None, count: int | None = None) -> Any:
    """Σ `values` (1-d, in order) added as PyTorch's nll kernels add them, as a 0-d array.

    `positions`: each value's flat index among all `count` elements, where some were ignored;
    None when every element is kept (the positions are 0, 1, 2, ...).
    """
    if positions is None:
        return _regular(xp, values, _step(values.shape[0]))
    return _irregular(xp, values, positions, _step(values.shape[0] if count is None else count))


def _regular(xp: Any, items: Any, step: int) -> Any:
    """Every element kept: at each level the first item (position 0) moves up alone, the rest in
    groups of `step`, and what is left over stays as that level's partial."""
    partials = []
    for _ in range(_LEVELS - 1):
        if items.shape[0] <= 1:
            break
        first, rest = items[:1], items[1:]
        whole = rest.shape[0] // step * step
        partials.append(_running(xp, rest[whole:]))
        groups = rest[:whole].reshape(-1, step)
        items = xp.concatenate([first, xp.add.accumulate(groups, axis=1)[:, -1]])
    partials.append(_running(xp, items))  # the top level keeps all it is given
    return _total(xp, partials, items.dtype)


def _irregular(xp: Any, items: Any, positions: Any, step: int) -> Any:
    """Some elements ignored: a level is emptied only at a kept element's position, so the groups
    have uneven lengths; each group is summed as a zero-padded row (x + 0 is x)."""
    partials = []
    every = step
    for _ in range(_LEVELS - 1):
        ends = xp.flatnonzero(positions % every == 0)  # where this level is emptied upward
        if ends.shape[0] == 0:
            break
        last = int(ends[-1]) + 1
        partials.append(_running(xp, items[last:]))
        starts = xp.concatenate([xp.zeros(1, ends.dtype), ends[:-1] + 1])
        lengths = ends - starts + 1
        row = xp.repeat(xp.arange(ends.shape[0]), lengths)
        grid = xp.zeros((ends.shape[0], int(lengths.max())), items.dtype)
        grid[row, xp.arange(last) - starts[row]] = items[:last]
        items, positions = xp.add.accumulate(grid, axis=1)[:, -1], positions[ends]
        every *= step
    partials.append(_running(xp, items))
    return _total(xp, partials, items.dtype)
