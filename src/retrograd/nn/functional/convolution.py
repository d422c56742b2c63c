"""torch.nn.functional's convolutions: conv1d/2d/3d, conv_transpose1d/2d/3d, unfold and fold.

Each function checks and normalises PyTorch's arguments (ints or tuples,
padding='same', unbatched inputs, ...) and calls a primitive of
`retrograd/ops/conv.py`, where the kernels and derivative rules live.
"""

from __future__ import annotations

from typing import Any

from ...ops.autocast_policy import active as _autocasting
from ...ops.autocast_policy import lower_precision as _lower_precision
from ...ops.fused import conv as _conv
from ...ops.fused import resample as rs
from ...tensor import Tensor

__all__ = [
    "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "unfold", "fold",
]


def _input_dims(name: str, nd: int, x: Tensor) -> bool:
    """Check ([N,] C, *S) and say whether the batch dim is missing."""
    if x.dim() not in (nd + 1, nd + 2):
        raise RuntimeError(
            f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to {name}, but got input of size: "
            f"{list(x.shape)}"
        )
    return x.dim() == nd + 1


def _conv_nd(name: str, nd: int, x: Tensor, w: Tensor, b: Any, stride: Any, padding: Any, dilation: Any,
             groups: int) -> Tensor:
    if _autocasting[0]:
        x, w, b = _lower_precision(x, w, b)
    unbatched = _input_dims(name, nd, x)
    if unbatched:
        x = x.unsqueeze(0)
    stride = _conv.expand_param(stride, nd, "stride")
    dilation = _conv.expand_param(dilation, nd, "dilation")
    if isinstance(padding, str):
        if padding == "valid":
            pads = ((0, 0),) * nd
        elif padding == "same":
            if any(s != 1 for s in stride):
                raise RuntimeError("padding='same' is not supported for strided convolutions")
            pads = _conv.same_padding(tuple(w.shape[2:]) if w.dim() == nd + 2 else (1,) * nd, dilation)
        else:
            raise RuntimeError(f"Invalid padding string: '{padding}'")
    else:
        pads = tuple((p, p) for p in _conv.expand_param(padding, nd, "padding"))
    _conv.check_conv_args(x, w, b, stride, pads, dilation, groups, False)
    if any(lo != hi for lo, hi in pads):  # as PyTorch: pad the odd element explicitly, then go symmetric
        extra = tuple((0, 0) for _ in range(2)) + tuple((0, hi - lo) for lo, hi in pads)
        x = rs.constant_pad(x, extra, 0)
        pads = tuple((lo, lo) for lo, _ in pads)
    y = _conv.conv(x, w, b, stride, pads, dilation, groups)
    return y.squeeze(0) if unbatched else y


def conv1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1, padding: Any = 0,
           dilation: Any = 1, groups: int = 1) -> Tensor:
    """1-D cross-correlation: ([N,] C, L) with weight (O, C/groups, k) -> ([N,] O, L_out).

    Args:
        input (Tensor): (N, C, L) or unbatched (C, L).
        weight (Tensor): the filters, (O, C/groups, k).
        bias (Tensor, optional): (O,), added to each output channel.
        stride (int or tuple): the step between kernel positions (default 1).
        padding (int or tuple or str): zeros added on each side, or `'same'` / `'valid'` (default 0).
        dilation (int or tuple): the spacing between kernel elements (default 1).
        groups (int): split the channels into this many independent groups (default 1).

    Returns:
        Tensor: (N, O, *out) or (O, *out) for unbatched input, `out = (in + 2·padding - dilation·(k - 1) - 1) //
            stride + 1`.

    Examples:
        >>> x = retrograd.arange(5.0).reshape(1, 1, 5)
        >>> F.conv1d(x, retrograd.tensor([[[1.0, 0.0, -1.0]]]))
        tensor([[[-2., -2., -2.]]])
        >>> F.conv1d(x, retrograd.ones(2, 1, 3), padding=1, stride=2)
        tensor([[[1., 6., 7.],
                 [1., 6., 7.]]])
    """
    return _conv_nd("conv1d", 1, input, weight, bias, stride, padding, dilation, groups)


