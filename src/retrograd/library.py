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
nothing calls it.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from .autograd.function import Function
from .ops._custom_namespaces import namespace, unloaded_libraries

__all__ = ["CustomOpDef", "custom_op", "register_autograd", "register_fake", "register_kernel"]

_OPS: dict[str, CustomOpDef] = {}  # "mylib::scale" -> its definition
_PENDING_FAKES: dict[str, Callable[..., Any]] = {}  # fake kernels of ops no one has defined yet


class CustomOpDef:
    """A custom operator: call it like its function; `register_autograd` gives it a gradient."""

    def __init__(self, qualname: str, fn: Callable[..., Any], mutates_args: str | Iterable[str]) -> None:
        self._namespace, self._name = qualname.split("::")
        self._qualname = qualname
        self._init_fn = fn
        self._signature = inspect.signature(fn)
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
        except TypeError as error:
            raise RuntimeError(f"{self._qualname}() {error}") from None
        bound.apply_defaults()
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
        device_types, schema, tags: accepted for PyTorch's signature; not used.

    Returns:
        (CustomOpDef): the operator.
    """

    def define(f: Callable[..., Any]) -> CustomOpDef:
        space, opname = name.split("::")  # ValueError without the "::", as in PyTorch
        op = CustomOpDef(name, f, mutates_args)
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
