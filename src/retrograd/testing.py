"""`torch.testing`: `assert_close` with PyTorch's default tolerances and messages, and `make_tensor`.

`assert_close(actual, expected)` accepts tensors, NumPy arrays, Python numbers, and sequences or
mappings of them (compared item by item). Without `rtol`/`atol` the tolerances are PyTorch's
defaults for the dtype: float16 (1e-3, 1e-5), bfloat16 (1.6e-2, 1e-5), float32 (1.3e-6, 1e-5),
float64 (1e-7, 1e-7), and exact equality for integers and bools.
"""

from __future__ import annotations

import importlib
import math
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _missing
from . import dtypes as _dt
from ._display_name import package_name
from .tensor import Tensor

if TYPE_CHECKING:
    from ._filecheck import FileCheck

__all__ = ["assert_close", "make_tensor", "assert_allclose", "FileCheck"]


def __getattr__(name: str) -> Any:
    """`FileCheck` loads on first use: `import retrograd` brings this module in (gradcheck draws its
    grad_outputs with `make_tensor`), and few programs match compiled-graph text."""
    if name == "FileCheck":
        return importlib.import_module("._filecheck", __package__).FileCheck
    raise _missing.missing_attribute(__name__, name)

_DEFAULT_TOLERANCES = {  # dtype name -> (rtol, atol)
    "float16": (1e-3, 1e-5),
    "bfloat16": (1.6e-2, 1e-5),
    "float32": (1.3e-6, 1e-5),
    "float64": (1e-7, 1e-7),
    "complex64": (1.3e-6, 1e-5),
    "complex128": (1e-7, 1e-7),
}


def _tolerances(dtype_name: str, rtol: float | None, atol: float | None) -> tuple[Any, Any]:
    if (rtol is None) != (atol is None):
        missing = "atol" if atol is None else "rtol"
        raise ValueError(f"Both 'rtol' and 'atol' must be either specified or omitted, but got no {missing}.")
    if rtol is not None:
        return rtol, atol  # as given: the message prints them as the caller wrote them
    return _DEFAULT_TOLERANCES.get(dtype_name, (0.0, 0.0))


class _Mismatch(AssertionError):
    """A failed comparison, with where in a nested input it happened."""

    def __init__(self, message: str, path: str = "") -> None:
        super().__init__(message)
        self.message, self.path = message, path


def assert_close(
    actual: Any,
    expected: Any,
    *,
    allow_subclasses: bool = True,
    rtol: float | None = None,
    atol: float | None = None,
    equal_nan: bool = False,
    check_device: bool = True,
    check_dtype: bool = True,
    check_layout: bool = True,
    check_stride: bool = False,
    msg: str | Callable[[str], str] | None = None,
) -> None:
    """Raise AssertionError unless `actual` and `expected` are close: `|a - e| <= atol + rtol * |e|`.

    Shapes must match, and with `check_dtype`/`check_device`/`check_stride` so must those.
    `equal_nan=True` treats NaN as equal to NaN. `msg` replaces the message (a callable gets the
    generated one).

    Args:
        actual (Tensor or any): the value to check; tensors, numbers, NumPy arrays, and sequences
            or mappings of them.
        expected (Tensor or any): the reference, with the same structure.
        allow_subclasses (bool): allow related types (default True).
        rtol (float, optional): the relative tolerance (default: by dtype, e.g. 1.3e-6 for float32).
        atol (float, optional): the absolute tolerance (default: by dtype, e.g. 1e-5 for float32);
            give both or neither.
        equal_nan (bool): count NaN as equal to NaN (default False).
        check_device (bool): require the same device (default True).
        check_dtype (bool): require the same dtype (default True).
        check_layout (bool): require the same layout (default True).
        check_stride (bool): require the same strides (default False).
        msg (str or callable, optional): the failure message, or a function of the generated one.

    Returns:
        None: it returns when the values are close, and raises AssertionError otherwise.

    Examples:
        >>> from retrograd.testing import assert_close
        >>> assert_close(retrograd.tensor([1.0, 2.0]), retrograd.tensor([1.0, 2.0 + 1e-7]))
        >>> assert_close(retrograd.tensor([1.0, 2.0]), retrograd.tensor([1.0, 2.5]))
        Traceback (most recent call last):
        ...
        AssertionError: Tensor-likes are not close!
        <BLANKLINE>
        Mismatched elements: 1 / 2 (50.0%)
        Greatest absolute difference: 0.5 at index (1,) (up to 1e-05 allowed)
        Greatest relative difference: 0.20000000298023224 at index (1,) (up to 1.3e-06 allowed)
    """
    options = dict(rtol=rtol, atol=atol, equal_nan=equal_nan, check_device=check_device, check_dtype=check_dtype)
    options["check_stride"] = check_stride
    try:
        _compare(actual, expected, "", options)
    except _Mismatch as failure:
        message = failure.message
        if failure.path:
            message += f"\n\nThe failure occurred for item {failure.path}"
        if msg is not None:
            message = msg(message) if callable(msg) else msg
        raise AssertionError(message) from None


