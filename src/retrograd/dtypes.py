"""Data types and PyTorch's type-promotion rules.

A `dtype` wraps a NumPy dtype with PyTorch's name (`retrograd.float32`).
`result_type` implements PyTorch's promotion: tensors with dimensions outrank
0-d tensors, which outrank Python scalars, unless a lower rank brings a higher
*category* (bool < integer < floating point).
"""

from __future__ import annotations

import builtins
import importlib.util
import sys
from typing import Any

import numpy as np

from ._display_name import package_name, public_class

builtins_int_type = builtins.int


class dtype:
    """A tensor element type, printed as `retrograd.<name>` (`retrograd.float32`, `retrograd.int64`, ...).

    The dtypes are module constants; programs compare them and read their properties, never
    construct them. Besides its own name each carries PyTorch's two names for it, the ones error
    messages print: `kind_name`, the ScalarType ("Float", "Long"; also the stem of the legacy
    `FloatTensor` type names), and `c10_name`, the C++ type some kernels print ("float", "long int").

    Args:
        name (str): the name after `retrograd.`, e.g. "float32".
        np_dtype (type): the NumPy scalar type that stores the elements.
        category (int): 0 bool, 1 integer, 2 floating, 3 complex (the promotion order of kinds).
        kind_name (str): PyTorch's ScalarType name.
        c10_name (str): PyTorch's C++ type name.

    Returns:
        (dtype): the element type; `is_floating_point`, `is_complex`, `is_signed` and `itemsize` describe it.

    Examples:
        >>> retrograd.ones(2).dtype
        retrograd.float32
        >>> retrograd.float32.is_floating_point, retrograd.float32.itemsize, retrograd.int64.is_signed
        (True, 4, True)
    """

    __slots__ = ("name", "np", "is_floating_point", "is_signed", "itemsize", "_category", "kind_name", "c10_name")
    _category: builtins.int

    def __init__(self, name: str, np_dtype: type, category: int, kind_name: str, c10_name: str) -> None:
        self.name = name
        self.kind_name = kind_name
        self.c10_name = c10_name
        self.np = np.dtype(np_dtype)
        self.is_floating_point = category == 2
        self.is_signed = not name.startswith("uint") and name != "bool"
        self.itemsize = self.np.itemsize
        self._category = category

    @property
    def is_complex(self) -> bool:
        return self._category == 3

    @property
    def legacy_name(self) -> str:
        """PyTorch's legacy tensor type name: "FloatTensor", "LongTensor", ..."""
        return self.kind_name + "Tensor"

    def to_real(self) -> dtype:
        """The real dtype of a complex one's parts (complex64 -> float32); others unchanged."""
        return _REAL_OF.get(self, self)

    def to_complex(self) -> dtype:
        """The complex dtype with this float's parts (float32 -> complex64); a complex dtype unchanged.
        Bool, integer and float8 dtypes have none: RuntimeError, as in PyTorch."""
        if self._category == 3:
            return self
        complex_dtype = _COMPLEX_OF.get(self)
        if complex_dtype is None:
            raise RuntimeError(f"Unknown Complex ScalarType for {self.kind_name}")
        return complex_dtype

    def __repr__(self) -> str:
        return package_name() + "." + self.name

    def __reduce__(self) -> str:
        return self.name



public_class(dtype)  # `<class 'torch.dtype'>` under the alias (pickle finds `torch.float32` there too)

# The one table of dtype names: retrograd's, NumPy's, category, PyTorch's ScalarType, C++ type.
bool_ = dtype("bool", np.bool_, 0, "Bool", "bool")
uint8 = dtype("uint8", np.uint8, 1, "Byte", "unsigned char")
int8 = dtype("int8", np.int8, 1, "Char", "signed char")
int16 = dtype("int16", np.int16, 1, "Short", "short int")
int32 = dtype("int32", np.int32, 1, "Int", "int")
int64 = dtype("int64", np.int64, 1, "Long", "long int")
float16 = dtype("float16", np.float16, 2, "Half", "c10::Half")
float32 = dtype("float32", np.float32, 2, "Float", "float")
float64 = dtype("float64", np.float64, 2, "Double", "double")
bfloat16 = dtype("bfloat16", np.uint16, 2, "BFloat16", "c10::BFloat16")  # storage: see below
complex64 = dtype("complex64", np.complex64, 3, "ComplexFloat", "c10::complex<float>")
complex128 = dtype("complex128", np.complex128, 3, "ComplexDouble", "c10::complex<double>")

