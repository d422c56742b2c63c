"""The short-time Fourier transform and its inverse: stft and istft.

stft cuts the (padded) signal into overlapping frames (`unfold`, a view), weighs each by
the window and transforms it; istft transforms back, weighs again, overlap-adds the frames
and divides by the summed squared window. Overlap-add is the one primitive here: the adjoint
of framing, so each is the other's derivative.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from ..._display_name import package_name
from ..._user_frames import frames_up, warn_once
from ...engine.primitive import Primitive
from ...tensor import Tensor
from ..autocast_policy import active as _autocasting
from ..autocast_policy import float32 as _float32
from ..elementwise.complex_views import view_as_real
from ..kernels.operands import tensor_of
from .fft import fft, ifft
from .real_fft import irfft, rfft

__all__ = ["stft", "istft"]

_STFT_NO_WINDOW = (
    "A window was not provided. A rectangular window will be applied,which is known to cause spectral "
    "leakage. Other windows such as torch.hann_window or torch.hamming_window are recommended to reduce "
    "spectral leakage.To suppress this warning and use a rectangular window, explicitly set "
    "`window=torch.ones(n_fft, device=<device>)`."
)
_ISTFT_NO_WINDOW = (
    "A window was not provided. A rectangular window will be applied.Please provide the same window used "
    "by stft to make the inversion lossless.To suppress this warning and use a rectangular window, "
    "explicitly set `window=torch.ones(n_fft, device=<device>)`."
)


def _overlap_add_forward(xp: Any, frames: Any, hop: int, length: int) -> Any:
    """(..., n_frames, n_fft) frames summed into (..., length) at offsets 0, hop, 2·hop, ..."""
    n_frames, n_fft = frames.shape[-2:]
    out = xp.zeros(frames.shape[:-2] + (length,), frames.dtype)
    for t in range(n_frames):
        out[..., t * hop : t * hop + n_fft] += frames[..., t, :]
    return out


def _frames(x: Tensor, n_fft: int, hop: int) -> Tensor:
    from ..shape.repeat_reorder import unfold

    return unfold(x, -1, n_fft, hop)  # (..., n_frames, n_fft), a view


_overlap_add = Primitive(
    "overlap_add",
    _overlap_add_forward,
    [lambda g, a_shape, hop: _frames(g, a_shape[-1], hop)],  # the adjoint of overlap-add is framing
    quiet=True,
)


def _centre_padded(x: Tensor, pad: int, mode: str) -> Tensor:
    """`x` padded by `pad` on both sides of its last dim, as PyTorch's stft pads it: viewed as
    (1?, B?, L) for `F.pad` (its checks, messages and nodes: ReflectionPad1DBackward0, ...), then back."""
    from ..fused import resample as rs

    shape = [1] * (3 - x.ndim) + list(x.shape)
    x3 = x.view(shape)
    n = shape[2]
    if mode == "constant":
        padded = rs.constant_pad(x3, ((0, 0), (0, 0), (pad, pad)), 0)
    elif mode in _PAD_NODES:
        if mode == "reflect" and pad >= n:
            raise RuntimeError(
                f"Argument #4: Padding size should be less than the corresponding input dimension, but got: "
                f"padding ({pad}, {pad}) at dimension 2 of input {shape}"
            )
        if mode == "circular" and pad > n:
            raise RuntimeError("Padding value causes wrapping around more than once.")
        padded = rs.resample(x3, (2,), (rs.pad_map(n, pad, pad, mode),), _PAD_NODES[mode])
    else:
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    return padded.view(padded.shape[3 - x.ndim :])


# F.pad's nodes for the modes that read the signal's own samples
_PAD_NODES = {"reflect": "ReflectionPad1DBackward0", "replicate": "ReplicationPad1DBackward0", "circular": "CopySlices"}


def _n_fft_for_stft(n_fft: Any) -> int:
    """PyTorch's stft reads n_fft with Python arithmetic first: its errors for non-integers."""
    if isinstance(n_fft, Tensor):
        if n_fft.numel() != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return int(n_fft.item())
    if not isinstance(n_fft, int):
        raise TypeError(f"unsupported operand type(s) for //: '{type(n_fft).__name__}' and 'int'")
    return n_fft