def conv2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1, padding: Any = 0,
           dilation: Any = 1, groups: int = 1) -> Tensor:
    """2-D cross-correlation: ([N,] C, H, W) with weight (O, C/groups, kH, kW) -> ([N,] O, H_out, W_out).

    `H_out = (H + 2·padding - dilation·(kH - 1) - 1) // stride + 1`, and the same for W.

    Args:
        input (Tensor): (N, C, H, W) or unbatched (C, H, W).
        weight (Tensor): the filters, (O, C/groups, kH, kW).
        bias (Tensor, optional): (O,), added to each output channel.
        stride (int or tuple): the step between kernel positions (default 1).
        padding (int or tuple or str): zeros added on each side, or `'same'` / `'valid'` (default 0).
        dilation (int or tuple): the spacing between kernel elements (default 1).
        groups (int): split the channels into this many independent groups (default 1).

    Returns:
        Tensor: (N, O, H_out, W_out), or (O, H_out, W_out) for unbatched input.

    Examples:
        >>> x = retrograd.arange(16.0).reshape(1, 1, 4, 4)
        >>> F.conv2d(x, retrograd.ones(1, 1, 2, 2), stride=2)
        tensor([[[[10., 18.],
                  [42., 50.]]]])
        >>> F.conv2d(x, retrograd.ones(2, 1, 3, 3), padding="same").shape
        retrograd.Size([1, 2, 4, 4])
    """
    return _conv_nd("conv2d", 2, input, weight, bias, stride, padding, dilation, groups)


def conv3d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1, padding: Any = 0,
           dilation: Any = 1, groups: int = 1) -> Tensor:
    """3-D cross-correlation: ([N,] C, D, H, W) with weight (O, C/groups, kD, kH, kW).

    Args:
        input (Tensor): (N, C, D, H, W) or unbatched (C, D, H, W).
        weight (Tensor): the filters, (O, C/groups, kD, kH, kW).
        bias (Tensor, optional): (O,), added to each output channel.
        stride (int or tuple): the step between kernel positions (default 1).
        padding (int or tuple or str): zeros added on each side, or `'same'` / `'valid'` (default 0).
        dilation (int or tuple): the spacing between kernel elements (default 1).
        groups (int): split the channels into this many independent groups (default 1).

    Returns:
        Tensor: (N, O, *out) or (O, *out) for unbatched input, `out = (in + 2·padding - dilation·(k - 1) - 1) //
            stride + 1`.

    Examples:
        >>> x = retrograd.ones(1, 2, 4, 4, 4)
        >>> F.conv3d(x, retrograd.ones(3, 2, 2, 2, 2)).shape
        retrograd.Size([1, 3, 3, 3, 3])
        >>> F.conv3d(x, retrograd.ones(3, 2, 3, 3, 3), padding='same')[0, 0, 0]
        tensor([[16., 24., 24., 16.],
                [24., 36., 36., 24.],
                [24., 36., 36., 24.],
                [16., 24., 24., 16.]])
    """
    return _conv_nd("conv3d", 3, input, weight, bias, stride, padding, dilation, groups)


_AXES = ("depth", "height", "width")


def _check_output_padding(out_pad: tuple, stride: tuple, dilation: tuple) -> None:
    if all(p < s or p < d for p, s, d in zip(out_pad, stride, dilation)):
        return
    lists = [out_pad, stride, dilation]
    if len(out_pad) == 1:  # PyTorch runs 1-D through its 2-D kernel
        lists = [(0, *out_pad), (1, *stride), (1, *dilation)]
    names = _AXES[-len(lists[0]):]
    parts = [f"{what}_{axis}: {v}" for what, vals in zip(("output_padding", "stride", "dilation"), lists)
             for axis, v in zip(names, vals)]
    raise RuntimeError("output padding must be smaller than either stride or dilation, but got " + " ".join(parts))


