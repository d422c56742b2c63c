"""`torch._C`: the few names of PyTorch's C extension that Python libraries reach for.

PyTorch's `_C` is its compiled core; libraries touch a handful of its names directly:
torchmetrics logs API usage with `_log_api_usage_once` in every Metric's constructor,
Lightning annotates with `_TensorMeta` and parses `Module.to` arguments with `_nn._parse_to`,
Pyro and GPyTorch ask `_get_tracing_state()`, kornia `_are_functorch_transforms_active()` and
`_functorch.is_legacy_batchedtensor`, timm flips the TorchScript fuser switches
(`_jit_set_profiling_mode`, ...), and they name `_LinAlgError`, `Size`, `dtype`, `device`
and `Generator` (retrograd's own classes, under PyTorch's names).
retrograd is all Python, so these are the Python objects that play those parts.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Callable
from typing import IO, Any

from .._default_device import get_default_device
from .._errors import AcceleratorError, OutOfMemoryError
from .._generator import Generator
from .._storage import StorageBase
from .._torch_function import _disabled_torch_function_impl
from ..backend import device
from ..dtypes import dtype
from ..engine.grad_mode import in_func_transform as _are_functorch_transforms_active
from ..ops.linalg.common import LinAlgError as _LinAlgError
from ..tensor import Size, Tensor
from . import _fft, _functorch, _jit, _linalg, _nn, _special
from ._dispatch import (
    DisableTorchFunction,
    DisableTorchFunctionSubclass,
    DispatchKey,
    DispatchKeySet,
    _ExcludeDispatchKeyGuard,
    _IncludeDispatchKeyGuard,
    _is_torch_function_enabled,
)
from ._jit import (
    _jit_can_fuse_on_cpu,
    _jit_can_fuse_on_gpu,
    _jit_llga_enabled,
    _jit_override_can_fuse_on_cpu,
    _jit_override_can_fuse_on_gpu,
    _jit_set_llga_enabled,
    _jit_set_nvfuser_enabled,
    _jit_set_nvfuser_guard_mode,
    _jit_set_profiling_executor,
    _jit_set_profiling_mode,
    _jit_set_texpr_fuser_enabled,
    _jit_texpr_fuser_enabled,
)
from ._jit_types import DeviceObjType, TensorType, Type

__all__ = [
    "DisableTorchFunction", "DisableTorchFunctionSubclass", "DispatchKey", "DispatchKeySet",
    "_ExcludeDispatchKeyGuard", "_IncludeDispatchKeyGuard", "_is_torch_function_enabled",
    "Generator", "PyTorchFileReader", "Size", "_LinAlgError", "_TensorMeta", "_are_functorch_transforms_active",
    "_disabled_torch_function_impl", "_functorch", "_get_default_device", "_get_tracing_state", "_log_api_usage_once",
    "_nn", "_linalg", "_fft", "_special", "device", "dtype", "_get_privateuse1_backend_name", "DeviceObjType",
    "TensorType", "Type", "OutOfMemoryError", "AcceleratorError", "StorageBase", *_jit.__all__,
]

# The metaclass of `torch.Tensor`; retrograd's Tensor is a plain class, so its type is `type`.
_TensorMeta = type(Tensor)


def _get_tracing_state() -> None:
    """The TorchScript tracer's state: None, as outside `torch.jit.trace` (retrograd traces nothing;
    Pyro and GPyTorch ask before they trace).

    >>> print(retrograd._C._get_tracing_state())
    None
    """
    return None


def _get_default_device() -> str:
    """The type of the default device, `'cpu'` unless `set_default_device` chose another.

    >>> retrograd._C._get_default_device()
    'cpu'
    """
    return get_default_device().type


def _get_privateuse1_backend_name() -> str:
    """The name of PyTorch's out-of-tree device slot, `'privateuseone'` while no backend renames it
    (timm adds it to the devices its optimizers may capture on).

    >>> retrograd._C._get_privateuse1_backend_name()
    'privateuseone'
    """
    return "privateuseone"


def _log_api_usage_once(event: str) -> None:
    """Record that an API was used (PyTorch sends it to a logging hook that is off by default); does nothing."""


class PyTorchFileReader:
    """The records of a `torch.save` zip archive, by name without the archive's folder (`"data.pkl"`, `"data/0"`).

    Examples:
        >>> import io
        >>> buffer = io.BytesIO()
        >>> retrograd.save({"w": retrograd.ones(2)}, buffer)
        >>> reader = retrograd._C.PyTorchFileReader(io.BytesIO(buffer.getvalue()))
        >>> reader.has_record("data.pkl"), reader.get_record("byteorder")
        (True, b'little')
    """

    def __init__(self, file: str | os.PathLike | IO[bytes]) -> None:
        self._zip = zipfile.ZipFile(file)
        names = self._zip.namelist()
        self._folder = names[0].split("/", 1)[0] + "/" if names else ""

    def get_all_records(self) -> list[str]:
        """The names of the records, in the archive's order."""
        return [n[len(self._folder) :] for n in self._zip.namelist() if n.startswith(self._folder)]

    def has_record(self, name: str) -> bool:
        """Whether the archive holds a record of this name."""
        return self._folder + name in self._zip.NameToInfo

    def get_record(self, name: str) -> bytes:
        """The bytes of one record; RuntimeError naming it when the archive has no such record."""
        if not self.has_record(name):
            raise RuntimeError(f"[enforce fail at inline_container.cc] . file not found: {self._folder}{name}")
        return self._zip.read(self._folder + name)

    def serialization_id(self) -> str:
        """The id `torch.save` wrote into the archive ("" for archives without one)."""
        name = ".data/serialization_id"
        return self.get_record(name).decode() if self.has_record(name) else ""