def _window(window: Tensor | None, win_length: int, n_fft: int, like: Tensor) -> Tensor:
    """The (checked) window as a length-n_fft tensor, centred by zero padding; ones when not given."""
    if window is None:
        return Tensor._make(np.ones(n_fft, like.dtype.to_real().np))
    if win_length == n_fft:
        return window
    from ..shape.slicing import cat

    left = (n_fft - win_length) // 2
    zeros = np.zeros(left, window._data.dtype), np.zeros(n_fft - win_length - left, window._data.dtype)
    return cat([Tensor._make(zeros[0]), window, Tensor._make(zeros[1])], 0)


# the dtypes whose ATen type string is a legacy tensor class ("torch.FloatTensor"); others read "CPUBoolType"
_LEGACY_TYPE_NAMES = frozenset({"Byte", "Char", "Short", "Int", "Long", "Half", "Float", "Double"})


def _aten_type_string(t: Tensor) -> str:
    kind = t.dtype.kind_name
    return f"{package_name()}.{kind}Tensor" if kind in _LEGACY_TYPE_NAMES else f"CPU{kind}Type"


def _stft_error(
    message: str, x: Tensor, n_fft: int, hop: int, win_length: int, window: Tensor | None,
    normalized: bool, onesided: bool | None, return_complex: bool, align_to_window: bool | None,
) -> RuntimeError:
    """PyTorch's stft error: the call described (the signal as padded, its type and sizes), then `message`."""
    shown = "None" if window is None else f"{_aten_type_string(window)}{{{list(window.shape)}}}"
    sided = "None" if onesided is None else int(onesided)
    aligned = "None" if align_to_window is None else int(align_to_window)
    return RuntimeError(
        f"stft({_aten_type_string(x)}{list(x.shape)}, n_fft={n_fft}, hop_length={hop}, win_length={win_length}, "
        f"window={shown}, normalized={int(normalized)}, onesided={sided}, return_complex={int(return_complex)}, "
        f"align_to_window={aligned}) : {message}"
    )


def _check_stft_arguments(x: Tensor, n_fft: int, hop: int, win_length: int, window: Tensor | None, *call: Any) -> None:
    """PyTorch's checks of the (padded) signal and the frame sizes, in its order; `call` describes the call."""

    def refuse(message: str) -> RuntimeError:
        return _stft_error(message, x, n_fft, hop, win_length, window, *call)

    if x.ndim not in (1, 2):
        raise refuse("expected a 1D or 2D tensor")
    if not (x.is_floating_point() or x.is_complex()):
        raise refuse("expected a tensor of floating point or complex values")
    length = x.shape[-1]
    if not 0 < n_fft <= length:
        # PyTorch's message shows win_length as the n_fft it got
        raise refuse(f"expected 0 < n_fft < {length}, but got n_fft={win_length}")
    if hop <= 0:
        raise refuse(f"expected hop_length > 0, but got hop_length={hop}")
    if not 0 < win_length <= n_fft:
        raise refuse(f"expected 0 < win_length <= n_fft, but got win_length={win_length}")
    if window is not None and (window.ndim != 1 or window.shape[0] != win_length):
        raise refuse(
            f"expected a 1D window tensor of size equal to win_length={win_length}, but got window with size "
            f"{list(window.shape)}"
        )


