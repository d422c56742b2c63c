"""The array library behind each device, and the registry that picks it.

Ops never import NumPy for math: they ask `namespace(array)` (or `device.xp`) for
the array module of their tensor's device. "cpu" is NumPy. "cuda" is CuPy when it
imports and sees a GPU; in CPU test runs it can be the stand-in device instead
(`use_standin()`, or RETROGRAD_CUDA_STANDIN=1 in the environment), whose arrays
refuse to be read on the host as CuPy's do. With neither, "cuda" can be named
(programs write `device = "cuda" if torch.cuda.is_available() else "cpu"`) but
putting data on it raises PyTorch's no-CUDA AssertionError.
"""

from __future__ import annotations

import builtins
import contextlib
import os
import re
import warnings
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import numpy

from .._display_name import public_class
from . import meta, numpy_warnings, sparse, sparse_compressed

# NumPy's floating-point warnings from retrograd's own modules stay unseen (numpy_warnings)
numpy_warnings.install_filters()
numpy_warnings.install_display_hook()


# PyTorch's device types: all name a device; tensors live on "cpu", "cuda" and "meta" only (as_device)
DEVICE_TYPES = (
    "cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve", "fpga", "maia", "xla",
    "lazy", "vulkan", "mps", "meta", "hpu", "mtia", "privateuseone",
)


# PyTorch's grammar: a type of letters, digits and '_', then ':' and an index without leading zeros
_DEVICE_STRING = re.compile(r"([A-Za-z_]+)(?::(0|[1-9][0-9]*))?")
_NO_ACCELERATOR = "Cannot access accelerator device when none is available."


def _parse_device_string(spec: str) -> tuple[str, int | None]:
    """The type and index of a device string such as "cuda:1", with PyTorch's errors."""
    if not spec:
        raise RuntimeError("Device string must not be empty")
    match = _DEVICE_STRING.fullmatch(spec)
    if match is None:
        raise RuntimeError(f"Invalid device string: '{spec}'")
    kind, num = match.groups()
    if kind not in DEVICE_TYPES:
        raise RuntimeError(f"Expected one of {', '.join(DEVICE_TYPES)} device type at start of device string: {kind}")
    return kind, None if num is None else builtins.int(num)


def _check_index(index: Any, parsed: int | None, spec: Any) -> None:
    """An explicit index: an int, not negative, and not given twice."""
    if not isinstance(index, builtins.int) or isinstance(index, bool):
        raise TypeError(f"device(): argument 'index' (position 2) must be int, not {builtins.type(index).__name__}")
    if parsed is not None:
        raise RuntimeError(f"type (string) must not include an index because index was passed explicitly: {spec}")
    if index < 0:
        raise RuntimeError("Device index must not be negative")


class device:
    """Where a tensor's data lives: `retrograd.device("cpu")`, `retrograd.device("cuda", 0)`.

    It compares equal to another device of the same type and index; `str()` gives the
    "type:index" spelling that `.to()` and the `device=` arguments also accept. In a
    `with device(...):` block it is the default device of the tensors made inside.

    Args:
        type (str or device): "cpu" or "cuda", optionally with an index ("cuda:1"); a device is copied.
        index (int, optional): the device number (None: unspecified).

    Returns:
        (device): the device; `.type` and `.index` are its parts.

    Examples:
        >>> retrograd.device("cuda:1")
        device(type='cuda', index=1)
        >>> str(retrograd.device("cuda", 1)), retrograd.device("cuda:1").index
        ('cuda:1', 1)
        >>> retrograd.ones(2).device
        device(type='cpu')
    """

    __slots__ = ("type", "index")
    type: str
    index: int | None

    def __init__(self, type: str | device = "cpu", index: int | None = None) -> None:  # noqa: A002
        if isinstance(type, device):
            kind, num = type.type, type.index
        elif builtins.type(type) is builtins.int:  # a bare ordinal names the accelerator's device
            if _cuda is None:
                raise RuntimeError(_NO_ACCELERATOR)
            kind, num = "cuda", type
        else:
            kind, num = _parse_device_string(str(type))
        if index is not None:
            _check_index(index, num, type)
        self.type = kind
        self.index = num if index is None else index

    @property
    def xp(self) -> ModuleType | None:
        """The array module of this device (None for "cuda" without a CUDA backend)."""
        if self.type == "cpu":
            return numpy
        if self.type == "meta":
            return meta.xp
        return None if _cuda is None else _cuda.xp

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, device):  # a string is not equal to a device, as in PyTorch
            return NotImplemented
        return (self.type, self.index) == (other.type, other.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))

    def __repr__(self) -> str:
        idx = "" if self.index is None else f", index={self.index}"
        return f"device(type='{self.type}'{idx})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __enter__(self) -> device:
        """`with device("meta"):` makes this the default device of new tensors until the block ends."""
        _default_stack.append(_default[0])
        set_default(self)
        return self

    def __exit__(self, *exc: Any) -> None:
        _default[0] = _default_stack.pop()


public_class(device)  # `torch.device`, as PyTorch prints its type


CPU = device("cpu")
META = device("meta")  # data-less tensors (backend/meta.py)

_default = [CPU]  # where factories put a tensor given no device
_default_stack: list[device] = []  # the defaults that `with device(...)` blocks replaced


def default_device() -> device:
    """The device new tensors go to when a factory is given none (`set_default_device`)."""
    return _default[0]


def set_default(d: str | device | None) -> None:
    """Make `d` the default device of new tensors (None: the CPU); checked as `as_device` checks."""
    _default[0] = as_device(d)

