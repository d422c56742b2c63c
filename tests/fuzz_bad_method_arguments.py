"""Bad arguments for the Tensor methods, built the same way for retrograd and PyTorch.

The companion of `fuzz_bad_arguments` (which calls the top-level functions): every public
Tensor method both libraries have is called on the same fresh (2, 3) float32 tensor with each
argument pattern of `PATTERNS` (None, a string, numbers where tensors belong, a list, a dict, a
tensor of another shape...). `compare(name, pattern)` says how the two outcomes differ (None when
they agree): the same exception type, or the same result.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

import retrograd

from .fuzz_bad_arguments import difference
from .reliability_compare import Outcome, _plain, torch

# pattern name -> builder(lib) of the positional arguments after `self`
PATTERNS: dict[str, Callable[[Any], tuple]] = {
    "none": lambda L: (None,),
    "string": lambda L: ("a",),
    "int": lambda L: (1,),
    "float": lambda L: (1.5,),
    "int_int": lambda L: (1, 2),
    "int_float": lambda L: (0, 1.5),
    "int_string": lambda L: (1, "a"),
    "list": lambda L: ([1],),
    "dict": lambda L: ({},),
    "int_tensor": lambda L: (L.tensor([[1, 0, 1], [0, 1, 0]]),),
    "tensor_float": lambda L: (_self(L), 1.5),
    "other_shape": lambda L: (L.ones(4, 5),),
}

# Methods left out: they touch the process (memory sharing, hooks, storage), draw random numbers,
# print, or take callables; the rest are called with every pattern.
SKIPPED = {
    "apply_", "backward", "bernoulli", "bernoulli_", "cauchy_", "cuda", "data_ptr", "detach_",
    "exponential_", "geometric_", "hpu", "ipu", "log_normal_", "map2_", "map_", "module_load", "mps",
    "mtia", "multinomial", "new_empty", "new_empty_strided", "normal_", "numpy", "pin_memory",
    "random_", "record_stream", "register_hook", "register_post_accumulate_grad_hook", "requires_grad_",
    "resize_", "resize_as_", "retain_grad", "set_", "share_memory_", "storage", "to_mkldnn",
    "to_sparse_bsc", "to_sparse_bsr", "tolist", "uniform_", "untyped_storage", "xpu",
}  # fmt: skip


# PyTorch's deprecated scalar-first overloads (`x.add_(-lr, grad)`) warn once per process, all of
# them together: a number first in these would spend that warning, which test_legacy_api checks
SCALARS_FIRST = {
    "add", "add_", "sub", "sub_", "subtract", "subtract_", "addcmul", "addcmul_", "addcdiv", "addcdiv_",
    "addmm", "addmm_", "addmv", "addmv_", "addr", "addr_", "baddbmm", "baddbmm_", "addbmm", "addbmm_",
}  # fmt: skip
NUMBER_FIRST = {"int", "float", "int_int", "int_float", "int_string"}


def cases() -> list[tuple[str, str]]:
    """The (method, pattern) pairs called."""
    return [(n, p) for n in methods() for p in PATTERNS if not (n in SCALARS_FIRST and p in NUMBER_FIRST)]


UNINITIALISED = {"new"}  # `x.new(2)` is `x.new_empty(2)`


def _self(lib: Any) -> Any:
    return lib.tensor(np.linspace(-1, 1, 6).reshape(2, 3).astype(np.float32))


def methods() -> list[str]:
    """Public methods present on both libraries' Tensor, sorted."""
    if torch is None:
        return []
    names = set(dir(torch.Tensor)) & set(dir(retrograd.Tensor))
    return sorted(
        n for n in names
        if not n.startswith("_") and n not in SKIPPED and callable(getattr(retrograd.Tensor, n, None))
        and callable(getattr(torch.Tensor, n, None))
    )  # fmt: skip


def compare(name: str, pattern: str) -> str | None:
    """None when retrograd does what PyTorch does (same exception type, or the same result)."""
    ours, theirs = _call(retrograd, name, pattern), _call(torch, name, pattern)
    return difference(ours, theirs, f"{name}[{pattern}]", name in UNINITIALISED)


def _call(lib: Any, name: str, pattern: str) -> Outcome:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            args = PATTERNS[pattern](lib)
            result = getattr(_self(lib), name)(*args)
            return Outcome(value=_comparable(result))
        except Exception as e:  # noqa: BLE001 - the exception is the outcome under test
            return Outcome(error=type(e).__name__, message=str(e).split("\n")[0])


def _comparable(result: Any) -> Any:
    """What is compared of a result: tensors by value, other objects (strings, dtypes, devices,
    bound methods) by their text with the library's name taken out."""
    if isinstance(result, (retrograd.Tensor, torch.Tensor)):
        if result.is_sparse:
            result = result.to_dense()
        return _plain(result)
    if isinstance(result, (tuple, list)):
        return [_comparable(r) for r in result]
    if isinstance(result, (bool, int, float, complex, np.ndarray)) or result is None:
        return result
    return str(result).replace("retrograd", "torch")
