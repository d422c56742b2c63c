"""Sample frequencies and shifts for the transforms: fftfreq, rfftfreq, fftshift, ifftshift."""

from __future__ import annotations

from typing import Any

import numpy as np

from ... import dtypes as _dt
from ...backend import as_device
from ...tensor import Tensor
from ..kernels.operands import tensor_of
from ..kernels.out_arg import write_out
from ..kernels.placement import check_layout
from .fft import _FREQ_OUT

__all__ = ["fftfreq", "rfftfreq", "fftshift", "ifftshift"]


# --- helpers: sample frequencies and shifts ---------------------------------------------------


def _freq_tensor(name: str, steps: np.ndarray, n: int, d: float, dtype: Any, requires_grad: bool) -> Tensor:
    """`steps / (n·d)` as PyTorch computes it: the integer steps in `dtype`, times 1/(n·d) rounded to it.

    n·d = 0 gives an infinite scale (nan for the zero step), as in PyTorch's C++.
    """
    dt = dtype if dtype is not None else _dt.get_default_dtype()
    if dt.is_complex:  # PyTorch builds the steps with arange, which has no complex kernel
        raise NotImplementedError(f'"arange_cpu" not implemented for \'{dt.kind_name}\'')
    if not dt.is_floating_point:
        raise RuntimeError(f"{name} requires a floating point or complex dtype")
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        values = steps.astype(dt.np) * dt.np.type(np.float64(1.0) / np.float64(n * d))
    t = Tensor._make(values)
    if requires_grad:
        t._set_requires_grad(True)
    return t


def _check_count(count: int) -> None:
    if count < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {count}: [{count}]")


def fftfreq(
    n: int, d: float = 1.0, *, out: Any = None, dtype: Any = None, layout: Any = None, device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """The sample frequencies of an n-point DFT: [0, 1, ..., -(n//2), ..., -1] / (d·n).

    Args:
        n (int): the signal length.
        d (float): the sample spacing (default 1.0).
        out (Tensor, optional): a tensor to write the result into.
        dtype (dtype, optional): the result's dtype (default: the default float).
        layout (layout, optional): only `retrograd.strided`.
        device (device, optional): where to place the result.
        requires_grad (bool): record operations on the result (default False).

    Returns:
        Tensor: 1-D, n frequencies in `fft`'s bin order.

    Examples:
        >>> retrograd.fft.fftfreq(4)
        tensor([ 0.0000,  0.2500, -0.5000, -0.2500])
        >>> retrograd.fft.fftfreq(5, d=0.5)
        tensor([ 0.0000,  0.4000,  0.8000, -0.8000, -0.4000])
    """
    if out is not None:
        return write_out(out, fftfreq, locals(), _FREQ_OUT, dtype_from_out=True)
    check_layout(layout, "fftfreq")
    as_device(device)
    _check_count(n)
    steps = np.concatenate([np.arange((n + 1) // 2), np.arange(-(n // 2), 0)])
    return _freq_tensor("fftfreq", steps, n, d, dtype, requires_grad)


def rfftfreq(
    n: int, d: float = 1.0, *, out: Any = None, dtype: Any = None, layout: Any = None, device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """The sample frequencies of `rfft` for an n-point signal: [0, 1, ..., n//2] / (d·n).

    Args:
        n (int): the signal length.
        d (float): the sample spacing (default 1.0).
        out (Tensor, optional): a tensor to write the result into.
        dtype (dtype, optional): the result's dtype (default: the default float).
        layout (layout, optional): only `retrograd.strided`.
        device (device, optional): where to place the result.
        requires_grad (bool): record operations on the result (default False).

    Returns:
        Tensor: 1-D, n//2 + 1 frequencies.

    Examples:
        >>> retrograd.fft.rfftfreq(5)
        tensor([0.0000, 0.2000, 0.4000])
    """
    if out is not None:
        return write_out(out, rfftfreq, locals(), _FREQ_OUT, dtype_from_out=True)
    check_layout(layout, "rfftfreq")
    as_device(device)
    count = int(n / 2) + 1  # C++'s n / 2, which rounds toward zero: rfftfreq(-1) has one entry
    _check_count(count)
    return _freq_tensor("rfftfreq", np.arange(count), n, d, dtype, requires_grad)


def _shift(x: Any, dim: Any, inverse: bool) -> Tensor:
    from ..shape.repeat_reorder import roll

    x = tensor_of(x)
    dims = list(range(x.ndim)) if dim is None else [dim] if isinstance(dim, int) else list(dim)
    shifts = [-(x.shape[d] // 2) if inverse else x.shape[d] // 2 for d in dims]
    return roll(x, shifts, dims)


def fftshift(input: Tensor, dim: Any = None) -> Tensor:
    """Move the zero-frequency bin to the centre of `dim` (all dims by default).

    Args:
        input (Tensor): a spectrum in `fft`'s bin order.
        dim (int or sequence of int, optional): the dims to shift (default all).

    Returns:
        Tensor: `input` rolled by n//2 along each dim.

    Examples:
        >>> retrograd.fft.fftshift(retrograd.fft.fftfreq(5))
        tensor([-0.4000, -0.2000,  0.0000,  0.2000,  0.4000])
    """
    return _shift(input, dim, inverse=False)


def ifftshift(input: Tensor, dim: Any = None) -> Tensor:
    """Undo `fftshift`.

    Args:
        input (Tensor): a spectrum with the zero-frequency bin centred.
        dim (int or sequence of int, optional): the dims to shift (default all).

    Returns:
        Tensor: `input` rolled by -(n//2) along each dim.

    Examples:
        >>> retrograd.fft.ifftshift(retrograd.tensor([-2.0, -1.0, 0.0, 1.0, 2.0]))
        tensor([ 0.,  1.,  2., -2., -1.])
    """
    return _shift(input, dim, inverse=True)
