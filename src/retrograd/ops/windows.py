"""Window functions for spectral analysis: hann, hamming, blackman, bartlett, kaiser.

Each computes PyTorch's formula step by step in the requested dtype (arange, scale, cos, ...),
so float32 windows round as PyTorch's do. `periodic=True` (the default) computes a window one
longer and drops its last value, the form `stft` wants; `periodic=False` gives the symmetric one.
Like the other factories, each also takes `layout` (strided only) and `pin_memory` (False on the CPU).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import dtypes as _dt
from ..tensor import Tensor
from .creation import zeros
from .kernels.arg_types import invalid_combination
from .kernels.placement import check_layout, check_pin_memory, dtype_arg

__all__ = ["bartlett_window", "blackman_window", "hamming_window", "hann_window", "kaiser_window"]


_FACTORY_KEYWORDS = (
    "*, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, "
    "bool pin_memory = False, bool requires_grad = False"
)


def _in_order(name: str, window_length: int, shape: tuple[tuple[str, str, Any], ...]) -> None:
    """PyTorch's TypeError for a shape parameter given while an earlier one was left out.

    PyTorch's overloads take `periodic`, then `alpha`/`beta`, as a growing prefix
    (`(N)`, `(N, periodic)`, `(N, periodic, beta)`), so `kaiser_window(8, beta=8.0)` matches none.
    `shape` lists (kind, name, value) in order, value None where the caller left it out.
    """
    missing = [value is None for _, _, value in shape]
    if True not in missing or all(missing[missing.index(True) :]):
        return
    gap = missing.index(True)
    given = tuple(value for _, _, value in shape[:gap])
    later = {label: value for _, label, value in shape[gap:] if value is not None}
    overloads = ["int window_length"] + [
        "int window_length, " + ", ".join(f"{kind} {label}" for kind, label, _ in shape[:i])
        for i in range(1, len(shape) + 1)
    ]
    raise invalid_combination(
        name, (window_length, *given), tuple(f"{o}, {_FACTORY_KEYWORDS}" for o in overloads), later
    )


def _window_length(name: str, window_length: Any) -> int:
    """`window_length` as an int, refused as PyTorch's argument parser refuses a non-integer."""
    if isinstance(window_length, (bool, float, str)) or not hasattr(window_length, "__index__"):
        raise TypeError(
            f"{name}(): argument 'window_length' (position 1) must be int, not {type(window_length).__name__}"
        )
    return window_length.__index__()


def _non_floating(name: str, dt: _dt.dtype, pin_memory: bool) -> RuntimeError:
    """PyTorch's refusal of an integer or bool window, which prints the factory's TensorOptions."""
    options = (
        f"TensorOptions(dtype={dt.c10_name}, device=cpu, layout=Strided (default), requires_grad=false (default), "
        f"pinned_memory={str(pin_memory).lower()}, memory_format=(nullopt))"
    )
    return RuntimeError(f"{name} expects floating point dtypes, got: {options}")


def _positions(
    name: str, window_length: Any, periodic: bool, dtype: _dt.dtype | None, pin_memory: bool | None
) -> tuple[Any, Any]:
    """(arange(N) in the window's dtype, N) with N one longer for periodic windows; None for N ≤ 1."""
    window_length = _window_length(name, window_length)
    dtype = dtype_arg(dtype, name)
    dt = dtype if dtype is not None else _dt.get_default_dtype()
    if dt.np.kind not in "fc":
        raise _non_floating(name, dt, bool(pin_memory))
    if window_length < 0:
        raise RuntimeError(f"{name} requires non-negative window_length, got window_length={window_length}")
    if window_length <= 1:
        return None, window_length
    if dt.np.kind == "c":  # PyTorch lets complex through its check, then its arange refuses it
        raise NotImplementedError(f'"arange_cpu" not implemented for \'{dt.kind_name}\'')
    n = window_length + 1 if periodic else window_length
    return np.arange(n, dtype=dt.np), n


def _finish(
    name: str,
    values: Any,
    window_length: int,
    periodic: bool,
    dtype: _dt.dtype | None,
    layout: Any,
    device: Any,
    requires_grad: bool,
    pin_memory: bool,
) -> Tensor:
    """The window as a tensor: the periodic form drops the last value; length 0 and 1 are [] and [1]."""
    check_layout(layout, name)
    check_pin_memory(pin_memory or False)
    dtype = dtype_arg(dtype, name)
    dt = dtype if dtype is not None else _dt.get_default_dtype()
    out = zeros(window_length, dtype=dt, device=device)
    if values is None:
        out.fill_(1.0)
    else:
        out.copy_(Tensor._make(np.ascontiguousarray(values[:window_length] if periodic else values)))
    return out._set_requires_grad(requires_grad)


