"""Spectral ops: discrete Fourier transforms (the primitives of `retrograd.fft`).

- `fft`: the c2c/r2c/c2r primitives and the complex transforms (fft, ifft, fft2, fftn, ...)
- `real_fft`: rfft/irfft and the Hermitian hfft/ihfft, 1-d, 2-d and n-d
- `frequencies`: fftfreq, rfftfreq, fftshift, ifftshift
- `stft`: stft and istft (framing, windows, overlap-add)

`__all__` holds the top-level names; `retrograd.fft` gathers the `torch.fft` ones.
"""

from __future__ import annotations

from . import stft as _stft
from .stft import *  # noqa: F403

__all__: list[str] = []
__all__ += _stft.__all__
