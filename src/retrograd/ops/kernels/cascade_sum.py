"""The order in which PyTorch's CPU nll_loss adds up its terms, so a reduced loss has PyTorch's bits.

The kernel walks the kept elements (targets not equal to `ignore_index`) in the order of the
target's flat index `b` and adds each term into a running partial sum, level 0. Right after
adding the term at `b`, every level j < 7 with `b` a multiple of step**(j+1) is emptied into
level j+1, lowest first (step is 16 below 2**40 positions). The result is 0 + p0 + p1 + ... + p7,
every addition rounded to the data's dtype. NumPy's pairwise sum rounds differently about half
the time, which `print(loss.item())` shows.

So with every element kept, element 0 goes straight to the top level, and each level adds its
items in groups of `step`: a group's running sum moves up, the items after the last whole group
stay as that level's partial. Ignored elements add nothing and empty no level, which makes the
groups uneven.

On a GPU PyTorch's kernels reduce in a tree, so there a plain sum is the match (`kept_sum`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

_LEVELS = 8
_COLUMNS_FROM = 64  # groups: from here summing column by column beats one running sum along rows


def _step(count: int) -> int:
    """How many positions each level gathers before it is emptied (PyTorch: 2**max(4, ⌈log2 n⌉ // 8))."""
    return 1 << max(4, (max(count, 1) - 1).bit_length() // _LEVELS)


def kept_sum(xp: Any, values: Any, kept: Any = None) -> Any:
    """Σ `values` (1-d) where `kept` (None: everywhere), as PyTorch's nll kernels add them.

    On a device, a plain sum of the values with the others zeroed: finding the kept ones would
    copy the mask to the host, and PyTorch's CUDA kernels add in a tree anyway.
    """
    if xp is not np:
        return xp.add.reduce(values if kept is None else xp.where(kept, values, xp.zeros((), values.dtype)))
    if kept is None or kept.all():
        return cascade_sum(values)
    return cascade_sum(values[kept], np.flatnonzero(kept), kept.shape[0])


def cascade_sum(values: Any, positions: Any = None, count: int | None = None) -> Any:
    """Σ `values` (1-d NumPy, in order) added as PyTorch's CPU nll kernels add them.

    `positions`: each value's flat index among all `count` elements, where some were ignored;
    None when every element is kept (the positions are 0, 1, 2, ...).
    """
    if values.shape[0] == 0:
        return values.dtype.type(0)
    if positions is None:
        partials = _regular(values, _step(values.shape[0]))
    else:
        partials = _irregular(values, positions, _step(values.shape[0] if count is None else count))
    total = values.dtype.type(0)
    for p in partials:  # NumPy scalars of the dtype: each addition rounds to it
        total = total + p
    return total


def _running(values: Any) -> Any:
    """0 + v0 + v1 + ..., each addition rounded (NumPy's `sum` would add pairwise)."""
    n = values.shape[0]
    if n <= 1:
        return values[0] if n else values.dtype.type(0)
    return np.add.accumulate(values)[-1]


def _group_sums(values: Any, step: int) -> Any:
    """The running sum of each consecutive group of `step` values."""
    groups = values.reshape(-1, step)
    if groups.shape[0] < _COLUMNS_FROM:
        return np.add.accumulate(groups, axis=1)[:, -1]
    columns = np.ascontiguousarray(groups.T)
    sums = columns[0].copy()
    for column in columns[1:]:
        sums += column
    return sums


def _regular(values: Any, step: int) -> list:
    """The partials, level by level, with every element kept."""
    first, rest = values[0], values[1:]  # element 0 empties every level at once: it tops the last
    partials = []
    for _ in range(_LEVELS - 1):
        whole = rest.shape[0] // step * step
        partials.append(_running(rest[whole:]))
        if whole == 0:
            return partials + [first]
        rest = _group_sums(rest[:whole], step)
    return partials + [_running(np.concatenate([values[:1], rest]))]


def _irregular(items: Any, positions: Any, step: int) -> list:
    """The partials, level by level, where some elements were ignored: a level is emptied only
    at a kept element's position, so each group is summed as a zero-padded row (x + 0 is x)."""
    partials = []
    every = step
    for _ in range(_LEVELS - 1):
        ends = np.flatnonzero(positions % every == 0)  # where this level is emptied upward
        if ends.shape[0] == 0:
            break
        last = int(ends[-1]) + 1
        partials.append(_running(items[last:]))
        starts = np.concatenate([np.zeros(1, ends.dtype), ends[:-1] + 1])
        lengths = ends - starts + 1
        row = np.repeat(np.arange(ends.shape[0]), lengths)
        grid = np.zeros((ends.shape[0], int(lengths.max())), items.dtype)
        grid[row, np.arange(last) - starts[row]] = items[:last]
        items, positions = np.add.accumulate(grid, axis=1)[:, -1], positions[ends]
        every *= step
    return partials + [_running(items)]
