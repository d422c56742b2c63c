"""`torch._assert(condition, message)`: Python's assert as a function, which torchvision's models and
ODE solvers call to check shapes; `torch._check` (and its IndexError/ValueError/TypeError kin),
`torch._assert_async` and `torch._shape_as_tensor`, which kornia calls in place of assert."""

from __future__ import annotations

import pytest

import retrograd

try:
    import torch
except ImportError:  # pragma: no cover - PyTorch is optional
    torch = None

CHECK_DEFAULT = (
    "Expected cond to be True, but got False. (Could this error message be improved? If so, please report an "
    "enhancement request to PyTorch.)"
)
CHECK_TENSOR = (
    "cond must be a bool, but got a Tensor. For tensor conditions, use torch._check_tensor_all() to assert that all "
    "elements are true."
)

CASES = [
    (lambda m: m._assert(True, "never"), None),
    (lambda m: m._assert(m.ones(2, 3).dim() == 2, "never"), None),
    (lambda m: m._assert(m.tensor(True), "never"), None),
    (lambda m: m._assert(False, "expected 3 dims"), (AssertionError, "expected 3 dims")),
    (lambda m: m._assert(m.tensor(0.0), "zero"), (AssertionError, "zero")),
    (
        lambda m: m._assert(m.ones(2), "two"),
        (RuntimeError, "Boolean value of Tensor with more than one value is ambiguous"),
    ),
    (lambda m: m._check(3 > 2, lambda: "never"), None),
    (lambda m: m._check(False), (RuntimeError, CHECK_DEFAULT)),
    (lambda m: m._check(False, lambda: "boom"), (RuntimeError, "boom")),
    (lambda m: m._check(False, "a str"), (TypeError, "message must be a callable")),
    (lambda m: m._check(1), (TypeError, "cond must be a bool, but got <class 'int'>")),
    (lambda m: m._check(m.tensor(True)), (TypeError, CHECK_TENSOR)),
    (lambda m: m._check_index(False, lambda: "bad index"), (IndexError, "bad index")),
    (lambda m: m._check_value(False), (ValueError, CHECK_DEFAULT)),
    (lambda m: m._check_type(False, lambda: 5), (TypeError, "5")),
    (lambda m: m._check_not_implemented(False, lambda: "later"), (NotImplementedError, "later")),
    (lambda m: m._assert_async(m.tensor(True), "never"), None),
    (lambda m: m._assert_async(m.tensor(float("nan"))), None),
    (lambda m: m._assert_async(m.tensor(1.0) < 0, "must be negative"), (RuntimeError, "must be negative")),
    (lambda m: m._assert_async(m.tensor(0)), (RuntimeError, "Expected Tensor with single nonzero value, but got zero")),
    (
        lambda m: m._assert_async(m.tensor([1, 1])),
        (RuntimeError, "Boolean value of Tensor with more than one value is ambiguous"),
    ),
    (lambda m: m._assert_async(m.tensor([])), (RuntimeError, "Boolean value of Tensor with no values is ambiguous")),
    (
        lambda m: m._assert_async(True),
        (TypeError, "_assert_async(): argument 'input' (position 1) must be Tensor, not bool"),
    ),
    (
        lambda m: m._assert_async(m.tensor(0), None),
        (TypeError, "_assert_async(): argument 'assert_msg' (position 2) must be str, not NoneType"),
    ),
    (lambda m: m._shape_as_tensor(m.ones(2, 3)).tolist() == [2, 3] or m._check(False), None),
    (lambda m: m._shape_as_tensor(m.ones(())).dtype == m.int64 or m._check(False), None),
    (
        lambda m: m._shape_as_tensor(3),
        (TypeError, "_shape_as_tensor(): argument 'input' (position 1) must be Tensor, not int"),
    ),
]


def _outcome(m, call):
    try:
        call(m)
    except Exception as e:  # noqa: BLE001 - the outcome is compared
        return type(e), str(e)
    return None


@pytest.mark.parametrize("index", range(len(CASES)))
def test_assert_passes_or_raises(index):
    call, expected = CASES[index]
    assert _outcome(retrograd, call) == expected


@pytest.mark.parametrize("index", range(len(CASES)))
def test_assert_vs_torch(index):
    if torch is None:
        pytest.skip("PyTorch is not installed")
    call, expected = CASES[index]
    assert _outcome(torch, call) == expected
