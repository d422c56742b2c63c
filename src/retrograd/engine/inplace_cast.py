"""The in-place cast check PyTorch makes before it computes.

`t.op_(other)` writes the result into `t`, so its dtype must be one `t` can hold: PyTorch's
TensorIterator refuses "result type Float can't be cast to the desired output type Long" while
it sets the op up, before any kernel looks at the dtypes; so does an `out=` tensor. retrograd
computes the out-of-place op and checks the cast as it writes (`inplace.commit`, `write_out`); for
the binary ops below the check runs first too, so that `int_tensor.bitwise_and_(float_tensor)`
raises the cast error, not the kernel's "not implemented for 'Float'", as in PyTorch.
"""

from __future__ import annotations

from typing import Any

from .. import dtypes as _dt
from . import tensor_type as _tt

# The op's result dtype: the operands' promoted one, or (a float op) that one with integers and
# bools made the default float. True: the op takes a Python number as `other` too (the others
# raise their TypeError for one first).
_PROMOTED = {
    "add": True, "sub": True, "mul": True, "floor_divide": True, "remainder": True, "fmod": True, "pow": True,
    "bitwise_and": True, "bitwise_or": True, "bitwise_xor": True, "bitwise_left_shift": True,
    "bitwise_right_shift": True, "hypot": False,
}
_FLOAT = {"div": True, "true_divide": True, "atan2": False, "xlogy": True, "copysign": True}


def cast_error(src: _dt.dtype, dst: _dt.dtype) -> RuntimeError:
    """PyTorch's error for an in-place result of dtype `src` written into a `dst` tensor."""
    return RuntimeError(f"result type {src.kind_name} can't be cast to the desired output type {dst.kind_name}")


def check_cast_first(dst: _dt.dtype, name: str, input: Any, other: Any, kwargs: dict) -> None:
    """Raise PyTorch's cast error for `name(input, other, **kwargs)` written into a `dst` tensor
    (the target of an in-place op, or `out=`) before the op runs.

    Only for the binary ops whose result dtype follows from their operands alone; anything else
    (another op, a number first, an unusual operand) is left to the op and the write's own check.
    """
    if type(other) is _tt.Tensor and other._data.dtype == input._data.dtype and dst.np == input._data.dtype:
        if name not in _FLOAT:
            return  # the common `p.add_(g, alpha=-lr)`: nothing to promote
    if name not in _PROMOTED and name not in _FLOAT or not isinstance(input, _tt.Tensor):
        return
    takes_numbers = _PROMOTED.get(name, _FLOAT.get(name))
    if not (isinstance(other, _tt.Tensor) or (takes_numbers and isinstance(other, (bool, int, float, complex)))):
        return
    if name == "sub" and _dt.bool_ in (input.dtype, _dt.result_type(other)):
        return  # sub refuses bools before it sets up (its own error, raised by the op)
    if name == "div" and kwargs.get("rounding_mode") not in (None, "trunc", "floor"):
        return  # so does div an unknown rounding mode
    result = _dt.result_type(input, other)
    # div with a rounding mode keeps the promoted dtype
    if name in _FLOAT and kwargs.get("rounding_mode") is None and result._category < 2:
        result = _dt.get_default_dtype()
    if not _dt.can_cast(result, dst):
        raise cast_error(result, dst)
