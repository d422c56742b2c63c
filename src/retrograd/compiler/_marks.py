"""`torch._dynamo.mark_dynamic` and `mark_static`: per-tensor hints about which dims vary
(and `mark_static_address`, a hint for CUDA graphs).

Generated code is specialised per shape, so a dim marked dynamic cannot make the code
shape-generic; what it does say is that calls with that tensor will keep bringing new sizes.
So, as with `compile(dynamic=True)`, a call whose arguments carry a dynamic mark records its
new shape even past the recompile limit instead of running eagerly. The marks are kept where
PyTorch keeps them (`t._dynamo_dynamic_indices`, `t._dynamo_static_indices`).
"""

from __future__ import annotations

from typing import Any

from ..tensor import Tensor


def _indices(index: int | list | tuple) -> list:
    return list(index) if isinstance(index, (list, tuple)) else [index]


def mark_dynamic(
    t: Any,
    index: int | list | tuple,
    *,
    hint_override: int | None = None,
    min: int | None = None,
    max: int | None = None,
    specialize_on: list | None = None,
) -> None:
    """Mark dims of `t` as varying between calls: compiled calls with it record every new shape.

    Args:
        t (Tensor): the tensor (an argument of later compiled calls).
        index (int or list of int): the dims that vary.
        hint_override, min, max, specialize_on: PyTorch's symbolic-shape constraints; only None
            (code here is specialised per shape, so there is nothing to constrain).
    """
    if any(v is not None for v in (hint_override, min, max, specialize_on)):
        raise NotImplementedError("mark_dynamic: hint_override/min/max/specialize_on need symbolic shapes")
    if not isinstance(t, Tensor):
        raise TypeError(f"mark_dynamic expects a Tensor, got {type(t).__name__}")
    marks: set = getattr(t, "_dynamo_dynamic_indices", set())
    marks.update(_indices(index))
    t._dynamo_dynamic_indices = marks  # type: ignore[attr-defined]


def maybe_mark_dynamic(t: Any, index: int | list | tuple) -> None:
    """`mark_dynamic` as a hint (PyTorch does not insist the dim stays symbolic); the same here."""
    mark_dynamic(t, index)


def mark_static(t: Any, index: int | list | tuple | None = None) -> None:
    """Mark dims of `t` as fixed: code is specialised on them (as it is on every dim here)."""
    if not isinstance(t, Tensor):
        raise TypeError(f"mark_static expects a Tensor, got {type(t).__name__}")
    dims = range(t.dim()) if index is None else _indices(index)
    marks: set = getattr(t, "_dynamo_static_indices", set())
    marks.update(dims)
    t._dynamo_static_indices = marks  # type: ignore[attr-defined]


def mark_static_address(t: Any, guard: bool = False) -> None:
    """Mark `t`'s memory as the same on every call: a hint for CUDA graphs (no copy of the input),
    which nothing here needs; kept where PyTorch keeps it (`t._dynamo_static_input_type`)."""
    if not isinstance(t, Tensor):
        raise TypeError(f"mark_static_address expects a tensor but received {type(t)}")
    t._dynamo_static_input_type = "guarded" if guard else "unguarded"  # type: ignore[attr-defined]


def marked_dynamic(tensors: list) -> bool:
    """Whether any of the call's tensors has a dim marked dynamic."""
    return any(getattr(t, "_dynamo_dynamic_indices", None) for t in tensors)
