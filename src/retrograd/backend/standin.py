"""A stand-in CUDA device for testing without a GPU: NumPy behind a CuPy-like wall.

CPU CI cannot run CuPy, yet the bugs a GPU exposes are mostly host round trips:
an `np.` call on device data, an implicit `numpy.asarray`, a Python number pulled
out of an array in the middle of a step. This module is an array library that
computes with NumPy but behaves like CuPy where those bugs show:

- its arrays (`ndarray`) are not NumPy arrays and refuse implicit conversion
  (`numpy.asarray(x)` raises CuPy's TypeError), and mixing them with NumPy arrays
  in arithmetic raises, as CuPy does;
- reductions and indexing give 0-d device arrays, never host scalars;
- NumPy's functions reach device data only through `__array_function__`, which
  (as in CuPy) dispatches to this module's function of the same name;
- every device-to-host transfer (`.item()`, `.tolist()`, `.get()`, `float(x)`,
  `bool(x)`, `asnumpy`) is counted in `transfers`, so a test can assert that a
  training step makes none.

Arrays carry a device index, so "cuda:1" can be tested too. Random numbers come
from a NumPy Generator per device, in the role of CuPy's generator.
"""

from __future__ import annotations

import builtins
import collections
import contextlib
import operator
import types
from collections.abc import Callable, Iterator
from typing import Any

import numpy

# how many devices the stand-in pretends to have
DEVICE_COUNT = 2

# device-to-host transfers by kind ("item", "tolist", "get", ...), for tests to inspect
transfers: collections.Counter = collections.Counter()
# kinds of transfer that raise instead (a test's way to find where a hidden one happens)
raise_on: set[str] = set()


def _count(kind: str) -> None:
    if kind in raise_on:
        raise RuntimeError(f"device-to-host transfer ({kind}) on the stand-in CUDA device")
    transfers[kind] += 1


_current = [0]  # the current device index (CuPy's cupy.cuda.Device context)

IMPLICIT = (
    "Implicit conversion to a NumPy array is not allowed. Please use `.get()` to construct a NumPy array explicitly."
)

# NumPy names CuPy does not have: calling them through the stand-in fails as on a GPU
_MISSING = frozenset(
    {
        "errstate",
        "seterr",
        "geterr",
        "nditer",
        "ndindex",
        "ndenumerate",
        "frompyfunc",
        "ma",
        "char",
        "rec",
        "polynomial",
        "busday_count",
        "datetime_as_string",
        "genfromtxt",
        "loadtxt",
        "fromfile",
        "frombuffer",
        "fromiter",
    }
)

# functions whose NumPy result is a Python number but CuPy's a 0-d device array
_ARRAY_RESULTS = frozenset({"count_nonzero", "allclose", "array_equal", "array_equiv"})


class Device:
    """CuPy's `cupy.cuda.Device`: a device index, also a context that makes it current."""

    def __init__(self, device: int | None = None) -> None:
        self.id = _current[0] if device is None else builtins.int(device)
        if not 0 <= self.id < DEVICE_COUNT:
            raise RuntimeError(f"CUDA error: invalid device ordinal (device {self.id})")
        self._saved: list[int] = []

    def use(self) -> None:
        _current[0] = self.id

    def synchronize(self) -> None:
        return None

    def __enter__(self) -> Device:
        self._saved.append(_current[0])
        _current[0] = self.id
        return self

    def __exit__(self, *exc: Any) -> None:
        _current[0] = self._saved.pop()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Device) and other.id == self.id

    def __hash__(self) -> int:
        return self.id

    def __repr__(self) -> str:
        return f"<CUDA Device {self.id}>"


class _Pointer:
    """`x.data`: CuPy's memory pointer, with the address in `.ptr`."""

    def __init__(self, ptr: int) -> None:
        self.ptr = ptr


def _unwrap(value: Any, dev: list[int] | None = None) -> Any:
    """NumPy's view of a stand-in array (recursively in lists/tuples); NumPy arrays are refused."""
    t = type(value)
    if t is ndarray:
        if dev is not None:
            dev.append(value._dev)
        return value._a
    if t is numpy.ndarray:
        raise TypeError(f"Unsupported type {numpy.ndarray}")
    if t is tuple or t is list:
        return t(_unwrap(v, dev) for v in value)
    return value