def _istft_call(
    spec: Tensor, n_fft: int, hop: int, win_length: int, window: Tensor | None,
    center: bool, normalized: bool, onesided: bool | None, length: int | None, return_complex: bool,
) -> str:
    """How PyTorch's istft errors begin: the call described (the spectrogram's type and sizes, the arguments)."""
    shown = "None" if window is None else f"{_aten_type_string(window)}{{{list(window.shape)}}}"
    sided = "None" if onesided is None else int(onesided)
    return (
        f"istft({_aten_type_string(spec)}{list(spec.shape)}, n_fft={n_fft}, hop_length={hop}, "
        f"win_length={win_length}, window={shown}, center={int(center)}, normalized={int(normalized)}, "
        f"onesided={sided}, length={length}, return_complex={int(return_complex)}) "
    )


def _check_istft_arguments(
    spec: Tensor, n_fft: int, hop: int, win_length: int, window: Tensor | None, *call: Any
) -> None:
    """PyTorch's checks of the spectrogram and the frame sizes, in its order; `call` describes the call."""

    def refuse(message: str) -> RuntimeError:
        return RuntimeError(f"{_istft_call(spec, n_fft, hop, win_length, window, *call)}: {message}")

    if spec.numel() == 0:
        raise refuse("input tensor cannot be empty.")
    if spec.ndim not in (2, 3):  # PyTorch counts the dims of the real view (one more)
        raise refuse(f"expected a tensor with 3 or 4 dimensions, but got {spec.ndim + 1}")
    n_freq = spec.shape[-2]
    onesided = call[2]
    if (n_freq != n_fft) if onesided is None else onesided:
        if n_fft // 2 + 1 != n_freq:
            raise refuse(
                "expected the frequency dimension (3rd to the last) of the input tensor to match n_fft / 2 + 1 "
                f"when onesided=True, but got {n_freq}"
            )
    elif n_freq != n_fft:
        raise refuse(
            "expected the frequency dimension (3rd to the last) of the input tensor to match n_fft when "
            f"onesided=False, but got {n_freq}"
        )
    if not 0 < hop <= win_length:
        raise refuse("expected 0 < hop_length <= win_length")
    if not 0 < win_length <= n_fft:
        raise refuse("expected 0 < win_length <= n_fft")
    if window is not None and (window.ndim != 1 or window.shape[0] != win_length):
        raise refuse("Invalid window shape. window has to be 1D and length of `win_length`")


