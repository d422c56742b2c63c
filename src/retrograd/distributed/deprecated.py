"""The collectives PyTorch 2.13 deprecates in favour of `*_single`: they warn, as PyTorch does, and run those."""

from __future__ import annotations

import warnings

from ..tensor import Tensor
from .collectives import Work, all_gather_single, reduce_scatter_single
from .process_group import ProcessGroup
from .reduce_op import RedOpType, ReduceOp


def all_gather_into_tensor(
    output_tensor: Tensor, input_tensor: Tensor, group: ProcessGroup | None = None, async_op: bool = False
) -> Work | None:
    """Deprecated (FutureWarning): `all_gather_single`."""
    warnings.warn(
        "`torch.distributed.all_gather_into_tensor` is deprecated. Please use `torch.distributed.all_gather_single` "
        "instead.", FutureWarning, stacklevel=2,
    )  # fmt: skip
    return all_gather_single(output_tensor, input_tensor, group, async_op)


def reduce_scatter_tensor(
    output: Tensor, input: Tensor, op: RedOpType = ReduceOp.SUM, group: ProcessGroup | None = None,
    async_op: bool = False,
) -> Work | None:  # fmt: skip
    """Deprecated (FutureWarning): `reduce_scatter_single`."""
    warnings.warn(
        "`torch.distributed.reduce_scatter_tensor` is deprecated. Please use `torch.distributed.reduce_scatter_single` "
        "instead.", FutureWarning, stacklevel=2,
    )  # fmt: skip
    return reduce_scatter_single(output, input, op, group, async_op)
