"""Captured tensors: what torch.func's derivative transforms refuse to change in place.

`grad`, `vjp`, `jvp`, `jacrev`, `jacfwd`, `hessian` and `linearize` differentiate the function
they are given as a pure function of its inputs. A tensor the function did not make (a module's
buffer, a closure variable, or a view, `.detach()` or `.data` of one) is *captured*: an in-place
change to it would leak out of the transform, so PyTorch refuses it before writing ("...would
mutate a captured Tensor"), even under `no_grad`, and so do we. `vmap` alone allows it.

How we tell: each transform runs its function in a `CaptureScope` with a fresh serial number.
While one is open, every new tensor gets its version box at once, stamped with the innermost
scope's serial (views share the box, and with it the stamp). A box stamped below the innermost
serial, or made on first use, belongs to memory made before the scope opened: captured. The
transform's own inputs (the leaves it made for the function's arguments) are not captured,
whatever their boxes say.
"""

from __future__ import annotations

import itertools
import sys
import threading
from collections.abc import Iterable
from typing import Any

from .grad_mode import count_box_block, state

_serials = itertools.count(1)

# open scopes in all threads: while 0, in-place ops skip the check without reading thread state
open_scopes = [0]
_lock = threading.Lock()


class CaptureScope:
    """A `with` block in which in-place changes to tensors made before it (but `inputs`) are refused."""

    __slots__ = ("serial", "inputs", "outer", "level")

    def __init__(self, inputs: Iterable[Any] = (), level: int = 0) -> None:
        self.serial = next(_serials)
        self.inputs = {id(_physical(t)._version_counter) for t in inputs}  # their boxes, kept alive by the inputs
        self.level = level  # the transform's functorch level while its function runs (0: none; transform_levels)

    def __enter__(self) -> CaptureScope:
        self.outer = state.capture_scope
        state.capture_scope = self
        count_box_block(1)
        with _lock:
            open_scopes[0] += 1
        return self

    def __exit__(self, *exc: object) -> None:
        with _lock:
            open_scopes[0] -= 1
        count_box_block(-1)
        state.capture_scope = self.outer


def is_captured(target: Any) -> bool:
    """Whether the innermost open scope of this thread did not make `target`'s memory."""
    scope = state.capture_scope
    if scope is None:
        return False
    box = _physical(target)._version_box
    return box is None or (getattr(box, "scope", 0) < scope.serial and id(box) not in scope.inputs)


def _physical(t: Any) -> Any:
    """The tensor holding the batch of a vmap wrapper (the one an in-place op writes); `t` itself otherwise."""
    while getattr(t, "_level", 0):
        t = t._value
    return t


def check_uncaptured(target: Any, op: Any, args: tuple = (), kwargs: dict | None = None) -> None:
    """Refuse `target.<op>_(*args, **kwargs)` on a captured tensor, with PyTorch's message.

    `op` is the in-place op's name, or the out-of-place function an in-place path runs (then the
    public in-place function that called us names it, as PyTorch names the ATen op it dispatched).
    """
    if not is_captured(target):
        return
    name = op if isinstance(op, str) else _in_place_name(op)
    raise RuntimeError(
        "During a grad (vjp, jvp, grad, etc) transform, the function provided attempted to call in-place "
        f"operation ({aten_name(name, args, kwargs or {})}) that would mutate a captured Tensor. This is not "
        "supported; please rewrite the function being transformed to explicitly accept the mutated Tensor(s) "
        "as inputs."
    )


def _in_place_name(op: Any) -> str:
    """The public in-place function on the stack (`add_`, `relu_`, `uniform_`), else one from `op`'s name."""
    frame = sys._getframe(2)
    while frame is not None and frame.f_globals.get("__name__", "").startswith("retrograd."):
        code = frame.f_code.co_name
        if code.endswith("_") and not code.startswith("_"):
            return code
        frame = frame.f_back  # type: ignore[assignment]
    name = getattr(op, "__name__", "")
    return _HELPERS.get(name) or (name + "_" if name.isidentifier() else "copy_")


# the private helpers in-place paths run, by the in-place op PyTorch dispatches for them
_HELPERS = {"_put_at": "index_put_", "_put_flat": "index_put_", "in_place_zero": "zero_", "in_place_fill": "fill_"}


# Which ATen overload an in-place call dispatches to, as PyTorch's Python bindings pick it.
# Always one overload, whatever the argument (numbers are made tensors):
_FIXED = {"add_": "Tensor", "sub_": "Tensor", "mul_": "Tensor", "div_": "Tensor", "subtract_": "Tensor",
          "multiply_": "Tensor", "divide_": "Tensor", "true_divide_": "Tensor", "scatter_reduce_": "two",
          "index_reduce_": "", "set_": "source_Tensor"}
# By the kind of one argument: name -> (its position after self, its keyword, overload for a number,
# overload for a tensor); "" is the default overload.
_BY_KIND = {
    **{name: (0, "other", "Scalar", "Tensor") for name in (
        "fmod_", "remainder_", "copysign_", "eq_", "ne_", "lt_", "le_", "gt_", "ge_", "greater_", "less_",
        "greater_equal_", "less_equal_", "not_equal_", "bitwise_and_", "bitwise_or_", "bitwise_xor_",
        "bitwise_left_shift_", "bitwise_right_shift_", "__iand__", "__ior__", "__ixor__")},
    "pow_": (0, "exponent", "Scalar", "Tensor"),
    "float_power_": (0, "exponent", "Scalar", "Tensor"),
    "fill_": (0, "value", "Scalar", "Tensor"),
    "masked_fill_": (1, "value", "Scalar", "Tensor"),
    "index_fill_": (2, "value", "int_Scalar", "int_Tensor"),
    "scatter_": (2, "src", "value", "src"),
    "lerp_": (1, "weight", "Scalar", "Tensor"),
    "clamp_": (0, "min", "", "Tensor"),
    "clip_": (0, "min", "", "Tensor"),
    "bernoulli_": (0, "p", "float", "Tensor"),
    "xlogy_": (0, "other", "Scalar_Other", "Tensor"),
}
# By a keyword that picks another overload: (name, keyword) -> overload
_BY_KEYWORD = {("div_", "rounding_mode"): "Tensor_mode", ("round_", "decimals"): "decimals"}


def aten_name(name: str, args: tuple, kwargs: dict) -> str:
    """PyTorch's name for the ATen operator `Tensor.<name>(*args, **kwargs)` dispatches to (`aten::add_.Tensor`)."""
    overload = _FIXED.get(name, "")
    for (op, keyword), picked in _BY_KEYWORD.items():
        if op == name and kwargs.get(keyword) is not None:
            overload = picked
    rule = _BY_KIND.get(name)
    if rule is not None:
        position, keyword, for_number, for_tensor = rule
        value = args[position] if len(args) > position else kwargs.get(keyword)
        overload = for_tensor if hasattr(value, "_version_box") else for_number
    if name == "scatter_" and kwargs.get("reduce") is not None:
        overload = "reduce" if overload == "src" else "value_reduce"
    if name == "squeeze_" and (args or "dim" in kwargs):
        dim = args[0] if args else kwargs["dim"]
        overload = "dims" if isinstance(dim, (tuple, list)) else "dim"
    return f"aten::{name}.{overload}" if overload else f"aten::{name}"
