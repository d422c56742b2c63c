"""`torch.nn.functional` given a non-tensor where it takes a tensor: PyTorch's argument parser raises
a TypeError naming the argument; retrograd's functions used to fail reading it (AttributeError).

Every public function both libraries' `nn.functional` has is called with argument patterns that put
None, a string, a number or a list where a tensor belongs. Where PyTorch raises TypeError, retrograd
must not raise AttributeError (the exception types match otherwise or differ in ways other tests
pin down). Where PyTorch's own Python code reads the argument (`F.mse_loss(x, None)`), its
AttributeError is the one to give. Skipped without PyTorch.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

import retrograd

from .reliability_compare import torch


def _t(lib: Any, shape: tuple = (2, 3)) -> Any:
    return lib.tensor(np.linspace(-1, 1, int(np.prod(shape))).reshape(shape).astype(np.float32))


PATTERNS = {
    "none": lambda L: (None,), "string": lambda L: ("a",), "int": lambda L: (1,), "list": lambda L: ([1.0, 2.0],),
    "t_none": lambda L: (_t(L), None), "t_string": lambda L: (_t(L), "a"), "t_float": lambda L: (_t(L), 1.5),
    "t_int": lambda L: (_t(L), 2), "t4_int": lambda L: (_t(L, (1, 2, 4, 4)), 2),
    "t_t_string": lambda L: (_t(L), _t(L), "a"), "t_t_float": lambda L: (_t(L), _t(L), 1.5),
}  # fmt: skip
RANDOM = {"dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "feature_alpha_dropout", "rrelu",
          "gumbel_softmax", "fractional_max_pool2d", "fractional_max_pool3d", "fractional_max_pool2d_with_indices",
          "fractional_max_pool3d_with_indices"}  # fmt: skip
# binary_cross_entropy_with_logits and instance_norm read the argument before their checks (PyTorch:
# TypeError); tanhshrink is an op here, its own checks run (PyTorch: `input - input.tanh()` in Python)
KNOWN = {"binary_cross_entropy_with_logits[t_t_string]", "binary_cross_entropy_with_logits[t_t_float]",
         "instance_norm[t4_int]", "tanhshrink[none]", "tanhshrink[string]", "tanhshrink[list]"}  # fmt: skip


def _names() -> list[str]:
    if torch is None:
        return []
    both = set(dir(torch.nn.functional)) & set(dir(retrograd.nn.functional))
    return sorted(n for n in both if n[0].islower() and n not in RANDOM and callable(getattr(torch.nn.functional, n)))


def _error(lib: Any, name: str, pattern: str) -> str | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            getattr(lib.nn.functional, name)(*PATTERNS[pattern](lib))
        except Exception as e:  # noqa: BLE001 - the exception is the outcome under test
            return type(e).__name__
    return None


CASES = [
    pytest.param(n, p, id=f"{n}[{p}]", marks=[pytest.mark.xfail(strict=False)] if f"{n}[{p}]" in KNOWN else [])
    for n in _names() for p in PATTERNS
]  # fmt: skip


@pytest.mark.skipif(torch is None, reason="PyTorch not installed")
@pytest.mark.parametrize(("name", "pattern"), CASES)
def test_a_non_tensor_gets_pytorchs_error_type(name, pattern):
    theirs, ours = _error(torch, name, pattern), _error(retrograd, name, pattern)
    if theirs == "TypeError":
        assert ours != "AttributeError", f"{name}[{pattern}]: PyTorch raises TypeError"
    if theirs == "AttributeError":
        assert ours != "TypeError", f"{name}[{pattern}]: PyTorch raises AttributeError"


def test_the_message_names_the_argument():
    with pytest.raises(TypeError, match=r"nll_loss\(\): argument 'target' \(position 2\) must be Tensor, not int"):
        retrograd.nn.functional.nll_loss(_t(retrograd), 3)
    with pytest.raises(TypeError, match=r"gelu\(\): argument 'input' \(position 1\) must be Tensor, not NoneType"):
        retrograd.nn.functional.gelu(None)
    with pytest.raises(AttributeError):  # PyTorch's Python code reads `target.size()` itself
        retrograd.nn.functional.mse_loss(_t(retrograd), None)
