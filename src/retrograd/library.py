"""`torch.library`: user-defined operators (`custom_op`) with their own autograd formulas.

    @retrograd.library.custom_op("mylib::scale", mutates_args=())
    def scale(x: Tensor, k: float) -> Tensor:
        return x * k

    def save_k(ctx, inputs, output):
        ctx.k = inputs[1]

    scale.register_autograd(lambda ctx, g: (g * ctx.k, None), setup_context=save_k)

The operator is the returned `CustomOpDef` and also `retrograd.ops.mylib.scale` (`torch.ops.mylib.scale`
under the torch alias). Its body runs with recording off, as PyTorch runs a kernel, so its gradient
is the registered backward (an error at backward when there is none). retrograd has no fake
tensors or devices to dispatch on: `register_fake` and `register_kernel` keep their function and
nothing calls it but `opcheck`, which compares the fake's results with the op's.

The older way, `Library("mylib", "DEF")` with `lib.define("f(Tensor x) -> Tensor")` and
`impl(lib, "f", "CPU")`, defines the same kind of operator from a schema string.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from ._library_schema import call_error, infer_schema, signature_of
from .autograd.function import Function
from .ops._custom_namespaces import namespace, unloaded_libraries
from .tensor import Tensor

__all__ = [
    "CustomOpDef", "Library", "custom_op", "define", "impl", "infer_schema", "opcheck",
    "register_autograd", "register_fake", "register_kernel", "register_vmap",
]  # fmt: skip

_OPS: dict[str, CustomOpDef] = {}  # "mylib::scale" -> its definition
_PENDING_FAKES: dict[str, Callable[..., Any]] = {}  # fake kernels of ops no one has defined yet


class CustomOpDef:
    """A custom operator: call it like its function; `register_autograd` gives it a gradient."""

    def __init__(
        self, qualname: str, fn: Callable[..., Any], mutates_args: str | Iterable[str], schema: str | None = None
    ) -> None:
        self._namespace, self._name = qualname.split("::")
        self._qualname = qualname
        self._init_fn = fn
        self._signature = inspect.signature(fn)
        self._schema = schema or infer_schema(fn, mutates_args=mutates_args)  # refuses unannotated arguments
        self._composite = False  # an `impl` for "CompositeImplicitAutograd" runs with recording on
        self._mutates_args = mutates_args
        self._backward_fn: Callable[..., Any] | None = None
        self._setup_context_fn: Callable[..., Any] | None = None
        self._fake_fn: Callable[..., Any] | None = None
        self.default = self
        op = self
        # the autograd Function each call goes through; PyTorch names its node the same way
        self._function: Any = type(
            f"GeneratedBackwardFor_{self._namespace}_{self._name}_default",
            (Function,),
            {
                "forward": staticmethod(op._run),
                "setup_context": staticmethod(op._setup_context),
                "backward": staticmethod(op._backward),
            },
        )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            bound = self._signature.bind(*args, **kwargs)
        except TypeError:
            raise call_error(self._qualname, self._schema, self._signature, args, kwargs) from None
        bound.apply_defaults()
        if self._composite:
            return self._run(*bound.arguments.values())
        return self._function.apply(*bound.arguments.values())

    def _run(self, *values: Any) -> Any:
        """The function on the bound values, keyword-only ones passed by keyword."""
        args, kwargs = [], {}
        for param, value in zip(self._signature.parameters.values(), values):
            if param.kind is inspect.Parameter.KEYWORD_ONLY:
                kwargs[param.name] = value
            else:
                args.append(value)
        return self._init_fn(*args, **kwargs)

    def _setup_context(self, ctx: Any, inputs: tuple[Any, ...], output: Any) -> None:
        if self._setup_context_fn is not None:
            self._setup_context_fn(ctx, inputs, output)

    def _backward(self, ctx: Any, *grads: Any) -> Any:
        if self._backward_fn is None:
            raise RuntimeError(
                f"Trying to backward through {self._namespace}.{self._name}.default but no autograd formula "
                "was registered. Please use register_autograd to add one."
            )
        return self._backward_fn(ctx, *grads)

    def register_autograd(
        self, backward: Callable[..., Any], /, *, setup_context: Callable[..., Any] | None = None
    ) -> None:
        """Use `backward(ctx, *grads)` as the gradient; `setup_context(ctx, inputs, output)` saves what it needs."""
        self._backward_fn, self._setup_context_fn = backward, setup_context

    def register_fake(self, fn: Callable[..., Any], /) -> Callable[..., Any]:
        """Keep the shape-only version of the op (retrograd has no fake tensors to run it on)."""
        self._fake_fn = fn
        return fn

    def register_kernel(self, device_types: str | Sequence[str], fn: Callable[..., Any] | None = None, /) -> Any:
        """Accepted for PyTorch's API; the one implementation serves every device here."""
        return fn if fn is not None else (lambda f: f)

    def register_vmap(self, func: Callable[..., Any] | None = None, /) -> Any:
        """Use `func(info, in_dims, *args)`, which returns `(output, out_dims)`, under `vmap` (a decorator
        when `func` is omitted), as a custom Function's `vmap` staticmethod."""

        def register(f: Callable[..., Any]) -> Callable[..., Any]:
            self._function.vmap = staticmethod(f)
            # named as the user's: transforms give retrograd's own Functions the plain path, not their rules
            self._function.__module__ = f.__module__
            return f

        return register if func is None else register(func)

    def __repr__(self) -> str:
        return f"<CustomOpDef({self._qualname})>"