# PyTorch's AssertionError without CUDA, word for word (as for XPU): learners search for this text
NO_CUDA = "Torch not compiled with CUDA enabled"
# ... and its RuntimeError for `x.type(torch.cuda.FloatTensor)` on the CPU build
NO_ATEN_CUDA = (
    "Cannot initialize CUDA without ATen_cuda library. PyTorch splits its backend into two shared libraries: "
    "a CPU library and a CUDA library; this error has occurred because you are trying to use some CUDA "
    "functionality, but the CUDA library has not been loaded by the dynamic linker for some reason.  The CUDA "
    "library MUST be loaded, EVEN IF you don't directly use any symbols from the CUDA library! One common "
    "culprit is a lack of -Wl,--no-as-needed in your link arguments; many dynamic linkers will delete dynamic "
    "library dependencies if you don't depend on any of their symbols.  You can check if this has occurred by "
    "using ldd on your binary to see if there is a dependency on *_cuda.so library."
)


def as_device(d: str | device | None) -> device:
    """Normalise a device argument for data placement; None means the CPU.

    "cuda" without an index means the current CUDA device; without a CUDA backend
    it raises PyTorch's AssertionError, and an index past the last device its RuntimeError.
    """
    if d is None or d is CPU:
        return CPU
    d = device(d)  # a bare int is a CUDA ordinal
    if d.type == "cuda":
        if _cuda is None:
            raise AssertionError(NO_CUDA)
        index = _cuda.current_device() if d.index is None else d.index
        if not 0 <= index < _cuda.device_count():
            raise RuntimeError("CUDA error: invalid device ordinal")
        return cuda_device(index)
    if d.type == "meta":
        return META
    if d.type != "cpu":
        raise _no_such_backend(d.type)
    return CPU if d == CPU else d


def _no_such_backend(kind: str) -> Exception:
    """PyTorch's error for a device type this build has no backend for (as its CPU-only build words it)."""
    if kind == "xpu":
        return AssertionError("Torch not compiled with XPU enabled")
    return NotImplementedError(
        f"retrograd has no {kind!r} backend: tensors live on 'cpu' (and 'cuda' where CuPy is installed)"
    )


# the sparse payloads are in the table so that results that are one are kept as they are
_NAMESPACES: dict[type, ModuleType] = {
    numpy.ndarray: numpy, meta.MetaArray: meta.xp, sparse.SparseCOO: numpy, sparse_compressed.SparseCompressed: numpy
}

# The CUDA backend in use: CuPy, the stand-in, or None (no CUDA).
_cuda: Any = None
_cupy: Any = None  # CuPy's backend once loaded, kept while the stand-in is switched on
_CUDA_DEVICES: dict[int, device] = {}


def cuda_device(index: int) -> device:
    """The (shared) `device("cuda", index)`."""
    d = _CUDA_DEVICES.get(index)
    if d is None:
        d = _CUDA_DEVICES[index] = device("cuda", index)
    return d


def cuda_backend() -> Any:
    """The CUDA backend in use (see `cuda_runtime.CudaBackend`), or None."""
    return _cuda


def _install(backend: Any) -> None:
    global _cuda
    if _cuda is not None:
        _NAMESPACES.pop(_cuda.ndarray, None)
    _cuda = backend
    if backend is not None:
        _NAMESPACES[backend.ndarray] = backend.xp


def use_standin(enabled: bool = True) -> None:
    """Serve "cuda" by the stand-in device (for tests on machines without a GPU), or stop."""
    from .cuda_runtime import load_standin

    _install(load_standin() if enabled else _cupy)


def using_standin() -> bool:
    return _cuda is not None and _cuda.name == "standin"


def device_of(array: Any) -> device:
    """The device an array lives on."""
    if type(array) is meta.MetaArray:
        return META
    if type(array) is numpy.ndarray or _cuda is None or type(array) is not _cuda.ndarray:
        return CPU
    return cuda_device(_cuda.index_of(array))


def is_cuda_array(array: Any) -> bool:
    return _cuda is not None and type(array) is _cuda.ndarray


def to_device(array: Any, target: device) -> Any:
    """`array` on `target`: the same array when it is there already, else a copy."""
    if target.type == "meta":
        return array if type(array) is meta.MetaArray else meta.like(array)
    if type(array) is meta.MetaArray:
        raise NotImplementedError(meta.NO_DATA)
    if target.type == "cpu":
        return _cuda.to_host(array) if is_cuda_array(array) else array
    return _cuda.to_device(array, target.index)


def namespace(array: object) -> ModuleType:
    """The array module (numpy, cupy or the stand-in) that owns `array`."""
    xp = _NAMESPACES.get(type(array))  # type: ignore[arg-type]
    if xp is None:
        return numpy
    return xp


def _load() -> None:
    global _cupy
    from .cuda_runtime import load_cupy

    _cupy = load_cupy()
    if os.environ.get("RETROGRAD_CUDA_STANDIN", "") not in ("", "0"):
        use_standin()
    else:
        _install(_cupy)


_load()


@contextlib.contextmanager
def standin_device() -> Iterator[Any]:
    """`with standin_device():` "cuda" is the stand-in device inside (the backend before, after)."""
    before = _cuda
    use_standin()
    try:
        yield _cuda
    finally:
        _install(before)


def on_device_of(array: Any, ref: Any) -> Any:
    """`array` (host data an op built, e.g. an index table or weights) moved to where `ref` lives."""
    xp = _NAMESPACES.get(type(ref))
    return array if xp is None or xp is numpy else xp.asarray(array)
