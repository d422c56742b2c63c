"""`torch.utils.cpp_extension`: building C++/CUDA extensions against PyTorch's C++ library.

retrograd has no C++ library to build against, so `load` and `load_inline` raise RuntimeError.
Libraries that try an optional compiled kernel and fall back to Python when the build fails
(PEFT's BOFT imports `load` and catches any error) then take their Python path, as they do under
PyTorch on a machine without a CUDA toolkit.
"""

from __future__ import annotations

import subprocess
from typing import Any, NoReturn

__all__ = ["CUDA_HOME", "ROCM_HOME", "is_ninja_available", "load", "load_inline", "verify_ninja_availability"]

CUDA_HOME: str | None = None  # no CUDA toolkit is used by retrograd
ROCM_HOME: str | None = None

_NO_BUILD = "retrograd cannot build C++/CUDA extensions (it has no C++ library to link against); extension {!r}"


def load(name: str, sources: str | list[str], *args: Any, **kwargs: Any) -> NoReturn:
    """Build and import an extension from source files: raises RuntimeError in retrograd."""
    raise RuntimeError(_NO_BUILD.format(name))


def load_inline(name: str, cpp_sources: Any, *args: Any, **kwargs: Any) -> NoReturn:
    """Build and import an extension from source strings: raises RuntimeError in retrograd."""
    raise RuntimeError(_NO_BUILD.format(name))


def is_ninja_available() -> bool:
    """Whether the `ninja` build tool runs on this machine (`ninja --version` succeeds)."""
    try:
        subprocess.check_output(["ninja", "--version"])
    except Exception:
        return False
    return True


def verify_ninja_availability() -> None:
    """Raise RuntimeError unless `ninja` is available."""
    if not is_ninja_available():
        raise RuntimeError("Ninja is required to load C++ extensions (pip install ninja to get it)")
