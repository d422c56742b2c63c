"""retrograd.signal: PyTorch's torch.signal namespace (its window functions).

>>> import retrograd as torch
>>> torch.signal.windows.hann(4)
tensor([0.0000, 0.7500, 0.7500, 0.0000])
"""

from __future__ import annotations

from . import windows

__all__ = ["windows"]
