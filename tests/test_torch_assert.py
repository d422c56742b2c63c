"""`torch._assert(condition, message)`: Python's assert as a function, which torchvision's models and
ODE solvers call to check shapes; `torch._check` (and its IndexError/ValueError/TypeError kin),
`torch._assert_async` and `torch._shape_as_tensor`, which kornia calls in place of assert; `torch._check_with`
and `torch._check_tensor_all(_with)`, which Hugging Face transformers' `torch_compilable_check` calls (LLaVA,
Qwen2.5-VL and Gemma 3 check their image-token counts with it)."""

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
    (lambda m: m._check_with(IndexError, False, lambda: "idx"), (IndexError, "idx")),
    (lambda m: m._check_with(KeyError, True, None), None),
    (lambda m: m._check_with(KeyError, 1, None), (TypeError, "cond must be a bool, but got <class 'int'>")),
    (
        lambda m: m._check_with(UserWarning, False, None),
        (AssertionError, "error_type must be a subclass of Exception but not Warning, got <class 'UserWarning'>"),
    ),
    (
        lambda m: m._check_with(ValueError, False),
        (TypeError, "_check_with() missing 1 required positional argument: 'message'"),
    ),
    (
        lambda m: m._check_tensor_all_with(ValueError, m.tensor([True, False]), lambda: "mismatch"),
        (ValueError, "mismatch"),
    ),
    (lambda m: m._check_tensor_all_with(ValueError, m.tensor([[True], [True]]), lambda: "never"), None),
    (lambda m: m._check_tensor_all_with(ValueError, m.zeros(0, dtype=m.bool), lambda: "never"), None),
    (
        lambda m: m._check_tensor_all_with(ValueError, True),
        (TypeError, "cond must be a tensor, but got <class 'bool'>"),
    ),
    (lambda m: m._check_tensor_all(m.tensor(False)), (RuntimeError, CHECK_DEFAULT)),
    (lambda m: m._check_tensor_all(m.tensor([True, False]), lambda: 3), (RuntimeError, "3")),
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


def _dtype_message(m):
    return _outcome(m, lambda m: m._check_tensor_all_with(ValueError, m.tensor([1.0]), lambda: "never"))


def test_check_tensor_all_wants_bool():
    # dtypes print under the package's name: torch.bool and torch.float32 under PyTorch
    assert _dtype_message(retrograd) == (
        TypeError,
        "cond tensor must have dtype retrograd.bool, but got retrograd.float32",
    )


def test_check_tensor_all_wants_bool_vs_torch():
    if torch is None:
        pytest.skip("PyTorch is not installed")
    assert _dtype_message(torch) == (TypeError, "cond tensor must have dtype torch.bool, but got torch.float32")


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
