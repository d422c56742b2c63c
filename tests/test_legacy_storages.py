"""The legacy storage classes (`FloatStorage`, ...), `Tensor.storage_type()` and `StorageBase`,
against PyTorch 2.13 where it is installed."""

from __future__ import annotations

import pickle
import warnings

import pytest

import retrograd as rg

try:
    import torch
except ImportError:  # the expectations below still hold for retrograd
    torch = None

LIBS = [pytest.param(rg, id="retrograd")] + ([pytest.param(torch, id="pytorch")] if torch is not None else [])

NAMES = {
    "float64": "DoubleStorage", "float32": "FloatStorage", "float16": "HalfStorage", "bfloat16": "BFloat16Storage",
    "int64": "LongStorage", "int32": "IntStorage", "int16": "ShortStorage", "int8": "CharStorage",
    "uint8": "ByteStorage", "bool": "BoolStorage", "complex64": "ComplexFloatStorage",
    "complex128": "ComplexDoubleStorage",
}


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # TypedStorage's deprecation warning
        yield


@pytest.mark.parametrize("lib", LIBS)
@pytest.mark.parametrize("dtype_name", list(NAMES))
def test_each_dtype_has_its_class(lib, dtype_name):
    dtype = getattr(lib, dtype_name)
    cls = getattr(lib, NAMES[dtype_name])
    assert cls.dtype == dtype and cls.__name__ == NAMES[dtype_name]
    assert lib.zeros(2, dtype=dtype).storage_type() is cls
    assert isinstance(lib.zeros(2, dtype=dtype).storage(), cls)
    assert issubclass(cls, lib.storage.TypedStorage)
    assert pickle.loads(pickle.dumps(cls)) is cls


@pytest.mark.parametrize("lib", LIBS)
def test_dtypes_without_one(lib):
    assert lib.zeros(2, dtype=lib.uint16).storage_type() is None
    assert not isinstance(lib.ones(2).storage(), lib.DoubleStorage)
    assert not isinstance(lib.ones(2).untyped_storage(), lib.FloatStorage)
    assert lib.Storage is lib.FloatStorage


@pytest.mark.parametrize("lib", LIBS)
def test_calling_a_class_makes_a_typed_storage(lib):
    s = lib.FloatStorage(3)
    assert type(s) is lib.storage.TypedStorage and s.dtype == lib.float32 and s.size() == 3
    assert lib.FloatStorage([1, 2.5]).tolist() == [1.0, 2.5]
    assert lib.LongStorage([1, 2]).tolist() == [1, 2]
    assert lib.FloatStorage().size() == 0
    assert lib.FloatStorage(wrap_storage=lib.ones(2).untyped_storage()).tolist() == [1.0, 1.0]
    assert lib.FloatStorage([1.5]).type() == f"{lib.__name__}.FloatStorage"
    assert lib.ones(2).storage().pickle_storage_type() == "FloatStorage"


@pytest.mark.parametrize("lib", LIBS)
def test_from_buffer(lib):
    assert lib.DoubleStorage.from_buffer(b"\x00" * 8, "little").tolist() == [0.0]
    assert lib.ByteStorage.from_buffer(b"ab").tolist() == [97, 98]
    assert lib.FloatStorage.from_buffer(b"\x00\x00\x80?", "little").tolist() == [1.0]
    assert lib.FloatStorage.from_buffer(b"?\x80\x00\x00", "big").tolist() == [1.0]


@pytest.mark.parametrize("lib", LIBS)
def test_refusals(lib):
    name = f"{lib.__name__}.FloatStorage"
    usage = (
        f"<class '{name}'>.__new__ received an invalid combination of arguments. Expected one of:\n * no arguments\n"
        " * (int size)\n * (Sequence data)\n * (*, UntypedStorage wrap_storage)\n"
    )
    with pytest.raises(RuntimeError) as info:
        lib.FloatStorage(2, device="cpu")
    assert str(info.value) == usage + "Keyword argument 'device' cannot be specified"
    with pytest.raises(RuntimeError) as info:
        lib.FloatStorage(2, 3)
    assert str(info.value) == usage + "Too many positional arguments"
    with pytest.raises(TypeError, match="new\\(\\): invalid data type 'str'"):
        lib.FloatStorage("a")


@pytest.mark.parametrize("lib", LIBS)
def test_storage_base(lib):
    assert isinstance(lib.ones(2).untyped_storage(), lib.StorageBase)
    assert lib.StorageBase is lib._C.StorageBase
