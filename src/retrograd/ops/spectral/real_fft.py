"""Transforms of real signals: rfft/irfft (the half spectrum and back) and the Hermitian
hfft/ihfft, in 1, 2 and n dims. Built on the primitives of `fft`.
"""

from __future__ import annotations

from typing import Any

from ...tensor import Tensor
from ..elementwise.complex_parts import conj
from ..kernels.operands import tensor_of
from ..kernels.out_arg import SAME_INPUT, Both, write_out
from .fft import (
    _COMPLEX_OUT,
    _DUAL,
    _REAL_OUT,
    _as_complex,
    _c2c,
    _c2r,
    _check_floating,
    _fit_sizes,
    _norm,
    _one,
    _plan,
    _r2c,
)

__all__ = ["rfft", "irfft", "rfft2", "irfft2", "rfftn", "irfftn", "hfft", "ihfft", "hfft2", "ihfft2", "hfftn", "ihfftn"]


# --- real to half spectrum and back -----------------------------------------------------------


def _rfftn_general(x: Any, s: Any, dim: Any, norm: str, all_dims: bool, name: str) -> Tensor:
    x = _check_floating(tensor_of(x), name, real_only=True)
    dims, sizes = _plan(x, s, dim, all_dims)
    x = _fit_sizes(x, dims, sizes)
    out = _r2c(x, dim=dims[-1], norm=norm)
    if len(dims) > 1:
        out = _c2c(out, dims=tuple(dims[:-1]), norm=norm, forward=True)
    return out


def _irfftn_general(x: Any, s: Any, dim: Any, norm: str, all_dims: bool, name: str) -> Tensor:
    x = _as_complex(_check_floating(tensor_of(x), name))
    dims, sizes = _plan(x, s, dim, all_dims)
    last = sizes[-1] if sizes[-1] is not None else 2 * (x.shape[dims[-1]] - 1)
    if last < 1:
        raise RuntimeError(f"Invalid number of data points ({last}) specified")
    x = _fit_sizes(x, dims[:-1], sizes[:-1])
    if len(dims) > 1:
        x = _c2c(x, dims=tuple(dims[:-1]), norm=norm, forward=False)
    return _c2r(x, dim=dims[-1], n=last, norm=norm)


def rfft(input: Tensor, n: int | None = None, dim: int = -1, norm: str | None = None, *, out: Any = None) -> Tensor:
    """The onesided 1-D DFT of a real signal: n//2 + 1 bins (the rest are their conjugates).

    Args:
        input (Tensor): a real signal (integers become the default float).
        n (int, optional): the signal length: `input` is cut or zero-padded to it along `dim`
            (default: as it is).
        dim (int): the dim to transform (default -1).
        norm (str, optional): the scaling: 'backward' (default; none forward, 1/n on the inverse),
            'ortho' (1/sqrt(n) both ways) or 'forward' (1/n forward, none on the inverse).
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: complex, n//2 + 1 bins along `dim`.

    Examples:
        >>> retrograd.fft.rfft(retrograd.tensor([1.0, 2.0, 3.0, 4.0]))
        tensor([10.+0.j, -2.+2.j, -2.+0.j])
    """
    if out is not None:
        return write_out(out, rfft, locals(), _COMPLEX_OUT["rfft"])
    return _rfftn_general(input, *_one(n, dim), _norm(norm), False, "rfft")


def irfft(input: Tensor, n: int | None = None, dim: int = -1, norm: str | None = None, *, out: Any = None) -> Tensor:
    """The real signal of length n (default 2·(m - 1)) whose onesided spectrum is `input`.

    Args:
        input (Tensor): a onesided spectrum of m bins along `dim`.
        n (int, optional): the output length (default 2·(m - 1); pass it for an odd-length signal).
        dim (int): the dim to transform (default -1).
        norm (str, optional): the scaling: 'backward' (default; none forward, 1/n on the inverse),
            'ortho' (1/sqrt(n) both ways) or 'forward' (1/n forward, none on the inverse).
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: real, n samples along `dim`.

    Examples:
        >>> retrograd.fft.irfft(retrograd.fft.rfft(retrograd.tensor([1.0, 2.0, 3.0])), n=3)
        tensor([1., 2., 3.])
    """
    if out is not None:
        return write_out(out, irfft, locals(), _REAL_OUT["irfft"])
    return _irfftn_general(input, *_one(n, dim), _norm(norm), False, "irfft")


