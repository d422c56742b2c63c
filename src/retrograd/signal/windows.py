"""Window functions with SciPy's names and `sym` flag: torch.signal.windows.

Unlike the top-level `hann_window` family (periodic by default, computed as one array), these
are symmetric by default and composed of tensor ops as PyTorch composes them: a `linspace` of
the window's argument, then `exp`, `sin`, `i0` or a sum of cosines. So float32 windows round as
PyTorch's do, and `requires_grad=True` records the ops from the `linspace` leaf on.
`sym=False` gives the periodic form (the first M values of an M + 1 window), for spectral analysis.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from .. import dtypes as _dt
from .._layouts import strided
from ..ops import abs, arange, cos, empty, exp, i0, linspace, minimum, ones, pow, sin, sqrt, tensor
from ..tensor import Tensor

__all__ = [
    "bartlett",
    "blackman",
    "cosine",
    "exponential",
    "gaussian",
    "general_cosine",
    "general_hamming",
    "hamming",
    "hann",
    "kaiser",
    "nuttall",
]


def _checked_dtype(name: str, M: int, dtype: _dt.dtype | None, layout: Any) -> _dt.dtype:
    """The window's dtype (the default one if None), after PyTorch's ValueErrors for bad arguments."""
    dt = _dt.get_default_dtype() if dtype is None else dtype
    if M < 0:
        raise ValueError(f"{name} requires non-negative window length, got M={M}")
    if layout is not strided:
        raise ValueError(f"{name} is implemented for strided tensors only, got: {layout}")
    if dt not in (_dt.float32, _dt.float64):
        raise ValueError(f"{name} expects float32 or float64 dtypes, got: {dt}")
    return dt


def _span(M: int, sym: bool) -> int:
    """The window's full width in samples: M - 1 when symmetric, M (one sample more) when periodic."""
    return M if not sym and M > 1 else M - 1