# PyTorch's aliases
half, float, double = float16, float32, float64
short, int, long = int16, int32, int64
cfloat, cdouble = complex64, complex128

ALL = (bool_, uint8, int8, int16, int32, int64, float16, float32, float64, complex64, complex128, bfloat16)

# PyTorch's "barebones" unsigned integers (16-bit PNGs and medical images load as uint16): their
# tensors are made, copied, viewed, indexed, printed, saved and converted, but PyTorch has few
# kernels for them (add, max, comparisons but ==/!= raise NotImplementedError) and promotes them
# with floating dtypes only. They are not in ALL, whose dtypes every op supports.
uint16 = dtype("uint16", np.uint16, 1, "UInt16", "uint16_t")
uint32 = dtype("uint32", np.uint32, 1, "UInt32", "uint32_t")
uint64 = dtype("uint64", np.uint64, 1, "UInt64", "uint64_t")
WIDE_UNSIGNED = (uint16, uint32, uint64)

# `dtype=float` (or int, bool, complex): PyTorch's argument parser reads Python's number types as
# the dtypes of the tensors Python numbers make, double, long, bool and cdouble
_PYTHON_TYPES = {builtins.float: float64, builtins.int: int64, builtins.bool: bool_, builtins.complex: complex128}


def from_python_type(dt: Any) -> Any:
    """A `dtype=` argument with Python's float, int, bool and complex read as float64, int64,
    bool and complex128, as PyTorch reads them; anything else as it is."""
    return _PYTHON_TYPES.get(dt, dt) if type(dt) is type else dt


# DESIGN: NumPy has no bfloat16, so a bfloat16 tensor's array is an `ml_dtypes.bfloat16` array
# (an optional dependency). The dtype lives in the array, so views, copies, indexing and
# concatenation keep it with no code of ours. NumPy does not compute on it: a primitive with a
# bfloat16 input runs on float32 copies and rounds its float32 results back to bfloat16 once
# (engine/bfloat16.py), as PyTorch's CPU kernels do (float32 "opmath", float32 accumulation).
# Without ml_dtypes the dtype still prints, promotes and has finfo; asking for its arrays raises.
class _StoragelessDtype(dtype):
    """A dtype whose NumPy storage is not installed: `.np` raises (so no tensor of it is made)."""

    __slots__ = ()

    @property  # type: ignore[override]
    def np(self) -> np.dtype:
        require_storage(self)
        raise AssertionError  # unreachable: require_storage raised

    @np.setter
    def np(self, value: np.dtype) -> None:
        pass


class _LazyStorageDtype(dtype):
    """bfloat16 before ml_dtypes is imported: the first `.np` imports it (importing ml_dtypes
    registers its NumPy loops and costs up to a second, so `import retrograd` does not pay it)."""

    __slots__ = ()

    @property  # type: ignore[override]
    def np(self) -> np.dtype:
        load_bfloat16()
        return self.np

    @np.setter
    def np(self, value: np.dtype) -> None:
        pass


class _NamedOnlyDtype(dtype):
    """A PyTorch dtype that retrograd names but makes no tensors of: the float8 formats and
    complex32. Libraries (Hugging Face transformers) read them at import, into
    tables of checkpoint dtypes and quantisation constants; `.np`, asked by anything that would
    make a tensor, raises."""

    __slots__ = ()

    @property  # type: ignore[override]
    def np(self) -> np.dtype:
        raise _no_tensors_of(self)

    @np.setter
    def np(self, value: np.dtype) -> None:
        pass


def _no_tensors_of(d: dtype) -> RuntimeError:
    return RuntimeError(f"retrograd has no {d.name} tensors yet: it names the dtype, nothing more")


def _named_only(name: str, itemsize: int, category: int, kind_name: str, signed: bool) -> dtype:
    d = dtype(name, np.dtype(f"u{itemsize}").type, category, kind_name, "c10::" + kind_name)
    d.is_signed = signed
    d.__class__ = _NamedOnlyDtype
    return d


float8_e4m3fn = _named_only("float8_e4m3fn", 1, 2, "Float8_e4m3fn", True)
float8_e5m2 = _named_only("float8_e5m2", 1, 2, "Float8_e5m2", True)
float8_e8m0fnu = _named_only("float8_e8m0fnu", 1, 2, "Float8_e8m0fnu", False)
complex32 = _named_only("complex32", 4, 3, "ComplexHalf", True)  # kornia lists it among the complex dtypes
complex32.c10_name = "c10::complex<c10::Half>"
chalf = complex32
NAMED_ONLY = (float8_e4m3fn, float8_e5m2, float8_e8m0fnu, complex32)


