"""Small helpers shared by the op families: operand conversion and dim handling."""

from __future__ import annotations

import opcode
import operator
import sys
from collections.abc import Sequence
from typing import Any

import numpy as np

from ... import dtypes as _dt
from ..._user_frames import past_checks
from ...backend import namespace
from ...dtypes import dtype
from ...engine import primitive as _primitive
from ...engine.bfloat16 import converted
from ...engine.grad_mode import state as _grad_mode
from ...engine.inference import NO_VERSION, SAVE_REFUSAL
from ...tensor import Tensor, _wrap_dim


def constant(value: Any, dt: dtype, xp: Any = np) -> Tensor:
    """A Python number (or array-like) as a tensor of `dt` that needs no gradient, in array module `xp`."""
    if dt is _dt.bfloat16 or (dt is _dt.float16 and xp is np):  # made from float32, as PyTorch's
        return Tensor._make(converted(np.asarray(value), dt.np))
    try:
        return Tensor._make(xp.asarray(value, dtype=dt.np))
    except OverflowError:  # e.g. -1 for uint8: wraps around, as in PyTorch
        return Tensor._make(xp.asarray(np.asarray(value).astype(dt.np)))


def as_tensor_of(x: Any, dt: dtype, xp: Any = np) -> Tensor:
    """`x` as a tensor of dtype `dt` (tensors are cast, recording the cast if needed).

    A number becomes a constant in array module `xp`: the device of the tensors it meets.
    """
    if isinstance(x, Tensor):
        return x if x._data.dtype == dt.np else x.to(dt)
    if isinstance(x, _NOT_SCALAR_OPERANDS):
        raise operand_error(x)
    return constant(x, dt, xp)


# What PyTorch's argument parser never turns into a tensor (it raises TypeError).
_NOT_OPERANDS = (str, bytes, type(None), dict, set)
# Beside a tensor, a list is no operand either: `t == [1, 2]` is False and `t + [1, 2]` a TypeError.
_NOT_SCALAR_OPERANDS = (*_NOT_OPERANDS, list, tuple)


def operand_error(x: Any, argument: str = "other", position: int = 2) -> TypeError:
    """PyTorch's TypeError for a value that cannot be a tensor operand."""
    return TypeError(f"argument '{argument}' (position {position}) must be Tensor, not {type(x).__name__}")


# What PyTorch's argument parser takes for a tensor operand or a Number: tensors, arrays (as the
# tensors they become), Python's bool, int, float and complex and NumPy's numbers; not a Fraction, a
# Decimal or another object that merely converts to a float.
_OPERANDS = (Tensor, np.ndarray, bool, int, float, complex, np.number, np.bool_)
# the instructions of `a + b` and `a += b`: one since Python 3.11, one per operator in 3.10
_OPERATOR_NAMES = ("BINARY_OP",) + tuple(
    f"{kind}_{op}" for kind in ("BINARY", "INPLACE")
    for op in ("ADD", "SUBTRACT", "MULTIPLY", "TRUE_DIVIDE", "MATRIX_MULTIPLY")
)
_OPERATOR_OPCODES = frozenset(opcode.opmap[name] for name in _OPERATOR_NAMES if name in opcode.opmap)


def is_operand(x: Any) -> bool:
    """Whether `x` can be the other operand of a binary arithmetic op.

    An array is one for the functions (`retrograd.add(t, a)`) but not for the operators: PyTorch's
    `t + a` returns NotImplemented and leaves the sum to NumPy (see `refused_operand`).
    """
    if isinstance(x, np.ndarray):
        return not _by_operator(sys._getframe(2))
    return isinstance(x, _OPERANDS)


def _by_operator(caller: Any) -> bool:
    """Whether frame `caller` is running a binary-operator instruction (`a + b`, `a += b`); past a
    `CheckedMethod` (once a Tensor subclass exists, `t + a` reaches the op through one)."""
    caller = past_checks(caller)
    return caller.f_code.co_code[caller.f_lasti] in _OPERATOR_OPCODES


def refused_operand(op: str, x: Any) -> Any:
    """What binary op `op` does with an operand it cannot take (see `is_operand`).

    Called by Python's operator protocol (`t + x`, `x * t`), NotImplemented: Python then tries
    x's reflected method and otherwise raises its own "unsupported operand type(s)", as it does
    for PyTorch's tensors, whose operators turn a TypeError into NotImplemented. Called as a
    function (`retrograd.add(t, x)`), PyTorch's TypeError. The op's caller is the frame two up;
    it is running a binary-operator instruction when the operator protocol made the call.
    """
    if _by_operator(sys._getframe(2)):
        return NotImplemented
    raise TypeError(f"{op}(): argument 'other' (position 2) must be Tensor, not {type(x).__name__}")


def promote(*xs: Any) -> tuple[Tensor, ...]:
    """Tensors and scalars converted to PyTorch's common dtype of all of them."""
    dt = _dt.result_type(*xs)
    xp = next((namespace(x._data) for x in xs if isinstance(x, Tensor)), np)
    return tuple(as_tensor_of(x, dt, xp) for x in xs)


