"""Copies as differentiable ops: `clone`, `to_dtype`, the out-of-place halves of `fill_` and `copy_`,
and PyTorch's legacy `_cast_<Type>` functions (normflows still calls `torch._cast_Long`)."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from .. import dtypes as _dt
from .._layouts import channels_last_strides
from .._user_frames import frames_up
from ..backend.sparse import SparseCOO
from ..dtypes import dtype
from ..engine.bfloat16 import converted
from ..engine.devices import to_device
from ..engine.numpy_errors import broadcast_mismatch
from ..engine.primitive import Primitive, not_a_tensor
from ..tensor import Tensor
from .creation import zeros_like
from .kernels.arg_types import number_arg
from .kernels.dtype_support import warn_discarded_imaginary
from .kernels.guards import check_scalar_fits, store_scalar
from .kernels.placement import check_memory_format, laid_out, laid_out_like, preserving_copy

__all__ = [
    "clone", "to_dtype", "fill", "copy",
    "_cast_Byte", "_cast_Char", "_cast_Double", "_cast_Float", "_cast_Half", "_cast_Int", "_cast_Long", "_cast_Short",
]

_clone = Primitive("clone", preserving_copy, [lambda g: g])  # d a / d a = 1
_contiguous_clone = Primitive("clone", lambda xp, a: a.copy(), [lambda g: g])
grad_copy = _contiguous_clone  # (retrograd.compile: a gradient the engine stored as a copy)
_channels_last_clone = Primitive("clone", lambda xp, a, name: laid_out(xp, a, name), [lambda g: g])
_to_dtype = Primitive(
    "to_dtype",
    # complex to real keeps the real part; to bool it is `z != 0`, both parts read (as PyTorch)
    lambda xp, a, dt: laid_out_like(xp, _convert(a.real if a.dtype.kind == "c" and dt.kind not in "cb" else a, dt), a),
    [lambda g: g],  # the engine casts the gradient back to the input's dtype
    node_name="ToCopyBackward0",
)


def _filled(xp: Any, a: Any, value: Any) -> Any:
    return xp.broadcast_to(xp.asarray(store_scalar(value, a.dtype)), a.shape).copy()


def _fillers(by_number: str, by_tensor: str) -> tuple[Primitive, Primitive]:
    """fill's rows for a number and for a 0-d tensor value, under PyTorch's node names. The old
    values get a zero gradient (PyTorch's zeros_like, not None); a tensor value gets Σ g."""
    number = Primitive("fill", _filled, [lambda g: zeros_like(g)], node_name=by_number)
    tensor = Primitive(
        "fill", lambda xp, a, v: _filled(xp, a, v), [lambda g: zeros_like(g), lambda g: g.sum()],
        inputs=("a", "v"), node_name=by_tensor,
    )
    return number, tensor


_FILL = _fillers("FillBackward0", "FillBackward1")  # torch.fill
_FILL_IN_PLACE = _fillers("FillBackward2", "FillBackward3")  # Tensor.fill_
_zero = Primitive("fill", _filled, [lambda g: zeros_like(g)], node_name="ZeroBackward0")  # Tensor.zero_


def _sampler(node: str) -> Primitive:
    """`normal_`, `uniform_`, ...: drawn values replace the old ones, whose gradient is zero."""
    return Primitive("fill", _filled, [lambda g: zeros_like(g)], node_name=node)


_SAMPLERS = {node: _sampler(node) for node in (
    "UniformBackward0", "NormalBackward0", "BernoulliBackward2", "ExponentialBackward0", "CauchyBackward0",
    "LogNormalBackward0", "GeometricBackward0", "RandomBackward0", "RandomBackward1", "RandomBackward2",
)}  # fmt: skip
# bernoulli_ with a tensor of probabilities: they get a zero gradient too
_BERNOULLI_BY_TENSOR = Primitive(
    "fill", lambda xp, a, p, value: _filled(xp, a, value), [lambda g: zeros_like(g), lambda g, p: zeros_like(p)],
    inputs=("a", "p"), node_name="BernoulliBackward1",
)
_copy = Primitive(
    "copy",
    lambda xp, a, b: xp.broadcast_to(b if b.dtype == a.dtype else converted(b, a.dtype), a.shape).copy(),
    [lambda g: None, lambda g: g],  # the engine sums g down to src's shape
    inputs=("a", "b"),
    node_name="torch::autograd::CopyBackwards",  # a C++ node: `name()` is qualified, the class is CopyBackwards
)


def _convert(a: Any, dt: Any) -> Any:
    return converted(a, dt)


_ATEN_FORMAT_NAMES = {
    "contiguous_format": "Contiguous",
    "channels_last": "ChannelsLast",
    "channels_last_3d": "ChannelsLast3d",
}


def clone(t: Tensor, *, memory_format: Any = None) -> Tensor:
    """A copy with its own memory; gradients flow back to `t`.

    Args:
        t (Tensor): any tensor.
        memory_format (memory_format, optional): `torch.preserve_format` (the default) keeps a dense
            input's strides, as PyTorch; `torch.contiguous_format` lays the copy out row-major;
            `torch.channels_last` (a 4-D input) / `torch.channels_last_3d` (5-D) put the channels
            (dim 1) fastest: strides (H*W*C, 1, W*C, C) for (N, C, H, W).

    Returns:
        Tensor: the same values, shape and dtype; changing it leaves `t` alone.

    Examples:
        >>> x = retrograd.tensor([1.0, 2.0], requires_grad=True)
        >>> c = retrograd.clone(x)
        >>> c
        tensor([1., 2.], grad_fn=<CloneBackward0>)
        >>> c.sum().backward()
        >>> x.grad
        tensor([1., 1.])
    """
    name = check_memory_format(memory_format, "clone")
    if name != "preserve_format" and type(t._data) is SparseCOO:  # (so `s.contiguous()` raises, as PyTorch's)
        raise RuntimeError(f"unsupported memory format option {_ATEN_FORMAT_NAMES[name]}")
    if name == "contiguous_format":
        return _contiguous_clone(t)
    if name != "preserve_format":
        channels_last_strides(tuple(t._data.shape), name)  # PyTorch's error for another rank, before recording
        return _channels_last_clone(t, name=name)
    return _clone(t)


def to_dtype(t: Tensor, dt: dtype) -> Tensor:
    """`t` converted to dtype `dt` (differentiable between float dtypes)."""
    if t._data.dtype.kind == "c" and not (dt.is_complex or dt.np == np.bool_):  # to bool is `z != 0`
        warnings.warn(
            "Casting complex values to real discards the imaginary part", UserWarning, stacklevel=frames_up(3)
        )
    out = _to_dtype(t, dt=dt.np)
    if not dt.is_floating_point and not dt.is_complex and out._requires_grad:
        out._requires_grad = False
        out._grad_fn = None
    return out


def fill(t: Tensor, value: Any) -> Tensor:
    """A tensor shaped like `t` filled with `value` (the out-of-place half of `fill_`).

    Args:
        t (Tensor): gives the shape and dtype.
        value (number or Tensor): the fill value; a tensor must be 0-d.

    Returns:
        Tensor: `t`'s shape and dtype, every element `value`.

    Examples:
        >>> retrograd.fill(retrograd.zeros(2, 2), 7)
        tensor([[7., 7.],
                [7., 7.]])
        >>> retrograd.fill(retrograd.zeros(3, dtype=retrograd.int64), 2)
        tensor([2, 2, 2])
    """
    return _fill_with(_FILL, t, value)


def in_place_fill(t: Tensor, value: Any) -> Tensor:
    """The out-of-place half of `t.fill_(value)` (recorded as FillBackward2/3, as PyTorch's fill_)."""
    return _fill_with(_FILL_IN_PLACE, t, value)


def in_place_sample(t: Tensor, values: Any, node: str, p: Tensor | None = None) -> Tensor:
    """The out-of-place half of `t.normal_()` and friends: `values` (drawn already) recorded under
    PyTorch's node `node`; `p` is bernoulli_'s tensor of probabilities."""
    if p is not None:
        return _BERNOULLI_BY_TENSOR(t, p, value=values)
    return _SAMPLERS[node](t, value=values)


def in_place_zero(t: Tensor) -> Tensor:
    """The out-of-place half of `t.zero_()` (recorded as ZeroBackward0)."""
    return _zero(t, value=0)


def _fill_with(rows: tuple[Primitive, Primitive], t: Tensor, value: Any) -> Tensor:
    if isinstance(value, Tensor):
        if value._data.ndim:
            raise RuntimeError(
                f"fill_ only supports 0-dimension value tensor but got tensor with {value._data.ndim} dimensions."
            )
        warn_discarded_imaginary(value, t._data.dtype)  # PyTorch copies the value into t's dtype
        return rows[1](t, value)
    number_arg("fill", "value", 2, value)
    check_scalar_fits(value, t.dtype, half_rounds=t.numel() == 1)  # as full's one element
    return rows[0](t, value=value)


def copy(t: Tensor, src: Any) -> Tensor:
    """`src` broadcast to `t`'s shape and dtype (the out-of-place half of `copy_`)."""
    if not isinstance(src, Tensor):
        src = Tensor._make(np.asarray(src))
    elif type(src._data) is not type(t._data):  # copy_ moves data between devices (differentiably)
        src = to_device(src, t.device)
    try:
        return _copy(t, src)
    except ValueError:
        shape, src_shape = t._data.shape, src._data.shape
        mismatch = broadcast_mismatch([shape, src_shape])
        if mismatch is not None:
            raise mismatch from None
        # the shapes broadcast, but to more than `t` holds (src has more dims or a larger size-1 dim)
        broadcast = list(np.broadcast_shapes(shape, src_shape))
        raise RuntimeError(f"output with shape {list(shape)} doesn't match the broadcast shape {broadcast}") from None



# --- PyTorch's legacy casts: `input.to(dtype)` under an old name (the input itself when it has
# the dtype already, a ToCopyBackward0 node between float dtypes) ------------------------------


def _cast(name: str, input: Any, dt: dtype, non_blocking: bool) -> Tensor:
    if not isinstance(input, Tensor):
        raise not_a_tensor(name, input)
    return input.to(dt, non_blocking=non_blocking)


def _cast_Byte(input: Tensor, non_blocking: bool = False) -> Tensor:  # noqa: N802 (PyTorch's name)
    """`input.to(torch.uint8)`."""
    return _cast("_cast_Byte", input, _dt.uint8, non_blocking)


def _cast_Char(input: Tensor, non_blocking: bool = False) -> Tensor:  # noqa: N802
    """`input.to(torch.int8)`."""
    return _cast("_cast_Char", input, _dt.int8, non_blocking)


def _cast_Double(input: Tensor, non_blocking: bool = False) -> Tensor:  # noqa: N802
    """`input.to(torch.float64)`."""
    return _cast("_cast_Double", input, _dt.float64, non_blocking)


def _cast_Float(input: Tensor, non_blocking: bool = False) -> Tensor:  # noqa: N802
    """`input.to(torch.float32)`."""
    return _cast("_cast_Float", input, _dt.float32, non_blocking)


def _cast_Half(input: Tensor, non_blocking: bool = False) -> Tensor:  # noqa: N802
    """`input.to(torch.float16)`."""
    return _cast("_cast_Half", input, _dt.float16, non_blocking)


def _cast_Int(input: Tensor, non_blocking: bool = False) -> Tensor:  # noqa: N802
    """`input.to(torch.int32)`."""
    return _cast("_cast_Int", input, _dt.int32, non_blocking)


def _cast_Long(input: Tensor, non_blocking: bool = False) -> Tensor:  # noqa: N802
    """`input.to(torch.int64)`.

    Examples:
        >>> retrograd._cast_Long(retrograd.tensor([1.7, -2.5]))
        tensor([ 1, -2])
    """
    return _cast("_cast_Long", input, _dt.int64, non_blocking)


def _cast_Short(input: Tensor, non_blocking: bool = False) -> Tensor:  # noqa: N802
    """`input.to(torch.int16)`."""
    return _cast("_cast_Short", input, _dt.int16, non_blocking)