def custom_op(
    name: str, fn: Callable[..., Any] | None = None, /, *, mutates_args: str | Iterable[str],
    device_types: str | Sequence[str] | None = None, schema: str | None = None, tags: Any = None,
) -> Any:  # fmt: skip
    """Make `fn` the operator "namespace::name" (a decorator when `fn` is omitted).

    Args:
        name: "namespace::opname"; the op is then `retrograd.ops.namespace.opname` too.
        fn: the implementation, on tensors; it must not return its inputs.
        mutates_args: the names of the arguments it writes into ("unknown" or () for none).
        schema: the schema, "(Tensor x) -> Tensor", when it is not to be read off `fn`'s annotations.
        device_types, tags: accepted for PyTorch's signature; not used.

    Returns:
        (CustomOpDef): the operator.
    """

    def define(f: Callable[..., Any]) -> CustomOpDef:
        space, opname = name.split("::")  # ValueError without the "::", as in PyTorch
        op = CustomOpDef(name, f, mutates_args, schema)
        if "Tensor" in op._schema.partition("*")[2].partition(") ->")[0]:
            raise NotImplementedError(
                "custom_op with kwarg-only Tensor args. Please make your tensors not kwarg-only. "
                f"Got: {opname}{op._schema}"
            )
        if name in _PENDING_FAKES:
            op.register_fake(_PENDING_FAKES.pop(name))
        _OPS[name] = op
        setattr(namespace(space), opname, op)
        return op

    return define if fn is None else define(fn)


def _find(op: str | CustomOpDef) -> CustomOpDef:
    if isinstance(op, CustomOpDef):
        return op
    if op not in _OPS:
        raise RuntimeError(f"operator {op} does not exist")  # PyTorch's words (torchvision without its C++ ops)
    return _OPS[op]


def register_autograd(
    op: str | CustomOpDef, backward: Callable[..., Any], /, *, setup_context: Callable[..., Any] | None = None,
    lib: Any = None,
) -> None:  # fmt: skip
    """`op.register_autograd(backward, setup_context=...)` for an op given by name or definition."""
    if isinstance(op, str) and op not in _OPS:  # PyTorch looks the name up in `torch.ops` first
        space, _, name = op.partition("::")
        raise AttributeError(f"'_OpNamespace' '{space}' object has no attribute '{name}'")
    _find(op).register_autograd(backward, setup_context=setup_context)


def register_fake(op: str | CustomOpDef, func: Callable[..., Any] | None = None, /, *, lib: Any = None,
                  _stacklevel: int = 1, allow_override: bool = True) -> Any:  # fmt: skip
    """`op.register_fake(func)` (a decorator when `func` is omitted).

    PyTorch raises RuntimeError for an op nobody defined, and so does this, unless a C++ operator
    library failed to load (`torch.ops.load_library`): PyTorch would have its operators, retrograd
    never can, so their fakes are kept for an op of that name defined later. torchvision registers
    fakes for its C++ ops at import, and imports under retrograd because of this.
    """
    if isinstance(op, str) and op not in _OPS and unloaded_libraries:

        def keep(fn: Callable[..., Any]) -> Callable[..., Any]:
            _PENDING_FAKES[op] = fn
            return fn

        return keep if func is None else keep(func)
    found = _find(op)
    return found.register_fake if func is None else found.register_fake(func)


