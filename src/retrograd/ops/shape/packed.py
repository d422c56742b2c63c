"""pack_padded_sequence's gather as one node (PyTorch's PackPaddedSequenceBackward0).

Packing takes, step by step, the rows of the sequences still running (`sizes[t]` of them, the
longest first) and stacks them; its gradient puts each row back into a zero-padded batch. The
two are each other's adjoints, so each one's gradient is the other, recorded: derivatives of
any order follow.
"""

from __future__ import annotations

import math
from typing import Any

from ...engine.primitive import Primitive

__all__: list[str] = []  # reached through retrograd.nn.utils.rnn


def _pack_array(xp: Any, a: Any, sizes: tuple, batch_first: bool) -> Any:
    steps = a.swapaxes(0, 1) if batch_first else a
    # lengths longer than the input: PyTorch packs the steps there are and keeps the batch sizes
    return xp.concatenate([steps[t, :n] for t, n in enumerate(sizes[: steps.shape[0]])], axis=0)


def _unpack_array(xp: Any, data: Any, sizes: tuple, batch_first: bool, shape: tuple) -> Any:
    out = xp.zeros(shape, data.dtype)
    steps = out.swapaxes(0, 1) if batch_first else out  # a view: rows land in `out`
    if len(sizes) > steps.shape[0]:  # packed from lengths past the input's steps: PyTorch's backward refuses
        size = ", ".join(str(d) for d in steps.shape)
        raise IndexError(f"select(): index {steps.shape[0]} out of range for tensor of size [{size}] at dimension 0")
    start = 0
    for t, n in enumerate(sizes):
        steps[t, :n] = data[start : start + n]
        start += n
    return out


pack_padded = Primitive(
    "pack_padded_sequence",
    lambda xp, a, sizes, batch_first: _pack_array(xp, a, sizes, batch_first),
    [lambda g, a_shape, sizes, batch_first: unpack_padded(g, sizes=sizes, batch_first=batch_first, shape=a_shape)],
)
unpack_padded = Primitive(
    "pack_padded_sequence_backward",
    lambda xp, data, sizes, batch_first, shape: _unpack_array(xp, data, sizes, batch_first, shape),
    [lambda g, sizes, batch_first: pack_padded(g, sizes=sizes, batch_first=batch_first)],
    inputs=("data",),
    node_name="PackPaddedSequenceBackwardBackward0",
)


def refuse_short(sizes: list[int], shape: tuple) -> None:
    """PyTorch's error for packed data with fewer rows than its batch sizes count: its kernel views
    each run of steps with one batch size as (steps, batch, *) and fails at the first short one."""
    start, first, rest = 0, 0, list(shape[1:])
    for t in range(1, len(sizes) + 1):
        if t == len(sizes) or sizes[t] != sizes[first]:
            rows = sizes[first] * (t - first)
            got = max(0, min(start + rows, shape[0]) - start) * math.prod(rest)
            if start + rows > shape[0]:
                raise RuntimeError(f"shape '{[t - first, sizes[first], *rest]}' is invalid for input of size {got}")
            start, first = start + rows, t
