"""Discrete Fourier transforms: the primitives of `retrograd.fft` and the functions built on them.

Three primitives do all the work, each a linear map whose adjoint is another transform:

- `c2c`: complex to complex over some dims, forward (e^{-2πi kt/n}) or inverse (e^{+2πi kt/n});
  its adjoint is the other direction with the dual normalisation (backward <-> forward).
- `r2c`: real to the onesided half spectrum (n//2 + 1 bins) along one dim; its adjoint zero-pads
  the gradient back to n bins and takes the real part of the inverse transform.
- `c2r`: a onesided half spectrum to a real signal of length n along one dim; its adjoint is the
  r2c of the gradient with every bin that stands for a pair (k and n - k) counted twice.

`resize` zero-pads or trims a dim (the `n`/`s` arguments). Gradients are PyTorch's convention
for complex tensors (see `ops/elementwise/complex_parts.py`); rules use these same ops, so
second derivatives need nothing more.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ... import dtypes as _dt
from ...backend import on_device_of
from ...engine.primitive import Primitive
from ...tensor import Tensor
from ..autocast_policy import active as _autocasting
from ..autocast_policy import float32 as _float32
from ..elementwise.complex_parts import real
from ..kernels.operands import tensor_of, wrap_dim
from ..kernels.out_arg import SAME_INPUT, Both, Rule, floating, write_out

_NORMS = ("backward", "forward", "ortho")
_DUAL = {"backward": "forward", "forward": "backward", "ortho": "ortho"}


# --- the primitives ---------------------------------------------------------------------------


def _c2c_forward(xp: Any, a: Any, dims: tuple, norm: str, forward: bool) -> Any:
    transform = xp.fft.fftn if forward else xp.fft.ifftn
    return transform(a, axes=dims, norm=norm).astype(a.dtype, copy=False)


def _r2c_forward(xp: Any, a: Any, dim: int, norm: str) -> Any:
    return xp.fft.rfft(a, axis=dim, norm=norm).astype(_dt.from_numpy(a.dtype).to_complex().np, copy=False)


def _c2r_forward(xp: Any, a: Any, dim: int, n: int, norm: str) -> Any:
    return xp.fft.irfft(a, n=n, axis=dim, norm=norm).astype(a.real.dtype, copy=False)


def _resize_forward(xp: Any, a: Any, dim: int, size: int) -> Any:
    """Trim `dim` to `size` entries, or zero-pad it at the end."""
    have = a.shape[dim]
    if size <= have:
        return a[(slice(None),) * dim + (slice(0, size),)].copy()
    pad = [(0, 0)] * a.ndim
    pad[dim] = (0, size - have)
    return xp.pad(a, pad)


def _r2c_rule(g: Tensor, a_shape: tuple, dim: int, norm: str) -> Tensor:
    # Aᴴg for the truncated DFT: pad the half spectrum with zero bins, inverse transform, real part
    full = _resize(g, dim=dim, size=a_shape[dim])
    return real(_c2c(full, dims=(dim,), norm=_DUAL[norm], forward=False))


def _c2r_rule(g: Tensor, a_shape: tuple, dim: int, n: int, norm: str) -> Tensor:
    # bins 1 .. (n-1)//2 stand for a conjugate pair (k and n - k), so they count twice
    half = _r2c(g, dim=dim, norm=_DUAL[norm])
    twice = np.ones(n // 2 + 1, g._data.dtype)
    twice[1 : (n - 1) // 2 + 1] = 2
    shape = [1] * g.ndim
    shape[dim] = twice.size
    weighted = half * Tensor._make(on_device_of(twice.reshape(shape), half._data))
    return _resize(weighted, dim=dim, size=a_shape[dim])


_c2c = Primitive(
    "fft_c2c",
    _c2c_forward,
    [lambda g, dims, norm, forward: _c2c(g, dims=dims, norm=_DUAL[norm], forward=not forward)],
    node_name="FftC2CBackward0",
    quiet=True,  # inf and NaN inputs give NaN bins without a word, as in PyTorch
)
_r2c = Primitive("fft_r2c", _r2c_forward, [_r2c_rule], node_name="FftR2CBackward0", quiet=True)


def _r2c_full_forward(xp: Any, a: Any, dims: tuple, norm: str) -> Any:
    """The whole spectrum of real data: the onesided half, and the other bins as the conjugates
    of their mirror images X[-k] (so self-conjugate bins are exactly real, as in PyTorch)."""
    half = xp.fft.rfftn(a, axes=dims, norm=norm)
    mirrored = xp.conj(half)
    for d in dims[:-1]:  # k -> -k mod n along the other transformed dims
        n = a.shape[d]
        mirrored = xp.take(mirrored, xp.asarray([0] + list(range(n - 1, 0, -1))), axis=d)
    n = a.shape[dims[-1]]
    rest = xp.take(mirrored, xp.asarray([n - k for k in range(n // 2 + 1, n)], dtype=xp.int64), axis=dims[-1])
    full = xp.concatenate([half, rest], axis=dims[-1])
    return full.astype(_dt.from_numpy(a.dtype).to_complex().np, copy=False)


# the adjoint of the full transform of real data: the real part of the inverse with the dual scaling
_r2c_full = Primitive(
    "fft_r2c",
    _r2c_full_forward,
    [lambda g, dims, norm: real(_c2c(g, dims=dims, norm=_DUAL[norm], forward=False))],
    node_name="FftR2CBackward0",
    quiet=True,
)
_c2r = Primitive("fft_c2r", _c2r_forward, [_c2r_rule], node_name="FftC2RBackward0", quiet=True)
_resize = Primitive(
    "fft_resize",
    _resize_forward,
    [lambda g, a_shape, dim: _resize(g, dim=dim, size=a_shape[dim])],
    node_name="ConstantPadNdBackward0",
)


# --- argument checks --------------------------------------------------------------------------


def _norm(norm: str | None) -> str:
    if norm is None:
        return "backward"
    if norm not in _NORMS:
        raise RuntimeError(f'Invalid normalization mode: "{norm}"')
    return norm


def _check_floating(x: Tensor, fname: str, real_only: bool = False) -> Tensor:
    """Integers and bools become the default float; half is refused (as PyTorch does on CPU).

    Under CPU autocast the transforms run in float32 (they are on PyTorch's float32 list).
    """
    if _autocasting[0]:
        x = _float32(x)
    kind = x._data.dtype.kind
    if real_only and kind == "c":
        raise RuntimeError(f"{fname} expects a real input tensor, but got {x.dtype.kind_name}")
    if x.dtype is _dt.float16:
        raise RuntimeError("Unsupported dtype Half")
    if kind in "biu":
        return x.to(_dt.get_default_dtype())
    return x


def _as_complex(x: Tensor) -> Tensor:
    return x if x._data.dtype.kind == "c" else x.to(x.dtype.to_complex())


def _plan(x: Tensor, s: Sequence[int] | None, dim: Any, all_dims: bool) -> tuple[list[int], list[int | None]]:
    """The dims to transform and the signal size along each (None: keep the input's size)."""
    ndim = x.ndim
    if dim is not None:
        dims = [wrap_dim(dim, ndim)] if isinstance(dim, int) else [wrap_dim(d, ndim) for d in dim]
        if len(set(dims)) != len(dims):
            raise RuntimeError("FFT dims must be unique")
        if s is not None and len(s) != len(dims):
            raise RuntimeError("When given, dim and shape arguments must have the same length")
    elif s is not None:
        if len(s) > ndim:
            raise RuntimeError(f"Got shape with {len(s)} values but input tensor only has {ndim} dimensions.")
        dims = list(range(ndim - len(s), ndim))
    else:
        dims = list(range(ndim)) if all_dims else [ndim - 2, ndim - 1]
    sizes: list[int | None] = [None] * len(dims) if s is None else [None if n == -1 else int(n) for n in s]
    for n in sizes:
        if n is not None and n < 1:
            raise RuntimeError(f"Invalid number of data points ({n}) specified")
    return dims, sizes


def _fit_sizes(x: Tensor, dims: Sequence[int], sizes: Sequence[int | None]) -> Tensor:
    for d, n in zip(dims, sizes):
        if n is not None and n != x.shape[d]:
            x = _resize(x, dim=d, size=n)
    for d in dims:
        if x.shape[d] < 1:
            raise RuntimeError(f"Invalid number of data points ({x.shape[d]}) specified")
    return x


def _one(n: int | None, dim: int) -> tuple[list[int] | None, int]:
    return (None if n is None else [n]), dim


# PyTorch's `out` rules: the kernel it names (fftn for fft2, ...) and the kind of dtype it needs
_COMPLEX_OUT = {
    k: Rule(lambda result, out: out.is_complex, f"{k} expects a complex output tensor, but got {{dst}}")
    for k in ("fft", "ifft", "fftn", "rfft", "rfftn", "ihfft", "ihfftn")
}
_REAL_OUT = {
    k: Rule(lambda result, out: out.is_floating_point, f"{k} expects a floating point output tensor, but got {{dst}}")
    for k in ("irfft", "irfftn", "hfft", "hfftn")
}
_FREQ_OUT = floating("{name} requires a floating point or complex dtype")


# --- complex to complex -----------------------------------------------------------------------


def _fftn_general(x: Any, s: Any, dim: Any, norm: str | None, forward: bool, all_dims: bool, name: str) -> Tensor:
    x = _check_floating(tensor_of(x), name)
    dims, sizes = _plan(x, s, dim, all_dims)
    if forward and x._data.dtype.kind == "f" and dims:  # as PyTorch: half the spectrum, the rest by symmetry
        return _r2c_full(_fit_sizes(x, dims, sizes), dims=tuple(dims), norm=_norm(norm))
    x = _fit_sizes(_as_complex(x), dims, sizes)
    return _c2c(x, dims=tuple(dims), norm=_norm(norm), forward=forward)


def fft(input: Tensor, n: int | None = None, dim: int = -1, norm: str | None = None, *, out: Any = None) -> Tensor:
    """The 1-D discrete Fourier transform along `dim` (real input is promoted to complex).

    Args:
        input (Tensor): the signal, real or complex (integers become the default float).
        n (int, optional): the signal length: `input` is cut or zero-padded to it along `dim`
            (default: as it is).
        dim (int): the dim to transform (default -1).
        norm (str, optional): the scaling: 'backward' (default; none forward, 1/n on the inverse),
            'ortho' (1/sqrt(n) both ways) or 'forward' (1/n forward, none on the inverse).
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: complex, n bins along `dim`.

    Examples:
        >>> retrograd.fft.fft(retrograd.tensor([1.0, 2.0, 3.0, 4.0]))
        tensor([10.+0.j, -2.+2.j, -2.+0.j, -2.-2.j])
    """
    if out is not None:
        return write_out(out, fft, locals(), _COMPLEX_OUT["fft"])
    return _fftn_general(input, *_one(n, dim), norm, True, False, "fft")


def ifft(input: Tensor, n: int | None = None, dim: int = -1, norm: str | None = None, *, out: Any = None) -> Tensor:
    """The 1-D inverse discrete Fourier transform along `dim` (scaled by 1/n by default).

    Args:
        input (Tensor): the spectrum, real or complex.
        n (int, optional): the signal length: `input` is cut or zero-padded to it along `dim`
            (default: as it is).
        dim (int): the dim to transform (default -1).
        norm (str, optional): the scaling: 'backward' (default; none forward, 1/n on the inverse),
            'ortho' (1/sqrt(n) both ways) or 'forward' (1/n forward, none on the inverse).
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: complex, n samples along `dim`.

    Examples:
        >>> retrograd.fft.ifft(retrograd.tensor([10.0 + 0j, -2 + 2j, -2 + 0j, -2 - 2j]))
        tensor([1.+0.j, 2.+0.j, 3.+0.j, 4.+0.j])
    """
    if out is not None:
        return write_out(out, ifft, locals(), Both(_COMPLEX_OUT["ifft"], SAME_INPUT), grad="copy")
    return _fftn_general(input, *_one(n, dim), norm, False, False, "ifft")


def fft2(input: Tensor, s: Any = None, dim: Any = (-2, -1), norm: str | None = None, *, out: Any = None) -> Tensor:
    """The 2-D discrete Fourier transform over `dim` (the last two dims by default).

    Args:
        input (Tensor): the signal, real or complex.
        s (sequence of int, optional): the signal size per transformed dim (cut or zero-padded).
        dim (sequence of int): the dims to transform (default (-2, -1)).
        norm (str, optional): the scaling: 'backward' (default; none forward, 1/n on the inverse),
            'ortho' (1/sqrt(n) both ways) or 'forward' (1/n forward, none on the inverse).
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: complex.

    Examples:
        >>> retrograd.fft.fft2(retrograd.tensor([[1.0, 2.0], [3.0, 4.0]]))
        tensor([[10.+0.j, -2.+0.j],
                [-4.+0.j,  0.+0.j]])
    """
    if out is not None:
        return write_out(out, fft2, locals(), _COMPLEX_OUT["fftn"])
    return _fftn_general(input, s, dim, norm, True, False, "fft2")


def ifft2(input: Tensor, s: Any = None, dim: Any = (-2, -1), norm: str | None = None, *, out: Any = None) -> Tensor:
    """The 2-D inverse discrete Fourier transform over `dim`.

    Args:
        input (Tensor): the spectrum, real or complex.
        s (sequence of int, optional): the signal size per transformed dim (cut or zero-padded).
        dim (sequence of int): the dims to transform (default (-2, -1)).
        norm (str, optional): the scaling: 'backward' (default; none forward, 1/n on the inverse),
            'ortho' (1/sqrt(n) both ways) or 'forward' (1/n forward, none on the inverse).
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: complex.

    Examples:
        >>> retrograd.fft.ifft2(retrograd.tensor([[4.0, 0.0], [0.0, 0.0]]))
        tensor([[1.+0.j, 1.+0.j],
                [1.+0.j, 1.+0.j]])
    """
    if out is not None:
        return write_out(out, ifft2, locals(), _COMPLEX_OUT["fftn"])
    return _fftn_general(input, s, dim, norm, False, False, "ifft2")


def fftn(input: Tensor, s: Any = None, dim: Any = None, norm: str | None = None, *, out: Any = None) -> Tensor:
    """The N-D discrete Fourier transform over `dim` (all dims, or the last len(s), by default).

    Args:
        input (Tensor): the signal, real or complex.
        s (sequence of int, optional): the signal size per transformed dim (cut or zero-padded).
        dim (sequence of int, optional): the dims to transform (default all, or the last len(s)).
        norm (str, optional): the scaling: 'backward' (default; none forward, 1/n on the inverse),
            'ortho' (1/sqrt(n) both ways) or 'forward' (1/n forward, none on the inverse).
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: complex.

    Examples:
        >>> retrograd.fft.fftn(retrograd.ones(2, 2, 2))
        tensor([[[8.+0.j, 0.+0.j],
                 [0.+0.j, 0.+0.j]],
        <BLANKLINE>
                [[0.+0.j, 0.+0.j],
                 [0.+0.j, 0.+0.j]]])
    """
    if out is not None:
        return write_out(out, fftn, locals(), _COMPLEX_OUT["fftn"])
    return _fftn_general(input, s, dim, norm, True, True, "fftn")


def ifftn(input: Tensor, s: Any = None, dim: Any = None, norm: str | None = None, *, out: Any = None) -> Tensor:
    """The N-D inverse discrete Fourier transform over `dim`.

    Args:
        input (Tensor): the spectrum, real or complex.
        s (sequence of int, optional): the signal size per transformed dim (cut or zero-padded).
        dim (sequence of int, optional): the dims to transform (default all, or the last len(s)).
        norm (str, optional): the scaling: 'backward' (default; none forward, 1/n on the inverse),
            'ortho' (1/sqrt(n) both ways) or 'forward' (1/n forward, none on the inverse).
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: complex.

    Examples:
        >>> retrograd.fft.ifftn(retrograd.fft.fftn(retrograd.tensor([[1.0, 2.0], [3.0, 4.0]]))).real
        tensor([[1., 2.],
                [3., 4.]])
    """
    if out is not None:
        return write_out(out, ifftn, locals(), _COMPLEX_OUT["fftn"])
    return _fftn_general(input, s, dim, norm, False, True, "ifftn")


__all__ = ["fft", "ifft", "fft2", "ifft2", "fftn", "ifftn"]
