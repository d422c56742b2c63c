"""`torch._utils`: the flatten/unflatten helpers that fp16 and bucketing code imports from it.

fastai's `fp16_utils` (and apex-style master-weight code) flatten a model's parameters into one
buffer with `_flatten_dense_tensors` and give each parameter its slice back with
`_unflatten_dense_tensors`; bucketed all-reduce (mmengine's `dist`) groups them with
`_take_tensors`. The `_rebuild_*` names are those a PyTorch pickle names for its
tensors and parameters: `torch.load` answers them itself (`_torch_pickle`), and plain `pickle`
finds them here, so a tensor, or a skorch net, pickled with PyTorch unpickles under the alias.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from ._torch_pickle import _rebuild_parameter, _rebuild_tensor, _rebuild_tensor_v2, _rebuild_tensor_v3
from .ops.shape import cat
from .tensor import Tensor

__all__ = [
    "_flatten_dense_tensors", "_rebuild_parameter", "_rebuild_parameter_with_state", "_rebuild_tensor",
    "_rebuild_tensor_v2", "_rebuild_tensor_v3", "_take_tensors", "_unflatten_dense_tensors",
]  # fmt: skip

_rebuild_parameter_with_state = _rebuild_parameter  # a parameter with Python attributes (refused, as by load)


def _flatten_dense_tensors(tensors: Sequence[Tensor]) -> Tensor:
    """The tensors' elements in order in one 1-D tensor (`cat` of each one flattened).

    One tensor gives a view of it (its contiguous form), as in PyTorch; several give a new
    tensor of their promoted dtype. An empty sequence raises cat's ValueError.

    Examples:
        >>> _flatten_dense_tensors([retrograd.ones(2, 2), retrograd.zeros(1)])
        tensor([1., 1., 1., 1., 0.])
    """
    if len(tensors) == 1:
        return tensors[0].contiguous().view(-1)
    return cat([t.contiguous().view(-1) for t in tensors])


def _unflatten_dense_tensors(flat: Tensor, tensors: Sequence[Tensor]) -> tuple[Tensor, ...]:
    """Views of consecutive slices of the 1-D `flat`, shaped like each of `tensors` in turn.

    The inverse of `_flatten_dense_tensors`: the results share `flat`'s memory.

    Examples:
        >>> _unflatten_dense_tensors(retrograd.arange(5.0), [retrograd.ones(2, 2), retrograd.ones(1)])
        (tensor([[0., 1.],
                [2., 3.]]), tensor([4.]))
    """
    views = []
    offset = 0
    for t in tensors:
        n = t.numel()
        views.append(flat.narrow(0, offset, n).view_as(t))
        offset += n
    return tuple(views)


def _take_tensors(tensors: Iterable[Tensor], size_limit: int) -> Iterator[list[Tensor]]:
    """Chunks of `tensors` of one type (`t.type()`) each, up to `size_limit` bytes in total.

    A chunk is yielded when the next tensor of its type would take it past the limit (a
    chunk always holds at least one tensor); what is left is yielded at the end, per type in
    the order each type first appeared. Within a type the tensors keep their order.

    Examples:
        >>> [len(c) for c in _take_tensors([retrograd.ones(2), retrograd.ones(2), retrograd.ones(3)], 16)]
        [2, 1]
    """
    buffers: dict[str, tuple[list[Tensor], int]] = {}
    for t in tensors:
        kind, size = t.type(), t.numel() * t.element_size()
        chunk, total = buffers.get(kind, ([], 0))
        if total + size > size_limit and total > 0:
            yield chunk
            chunk, total = [], 0
        chunk.append(t)
        buffers[kind] = (chunk, total + size)
    for chunk, _ in buffers.values():
        if chunk:
            yield chunk
