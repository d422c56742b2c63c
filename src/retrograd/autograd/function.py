"""Custom autograd Functions: user-written forward and backward, as in PyTorch.

    class Exp(Function):
        @staticmethod
        def forward(ctx, x):
            y = x.exp()
            ctx.save_for_backward(y)
            return y

        @staticmethod
        def backward(ctx, grad):
            (y,) = ctx.saved_tensors
            return grad * y

`Exp.apply(x)` runs forward with recording off and, when an input requires
grad, gives the outputs a node (the `ctx` itself, named `ExpBackward`) whose
`apply` calls the user's backward. A backward written with retrograd ops is
differentiable, so double backward works unless `@once_differentiable`.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from typing import Any

from .._display_name import package_name
from ..engine.anomaly_mode import anomaly, record_stack
from ..engine.dual_unpack import unpack_dual
from ..engine.fit import fit as _fit
from ..engine.forward_ad import carry, tangent_of
from ..engine.forward_ad import levels as _fw_levels
from ..engine.grad_mode import no_grad, state
from ..engine.graph import FREED_MESSAGE, Node
from ..engine.primitive import type_name
from ..engine.views import edge
from ..engine.vmap_hook import NOT_BATCHED, batched
from ..engine.vmap_hook import hook as _vmap
from ..ops.creation import zeros
from ..tensor import Tensor
from .delayed_error import refuse_second_backward
from .function_arguments import bind_new_style, bind_old_style, check_gradient
from .function_outputs import wrap_outputs

_ACCESSED_ONCE = (
    "saved_tensors can only be accessed once when clear_saved_tensors_on_access=True is set on the "
    "autograd.Function. Either access saved_tensors only once, or set clear_saved_tensors_on_access=False."
)


class FunctionCtx(Node):
    """The `ctx` of a custom Function; it is also the backward node of its outputs."""

    runs_without_grads = True

    # `FunctionCtx()` alone is what a program passes to a Function's `forward` called directly
    # (`MyFn.forward(FunctionCtx(), x)`): a ctx of no Function, which records nothing
    def __init__(self, fn_cls: type | None = None, next_functions: tuple = ()) -> None:
        super().__init__(next_functions)
        self._fn_cls = fn_cls
        self._saved: tuple = ()
        self._non_differentiable: tuple = ()
        self._dirty: tuple = ()
        self._materialize = True
        self._tensor_positions: tuple = ()
        self._input_meta: tuple = ()
        self._output_meta: tuple = ()
        self._to_save: tuple = ()
        self.needs_input_grad: tuple = ()
        self.n_outputs = 1
        self._saved_for_forward: tuple | None = None
        self._in_jvp = False
        self._saved_taken = False

    def __repr__(self) -> str:  # PyTorch shows where Function backward classes live
        return f"<{package_name()}.autograd.function.{type(self).__name__} object at {hex(id(self))}>"

    def name(self) -> str:
        return type(self).__name__  # `<Function>Backward`, `<Function>GeneratedBackward` under func.grad

    @property
    def _forward_cls(self) -> type | None:
        """The Function class whose `apply` made this node (PyTorch's `grad_fn._forward_cls`)."""
        return self._fn_cls

    # --- what forward/setup_context call -----------------------------------------------------

    def save_for_backward(self, *tensors: Any) -> None:
        """Keep tensors (or None) for backward; in-place changes to them are detected."""
        self._to_save = tensors

    def save_for_forward(self, *tensors: Any) -> None:
        """Keep tensors (or None) for `jvp`, where `saved_tensors` returns them."""
        self._saved_for_forward = tensors

    def mark_non_differentiable(self, *outputs: Any) -> None:
        """These outputs get no gradient (e.g. indices)."""
        self._non_differentiable = outputs

    def mark_dirty(self, *tensors: Any) -> None:
        """These inputs were modified in place by forward and are returned as outputs."""
        self._dirty = tensors

    def set_materialize_grads(self, value: bool) -> None:
        """With False, backward receives None instead of zeros for outputs without gradient."""
        self._materialize = bool(value)

    @property
    def saved_tensors(self) -> tuple:
        if self._in_jvp:  # jvp sees what save_for_forward kept, and nothing save_for_backward did (PyTorch)
            if self._saved_for_forward is None:
                return ()
            # without their tangents, as PyTorch's: what jvp computes from them is a plain tangent,
            # not a dual tensor whose own tangent would be a second-order term
            return tuple(unpack_dual(t).primal if isinstance(t, Tensor) else t for t in self._saved_for_forward)
        if not self._fn_cls.clear_saved_tensors_on_access:  # type: ignore[attr-defined]
            return tuple(s if s is None else s.unpack(self) for s in self._saved)
        if self._saved_taken:
            raise RuntimeError(_ACCESSED_ONCE)
        tensors = tuple(s if s is None else s.unpack(self) for s in self._saved)
        self._saved_taken = True  # the caller's references are now the only ones
        self._saved = ()
        return tensors

    @property
    def _raw_saved_tensors(self) -> tuple:
        """The saved tensors as stored (`SavedTensor`s, whose `register_hooks` PyTorch users call)."""
        if any(s is not None and s.counter is None for s in self._saved):
            raise RuntimeError(FREED_MESSAGE)
        return self._saved

    @property
    def saved_variables(self) -> tuple:
        warnings.warn("'saved_variables' is deprecated; use 'saved_tensors'", DeprecationWarning, stacklevel=2)
        return self.saved_tensors

    # --- what the engine calls -----------------------------------------------------------------

    def apply(self, grads: list, wanted: Callable[[int], bool] | None) -> tuple:
        if self._materialize:  # outputs that are not tensors (dtype None) get None even then
            grads = [
                zeros(shape, dtype=dt) if g is None and dt is not None else g
                for g, (shape, dt) in zip(grads, self._output_meta)
            ]
        user_fn = _user_backward(self._fn_cls)
        result = user_fn(self, list(grads)) if self._fn_cls.boxed_grads_call else user_fn(self, *grads)  # type: ignore[attr-defined]
        if not isinstance(result, tuple):
            result = (result,)
        n_inputs = len(self._input_meta)
        if len(result) != n_inputs:
            if len(result) > n_inputs and all(r is None for r in result[n_inputs:]):
                result = result[:n_inputs]
            else:
                raise RuntimeError(
                    f"function {self.name()} returned an incorrect number of gradients "
                    f"(expected {n_inputs}, got {len(result)})"
                )
        for pos, g in enumerate(result):
            check_gradient(self.name(), g, pos, self._input_meta[pos] is not None)
        out: list[Any] = []
        for k, pos in enumerate(self._tensor_positions):
            g = result[pos]
            if g is not None and self.next_functions[k][0] is not None:
                shape, np_dtype = self._input_meta[pos]
                g = _fit(g, shape, np_dtype, self, pos)
                out.append(g)
            else:
                out.append(None)
        return tuple(out)

    def release(self) -> None:
        for s in self._saved:
            if s is not None:
                s.release()


class BackwardCFunction(FunctionCtx):
    """The base of every custom Function's backward node class (`<Class>Backward`), as in PyTorch:
    `isinstance(y.grad_fn, BackwardCFunction)` tells a custom Function's node from a built-in op's."""


class Function:
    """Base class for custom differentiable operations; call them with `.apply`.

    Subclasses define two static methods: `forward(ctx, *args)`, which computes the result and
    may keep what backward needs (`ctx.save_for_backward(...)`), and `backward(ctx, *grads)`,
    which returns one gradient (or None) per input of forward. Optionally `setup_context` (then
    `forward` takes no `ctx`), `jvp` for forward mode, and `vmap`.

    Returns:
        (Function): subclasses are not instantiated: `Cls.apply(*args)` runs `forward(ctx, *args)`
            and returns its result, recorded in the graph with `backward` as its gradient.

    Examples:
        >>> class Cube(retrograd.autograd.Function):
        ...     @staticmethod
        ...     def forward(ctx, x):
        ...         ctx.save_for_backward(x)
        ...         return x ** 3
        ...     @staticmethod
        ...     def backward(ctx, grad):
        ...         (x,) = ctx.saved_tensors
        ...         return grad * 3 * x ** 2
        >>> x = retrograd.tensor([1.0, 2.0], requires_grad=True)
        >>> Cube.apply(x).sum().backward()
        >>> x.grad
        tensor([ 3., 12.])
    """

    _backward_cls: type = FunctionCtx
    _generated_backward_cls: type = FunctionCtx

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        warnings.warn(
            f"{self.__class__} should not be instantiated. Methods on autograd functions are all static, so you "
            "should invoke them on the class itself. Instantiating an autograd function will raise an error in a "
            "future version of PyTorch.",
            DeprecationWarning,
            stacklevel=2,
        )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(
            "Legacy autograd function with non-static forward method is deprecated. Please use new-style autograd "
            "function with static forward method. (Example: https://pytorch.org/docs/stable/autograd.html#torch."
            "autograd.Function)"
        )

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # the ctx of each call is the node; its class carries PyTorch's name, `<Class>Backward`
        # made here, as PyTorch makes its node classes in torch.autograd.function
        cls._backward_cls = type(cls.__name__ + "Backward", (BackwardCFunction,), {"__module__": __name__})
        # under retrograd.func's grad transforms PyTorch runs the Function as a generated `<Name>Generated`
        cls._generated_backward_cls = type(
            cls.__name__ + "GeneratedBackward", (BackwardCFunction,), {"__module__": __name__}
        )

    @staticmethod
    def forward(ctx: Any, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def backward(ctx: Any, *grad_outputs: Any) -> Any:
        raise NotImplementedError(
            "You must implement either the backward or vjp method for your custom autograd.Function "
            "to use it with backward mode AD."
        )

    vjp = backward  # a Function may name its backward `vjp` instead

    # True: backward(ctx, grads) gets the gradients as one list it may empty to free them early
    boxed_grads_call = False
    # True: the first `ctx.saved_tensors` hands the saved tensors over (a second access raises)
    clear_saved_tensors_on_access = False
    # True: retrograd.func.vmap runs forward/backward per example (otherwise the `vmap` staticmethod)
    generate_vmap_rule = False

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        if _uses_setup_context(cls):  # setup_context sees every input, defaults included
            args = bind_new_style(cls.forward, args, kwargs)
        elif kwargs:
            args = bind_old_style(cls.forward, args, kwargs)
        if _vmap.active or state.func_grad_depth:  # inside a retrograd.func transform
            r = _transformed_apply(cls, args, {})
            if r is not NOT_BATCHED:
                return r
        positions = tuple(i for i, a in enumerate(args) if isinstance(a, Tensor))
        record = state.enabled and any(args[i]._requires_grad for i in positions)
        node_cls = cls._backward_cls
        if state.func_grad_depth and not cls.__module__.startswith("retrograd."):
            node_cls = cls._generated_backward_cls
        ctx = node_cls(cls, tuple(edge(args[i]) for i in positions) if record else ())
        if record and anomaly.enabled:
            ctx.metadata["traceback_"] = record_stack()
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a._requires_grad and record for a in args)
        ctx._tensor_positions = positions
        ctx._input_meta = tuple((a._data.shape, a._data.dtype) if isinstance(a, Tensor) else None for a in args)
        dual = _fw_levels.level is not None and _has_tangent(cls, args)
        outer = state.computing_tangents
        state.computing_tangents = outer or dual  # the outputs' tangents come from `jvp`, not from forward's ops
        try:
            with no_grad():
                if _uses_setup_context(cls):
                    output = cls.forward(*args)
                    cls.setup_context(ctx, args, output)
                else:
                    output = cls.forward(ctx, *args)
        finally:
            state.computing_tangents = outer
        wrapped = wrap_outputs(ctx, args, output, record)
        if dual:
            _set_tangents(cls, ctx, args, wrapped)
        return wrapped

    @staticmethod
    def vmap(info: Any, in_dims: tuple, *args: Any) -> Any:
        raise NotImplementedError(
            "To use autograd.Function with vmap, you must either override the vmap staticmethod or set "
            "generate_vmap_rule=True."
        )

    @staticmethod
    def setup_context(ctx: Any, inputs: tuple, output: Any) -> None:
        raise NotImplementedError("setup_context is not overridden")

    @staticmethod
    def jvp(ctx: Any, *grad_inputs: Any) -> Any:
        raise NotImplementedError(
            "You must implement the jvp function for custom autograd.Function to use it with forward mode AD."
        )


_SETUP_CONTEXT_REQUIRED = (
    "In order to use an autograd.Function with functorch transforms (vmap, grad, jvp, jacrev, ...), it must "
    "override the setup_context staticmethod. For more details, please see "
    "https://pytorch.org/docs/main/notes/extending.func.html"
)


def _user_backward(cls: Any) -> Callable[..., Any]:
    """The Function's `backward`, or its `vjp` (the same method by another name), never both."""
    backward, vjp = cls.backward, cls.vjp
    if vjp is Function.vjp:
        return backward  # type: ignore[no-any-return]
    if backward is not Function.backward:
        raise RuntimeError(
            "Implementing both 'backward' and 'vjp' for a custom Function is not allowed. You should only "
            "implement one of them."
        )
    return vjp  # type: ignore[no-any-return]


def _transformed_apply(cls: type, args: tuple, kwargs: dict) -> Any:
    """PyTorch's contract for Functions under transforms: setup_context required, vmap by the class's rule.

    retrograd's own Functions (distributions, checkpoint, vmap's generated rules) keep the plain path.
    """
    if cls.__module__.startswith("retrograd."):
        return NOT_BATCHED
    if not _uses_setup_context(cls):
        raise RuntimeError(_SETUP_CONTEXT_REQUIRED)
    return batched("autograd_function", cls.apply, *args, **kwargs)  # type: ignore[attr-defined]


def _has_tangent(cls: type, args: tuple) -> bool:
    """Whether forward-mode AD must run `cls.jvp`: an input carries a tangent.

    retrograd's own Functions without a `jvp` (distributions, checkpoint) let the tangents flow
    through the ops of their forward instead, as if it were not a Function.
    """
    if not any(isinstance(a, Tensor) and tangent_of(a) is not None for a in args):
        return False
    return cls.jvp is not Function.jvp or not cls.__module__.startswith("retrograd.")  # type: ignore[attr-defined]


def _set_tangents(cls: type, ctx: FunctionCtx, args: tuple, outputs: Any) -> None:
    """The outputs' tangents from `cls.jvp(ctx, *input tangents)` (zeros for inputs without one)."""
    tangents = [tangent_of(a) if isinstance(a, Tensor) else None for a in args]
    tangents = [
        zeros(a.shape, dtype=a.dtype) if t is None and isinstance(a, Tensor) else t for a, t in zip(args, tangents)
    ]
    ctx._in_jvp = True
    outer = state.computing_tangents
    state.computing_tangents = True  # PyTorch runs jvp with forward grad off: its ops make plain tangents
    try:
        result = cls.jvp(ctx, *tangents)  # type: ignore[attr-defined]
    finally:
        ctx._in_jvp = False
        state.computing_tangents = outer
    single = not isinstance(outputs, tuple)
    outs = (outputs,) if single else outputs
    result = (result,) if not isinstance(result, tuple) else result
    if len(result) != len(outs):
        raise RuntimeError(
            f"Function's jvp returned an invalid number of forward gradients (expected {len(outs)} but got "
            f"{len(result)})"
        )
    for k, t in enumerate(result):
        if t is not None and not isinstance(t, Tensor):
            raise RuntimeError(f"expected Variable or None (got {type_name(t)}) for grad output {k}.")
    for out, t in zip(outs, result):
        if isinstance(out, Tensor) and t is not None:
            if tuple(t.shape) != tuple(out.shape):
                raise RuntimeError(  # PyTorch's words, as make_dual's
                    "Trying to set a forward gradient that has a different size than that of the original Tensor, "
                    f"this is not supported. Tensor is of size {list(out.shape)} while the given forward "
                    f"gradient is of size {list(t.shape)}."
                )
            carry(out, t)


def _uses_setup_context(cls: type) -> bool:
    return cls.setup_context is not Function.setup_context  # type: ignore[attr-defined]


def once_differentiable(backward: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a backward as not differentiable: it runs with recording off, and a backward through
    the gradients it gave under `create_graph=True` raises (PyTorch's DelayedError)."""

    @functools.wraps(backward)
    def wrapper(ctx: Any, *grads: Any) -> Any:
        with no_grad():
            outputs = backward(ctx, *grads)
        return refuse_second_backward(outputs, grads)

    return wrapper


class InplaceFunction(Function):
    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace


class NestedIOFunction(Function):
    pass
