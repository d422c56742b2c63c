"""`emit_nvtx` and `emit_itt`: PyTorch's profilers that mark each op as a range for an outside tool.

NVTX ranges are for NVIDIA's profilers: PyTorch's CPU build fails on entering with CUDA's
AssertionError, and so does retrograd. ITT ranges are for Intel VTune: without VTune attached
they record nothing, so entering one does nothing, in PyTorch's CPU build as here.
"""

from __future__ import annotations

from typing import Any

__all__ = ["emit_itt", "emit_nvtx"]


class emit_itt:  # noqa: N801 - PyTorch's name
    """A context manager marking each op as an ITT range for Intel VTune; no tool listens here, so it does nothing."""

    def __init__(self, enabled: bool = True, record_shapes: bool = False) -> None:
        self.enabled, self.record_shapes = enabled, record_shapes

    def __enter__(self) -> emit_itt:
        return self

    def __exit__(self, *exc: Any) -> None:
        return None


class emit_nvtx:  # noqa: N801 - PyTorch's name
    """A context manager marking each op as an NVTX range; entering it enabled needs CUDA (AssertionError here)."""

    def __init__(self, enabled: bool = True, record_shapes: bool = False) -> None:
        self.enabled, self.record_shapes = enabled, record_shapes

    def __enter__(self) -> emit_nvtx:
        if self.enabled:
            raise AssertionError("Torch not compiled with CUDA enabled")
        return self

    def __exit__(self, *exc: Any) -> None:
        return None
