"""Custom `autograd.Function`s under vmap: the class's own `vmap` staticmethod, or a generated rule.

PyTorch's contract (docs: extending.func): a Function used under a transform splits `forward`
from `setup_context`; under vmap it either

- overrides `vmap(info, in_dims, *args) -> (outputs, out_dims)`, called with the inputs whose
  batch dim is `in_dims` (None: not batched) and `info` = (batch_size, randomness); it usually
  calls the Function itself on the unbatched values with dims shifted, so autograd records that
  call as usual; or
- sets `generate_vmap_rule = True`: forward, setup_context and backward run under vmap, as if once
  per example. We run them as one Function on the physical values (batch in dim 0) whose forward
  and backward open a vmap level around the user's.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from ..engine.grad_mode import state
from ..ops.kernels.arg_types import class_repr
from ..tensor import Tensor
from . import _pytree
from ._batched import BatchedTensor, Level, open_level, wrap

_DOCS = "For more details, please see https://pytorch.org/docs/main/notes/extending.func.html"


class VmapInfo(NamedTuple):
    """What a Function's vmap staticmethod learns about the vmap: its batch size and randomness mode."""

    batch_size: int
    randomness: str


def _level_entry(level: int) -> Level:
    for entry in state.vmap_levels:
        if entry.level == level:
            return entry
    raise RuntimeError(f"vmap: level {level} is not active")


def _unbatched(t: Any, level: int) -> tuple[Any, int | None]:
    """(the value with the batch in dim 0, 0) for a tensor batched at `level`; (t, None) otherwise."""
    if type(t) is BatchedTensor and t._level == level:
        return t._value, 0
    return t, None


def vmap_rule(fn: Any, args: tuple, kwargs: dict, level: int) -> Any:
    """`cls.apply(*args)` with some args batched at `level`: the class's vmap rule, or the generated one."""
    cls = fn.__self__
    overridden = _overrides_vmap(cls)
    if getattr(cls, "generate_vmap_rule", False):
        if overridden:
            raise RuntimeError(
                f"You tried to vmap over {cls.__name__}, but it has both generate_vmap_rule=True and an overridden "
                "vmap staticmethod. Please set generate_vmap_rule=False or delete the overridden vmap staticmethod "
                f"to avoid ambiguity. {_DOCS}"
            )
        return _generated(cls, args, kwargs, level)
    if not overridden:
        raise RuntimeError(
            f"You tried to vmap over {cls.__name__}, but it does not have vmap support. Please override and "
            f"implement the vmap staticmethod or set generate_vmap_rule=True. {_DOCS}"
        )
    pairs = [_unbatched(a, level) for a in args]
    entry = _level_entry(level)
    result = cls.vmap(VmapInfo(entry.size, entry.randomness), tuple(d for _, d in pairs), *(v for v, _ in pairs))
    return _rewrap_outputs(result, level)


def _overrides_vmap(cls: type) -> bool:
    from ..autograd.function import Function  # noqa: PLC0415 - the base class, for the default

    return getattr(cls, "vmap", None) is not getattr(Function, "vmap", None)


def _rewrap_outputs(result: Any, level: int) -> Any:
    if not (isinstance(result, tuple) and len(result) == 2):
        raise RuntimeError(
            "Expected the vmap staticmethod to have two returns, an output and out_dims with pytree structure "
            f"compatible with the output. Got a {class_repr(result)} instead"
        )
    output, out_dims = result
    leaves, spec = _pytree.flatten(output)
    dims = _pytree.broadcast_prefix(out_dims, output)
    if dims is None:
        raise RuntimeError(
            "The autograd.Function's vmap staticmethod returned an incompatible (output, out_dims) tuple. Expected "
            f"out_dims={out_dims} to be compatible with the structure of `output`. {_DOCS}"
        )
    wrapped = []
    for x, d in zip(leaves, dims):
        if d is None or not isinstance(x, Tensor):
            wrapped.append(x)
        else:
            wrapped.append(wrap(x if d % x.dim() == 0 else x.movedim(d, 0), level))
    return _pytree.unflatten(wrapped, spec)


# --- generate_vmap_rule=True ----------------------------------------------------------------------