def rfft2(input: Tensor, s: Any = None, dim: Any = (-2, -1), norm: str | None = None, *, out: Any = None) -> Tensor:
    """The 2-D DFT of a real signal, onesided in the last of `dim`.

    Args:
        input (Tensor): a real signal.
        s (sequence of int, optional): the signal size per transformed dim (cut or zero-padded).
        dim (sequence of int): the dims to transform (default (-2, -1)).
        norm (str, optional): the scaling: 'backward' (default; none forward, 1/n on the inverse),
            'ortho' (1/sqrt(n) both ways) or 'forward' (1/n forward, none on the inverse).
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: complex; the last transformed dim has n//2 + 1 bins.

    Examples:
        >>> retrograd.fft.rfft2(retrograd.tensor([[1.0, 2.0], [3.0, 4.0]]))
        tensor([[10.+0.j, -2.+0.j],
                [-4.+0.j,  0.+0.j]])
    """
    if out is not None:
        return write_out(out, rfft2, locals(), _COMPLEX_OUT["rfftn"])
    return _rfftn_general(input, s, dim, _norm(norm), False, "rfft2")


def irfft2(input: Tensor, s: Any = None, dim: Any = (-2, -1), norm: str | None = None, *, out: Any = None) -> Tensor:
    """The inverse of `rfft2`: a real signal from a spectrum onesided in the last of `dim`.

    Args:
        input (Tensor): a spectrum, onesided in the last of `dim`.
        s (sequence of int, optional): the output size per transformed dim (default: the last one
            2·(m - 1)).
        dim (sequence of int): the dims to transform (default (-2, -1)).
        norm (str, optional): the scaling: 'backward' (default; none forward, 1/n on the inverse),
            'ortho' (1/sqrt(n) both ways) or 'forward' (1/n forward, none on the inverse).
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: real.

    Examples:
        >>> retrograd.fft.irfft2(retrograd.fft.rfft2(retrograd.tensor([[1.0, 2.0], [3.0, 4.0]])))
        tensor([[1., 2.],
                [3., 4.]])
    """
    if out is not None:
        return write_out(out, irfft2, locals(), _REAL_OUT["irfftn"])
    return _irfftn_general(input, s, dim, _norm(norm), False, "irfft2")


def rfftn(input: Tensor, s: Any = None, dim: Any = None, norm: str | None = None, *, out: Any = None) -> Tensor:
    """The N-D DFT of a real signal, onesided in the last of `dim`.

    Args:
        input (Tensor): a real signal.
        s (sequence of int, optional): the signal size per transformed dim (cut or zero-padded).
        dim (sequence of int, optional): the dims to transform (default all, or the last len(s)).
        norm (str, optional): the scaling: 'backward' (default; none forward, 1/n on the inverse),
            'ortho' (1/sqrt(n) both ways) or 'forward' (1/n forward, none on the inverse).
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: complex; the last transformed dim has n//2 + 1 bins.

    Examples:
        >>> retrograd.fft.rfftn(retrograd.ones(2, 2, 2)).shape
        retrograd.Size([2, 2, 2])
    """
    if out is not None:
        return write_out(out, rfftn, locals(), _COMPLEX_OUT["rfftn"])
    return _rfftn_general(input, s, dim, _norm(norm), True, "rfftn")


def irfftn(input: Tensor, s: Any = None, dim: Any = None, norm: str | None = None, *, out: Any = None) -> Tensor:
    """The inverse of `rfftn`: a real signal from a spectrum onesided in the last of `dim`.

    Args:
        input (Tensor): a spectrum, onesided in the last of `dim`.
        s (sequence of int, optional): the output size per transformed dim (default: the last one
            2·(m - 1)).
        dim (sequence of int, optional): the dims to transform (default all, or the last len(s)).
        norm (str, optional): the scaling: 'backward' (default; none forward, 1/n on the inverse),
            'ortho' (1/sqrt(n) both ways) or 'forward' (1/n forward, none on the inverse).
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: real.

    Examples:
        >>> retrograd.fft.irfftn(retrograd.fft.rfftn(retrograd.ones(2, 2, 2))).shape
        retrograd.Size([2, 2, 2])
    """
    if out is not None:
        return write_out(out, irfftn, locals(), _REAL_OUT["irfftn"])
    return _irfftn_general(input, s, dim, _norm(norm), True, "irfftn")