def _conv_transpose_nd(name: str, nd: int, x: Tensor, w: Tensor, b: Any, stride: Any, padding: Any,
                       output_padding: Any, groups: int, dilation: Any) -> Tensor:
    if _autocasting[0]:
        x, w, b = _lower_precision(x, w, b)
    unbatched = _input_dims(name, nd, x)
    if unbatched:
        x = x.unsqueeze(0)
    if isinstance(padding, str):
        raise TypeError(f"{name}(): argument 'padding' must be tuple of ints, not str")
    stride = _conv.expand_param(stride, nd, "stride")
    dilation = _conv.expand_param(dilation, nd, "dilation")
    pad = _conv.expand_param(padding, nd, "padding")
    out_pad = _conv.expand_param(output_padding, nd, "output_padding")
    pads = tuple((p, p) for p in pad)
    _conv.check_conv_args(x, w, b, stride, pads, dilation, groups, True)
    _check_output_padding(out_pad, stride, dilation)
    spatial = tuple(
        (n - 1) * s - 2 * p + d * (k - 1) + op + 1
        for n, s, p, d, k, op in zip(x.shape[2:], stride, pad, dilation, w.shape[2:], out_pad)
    )
    if any(n < 0 for n in spatial):
        raise RuntimeError(f"Given input size per channel: {list(x.shape[2:])}. Calculated output size per "
                           f"channel: {list(spatial)}. Output size is too small")
    y = _conv.conv_transpose(x, w, b, stride, pads, dilation, groups, spatial)
    return y.squeeze(0) if unbatched else y


def conv_transpose1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1, padding: Any = 0,
                     output_padding: Any = 0, groups: int = 1, dilation: Any = 1) -> Tensor:
    """1-D transposed convolution: ([N,] C, L) with weight (C, O/groups, k) -> ([N,] O, L_out).

    Args:
        input (Tensor): (N, C, L) or unbatched (C, L).
        weight (Tensor): the filters, (C, O/groups, k).
        bias (Tensor, optional): (O,), added to each output channel.
        stride (int or tuple): the step between kernel positions (default 1).
        padding (int or tuple): `dilation·(k - 1) - padding` zeros pad each side of the input (default 0).
        output_padding (int or tuple): extra size added on one side of the output (default 0).
        groups (int): split the channels into this many independent groups (default 1).
        dilation (int or tuple): the spacing between kernel elements (default 1).

    Returns:
        Tensor: (N, O, *out) or (O, *out), `out = (in - 1)·stride - 2·padding + dilation·(k - 1) + output_padding + 1`.

    Examples:
        >>> x = retrograd.tensor([[[1.0, 2.0, 3.0]]])
        >>> F.conv_transpose1d(x, retrograd.ones(1, 1, 2))
        tensor([[[1., 3., 5., 3.]]])
        >>> F.conv_transpose1d(x, retrograd.ones(1, 1, 2), stride=2)
        tensor([[[1., 1., 2., 2., 3., 3.]]])
    """
    return _conv_transpose_nd("conv_transpose1d", 1, input, weight, bias, stride, padding, output_padding, groups,
                              dilation)


def conv_transpose2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1, padding: Any = 0,
                     output_padding: Any = 0, groups: int = 1, dilation: Any = 1) -> Tensor:
    """2-D transposed convolution: ([N,] C, H, W) with weight (C, O/groups, kH, kW) -> ([N,] O, H_out, W_out).

    Args:
        input (Tensor): (N, C, H, W) or unbatched (C, H, W).
        weight (Tensor): the filters, (C, O/groups, kH, kW).
        bias (Tensor, optional): (O,), added to each output channel.
        stride (int or tuple): the step between kernel positions (default 1).
        padding (int or tuple): `dilation·(k - 1) - padding` zeros pad each side of the input (default 0).
        output_padding (int or tuple): extra size added on one side of the output (default 0).
        groups (int): split the channels into this many independent groups (default 1).
        dilation (int or tuple): the spacing between kernel elements (default 1).

    Returns:
        Tensor: (N, O, *out) or (O, *out), `out = (in - 1)·stride - 2·padding + dilation·(k - 1) + output_padding + 1`.

    Examples:
        >>> x = retrograd.ones(1, 2, 3, 3)
        >>> F.conv_transpose2d(x, retrograd.ones(2, 4, 3, 3), stride=2, padding=1).shape
        retrograd.Size([1, 4, 5, 5])
        >>> F.conv_transpose2d(x, retrograd.ones(2, 4, 3, 3), stride=2, padding=1, output_padding=1).shape
        retrograd.Size([1, 4, 6, 6])
    """
    return _conv_transpose_nd("conv_transpose2d", 2, input, weight, bias, stride, padding, output_padding, groups,
                              dilation)