def _wrap(value: Any, dev: int) -> Any:
    """Stand-in arrays for NumPy's results: arrays and NumPy scalars become device arrays."""
    t = type(value)
    if t is numpy.ndarray:
        return ndarray(value, dev)
    if isinstance(value, numpy.generic):
        return ndarray(numpy.asarray(value), dev)
    if t is tuple or t is list:
        return t(_wrap(v, dev) for v in value)
    if isinstance(value, tuple) and hasattr(value, "_fields"):  # named tuples (np.linalg results)
        return t(*(_wrap(v, dev) for v in value))
    return value


def _device_of(devs: list[int]) -> int:
    return devs[0] if devs else _current[0]


def _call(fn: Callable[..., Any], args: tuple, kwargs: dict) -> Any:
    devs: list[int] = []
    a = _unwrap(args, devs)
    k = {key: _unwrap(v, devs) for key, v in kwargs.items()}
    return _wrap(fn(*a, **k), _device_of(devs))


class ndarray:  # noqa: N801  (CuPy's name)
    """A device array: NumPy data that cannot be read on the host without a counted transfer."""

    __slots__ = ("_a", "_dev", "__weakref__")
    __array_priority__ = 100.0  # above NumPy's, below retrograd.Tensor's

    def __init__(self, array: numpy.ndarray, device: int | None = None) -> None:
        self._a = array
        self._dev = _current[0] if device is None else device

    # --- metadata (no transfer) ---
    shape = property(lambda self: self._a.shape)
    dtype = property(lambda self: self._a.dtype)
    ndim = property(lambda self: self._a.ndim)
    size = property(lambda self: self._a.size)
    itemsize = property(lambda self: self._a.itemsize)
    nbytes = property(lambda self: self._a.nbytes)
    strides = property(lambda self: self._a.strides)
    flags = property(lambda self: self._a.flags)
    base = property(lambda self: None if self._a.base is None else _wrap(self._a.base, self._dev))
    device = property(lambda self: Device(self._dev))
    data = property(lambda self: _Pointer(self._a.__array_interface__["data"][0]))
    T = property(lambda self: ndarray(self._a.T, self._dev))
    mT = property(lambda self: ndarray(self._a.mT, self._dev))

    @property
    def real(self) -> ndarray:
        return ndarray(self._a.real, self._dev)

    @real.setter
    def real(self, value: Any) -> None:
        self._a.real = _unwrap(value)

    @property
    def imag(self) -> ndarray:
        return ndarray(self._a.imag, self._dev)

    @imag.setter
    def imag(self, value: Any) -> None:
        self._a.imag = _unwrap(value)

    def __len__(self) -> int:
        return len(self._a)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # __array_interface__, __array_struct__...: no host view
            raise AttributeError(f"'cupy.ndarray' object has no attribute '{name}'")
        attr = getattr(self._a, name)  # methods of numpy.ndarray (sum, reshape, astype, ...)
        if not callable(attr):
            return _wrap(attr, self._dev)
        method = lambda *args, **kwargs: _call(attr, args, kwargs)  # noqa: E731
        return _without_initial(method, name) if name in _NO_INITIAL else method

    # --- device-to-host transfers (counted) ---
    def get(self, stream: Any = None, order: str = "C", out: Any = None) -> numpy.ndarray:
        _count("get")
        return self._a.copy()

    def item(self, *args: Any) -> Any:
        _count("item")
        return self._a.item(*args)

    def tolist(self) -> Any:
        _count("tolist")
        return self._a.tolist()

    def tobytes(self, order: Any = "C") -> bytes:
        _count("tobytes")
        return self._a.tobytes(order)

    def __bool__(self) -> bool:
        _count("bool")
        return bool(self._a)

    def __float__(self) -> float:
        _count("float")
        return float(self._a)

    def __int__(self) -> int:
        _count("int")
        return int(self._a)

    def __complex__(self) -> complex:
        _count("complex")
        return complex(self._a)

    def __index__(self) -> int:
        _count("index")
        return operator.index(self._a)

    def __array__(self, dtype: Any = None, copy: Any = None) -> numpy.ndarray:
        raise TypeError(IMPLICIT)

    def __iter__(self) -> Iterator[ndarray]:
        if self._a.ndim == 0:
            raise TypeError("iteration over a 0-d array")
        return (ndarray(self._a[i], self._dev) for i in range(len(self._a)))

    def __repr__(self) -> str:
        return f"standin.ndarray(shape={self._a.shape}, dtype={self._a.dtype}, device={self._dev})"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return repr(self)

    def __reduce__(self) -> Any:
        return (_rebuild, (self._a, self._dev))

    def __copy__(self) -> ndarray:
        return ndarray(self._a.copy(), self._dev)

    def __deepcopy__(self, memo: dict) -> ndarray:
        return ndarray(self._a.copy(), self._dev)

    def __dlpack__(self, *args: Any, **kwargs: Any) -> Any:
        raise BufferError("the stand-in CUDA device has no memory to export through DLPack")

    def __dlpack_device__(self) -> tuple[int, int]:
        return (2, self._dev)  # kDLCUDA

    # --- indexing ---
    def __getitem__(self, key: Any) -> Any:
        return _wrap(self._a[_index(key)], self._dev)

    def __setitem__(self, key: Any, value: Any) -> None:
        self._a[_index(key)] = _unwrap(value)

    # --- NumPy protocols: ufuncs on device arrays stay on the device; functions dispatch here ---
    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        if any(type(x) is not ndarray and hasattr(x, "__array_priority__") and not _scalar(x) for x in inputs):
            return NotImplemented  # e.g. a retrograd.Tensor operand: let it handle the operator
        return _call(getattr(ufunc, method), inputs, kwargs)

    def __array_function__(self, func: Any, types: Any, args: tuple, kwargs: dict) -> Any:
        mine = _lookup(func)
        if mine is None:
            return NotImplemented
        return mine(*args, **kwargs)


