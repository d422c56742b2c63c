"""Keep the memory of freed arrays mapped, so that the next training step does not fault it in again.

A training step allocates and frees the same large arrays every time (activations, their
gradients, the logits). NumPy takes them from the C library's malloc. glibc's malloc hands the
top of its heap back to the kernel as soon as enough of it is free, so the next step's arrays land
on fresh pages, and the kernel must zero and map each 4 KiB page when it is first written. On a
virtual machine that costs about a microsecond per page: the W11 LSTM step took 4,300 such page
faults (about 5 of its 25 ms), the W10 transformer step 1,200, the W6 CNN step 650.

`before_training()` applies the setting once, when the first backward pass runs (the engine calls
it): the loop of steps is what reuses freed memory, while the setup before it (data loaded and
converted, models built) keeps glibc's default, which hands its large temporaries back (W3's
float64 data draws stayed resident otherwise: 1.4 MiB of its 50 MiB peak).

`keep_heap_mapped()` asks glibc to keep a pad of memory at the top of the heap when it trims
(`mallopt(M_TOP_PAD)`), and to take arrays up to 32 MiB from the heap (`M_MMAP_THRESHOLD`):
glibc would otherwise map each one above its mmap threshold (128 KiB until it adapts, and
setting any of these parameters stops the adapting) and unmap it when freed. Faults per step fall
to about zero; peak memory stays the same (the pad is memory the step has just used), the process
just returns its freed memory later. The environment variable RETROGRAD_MALLOC_TOP_PAD sets the
pad in bytes; 0 leaves malloc as it is. Other C libraries (macOS, Windows, musl) are left alone.
"""

from __future__ import annotations

import ctypes
import os

M_TOP_PAD = -2  # glibc's <malloc.h> parameter numbers
M_MMAP_THRESHOLD = -3
DEFAULT_TOP_PAD = 64 << 20  # 64 MiB: more than any workload's per-step churn in benchmarks/
HEAP_UP_TO = 32 << 20  # the largest mmap threshold glibc accepts on 64-bit systems


def is_glibc() -> bool:
    """True when the process runs on GNU libc (the only malloc this module knows how to tune)."""
    try:
        return (os.confstr("CS_GNU_LIBC_VERSION") or "").startswith("glibc")
    except (ValueError, OSError, AttributeError):  # no such confstr name: not glibc
        return False


def top_pad_setting() -> int:
    """The pad asked for: RETROGRAD_MALLOC_TOP_PAD in bytes if set, else 64 MiB."""
    value = os.environ.get("RETROGRAD_MALLOC_TOP_PAD", "").strip()
    if not value:
        return DEFAULT_TOP_PAD
    try:
        pad = int(value)
    except ValueError:
        raise ValueError(f"RETROGRAD_MALLOC_TOP_PAD must be a number of bytes, got {value!r}") from None
    if pad < 0:
        raise ValueError(f"RETROGRAD_MALLOC_TOP_PAD must be >= 0, got {pad}")
    return pad


def keep_heap_mapped() -> bool:
    """Set glibc's heap top pad (see the module docstring); True when it was set."""
    pad = top_pad_setting()
    if pad == 0 or not is_glibc():
        return False
    mallopt = ctypes.CDLL(None).mallopt
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    return bool(mallopt(M_MMAP_THRESHOLD, HEAP_UP_TO)) and bool(mallopt(M_TOP_PAD, min(pad, 2**31 - 1)))


_applied = False


def before_training() -> None:
    """`keep_heap_mapped()` once per process, at the first backward pass (see the module docstring)."""
    global _applied
    if not _applied:
        _applied = True
        keep_heap_mapped()
