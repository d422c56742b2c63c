"""Convolution and its transpose as three primitives that are each other's derivatives.

A convolution y = conv(x, w) is bilinear, so all its derivatives are the same
three products (array kernels in `kernels/windows.py`):

    conv(x, w)            x (N, C, *S), w (O, C/G, *k)  -> (N, O, *out)
    conv_transpose(g, w)  g (N, O, *out), w             -> (N, C, *S)     = d<y, g>/dx
    conv_weight(x, g)     x, g                          -> (O, C/G, *k)   = d<y, g>/dw

and the derivative of each is a call of another:
    conv:            dx = conv_transpose(g, w),      dw = conv_weight(x, g)
    conv_transpose:  dg = conv(G, w),                dw = conv_weight(G, g)
    conv_weight:     dx = conv_transpose(g, G),      dg = conv(x, G)
(G is the incoming gradient), so gradients of any order need no extra code and
cost as much as the forward. `F.conv_transpose*` is the second product with a
bias. Padding is a tuple of (lo, hi) pairs; the wrappers in
`nn/functional/convolution.py` normalise PyTorch's arguments into these attributes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from ... import _threads
from ..._user_frames import warn_once
from ...backends.cpu import onednn_float16
from ...engine.grad_mode import state
from ...engine.primitive import Primitive
from ...tensor import Tensor
from ..kernels import depthwise
from ..kernels import windows as win
from ..kernels.accumulate import channel_sums
from ..kernels.conv_layout import as_operands_suggest
from ..kernels.zero_batch import empty_result

__all__: list[str] = []  # reached through retrograd.nn.functional

Ints = tuple[int, ...]


def _spatial_dims(g: Tensor) -> list[int]:
    return [0, *range(2, g.dim())]


def _bias_rule(g: Tensor) -> Tensor:
    # d/db sum_n,s y[n, o, s] = sum of g over all but the channel dim
    if type(g) is not Tensor:  # batched (vmap): the sum's own batching rule
        return g.sum(_spatial_dims(g))
    return _BIAS_SUM(g)  # recorded or not, the same kernel: compiled gradients keep eager bits


_BIAS_SUM = Primitive(
    "channel_sums",
    channel_sums,
    [lambda g, a_shape: g.reshape((1, -1) + (1,) * (len(a_shape) - 2)).expand(a_shape)],
    node_name="SumBackward1",
)


def _with_bias(xp: Any, y: Any, b: Any) -> Any:
    y += b.reshape((-1,) + (1,) * (y.ndim - 2))
    return y


# Depthwise convolutions (one input channel per group) run tap by tap: their column matrices
# would hold K copies of the input (`kernels/depthwise.py`).
def _forward(xp: Any, a: Any, w: Any, stride: Ints, pads: Any, dilation: Ints, groups: int, b: Any = None) -> Any:
    kernels = depthwise if depthwise.applies(w.shape, groups) else win
    return kernels.conv_forward(xp, a, w, stride, pads, dilation, groups, b)


def _input_grad(xp: Any, g: Any, w: Any, stride: Ints, pads: Any, dilation: Ints, groups: int, spatial: Ints) -> Any:
    kernels = depthwise if depthwise.applies(w.shape, groups) else win
    return kernels.conv_input_grad(xp, g, w, stride, pads, dilation, groups, spatial)


def _weight_grad(xp: Any, a: Any, g: Any, stride: Ints, pads: Any, dilation: Ints, groups: int, kernel: Ints,
                 cols: Any = None) -> Any:
    if cols is None and depthwise.applies((g.shape[1], a.shape[1] // groups), groups):
        return depthwise.conv_weight_grad(xp, a, g, stride, pads, dilation, groups, kernel)
    return win.conv_weight_grad(xp, a, g, stride, pads, dilation, groups, kernel, cols)


# The forwards return their result in the layout PyTorch's would have (channels-last when an
# operand suggests it; `kernels/conv_layout.py`).
def _conv_fwd(xp: Any, a: Any, w: Any, stride: Ints, pads: Any, dilation: Ints, groups: int) -> Any:
    return as_operands_suggest(xp, _forward(xp, a, w, stride, pads, dilation, groups), a, w)


def _conv_fwd_b(xp: Any, a: Any, w: Any, b: Any, stride: Ints, pads: Any, dilation: Ints, groups: int) -> Any:
    return as_operands_suggest(xp, _forward(xp, a, w, stride, pads, dilation, groups, b), a, w)


def _convt_fwd(xp: Any, a: Any, w: Any, stride: Ints, pads: Any, dilation: Ints, groups: int, spatial: Ints) -> Any:
    return as_operands_suggest(xp, _input_grad(xp, a, w, stride, pads, dilation, groups, spatial), a, w)


def _convt_fwd_b(
    xp: Any, a: Any, w: Any, b: Any, stride: Ints, pads: Any, dilation: Ints, groups: int, spatial: Ints
) -> Any:
    y = _with_bias(xp, _input_grad(xp, a, w, stride, pads, dilation, groups, spatial), b)
    return as_operands_suggest(xp, y, a, w)


def _convw_fwd(xp: Any, a: Any, b: Any, stride: Ints, pads: Any, dilation: Ints, groups: int, kernel: Ints) -> Any:
    return _weight_grad(xp, a, b, stride, pads, dilation, groups, kernel)


# --- derivative rules: each a call of one of the three primitives ---------------------------


def _conv_da(g: Tensor, w: Tensor, a_shape: Ints, stride: Ints, pads: Any, dilation: Ints, groups: int) -> Tensor:
    return _CONVT_INNER(g, w, stride=stride, pads=pads, dilation=dilation, groups=groups, spatial=a_shape[2:])


def _conv_dw(g: Tensor, a: Tensor, w_shape: Ints, stride: Ints, pads: Any, dilation: Ints, groups: int) -> Tensor:
    return _CONVW(a, g, stride=stride, pads=pads, dilation=dilation, groups=groups, kernel=w_shape[2:])


def _convt_da(g: Tensor, w: Tensor, stride: Ints, pads: Any, dilation: Ints, groups: int) -> Tensor:
    return _CONV_INNER(g, w, stride=stride, pads=pads, dilation=dilation, groups=groups)


def _convt_dw(g: Tensor, a: Tensor, w_shape: Ints, stride: Ints, pads: Any, dilation: Ints, groups: int) -> Tensor:
    return _CONVW(g, a, stride=stride, pads=pads, dilation=dilation, groups=groups, kernel=w_shape[2:])


def _convw_da(h: Tensor, b: Tensor, a_shape: Ints, stride: Ints, pads: Any, dilation: Ints, groups: int) -> Tensor:
    return _CONVT_INNER(b, h, stride=stride, pads=pads, dilation=dilation, groups=groups, spatial=a_shape[2:])


def _convw_db(h: Tensor, a: Tensor, stride: Ints, pads: Any, dilation: Ints, groups: int) -> Tensor:
    return _CONV_INNER(a, h, stride=stride, pads=pads, dilation=dilation, groups=groups)


# The same products on arrays (engine.primitive's array rules), for a plain first-order backward
# of `_CONV_KEEP`; `cols` is x's column matrix, which its forward kept.
def _conv_da_array(xp: Any, g: Any, w: Any, a_shape: Ints, stride: Ints, pads: Any, dilation: Ints,
                   groups: int) -> Any:
    return _input_grad(xp, g, w, stride, pads, dilation, groups, a_shape[2:])


def _conv_dw_array(xp: Any, g: Any, a: Any, w_shape: Ints, stride: Ints, pads: Any, dilation: Ints, groups: int,
                   cols: Any) -> Any:
    return _weight_grad(xp, a, g, stride, pads, dilation, groups, w_shape[2:], cols)


def _bias_array(xp: Any, g: Any) -> Any:
    return channel_sums(xp, g)


def _keep_fwd(xp: Any, a: Any, w: Any, stride: Ints, pads: Any, dilation: Ints, groups: int) -> Any:
    y, cols = win.conv_forward(xp, a, w, stride, pads, dilation, groups, keep_columns=True)
    return as_operands_suggest(xp, y, a, w), cols


def _keep_fwd_b(xp: Any, a: Any, w: Any, b: Any, stride: Ints, pads: Any, dilation: Ints, groups: int) -> Any:
    y, cols = win.conv_forward(xp, a, w, stride, pads, dilation, groups, b, keep_columns=True)
    return as_operands_suggest(xp, y, a, w), cols


def _family(node: str) -> tuple[Primitive, Primitive, Primitive, Primitive]:
    """conv and conv_transpose primitives, without and with bias, named `node`."""
    return (
        # without a bias, PyTorch's node still has an (empty) edge for it
        Primitive(
            "convolution", _conv_fwd, [_conv_da, _conv_dw], inputs=("a", "w"), node_name=node, constant_edges=1,
            holomorphic=True,
        ),
        Primitive(
            "convolution", _conv_fwd_b, [_conv_da, _conv_dw, _bias_rule], inputs=("a", "w", "b"), node_name=node,
            holomorphic=True,
        ),
        Primitive(
            "convolution", _convt_fwd, [_convt_da, _convt_dw], inputs=("a", "w"), node_name=node, constant_edges=1,
            holomorphic=True,
        ),
        Primitive(
            "convolution", _convt_fwd_b, [_convt_da, _convt_dw, _bias_rule], inputs=("a", "w", "b"), node_name=node,
            holomorphic=True,
        ),
    )


_CONV, _CONV_B, _CONVT, _CONVT_B = _family("ConvolutionBackward0")
# a convolution whose weight will get a gradient: the forward keeps x's column matrix (as the
# extra `cols`), and a plain backward builds the weight's gradient from it instead of building
# it again (W6: ~80 µs of a 3.5 ms step; the rules still work from x, so every order works)
_CONV_KEEP = Primitive(
    "convolution", _keep_fwd, [_conv_da, _conv_dw], inputs=("a", "w"), node_name="ConvolutionBackward0",
    constant_edges=1, extras=("cols",), array_rules=[_conv_da_array, _conv_dw_array], holomorphic=True,
)
_CONV_B_KEEP = Primitive(
    "convolution", _keep_fwd_b, [_conv_da, _conv_dw, _bias_rule], inputs=("a", "w", "b"),
    node_name="ConvolutionBackward0", extras=("cols",), array_rules=[_conv_da_array, _conv_dw_array, _bias_array],
    holomorphic=True,
)
# inside derivative rules the nodes carry PyTorch's double-backward name
_CONV_INNER, _, _CONVT_INNER, _ = _family("ConvolutionBackwardBackward0")
_CONVW = Primitive(
    "convolution_weight", _convw_fwd, [_convw_da, _convw_db], inputs=("a", "b"),
    node_name="ConvolutionBackwardBackward0", holomorphic=True,
)


def conv(x: Tensor, w: Tensor, b: Tensor | None, stride: Ints, pads: Any, dilation: Ints, groups: int) -> Tensor:
    """Batched cross-correlation (N, C, *S) * (O, C/groups, *k) [+ b (O,)] -> (N, O, *out); no checks."""
    attrs = dict(stride=stride, pads=pads, dilation=dilation, groups=groups)
    if x._data.size == 0:  # a zero-size batch: the right shape, zero gradients, as in PyTorch
        spatial = win.out_shape(x._data.shape[2:], w._data.shape[2:], stride, pads, dilation)
        return empty_result((x._data.shape[0], w._data.shape[0], *spatial), x, w, b)
    if w._requires_grad and state.enabled and _keeps_columns(x._data, w._data, stride, pads, dilation, groups):
        return _CONV_KEEP(x, w, **attrs) if b is None else _CONV_B_KEEP(x, w, b, **attrs)
    return _CONV(x, w, **attrs) if b is None else _CONV_B(x, w, b, **attrs)


# Kept columns live until the backward, in every layer of a network at once: only small ones are
# kept (ConvMixer's depthwise 9x9 layers kept 1 GiB each in float64; a 3x3 layer 9x its input)
_KEEP_COLUMNS_MAX = 64 << 20


def _keeps_columns(x: Any, w: Any, stride: Ints, pads: Any, dilation: Ints, groups: int) -> bool:
    """Whether a convolution's forward keeps x's column matrix for the weight's gradient."""
    if depthwise.applies(w.shape, groups):  # its weight's gradient runs tap by tap, without columns
        return False
    out = win.out_shape(x.shape[2:], w.shape[2:], stride, pads, dilation)
    return x.shape[0] * x.shape[1] * math.prod(w.shape[2:]) * math.prod(out) * x.itemsize <= _KEEP_COLUMNS_MAX


