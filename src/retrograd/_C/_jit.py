"""The TorchScript executor and fuser switches of `torch._C` (`_jit_set_profiling_mode`, ...).

timm's `set_jit_fuser` and `set_jit_legacy` flip them before scripting a model. retrograd scripts
nothing, so the switches only keep their state: each setter stores its flag (the profiling and LLGA
ones return the previous value, as PyTorch's do) and each getter reads it back. The defaults are those
of a CPU build of PyTorch: profiling executor and mode on, the TensorExpr fuser on, fusion on CPU
and GPU off, oneDNN Graph (LLGA) off.
"""

from __future__ import annotations

__all__ = [
    "_jit_can_fuse_on_cpu", "_jit_can_fuse_on_gpu", "_jit_llga_enabled", "_jit_override_can_fuse_on_cpu",
    "_jit_override_can_fuse_on_gpu", "_jit_set_llga_enabled", "_jit_set_nvfuser_enabled",
    "_jit_set_nvfuser_guard_mode", "_jit_set_profiling_executor", "_jit_set_profiling_mode",
    "_jit_set_texpr_fuser_enabled", "_jit_texpr_fuser_enabled",
]  # fmt: skip

_flags = {
    "profiling_executor": True,
    "profiling_mode": True,
    "texpr_fuser": True,
    "fuse_on_cpu": False,
    "fuse_on_gpu": False,
    "llga": False,
}


def _swap(name: str, value: bool) -> bool:
    """Store `value` under `name`; the value it had."""
    old = _flags[name]
    _flags[name] = bool(value)
    return old


def _jit_set_profiling_executor(arg0: bool) -> bool:
    """Choose the profiling (True) or legacy executor; the previous choice.

    >>> retrograd._C._jit_set_profiling_executor(True)
    True
    """
    return _swap("profiling_executor", arg0)


def _jit_set_profiling_mode(arg0: bool) -> bool:
    """Turn the profiling executor's profiling on or off; the previous setting."""
    return _swap("profiling_mode", arg0)


def _jit_set_texpr_fuser_enabled(arg0: bool) -> None:
    """Turn the TensorExpr fuser on or off."""
    _swap("texpr_fuser", arg0)


def _jit_texpr_fuser_enabled() -> bool:
    """Whether the TensorExpr fuser is on (True by default)."""
    return _flags["texpr_fuser"]


def _jit_override_can_fuse_on_cpu(arg0: bool) -> None:
    """Allow or forbid fusing on CPU."""
    _swap("fuse_on_cpu", arg0)


def _jit_can_fuse_on_cpu() -> bool:
    """Whether fusing on CPU is allowed (False by default)."""
    return _flags["fuse_on_cpu"]


def _jit_override_can_fuse_on_gpu(arg0: bool) -> None:
    """Allow or forbid fusing on GPU."""
    _swap("fuse_on_gpu", arg0)


def _jit_can_fuse_on_gpu() -> bool:
    """Whether fusing on GPU is allowed (False by default)."""
    return _flags["fuse_on_gpu"]


def _jit_set_llga_enabled(arg0: bool) -> bool:
    """Turn the oneDNN Graph (LLGA) fuser on or off; the previous setting."""
    return _swap("llga", arg0)


def _jit_llga_enabled() -> bool:
    """Whether the oneDNN Graph (LLGA) fuser is on (False by default)."""
    return _flags["llga"]


def _jit_set_nvfuser_enabled(arg0: bool) -> None:
    """A no-op: PyTorch dropped nvFuser from TorchScript and kept the switch for old callers."""


def _jit_set_nvfuser_guard_mode(arg0: bool) -> None:
    """A no-op, like `_jit_set_nvfuser_enabled`."""
