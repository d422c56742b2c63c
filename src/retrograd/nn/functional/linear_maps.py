"""torch.nn.functional's linear maps: linear and bilinear.

`linear` is one matrix product plus the bias, on PyTorch's paths (which name the graph's nodes):
an `addmm` for a 2-D input with a bias, or for a contiguous input flattened to rows when the bias is a
row; otherwise `matmul` and an add.
"""

from __future__ import annotations

from ...engine.vmap_hook import any_batched
from ...ops import autocast_policy as _autocast
from ...ops.autocast_policy import active as _autocasting
from ...ops.autocast_policy import lower_precision as _lower_precision
from ...ops.kernels.arg_types import check_tensors
from ...ops.linalg import addmm, matmul
from ...tensor import Tensor

__all__ = ["linear", "bilinear"]


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """`input @ weight.T + bias`: `(*, in)` x (out, in) -> `(*, out)`, one matrix product.

    Args:
        input (Tensor): `(*, in_features)`.
        weight (Tensor): (out_features, in_features), or (in_features,) for a single output.
        bias (Tensor, optional): (out_features,) or broadcastable to the result.

    Returns:
        Tensor: `(*, out_features)`.

    Examples:
        >>> x = retrograd.tensor([[1.0, 2.0]])
        >>> w = retrograd.tensor([[1.0, 0.0], [1.0, 1.0], [0.0, -1.0]])
        >>> F.linear(x, w, retrograd.tensor([0.0, 0.0, 10.0]))
        tensor([[1., 3., 8.]])
    """
    if _autocasting[0]:  # cast the parameters themselves, so autocast's cache can reuse their copies
        input, weight, bias = _lower_precision(input, weight, bias)
    if not (isinstance(input, Tensor) and isinstance(weight, Tensor)) or not isinstance(bias, (Tensor, type(None))):
        check_tensors("linear", input=input, weight=weight, **({} if bias is None else {"bias": bias}))
    nd = input.dim()
    if nd == 0 or weight.dim() == 0:
        raise RuntimeError(f"both arguments to linear need to be at least 1D, but they are {nd}D and {weight.dim()}D")
    if bias is not None:
        if nd == 2:
            return addmm(bias, input, weight.t())
        # (under vmap PyTorch's decomposition takes the matmul-and-add path for a 1-D example)
        if input.is_contiguous() and _row_bias(bias) and not (nd == 1 and any_batched(input, weight, bias)):
            return _flattened_linear(input, weight, bias)
    out = matmul(input, weight.t())
    if bias is None:
        return out
    biased = out + bias
    if biased.shape != out.shape:  # PyTorch adds the bias in place: it may not grow the result
        raise RuntimeError(
            f"output with shape {list(out.shape)} doesn't match the broadcast shape {list(biased.shape)}"
        )
    return biased


def _row_bias(bias: Tensor) -> bool:
    """Whether PyTorch folds the bias into one addmm: a row, possibly with leading dims of 1."""
    return bias.dim() >= 1 and bias.numel() == bias.shape[-1]


def _flattened_linear(input: Tensor, weight: Tensor, bias: Tensor) -> Tensor:
    """PyTorch's path for a contiguous input with a row bias: `(*, in)` flattened to rows, one
    addmm, the result viewed back to `(*, out)` (a 1-D input is one row)."""
    rows = 1
    for size in input.shape[:-1]:  # not -1 in reshape: it cannot resolve a zero-size dim
        rows *= size
    out = addmm(bias, input.reshape(rows, input.shape[-1]), weight.t())
    return out.view(tuple(input.shape[:-1]) + (out.shape[1],))


def bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """`y_k = x1ᵀ W_k x2 + b_k`: (*, in1), (*, in2), (out, in1, in2) -> (*, out).

    Args:
        input1 (Tensor): (*, in1).
        input2 (Tensor): (*, in2), the same leading dims.
        weight (Tensor): (out, in1, in2).
        bias (Tensor, optional): (out,).

    Returns:
        Tensor: (*, out).

    Examples:
        >>> x1, x2 = retrograd.tensor([[1.0, 2.0]]), retrograd.tensor([[3.0, 4.0, 5.0]])
        >>> F.bilinear(x1, x2, retrograd.ones(1, 2, 3), retrograd.tensor([0.5]))
        tensor([[36.5000]])
        >>> F.bilinear(retrograd.ones(4, 2), retrograd.ones(4, 3), retrograd.ones(6, 2, 3)).shape
        retrograd.Size([4, 6])
    """
    if _autocasting[0] and _autocast.enabled():  # PyTorch's bilinear is native: its products stay in the input dtype
        with _autocast.suspended():
            return bilinear(input1, input2, weight, bias)
    w = weight.shape
    if input1.shape[:-1] != input2.shape[:-1]:
        raise RuntimeError(
            f"bilinear(): input batch dimensions do not match: got {list(input1.shape[:-1])} and "
            f"{list(input2.shape[:-1])}"
        )
    for i, x in ((1, input1), (2, input2)):
        if x.shape[-1] != w[i]:
            raise RuntimeError(
                f"bilinear(): input{i} size does not match weight size: got {x.shape[-1]} but expected {w[i]}"
            )
    # (B, in1) @ (in1, out·in2) then contract with x2: two products, no (B, out, in1, in2) temporary
    x1 = input1.reshape(-1, w[1])
    x2 = input2.reshape(-1, 1, w[2])
    t = (x1 @ weight.permute(1, 0, 2).reshape(w[1], w[0] * w[2])).reshape(-1, w[0], w[2])
    out = (t * x2).sum(-1).reshape(input1.shape[:-1] + (w[0],))
    # the bias last, as PyTorch adds it after viewing back (the result's grad_fn is AddBackward0)
    return out if bias is None else out + bias