# --- Hermitian signals: hfft is irfft of the conjugate, ihfft the conjugate of rfft --------------


def hfft(input: Tensor, n: int | None = None, dim: int = -1, norm: str | None = None, *, out: Any = None) -> Tensor:
    """The (real) DFT of a Hermitian-symmetric signal given by its first half; n = 2·(m - 1) by default.

    Args:
        input (Tensor): the first half (m samples along `dim`) of a Hermitian-symmetric signal.
        n (int, optional): the output length (default 2·(m - 1)).
        dim (int): the dim to transform (default -1).
        norm (str, optional): the scaling: 'backward' (default; none forward, 1/n on the inverse),
            'ortho' (1/sqrt(n) both ways) or 'forward' (1/n forward, none on the inverse).
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: real, n bins along `dim`.

    Examples:
        >>> retrograd.fft.hfft(retrograd.tensor([1.0, 2.0, 3.0]))
        tensor([ 8., -2.,  0., -2.])
    """
    if out is not None:
        return write_out(out, hfft, locals(), _REAL_OUT["hfft"])
    x = conj(_as_complex(_check_floating(tensor_of(input), "hfft")))
    return _irfftn_general(x, *_one(n, dim), _DUAL[_norm(norm)], False, "hfft")


def ihfft(input: Tensor, n: int | None = None, dim: int = -1, norm: str | None = None, *, out: Any = None) -> Tensor:
    """The inverse of `hfft`: the onesided inverse DFT of a real signal.

    Args:
        input (Tensor): a real signal.
        n (int, optional): the signal length: `input` is cut or zero-padded to it along `dim`
            (default: as it is).
        dim (int): the dim to transform (default -1).
        norm (str, optional): the scaling: 'backward' (default; none forward, 1/n on the inverse),
            'ortho' (1/sqrt(n) both ways) or 'forward' (1/n forward, none on the inverse).
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: complex, n//2 + 1 bins along `dim`.

    Examples:
        >>> retrograd.fft.ihfft(retrograd.tensor([4.0, 0.0, 0.0, 0.0]))
        tensor([1.-0.j, 1.-0.j, 1.-0.j])
    """
    if out is not None:
        return write_out(out, ihfft, locals(), Both(_COMPLEX_OUT["ihfft"], SAME_INPUT), grad="copy")
    return conj(_rfftn_general(input, *_one(n, dim), _DUAL[_norm(norm)], False, "ihfft"))


def hfft2(input: Tensor, s: Any = None, dim: Any = (-2, -1), norm: str | None = None, *, out: Any = None) -> Tensor:
    """The 2-D DFT of a Hermitian-symmetric signal given by its first half in the last of `dim`."""
    if out is not None:
        return write_out(out, hfft2, locals(), _REAL_OUT["hfftn"])
    x = conj(_as_complex(_check_floating(tensor_of(input), "hfft2")))
    return _irfftn_general(x, s, dim, _DUAL[_norm(norm)], False, "hfft2")


def ihfft2(input: Tensor, s: Any = None, dim: Any = (-2, -1), norm: str | None = None, *, out: Any = None) -> Tensor:
    """The inverse of `hfft2`."""
    if out is not None:
        return write_out(out, ihfft2, locals(), _COMPLEX_OUT["ihfftn"])
    return conj(_rfftn_general(input, s, dim, _DUAL[_norm(norm)], False, "ihfft2"))


def hfftn(input: Tensor, s: Any = None, dim: Any = None, norm: str | None = None, *, out: Any = None) -> Tensor:
    """The N-D DFT of a Hermitian-symmetric signal given by its first half in the last of `dim`."""
    if out is not None:
        return write_out(out, hfftn, locals(), _REAL_OUT["hfftn"])
    x = conj(_as_complex(_check_floating(tensor_of(input), "hfftn")))
    return _irfftn_general(x, s, dim, _DUAL[_norm(norm)], True, "hfftn")


def ihfftn(input: Tensor, s: Any = None, dim: Any = None, norm: str | None = None, *, out: Any = None) -> Tensor:
    """The inverse of `hfftn`."""
    if out is not None:
        return write_out(out, ihfftn, locals(), _COMPLEX_OUT["ihfftn"])
    return conj(_rfftn_general(input, s, dim, _DUAL[_norm(norm)], True, "ihfftn"))
