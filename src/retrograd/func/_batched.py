"""BatchedTensor: a tensor seen inside vmap, backed by one with the batch dim in front.

A BatchedTensor at level L wraps `_value`, whose dim 0 is the batch of vmap level L and
whose other dims are the logical shape the function sees. `_value` may itself be batched
at a lower (outer) level, so nested vmaps stack wrappers, the innermost level outermost.
Its `_data` holds only the logical shape and dtype: code that reads the values directly,
bypassing the ops, gets a clear error instead of wrong numbers.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .._printing import wrapped_repr
from .._torch_function import _disabled_torch_function_impl
from ..engine.grad_mode import state
from ..engine.transform_levels import innermost_level
from ..engine.vmap_hook import hook
from ..tensor import Tensor

_CONTROL_FLOW_ERROR = (
    "vmap: It looks like you're attempting to use a Tensor in some data-dependent control flow. We don't "
    "support that yet, please file an issue at https://github.com/pytorch/pytorch/issues ."
)
# what PyTorch says when the value is read through a grad transform's wrapper around the batched tensor
_WRAPPED_VALUE_ERROR = (
    "vmap: It looks like you're either (1) calling .item() on a Tensor or (2) attempting to use a Tensor in some "
    "data-dependent control flow or (3) encountering this error in PyTorch internals. For (1): we don't support "
    "vmap over calling .item() on a Tensor, please try to rewrite what you're doing with other operations. For "
    "(2): we don't support data-dependent control flow in vmap yet, please file an issue at "
    "https://github.com/pytorch/pytorch/issues . For (3): please file an issue."
)
_NO_STORAGE_ERROR = "Cannot access data pointer of Tensor that doesn't have storage"
_DATA_ERROR = (
    "vmap: It looks like you're attempting to use a Tensor in some data-dependent control flow "
    "or an operation that reads a batched tensor's values directly ({what}). We don't support "
    "that yet; please shout over at https://github.com/pytorch/functorch/issues/257 ."
)


class _Flags:
    c_contiguous = True
    f_contiguous = False
    writeable = False


class LogicalData:
    """What a BatchedTensor keeps in `_data`: its logical shape and dtype, and no values."""

    __slots__ = ("shape", "dtype")
    flags = _Flags()

    def __init__(self, shape: tuple, dtype: Any) -> None:
        self.shape = shape
        self.dtype = dtype

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        n = 1
        for s in self.shape:
            n *= s
        return n

    @property
    def itemsize(self) -> int:
        return self.dtype.itemsize

    def _refuse(self, what: str) -> Any:
        raise RuntimeError(_DATA_ERROR.format(what=what))

    def __array__(self, *args: Any, **kwargs: Any) -> Any:
        return self._refuse("conversion to an array")

    def __getitem__(self, key: Any) -> Any:
        return self._refuse("indexing its data")

    def __setitem__(self, key: Any, value: Any) -> Any:
        return self._refuse("writing its data")

    def __iadd__(self, other: Any) -> Any:
        return self._refuse("in-place arithmetic on its data")

    def __bool__(self) -> bool:
        raise RuntimeError(_CONTROL_FLOW_ERROR)

    def __getattr__(self, name: str) -> Any:
        return self._refuse(f"ndarray.{name}")


class BatchedTensor(Tensor):
    """A tensor batched at one vmap level: `_value` holds the batch in dim 0."""

    __slots__ = ("_value", "_level")
    __torch_function__ = _disabled_torch_function_impl  # the engine's batching rules handle its ops
    _value: Tensor
    _level: int

    def __repr__(self) -> str:
        return wrapped_repr(self)  # with the grad transforms' wrappers between the vmap levels

    def _set_requires_grad(self, requires_grad: builtins.bool = True) -> Tensor:
        self._value._set_requires_grad(requires_grad)  # the library's own switch goes to the batched value
        self._requires_grad = self._value.requires_grad
        return self

    @property  # type: ignore[misc]
    def grad_fn(self) -> Any:  # type: ignore[override]
        return self._value.grad_fn

    def item(self) -> Any:
        if _under_grad_transform():
            raise RuntimeError(_WRAPPED_VALUE_ERROR)
        raise RuntimeError(
            "vmap: It looks like you're calling .item() on a Tensor. We don't support vmap over calling "
            ".item() on a Tensor, please try to rewrite what you're doing with other operations. If error is "
            "occurring somewhere inside PyTorch internals, please file a bug report."
        )

    # a batched tensor has no storage of its own: PyTorch refuses any read of its data pointer
    def tolist(self) -> Any:
        raise RuntimeError(_NO_STORAGE_ERROR)

    def numpy(self, *, force: builtins.bool = False) -> Any:
        raise RuntimeError(_NO_STORAGE_ERROR)

    def data_ptr(self) -> builtins.int:
        raise RuntimeError(_NO_STORAGE_ERROR)

    def __bool__(self) -> builtins.bool:
        raise RuntimeError(_WRAPPED_VALUE_ERROR if _under_grad_transform() else _CONTROL_FLOW_ERROR)

    def contiguous(self, memory_format: Any = None) -> Tensor:
        # each example's elements in row-major order: the value (batch dim in front) made contiguous
        return self if self._value.is_contiguous() else wrap(self._value.contiguous(), self._level)


def wrap(value: Tensor, level: int) -> BatchedTensor:
    """The BatchedTensor at `level` whose batch is dim 0 of `value`."""
    data = value._data
    t = BatchedTensor._make(LogicalData(data.shape[1:], data.dtype), value._requires_grad)
    t._value = value  # type: ignore[attr-defined]
    t._level = level  # type: ignore[attr-defined]
    return t  # type: ignore[return-value]


def level_of(t: Any) -> int:
    """The vmap level a tensor is batched at (0: not batched)."""
    return t._level if type(t) is BatchedTensor else 0


def peel(t: Tensor, level: int, size: int) -> Tensor:
    """`t` with `level`'s batch made explicit as dim 0; levels above it stay batched.

    A tensor not batched at `level` is expanded (a view: the values are shared).
    """
    if type(t) is BatchedTensor:
        if t._level == level:
            return t._value
        if t._level > level:
            inner = peel(t._value, level, size)  # [size, B_t, ...]
            return wrap(inner.movedim(1, 0), t._level)
    return t.unsqueeze(0).expand(size, *t.shape)


def rewrap(t: Tensor, level: int) -> Tensor:
    """Undo `peel`: dim 0 of `t` becomes `level`'s batch; levels above it stay outermost."""
    if type(t) is BatchedTensor and t._level > level:
        return wrap(rewrap(t._value.movedim(1, 0), level), t._level)
    return wrap(t, level)


