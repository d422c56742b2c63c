"""`retrograd.cuda`: PyTorch's CUDA runtime API over the CUDA backend (CuPy, or the test stand-in).

With a backend, the calls act on it: devices, seeds of CuPy's generators, memory
counters of CuPy's pool, streams and events wrapping CuPy's. Without one they
answer as PyTorch's CPU build does: `is_available()` is False, `device_count()` 0,
memory counters 0, seeding a no-op, and what needs a device raises its AssertionError.
"""

from __future__ import annotations

from typing import Any

from .. import backend
from .._display_name import package_class, package_name
from .._errors import OutOfMemoryError
from ..legacy_types import CUDA_BY_NAME as _LEGACY
from . import amp, memory, nvtx
from ._runtime import cuda_or_raise as _backend
from ._runtime import device_index as _index
from ._runtime import no_cuda as _no_cuda
from .memory import (
    empty_cache,
    max_memory_allocated,
    max_memory_cached,
    max_memory_reserved,
    mem_get_info,
    memory_allocated,
    memory_cached,
    memory_reserved,
    memory_stats,
    memory_stats_as_nested_dict,
    memory_summary,
    reset_accumulated_memory_stats,
    reset_max_memory_allocated,
    reset_max_memory_cached,
    reset_peak_memory_stats,
    set_per_process_memory_fraction,
)

__all__ = [
    "BFloat16Tensor",
    "CUDAGraph",
    "BoolTensor",
    "ByteTensor",
    "CharTensor",
    "DoubleTensor",
    "FloatTensor",
    "HalfTensor",
    "IntTensor",
    "LongTensor",
    "OutOfMemoryError",
    "ShortTensor",
    "Event",
    "Stream",
    "StreamContext",
    "amp",
    "current_device",
    "current_stream",
    "default_stream",
    "graph",
    "device",
    "device_count",
    "device_of",
    "empty_cache",
    "get_arch_list",
    "get_device_capability",
    "get_device_name",
    "get_device_properties",
    "get_rng_state",
    "get_rng_state_all",
    "init",
    "initial_seed",
    "ipc_collect",
    "is_available",
    "is_bf16_supported",
    "is_current_stream_capturing",
    "is_initialized",
    "manual_seed",
    "manual_seed_all",
    "max_memory_allocated",
    "max_memory_cached",
    "max_memory_reserved",
    "mem_get_info",
    "memory",
    "memory_allocated",
    "memory_cached",
    "memory_reserved",
    "memory_stats",
    "memory_stats_as_nested_dict",
    "memory_summary",
    "nvtx",
    "reset_accumulated_memory_stats",
    "reset_max_memory_allocated",
    "reset_max_memory_cached",
    "reset_peak_memory_stats",
    "seed",
    "seed_all",
    "set_device",
    "set_per_process_memory_fraction",
    "set_rng_state",
    "set_rng_state_all",
    "stream",
    "synchronize",
]


# the legacy CUDA tensor types (old code names them even where it never calls them)
BFloat16Tensor = _LEGACY["BFloat16Tensor"]
BoolTensor = _LEGACY["BoolTensor"]
ByteTensor = _LEGACY["ByteTensor"]
CharTensor = _LEGACY["CharTensor"]
DoubleTensor = _LEGACY["DoubleTensor"]
FloatTensor = _LEGACY["FloatTensor"]
HalfTensor = _LEGACY["HalfTensor"]
IntTensor = _LEGACY["IntTensor"]
LongTensor = _LEGACY["LongTensor"]
ShortTensor = _LEGACY["ShortTensor"]


def is_available() -> bool:
    return backend.cuda_backend() is not None


def device_count() -> int:
    cuda = backend.cuda_backend()
    return 0 if cuda is None else cuda.device_count()


def is_initialized() -> bool:
    return backend.cuda_backend() is not None


def init() -> None:
    _backend()


def is_bf16_supported(including_emulation: bool = True) -> bool:
    return False  # NumPy and CuPy have no bfloat16 dtype


def get_arch_list() -> list[str]:
    return [] if backend.cuda_backend() is None else ["sm_{}{}".format(*_backend().capability(0))]


def current_device() -> int:
    return _backend().current_device()


def set_device(device: Any) -> None:  # noqa: A002
    index = _index(device)
    if index is not None and index >= 0:
        _backend().set_device(index)


def synchronize(device: Any = None) -> None:  # noqa: A002
    _backend().synchronize(_index(device))


def get_device_name(device: Any = None) -> str:  # noqa: A002
    cuda = _backend()
    index = _index(device)
    return cuda.device_name(cuda.current_device() if index is None else index)


def get_device_capability(device: Any = None) -> tuple[int, int]:  # noqa: A002
    cuda = _backend()
    index = _index(device)
    return cuda.capability(cuda.current_device() if index is None else index)


# Seeding: with a device, CuPy's generator on each device; without, PyTorch's CPU build ignores these.
def manual_seed(seed: int) -> None:
    cuda = backend.cuda_backend()
    if cuda is not None:
        cuda.seed(int(seed), cuda.current_device())


def manual_seed_all(seed: int) -> None:
    cuda = backend.cuda_backend()
    if cuda is not None:
        cuda.seed(int(seed))


def seed() -> None:
    import random as _random

    manual_seed(_random.getrandbits(63))


def seed_all() -> None:
    import random as _random

    manual_seed_all(_random.getrandbits(63))


def initial_seed() -> int:
    cuda = _backend()
    return cuda.initial_seed(cuda.current_device())