def stft(
    input: Tensor, n_fft: int, hop_length: int | None = None, win_length: int | None = None,
    window: Tensor | None = None, center: bool = True, pad_mode: str = "reflect", normalized: bool = False,
    onesided: bool | None = None, return_complex: bool | None = None, align_to_window: bool | None = None,
) -> Tensor:
    """The STFT of (L,) or (B, L) signals: (B?, n_freq, n_frames), complex (or real pairs).

    n_freq = n_fft//2 + 1 when onesided (the default for real input and window), else n_fft;
    frames start every `hop_length` (n_fft//4) samples of the signal, padded by n_fft//2 on both
    sides when `center`; `normalized` scales by n_fft^-½.

    Args:
        input (Tensor): the signal, (L,) or (B, L), real or complex.
        n_fft (int): the length of each frame's DFT.
        hop_length (int, optional): the step between frames (default n_fft // 4).
        win_length (int, optional): the window's length, at most n_fft; it is zero-padded to n_fft
            at the centre (default n_fft).
        window (Tensor, optional): a 1-D window of `win_length` samples (default all ones).
        center (bool): pad the signal so that frame t is centred at sample t · hop_length (default True).
        pad_mode (str): how to pad when `center`: 'reflect' (default), 'constant', 'replicate' or
            'circular'.
        normalized (bool): scale by n_fft^-½ (default False).
        onesided (bool, optional): keep only the n_fft//2 + 1 non-redundant bins (default: True for
            real input and window).
        return_complex (bool, optional): return a complex tensor; required for real input, as in
            PyTorch (False gives a trailing dim of 2 holding the real and imaginary parts).
        align_to_window (bool, optional): only with `center=False`: True starts frame t's window (not
            its n_fft samples) at sample t · hop_length, so 1 + (L - win_length) // hop_length frames
            (default None: as False).

    Returns:
        Tensor: shape (B?, n_freq, n_frames).

    Examples:
        >>> x = retrograd.arange(8.0)
        >>> S = retrograd.stft(x, n_fft=4, hop_length=2, window=retrograd.hann_window(4), return_complex=True)
        >>> S.shape
        retrograd.Size([3, 5])
        >>> S[:, 2]
        tensor([ 8.+0.j, -4.+1.j,  0.+0.j])
    """
    if _autocasting[0]:
        input, window = _float32(input, window)
    center = bool(center)  # PyTorch tests `center` before it reads n_fft (a tensor of several values: its error)
    if center and align_to_window is not None:
        raise RuntimeError("stft align_to_window should only be set when center = false")
    x = tensor_of(input)
    n_fft = _n_fft_for_stft(n_fft)
    if center:  # PyTorch pads in Python, before its kernel warns or checks anything
        x = _centre_padded(x, n_fft // 2, pad_mode)
    if window is None:
        warn_once("stft: no window", _STFT_NO_WINDOW)
    is_complex = x.is_complex() or (window is not None and window.is_complex())
    if return_complex is None:
        if not is_complex:
            raise RuntimeError(
                "stft requires the return_complex parameter be given for real inputs, and will further require "
                "that return_complex=True in a future PyTorch release."
            )
        return_complex = True
    hop = n_fft // 4 if hop_length is None else hop_length
    win_length = n_fft if win_length is None else win_length
    _check_stft_arguments(x, n_fft, hop, win_length, window, normalized, onesided, return_complex, align_to_window)
    w = _window(window, win_length, n_fft, x)
    signal_dim = x.ndim
    if signal_dim == 1:  # PyTorch batches a single signal, then squeezes the batch away in place
        x = x.unsqueeze(0)
    if align_to_window and win_length < n_fft:  # the window starts each frame: pad so the centred window does
        from ..fused import resample as rs

        left = (n_fft - win_length) // 2
        x = rs.constant_pad(x, ((0, 0), (left, n_fft - win_length - left)), 0)
    frames = _frames(x, n_fft, hop) * w  # (B, n_frames, n_fft)
    onesided = (not is_complex) if onesided is None else onesided
    if onesided and is_complex:
        raise RuntimeError("Cannot have onesided output if window or input is complex")
    norm = "ortho" if normalized else "backward"
    spec = rfft(frames, norm=norm) if onesided else fft(frames, norm=norm)
    spec.transpose_(1, 2)  # (B, n_freq, n_frames), in place as PyTorch's (TransposeBackward1)
    if signal_dim == 1:
        spec.squeeze_(0)
    if not return_complex:
        warn_once(  # once per process, as PyTorch's TORCH_WARN_ONCE
            "stft: return_complex=False",
            "stft with return_complex=False is deprecated. In a future pytorch release, stft will return complex "
            "tensors for all inputs, and return_complex=False will raise an error.\nNote: you can still call "
            "torch.view_as_real on the complex output to recover the old return format.",
        )
        return view_as_real(spec)
    return spec


def istft(
    input: Tensor, n_fft: int, hop_length: int | None = None, win_length: int | None = None,
    window: Tensor | None = None, center: bool = True, normalized: bool = False, onesided: bool | None = None,
    length: int | None = None, return_complex: bool = False,
) -> Tensor:
    """The inverse of `stft` (by overlap-add, divided by the summed squared window): (B?, L).

    Args:
        input (Tensor): a complex spectrogram, (B?, n_freq, n_frames), as `stft` returns it.
        n_fft (int): the length of each frame's DFT.
        hop_length (int, optional): the step between frames (default n_fft // 4).
        win_length (int, optional): the window's length, at most n_fft; it is zero-padded to n_fft
            at the centre (default n_fft).
        window (Tensor, optional): a 1-D window of `win_length` samples (default all ones).
        center (bool): the signal was padded by `stft` with `center=True` (default True).
        normalized (bool): the spectrogram was normalised by n_fft^-½ (default False).
        onesided (bool, optional): the spectrogram holds n_fft//2 + 1 bins (default: inferred from
            its size).
        length (int, optional): trim or zero-pad the signal to this length.
        return_complex (bool): return a complex signal (default False: real).

    Returns:
        Tensor: the signal, (B?, L).

    Examples:
        >>> x = retrograd.arange(8.0)
        >>> w = retrograd.hann_window(4)
        >>> S = retrograd.stft(x, n_fft=4, hop_length=1, window=w, return_complex=True)
        >>> retrograd.istft(S, n_fft=4, hop_length=1, window=w, length=8)
        tensor([0., 1., 2., 3., 4., 5., 6., 7.])
    """
    if _autocasting[0]:
        input, window = _float32(input, window)
    spec = tensor_of(input)
    if not isinstance(n_fft, int) or isinstance(n_fft, bool):
        raise TypeError(f"istft(): argument 'n_fft' (position 2) must be int, not {type(n_fft).__name__}")
    if window is None:  # PyTorch warns before it checks anything
        warn_once("istft: no window", _ISTFT_NO_WINDOW)
    hop = n_fft // 4 if hop_length is None else hop_length
    win_length = n_fft if win_length is None else win_length
    if not spec.is_complex():
        raise RuntimeError(
            "istft requires a complex-valued input tensor matching the output from stft with return_complex=True."
        )
    call = (center, normalized, onesided, length, return_complex)
    _check_istft_arguments(spec, n_fft, hop, win_length, window, *call)
    n_freq, n_frames = spec.shape[-2:]
    onesided = (n_freq != n_fft) if onesided is None else onesided
    single = spec.ndim == 2
    if single:  # PyTorch batches a single spectrogram, then squeezes the batch away
        spec = spec.unsqueeze(0)
    norm = "ortho" if normalized else "backward"
    columns = spec.transpose(1, 2)  # (B, n_frames, n_freq)
    if return_complex:
        if onesided:
            raise RuntimeError("Cannot have onesided output if window or input is complex")
        frames = ifft(columns, n=n_fft, norm=norm)
    else:
        if window is not None and window.is_complex():
            raise RuntimeError("Complex windows are incompatible with return_complex=False")
        if not onesided:  # a real signal reads only the non-negative frequencies, as PyTorch's c2r transform
            columns = columns.narrow(-1, 0, n_fft // 2 + 1)
        frames = irfft(columns, n=n_fft, norm=norm)
    w = _window(window, win_length, n_fft, frames)
    expected = n_fft + hop * (n_frames - 1)
    y = _overlap_add(frames * w, hop=hop, length=expected)
    w2 = (w * w.conj()).real if w.is_complex() else w * w
    envelope = _overlap_add_forward(np, np.broadcast_to(w2._data, (n_frames, n_fft)), hop, expected)
    start = n_fft // 2 if center else 0
    end = expected - (n_fft // 2 if center else 0) if length is None else start + length
    if (np.abs(envelope[start : min(end, expected)]) < 1e-11).any():
        # PyTorch's message prints the failed test, a 0-d bool tensor holding True
        described = _istft_call(tensor_of(input), n_fft, hop, win_length, window, *call)
        raise RuntimeError(f"{described}window overlap add min: 1\n[ CPUBoolType{{}} ]")
    y = y[..., start:end] / Tensor._make(envelope[start:end].astype(w2._data.dtype))
    if single:
        y = y.squeeze(0)
    if end > expected:
        from ..fused.resample import constant_pad

        warnings.warn(
            "The length of signal is shorter than the length parameter. Result is being padded with zeros in the "
            "tail. Please check your center and hop_length settings.",
            UserWarning,
            stacklevel=frames_up(2),
        )
        y = constant_pad(y, ((0, 0),) * (y.ndim - 1) + ((0, end - expected),), 0)
    return y