def _is_tensor_like(x: Any) -> bool:
    return isinstance(x, (Tensor, np.ndarray))


def _is_number(x: Any) -> bool:
    return isinstance(x, (bool, int, float, complex, np.number, np.bool_))


def _compare(actual: Any, expected: Any, path: str, options: dict) -> None:
    if _is_tensor_like(actual) and _is_tensor_like(expected) and _same_kind(actual, expected):
        _compare_tensors(_as_tensor(actual), _as_tensor(expected), path, options)
    elif _is_number(actual) and _is_number(expected):
        _compare_numbers(actual, expected, path, options)
    elif _is_sequence(actual) and _is_sequence(expected):
        if len(actual) != len(expected):
            raise _Mismatch(f"The length of the sequences mismatch: {len(actual)} != {len(expected)}", path)
        for i, (a, e) in enumerate(zip(actual, expected)):
            _compare(a, e, f"{path}[{i}]", options)
    elif isinstance(actual, Mapping) and isinstance(expected, Mapping):
        if set(actual) != set(expected):
            raise _Mismatch(
                f"The keys of the mappings do not match:\nMissing keys in the actual mapping: "
                f"{sorted(map(repr, set(expected) - set(actual)))}\nExtra keys in the actual mapping: "
                f"{sorted(map(repr, set(actual) - set(expected)))}",
                path,
            )
        for key in expected:
            _compare(actual[key], expected[key], f"{path}[{key!r}]", options)
    else:
        raise TypeError(
            f"No comparison pair was able to handle inputs of type {_type_repr(actual)} and {_type_repr(expected)}."
        )


def _type_repr(value: Any) -> str:
    """`type(value)` as PyTorch's message prints it: a tensor's class is `<class 'torch.Tensor'>`."""
    return f"<class '{package_name()}.Tensor'>" if type(value) is Tensor else str(type(value))


def _is_sequence(x: Any) -> bool:
    return isinstance(x, Sequence) and not isinstance(x, str)