def register_kernel(op: str | CustomOpDef, device_types: str | Sequence[str], func: Callable[..., Any] | None = None,
                    /, *, lib: Any = None) -> Any:  # fmt: skip
    """Accepted for PyTorch's API; the op's one implementation serves every device here."""
    return _find(op).register_kernel(device_types, func)


def register_vmap(op: str | CustomOpDef, func: Callable[..., Any] | None = None, /, *, lib: Any = None) -> Any:
    """`op.register_vmap(func)` for an op given by name or definition (a decorator when `func` is omitted)."""
    return _find(op).register_vmap(func)


# --- defining an operator from a schema string ------------------------------------------------


class Library:
    """`Library(ns, "DEF")`: a namespace to `define` operators in and `impl` them (kinds "DEF",
    "FRAGMENT"; "IMPL" adds implementations only)."""

    def __init__(self, ns: str, kind: str, dispatch_key: str = "") -> None:
        if kind not in ("IMPL", "DEF", "FRAGMENT"):
            raise ValueError("Unsupported kind: ", kind)
        self.ns, self.kind, self.dispatch_key = ns, kind, dispatch_key

    def define(self, schema: str, alias_analysis: str = "", *, tags: Any = ()) -> str:
        """Declare the operator `schema` ("f(Tensor x, int n=2) -> Tensor") in this namespace; returns its name."""
        name, signature = signature_of(schema)
        qualname = f"{self.ns}::{name}"

        def unimplemented(*args: Any, **kwargs: Any) -> Any:
            raise NotImplementedError(
                f"Could not run '{qualname}' with arguments from the 'CPU' backend: no kernel is registered (impl)."
            )

        unimplemented.__signature__ = signature  # type: ignore[attr-defined]
        op = CustomOpDef(qualname, unimplemented, (), schema[len(name) :])
        _OPS[qualname] = op
        setattr(namespace(self.ns), name, op)
        return name

    def impl(self, op_name: str, fn: Callable[..., Any], dispatch_key: str = "", *, with_keyset: bool = False,
             allow_override: bool = False) -> None:  # fmt: skip
        """Make `fn` the implementation of the operator `op_name` this namespace defined."""
        qualname = op_name if "::" in op_name else f"{self.ns}::{op_name}"
        if qualname not in _OPS:
            raise NotImplementedError(
                f"impl: retrograd can implement only the operators defined with torch.library, not {qualname}"
            )
        op = _OPS[qualname]
        op._init_fn = fn
        # a composite kernel is built of differentiable ops: its calls record their own gradients
        op._composite = (dispatch_key or self.dispatch_key) in ("CompositeImplicitAutograd", "Autograd")


def define(qualname: str, schema: str, *, lib: Library | None = None, tags: Any = ()) -> None:
    """Declare the operator "ns::name" with `schema` ("(Tensor x) -> Tensor")."""
    space, name = qualname.split("::")
    (lib or Library(space, "FRAGMENT")).define(name + schema, tags=tags)


def impl(qualname: str | Library, types: str | Sequence[str], func: Callable[..., Any] | None = None, *,
         lib: Library | None = None) -> Any:  # fmt: skip
    """Register `func` as the operator's implementation: `impl("ns::name", "cpu", f)`, or as a
    decorator, `@impl("ns::name", "default")` or `@impl(lib, "name", "CPU")`."""
    if isinstance(qualname, Library):  # impl(lib, name, dispatch_key)
        library, name, key = qualname, str(types), func if isinstance(func, str) else ""
    else:
        library, name, key = lib or Library(qualname.split("::")[0], "FRAGMENT"), qualname, ""

    def register(f: Callable[..., Any]) -> Callable[..., Any]:
        library.impl(name, f, key)
        return f

    if isinstance(qualname, Library):
        return register

    return register if func is None else register(func)