# `array.dtype is BFLOAT16_NP` asks whether an array holds bfloat16; until ml_dtypes is loaded
# it is a stand-in no array of ours has (load_bfloat16 replaces it in every module holding it).
_NO_BFLOAT16_NP = BFLOAT16_NP = np.dtype([("bfloat16", "<u2")])
HAS_BFLOAT16 = importlib.util.find_spec("ml_dtypes") is not None
bfloat16.__class__ = _LazyStorageDtype if HAS_BFLOAT16 else _StoragelessDtype


def load_bfloat16() -> None:
    """Import ml_dtypes and give bfloat16 its storage (once, on the first bfloat16 tensor)."""
    global BFLOAT16_NP
    if bfloat16.__class__ is dtype:
        return
    import ml_dtypes

    real = np.dtype(ml_dtypes.bfloat16)
    bfloat16.__class__ = dtype
    bfloat16.np = real
    _BY_NUMPY[real] = bfloat16
    BFLOAT16_NP = real
    stand_in = _NO_BFLOAT16_NP
    for name, module in list(sys.modules.items()):  # the modules that copied the stand-in at import
        if name == "retrograd" or name.startswith("retrograd."):
            for attr, value in list(vars(module).items()):
                if value is stand_in and attr != "_NO_BFLOAT16_NP":
                    setattr(module, attr, real)


_REAL_OF = {complex32: float16, complex64: float32, complex128: float64}
# float16's would be complex32, which has no tensors here
_COMPLEX_OF = {float16: complex64, bfloat16: complex64, float32: complex64, float64: complex128}
_BY_NUMPY = {d.np: d for d in (*ALL, *WIDE_UNSIGNED) if d is not bfloat16}  # bfloat16's: load_bfloat16
# rank within a category for promotion; bfloat16 and float16 meet at float32 (promote_types)
_ORDER = {d: i for i, d in enumerate(ALL[:-1])}
_ORDER[bfloat16] = _ORDER[float16]


def require_storage(d: dtype) -> None:
    """Raise unless tensors of `d` can be made here (bfloat16 needs the ml_dtypes package, loaded now)."""
    if d is bfloat16 and HAS_BFLOAT16:
        load_bfloat16()
    elif d is bfloat16:
        raise RuntimeError(
            "bfloat16 tensors need the ml_dtypes package, which is not installed (pip install ml_dtypes)"
        )


def is_floating(np_dtype: np.dtype) -> bool:
    """Whether a NumPy dtype is a floating-point one, bfloat16 included (its NumPy kind is 'V')."""
    return np_dtype.kind == "f" or np_dtype is BFLOAT16_NP


def from_numpy(np_dtype: np.dtype) -> dtype:
    """The retrograd dtype of a NumPy dtype; TypeError for unsupported ones."""
    try:
        return _BY_NUMPY[np_dtype]
    except KeyError:
        if HAS_BFLOAT16 and getattr(np_dtype, "name", "") == "bfloat16":  # a user's ml_dtypes array
            load_bfloat16()
            return _BY_NUMPY[np_dtype]
        structured = np.dtype(np_dtype).names is not None  # (numpy.record for a recarray's: PyTorch names its kind)
        kind = "void" if structured else np.dtype(np_dtype).type.__name__
        raise TypeError(
            f"can't convert np.ndarray of type numpy.{kind}. The only "
            "supported types are: float64, float32, float16, complex64, complex128, int64, "
            "int32, int16, int8, uint64, uint32, uint16, uint8, and bool."
        ) from None


class _DefaultDtype:
    """Holds the default floating dtype (process-wide, as in PyTorch)."""

    value: dtype = float32


_default = _DefaultDtype()


def get_default_dtype() -> dtype:
    """The dtype Python floats become (float32 unless changed by `set_default_dtype`).

    Returns:
        dtype: the default floating dtype; float factories (`zeros`, `rand`, ...) use it too.

    Examples:
        >>> retrograd.get_default_dtype()
        retrograd.float32
        >>> retrograd.tensor([1.5]).dtype
        retrograd.float32
    """
    return _default.value


