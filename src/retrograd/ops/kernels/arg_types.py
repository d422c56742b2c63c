"""The type checks of PyTorch's argument parser, for ops that would otherwise fail deeper down.

PyTorch checks each argument against its declared type (Tensor, int, float) before the op
runs and raises a TypeError naming the function, the argument and its position. These
helpers give the same error; each returns the value as the op wants it.
"""

from __future__ import annotations

import numbers
import operator
from typing import Any

import numpy as np

from ... import dtypes as _dt
from ..._display_name import package_name
from ...engine.primitive import type_name
from ...tensor import Tensor


def _refuse(fn: str, name: str, position: int | None, kind: str, value: Any) -> TypeError:
    """PyTorch's TypeError for a wrongly typed argument; a keyword-only one (position None) has no position."""
    where = "" if position is None else f" (position {position})"
    return TypeError(f"{fn}(): argument '{name}'{where} must be {kind}, not {type_name(value)}")


def check_tensors(fn: str, **arguments: Any) -> None:
    """PyTorch's TypeError for the first of `arguments` (named in positional order) that is not a tensor.

    Call it where a tensor-only op first reads its inputs, or in the `except AttributeError` around
    that read on a hot path (free until something fails).
    """
    for position, (name, value) in enumerate(arguments.items(), 1):
        if not isinstance(value, Tensor):
            raise _refuse(fn, name, position, "Tensor", value)


def number_arg(fn: str, name: str, position: int, value: Any) -> Any:
    """`value` if it is a number (bool, int, float, complex, NumPy's), a tensor or an array; TypeError otherwise.

    NumPy would take None or a string as NaN or as an array of text, filling tensors with garbage.
    """
    # arrays (NumPy's or a device library's) pass: internal callers fill with drawn values
    if not isinstance(value, (numbers.Number, np.bool_, Tensor)) and not hasattr(value, "ndim"):
        raise _refuse(fn, name, position, "Number", value)
    return plain_number(value)


def scalar_arg(fn: str, name: str, position: int | None, value: Any) -> Any:
    """`value` as a Python number where PyTorch's parser wants a Number: a Python or NumPy number, or
    a 0-d tensor (its value); a tensor with dims or one that requires grad (its graph would be
    lost), None or a string is PyTorch's TypeError."""
    if type(value) is float or type(value) is int:  # the common case, before the slower ABC check
        return value
    if isinstance(value, (numbers.Number, np.bool_)):
        return plain_number(value)
    if isinstance(value, Tensor) and value._data.ndim == 0 and not value.requires_grad:
        return value.item()
    raise _refuse(fn, name, position, "Number", value)


def plain_number(value: Any) -> Any:
    """A NumPy scalar as the Python number it holds; anything else unchanged.

    PyTorch's parser reads `np.float64(0.5)` as the Python float 0.5, a weak scalar that keeps a
    float32 tensor float32; NumPy 2 keeps the scalar's own dtype in arithmetic (float64).
    """
    return value.item() if isinstance(value, np.generic) else value


def tensor_arg(fn: str, name: str, position: int, value: Any) -> Tensor:
    """`value` if it is a tensor; PyTorch's TypeError otherwise."""
    if not isinstance(value, Tensor):
        raise _refuse(fn, name, position, "Tensor", value)
    return value


