"""torch.nn.functional's sparse functions: embedding and one_hot.

The arguments are checked here; the lookup and its derivative are the
embedding primitives of `retrograd/ops/embeddings.py`, whose derivatives of
any order are each other.
"""

from __future__ import annotations

from ...dtypes import int64
from ...engine.vmap_hook import NOT_BATCHED, batched
from ...engine.vmap_hook import hook as _vmap
from ...ops import embeddings
from ...ops.kernels.arg_types import check_tensors
from ...ops.ranges import arange
from ...tensor import Tensor

__all__ = ["embedding", "one_hot"]


def _check_embedding(input: Tensor, weight: Tensor, padding_idx: int | None) -> int | None:
    if input.dtype.name not in ("int64", "int32"):
        raise RuntimeError(
            "Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; "
            f"but got torch.{input.dtype.legacy_name} instead (while checking arguments for embedding)"
        )
    if weight.dim() != 2:
        raise RuntimeError("'weight' must be 2-D")
    n = weight.shape[0]
    if padding_idx is not None:
        if padding_idx > 0 and padding_idx >= n:
            raise AssertionError("Padding_idx must be within num_embeddings")
        if padding_idx < 0:
            if padding_idx < -n:
                raise AssertionError("Padding_idx must be within num_embeddings")
            padding_idx = n + padding_idx
    return padding_idx


def embedding(
    input: Tensor,
    weight: Tensor,
    padding_idx: int | None = None,
    max_norm: float | None = None,
    norm_type: float = 2.0,
    scale_grad_by_freq: bool = False,
    sparse: bool = False,
) -> Tensor:
    """Rows of `weight` (V, D) picked by integer `input` (*) -> (*, D).

    The padding_idx row gets no gradient; `scale_grad_by_freq` divides each row's
    gradient by how often it occurs in `input`; `max_norm` first rescales (in place)
    the rows used to norm at most `max_norm`. With `sparse`, the weight's gradient is a sparse COO
    tensor with one entry per looked-up position (as PyTorch's; `optim.SGD`, `SparseAdam` and
    `Adagrad` take such gradients).

    Args:
        input (Tensor): integer indices, any shape (*).
        weight (Tensor): the table, (V, D).
        padding_idx (int, optional): a row whose gradient is always zero.
        max_norm (float, optional): renormalise, in place, the picked rows whose norm exceeds it.
        norm_type (float): the p of that norm (default 2).
        scale_grad_by_freq (bool): divide the gradients by the indices' counts in the batch (default False).
        sparse (bool): give the weight a sparse COO gradient (default False).

    Returns:
        Tensor: (*, D).

    Examples:
        >>> table = retrograd.arange(6.0).reshape(3, 2)
        >>> F.embedding(retrograd.tensor([[2, 0]]), table)
        tensor([[[4., 5.],
                 [0., 1.]]])
    """
    options = (padding_idx, max_norm, norm_type, scale_grad_by_freq, sparse)
    if _vmap.active and (r := batched("embedding", embedding, input, weight, *options)) is not NOT_BATCHED:
        return r
    check_tensors("embedding", weight=weight, indices=input)  # PyTorch's own argument order
    padding_idx = _check_embedding(input, weight, padding_idx)
    return embeddings.embedding(weight, input, padding_idx, max_norm, norm_type, scale_grad_by_freq, sparse)


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """int64 (*, num_classes) with a 1 at each value of the int64 `tensor` (*).

    Args:
        tensor (Tensor): int64 class values, any shape (*).
        num_classes (int): the number of classes; -1 (default) uses max + 1.

    Returns:
        Tensor: int64 (*, num_classes).

    Examples:
        >>> F.one_hot(retrograd.tensor([0, 2, 1]))
        tensor([[1, 0, 0],
                [0, 0, 1],
                [0, 1, 0]])
        >>> F.one_hot(retrograd.tensor([1]), num_classes=4)
        tensor([[0, 1, 0, 0]])
    """
    if _vmap.active and (r := batched("one_hot", one_hot, tensor, num_classes)) is not NOT_BATCHED:
        return r
    if tensor.dtype != int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if num_classes == -1:
        if tensor.numel() == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(tensor.max()) + 1
    if tensor.numel():
        if int(tensor.min()) < 0:
            raise RuntimeError("Class values must be non-negative.")
        if int(tensor.max()) >= num_classes:
            raise RuntimeError("Class values must be smaller than num_classes.")
    return (tensor.detach().unsqueeze(-1) == arange(num_classes)).to(int64)
