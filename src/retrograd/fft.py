"""retrograd.fft: PyTorch's torch.fft namespace, differentiable throughout.

The transforms live in `retrograd.ops.spectral.fft`; real inputs are promoted to complex
(float32 -> complex64, float64 -> complex128, integers -> the default complex dtype).

>>> import retrograd as torch
>>> torch.fft.rfft(torch.tensor([1.0, 2.0, 3.0, 4.0]))
tensor([10.+0.j, -2.+2.j, -2.+0.j])
"""

from __future__ import annotations

from ._torch_function import publish as _publish
from .ops.spectral.fft import (
    fft,
    fft2,
    fftn,
    ifft,
    ifft2,
    ifftn,
)
from .ops.spectral.frequencies import (
    fftfreq,
    fftshift,
    ifftshift,
    rfftfreq,
)
from .ops.spectral.real_fft import (
    hfft,
    hfft2,
    hfftn,
    ihfft,
    ihfft2,
    ihfftn,
    irfft,
    irfft2,
    irfftn,
    rfft,
    rfft2,
    rfftn,
)

__all__ = [
    "fft", "ifft", "fft2", "ifft2", "fftn", "ifftn", "rfft", "irfft", "rfft2", "irfft2", "rfftn", "irfftn",
    "hfft", "ihfft", "hfft2", "ihfft2", "hfftn", "ihfftn", "fftfreq", "rfftfreq", "fftshift", "ifftshift",
]


_publish(globals(), "fft_")  # each function checks its arguments for `__torch_function__`