def int_arg(fn: str, name: str, position: int | None, value: Any) -> int:
    """`value` as an int: Python and NumPy integers, or a 0-d integer tensor (not bool, not float)."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)):
        return int(value)
    if isinstance(value, Tensor) and value._data.ndim == 0 and value._data.dtype.kind in "iu":
        return operator.index(value)
    raise _refuse(fn, name, position, "int", value)


def ints_arg(fn: str, name: str, position: int | None, value: Any, one: bool = False) -> tuple[int, ...]:
    """`value` as a tuple of ints where PyTorch's parser wants `tuple of ints`: a list, tuple or Size
    of ints (Python's, NumPy's or 0-d integer tensors). With `one` (PyTorch's `int[1]`) a single int
    is taken as a 1-tuple."""
    if not isinstance(value, (list, tuple)):
        if one and is_int(value):
            return (operator.index(value),)
        raise _refuse(fn, name, position, "tuple of ints", value)
    for i, v in enumerate(value):
        if not is_int(v):
            where = "" if position is None else f" (position {position})"
            raise TypeError(
                f"{fn}(): argument '{name}'{where} must be tuple of ints, but found element of type "
                f"{type_name(v)} at pos {i}"
            )
    return tuple(operator.index(v) for v in value)


def is_int(value: Any) -> bool:
    """Whether PyTorch's parser reads `value` as an int: not a bool, not a float, not a tensor with dims."""
    if isinstance(value, (int, np.integer)):
        return not isinstance(value, (bool, np.bool_))
    return isinstance(value, Tensor) and value._data.ndim == 0 and value._data.dtype.kind in "iu"


def keepdim_arg(fn: str, keepdim: Any) -> bool:
    """`keepdim` if it is a Python bool; PyTorch's TypeError otherwise (not 0 or 1, not None, not
    NumPy's bool), named as for a keyword argument."""
    if type(keepdim) is not bool:
        raise _refuse(fn, "keepdim", None, "bool", keepdim)
    return keepdim


def dtype_arg(fn: str, name: str, position: int | None, value: Any) -> _dt.dtype:
    """`value` if it is a dtype (Python's `float`, `int`, `bool`, `complex` read as PyTorch reads
    them: float64, int64, bool, complex128); PyTorch's TypeError otherwise."""
    value = _dt.from_python_type(value)
    if not isinstance(value, _dt.dtype):
        raise _refuse(fn, name, position, f"{package_name()}.dtype", value)
    return value


def bool_arg(fn: str, name: str, position: int | None, value: Any) -> bool:
    """`value` if it is a Python bool; PyTorch's parser takes no other type for a bool (not 0 or 1,
    not NumPy's bool, not a tensor)."""
    if type(value) is not bool:
        raise _refuse(fn, name, position, "bool", value)
    return value


def float_arg(fn: str, name: str, position: int, value: Any) -> float:
    """`value` as a float: any real Python or NumPy number, or a 0-d real tensor."""
    if isinstance(value, (int, float, np.integer, np.floating, np.bool_)):
        return float(value)
    if (
        isinstance(value, Tensor)
        and value._data.ndim == 0
        and (value._data.dtype.kind in "biuf" or _dt.is_floating(value._data.dtype))
    ):
        return float(value.item())
    raise _refuse(fn, name, position, "float", value)


def type_name_of(value: Any) -> str:
    """The argument's type as PyTorch's argument errors name it (`Tensor`, `int`, `numpy.ndarray`)."""
    return _type_name(value)


def _type_name(value: Any) -> str:
    """The argument's type as PyTorch's parser names it: `Tensor`, `torch._C.Generator`, `int`,
    `numpy.ndarray` (a C type's `tp_name`, module and all)."""
    if isinstance(value, Tensor):
        return "Tensor"
    if isinstance(value, _dt.dtype):
        return f"{package_name()}.dtype"
    kind = type(value)
    if kind.__module__ == f"{package_name()}._C":  # (Generator) C++ classes in PyTorch, named with their module
        return f"{kind.__module__}.{kind.__name__}"
    return type_name(value)


def class_repr(value: Any) -> str:
    """How Python prints `type(value)`, with retrograd's classes under PyTorch's names where it stands in
    for torch (a plain tensor's class is `torch.Tensor`, as PyTorch's own repr says)."""
    kind = type(value)
    if kind is Tensor:
        return f"<class '{package_name()}.Tensor'>"
    module = kind.__module__ or ""
    if module == "retrograd" or module.startswith("retrograd."):
        return f"<class '{package_name()}{module[len('retrograd'):]}.{kind.__qualname__}'>"
    return str(kind)


def invalid_combination(
    fn: str, arguments: tuple, signatures: tuple[str, ...], keywords: dict[str, Any] | None = None
) -> TypeError:
    """PyTorch's TypeError for arguments that match none of an op's signatures (listed as PyTorch lists them)."""
    kinds = [_type_name(a) for a in arguments]
    kinds += [f"{k}={_type_name(v)}" for k, v in (keywords or {}).items()]
    got = ", ".join(kinds) + (", " if keywords and not arguments else "")  # PyTorch's "(dim=int, )"
    listed = "".join(f" * ({signature})\n" for signature in signatures)
    return TypeError(
        f"{fn}() received an invalid combination of arguments - got ({got}), but expected one of:\n{listed}"
    )


def check_binary_operands(
    fn: str, input: Any, other: Any, out: Any = None, *, number_first: str = "", second: str = "other"
) -> None:
    """PyTorch's TypeError for a binary op's operands that fit none of its bindings.

    Every binary op takes `(Tensor input, Tensor other)` and `(Tensor input, Number other)`; some add
    a Number first beside a Tensor: `number_first` is "out" where that binding takes `out=` (pow,
    float_power, xlogy), "plain" where it does not (remainder, the bitwise ops: PyTorch shows why it
    did not match), and "" where there is none (the comparisons, fmod, copysign: `eq(2, t)` raises).
    `second` names the second parameter as PyTorch's signature does ("exponent" for pow).
    """
    if isinstance(input, Tensor) or (number_first and isinstance(other, Tensor)):
        return
    signatures = [f"Tensor input, Tensor {second}, *, Tensor out = None"]
    if number_first == "out":
        signatures.append(f"Number self, Tensor {second}, *, Tensor out = None")
    elif number_first == "plain":  # the reason line continues the signature's own line
        why = "didn't match because some of the arguments have invalid types"
        signatures.append(f"Number self, Tensor {second})\n      {why}: (!{_type_name(input)}!, !{_type_name(other)}!")
    signatures.append(f"Tensor input, Number {second}, *, Tensor out = None")
    raise invalid_combination(fn, (input, other), tuple(signatures), None if out is None else {"out": out})


def check_elements(tensors: Any, argument: int = 0) -> None:
    """PyTorch's TypeError for the first element of a list of tensors that is not one."""
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument {argument}, but got {type_name(t)}")
