"""Bad arguments for the public functions, built the same way for retrograd and PyTorch.

For each function of `retrograd.ops.__all__` that PyTorch also has at top level, a fixed list
of argument patterns (wrong dtypes, mismatched shapes, out-of-range dims, negative sizes,
None, strings, empty and 0-d tensors, too few or too many arguments) is called on both.
`compare(name, pattern)` says how the two outcomes differ (None when they agree).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

import retrograd

from .reliability_compare import Outcome, _plain, assert_values_close, torch


def _t(lib: Any, values: Any, dtype: str | None = None) -> Any:
    t = lib.tensor(np.asarray(values))
    return t if dtype is None else t.to(getattr(lib, dtype))


# pattern name -> builder(lib) of the positional arguments
PATTERNS: dict[str, Callable[[Any], tuple]] = {
    "none": lambda L: (None,),
    "string": lambda L: ("a",),
    "no_args": lambda L: (),
    "bool": lambda L: (_t(L, [[True, False], [False, True]]),),
    "int": lambda L: (_t(L, [[1, -2], [3, 0]]),),
    "empty": lambda L: (_t(L, np.zeros((0, 3))),),
    "zero_dim": lambda L: (_t(L, 1.5),),
    "float_dim_oob": lambda L: (_t(L, np.linspace(-1, 1, 6).reshape(2, 3)), 5),
    "float_dim_neg_oob": lambda L: (_t(L, np.linspace(-1, 1, 6).reshape(2, 3)), -4),
    "float_dim_float": lambda L: (_t(L, np.linspace(-1, 1, 6).reshape(2, 3)), 1.5),
    "float_dim_str": lambda L: (_t(L, np.linspace(-1, 1, 6).reshape(2, 3)), "a"),
    "float_neg_size": lambda L: (_t(L, np.linspace(-1, 1, 6).reshape(2, 3)), -2),
    "mismatch": lambda L: (_t(L, np.ones((2, 3))), _t(L, np.ones((4, 5)))),
    "mismatch_dtype": lambda L: (_t(L, np.ones((2, 3))), _t(L, np.ones((2, 3), np.int64))),
    "float_none": lambda L: (_t(L, np.ones((2, 3))), None),
    "three_floats": lambda L: (_t(L, np.ones(3)), _t(L, np.ones(3)), _t(L, np.ones(3))),
    "too_many": lambda L: tuple(_t(L, np.ones(2)) for _ in range(6)),
}


UNINITIALISED = {"empty", "empty_like", "empty_strided"}


def _strip_values(v: Any) -> Any:
    if isinstance(v, tuple) and len(v) == 3 and isinstance(v[2], np.ndarray):
        return (v[0], v[1], np.zeros(0))
    return v


def functions() -> list[str]:
    """Public functions present in both libraries (top level), sorted."""
    if torch is None:
        return []
    names = []
    for name in sorted(retrograd.ops.__all__):
        if hasattr(torch, name) and hasattr(retrograd, name) and callable(getattr(retrograd, name)):
            names.append(name)
    return names


def compare(name: str, pattern: str) -> str | None:
    """None when retrograd does what PyTorch does (same exception type, or the same result)."""
    ours, theirs = _call(retrograd, name, pattern), _call(torch, name, pattern)
    return difference(ours, theirs, f"{name}[{pattern}]", name in UNINITIALISED)


def difference(ours: Outcome, theirs: Outcome, label: str, uninitialised: bool = False) -> str | None:
    """How retrograd's outcome differs from PyTorch's (None: the same exception type, or the same result);
    `uninitialised`: the values are whatever memory held, so only shapes and dtypes count."""
    if theirs.error is not None:
        if ours.error != theirs.error:
            return f"torch raises {theirs.error}: {theirs.message[:80]!r}; retrograd {_describe(ours)}"
        return None
    if ours.error is not None:
        return f"torch succeeds; retrograd raises {ours.error}: {ours.message[:80]!r}"
    if uninitialised:
        ours.value, theirs.value = _strip_values(ours.value), _strip_values(theirs.value)
    try:
        assert_values_close(ours.value, theirs.value, label, atol=1e-5)
    except AssertionError as e:
        return f"results differ: {str(e)[:160]}"
    return None


def _describe(o: Outcome) -> str:
    return "succeeds" if o.error is None else f"raises {o.error}: {o.message[:80]!r}"


def _call(lib: Any, name: str, pattern: str) -> Outcome:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            args = PATTERNS[pattern](lib)
            return Outcome(value=_plain(getattr(lib, name)(*args)))
        except Exception as e:  # noqa: BLE001 - the exception is the outcome under test
            return Outcome(error=type(e).__name__, message=str(e).split("\n")[0])