def conv_transpose3d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1, padding: Any = 0,
                     output_padding: Any = 0, groups: int = 1, dilation: Any = 1) -> Tensor:
    """3-D transposed convolution: ([N,] C, D, H, W) with weight (C, O/groups, kD, kH, kW).

    Args:
        input (Tensor): (N, C, D, H, W) or unbatched (C, D, H, W).
        weight (Tensor): the filters, (C, O/groups, kD, kH, kW).
        bias (Tensor, optional): (O,), added to each output channel.
        stride (int or tuple): the step between kernel positions (default 1).
        padding (int or tuple): `dilation·(k - 1) - padding` zeros pad each side of the input (default 0).
        output_padding (int or tuple): extra size added on one side of the output (default 0).
        groups (int): split the channels into this many independent groups (default 1).
        dilation (int or tuple): the spacing between kernel elements (default 1).

    Returns:
        Tensor: (N, O, *out) or (O, *out), `out = (in - 1)·stride - 2·padding + dilation·(k - 1) + output_padding + 1`.

    Examples:
        >>> x = retrograd.ones(1, 2, 3, 3, 3)
        >>> F.conv_transpose3d(x, retrograd.ones(2, 4, 3, 3, 3), stride=2, padding=1).shape
        retrograd.Size([1, 4, 5, 5, 5])
        >>> F.conv_transpose3d(x, retrograd.ones(2, 4, 3, 3, 3), stride=2, padding=1, output_padding=1).shape
        retrograd.Size([1, 4, 6, 6, 6])
    """
    return _conv_transpose_nd("conv_transpose3d", 3, input, weight, bias, stride, padding, output_padding, groups,
                              dilation)


# --- unfold / fold ---------------------------------------------------------------------------------


def _pair(value: Any, name: str) -> tuple[int, int]:
    vals = (int(value),) * 2 if isinstance(value, int) else tuple(int(v) for v in value)
    if len(vals) != 2:
        raise RuntimeError(f"It is expected {name} equals to 2, but got size {len(vals)}")
    return vals  # type: ignore[return-value]


_BLOCK_CHECKS = {
    "kernel": ("kernel size should be greater than zero", "kernel", 1),
    "dilation": ("dilation should be greater than zero", "dilation", 1),
    "padding": ("padding should be non-negative", "pad", 0),
    "stride": ("stride should be greater than zero", "stride", 1),
}


def _check_block_arguments(k: tuple, d: tuple, p: tuple, s: tuple, order: tuple[str, ...]) -> None:
    """PyTorch's im2col/col2im argument checks, in the order each of them makes them."""
    values = {"kernel": k, "dilation": d, "padding": p, "stride": s}
    for name in order:
        message, label, least = _BLOCK_CHECKS[name]
        h, w = values[name]
        if h < least or w < least:
            raise RuntimeError(f"{message}, but got {label}_height: {h} {label}_width: {w}")


