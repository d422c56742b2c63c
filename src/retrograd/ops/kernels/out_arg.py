"""The `out=` argument: compute the result as usual, then write it into the given tensor(s).

A function that takes `out` starts with

    if out is not None:
        return write_out(out, <itself>, locals(), <rule>)

so the common call (no `out`) pays one comparison. `write_out` follows PyTorch: no autograd
through `out=` (RuntimeError when grad mode is on and an argument or `out` requires grad), a
dtype rule per function (a `Rule`), an `out` of another shape resized (with PyTorch's
deprecation warning when it had elements), and `out` itself returned (a tuple result is
written into a tuple of tensors and returned as the same kind of tuple).
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from ... import dtypes as _dt
from ..._user_frames import frames_up
from ...engine import inplace as _inplace
from ...engine.grad_mode import state
from ...engine.inplace_cast import check_cast_first


class Rule:
    """Which `out` dtypes a function accepts for a result dtype, and the error otherwise."""

    __slots__ = ("accepts", "message", "error")

    def __init__(self, accepts: Callable[[Any, Any], bool], message: str, error: type[Exception] = RuntimeError):
        self.accepts = accepts
        self.message = message
        self.error = error

    def check(self, name: str, result: Any, out: Any) -> None:
        if not self.accepts(result, out):
            raise self.error(
                self.message.format(
                    name=name,
                    src=result.kind_name,
                    dst=out.kind_name,
                    dst_type="CPUBoolType" if out.kind_name == "Bool" else f"torch.{out.legacy_name}",
                    src_c=result.c10_name,
                    dst_c=out.c10_name,
                )
            )


def out_dtype_first(name: str, input: Any, out: Any) -> None:
    """`out=` of an op keeping its input's dtype (floor, abs, round...) checked before the op runs:
    PyTorch refuses another dtype ("Found dtype Long but expected Bool") before its kernel's own
    refusals ("abs_cpu" not implemented for 'Bool')."""
    from ...tensor import Tensor

    if isinstance(input, Tensor) and isinstance(out, Tensor):
        SAME_INPUT.check(name, input.dtype, out.dtype)


def castable(message: str = "result type {src} can't be cast to the desired output type {dst}", *,
             error: type[Exception] = RuntimeError) -> Rule:  # fmt: skip
    """A rule accepting any `out` dtype the result can be cast to without changing kind (float into int: no)."""
    return Rule(_dt.can_cast, message, error)


def same(message: str = "Expected out tensor to have dtype {src_c}, but got {dst_c} instead") -> Rule:
    """A rule accepting only the result's own dtype."""
    return Rule(lambda result, out: result == out, message)


def floating(message: str, *, error: type[Exception] = RuntimeError) -> Rule:
    """A rule accepting a floating or complex `out` the result can be cast to."""
    return Rule(lambda result, out: _dt.can_cast(result, out) and out._category >= 2, message, error)


CAST = castable()  # the elementwise and reduction ops
SAME = same()  # most kernels with a fixed output dtype


class Both(Rule):
    """Two rules, checked in turn (the first refusal wins)."""

    __slots__ = ("rules",)

    def __init__(self, *rules: Rule) -> None:
        self.rules = rules

    def check(self, name: str, result: Any, out: Any) -> None:
        for rule in self.rules:
            rule.check(name, result, out)


def safely_castable(name: str) -> Rule:
    """The linalg kernels' wording of `castable`."""
    return castable(
        f"{name}: Expected result to be safely castable from {{src}} dtype, but got result with dtype {{dst}}"
    )


def norm_dtype(name: str) -> Rule:
    """The linalg norms' wording of `same`."""
    return same(f"{name} expected out tensor dtype {{src}} but got: {{dst}}")


# PyTorch's own wording for some kernels
DIAG = Both(castable("diag: result type {src} can't be cast to the desired out= type {dst}"), same())
MATRIX_POWER = Both(safely_castable("matrix_power"), same())
TENSORDOT = same("tensordot: Expected the output tensor to have dtype {src}, but got an output tensor with dtype {dst}")
SAME_AS_INPUT = same(
    "Expected the dtype for input and out to match, but got {src} for input's dtype and {dst} for out's dtype."
)
MEDIAN = same(
    "Expected tensor for 'values' to have the same type as tensor for argument #2 'self'; but type "
    "{dst_type} does not equal torch.{src}Tensor (while checking arguments for median)"
)
CAT = castable("torch.cat(): input types can't be cast to the desired output type {dst}", error=TypeError)
SAME_INPUT = same("Found dtype {dst} but expected {src}")  # abs, floor, clamp...: the input's dtype
ANY = Rule(lambda result, out: True, "")  # comparisons, sums: any out dtype, converted as NumPy's astype does
INDICES = same()  # the int64 indices of max/sort/topk...

# Signatures of the functions seen, for re-calling them without `out`.
_signatures: dict[Callable[..., Any], inspect.Signature] = {}


