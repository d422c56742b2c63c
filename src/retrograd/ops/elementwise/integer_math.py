"""Integer-only elementwise ops: gcd, lcm and the bit shifts (no gradient, as in PyTorch).

The shifts follow PyTorch's CPU kernels rather than C: a left shift by a negative amount or
by at least the bit width gives 0; a right shift by such an amount fills with the sign bit
(0 or -1). Overflowing results wrap around in the dtype.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ...engine import numpy_errors
from ...engine.vmap_hook import NOT_BATCHED, batched
from ...engine.vmap_hook import hook as _vmap
from ...tensor import Tensor
from ..inplace_functions import _in_place
from ..kernels.arg_types import check_binary_operands
from ..kernels.operands import as_array, promote
from ..kernels.out_arg import write_out

__all__ = ["gcd_", "lcm_", "gcd", "lcm", "bitwise_left_shift", "bitwise_right_shift"]


def _integer_operands(kernel: str, input: Any, other: Any) -> tuple[Tensor, Tensor]:
    """Both operands promoted to their common integer dtype; floats and bools are refused."""
    a, b = promote(input, other)
    try:  # PyTorch checks that the shapes broadcast before it looks for a kernel
        np.broadcast_shapes(a._data.shape, b._data.shape)
    except ValueError as e:
        raise numpy_errors.translate(e, [a._data, b._data]) from None
    kind = a._data.dtype.kind
    if kind not in "iu":  # bool << int promotes to int64 first; bool << bool is refused
        raise NotImplementedError(f"\"{kernel}_cpu\" not implemented for '{a.dtype.kind_name}'")
    return a, b


def _check_tensor(name: str, position: int, arg: str, value: Any) -> None:
    if not isinstance(value, Tensor):
        raise TypeError(f"{name}(): argument '{arg}' (position {position}) must be Tensor, not {type(value).__name__}")


def _run(fn: Callable[[Any, Any], Any], a: Tensor, b: Tensor) -> Tensor:
    if _vmap.active and (r := batched("elementwise", _run, fn, a, b)) is not NOT_BATCHED:
        return r  # the kernel reads the values: it runs once on the batch
    try:
        with np.errstate(all="ignore"):
            return Tensor._make(as_array(fn(a._data, b._data)))
    except ValueError as e:  # shapes that do not broadcast: PyTorch's RuntimeError
        raise numpy_errors.translate(e, [a._data, b._data]) from None


def _lcm_array(a: Any, b: Any) -> Any:
    # |a / gcd(a, b) * b| in the dtype, wrapping on overflow like PyTorch (NumPy's lcm would too,
    # but it refuses mixed signedness of 0 inputs differently); lcm(0, x) = 0
    g = np.gcd(a, b)
    safe = np.where(g == 0, 1, g).astype(g.dtype)
    return np.abs((a // safe) * b).astype(g.dtype)


def gcd(input: Tensor, other: Tensor, *, out: Any = None) -> Tensor:
    """Elementwise greatest common divisor of integer tensors (non-negative; gcd(0, 0) = 0).

    Args:
        input (Tensor): an integer tensor.
        other (Tensor): an integer tensor; broadcasts against `input`.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: the broadcast shape and promoted integer dtype.

    Examples:
        >>> retrograd.gcd(retrograd.tensor([12, -18, 7, 0]), retrograd.tensor([8, 12, 0, 0]))
        tensor([4, 6, 7, 0])
    """
    if out is not None:
        return write_out(out, gcd, locals())
    _check_tensor("gcd", 1, "input", input)
    _check_tensor("gcd", 2, "other", other)
    a, b = _integer_operands("gcd", input, other)
    return _run(np.gcd, a, b)


def lcm(input: Tensor, other: Tensor, *, out: Any = None) -> Tensor:
    """Elementwise least common multiple of integer tensors (non-negative; 0 if either is 0).

    Args:
        input (Tensor): an integer tensor.
        other (Tensor): an integer tensor; broadcasts against `input`.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: the broadcast shape and promoted integer dtype.

    Examples:
        >>> retrograd.lcm(retrograd.tensor([4, -6, 5]), retrograd.tensor([6, 4, 0]))
        tensor([12, 12,  0])
    """
    if out is not None:
        return write_out(out, lcm, locals())
    _check_tensor("lcm", 1, "input", input)
    _check_tensor("lcm", 2, "other", other)
    a, b = _integer_operands("lcm", input, other)
    return _run(_lcm_array, a, b)


def _shift_left_array(a: Any, b: Any) -> Any:
    bits = a.dtype.itemsize * 8
    a, b = np.broadcast_arrays(a, b)
    bad = (b < 0) | (b >= bits)
    safe = np.where(bad, 0, b).astype(a.dtype)
    return np.where(bad, a.dtype.type(0), np.left_shift(a, safe))


def _shift_right_array(a: Any, b: Any) -> Any:
    # a shift past the width keeps only the sign: -1 or 0 for signed dtypes, 0 for unsigned ones
    bits = a.dtype.itemsize * 8
    a, b = np.broadcast_arrays(a, b)
    bad = (b < 0) | (b >= bits)
    if a.dtype.kind == "u":
        return np.where(bad, a.dtype.type(0), np.right_shift(a, np.where(bad, 0, b).astype(a.dtype)))
    safe = np.where(bad, bits - 1, b).astype(a.dtype)
    return np.right_shift(a, safe)


def bitwise_left_shift(input: Any, other: Any, *, out: Any = None) -> Tensor:
    """Elementwise `input << other` for integer tensors (a shift past the width gives 0).

    Args:
        input (Tensor or int): an integer tensor.
        other (Tensor or int): the shift amounts; broadcasts against `input`.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: the broadcast shape and promoted integer dtype.

    Examples:
        >>> retrograd.bitwise_left_shift(retrograd.tensor([1, 3, -2]), 2)
        tensor([ 4, 12, -8])
    """
    check_binary_operands("bitwise_left_shift", input, other, out, number_first="plain")
    if out is not None:
        return write_out(out, bitwise_left_shift, locals())
    a, b = _integer_operands("lshift", input, other)
    return _run(_shift_left_array, a, b)


def bitwise_right_shift(input: Any, other: Any, *, out: Any = None) -> Tensor:
    """Elementwise `input >> other` for integer tensors (arithmetic: the sign bit fills in).

    Args:
        input (Tensor or int): an integer tensor.
        other (Tensor or int): the shift amounts; broadcasts against `input`.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: the broadcast shape and promoted integer dtype.

    Examples:
        >>> retrograd.bitwise_right_shift(retrograd.tensor([16, 7, -16]), retrograd.tensor([2, 1, 2]))
        tensor([ 4,  3, -4])
    """
    check_binary_operands("bitwise_right_shift", input, other, out, number_first="plain")
    if out is not None:
        return write_out(out, bitwise_right_shift, locals())
    a, b = _integer_operands("rshift", input, other)
    return _run(_shift_right_array, a, b)


gcd_ = _in_place("gcd_")
lcm_ = _in_place("lcm_")
