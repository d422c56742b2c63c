"""`all_to_all`: the list form of all-to-all, where rank i's `input_tensor_list[j]` lands in rank j's
`output_tensor_list[i]` (the tensors may differ in size from slot to slot, not in dtype)."""

from __future__ import annotations

import numpy as np

from ..tensor import Tensor
from ._buffers import check_tensor_list, kind
from .collectives import Work, _check_same_call, _describe, _execute, _shape
from .process_group import ProcessGroup, resolve


def all_to_all(
    output_tensor_list: list[Tensor], input_tensor_list: list[Tensor], group: ProcessGroup | None = None,
    async_op: bool = False,
) -> Work | None:  # fmt: skip
    """Send `input_tensor_list[j]` to rank j; `output_tensor_list[i]` gets what rank i sent here.

    Args:
        output_tensor_list (list of Tensor): one per rank, written in place.
        input_tensor_list (list of Tensor): one per rank, all of the outputs' dtype.
        group (ProcessGroup, optional): the group (default: the world).
        async_op (bool): return a `Work` to wait on instead of waiting.

    Returns:
        Work or None: the started work when `async_op`, else None.
    """
    outs = check_tensor_list(output_tensor_list, "output_tensor_list")
    ins = check_tensor_list(input_tensor_list, "input_tensor_list")
    g = resolve(group)
    if g is None:
        return None
    n = g.size()
    if len(outs) != n or len(ins) != n:
        raise ValueError(f"all_to_all: both lists must have {n} tensors (one per rank), got {len(outs)} and {len(ins)}")
    if g.name() == "gloo":
        for i, t in enumerate(outs):  # gloo moves equal blocks: every tensor must have the first's shape
            if t.shape != outs[0].shape:
                raise RuntimeError(
                    f"ProcessGroupGloo::alltoall: invalid tensor size at index {i} (expected "
                    f"{_shape(outs[0].shape)}, got {_shape(t.shape)})"
                )
    dtypes = {kind(t._data) for t in [*outs, *ins]}
    if len(dtypes) != 1:
        raise RuntimeError(f"all_to_all: every tensor must have the same dtype, got {sorted(dtypes)}")
    send = np.concatenate([np.ascontiguousarray(t._data).reshape(-1) for t in ins])
    received = np.empty(sum(t.numel() for t in outs), dtype=send.dtype)
    _check_same_call(g, _describe("ALLTOALL", []))

    def finish() -> None:
        start = 0
        for out in outs:
            np.copyto(out._data, received[start: start + out.numel()].reshape(out._data.shape))
            out._version_counter.value += 1
            start += out.numel()

    counts = [t.numel() for t in ins], [t.numel() for t in outs]
    return _execute(
        g, "all_to_all", lambda start: g.transport.all_to_all(send, counts[0], received, counts[1], start), finish,
        async_op, outs,
    )  # fmt: skip