def on_one_device(name: str, *tensors: Tensor) -> tuple[Tensor, ...]:
    """`tensors` on one device (a 0-d CPU tensor joins the others), or PyTorch's mixed-device
    error: for ops that call the array library themselves rather than through a Primitive."""
    first = tensors[0]._data
    if all(type(t._data) is type(first) for t in tensors) and (
        type(first) is np.ndarray or all(t._data.device == first.device for t in tensors)
    ):
        return tensors
    return _primitive.align_devices(name, tensors)


def scalar_operand(t: Any, other: Any) -> float | None:
    """A 0-d float or integer tensor `other` (needing no gradient) as the second operand of a float16/bfloat16
    tensor `t` of one or more dims, as the number PyTorch's mul and div kernels read it: a second operand
    that is a CPU scalar is held in float32, not rounded to the half dtype first (`x * torch.tensor(0.9)`
    is `x * 0.9`; `torch.tensor(0.9) * x` rounds 0.9). None for any other pair."""
    if not (isinstance(t, Tensor) and isinstance(other, Tensor)) or other._data.ndim or t._data.ndim == 0:
        return None
    if t.dtype not in (_dt.float16, _dt.bfloat16) or other.requires_grad or other._data.dtype.kind not in "fiu":
        return None
    return float(other._data) if other._data.dtype.kind == "f" else int(other._data)


def promote_float(x: Tensor) -> Tensor:
    """Integer and bool tensors become the default float dtype (for exp, sin, mean, ...); complex stay."""
    if (_dt.is_floating(x._data.dtype) or x._data.dtype.kind == "c"):
        return x
    return x.to(_dt.get_default_dtype())


def tensor_of(x: Any) -> Tensor:
    """A tensor for `x`: itself if it is one, else a constant inferred like `retrograd.tensor`."""
    if isinstance(x, Tensor):
        return x
    if isinstance(x, _NOT_OPERANDS):
        raise operand_error(x, "input", 1)
    from ..from_data import tensor

    return tensor(x)


def wrap_dim(dim: int, ndim: int) -> int:
    return _wrap_dim(dim, ndim)


def wrap_existing_dim(dim: int, ndim: int) -> int:
    """`wrap_dim` for an op that works along a dim that must exist (unique, take_along_dim): where a
    0-d tensor's dim 0 or -1 passes elsewhere, PyTorch refuses it here."""
    if ndim == 0 and dim in (0, -1):
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    return _wrap_dim(dim, ndim)


def numpy_alias(name: str, value: Any, default: Any, alias: Any, alias_name: str) -> Any:
    """`alias` (`axis=`, `keepdims=`) in place of `value`; PyTorch's TypeError when both were given."""
    if value is not default and value != default:
        raise TypeError(f"{name}() got an unexpected keyword argument '{alias_name}'")
    return alias


def wrap_dims(dim: int | Sequence[int] | None, ndim: int) -> tuple[int, ...]:
    """Normalise `dim` (None = all dims) to a sorted tuple of non-negative ints."""
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, (int, np.integer)):
        return (_wrap_dim(dim, ndim),)  # (a bool is refused there)
    if isinstance(dim, (str, Tensor)) or not isinstance(dim, Sequence):
        raise TypeError(f"argument 'dim' must be tuple of ints, not {type(dim).__name__}")
    dims = tuple(_wrap_dim(d, ndim) for d in dim)
    if len(set(dims)) != len(dims):
        raise RuntimeError(f"dim {dims[0]} appears multiple times in the list of dims")
    return tuple(sorted(dims))


def shape_arg(size: tuple) -> tuple[int, ...]:
    """Accept `f(2, 3)`, `f((2, 3))`, `f([2, 3])` and `f(retrograd.Size(...))`."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    try:
        return tuple(operator.index(s) for s in size)
    except TypeError:
        kinds = [type(s).__name__ for s in size if not isinstance(s, (int, np.integer))]
        raise TypeError(f"argument 'size' must be tuple of ints, but found element of type {kinds[0]}") from None


def as_array(value: Any) -> Any:
    """An array function's result as an array: NumPy hands back 0-d results as scalars; device arrays stay."""
    return np.asarray(value) if isinstance(value, (np.generic, bool, int, float, complex)) else value


def recorded(*inputs: Tensor) -> bool:
    """Whether an op on `inputs` will record a node that keeps its index or mask arrays.

    Those arrays are attributes, not saved tensors: nothing checks their version, so an index or
    mask changed in place after the forward would change the gradient silently (PyTorch raises).
    Ops copy them when this holds; a compile recording traces the arrays themselves instead.
    """
    return _grad_mode.enabled and _primitive.tracer is None and any(t._requires_grad for t in inputs)


def refuse_inference_index(index: Tensor, *inputs: Tensor) -> None:
    """PyTorch's error for an inference tensor as the index (or target) of an op that records a
    node: PyTorch saves it for the backward and refuses it there; here the node keeps an array
    instead (see `recorded`), so the check is made here."""
    if index._version_counter is NO_VERSION and recorded(*inputs):
        raise RuntimeError(SAVE_REFUSAL)


def conj_number(c: Any) -> Any:
    """A Python number's complex conjugate (a real number is its own), for rules that scale by one."""
    return c.conjugate() if isinstance(c, complex) else c