# --- opcheck ------------------------------------------------------------------------------------


class OpCheckError(Exception):
    """What `opcheck` raises when one of its tests fails."""


def _tensors(values: Any) -> list[Tensor]:
    items = values if isinstance(values, (tuple, list)) else (values,)
    return [v for v in items if isinstance(v, Tensor)]


def _check_schema(op: CustomOpDef, args: tuple, kwargs: dict) -> None:
    """The op writes into no argument its schema does not mark as mutated."""
    copies = [a.detach().clone() if isinstance(a, Tensor) else a for a in args]
    before = [a.clone() if isinstance(a, Tensor) else None for a in copies]
    op(*copies, **kwargs)
    for param, old, new in zip(op._signature.parameters, before, copies):
        declared = op._mutates_args == "unknown" or param in op._mutates_args
        if old is not None and not declared and not old.equal(new):
            raise RuntimeError(f"Argument {param} is not defined as mutable but was mutated")


def _check_registration(op: CustomOpDef, args: tuple, kwargs: dict) -> None:
    """The op runs with the inputs (a custom op always has its autograd entry; a missing formula
    shows at backward, which the aot tests find)."""
    op(*args, **kwargs)


def _check_autograd(op: CustomOpDef, args: tuple, kwargs: dict) -> None:
    """With inputs that require grad, the op has a gradient formula (or is composite)."""
    outputs = [t for t in _tensors(op(*args, **kwargs)) if t.requires_grad]
    if outputs and op._backward_fn is None and not op._composite:
        raise RuntimeError(f"{op._qualname}: inputs require grad but no autograd formula is registered")


def _check_fake(op: CustomOpDef, args: tuple, kwargs: dict) -> None:
    """The fake kernel gives results of the op's shapes and dtypes."""
    if op._fake_fn is None:
        raise RuntimeError(f"There was no fake impl registered for {op._qualname}.")
    real, fake = _tensors(op(*args, **kwargs)), _tensors(op._fake_fn(*args, **kwargs))
    for r, f in zip(real, fake, strict=True):
        if r.shape != f.shape or r.dtype != f.dtype:
            raise RuntimeError(f"{op._qualname}: fake kernel gives {f.shape} {f.dtype}, the op {r.shape} {r.dtype}")


_TESTS: dict[str, Callable[[CustomOpDef, tuple, dict], None]] = {
    "test_schema": _check_schema,
    "test_autograd_registration": _check_registration,
    "test_faketensor": _check_fake,
    "test_aot_dispatch_static": _check_autograd,
    "test_aot_dispatch_dynamic": _check_autograd,
}
_DEFAULT_TESTS = ("test_schema", "test_autograd_registration", "test_faketensor", "test_aot_dispatch_dynamic")


def opcheck(op: CustomOpDef | Any, args: tuple[Any, ...], kwargs: dict[str, Any] | None = None, *,
            test_utils: str | Sequence[str] = _DEFAULT_TESTS, raise_exception: bool = True,
            atol: float | None = None, rtol: float | None = None) -> dict[str, Any]:  # fmt: skip
    """Check that a custom operator was registered consistently: its schema's mutations, its autograd
    registration, its fake kernel (retrograd's checks: the fake's shapes and dtypes match the op's).

    Returns:
        (dict): each test's name to "SUCCESS", or to its exception when `raise_exception` is False.

    Raises:
        OpCheckError: a test failed and `raise_exception` is True.
    """
    op = _find(op)
    names = (test_utils,) if isinstance(test_utils, str) else tuple(test_utils)
    unknown = [n for n in names if n not in _TESTS]
    if unknown:
        raise ValueError(
            f"opcheck(op, ..., test_utils={test_utils}), expected test_utils to be subset of {tuple(_TESTS)} "
            "but it was not"
        )
    results: dict[str, Any] = {}
    for name in names:
        try:
            _TESTS[name](op, tuple(args), kwargs or {})
            results[name] = "SUCCESS"
        except Exception as error:
            if raise_exception:
                message = f"opcheck(op, ...): {name} failed with {error} (scroll up for stack trace)"
                raise OpCheckError(message) from error
            results[name] = error
    return results