def _scalar(x: Any) -> bool:
    return isinstance(x, (numpy.generic, builtins.int, builtins.float, builtins.complex, builtins.bool))


def _index(key: Any) -> Any:
    """An index for NumPy: device index arrays unwrapped; host index arrays are copied over, as CuPy does."""
    t = type(key)
    if t is ndarray:
        return key._a
    if t is tuple:
        return tuple(_index(k) for k in key)
    return key


def _rebuild(array: numpy.ndarray, device: int) -> ndarray:
    return ndarray(array, min(device, DEVICE_COUNT - 1))


def _binary(ufunc: Any, reflected: bool = False) -> Callable[[ndarray, Any], Any]:
    def op(self: ndarray, other: Any) -> Any:
        if type(other) is not ndarray and not _scalar(other) and type(other) not in (list, tuple):
            if type(other) is numpy.ndarray:
                raise TypeError(f"Unsupported type {numpy.ndarray}")
            return NotImplemented
        o = _unwrap(other)
        return _wrap(ufunc(o, self._a) if reflected else ufunc(self._a, o), self._dev)

    return op


def _inplace(ufunc: Any) -> Callable[[ndarray, Any], ndarray]:
    def op(self: ndarray, other: Any) -> ndarray:
        ufunc(self._a, _unwrap(other), out=self._a)
        return self

    return op


_BINARY = {
    "add": numpy.add,
    "sub": numpy.subtract,
    "mul": numpy.multiply,
    "truediv": numpy.true_divide,
    "floordiv": numpy.floor_divide,
    "mod": numpy.remainder,
    "pow": numpy.power,
    "matmul": numpy.matmul,
    "and": numpy.bitwise_and,
    "or": numpy.bitwise_or,
    "xor": numpy.bitwise_xor,
    "lshift": numpy.left_shift,
    "rshift": numpy.right_shift,
}
for _name, _uf in _BINARY.items():
    setattr(ndarray, f"__{_name}__", _binary(_uf))
    setattr(ndarray, f"__r{_name}__", _binary(_uf, reflected=True))
    setattr(ndarray, f"__i{_name}__", _inplace(_uf))
for _name, _uf in {
    "eq": numpy.equal,
    "ne": numpy.not_equal,
    "lt": numpy.less,
    "le": numpy.less_equal,
    "gt": numpy.greater,
    "ge": numpy.greater_equal,
}.items():
    setattr(ndarray, f"__{_name}__", _binary(_uf))
ndarray.__divmod__ = _binary(numpy.divmod)  # type: ignore[attr-defined, operator]
ndarray.__neg__ = lambda self: ndarray(-self._a, self._dev)  # type: ignore[attr-defined, operator]
ndarray.__pos__ = lambda self: ndarray(+self._a, self._dev)  # type: ignore[attr-defined, operator]
ndarray.__abs__ = lambda self: ndarray(abs(self._a), self._dev)  # type: ignore[attr-defined]
ndarray.__invert__ = lambda self: ndarray(~self._a, self._dev)  # type: ignore[attr-defined, operator]
ndarray.__hash__ = None  # type: ignore[assignment]