def _as_tensor(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor._make(np.asarray(x))


def _attribute_mismatch(name: str, a: Any, e: Any, path: str) -> _Mismatch:
    return _Mismatch(f"The values for attribute '{name}' do not match: {a} != {e}.", path)


def _compare_tensors(actual: Tensor, expected: Tensor, path: str, options: dict) -> None:
    if actual.shape != expected.shape:
        raise _attribute_mismatch("shape", actual.shape, expected.shape, path)
    if options["check_device"] and actual.device != expected.device:
        raise _attribute_mismatch("device", actual.device, expected.device, path)
    if options["check_dtype"] and actual.dtype != expected.dtype:
        raise _attribute_mismatch("dtype", actual.dtype, expected.dtype, path)
    if options["check_stride"] and actual.stride() != expected.stride():
        raise _attribute_mismatch("stride()", actual.stride(), expected.stride(), path)
    common = _dt.promote_types(actual.dtype, expected.dtype)
    rtol, atol = _tolerances(str(common).split(".")[-1], options["rtol"], options["atol"])
    a, e = actual.detach().cpu().numpy(), expected.detach().cpu().numpy()
    if a.dtype == bool or e.dtype == bool:
        a, e = a.astype(np.int64), e.astype(np.int64)
    if a.dtype.kind in "iu" and e.dtype.kind in "iu":
        a, e = a.astype(np.int64), e.astype(np.int64)
    else:
        a, e = a.astype(np.result_type(a, e)), e.astype(np.result_type(a, e))
    bad = ~_isclose(a, e, rtol, atol, options["equal_nan"])
    if not bad.any():
        return
    if a.ndim == 0:
        _raise_scalar_mismatch(a.item(), e.item(), rtol, atol, path)
    _raise_tensor_mismatch(a, e, bad, rtol, atol, path)


def _isclose(a: Any, e: Any, rtol: float, atol: float, equal_nan: bool) -> Any:
    with np.errstate(invalid="ignore", over="ignore"):
        close = a == e
        if a.dtype.kind in "fc":
            finite = np.isfinite(a) & np.isfinite(e)
            close = close | (finite & (np.abs(a - e) <= atol + rtol * np.abs(e)))
            if equal_nan:
                close = close | (np.isnan(a) & np.isnan(e))
        elif rtol or atol:
            close = close | (np.abs(a - e) <= atol + rtol * np.abs(e))
    return close


def _differences(a: Any, e: Any) -> tuple[Any, Any]:
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        absolute = np.abs(a - e)
        # PyTorch divides in the float type of the inputs (float32 for integers and bools)
        ratio_type = absolute.dtype if absolute.dtype.kind in "fc" else np.float32
        relative = absolute.astype(ratio_type) / np.abs(e).astype(ratio_type)
    return absolute, relative


def _raise_tensor_mismatch(a: Any, e: Any, bad: Any, rtol: float, atol: float, path: str) -> None:
    exact = rtol == 0 and atol == 0
    absolute, relative = _differences(a, e)
    absolute = np.where(bad, absolute, 0)
    relative = np.where(bad, relative, 0)
    lines = [
        f"Tensor-likes are not {'equal' if exact else 'close'}!",
        "",
        f"Mismatched elements: {int(bad.sum())} / {bad.size} ({100 * bad.sum() / bad.size:.1f}%)",
    ]
    for label, values, tol in (("absolute", absolute, atol), ("relative", relative, rtol)):
        where = _argmax_nan_first(values)
        value = values.reshape(-1)[where]
        index = tuple(int(i) for i in np.unravel_index(where, values.shape))
        text = f"Greatest {label} difference: {_number(value)} at index {index}"
        lines.append(text if exact else f"{text} (up to {tol} allowed)")
    raise _Mismatch("\n".join(lines), path)


def _argmax_nan_first(values: Any) -> int:
    flat = values.reshape(-1)
    nan = np.isnan(flat) if flat.dtype.kind in "fc" else np.zeros(flat.shape, bool)
    return int(np.argmax(nan)) if nan.any() else int(np.argmax(flat))


def _number(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


def _compare_numbers(actual: Any, expected: Any, path: str, options: dict) -> None:
    kind = "float64" if isinstance(actual, float) or isinstance(expected, float) else "int64"
    if isinstance(actual, complex) or isinstance(expected, complex):
        kind = "complex128"
    rtol, atol = _tolerances(kind, options["rtol"], options["atol"])
    a, e = np.asarray(actual), np.asarray(expected)
    if a.dtype == bool:
        a, e = a.astype(np.int64), e.astype(np.int64)
    if bool(_isclose(a, e, rtol, atol, options["equal_nan"])):
        return
    _raise_scalar_mismatch(_number(actual), _number(expected), rtol, atol, path)


def _raise_scalar_mismatch(actual: Any, expected: Any, rtol: float, atol: float, path: str) -> None:
    exact = rtol == 0 and atol == 0
    absolute = abs(actual - expected)
    relative = absolute / abs(expected) if expected != 0 else (math.nan if absolute == 0 else math.inf)
    lines = [
        f"Scalars are not {'equal' if exact else 'close'}!",
        "",
        f"Expected {expected} but got {actual}.",
        f"Absolute difference: {absolute}" + ("" if exact else f" (up to {atol} allowed)"),
        f"Relative difference: {relative}" + ("" if exact else f" (up to {rtol} allowed)"),
    ]
    raise _Mismatch("\n".join(lines), path)


# assert_allclose keeps its own, looser defaults from before assert_close existed.
_ALLCLOSE_TOLERANCES = {"float16": (1e-3, 1e-3), "float32": (1e-4, 1e-5), "float64": (1e-5, 1e-8)}

_ALLCLOSE_DEPRECATION = (
    "`torch.testing.assert_allclose()` is deprecated since 1.12 and will be removed in a future release. "
    "Please use `torch.testing.assert_close()` instead. "
    "You can find detailed upgrade instructions in https://github.com/pytorch/pytorch/issues/61844."
)


def assert_allclose(
    actual: Any,
    expected: Any,
    rtol: float | None = None,
    atol: float | None = None,
    equal_nan: bool = True,
    msg: str = "",
) -> None:
    """Deprecated PyTorch spelling of `assert_close` (checks values, not dtypes).

    Non-tensors become tensors (`expected` in `actual`'s dtype). Without `rtol`/`atol` the
    tolerances are the looser of both dtypes' in its own table: float16 (1e-3, 1e-3), float32
    (1e-4, 1e-5), float64 (1e-5, 1e-8), exact otherwise. NaN equals NaN by default.

    Args:
        actual (Tensor or any): the value to check.
        expected (Tensor or any): the reference.
        rtol (float, optional): the relative tolerance (default: by dtype).
        atol (float, optional): the absolute tolerance (default: by dtype).
        equal_nan (bool): count NaN as equal to NaN (default True).
        msg (str): the failure message in place of the generated one (default: generated).

    Returns:
        None: it returns when the values are close, and raises AssertionError otherwise.

    Examples:
        >>> import warnings
        >>> from retrograd.testing import assert_allclose
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     assert_allclose(retrograd.tensor([1, 2]), retrograd.tensor([1.0, 2.0]))
    """
    from .ops.from_data import tensor as _tensor

    warnings.warn(_ALLCLOSE_DEPRECATION, FutureWarning, stacklevel=2)
    if not isinstance(actual, Tensor):
        actual = _tensor(actual)
    if not isinstance(expected, Tensor):
        expected = _tensor(expected, dtype=actual.dtype)
    if rtol is None and atol is None:
        pairs = [_ALLCLOSE_TOLERANCES.get(str(t.dtype).split(".")[-1], (0.0, 0.0)) for t in (actual, expected)]
        rtol, atol = max(pairs[0][0], pairs[1][0]), max(pairs[0][1], pairs[1][1])
    assert_close(actual, expected, rtol=rtol, atol=atol, equal_nan=equal_nan, check_dtype=False, msg=msg or None)


def make_tensor(
    *shape: Any,
    dtype: Any,
    device: Any = None,
    low: float | None = None,
    high: float | None = None,
    requires_grad: bool = False,
    noncontiguous: bool = False,
    exclude_zero: bool = False,
    memory_format: Any = None,
) -> Tensor:
    """A tensor of `shape` and `dtype` filled with values drawn uniformly from `[low, high)`.

    The default range is [-9, 9] (floats and ints; [0, 10) for unsigned; bools are 0 or 1).
    `exclude_zero` replaces zeros by the dtype's smallest step above zero (1 for integers).

    Args:
        *shape (int or sequence of int): the shape, as separate ints or one sequence.
        dtype (dtype): the dtype.
        device (str or device): the device (PyTorch requires it; "cpu" here).
        low (float, optional): the inclusive lower bound (default -9, or 0 for unsigned dtypes).
        high (float, optional): the exclusive upper bound (default 9, or 10 for unsigned dtypes).
        requires_grad (bool): whether the result requires grad (floating dtypes).
        noncontiguous (bool): make a non-contiguous tensor (PyTorch's spacing trick).
        exclude_zero (bool): replace zeros by the dtype's smallest step above zero.
        memory_format (memory_format, optional): the layout of the result (not with `noncontiguous`).

    Returns:
        Tensor: a random tensor of the given shape and dtype.

    Examples:
        >>> from retrograd.testing import make_tensor
        >>> make_tensor(2, 3, dtype=retrograd.float32, device="cpu").shape
        retrograd.Size([2, 3])
        >>> make_tensor((2,), dtype=retrograd.int64, device="cpu", low=5, high=6)
        tensor([5, 5])
    """
    from . import random as _random
    from .ops.from_data import tensor as _tensor

    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    if noncontiguous and memory_format is not None:
        raise ValueError(
            f"The parameters `noncontiguous` and `memory_format` are mutually exclusive, but got "
            f"noncontiguous={noncontiguous} and memory_format={memory_format}"
        )
    name = str(dtype).split(".")[-1]
    if name == "bool":
        values: Any = _random.randint(0, 2, shape).numpy().astype(bool)
    else:
        lo = (0 if name == "uint8" else -9) if low is None else low
        hi = 10 if high is None else high
        if lo > hi:
            raise ValueError(f"low must be less than or equal to high, but got low={lo} and high={hi}")
        if name.startswith(("int", "uint")):
            values = _random.randint(int(math.ceil(lo)), int(math.ceil(hi)), shape).numpy()
        else:  # as PyTorch: uniform draws of the dtype's own precision; complex parts side by side
            part = _dt.float64 if name in ("float64", "complex128") else _dt.float32
            complex_ = name.startswith("complex")
            draws = _random.rand(tuple(shape) + ((2,) if complex_ else ()), dtype=part).numpy()
            values = draws * draws.dtype.type(hi - lo) + draws.dtype.type(lo)
            if complex_:
                values = values[..., 0] + 1j * values[..., 1]
        if exclude_zero:
            values = np.where(values == 0, 1 if name.startswith(("int", "uint")) else np.finfo(np.float32).tiny, values)
    result = _tensor(values, dtype=dtype, device=device)
    if noncontiguous and result.numel() > 1:  # PyTorch's: every other element of a doubled last dim
        result = result.repeat_interleave(2, dim=-1)[..., ::2]
    elif memory_format is not None:
        result = result.clone(memory_format=memory_format)
    return result.requires_grad_(True) if requires_grad else result


def _same_kind(actual: Any, expected: Any) -> bool:
    """Tensors pair with tensors (subclasses too) and arrays with arrays, as in PyTorch."""
    return isinstance(actual, Tensor) == isinstance(expected, Tensor)
