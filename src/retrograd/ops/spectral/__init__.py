"""Spectral ops: discrete Fourier transforms (the primitives of `retrograd.fft`).

- `fft`: c2c/r2c/c2r transforms and the 22 functions of `torch.fft`
- `stft`: stft and istft (framing, windows, overlap-add)

`__all__` holds the top-level names; `retrograd.fft` gathers the `torch.fft` ones.
"""

from __future__ import annotations

from . import stft as _stft
from .stft import *  # noqa: F403

__all__: list[str] = []
__all__ += _stft.__all__