class _BatchedCtx:
    """The ctx the user's setup_context and backward see under a generated rule; saves logical tensors."""

    def __init__(self, needs_input_grad: tuple) -> None:
        self.needs_input_grad = needs_input_grad
        self._to_save: tuple = ()
        self._saved_for_forward: tuple = ()
        self._saved_logical: tuple = ()
        self._non_differentiable: tuple = ()
        self._materialize = True

    def save_for_backward(self, *tensors: Any) -> None:
        self._to_save = tensors

    def save_for_forward(self, *tensors: Any) -> None:
        # setup_context written for jvp as well saves for forward mode too; vmap's rule has no use for it
        self._saved_for_forward = tensors

    def mark_non_differentiable(self, *outputs: Any) -> None:
        self._non_differentiable = outputs

    def set_materialize_grads(self, value: bool) -> None:
        self._materialize = bool(value)

    def mark_dirty(self, *tensors: Any) -> None:
        raise RuntimeError(
            "vmap: an autograd.Function with generate_vmap_rule=True that modifies its inputs in place (mark_dirty) "
            "is not supported"
        )

    @property
    def saved_tensors(self) -> tuple:
        return self._saved_logical


def _generated(cls: type, args: tuple, kwargs: dict, level: int) -> Any:
    entry = _level_entry(level)
    pairs = [_unbatched(a, level) for a in args]
    in_dims = tuple(d for _, d in pairs)
    physical = _generated_class(cls).apply(cls, entry.size, entry.randomness, in_dims, *(v for v, _ in pairs))  # type: ignore[attr-defined]
    if isinstance(physical, tuple):
        return tuple(wrap(o, level) if isinstance(o, Tensor) else o for o in physical)
    return wrap(physical, level)


_GENERATED: dict[type, type] = {}


def _generated_class(cls: type) -> type:
    """The Function that runs `cls` on physical values (batch in dim 0), forward and backward under vmap."""
    if cls in _GENERATED:
        return _GENERATED[cls]
    from ..autograd.function import Function  # noqa: PLC0415 - func and autograd are siblings; loaded here

    def forward(ctx: Any, user: type, size: int, randomness: str, in_dims: tuple, *values: Any) -> Any:
        return _generated_forward(ctx, user, size, randomness, in_dims, values)

    def backward(ctx: Any, *grads: Any) -> Any:
        return (None, None, None, None) + _generated_backward(ctx, grads)

    # named as PyTorch's, whose node is then `Vmapped<Name>Backward`
    namespace = {"_transform_internal": True, "forward": staticmethod(forward), "backward": staticmethod(backward)}
    Generated = type(f"Vmapped{cls.__name__}", (Function,), namespace)
    _GENERATED[cls] = Generated
    return Generated


def _generated_forward(ctx: Any, user: type, size: int, randomness: str, in_dims: tuple, values: tuple) -> Any:
    with open_level(size, randomness) as lv:
        logical = tuple(wrap(v, lv.level) if d is not None else v for v, d in zip(values, in_dims))
        output = user.forward(*logical)  # type: ignore[attr-defined]
        inner = _BatchedCtx(ctx.needs_input_grad[4:])
        user.setup_context(inner, logical, output)  # type: ignore[attr-defined]
        single = not isinstance(output, tuple)
        outs = (output,) if single else output
        physical = tuple(_to_physical(o, lv.level, size) for o in outs)
        saved = [_unbatched(t, lv.level) for t in inner._to_save]
        non_diff = [p for o, p in zip(outs, physical) if any(o is n for n in inner._non_differentiable)]
    ctx.save_for_backward(*(v for v, _ in saved))
    ctx.user, ctx.size, ctx.randomness, ctx.in_dims = user, size, randomness, in_dims
    ctx.saved_dims = tuple(d for _, d in saved)
    ctx.inner = inner
    ctx.set_materialize_grads(inner._materialize)
    if non_diff:
        ctx.mark_non_differentiable(*non_diff)
    return physical[0] if single else physical


def _to_physical(t: Any, level: int, size: int) -> Any:
    """A logical result of the user's code as a physical value with the batch in dim 0 (expanded if unbatched)."""
    if not isinstance(t, Tensor):
        return t
    if type(t) is BatchedTensor and t._level == level:
        return t._value
    return t.unsqueeze(0).expand(size, *t.shape).contiguous()


def _generated_backward(ctx: Any, grads: tuple) -> tuple:
    size = ctx.size
    with open_level(size, ctx.randomness) as lv:
        inner = ctx.inner
        inner._saved_logical = tuple(
            wrap(t, lv.level) if d is not None and t is not None else t
            for t, d in zip(ctx.saved_tensors, ctx.saved_dims)
        )
        logical = tuple(wrap(g, lv.level) if g is not None else None for g in grads)
        result = ctx.user.backward(inner, *logical)
        result = result if isinstance(result, tuple) else (result,)
        out = []
        for r, d in zip(result, ctx.in_dims + (None,) * (len(result) - len(ctx.in_dims))):
            if not isinstance(r, Tensor):
                out.append(r)
                continue
            p = _to_physical(r, lv.level, size)
            out.append(p if d is not None else p.sum(0))  # an unbatched input: every example's share adds up
    return tuple(out)