def hamming_window(
    window_length: int,
    periodic: bool | None = None,
    alpha: float | None = None,
    beta: float | None = None,
    *,
    dtype: _dt.dtype | None = None,
    layout: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    pin_memory: bool | None = None,
) -> Tensor:
    """The generalized Hamming window α − β cos(2πn / (N − 1)), n = 0 … N − 1.

    With `periodic` (the default) N is `window_length + 1` and the last value is dropped, the
    form spectral analysis (`stft`) wants; otherwise N is `window_length` and the window is symmetric.

    Args:
        window_length (int): the number of values, at least 0 (0 gives [], 1 gives [1]).
        periodic (bool): the periodic rather than the symmetric window (default True).
        alpha (float): the constant term α (default 0.54); given only after `periodic`.
        beta (float): the cosine's coefficient β (default 0.46); given only after `alpha`.
        dtype (dtype, optional): a floating dtype (default: `get_default_dtype()`).
        device (str or device, optional): where the window lives.
        requires_grad (bool): whether autograd records operations on the window (default False).

    Returns:
        Tensor: (window_length,).

    Examples:
        >>> retrograd.hamming_window(5)
        tensor([0.0800, 0.3979, 0.9121, 0.9121, 0.3979])
        >>> retrograd.hamming_window(5, False, 0.5, 0.5)
        tensor([0.0000, 0.5000, 1.0000, 0.5000, 0.0000])
    """
    _in_order(
        "hamming_window",
        window_length,
        (("bool", "periodic", periodic), ("float", "alpha", alpha), ("float", "beta", beta)),
    )
    periodic = True if periodic is None else periodic
    alpha = 0.54 if alpha is None else alpha
    beta = 0.46 if beta is None else beta
    x, n = _positions("hamming_window", window_length, periodic, dtype, pin_memory)
    if x is not None:
        t = x.dtype.type
        x = np.cos(x * t(2 * math.pi / (n - 1))) * t(-beta) + t(alpha)
    return _finish("hamming_window", x, window_length, periodic, dtype, layout, device, requires_grad,
                   bool(pin_memory))


def hann_window(
    window_length: int,
    periodic: bool = True,
    *,
    dtype: _dt.dtype | None = None,
    layout: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    pin_memory: bool | None = None,
) -> Tensor:
    """The Hann window ½ − ½ cos(2πn / (N − 1)), n = 0 … N − 1: a raised cosine that starts at 0.

    `periodic` (the default) computes N = `window_length + 1` values and drops the last one;
    `periodic=False` gives the symmetric window of N = `window_length` values.

    Args:
        window_length (int): the number of values, at least 0.
        periodic (bool): the periodic (for `stft`) rather than the symmetric window (default True).
        dtype (dtype, optional): a floating dtype (default: `get_default_dtype()`).
        device (str or device, optional): where the window lives.
        requires_grad (bool): whether autograd records operations on the window (default False).

    Returns:
        Tensor: (window_length,).

    Examples:
        >>> retrograd.hann_window(5)
        tensor([0.0000, 0.3455, 0.9045, 0.9045, 0.3455])
        >>> retrograd.hann_window(5, periodic=False)
        tensor([0.0000, 0.5000, 1.0000, 0.5000, 0.0000])
    """
    x, n = _positions("hann_window", window_length, periodic, dtype, pin_memory)
    if x is not None:
        t = x.dtype.type
        x = np.cos(x * t(2 * math.pi / (n - 1))) * t(-0.5) + t(0.5)
    return _finish("hann_window", x, window_length, periodic, dtype, layout, device, requires_grad,
                   bool(pin_memory))


