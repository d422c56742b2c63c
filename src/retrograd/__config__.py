"""`torch.__config__`: how this build was made (`show()`) and how it runs ops in parallel.

Libraries read the build string to pick code paths: PyTorch Geometric checks
`'USE_MKL=OFF' in torch.__config__.show()` and, when MKL is off, multiplies sparse matrices in
COO form. The flags here say what retrograd's NumPy backend has: no CUDA, and MKL, MKL-DNN and
OpenMP only as far as `torch.backends` finds them in NumPy's BLAS.
"""

from __future__ import annotations

import os

import numpy

from . import _threads
from .backends import mkl, mkldnn, openmp
from .version import TORCH_API_VERSION

__all__ = ["parallel_info", "show"]


def _on_off(flag: bool) -> str:
    return "ON" if flag else "OFF"


def show() -> str:
    """The build configuration, in PyTorch's "PyTorch built with:" form.

    Returns:
        str: one line per component, ending in the `Build settings:` line of `KEY=VALUE` pairs.

    Examples:
        >>> "USE_CUDA=0" in retrograd.__config__.show()
        True
    """
    settings = {
        "BLAS_INFO": "numpy",
        "TORCH_VERSION": TORCH_API_VERSION,
        "USE_CUDA": "0",
        "USE_CUDNN": "OFF",
        "USE_MKL": _on_off(mkl.is_available()),
        "USE_MKLDNN": _on_off(mkldnn.is_available()),
        "USE_MPI": "OFF",
        "USE_NCCL": "OFF",
        "USE_OPENMP": _on_off(openmp.is_available()),
        "USE_ROCM": "OFF",
        "USE_XPU": "OFF",
    }
    build = "".join(f"{key}={value}, " for key, value in settings.items())
    return (
        f"PyTorch built with:\n  - NumPy {numpy.__version__} (retrograd's array backend)\n  - Build settings: {build}\n"
    )


def parallel_info() -> str:
    """The thread counts ops run with, in PyTorch's `ATen/Parallel:` form.

    Returns:
        str: the intra-op and inter-op thread counts and the thread environment variables.
    """
    lines = [
        "ATen/Parallel:",
        f"\tat::get_num_threads() : {_threads.get_num_threads()}",
        f"\tat::get_num_interop_threads() : {_threads.get_num_interop_threads()}",
        "Environment variables:",
    ]
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        lines.append(f"\t{name} : {os.environ.get(name, '[not set]')}")
    lines.append("ATen parallel backend: NumPy")
    return "\n".join(lines) + "\n"
