"""Run one expression on retrograd and on PyTorch and compare what a user sees.

An expression is a string over `L` (the library) and `np`; its outcome is either the
exception (type name and message) or the result's shape, dtype and values.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

import retrograd

try:
    import torch
except ImportError:  # comparisons skip cleanly without PyTorch
    torch = None


@dataclass
class Outcome:
    """What an expression did: raised (`error` set) or returned `value`."""

    error: str | None = None  # exception type name
    message: str = ""
    value: Any = None


def _plain(x: Any) -> Any:
    if isinstance(x, retrograd.Tensor) or (torch is not None and isinstance(x, torch.Tensor)):
        return (tuple(x.shape), str(x.dtype).split(".")[-1], x.detach().numpy().copy())
    if isinstance(x, (tuple, list)):
        return [_plain(i) for i in x]
    if type(x).__name__ == "PyCapsule":  # a DLPack capsule (to_dlpack): compared by the tensor it holds
        return _plain(retrograd.from_dlpack(x))
    return x


def run(expr: str, lib: Any) -> Outcome:
    """Evaluate `expr` with `L = lib`; warnings are not errors here."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return Outcome(value=_plain(eval(expr, {"L": lib, "np": np, "math": __import__("math")})))
        except Exception as e:  # noqa: BLE001 - the exception is the outcome under test
            return Outcome(error=type(e).__name__, message=str(e).split("\n")[0])


def assert_same(expr: str, *, message: bool = True, atol: float = 1e-6) -> None:
    """retrograd and PyTorch agree on `expr`: same exception (and message) or same result."""
    got, want = run(expr, retrograd), run(expr, torch)
    assert got.error == want.error, f"{expr}: retrograd {got}, torch {want}"
    if want.error is not None:
        if message:
            assert got.message == want.message, f"{expr}: {got.message!r} != {want.message!r}"
        return
    assert_values_close(got.value, want.value, expr, atol)


def assert_values_close(got: Any, want: Any, what: str, atol: float = 1e-6) -> None:
    if isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), what
        for g, w in zip(got, want):
            assert_values_close(g, w, what, atol)
        return
    if isinstance(want, tuple) and len(want) == 3 and isinstance(want[2], np.ndarray):
        assert got[0] == want[0], f"{what}: shape {got[0]} != {want[0]}"
        assert got[1] == want[1], f"{what}: dtype {got[1]} != {want[1]}"
        if want[2].size == 0 and got[2].size == 0:
            return
        np.testing.assert_allclose(
            got[2].astype(np.float64), want[2].astype(np.float64), atol=atol, rtol=1e-5, equal_nan=True, err_msg=what
        )
        return
    assert got == want or (got != got and want != want), f"{what}: {got!r} != {want!r}"
