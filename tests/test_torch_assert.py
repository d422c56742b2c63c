"""`torch._assert(condition, message)`: Python's assert as a function, which torchvision's models and
ODE solvers call to check shapes."""

from __future__ import annotations

import pytest

import retrograd

try:
    import torch
except ImportError:  # pragma: no cover - PyTorch is optional
    torch = None

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