def write_out(out: Any, fn: Callable[..., Any], args: dict[str, Any], rule: Rule = CAST,
              index_rule: Rule = INDICES, *, dtype_from_out: bool = False, grad: str = "refuse") -> Any:  # fmt: skip
    """`fn(**args)` written into `out` (a tensor, or a tuple of them for a tuple result); returns `out`.

    `args` is the `locals()` of `fn` on entry (its parameters); `rule` checks the dtype of the
    first (or only) result, `index_rule` that of the others. With `dtype_from_out` (factories,
    sums) the values are made in `out`'s dtype unless another `dtype` is given. `grad` says
    what autograd does: "refuse" (PyTorch's kernels with an out variant), "copy" (composite
    functions: `out` is written as by `copy_`, on the graph) or "none" (results without gradient).
    """
    from ...tensor import Tensor

    name = fn.__name__
    outs = tuple(out) if isinstance(out, (tuple, list)) else (out,)
    if not all(isinstance(o, Tensor) for o in outs):
        raise TypeError(f"{name}(): argument 'out' must be Tensor, not {type(out).__name__}")
    if (
        grad == "refuse"
        and state.enabled
        and (any(o._requires_grad for o in outs) or _any_requires_grad(args.values(), Tensor))
    ):
        raise RuntimeError(
            f"{name}(): functions with out=... arguments don't support automatic differentiation, "
            "but one of the arguments requires grad."
        )
    if dtype_from_out:
        args = _dtype_from_out(args, outs[0])
    elif args.get("dtype") is not None:
        rule = SAME  # an explicit dtype must be out's dtype
    if rule is CAST and "other" in args and "input" in args:  # PyTorch checks a binary op's cast first
        check_cast_first(outs[0].dtype, name, args["input"], args["other"], args)
    result = _call_without_out(fn, args)
    results = tuple(result) if isinstance(result, tuple) else (result,)
    if isinstance(result, tuple) != isinstance(out, (tuple, list)) or len(results) != len(outs):
        wanted = f"tuple of {len(results)} Tensors" if isinstance(result, tuple) else "Tensor"
        raise TypeError(f"{name}(): argument 'out' must be {wanted}, not {type(out).__name__}")
    for i, (r, o) in enumerate(zip(results, outs, strict=True)):
        (rule if i == 0 else index_rule).check(name, r.dtype, o.dtype)
    for r, o in zip(results, outs, strict=True):
        if grad == "copy":
            _copy_on_graph(o, r)
        else:
            _store(o, r._data)
    if not isinstance(result, tuple):
        return out
    if not hasattr(type(result), "_fields"):
        return tuple(outs)
    # PyTorch's out variants return their own named tuple: `max_out`, printed so
    return getattr(type(result), "out_variant", type(result))(*outs)


def _dtype_from_out(args: dict[str, Any], out: Any) -> dict[str, Any]:
    """The arguments with `dtype` taken from `out` (or checked against it when given)."""
    dtype = args.get("dtype")
    if dtype is None:
        return {**args, "dtype": out.dtype}
    if dtype != out.dtype:
        raise RuntimeError(f"dtype {dtype.kind_name} does not match dtype of out parameter ({out.dtype.kind_name})")
    return args


def _any_requires_grad(values: Any, tensor_type: Any) -> bool:
    for v in values:
        if isinstance(v, tensor_type):
            if v._requires_grad:
                return True
        elif isinstance(v, (tuple, list)) and any(isinstance(t, tensor_type) and t._requires_grad for t in v):
            return True
    return False


def _call_without_out(fn: Callable[..., Any], args: dict[str, Any]) -> Any:
    signature = _signatures.get(fn)
    if signature is None:
        signature = _signatures[fn] = inspect.signature(fn)
    positional: list[Any] = []
    keywords: dict[str, Any] = {}
    for p in signature.parameters.values():
        if p.name == "out":
            continue
        value = args[p.name]
        if p.kind is p.VAR_POSITIONAL:
            positional.extend(value)
        elif p.kind is p.VAR_KEYWORD:
            keywords.update(value)
        elif p.kind is p.KEYWORD_ONLY:
            keywords[p.name] = value
        else:
            positional.append(value)
    return fn(*positional, **keywords)


def _copy_on_graph(out: Any, result: Any) -> None:
    """`out.copy_(result)` after resizing `out`: autograd sees the write (PyTorch's CopyBackwards)."""
    _inplace.check_writable(out)
    if out._data.shape != result._data.shape:
        _resize(out, result._data.shape)
    _inplace.commit(out, result)


def _resize(out: Any, shape: tuple[int, ...]) -> None:
    """Give `out` a new (zeroed) array of `shape`, warning as PyTorch does when `out` had elements."""
    if out._data.size:
        warnings.warn(
            f"An output with one or more elements was resized since it had shape {list(out._data.shape)}, "
            f"which does not match the required output shape {list(shape)}. This behavior is "
            "deprecated, and in a future PyTorch release outputs will not be resized unless they have "
            "zero elements. You can explicitly reuse an out tensor t by resizing it, inplace, to zero "
            "elements with t.resize_(0).",
            UserWarning,
            stacklevel=frames_up(5),
        )
    out._data = np.zeros(shape, out._data.dtype)


def _store(out: Any, data: Any) -> None:
    """Write `data` into `out`, resizing `out` (as PyTorch does) when the shapes differ."""
    data = np.asarray(data)
    if out._data.shape != data.shape:
        _resize(out, data.shape)
    # (as an in-place op's: an `expand`ed out whose stride-0 dims have one element is written too)
    _inplace.write_data(out, data.astype(out._data.dtype, copy=False))