def set_rng_state(new_state: Any, device: Any = "cuda") -> None:  # noqa: A002
    return None


def set_rng_state_all(new_states: Any) -> None:
    return None


def get_rng_state_all() -> list[Any]:
    return []


def current_stream(device: Any = None) -> Stream:  # noqa: A002
    return Stream._wrap(_backend().xp.cuda.get_current_stream())


def default_stream(device: Any = None) -> Stream:  # noqa: A002
    return Stream._wrap(_backend().xp.cuda.Stream.null)


# Still needs what neither CuPy nor the stand-in reports here.
get_device_properties = get_rng_state = ipc_collect = _no_cuda


class device:  # noqa: N801  (PyTorch's name)
    """`with retrograd.cuda.device(1):` make a CUDA device current inside the block."""

    def __init__(self, device: Any) -> None:  # noqa: A002
        self.idx = _index(device)
        self._prev: int | None = None

    def __enter__(self) -> device:
        if self.idx is not None and self.idx < 0:  # no device (`device_of` a CPU tensor): nothing to switch
            return self
        if backend.cuda_backend() is None:
            raise RuntimeError("PyTorch was compiled without CUDA support")  # PyTorch's words
        if self.idx is not None:
            self._prev = current_device()
            set_device(self.idx)
        return self

    def __exit__(self, *exc_info: Any) -> None:
        if self._prev is not None:
            set_device(self._prev)


class device_of(device):  # noqa: N801  (PyTorch's name)
    """`with retrograd.cuda.device_of(t):` make `t`'s CUDA device current (nothing for a CPU tensor)."""

    def __init__(self, obj: Any) -> None:
        super().__init__(obj.get_device() if obj.is_cuda else -1)


def is_current_stream_capturing() -> bool:
    """Whether a CUDA graph is being captured: never here (retrograd captures none)."""
    if backend.cuda_backend() is None:
        raise RuntimeError("Tried to instantiate dummy base class _cuda_isCurrentStreamCapturing")
    return False


def _is_compiled() -> bool:
    """Whether CUDA support is present: a CUDA backend (CuPy) is."""
    return backend.cuda_backend() is not None


class Stream:
    """A CUDA stream, wrapping CuPy's; `with retrograd.cuda.stream(s):` runs work on it."""

    def __init__(self, device: Any = None, priority: int = 0, **kwargs: Any) -> None:
        if backend.cuda_backend() is None:
            raise RuntimeError(f"{package_name()}.cuda.Stream requires CUDA support")
        self._stream = _backend().xp.cuda.Stream(non_blocking=True)

    @classmethod
    def _wrap(cls, inner: Any) -> Stream:
        s = cls.__new__(cls)
        s._stream = inner
        return s

    def synchronize(self) -> None:
        self._stream.synchronize()

    def query(self) -> bool:
        return bool(self._stream.done)

    def wait_event(self, event: Event) -> None:
        self._stream.wait_event(event._event)

    def wait_stream(self, stream: Stream) -> None:
        self._stream.wait_event(stream.record_event()._event)

    def record_event(self, event: Event | None = None) -> Event:
        event = event or Event()
        event.record(self)
        return event

    def __enter__(self) -> Stream:
        self._stream.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stream.__exit__(*exc)


class StreamContext:
    """`with StreamContext(s):` runs the block's work on stream `s` (a no-op for None)."""

    def __init__(self, stream: Stream | None) -> None:
        self.stream = stream

    def __enter__(self) -> None:
        if self.stream is not None:
            self.stream.__enter__()

    def __exit__(self, *exc: Any) -> None:
        if self.stream is not None:
            self.stream.__exit__(*exc)


def stream(stream: Stream | None) -> StreamContext:
    """`with retrograd.cuda.stream(s):` (a no-op for None): a `StreamContext`."""
    return StreamContext(stream)


class Event:
    """A CUDA event, wrapping CuPy's: `record`, `synchronize`, `elapsed_time` in milliseconds."""

    def __init__(self, enable_timing: bool = False, blocking: bool = False, interprocess: bool = False) -> None:
        if backend.cuda_backend() is None:
            raise RuntimeError("Tried to instantiate dummy base class Event")
        self._event = _backend().xp.cuda.Event(block=blocking, disable_timing=not enable_timing)

    def record(self, stream: Stream | None = None) -> None:
        self._event.record(None if stream is None else stream._stream)

    def synchronize(self) -> None:
        self._event.synchronize()

    def query(self) -> bool:
        return bool(self._event.done)

    def elapsed_time(self, end_event: Event) -> float:
        return float(_backend().xp.cuda.get_elapsed_time(self._event, end_event._event))


class CUDAGraph:
    """A captured CUDA graph; retrograd does not capture graphs, so making one raises, as PyTorch
    built without CUDA does (code names the class in annotations and isinstance checks)."""

    def __init__(self, keep_graph: bool = False) -> None:
        raise RuntimeError("Tried to instantiate dummy base class CUDAGraph")


class graph:  # noqa: N801  (PyTorch's name)
    """`with retrograd.cuda.graph(g):` would capture the block into CUDAGraph `g`; as no CUDAGraph
    can be made, constructing one raises."""

    def __init__(self, cuda_graph: CUDAGraph, pool: Any = None, stream: Stream | None = None, **kwargs: Any) -> None:
        raise RuntimeError("retrograd.cuda.graph: retrograd does not capture CUDA graphs")



for _cls in (device, device_of, Stream, StreamContext, Event, CUDAGraph, graph):
    package_class(_cls)  # `<class 'torch.cuda.device'>` under the alias