def exponential(
    M: int,
    *,
    center: float | None = None,
    tau: float = 1.0,
    sym: bool = True,
    dtype: _dt.dtype | None = None,
    layout: Any = strided,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """The exponential (Poisson) window exp(-|n - center| / tau), n = 0 … M - 1.

    Args:
        M (int): the number of values, at least 0.
        center (float, optional): where the peak is (default: the middle); only with `sym=False`.
        tau (float): the decay length, positive (default 1).
        sym (bool): the symmetric window (default True) rather than the periodic one.
        dtype (dtype, optional): float32 or float64 (default: `get_default_dtype()`).

    Returns:
        Tensor: (M,).

    Examples:
        >>> retrograd.signal.windows.exponential(5, tau=2.0)
        tensor([0.3679, 0.6065, 1.0000, 0.6065, 0.3679])
    """
    dt = _checked_dtype("exponential", M, dtype, layout)
    if tau <= 0:
        raise ValueError(f"Tau must be positive, got: {tau} instead.")
    if sym and center is not None:
        raise ValueError("Center must be None for symmetric windows")
    if M == 0:
        return empty((0,), dtype=dt, device=device, requires_grad=requires_grad)
    if center is None:
        center = _span(M, sym) / 2.0
    rate = 1 / tau
    k = linspace(-center * rate, (-center + (M - 1)) * rate, M, dtype=dt, device=device, requires_grad=requires_grad)
    return exp(-abs(k))


def cosine(
    M: int,
    *,
    sym: bool = True,
    dtype: _dt.dtype | None = None,
    layout: Any = strided,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """The cosine (sine) window sin(π (n + 1/2) / M), n = 0 … M - 1.

    Args:
        M (int): the number of values, at least 0.
        sym (bool): the symmetric window (default True) rather than the periodic one.
        dtype (dtype, optional): float32 or float64 (default: `get_default_dtype()`).

    Returns:
        Tensor: (M,).

    Examples:
        >>> retrograd.signal.windows.cosine(4)
        tensor([0.3827, 0.9239, 0.9239, 0.3827])
    """
    dt = _checked_dtype("cosine", M, dtype, layout)
    if M == 0:
        return empty((0,), dtype=dt, device=device, requires_grad=requires_grad)
    step = math.pi / (_span(M, sym) + 1)
    k = linspace(0.5 * step, (0.5 + (M - 1)) * step, M, dtype=dt, device=device, requires_grad=requires_grad)
    return sin(k)


def gaussian(
    M: int,
    *,
    std: float = 1.0,
    sym: bool = True,
    dtype: _dt.dtype | None = None,
    layout: Any = strided,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """The Gaussian window exp(-(n - (M - 1)/2)² / (2 std²)), n = 0 … M - 1.

    Args:
        M (int): the number of values, at least 0.
        std (float): the standard deviation in samples, positive (default 1).
        sym (bool): the symmetric window (default True) rather than the periodic one.
        dtype (dtype, optional): float32 or float64 (default: `get_default_dtype()`).

    Returns:
        Tensor: (M,).

    Examples:
        >>> retrograd.signal.windows.gaussian(5, std=1.5)
        tensor([0.4111, 0.8007, 1.0000, 0.8007, 0.4111])
    """
    dt = _checked_dtype("gaussian", M, dtype, layout)
    if std <= 0:
        raise ValueError(f"Standard deviation must be positive, got: {std} instead.")
    if M == 0:
        return empty((0,), dtype=dt, device=device, requires_grad=requires_grad)
    start = -_span(M, sym) / 2.0
    scale = 1 / (std * math.sqrt(2))
    k = linspace(start * scale, (start + (M - 1)) * scale, M, dtype=dt, device=device, requires_grad=requires_grad)
    return exp(-(k**2))


def kaiser(
    M: int,
    *,
    beta: float = 12.0,
    sym: bool = True,
    dtype: _dt.dtype | None = None,
    layout: Any = strided,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """The Kaiser window I₀(β √(1 - (2n / (M - 1) - 1)²)) / I₀(β), I₀ the modified Bessel function.

    Args:
        M (int): the number of values, at least 0.
        beta (float): the shape parameter β, non-negative (default 12): 0 is a rectangle.
        sym (bool): the symmetric window (default True) rather than the periodic one.
        dtype (dtype, optional): float32 or float64 (default: `get_default_dtype()`).

    Returns:
        Tensor: (M,).

    Examples:
        >>> retrograd.signal.windows.kaiser(5, beta=5.0)
        tensor([0.0367, 0.5529, 1.0000, 0.5529, 0.0367])
    """
    dt = _checked_dtype("kaiser", M, dtype, layout)
    if beta < 0:
        raise ValueError(f"beta must be non-negative, got: {beta} instead.")
    if M <= 1:
        return (empty if M == 0 else ones)((M,), dtype=dt, device=device, requires_grad=requires_grad)
    b = tensor(beta, dtype=dt, device=device)
    # the argument runs from -β to β (clipped there, as rounding could overshoot it)
    step = 2.0 * b / (M if not sym else M - 1)
    end = minimum(b, -b + (M - 1) * step)
    k = linspace(-b, end, M, dtype=dt, device=device, requires_grad=requires_grad)
    return i0(sqrt(b * b - pow(k, 2))) / i0(b)


def bartlett(
    M: int,
    *,
    sym: bool = True,
    dtype: _dt.dtype | None = None,
    layout: Any = strided,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """The Bartlett (triangular, zero-ended) window 1 - |2n / (M - 1) - 1|, n = 0 … M - 1.

    Args:
        M (int): the number of values, at least 0.
        sym (bool): the symmetric window (default True) rather than the periodic one.
        dtype (dtype, optional): float32 or float64 (default: `get_default_dtype()`).

    Returns:
        Tensor: (M,).

    Examples:
        >>> retrograd.signal.windows.bartlett(5)
        tensor([0.0000, 0.5000, 1.0000, 0.5000, 0.0000])
    """
    dt = _checked_dtype("bartlett", M, dtype, layout)
    if M <= 1:
        return (empty if M == 0 else ones)((M,), dtype=dt, device=device, requires_grad=requires_grad)
    step = 2 / (M if not sym else M - 1)
    k = linspace(-1, -1 + (M - 1) * step, M, dtype=dt, device=device, requires_grad=requires_grad)
    return 1 - abs(k)


def general_cosine(
    M: int,
    *,
    a: Iterable,
    sym: bool = True,
    dtype: _dt.dtype | None = None,
    layout: Any = strided,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """The sum of cosines Σᵢ (-1)ⁱ aᵢ cos(2π i n / (M - 1)), n = 0 … M - 1 (Hann, Hamming, Blackman, ...).

    Args:
        M (int): the number of values, at least 0.
        a (list or tuple of float): the coefficients a₀, a₁, ..., not empty.
        sym (bool): the symmetric window (default True) rather than the periodic one.
        dtype (dtype, optional): float32 or float64 (default: `get_default_dtype()`).

    Returns:
        Tensor: (M,).

    Examples:
        >>> retrograd.signal.windows.general_cosine(5, a=[0.5, 0.5])
        tensor([0.0000, 0.5000, 1.0000, 0.5000, 0.0000])
    """
    dt = _checked_dtype("general_cosine", M, dtype, layout)
    if M <= 1:
        return (empty if M == 0 else ones)((M,), dtype=dt, device=device, requires_grad=requires_grad)
    if not isinstance(a, Iterable):
        raise TypeError("Coefficients must be a list/tuple")
    if not a:
        raise ValueError("Coefficients cannot be empty")
    step = 2 * math.pi / (M if not sym else M - 1)
    k = linspace(0, (M - 1) * step, M, dtype=dt, device=device, requires_grad=requires_grad)
    signed = tensor([(-1) ** i * w for i, w in enumerate(a)], dtype=dt, device=device, requires_grad=requires_grad)
    order = arange(signed.shape[0], dtype=dt, device=device, requires_grad=requires_grad)
    return (signed.unsqueeze(-1) * cos(order.unsqueeze(-1) * k)).sum(0)


def general_hamming(
    M: int,
    *,
    alpha: float = 0.54,
    sym: bool = True,
    dtype: _dt.dtype | None = None,
    layout: Any = strided,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """The generalized Hamming window α - (1 - α) cos(2πn / (M - 1)), n = 0 … M - 1.

    Args:
        M (int): the number of values, at least 0.
        alpha (float): the constant term α (default 0.54, Hamming's; 0.5 is Hann's).
        sym (bool): the symmetric window (default True) rather than the periodic one.
        dtype (dtype, optional): float32 or float64 (default: `get_default_dtype()`).

    Returns:
        Tensor: (M,).

    Examples:
        >>> retrograd.signal.windows.general_hamming(5, alpha=0.6)
        tensor([0.2000, 0.6000, 1.0000, 0.6000, 0.2000])
    """
    return general_cosine(
        M, a=[alpha, 1.0 - alpha], sym=sym, dtype=dtype, layout=layout, device=device, requires_grad=requires_grad
    )


def hamming(
    M: int,
    *,
    sym: bool = True,
    dtype: _dt.dtype | None = None,
    layout: Any = strided,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """The Hamming window 0.54 - 0.46 cos(2πn / (M - 1)), n = 0 … M - 1.

    Args:
        M (int): the number of values, at least 0.
        sym (bool): the symmetric window (default True) rather than the periodic one.
        dtype (dtype, optional): float32 or float64 (default: `get_default_dtype()`).

    Returns:
        Tensor: (M,).

    Examples:
        >>> retrograd.signal.windows.hamming(5)
        tensor([0.0800, 0.5400, 1.0000, 0.5400, 0.0800])
    """
    return general_hamming(M, sym=sym, dtype=dtype, layout=layout, device=device, requires_grad=requires_grad)


def hann(
    M: int,
    *,
    sym: bool = True,
    dtype: _dt.dtype | None = None,
    layout: Any = strided,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """The Hann window 0.5 - 0.5 cos(2πn / (M - 1)), n = 0 … M - 1.

    Args:
        M (int): the number of values, at least 0.
        sym (bool): the symmetric window (default True) rather than the periodic one.
        dtype (dtype, optional): float32 or float64 (default: `get_default_dtype()`).

    Returns:
        Tensor: (M,).

    Examples:
        >>> retrograd.signal.windows.hann(5)
        tensor([0.0000, 0.5000, 1.0000, 0.5000, 0.0000])
    """
    return general_hamming(
        M, alpha=0.5, sym=sym, dtype=dtype, layout=layout, device=device, requires_grad=requires_grad
    )


def blackman(
    M: int,
    *,
    sym: bool = True,
    dtype: _dt.dtype | None = None,
    layout: Any = strided,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """The Blackman window 0.42 - 0.5 cos(2πn / (M - 1)) + 0.08 cos(4πn / (M - 1)), n = 0 … M - 1.

    Args:
        M (int): the number of values, at least 0.
        sym (bool): the symmetric window (default True) rather than the periodic one.
        dtype (dtype, optional): float32 or float64 (default: `get_default_dtype()`).

    Returns:
        Tensor: (M,).

    Examples:
        >>> retrograd.signal.windows.blackman(5)
        tensor([-1.4901e-08,  3.4000e-01,  1.0000e+00,  3.4000e-01, -1.4901e-08])
    """
    dt = _checked_dtype("blackman", M, dtype, layout)
    return general_cosine(
        M, a=[0.42, 0.5, 0.08], sym=sym, dtype=dt, layout=layout, device=device, requires_grad=requires_grad
    )


def nuttall(
    M: int,
    *,
    sym: bool = True,
    dtype: _dt.dtype | None = None,
    layout: Any = strided,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """The minimum 4-term Blackman-Harris (Nuttall) window, a `general_cosine` of four terms.

    Args:
        M (int): the number of values, at least 0.
        sym (bool): the symmetric window (default True) rather than the periodic one.
        dtype (dtype, optional): float32 or float64 (default: `get_default_dtype()`).

    Returns:
        Tensor: (M,).

    Examples:
        >>> retrograd.signal.windows.nuttall(5)
        tensor([3.6280e-04, 2.2698e-01, 1.0000e+00, 2.2698e-01, 3.6280e-04])
    """
    return general_cosine(
        M,
        a=[0.3635819, 0.4891775, 0.1365995, 0.0106411],
        sym=sym,
        dtype=dtype,
        layout=layout,
        device=device,
        requires_grad=requires_grad,
    )
