"""Spectral ops: discrete Fourier transforms (the primitives of `retrograd.fft`).

- `fft`: c2c/r2c/c2r transforms and the 22 functions of `torch.fft`

`__all__` holds the top-level names (none yet); `retrograd.fft` gathers the `torch.fft` ones.
"""

from __future__ import annotations

__all__: list[str] = []
