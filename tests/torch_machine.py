"""Whether PyTorch's float32 kernels on this machine are the ones the bit-level comparisons were made on.

PyTorch's CPU wheels route vector math (log, tan, atan, sqrt, erfinv, ...) and some matrix products
through Intel's MKL, which picks its code by CPU vendor. On Intel CPUs those results are correctly
rounded in all but a fraction of a percent of elements, and retrograd reproduces them bit for bit;
on other CPUs (AMD EPYC, measured) MKL runs generic code whose float32 results differ from the
correctly rounded ones in up to ~20% of elements (`torch.sqrt` included), while retrograd's stay
correctly rounded. Tests that count identical bits with PyTorch hold them to the Intel figures on
Intel only; elsewhere they still require the results to agree within a couple of ulps.
"""

from __future__ import annotations

import functools


@functools.cache
def cpu_vendor() -> str:
    """The CPU's vendor string ("GenuineIntel", "AuthenticAMD"), or "" where /proc/cpuinfo says none."""
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("vendor_id"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return ""


@functools.cache
def avx512_kernels() -> bool:
    """Whether PyTorch runs its AVX-512 kernels here. Its vector width sets how some kernels split a row
    into vector and scalar parts (and where they fuse multiply-adds), so their half-precision and
    short-row results round differently on an AVX2-only CPU; the bit-for-bit figures of those tests
    come from AVX-512 machines."""
    import torch

    return str(torch.backends.cpu.get_cpu_capability()).startswith("AVX512")


AVX2_ROUNDING = "PyTorch's AVX2 kernels split and round these rows otherwise than its AVX-512 ones, the reference"


def mkl_intel_paths() -> bool:
    """Whether PyTorch's MKL runs its Intel code here (the machines the bit-for-bit figures come from)."""
    return cpu_vendor() == "GenuineIntel"


def assert_pytorch_bits(ours: object, theirs: object, rtol: float = 1e-5, atol: float = 1e-7) -> None:
    """`ours` equal to PyTorch's `theirs` bit for bit where MKL runs its Intel code; elsewhere within
    `rtol`/`atol` (a float32 ulp or two from MKL's generic code, grown by a few steps of training)."""
    import numpy as np

    if mkl_intel_paths():
        np.testing.assert_array_equal(ours, theirs)
    else:
        np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=atol)