# --- the module namespace ---------------------------------------------------------------------


def _function(fn: Callable[..., Any], name: str) -> Callable[..., Any]:
    array_result = name in _ARRAY_RESULTS

    def call(*args: Any, **kwargs: Any) -> Any:
        devs: list[int] = []
        out = fn(*_unwrap(args, devs), **{k: _unwrap(v, devs) for k, v in kwargs.items()})
        if array_result and not isinstance(out, numpy.ndarray):
            out = numpy.asarray(out)
        return _wrap(out, _device_of(devs))

    call.__name__ = name
    call.__wrapped__ = fn  # type: ignore[attr-defined]
    return call


class _Ufunc:
    """A NumPy ufunc over device arrays, with the methods CuPy's ufuncs have (reduce, outer, at...)."""

    def __init__(self, ufunc: numpy.ufunc) -> None:
        self._u = ufunc
        self.__name__ = f"cupy_{ufunc.__name__}"  # CuPy's ufuncs are named so
        self.nin, self.nout, self.types = ufunc.nin, ufunc.nout, ufunc.types
        self.__call__ = _function(ufunc, ufunc.__name__)  # type: ignore[method-assign]
        for method in ("reduce", "accumulate", "reduceat", "outer", "at"):
            setattr(self, method, _function(getattr(ufunc, method), f"{ufunc.__name__}.{method}"))
        if ufunc.__name__ not in ("add", "multiply"):  # CuPy accumulates with add and multiply only
            self.accumulate = self._no_accumulate

    def _no_accumulate(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"`{self.__name__}.accumulate` is not supported yet")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return _call(self._u, args, kwargs)


def _joining(fn: Callable[..., Any], name: str) -> Callable[..., Any]:
    """concatenate/stack: like CuPy's, they take device arrays only (no lists or host arrays)."""
    inner = _function(fn, name)

    def call(arrays: Any, *args: Any, **kwargs: Any) -> Any:
        for a in arrays:
            if type(a) is not ndarray:
                raise TypeError(f"Only cupy arrays can be {name}d, got {type(a).__name__}")
        return inner(arrays, *args, **kwargs)

    return call


def _to_host_tree(value: Any) -> Any:
    """Host copies of stand-in arrays inside nested lists (what `cupy.array([...])` copies in)."""
    if type(value) is ndarray:
        return value._a
    if type(value) in (list, tuple):
        return type(value)(_to_host_tree(v) for v in value)
    return value


def asarray(obj: Any, dtype: Any = None, order: Any = None, *, blocking: bool = False) -> ndarray:
    """Device data from host data (a host-to-device copy) or the same device array."""
    if type(obj) is ndarray:
        if obj._dev != _current[0]:
            return ndarray(obj._a.astype(dtype if dtype is not None else obj._a.dtype, copy=True), _current[0])
        return obj if dtype is None or obj.dtype == dtype else ndarray(obj._a.astype(dtype), obj._dev)
    if hasattr(obj, "__cuda_array_interface__") or hasattr(obj, "_data") and not isinstance(obj, numpy.ndarray):
        raise TypeError(f"Unsupported type {type(obj)}")
    return ndarray(numpy.array(_to_host_tree(obj), dtype=dtype, order=order or "K", copy=True))


def array(
    obj: Any, dtype: Any = None, copy: bool = True, order: Any = "K", subok: bool = False, ndmin: int = 0
) -> ndarray:
    """A new device array (a copy unless `copy=False` allows sharing a device array)."""
    if type(obj) is ndarray and not copy and (dtype is None or obj.dtype == dtype) and obj._dev == _current[0]:
        return obj
    host = obj._a if type(obj) is ndarray else _to_host_tree(obj)
    return ndarray(numpy.array(host, dtype=dtype, copy=True, order=order, ndmin=ndmin))


def ascontiguousarray(a: Any, dtype: Any = None) -> ndarray:
    if type(a) is not ndarray:
        return asarray(numpy.ascontiguousarray(a, dtype=dtype))
    return ndarray(numpy.ascontiguousarray(a._a, dtype=dtype), a._dev)


