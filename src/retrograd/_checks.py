"""`torch._check` and friends, `torch._assert_async`, `torch._shape_as_tensor`: the assertions and
shape helper that library code written for tracing (kornia, torchvision, Hugging Face transformers'
`torch_compilable_check`) calls in place of `assert`.

PyTorch keeps them traceable by `torch.compile`; here they check eagerly.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .dtypes import bool_
from .tensor import Tensor

__all__ = [
    "_assert_async", "_check", "_check_index", "_check_not_implemented", "_check_tensor_all",
    "_check_tensor_all_with", "_check_type", "_check_value", "_check_with", "_shape_as_tensor",
]  # fmt: skip

_DEFAULT_CHECK_MESSAGE = (
    "Expected cond to be True, but got False. (Could this error message be improved? If so, please report "
    "an enhancement request to PyTorch.)"
)


def _raise_unless(cond: object, message: Callable[[], object] | None, error: type[Exception]) -> None:
    if isinstance(cond, Tensor):
        raise TypeError(
            "cond must be a bool, but got a Tensor. For tensor conditions, use torch._check_tensor_all() to "
            "assert that all elements are true."
        )
    if not isinstance(cond, bool):
        raise TypeError(f"cond must be a bool, but got {type(cond)}")
    if cond:
        return
    if not (isinstance(error, type) and issubclass(error, Exception)) or issubclass(error, Warning):
        raise AssertionError(f"error_type must be a subclass of Exception but not Warning, got {error}")
    if message is None:
        raise error(_DEFAULT_CHECK_MESSAGE)
    if not callable(message):
        raise TypeError("message must be a callable")
    raise error(str(message()))


def _check(cond: bool, message: Callable[[], object] | None = None) -> None:
    """Raise RuntimeError(`message()`) unless `cond` (a Python bool) is True.

    Examples:
        >>> retrograd._check(2 > 1, lambda: "two is more than one")
    """
    _raise_unless(cond, message, RuntimeError)


def _check_with(error_type: type[Exception], cond: bool, message: Callable[[], object] | None) -> None:
    """`_check`, raising `error_type` (an Exception class, not a Warning).

    Examples:
        >>> retrograd._check_with(ValueError, 2 > 1, lambda: "two is more than one")
    """
    _raise_unless(cond, message, error_type)


def _check_tensor_all_with(
    error_type: type[Exception], cond: Tensor, message: Callable[[], object] | None = None
) -> None:
    """Raise `error_type(message())` unless every element of the bool tensor `cond` is True.

    An empty `cond` passes. TypeError if `cond` is not a Tensor of dtype bool.

    Examples:
        >>> retrograd._check_tensor_all_with(ValueError, retrograd.tensor([True, True]), lambda: "all hold")
    """
    if not isinstance(cond, Tensor):
        raise TypeError(f"cond must be a tensor, but got {type(cond)}")
    if cond.dtype != bool_:
        raise TypeError(f"cond tensor must have dtype {bool_}, but got {cond.dtype}")
    _raise_unless(bool(np.all(cond.detach().cpu().numpy())), message, error_type)


def _check_tensor_all(cond: Tensor, message: Callable[[], object] | None = None) -> None:
    """`_check_tensor_all_with`, raising RuntimeError."""
    _check_tensor_all_with(RuntimeError, cond, message)


def _check_index(cond: bool, message: Callable[[], object] | None = None) -> None:
    """`_check`, raising IndexError."""
    _raise_unless(cond, message, IndexError)


def _check_value(cond: bool, message: Callable[[], object] | None = None) -> None:
    """`_check`, raising ValueError."""
    _raise_unless(cond, message, ValueError)


def _check_type(cond: bool, message: Callable[[], object] | None = None) -> None:
    """`_check`, raising TypeError."""
    _raise_unless(cond, message, TypeError)


def _check_not_implemented(cond: bool, message: Callable[[], object] | None = None) -> None:
    """`_check`, raising NotImplementedError."""
    _raise_unless(cond, message, NotImplementedError)


def _assert_async(input: Tensor, assert_msg: str = "Expected Tensor with single nonzero value, but got zero") -> None:
    """Raise RuntimeError(`assert_msg`) if the one-element tensor `input` is zero (NaN counts as nonzero).

    On CUDA PyTorch reports the failure at a later kernel launch; here it is checked at once.

    Examples:
        >>> retrograd._assert_async(retrograd.tensor(True), "must hold")
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"_assert_async(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    if not isinstance(assert_msg, str):
        raise TypeError(
            f"_assert_async(): argument 'assert_msg' (position 2) must be str, not {type(assert_msg).__name__}"
        )
    if input.numel() != 1:
        bool(input)  # PyTorch's "Boolean value of Tensor with ... is ambiguous"
    if not np.asarray(input.detach().cpu().numpy()).item():
        raise RuntimeError(assert_msg)


def _shape_as_tensor(input: Tensor) -> Tensor:
    """`input`'s shape as a 1-d int64 tensor (what ONNX export reads shapes through).

    Examples:
        >>> retrograd._shape_as_tensor(retrograd.ones(2, 3))
        tensor([2, 3])
    """
    if not isinstance(input, Tensor):
        raise TypeError(
            f"_shape_as_tensor(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}"
        )
    return Tensor._make(np.asarray(input.shape, dtype=np.int64))