def blackman_window(
    window_length: int,
    periodic: bool = True,
    *,
    dtype: _dt.dtype | None = None,
    layout: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    pin_memory: bool | None = None,
) -> Tensor:
    """The Blackman window 0.42 − 0.5 cos(2πn / (N − 1)) + 0.08 cos(4πn / (N − 1)), n = 0 … N − 1.

    Its side lobes are lower than Hann's at the cost of a wider main lobe. `periodic` drops the
    last of N = `window_length + 1` values; the ends are 0 up to float rounding.

    Args:
        window_length (int): the number of values, at least 0.
        periodic (bool): the periodic (for `stft`) rather than the symmetric window (default True).
        dtype (dtype, optional): a floating dtype (default: `get_default_dtype()`).
        device (str or device, optional): where the window lives.
        requires_grad (bool): whether autograd records operations on the window (default False).

    Returns:
        Tensor: (window_length,).

    Examples:
        >>> retrograd.blackman_window(5, False)
        tensor([-2.9802e-08,  3.4000e-01,  1.0000e+00,  3.4000e-01, -2.9802e-08])
    """
    x, n = _positions("blackman_window", window_length, periodic, dtype, pin_memory)
    if x is not None:
        t = x.dtype.type
        x = x * t(math.pi / (n - 1))
        x = np.cos(x * t(4)) * t(0.08) - np.cos(x * t(2)) * t(0.5) + t(0.42)
    return _finish("blackman_window", x, window_length, periodic, dtype, layout, device, requires_grad,
                   bool(pin_memory))


def bartlett_window(
    window_length: int,
    periodic: bool = True,
    *,
    dtype: _dt.dtype | None = None,
    layout: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    pin_memory: bool | None = None,
) -> Tensor:
    """The Bartlett (triangular) window: 2n / (N − 1) rising to 1 at the middle, then back down to 0.

    `periodic` (the default) computes N = `window_length + 1` values and drops the last one;
    `periodic=False` gives the symmetric triangle of `window_length` values.

    Args:
        window_length (int): the number of values, at least 0.
        periodic (bool): the periodic (for `stft`) rather than the symmetric window (default True).
        dtype (dtype, optional): a floating dtype (default: `get_default_dtype()`).
        device (str or device, optional): where the window lives.
        requires_grad (bool): whether autograd records operations on the window (default False).

    Returns:
        Tensor: (window_length,).

    Examples:
        >>> retrograd.bartlett_window(5)
        tensor([0.0000, 0.4000, 0.8000, 0.8000, 0.4000])
        >>> retrograd.bartlett_window(5, periodic=False)
        tensor([0.0000, 0.5000, 1.0000, 0.5000, 0.0000])
    """
    x, n = _positions("bartlett_window", window_length, periodic, dtype, pin_memory)
    if x is not None:
        t = x.dtype.type
        x = x * t(2.0 / (n - 1))
        half = ((n - 1) >> 1) + 1
        x[half:] = t(2) - x[half:]
    return _finish("bartlett_window", x, window_length, periodic, dtype, layout, device, requires_grad,
                   bool(pin_memory))


def kaiser_window(
    window_length: int,
    periodic: bool | None = None,
    beta: float | None = None,
    *,
    dtype: _dt.dtype | None = None,
    layout: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    pin_memory: bool | None = None,
) -> Tensor:
    """The Kaiser window I₀(β √(1 − ((n − a) / a)²)) / I₀(β), a = (N − 1) / 2, I₀ the modified Bessel function.

    `beta` trades the main lobe's width for the side lobes' height: 0 gives a rectangle, larger
    values a narrower bell. `periodic` drops the last of N = `window_length + 1` values.

    Args:
        window_length (int): the number of values, at least 0.
        periodic (bool): the periodic (for `stft`) rather than the symmetric window (default True).
        beta (float): the shape parameter β (default 12); given only after `periodic`.
        dtype (dtype, optional): a floating dtype (default: `get_default_dtype()`).
        device (str or device, optional): where the window lives.
        requires_grad (bool): whether autograd records operations on the window (default False).

    Returns:
        Tensor: (window_length,).

    Examples:
        >>> retrograd.kaiser_window(5, False, 5.0)
        tensor([0.0367, 0.5529, 1.0000, 0.5529, 0.0367])
        >>> retrograd.kaiser_window(5)
        tensor([5.2773e-05, 1.0172e-01, 7.9294e-01, 7.9294e-01, 1.0172e-01])
    """
    _in_order("kaiser_window", window_length, (("bool", "periodic", periodic), ("float", "beta", beta)))
    periodic = True if periodic is None else periodic
    beta = 12.0 if beta is None else beta
    x, n = _positions("kaiser_window", window_length, periodic, dtype, pin_memory)
    if x is not None:
        a = (n - 1) / 2.0
        x64 = np.i0(beta * np.sqrt(np.maximum(1 - ((x.astype(np.float64) - a) / a) ** 2, 0))) / np.i0(beta)
        x = x64.astype(x.dtype)
    return _finish("kaiser_window", x, window_length, periodic, dtype, layout, device, requires_grad,
                   bool(pin_memory))
