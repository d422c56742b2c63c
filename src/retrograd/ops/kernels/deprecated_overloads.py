"""PyTorch's deprecated overloads that put the scalars first, as code from before 1.5 calls them.

`p.data.add_(-lr, grad)`, `exp_avg_sq.addcmul_(1 - beta2, grad, grad)`,
`torch.addmm(beta, M, alpha, mat1, mat2)`: they still run in PyTorch, which warns once per
process for all of them together (one TORCH_WARN_ONCE), naming the first overload called in
the form it was called: in place (`add_`), as a method, or as a function (with `input`/`out`).
A method and a function pass the same arguments to an op here, so an ambiguous call is
reported in the method form, the one old code uses (and `torch.addmm(M, beta, m1, m2)`, the
method's order by the function, runs where PyTorch raises its TypeError).
"""

from __future__ import annotations

import inspect
import sys
from typing import Any

from ..._user_frames import is_retrograd_frame, warn_once
from ...engine import inplace as _inplace
from ...tensor import Tensor

__all__ = ["alpha_first", "value_first", "beta_alpha_first", "hide_scalars_first"]

_NUMBER = (bool, int, float, complex)

# The second operands' names of the `beta * input + alpha * (a @ b)` family, and whether
# PyTorch's function form lists the `out_dtype` overload among the replacements.
_OPERANDS = {"addmm": ("mat1", "mat2", True), "addmv": ("mat", "vec", False), "addr": ("vec1", "vec2", False),
             "baddbmm": ("batch1", "batch2", True), "addbmm": ("batch1", "batch2", False)}  # fmt: skip


def _in_place() -> bool:
    """Whether the op was reached through `x.name_(...)` (its caller within retrograd is `inplace.apply`)."""
    frame = sys._getframe(2)
    while frame is not None and is_retrograd_frame(frame):
        if frame.f_code is _inplace.apply.__code__:
            return True
        frame = frame.f_back  # type: ignore[assignment]
    return False


def _warn(name: str, old: str, new: str, function: bool, extra: tuple[str, ...] = ()) -> None:
    """PyTorch's message for the deprecated `name(old)`, suggesting `name(new)` (and `extra`)."""
    if function:
        old, new = f"{old}, *, Tensor out = None", f"{new}, Tensor out = None"
        extra = tuple(f"{e}, Tensor out = None" for e in extra)
    elif _in_place():
        name += "_"
    instead = "".join(f"\n\t{name}({s})" for s in (new, *extra))
    message = f"This overload of {name} is deprecated:\n\t{name}({old})\nConsider using one of the following " \
              f"signatures instead:{instead}"  # fmt: skip
    warn_once("deprecated overload", message)


def _arity_error(name: str, given: int, takes: int) -> TypeError:
    return TypeError(f"{name}() takes {takes} positional arguments but {given} were given")


def _refuse_keyword(name: str, keyword: str, value: Any) -> None:
    """The scalar given twice, by position and by keyword (`x.add(2, y, alpha=3)`): PyTorch's TypeError."""
    if value != 1:
        name += "_" if _in_place() else ""
        raise TypeError(
            f"{name}() received an invalid combination of arguments - got unrecognized keyword arguments: {keyword}"
        )


def alpha_first(name: str, alpha: Any, rest: tuple, function: bool, keyword: Any = 1) -> tuple[Any, Any]:
    """`name(input, Number alpha, Tensor other)` of add/sub: warns, returns (other, alpha); `keyword`
    is the `alpha=` the call gave as well."""
    _refuse_keyword(name, "alpha", keyword)
    if len(rest) != 1 or not isinstance(alpha, _NUMBER) or not isinstance(rest[0], Tensor):
        raise _arity_error(name, 2 + len(rest), 2)
    old, new = "Number alpha, Tensor other", "Tensor other, *, Number alpha = 1"
    _warn(name, f"Tensor input, {old}" if function else old, f"Tensor input, {new}" if function else new, function)
    return rest[0], alpha


def value_first(
    name: str, value: Any, tensor1: Any, rest: tuple, function: bool, keyword: Any = 1
) -> tuple[Any, Any, Any]:
    """`name(input, Number value, Tensor tensor1, Tensor tensor2)` of addcmul/addcdiv: warns,
    returns (tensor1, tensor2, value); `keyword` is the `value=` the call gave as well."""
    _refuse_keyword(name, "value", keyword)
    if len(rest) != 1 or not isinstance(value, _NUMBER) or not isinstance(rest[0], Tensor):
        raise _arity_error(name, 3 + len(rest), 3)
    old, new = "Number value, Tensor tensor1, Tensor tensor2", "Tensor tensor1, Tensor tensor2, *, Number value = 1"
    _warn(name, f"Tensor input, {old}" if function else old, f"Tensor input, {new}" if function else new, function)
    return tensor1, rest[0], value


def beta_alpha_first(name: str, args: tuple, beta_kw: Any = 1, alpha_kw: Any = 1) -> tuple[Any, Any, Any, Any, Any]:
    """`name(beta, input, [alpha,] a, b)` as a function, `input.name(beta, [alpha,] a, b)` as a method
    (addmm, addmv, addr, baddbmm, addbmm): warns, returns (input, a, b, beta, alpha). `beta_kw` and
    `alpha_kw` are the keywords the call gave as well."""
    _refuse_keyword(name, "beta", beta_kw)
    _refuse_keyword(name, "alpha", alpha_kw)
    a_name, b_name, out_dtype = _OPERANDS[name]
    function = isinstance(args[0], _NUMBER)
    beta, input, *rest = args if function else (args[1], args[0], *args[2:])
    alpha = rest.pop(0) if len(rest) == 3 else 1
    if len(rest) != 2 or not isinstance(beta, _NUMBER) or not isinstance(alpha, _NUMBER):
        raise _arity_error(name, len(args), 3)
    scalars = "Number beta, Tensor input, Number alpha" if len(args) == 5 else "Number beta, Tensor input"
    new = f"Tensor {a_name}, Tensor {b_name}, *, Number beta = 1, Number alpha = 1"
    if function:
        extra = (f"Tensor input, Tensor {a_name}, Tensor {b_name}, torch.dtype out_dtype, *, Number beta = 1, "
                 "Number alpha = 1",) if out_dtype else ()  # fmt: skip
        _warn(name, f"{scalars}, Tensor {a_name}, Tensor {b_name}", f"Tensor input, {new}", True, extra)
    else:
        scalars = scalars.replace(", Tensor input", "")
        _warn(name, f"{scalars}, Tensor {a_name}, Tensor {b_name}", new, False)
    return input, rest[0], rest[1], beta, alpha


def hide_scalars_first(fn: Any) -> Any:
    """Show PyTorch's signature for `fn`: the `*args` that take the deprecated overloads stay hidden
    (`write_out` calls `fn` again by this signature, after the scalars went to their keywords)."""
    signature = inspect.signature(fn)
    kept = [p for p in signature.parameters.values() if p.kind is not p.VAR_POSITIONAL]
    fn.__signature__ = signature.replace(parameters=kept)
    return fn