def conv_transpose(
    x: Tensor, w: Tensor, b: Tensor | None, stride: Ints, pads: Any, dilation: Ints, groups: int, spatial: Ints
) -> Tensor:
    """Transposed convolution (N, O, *S) with w (O, C/groups, *k) [+ b (C,)] -> (N, C, *spatial); no checks."""
    attrs = dict(stride=stride, pads=pads, dilation=dilation, groups=groups, spatial=tuple(spatial))
    if x._data.size == 0:
        return empty_result((x._data.shape[0], w._data.shape[1] * groups, *spatial), x, w, b)
    return _CONVT(x, w, **attrs) if b is None else _CONVT_B(x, w, b, **attrs)


# --- argument handling shared by F.conv*d and F.conv_transpose*d --------------------------------


def expand_param(value: Any, nd: int, name: str) -> Ints:
    """An int or a list of 1 or `nd` ints as an `nd`-tuple, with PyTorch's error otherwise."""
    if isinstance(value, bool) or not isinstance(value, (int, Sequence)) or isinstance(value, str):
        raise TypeError(f"{name} must be an int or a tuple of ints, not {type(value).__name__}")
    vals = (int(value),) if isinstance(value, int) else tuple(int(v) for v in value)
    if len(vals) == 1:
        return vals * nd
    if len(vals) != nd:
        raise RuntimeError(
            f"expected {name} to be a single integer value or a list of {nd} values to match the convolution "
            f"dimensions, but got {name}={list(vals)}"
        )
    return vals


