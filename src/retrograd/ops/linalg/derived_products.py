"""Products composed of the matrix product and broadcasting: outer, inner, tensordot, kron and
the deprecated chain_matmul. Their gradients are those of the ops they are written with.
"""

from __future__ import annotations

import math
from typing import Any

from ..._user_frames import warn_once
from ...tensor import Tensor
from ..autocast_policy import active as autocasting
from ..autocast_policy import suspended
from ..kernels.arg_types import check_elements, check_tensors
from ..kernels.operands import wrap_dim
from ..kernels.out_arg import TENSORDOT, same, write_out
from ..shape.views import unsafe_view
from .products import mm

__all__ = ["outer", "ger", "inner", "tensordot", "kron", "chain_matmul", "dsmm"]


def outer(input: Tensor, vec2: Tensor, *, out: Any = None) -> Tensor:
    """Outer product of two vectors: (n,) x (m,) -> (n, m).

    Args:
        input (Tensor): a 1-D tensor of n elements.
        vec2 (Tensor): a 1-D tensor of m elements; dtypes promote.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: the (n, m) matrix `input[i] * vec2[j]`.

    Examples:
        >>> retrograd.outer(retrograd.tensor([1, 2]), retrograd.tensor([1, 10, 100]))
        tensor([[  1,  10, 100],
                [  2,  20, 200]])
    """
    if out is not None:
        return write_out(out, outer, locals())
    try:
        for t, name in ((input, "self"), (vec2, "vec2")):
            if t._data.ndim != 1:
                raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {t._data.ndim}-D")
    except (AttributeError, RuntimeError):  # the parser's TypeError first for a non-tensor (free until then)
        check_tensors("outer", input=input, vec2=vec2)
        raise
    return input.reshape(-1, 1) * vec2


ger = outer
# PyTorch's old name for a (sparse or dense) matrix times a dense one: `mm` itself (GPyTorch's
# grid interpolation multiplies its sparse interpolation matrix with it)
dsmm = mm


def tensordot(a: Tensor, b: Tensor, dims: Any = 2, out: Any = None) -> Tensor:
    """Contract the last `dims` dims of `a` with the first of `b` (or the listed dim pairs).

    Args:
        a (Tensor): the left operand.
        b (Tensor): the right operand, same dtype.
        dims (int or pair of sequences): how many trailing dims of `a` meet as many leading dims
            of `b` (default 2), or `([dims of a], [dims of b])` to contract pairwise.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: `a`'s free dims followed by `b`'s.

    Examples:
        >>> a = retrograd.arange(6.0).reshape(2, 3)
        >>> b = retrograd.arange(12.0).reshape(3, 4)
        >>> retrograd.tensordot(a, b, dims=1)
        tensor([[20., 23., 26., 29.],
                [56., 68., 80., 92.]])
        >>> retrograd.tensordot(a, a, dims=([0, 1], [0, 1]))
        tensor(55.)
    """
    if out is not None:
        return write_out(out, tensordot, locals(), TENSORDOT, grad="copy")
    ca, cb = _tensordot_dims(a, b, dims)
    sa, sb = a._data.shape, b._data.shape
    for x, y in zip(ca, cb):
        if sa[x] == sb[y]:
            continue
        # PyTorch broadcasts a contracted dim of size 1: the other side's dim is summed out first
        if sa[x] == 1:
            b = b.sum(y, keepdim=True)
        elif sb[y] == 1:
            a = a.sum(x, keepdim=True)
        else:
            raise RuntimeError(
                f"contracted dimensions need to match, but first has size {sa[x]} in dim {x} and "
                f"second has size {sb[y]} in dim {y}"
            )
    sa, sb = a._data.shape, b._data.shape
    if a._data.dtype != b._data.dtype:
        raise RuntimeError("both inputs should have same dtype")
    ca_w = [wrap_dim(d, len(sa)) for d in ca]
    cb_w = [wrap_dim(d, len(sb)) for d in cb]
    free_a = [d for d in range(len(sa)) if d not in ca_w]
    free_b = [d for d in range(len(sb)) if d not in cb_w]
    k = math.prod(sa[d] for d in ca_w)
    left = _permuted(a, free_a + ca_w).reshape(math.prod(sa[d] for d in free_a), k)
    right = _permuted(b, cb_w + free_b).reshape(k, math.prod(sb[d] for d in free_b))
    if autocasting[0] and not free_a and not free_b and len(sa) == len(sb) == 1:
        with suspended():  # PyTorch's vector-vector tensordot is no matrix product: autocast leaves it
            return mm(left, right).reshape([])
    return mm(left, right).reshape([sa[d] for d in free_a] + [sb[d] for d in free_b])