def set_default_dtype(d: dtype) -> None:
    """Set the dtype Python floats and float factories produce (the default complex dtype follows).

    Args:
        d (dtype): a floating dtype: float16, bfloat16, float32 or float64.

    Returns:
        None: `get_default_dtype()` reports the new default.

    Examples:
        >>> old = retrograd.get_default_dtype()
        >>> retrograd.set_default_dtype(retrograd.float64)
        >>> retrograd.tensor([1.5]).dtype, retrograd.zeros(1).dtype
        (retrograd.float64, retrograd.float64)
        >>> retrograd.set_default_dtype(old)
    """
    if not isinstance(d, dtype) or not d.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    _default.value = d


def promote_types(a: dtype, b: dtype) -> dtype:
    """The smallest dtype both `a` and `b` convert to without losing their kind (PyTorch's table).

    A higher kind wins (bool < integer < floating < complex); within a kind the wider dtype
    wins, and the pairs without a wider member go one up (uint8 with int8 is int16, float16
    with bfloat16 is float32).

    Args:
        a (dtype): a dtype.
        b (dtype): another dtype.

    Returns:
        dtype: the promoted dtype.

    Examples:
        >>> retrograd.promote_types(retrograd.int32, retrograd.float16)
        retrograd.float16
        >>> retrograd.promote_types(retrograd.uint8, retrograd.int8)
        retrograd.int16
        >>> retrograd.promote_types(retrograd.float16, retrograd.bfloat16)
        retrograd.float32
    """
    if a is b:
        return a
    for d in (a, b):
        if d.__class__ is _NamedOnlyDtype and d is not complex32:  # PyTorch's own refusals
            _refuse_promotion("Float8 Types", a, b)
    if a in WIDE_UNSIGNED or b in WIDE_UNSIGNED:  # PyTorch promotes them with floating dtypes only
        if a.is_floating_point or b.is_floating_point:
            return a if a.is_floating_point else b
        _refuse_promotion("uint16, uint32, uint64 types", a, b)
    if complex32 in (a, b):  # named only, yet in PyTorch's table: below complex64, above float16
        other = b if a is complex32 else a
        return complex32 if other._category < 2 or other is float16 else promote_types(complex64, other)
    if a._category != b._category:
        hi, lo = (a, b) if a._category > b._category else (b, a)
        if hi.is_complex and lo.is_floating_point:  # float64 with complex64 is complex128
            return promote_types(hi, lo.to_complex())
        return hi
    if a._category == 1 and {a, b} == {uint8, int8}:
        return int16
    if {a, b} == {float16, bfloat16}:
        return float32
    return a if _ORDER[a] > _ORDER[b] else b


def _refuse_promotion(kinds: str, a: dtype, b: dtype) -> None:
    raise RuntimeError(f"Promotion for {kinds} is not supported, attempted to promote {a.kind_name} and {b.kind_name}")


def _scalar_dtype(value: object) -> dtype:
    # NumPy's bool is no Python bool to PyTorch's argument parser: it reads it as a float number
    if isinstance(value, bool):
        return bool_
    if isinstance(value, (builtins_int, np.integer)):
        return int64
    if isinstance(value, (complex, np.complexfloating)):
        return _default.value.to_complex()
    return _default.value


builtins_int = (0).__class__


def _combine(higher: dtype | None, lower: dtype | None) -> dtype | None:
    # PyTorch's combine_categories: a lower-priority operand only matters when it
    # brings a higher category (e.g. a float scalar with an int tensor).
    if higher is None:
        return lower
    if lower is None:
        return higher
    if lower.is_complex and higher.is_floating_point:  # the float's precision stays: float32, complex128 -> complex64
        return higher.to_complex()
    if higher is bool_ or lower._category > higher._category:
        return promote_types(higher, lower)
    return higher


def result_type(*operands: object) -> dtype:
    """PyTorch's result dtype for an op over tensors and Python scalars."""
    dim = zero = wrapped = None
    for x in operands:
        d = getattr(x, "dtype", None)
        if isinstance(x, np.ndarray):  # an array operand counts as the tensor it becomes
            d = from_numpy(x.dtype)
        if isinstance(d, dtype):
            if x.ndim:  # type: ignore[attr-defined]
                dim = d if dim is None else promote_types(dim, d)
            else:
                zero = d if zero is None else promote_types(zero, d)
        elif x is not None:
            s = _scalar_dtype(x)
            wrapped = s if wrapped is None else promote_types(wrapped, s)
    out = _combine(dim, _combine(zero, wrapped))
    assert out is not None, "result_type needs at least one operand"
    return out


def can_cast(src: dtype, dst: dtype) -> bool:
    """Whether an in-place op may write a `src` result into a `dst` tensor."""
    return src._category <= dst._category