def same_padding(kernel: Ints, dilation: Ints) -> tuple[tuple[int, int], ...]:
    """padding='same': d(k-1) split as PyTorch does, the odd element on the high side."""
    pads = []
    for k, d in zip(kernel, dilation):
        total = d * (k - 1)
        pads.append((total // 2, total - total // 2))
    if any(lo != hi for lo, hi in pads):
        warn_once(  # once per process, as PyTorch's TORCH_WARN_ONCE
            "conv: same padding copy",
            "Using padding='same' with even kernel lengths and odd dilation may require a zero-padded copy of "
            "the input be created",
        )
    return tuple(pads)


def check_conv_args(
    x: Tensor, w: Tensor, b: Tensor | None, stride: Ints, padding: Any, dilation: Ints, groups: int, transposed: bool
) -> None:
    """PyTorch's checks of a convolution's arguments, with its messages."""
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(d <= 0 for d in dilation):
        raise RuntimeError("non-positive dilation is not supported")
    if any(lo < 0 or hi < 0 for lo, hi in padding):
        raise RuntimeError("negative padding is not supported")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    if w.dim() != x.dim():
        raise RuntimeError(
            f"expected stride to be a single integer value or a list of {w.dim() - 2} values to match the "
            f"convolution dimensions, but got stride={list(stride)}"
        )
    _check_channels(x, w, groups, transposed)
    _check_dtypes(x, w, b, _uses_mkldnn(x, w, stride, dilation, groups))
    out_ch = w.shape[1] * groups if transposed else w.shape[0]
    if b is not None and (b.dim() != 1 or b.shape[0] != out_ch):
        raise RuntimeError(
            f"Given weight of size {list(w.shape)}, expected bias to be 1-dimensional with {out_ch} elements, "
            f"but got bias of size {list(b.shape)} instead"
        )
    if not transposed:
        _check_kernel_fits(x, w, padding, dilation)


def _check_channels(x: Tensor, w: Tensor, groups: int, transposed: bool) -> None:
    if w.shape[0] < groups:
        raise RuntimeError(
            f"Given groups={groups}, expected weight to be at least {groups} at dimension 0, but got weight of size "
            f"{list(w.shape)} instead"
        )
    if w.shape[0] % groups:  # PyTorch's message nests the size in a second pair of brackets
        raise RuntimeError(
            f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, but got weight "
            f"of size [{list(w.shape)}] instead"
        )
    need = w.shape[0] if transposed else w.shape[1] * groups
    if x.shape[1] != need:
        prefix = "Given transposed=1, weight of size" if transposed else f"Given groups={groups}, weight of size"
        raise RuntimeError(
            f"{prefix} {list(w.shape)}, expected input{list(x.shape)} to have {need} channels, but got "
            f"{x.shape[1]} channels instead"
        )


def _check_dtypes(x: Tensor, w: Tensor, b: Tensor | None, mkldnn: bool) -> None:
    if b is not None and b.dtype != x.dtype:  # PyTorch checks the bias first
        raise RuntimeError(f"Input type ({x.dtype.c10_name}) and bias type ({b.dtype.c10_name}) should be the same")
    if x.dtype != w.dtype:
        if x.dtype.is_complex:  # PyTorch's complex convolution names a complex tensor by its backend type
            weight = _backend_type(w) if w.dtype.is_complex else w.type()
            raise RuntimeError(f"Input type ({_backend_type(x)}) and weight type ({weight}) should be the same")
        floats = x.dtype.is_floating_point and w.dtype.is_floating_point
        half_input = floats and x.element_size() == 2 < w.element_size()
        # oneDNN takes bfloat16 on every AVX512 CPU, float16 only where it has float16 kernels
        onednn_half = half_input and (x.dtype.name == "bfloat16" or onednn_float16())
        if onednn_half or mkldnn:  # the oneDNN path names both tensor types (bfloat16 has no legacy type name)
            given = _backend_type(x) if x.dtype.name == "bfloat16" else x.type()
            raise RuntimeError(
                f"Input type ({given}) and weight type ({w.type()}) should be the same or input should be a "
                "MKLDNN tensor and weight is a dense tensor"
            )
        raise RuntimeError(f"expected scalar type {_scalar_name(x)} but found {_scalar_name(w)}")


def _backend_type(t: Tensor) -> str:
    return f"{t.device.type.upper()}{t.dtype.kind_name}Type"  # CPUComplexFloatType


def _uses_mkldnn(x: Tensor, w: Tensor, stride: Ints, dilation: Ints, groups: int) -> bool:
    """PyTorch's choice of oneDNN for a float32 CPU input (ConvParams::use_mkldnn), on the input seen as 4D.

    A 1D convolution is viewed as (N, C, 1, L) with kernel (1, K); an unbatched input gets N = 1.
    """
    if x.dtype.name != "float32" or x.device.type != "cpu":
        return False
    shape = list(x.shape) if x.dim() == w.dim() else [1, *x.shape]
    kernel = list(w.shape[2:])
    if len(kernel) == 1:
        shape, kernel = shape[:2] + [1] + shape[2:], [1] + kernel
    worth_it = (any(s != 1 for s in stride) or any(d != 1 for d in dilation) or shape[0] >= 16 or kernel[-1] != 1
                or kernel[-2] != 1 or _threads.get_num_threads() > 1)
    big = groups > 1 or (kernel[-1] > 3 and kernel[-2] > 3) or shape[0] > 1 or math.prod(shape[:4]) > 20480
    return worth_it and big


def _scalar_name(t: Tensor) -> str:
    return t.type().split(".")[-1].replace("Tensor", "")


def _check_kernel_fits(x: Tensor, w: Tensor, padding: Any, dilation: Ints) -> None:
    size = [n + lo + hi for n, (lo, hi) in zip(x.shape[2:], padding)]
    kernel = [d * (k - 1) + 1 for k, d in zip(w.shape[2:], dilation)]
    if any(k > n for k, n in zip(kernel, size)):
        raise RuntimeError(
            f"Calculated padded input size per channel: ({' x '.join(map(str, size))}). Kernel size: "
            f"({' x '.join(map(str, kernel))}). Kernel size can't be greater than actual input size"
        )


# --- F.unfold / F.fold: im2col and its adjoint -------------------------------------------------


def _batched(xp: Any, a: Any, ndim: int) -> Any:
    return a[None] if a.ndim == ndim - 1 else a


def _unfold_fwd(xp: Any, a: Any, kernel: Ints, stride: Ints, pads: Any, dilation: Ints) -> Any:
    cols = win.unfold_forward(xp, _batched(xp, a, 2 + len(kernel)), kernel, stride, pads, dilation)
    return cols if a.ndim == 2 + len(kernel) else cols[0]


def _fold_fwd(xp: Any, a: Any, spatial: Ints, kernel: Ints, stride: Ints, pads: Any, dilation: Ints) -> Any:
    out = win.fold_forward(xp, _batched(xp, a, 3), spatial, kernel, stride, pads, dilation)
    return out if a.ndim == 3 else out[0]


def _unfold_rule(g: Tensor, a_shape: Ints, kernel: Ints, stride: Ints, pads: Any, dilation: Ints) -> Tensor:
    spatial = a_shape[-len(kernel):]
    return _FOLD(g, spatial=spatial, kernel=kernel, stride=stride, pads=pads, dilation=dilation)


def _fold_rule(g: Tensor, kernel: Ints, stride: Ints, pads: Any, dilation: Ints) -> Tensor:
    return _UNFOLD(g, kernel=kernel, stride=stride, pads=pads, dilation=dilation)


_UNFOLD = Primitive("im2col", _unfold_fwd, [_unfold_rule], node_name="Im2ColBackward0")
_FOLD = Primitive("col2im", _fold_fwd, [_fold_rule], node_name="Col2ImBackward0")


def unfold(x: Tensor, kernel: Ints, stride: Ints, pads: Any, dilation: Ints) -> Tensor:
    """Sliding windows of x ([N,] C, *S) as columns ([N,] C*K, L); no checks."""
    return _UNFOLD(x, kernel=kernel, stride=stride, pads=pads, dilation=dilation)


def fold(x: Tensor, spatial: Ints, kernel: Ints, stride: Ints, pads: Any, dilation: Ints) -> Tensor:
    """Columns ([N,] C*K, L) summed into ([N,] C, *spatial); no checks."""
    return _FOLD(x, spatial=tuple(spatial), kernel=kernel, stride=stride, pads=pads, dilation=dilation)