def _tensordot_dims(a: Tensor, b: Tensor, dims: Any) -> tuple[list[int], list[int]]:
    if isinstance(dims, Tensor):  # (PyTorch's Python-level check: an AssertionError)
        if dims._data.size > 1 and dims._data.shape[0] != 2:
            raise AssertionError(f"dims tensor must have size 2 in first dimension, got {dims._data.shape[0]}")
        dims = dims.tolist() if dims._data.size > 1 else int(dims.item())
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        if dims > a._data.ndim or dims > b._data.ndim:
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={dims}")
        return list(range(-dims, 0)), list(range(dims))
    da, db = dims
    da = [da] if isinstance(da, int) else list(da)
    db = [db] if isinstance(db, int) else list(db)
    if len(da) != len(db):
        raise RuntimeError("both dimension lists should have same length")
    return da, db


def _permuted(t: Tensor, order: list[int]) -> Tensor:
    return t if order == list(range(len(order))) else t.permute(order)


def inner(input: Tensor, other: Tensor, *, out: Any = None) -> Tensor:
    """Sum of products over the last dim of both: (..., n) x (..., n) -> (*a_batch, *b_batch).

    Args:
        input (Tensor): a tensor whose last dim has size n (a 0-d tensor scales `other`).
        other (Tensor): a tensor whose last dim has size n.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: `input`'s other dims followed by `other`'s.

    Examples:
        >>> retrograd.inner(retrograd.tensor([1, 2, 3]), retrograd.tensor([1, 0, 1]))
        tensor(4)
        >>> retrograd.inner(retrograd.tensor([[1.0, 2.0], [3.0, 4.0]]), retrograd.tensor([1.0, 1.0]))
        tensor([3., 7.])
    """
    check_tensors("inner", input=input, other=other)
    if out is not None:
        return write_out(out, inner, locals(), TENSORDOT, grad="copy")
    if input._data.ndim == 0 or other._data.ndim == 0:
        return input * other
    sa, sb = input._data.shape, other._data.shape
    if sa[-1] != sb[-1]:
        raise RuntimeError(
            f"inner() the last dimension must match on both input tensors but got shapes {list(sa)} and {list(sb)}"
        )
    return tensordot(input, other, dims=([-1], [-1]))


def kron(input: Tensor, other: Tensor, *, out: Any = None) -> Tensor:
    """Kronecker product: block (i, j) is `input[i, j] * other`, for any number of dims.

    Args:
        input (Tensor): the tensor giving the block factors.
        other (Tensor): the block; the fewer-dim operand gets leading dims of size 1.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: shape `input.shape[k] * other.shape[k]` in each dim k.

    Examples:
        >>> retrograd.kron(retrograd.tensor([[1, 2], [3, 4]]), retrograd.tensor([[1, 1]]))
        tensor([[1, 1, 2, 2],
                [3, 3, 4, 4]])
    """
    check_tensors("kron", input=input, other=other)
    if out is not None:
        return write_out(out, kron, locals())
    n = max(input._data.ndim, other._data.ndim)
    sa = (1,) * (n - input._data.ndim) + input._data.shape
    sb = (1,) * (n - other._data.ndim) + other._data.shape
    # interleave the dims, (a0, 1, a1, 1, ...) * (1, b0, 1, b1, ...), then merge each pair
    a = input.reshape([s for d in sa for s in (d, 1)])
    b = other.reshape([s for d in sb for s in (1, d)])
    return unsafe_view(a * b, shape=tuple(x * y for x, y in zip(sa, sb)))


def chain_matmul(*matrices: Tensor, out: Any = None) -> Tensor:
    """Deprecated spelling of `linalg.multi_dot(matrices)`.

    Args:
        *matrices (Tensor): 2-D tensors whose shapes chain: (a, b), (b, c), ...
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: the product of all the matrices, multiplied in the cheapest order.

    Examples:
        >>> a, b, c = retrograd.ones(2, 3), retrograd.ones(3, 4), retrograd.ones(4, 1)
        >>> retrograd.chain_matmul(a, b, c)
        tensor([[12.],
                [12.]])
    """
    if out is not None:
        return write_out(
            out, chain_matmul, locals(), same("multi_dot(): expected out tensor to have dtype {src_c} but got {dst_c}")
        )
    check_elements(matrices)
    if not matrices:
        raise RuntimeError("chain_matmul(): Expected one or more matrices")
    for t in matrices:
        if t._data.ndim != 2:
            raise RuntimeError(f"Tensor dimension is {t._data.ndim}, expected 2 instead.")
    warn_once(  # once per process, as PyTorch's TORCH_WARN_ONCE
        "chain_matmul: deprecated",
        "torch.chain_matmul is deprecated and will be removed in a future PyTorch release. Use "
        "torch.linalg.multi_dot instead, which accepts a list of two or more tensors rather than "
        "multiple parameters.",
    )
    if len(matrices) == 1:
        return matrices[0].clone()
    from .composite import multi_dot  # here: composite pulls in the factorizations, which matmul does not need

    return multi_dot(list(matrices))
