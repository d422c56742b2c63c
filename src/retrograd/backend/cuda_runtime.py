"""The CUDA backend: device management, transfers and random numbers over a CuPy-like module.

One class serves CuPy on a real GPU and the test stand-in (`standin.module`), which
copies CuPy's API where retrograd uses it: `xp.cuda.Device`, `xp.asnumpy`,
`xp.random.default_rng`, `ndarray.device.id`, the memory pool.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import numpy


class CudaBackend:
    """What `retrograd.cuda` and tensor placement need from the array library of the device."""

    def __init__(self, xp: ModuleType, name: str) -> None:
        self.xp = xp
        self.name = name  # "cupy" or "standin"
        self.ndarray: type = xp.ndarray
        self._generators: dict[int, Any] = {}
        self._seeds: dict[int, int] = {}
        self._peak: dict[int, int] = {}

    # --- devices ---
    def device_count(self) -> int:
        return int(self.xp.cuda.runtime.getDeviceCount())

    def current_device(self) -> int:
        return int(self.xp.cuda.Device().id)

    def set_device(self, index: int) -> None:
        self.xp.cuda.Device(index).use()

    def on(self, index: int | None) -> Any:
        """A context that makes device `index` current (the current one when None)."""
        return self.xp.cuda.Device(index)

    def index_of(self, array: Any) -> int:
        return int(array.device.id)

    def device_name(self, index: int) -> str:
        if self.name == "standin":
            return "retrograd stand-in CUDA device"
        props = self.xp.cuda.runtime.getDeviceProperties(index)
        name = props["name"]
        return name.decode() if isinstance(name, bytes) else str(name)

    def capability(self, index: int) -> tuple[int, int]:
        if self.name == "standin":
            return (9, 0)
        cc = self.xp.cuda.Device(index).compute_capability  # e.g. "90"
        return (int(cc[:-1]), int(cc[-1]))

    def synchronize(self, index: int | None = None) -> None:
        with self.on(index) as d:
            d.synchronize()

    # --- memory ---
    def memory_allocated(self, index: int | None = None) -> int:
        used = int(self.xp.get_default_memory_pool().used_bytes())
        dev = self.current_device() if index is None else index
        self._peak[dev] = max(self._peak.get(dev, 0), used)
        return used

    def max_memory_allocated(self, index: int | None = None) -> int:
        dev = self.current_device() if index is None else index
        self.memory_allocated(dev)
        return self._peak.get(dev, 0)

    def reset_peak(self, index: int | None = None) -> None:
        dev = self.current_device() if index is None else index
        self._peak[dev] = 0

    def memory_reserved(self, index: int | None = None) -> int:
        return int(self.xp.get_default_memory_pool().total_bytes())

    def empty_cache(self) -> None:
        self.xp.get_default_memory_pool().free_all_blocks()

    # --- transfers ---
    def to_device(self, array: Any, index: int) -> Any:
        """`array` (host or device) on device `index`: a copy unless it is already there."""
        if type(array) is self.ndarray and self.index_of(array) == index:
            return array
        with self.on(index):
            if type(array) is self.ndarray:  # device to device
                return self.xp.array(array, copy=True)
            return self.xp.asarray(numpy.asarray(array, order="C"))  # ascontiguousarray makes 0-d 1-d

    def to_host(self, array: Any) -> numpy.ndarray:
        """A NumPy copy of device data (an explicit transfer)."""
        return self.xp.asnumpy(array)

    def data_ptr(self, array: Any) -> int:
        return int(array.data.ptr)

    # --- random numbers: one CuPy generator per device, seeded by manual_seed ---
    def seed(self, seed: int, index: int | None = None) -> None:
        indices = range(self.device_count()) if index is None else [index]
        for i in indices:
            self._seeds[i] = int(seed)
            self._generators.pop(i, None)

    def initial_seed(self, index: int) -> int:
        return self._seeds.get(index, 0)

    def generator(self, index: int) -> Any:
        gen = self._generators.get(index)
        if gen is None:
            with self.on(index):
                gen = self.xp.random.default_rng(self._seeds.get(index, 0))
            self._generators[index] = gen
        return gen


def load_cupy() -> CudaBackend | None:
    """The CuPy backend when CuPy imports and sees a device, else None."""
    try:
        import cupy  # type: ignore[import-not-found]

        if cupy.cuda.runtime.getDeviceCount() < 1:
            return None
    except Exception:  # noqa: BLE001  (no CuPy, no driver, no device: all mean "no CUDA")
        return None
    return CudaBackend(cupy, "cupy")


def load_standin() -> CudaBackend:
    from . import standin

    return CudaBackend(standin.module, "standin")