# --- the per-thread stack of vmap levels ----------------------------------------------------


class Level:
    """One open vmap: its level number, batch size, randomness mode, and how many grad-like
    transforms (grad, vjp, jvp) were running when it opened."""

    __slots__ = ("level", "size", "randomness", "grad_depth")

    def __init__(self, level: int, size: int, randomness: str) -> None:
        self.level = level
        self.size = size
        self.randomness = randomness
        self.grad_depth = state.func_grad_depth


@contextmanager
def open_level(size: int, randomness: str) -> Iterator[Level]:
    """Open the next vmap level in this thread (innermost), for the duration of the block."""
    levels = state.vmap_levels
    entry = Level(innermost_level() + 1, size, randomness)  # numbered with the grad transforms, as PyTorch's
    state.vmap_levels = levels + (entry,)
    hook.active += 1
    try:
        yield entry
    finally:
        hook.active -= 1
        state.vmap_levels = levels


def _under_grad_transform() -> builtins.bool:
    """Whether a grad, vjp or jvp transform opened inside the innermost vmap (`vmap(grad(f))`): in PyTorch
    the function then sees the batched tensor through that transform's wrapper."""
    levels = state.vmap_levels
    return bool(levels) and state.func_grad_depth > levels[-1].grad_depth


def current_levels() -> tuple:
    """This thread's open vmap levels, outermost first."""
    return state.vmap_levels


def size_of(level: int) -> int:
    for entry in state.vmap_levels:
        if entry.level == level:
            return entry.size
    raise RuntimeError(f"vmap: level {level} is not active (a batched tensor escaped its vmap)")