def asnumpy(a: Any, stream: Any = None, order: str = "C", out: Any = None, *, blocking: bool = True) -> numpy.ndarray:
    """The device-to-host copy (counted)."""
    if type(a) is ndarray:
        return a.get()
    return numpy.asarray(a)


def get_array_module(*args: Any) -> types.ModuleType:
    return module if any(type(a) is ndarray for a in args) else numpy


def from_dlpack(obj: Any) -> ndarray:
    raise BufferError("the stand-in CUDA device has no memory to import through DLPack")


class _Module(types.ModuleType):
    """`xp` for the stand-in device: NumPy's names, their array arguments and results on the device."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name in _MISSING:
            raise AttributeError(f"module 'cupy' has no attribute '{name}'")
        value = getattr(numpy, name)  # AttributeError for names NumPy lacks too
        if isinstance(value, types.ModuleType):
            value = _submodule(value, f"{self.__name__}.{name}")
        elif isinstance(value, numpy.ufunc):
            value = _Ufunc(value)
        elif isinstance(value, type) or not callable(value) or isinstance(value, numpy.dtype):
            pass  # dtypes, constants, classes (finfo, iinfo, generic ...): host objects in CuPy too
        elif name in ("concatenate", "stack", "hstack", "vstack", "dstack", "column_stack"):
            value = _joining(value, name)
        elif name in _NO_INITIAL:
            value = _without_initial(_function(value, name), name)
        else:
            value = _function(value, name)
        setattr(self, name, value)  # looked up once
        return value


# reductions whose CuPy versions take no `initial=` (empty slices must be handled by the caller)
_NO_INITIAL = frozenset({"max", "amax", "min", "amin", "nanmax", "nanmin"})


def _without_initial(fn: Callable[..., Any], name: str) -> Callable[..., Any]:
    def call(*args: Any, **kwargs: Any) -> Any:
        if "initial" in kwargs:
            raise TypeError(f"{name}() got an unexpected keyword argument 'initial'")
        return fn(*args, **kwargs)

    return call


def _submodule(mod: types.ModuleType, name: str) -> types.ModuleType:
    sub = _Module(name)

    def getattr_(attr: str) -> Any:
        value = getattr(mod, attr)
        if callable(value) and not isinstance(value, type):
            value = _function(value, attr)
        setattr(sub, attr, value)
        return value

    sub.__getattr__ = getattr_  # type: ignore[method-assign]
    return sub


def _lookup(func: Any) -> Callable[..., Any] | None:
    """This module's version of a NumPy function (for `__array_function__`), or None."""
    name = func.__name__
    where = getattr(func, "__module__", "numpy") or "numpy"
    target: Any = module
    for part in where.split(".")[1:]:
        if part.startswith("_"):
            break  # numpy._core.fromnumeric and friends: the public name is at the top level
        target = getattr(target, part, None)
        if target is None:
            return None
    try:
        return getattr(target, name)
    except AttributeError:
        return None


class Generator:
    """CuPy's `cupy.random.Generator` in the stand-in: NumPy's generator, device arrays out."""

    def __init__(self, seed: int | None = None) -> None:
        self._gen = numpy.random.default_rng(seed)
        self._dev = _current[0]

    def _out(self, values: Any, dtype: Any) -> ndarray:
        return ndarray(numpy.asarray(values).astype(dtype, copy=False), self._dev)

    def random(self, size: Any = None, dtype: Any = numpy.float64) -> ndarray:
        kind = numpy.float32 if numpy.dtype(dtype) == numpy.float32 else numpy.float64
        return self._out(self._gen.random(size, dtype=kind), dtype)

    def standard_normal(self, size: Any = None, dtype: Any = numpy.float64) -> ndarray:
        kind = numpy.float32 if numpy.dtype(dtype) == numpy.float32 else numpy.float64
        return self._out(self._gen.standard_normal(size, dtype=kind), dtype)

    def integers(self, low: int, high: int | None = None, size: Any = None, dtype: Any = numpy.int64) -> ndarray:
        return self._out(self._gen.integers(low, high, size=size, dtype=dtype), dtype)

    def uniform(self, low: float = 0.0, high: float = 1.0, size: Any = None, dtype: Any = numpy.float64) -> ndarray:
        return self._out(self._gen.uniform(low, high, size=size), dtype)

    def exponential(self, scale: float = 1.0, size: Any = None, dtype: Any = numpy.float64) -> ndarray:
        return self._out(self._gen.exponential(scale, size=size), dtype)

    def poisson(self, lam: Any = 1.0, size: Any = None, dtype: Any = numpy.int64) -> ndarray:
        return self._out(self._gen.poisson(_unwrap(lam), size=size), dtype)

    def binomial(self, n: Any, p: Any, size: Any = None, dtype: Any = numpy.int64) -> ndarray:
        return self._out(self._gen.binomial(_unwrap(n), _unwrap(p), size=size), dtype)


