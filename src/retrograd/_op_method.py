"""Descriptors that turn a row of the Tensor method table into a method.

`sum = OpMethod("sum")` in `TensorMethods` makes `x.sum(...)` run `retrograd.sum(x, ...)`;
`add_ = InPlaceMethod("add")` makes `x.add_(...)` run `add` and write the result into `x`.
The op is looked up once, on the method's first use (ops cannot be imported while
`tensor.py` is), in the modules the package `__init__` hands to `bind`. The descriptor then
puts a plain function in its place on the class, so every later call costs what a method
written by hand costs, and `help(x.sum)` / `inspect.signature(Tensor.sum)` show the op's
documentation and parameters with `self` in place of `input`.

`dtype_conversion` makes the methods that only change the dtype (`x.float()`, `x.long()`, ...),
each documented from its row of one table.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from types import FunctionType, ModuleType
from typing import TYPE_CHECKING, Any

from . import dtypes as _dtypes
from .engine import inplace as _inplace

if TYPE_CHECKING:
    from .tensor import Tensor

# Functions returning the modules ops are looked up in, set once by `bind` (called from
# retrograd/__init__.py); functions, so that a module can load on a method's first use.
_sources: tuple[Callable[[], ModuleType], ...] = ()


def bind(*sources: Callable[[], ModuleType]) -> None:
    """Name the modules whose functions the method table refers to (searched in order), as loaders."""
    global _sources
    _sources = sources


def _resolve(op_name: str) -> Callable[..., Any]:
    if not _sources:
        raise RuntimeError(f"Tensor.{op_name} was used before retrograd finished importing its ops")
    for load in _sources:  # a later module loads only when the earlier ones lack the op
        op = getattr(load(), op_name, None)
        if op is not None:
            return op
    searched = [load().__name__ for load in _sources]
    raise AttributeError(f"no op named {op_name!r} for the Tensor method table in {searched}")


class OpMethod:
    """A Tensor method that calls an op with the tensor as its first argument."""

    __slots__ = ("op_name", "owner", "name")

    def __init__(self, op_name: str) -> None:
        self.op_name = op_name

    def __set_name__(self, owner: type, name: str) -> None:
        self.owner = owner
        self.name = name

    def __get__(self, instance: object, owner: type | None = None) -> Any:
        method = self.build(_resolve(self.op_name))
        method.__name__ = self.name
        method.__qualname__ = f"Tensor.{self.name}"
        method.__module__ = "retrograd.tensor"
        setattr(self.owner, self.name, method)  # from now on a plain function answers
        return method.__get__(instance, owner)

    def build(self, op: Callable[..., Any]) -> Callable[..., Any]:
        """The function that becomes the method."""
        method: Callable[..., Any]
        if type(op) is FunctionType:
            # A copy of the op's function object (same code, defaults and closure): `x.sum()`
            # then costs exactly what `retrograd.sum(x)` costs, with no forwarding frame.
            method = FunctionType(op.__code__, op.__globals__, op.__name__, op.__defaults__, op.__closure__)
            method.__kwdefaults__ = dict(op.__kwdefaults__) if op.__kwdefaults__ else None
            method.__annotations__ = dict(op.__annotations__)
        else:

            def method(self: Any, *args: Any, **kwargs: Any) -> Any:
                return op(self, *args, **kwargs)

            method.__wrapped__ = op  # type: ignore[attr-defined]
        method.__doc__ = op.__doc__
        method.__signature__ = _method_signature(op)  # type: ignore[attr-defined]
        return method


class InPlaceMethod(OpMethod):
    """A Tensor method `name_` that runs an op and writes its result into the tensor."""

    __slots__ = ()

    def build(self, op: Callable[..., Any]) -> Callable[..., Any]:
        apply = _inplace.apply

        def method(self: Any, *args: Any, **kwargs: Any) -> Any:
            return apply(self, op, *args, **kwargs)

        method.__wrapped__ = op  # type: ignore[attr-defined]  # where tools find the op
        summary = f"In-place version of `Tensor.{op.__name__}`: writes the result into this tensor and returns it."
        method.__doc__ = summary + ("\n\n" + inspect.cleandoc(op.__doc__) if op.__doc__ else "")
        method.__signature__ = _method_signature(op, returns="Tensor")  # type: ignore[attr-defined]
        return method


def _method_signature(op: Callable[..., Any], returns: Any = None) -> inspect.Signature:
    """The op's signature as a method's: its first parameter (the tensor) becomes `self`."""
    signature = inspect.signature(op)
    first, *rest = signature.parameters.values()
    if first.kind not in (first.POSITIONAL_ONLY, first.POSITIONAL_OR_KEYWORD):
        raise TypeError(f"{op.__name__} does not take the tensor as its first argument")
    self_param = inspect.Parameter("self", first.kind)
    return_annotation = signature.return_annotation if returns is None else returns
    return signature.replace(parameters=[self_param, *rest], return_annotation=return_annotation)


# The dtype-conversion methods (`x.float()` is `x.to(retrograd.float32)`): the method's name ->
# (the dtype's name in `retrograd`, what happens to the values, an example input and its converted repr).
_TRUNCATES = "fractions are cut toward zero"
_CONVERSIONS = {
    "float": ("float32", "the default floating point type", "retrograd.tensor([1, 2])", "tensor([1., 2.])"),
    "double": (
        "float64",
        "about 16 significant digits",
        "retrograd.tensor([0.5, 2.0])",
        "tensor([0.5000, 2.0000], dtype=retrograd.float64)",
    ),
    "half": (
        "float16",
        "about 3 significant digits, largest value 65504",
        "retrograd.tensor([1 / 3])",
        "tensor([0.3333], dtype=retrograd.float16)",
    ),
    "bfloat16": (
        "bfloat16",
        "float32's range with about 2 significant digits",
        "retrograd.tensor([1 / 3])",
        "tensor([0.3340], dtype=retrograd.bfloat16)",
    ),
    "long": ("int64", _TRUNCATES, "retrograd.tensor([2.7, -2.7])", "tensor([ 2, -2])"),
    "int": ("int32", _TRUNCATES, "retrograd.tensor([2.7, -2.7])", "tensor([ 2, -2], dtype=retrograd.int32)"),
    "short": ("int16", _TRUNCATES, "retrograd.tensor([300.5, -1.5])", "tensor([300,  -1], dtype=retrograd.int16)"),
    "char": (
        "int8",
        f"{_TRUNCATES}; -128 to 127",
        "retrograd.tensor([-3.9, 100.0])",
        "tensor([ -3, 100], dtype=retrograd.int8)",
    ),
    "byte": (
        "uint8",
        f"{_TRUNCATES}; 0 to 255",
        "retrograd.tensor([3.9, 255.0])",
        "tensor([  3, 255], dtype=retrograd.uint8)",
    ),
    "bool": (
        "bool",
        "zero becomes False, anything else True",
        "retrograd.tensor([0, 2, -1])",
        "tensor([False,  True,  True])",
    ),
    "cfloat": (
        "complex64",
        "real values get the imaginary part 0",
        "retrograd.tensor([1.0, -2.0])",
        "tensor([ 1.+0.j, -2.+0.j])",
    ),
    "cdouble": (
        "complex128",
        "real values get the imaginary part 0",
        "retrograd.tensor([1.0, -2.0])",
        "tensor([ 1.+0.j, -2.+0.j], dtype=retrograd.complex128)",
    ),
}


def dtype_conversion(name: str) -> Callable[[Tensor], Tensor]:
    """The method `name` of `_CONVERSIONS` (`float`, `long`, ...), with its docstring made from its row."""
    target, values, example, shown = _CONVERSIONS[name]
    to_dtype = getattr(_dtypes, "bool_" if target == "bool" else target)

    def convert(self) -> Tensor:
        return self.to(to_dtype)

    convert.__name__ = name
    convert.__qualname__ = f"Tensor.{name}"
    convert.__doc__ = f"""Converted to {target} (this tensor itself if it already is {target}).

        `x.{name}()` is `x.to(retrograd.{target})`: {values}.

        Returns:
            Tensor: `self` when its dtype is {target} already, else a {target} copy; the copy is
                recorded in the graph, so gradients flow back when both dtypes are floating or complex.

        Examples:
            >>> x = {example}
            >>> x.{name}()
            {shown}
            >>> y = x.{name}()
            >>> y.{name}() is y
            True
        """
    return convert
