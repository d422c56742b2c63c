"""The schema of a custom operator, as `torch.library.infer_schema` writes it from type annotations.

`custom_op` reads the schema off its function's annotations: `(Tensor x, SymInt n=2) -> Tensor`.
retrograd runs the Python function itself, so the schema does not dispatch anything; it is what
the errors of a wrong call print (`Declaration: mylib::f(Tensor x) -> Tensor`), what
`infer_schema` returns, and why an argument without an annotation is refused when the op is
defined, as PyTorch refuses it.
"""

from __future__ import annotations

import inspect
import types
import typing
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from .backend import device
from .dtypes import dtype
from .tensor import Tensor

__all__ = ["infer_schema", "call_error", "signature_of"]

_SCALARS: dict[Any, str] = {Tensor: "Tensor", int: "SymInt", float: "float", bool: "bool", str: "str",
                            dtype: "ScalarType", device: "Device"}  # fmt: skip


def _type_name(annotation: Any) -> str | None:
    """The schema type of an annotation (`Optional[Tensor]` is "Tensor?", `list[int]` "SymInt[]"), or None."""
    if annotation in _SCALARS:
        return _SCALARS[annotation]
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType) and len(args) == 2 and type(None) in args:
        inner = _type_name(next(a for a in args if a is not type(None)))
        return None if inner is None or inner.endswith("?") else inner + "?"
    if origin in (list, Sequence) and len(args) == 1:
        inner = _type_name(args[0])
        return None if inner is None or inner.endswith(("?", "[]")) else inner + "[]"
    return None


def _return_name(annotation: Any) -> str | None:
    if annotation is None or annotation is type(None):
        return "()"
    if typing.get_origin(annotation) is tuple:
        names = [_type_name(a) for a in typing.get_args(annotation)]
        return None if None in names else "(" + ", ".join(names) + ")"  # type: ignore[arg-type]
    return _type_name(annotation)


def _default(value: Any) -> str:
    return f'"{value}"' if isinstance(value, str) else str(value)


def infer_schema(
    prototype_function: Callable[..., Any], /, *, mutates_args: str | Iterable[str], op_name: str | None = None
) -> str:
    """The schema of an operator whose Python function is `prototype_function`, from its annotations.

    Args:
        prototype_function: a function whose parameters and return are annotated (Tensor, int,
            float, bool, str, dtype, device, `Optional[...]` and lists of them; tuples of tensors out).
        mutates_args: the names of the tensor arguments it writes into, or "unknown" for all of them.
        op_name: put in front of the arguments when given.

    Raises:
        ValueError: a parameter without an annotation or of a type no schema has.

    >>> def scale(x: retrograd.Tensor, k: float = 2.0) -> retrograd.Tensor: ...
    >>> retrograd.library.infer_schema(scale, mutates_args=())
    '(Tensor x, float k=2.0) -> Tensor'
    """
    try:
        sig = inspect.signature(prototype_function, eval_str=True)
    except (NameError, TypeError):
        sig = inspect.signature(prototype_function)

    def error(what: str) -> ValueError:
        return ValueError(f"infer_schema(func): {what} Got func with signature {sig})")

    params, keyword_only, mutated = [], False, 0
    for name, param in sig.parameters.items():
        if param.kind not in (param.POSITIONAL_OR_KEYWORD, param.KEYWORD_ONLY):
            raise error("We do not support positional-only args, varargs, or varkwargs.")
        if param.annotation is param.empty:
            raise error(f"Parameter {name} must have a type annotation.")
        kind = _type_name(param.annotation)
        if kind is None:
            raise error(f"Parameter {name} has unsupported type {param.annotation}.")
        if kind.startswith("Tensor") and (mutates_args == "unknown" or name in mutates_args):
            kind = f"Tensor(a{mutated}!){kind[len('Tensor') :]}"
            mutated += 1
        if param.kind is param.KEYWORD_ONLY and not keyword_only:
            params.append("*")
            keyword_only = True
        params.append(f"{kind} {name}" + ("" if param.default is param.empty else f"={_default(param.default)}"))
    if sig.return_annotation is sig.empty:
        raise error("No return type annotation was provided. Please add one.")
    returns = _return_name(sig.return_annotation)
    if returns is None:
        raise error(f"Return has unsupported type {sig.return_annotation}.")
    return f"{op_name or ''}({', '.join(params)}) -> {returns}"


def call_error(qualname: str, schema: str, sig: inspect.Signature, args: tuple, kwargs: dict) -> RuntimeError:
    """PyTorch's error for a call of the operator `qualname` whose arguments do not fit its schema."""
    declaration = qualname + schema
    params = list(sig.parameters.values())
    positional = [p for p in params if p.kind is not p.KEYWORD_ONLY]
    if len(args) > len(positional):
        return RuntimeError(
            f"{qualname}() expected at most {len(positional)} argument(s) but received {len(args)} argument(s). "
            f"Declaration: {declaration}"
        )
    unknown = [k for k in kwargs if k not in sig.parameters]
    if unknown:
        return RuntimeError(f"Unknown keyword argument '{unknown[0]}' for operator '{qualname}'. Schema: {declaration}")
    given = {p.name for p in positional[: len(args)]} | set(kwargs)
    missing = next((p.name for p in params if p.default is p.empty and p.name not in given), "?")
    return RuntimeError(f"{qualname}() is missing value for argument '{missing}'. Declaration: {declaration}")


def _parse_default(text: str) -> Any:
    constants = {"True": True, "False": False, "None": None}
    if text in constants:
        return constants[text]
    if text[:1] in "\"'":
        return text[1:-1]
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text  # a list default ([0, 1]) or a name: kept as written


def signature_of(schema: str) -> tuple[str, inspect.Signature]:
    """The name and the Python signature of a schema "f(Tensor x, *, int n=2) -> Tensor"."""
    name, _, rest = schema.partition("(")
    arguments = rest.rpartition(") ->")[0] if ") ->" in rest else rest.rpartition(")")[0]
    params: list[inspect.Parameter] = []
    kind: inspect._ParameterKind = inspect.Parameter.POSITIONAL_OR_KEYWORD
    depth, start, pieces = 0, 0, []
    for i, ch in enumerate(arguments + ","):
        depth += (ch in "([") - (ch in ")]")  # commas inside `Tensor(a!)` or `int[2]` split nothing
        if ch == "," and depth == 0:
            pieces.append(arguments[start:i].strip())
            start = i + 1
    for piece in filter(None, pieces):
        if piece == "*":
            kind = inspect.Parameter.KEYWORD_ONLY
            continue
        declared, _, default = piece.partition("=")
        arg = declared.split()[-1]
        value = _parse_default(default.strip()) if default else inspect.Parameter.empty
        params.append(inspect.Parameter(arg, kind, default=value))
    return name.strip(), inspect.Signature(params)