class _Cuda(types.SimpleNamespace):
    """`xp.cuda`: devices, streams, events and memory, in CuPy's shapes."""


class Stream:
    """A stream (work here runs at once, so synchronising is immediate)."""

    null: Stream

    def __init__(self, null: bool = False, non_blocking: bool = False, ptr: int = 0) -> None:
        self.ptr = 0 if null else id(self)
        self.device_id = _current[0]

    def synchronize(self) -> None:
        return None

    def done(self) -> bool:
        return True

    def use(self) -> Stream:
        _stream[0] = self
        return self

    def wait_event(self, event: Event) -> None:
        return None

    def record(self, event: Event | None = None) -> Event:
        event = event or Event()
        event.record(self)
        return event

    def __enter__(self) -> Stream:
        self._prev = _stream[0]
        _stream[0] = self
        return self

    def __exit__(self, *exc: Any) -> None:
        _stream[0] = self._prev


class Event:
    """An event: its time is taken when recorded."""

    def __init__(self, block: bool = False, disable_timing: bool = False, interprocess: bool = False) -> None:
        self._time: float | None = None

    def record(self, stream: Stream | None = None) -> None:
        import time

        self._time = time.perf_counter()

    def synchronize(self) -> None:
        return None

    def done(self) -> bool:
        return True


def _elapsed(start: Event, end: Event) -> float:
    if start._time is None or end._time is None:
        raise RuntimeError("CUDA error: device not ready")
    return (end._time - start._time) * 1000.0


Stream.null = Stream(null=True)
_stream = [Stream.null]


class _Pool:
    """The memory pool's counters: live bytes of stand-in arrays are not tracked (0)."""

    def used_bytes(self) -> int:
        return 0

    def total_bytes(self) -> int:
        return 0

    def free_all_blocks(self) -> None:
        return None

    def set_limit(self, size: int | None = None, fraction: float | None = None) -> None:
        self.limit = (size, fraction)  # CuPy's cap on the pool; nothing here allocates past it


_pool = _Pool()


def _device_name(index: int) -> str:
    return "retrograd stand-in CUDA device"


def _as_strided(x: ndarray, shape: Any = None, strides: Any = None) -> ndarray:
    return ndarray(numpy.lib.stride_tricks.as_strided(x._a, shape, strides), x._dev)


module = _Module("retrograd.backend.standin.xp")
module.lib = types.SimpleNamespace(stride_tricks=types.SimpleNamespace(as_strided=_as_strided))  # type: ignore[attr-defined]
module.ndarray = ndarray  # type: ignore[attr-defined]
module.asarray = asarray  # type: ignore[attr-defined]
module.asanyarray = asarray  # type: ignore[attr-defined]
module.array = array  # type: ignore[attr-defined]
module.ascontiguousarray = ascontiguousarray  # type: ignore[attr-defined]
module.asnumpy = asnumpy  # type: ignore[attr-defined]
module.get_array_module = get_array_module  # type: ignore[attr-defined]
module.from_dlpack = from_dlpack  # type: ignore[attr-defined]
module.random = types.SimpleNamespace(Generator=Generator, default_rng=Generator)  # type: ignore[attr-defined]
module.cuda = _Cuda(  # type: ignore[attr-defined]
    Device=Device,
    Stream=Stream,
    Event=Event,
    get_elapsed_time=_elapsed,
    get_current_stream=lambda: _stream[0],
    runtime=types.SimpleNamespace(getDeviceCount=lambda: DEVICE_COUNT),
)
module.get_default_memory_pool = lambda: _pool  # type: ignore[attr-defined]


@contextlib.contextmanager
def counting() -> Iterator[collections.Counter]:
    """`with counting() as c:` the transfers made inside, by kind."""
    before = transfers.copy()
    diff: collections.Counter = collections.Counter()
    try:
        yield diff
    finally:
        diff.update(transfers - before)