def unfold(input: Tensor, kernel_size: Any, dilation: Any = 1, padding: Any = 0, stride: Any = 1) -> Tensor:
    """im2col: sliding (kH, kW) blocks of ([N,] C, H, W) as columns ([N,] C*kH*kW, L).

    Args:
        input (Tensor): (N, C, H, W) or unbatched (C, H, W).
        kernel_size (int or tuple): the block size (kH, kW).
        dilation (int or tuple): the spacing between kernel elements (default 1).
        padding (int or tuple): zeros added on each side (default 0).
        stride (int or tuple): the step between kernel positions (default 1).

    Returns:
        Tensor: (N, C·kH·kW, L) or (C·kH·kW, L), one column per block position (L of them).

    Examples:
        >>> x = retrograd.arange(9.0).reshape(1, 1, 3, 3)
        >>> F.unfold(x, kernel_size=2)
        tensor([[[0., 1., 3., 4.],
                 [1., 2., 4., 5.],
                 [3., 4., 6., 7.],
                 [4., 5., 7., 8.]]])
        >>> F.unfold(retrograd.ones(2, 3, 8, 8), 3, padding=1, stride=2).shape
        retrograd.Size([2, 27, 16])
    """
    k, d, p, s = (_pair(v, n) for v, n in ((kernel_size, "kernel_size"), (dilation, "dilation"),
                                           (padding, "padding"), (stride, "stride")))
    _check_block_arguments(k, d, p, s, ("kernel", "dilation", "padding", "stride"))
    if input.dim() < 3:  # PyTorch's im2col reads size(2) before it checks the rank
        n = input.dim()
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {n})")
    if input.dim() > 4 or 0 in input.shape[-3:]:
        raise RuntimeError("Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other non-zero "
                           f"dimensions for input, but got: {list(input.shape)}")
    spatial = tuple(input.shape[-2:])
    blocks = [(n + 2 * pp - dd * (kk - 1) - 1) // ss + 1 for n, kk, dd, pp, ss in zip(spatial, k, d, p, s)]
    if any(b < 1 for b in blocks):
        raise RuntimeError(
            f"Given input with spatial size {spatial}, kernel_size={k}, dilation={d}, padding={p}, calculated "
            f"shape of the array of sliding blocks as {tuple(blocks)}, but its components must be at least one."
        )
    return _conv.unfold(input, k, s, tuple((pp, pp) for pp in p), d)


def fold(input: Tensor, output_size: Any, kernel_size: Any, dilation: Any = 1, padding: Any = 0,
         stride: Any = 1) -> Tensor:
    """col2im: sum columns ([N,] C*kH*kW, L) into ([N,] C, *output_size), overlaps added.

    Args:
        input (Tensor): columns (N, C·kH·kW, L) or unbatched (C·kH·kW, L).
        output_size (int or tuple): the spatial size (H, W) of the result.
        kernel_size (int or tuple): the block size (kH, kW).
        dilation (int or tuple): the spacing between kernel elements (default 1).
        padding (int or tuple): the padding `unfold` used (default 0).
        stride (int or tuple): the step between kernel positions (default 1).

    Returns:
        Tensor: (N, C, H, W) or (C, H, W), overlapping values summed.

    Examples:
        >>> cols = F.unfold(retrograd.ones(1, 1, 3, 3), kernel_size=2)
        >>> F.fold(cols, output_size=3, kernel_size=2)
        tensor([[[[1., 2., 1.],
                  [2., 4., 2.],
                  [1., 2., 1.]]]])
    """
    if input.dim() not in (2, 3) or 0 in input.shape[-2:]:
        raise RuntimeError(
            "Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and non-zero dimensions "
            f"for input, but got: {list(input.shape)}"
        )
    o, k, d, p, s = (_pair(v, n) for v, n in ((output_size, "output_size"), (kernel_size, "kernel_size"),
                                              (dilation, "dilation"), (padding, "padding"), (stride, "stride")))
    _check_block_arguments(k, d, p, s, ("kernel", "stride", "dilation", "padding"))
    if input.shape[-2] % (k[0] * k[1]):
        raise RuntimeError(
            f"Expected size of input's dimension {input.dim() - 2} to be divisible by the product of kernel_size, "
            f"but got input.size({input.dim() - 2})={input.shape[-2]} and kernel_size={k}."
        )
    blocks = [(n + 2 * pp - dd * (kk - 1) - 1) // ss + 1 for n, kk, dd, pp, ss in zip(o, k, d, p, s)]
    if blocks[0] * blocks[1] != input.shape[-1]:
        raise RuntimeError(
            f"Given output_size={o}, kernel_size={k}, dilation={d}, padding={p}, stride={s}, expected size of "
            f"input's dimension {input.dim() - 1} to match the calculated number of sliding blocks {blocks[0]} * "
            f"{blocks[1]} = {blocks[0] * blocks[1]}, but got input.size({input.dim() - 1})={input.shape[-1]}."
        )
    return _conv.fold(input, o, k, s, tuple((pp, pp) for pp in p), d)
