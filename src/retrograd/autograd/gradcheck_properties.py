"""What gradcheck checks beside the Jacobians: properties every derivative rule must have.

- a zero cotangent gives zero gradients, of the inputs' dtype, device and size;
- undefined (None) output gradients are handled, all of them or one at a time;
- gradients computed for a batch of cotangents (or tangents) under vmap equal the ones
  computed one at a time.
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

import numpy as np

from ..engine import forward_ad
from ..engine.backward import grad as _grad
from ..engine.dual_unpack import unpack_dual
from ..ops.creation import zeros, zeros_like
from ..ops.shape import stack
from ..tensor import Tensor
from .function import Function
from .gradcheck_jacobians import GradcheckError, as_tuple, picked


def on_first_use(module: str) -> ModuleType:
    """`retrograd.<module>`, loaded when a check first needs it.

    random and func are autograd's siblings; importing them with autograd would slow
    `import retrograd` (random's generator alone costs milliseconds), and the core imports
    only at the top of its modules, so they are looked up by name instead.
    """
    return importlib.import_module(f"retrograd.{module}")


def check_backward_mul_by_grad_output(outputs: list[Tensor], wrt: list[Tensor]) -> None:
    """A zero cotangent must give zero gradients of the inputs' dtype, device and size."""
    grads = _grad(outputs, wrt, [zeros_like(o) for o in outputs], allow_unused=True)
    for g, x in zip(grads, wrt):
        if g is None:
            continue
        if g.layout is not x.layout:  # (a sparse gradient of a dense input: PyTorch's refusal)
            raise GradcheckError(f"grad is incorrect layout ({g.layout} is not {x.layout})")
        if np.any(g.to_dense()._data != 0):
            raise GradcheckError("backward not multiplied by grad_output")
        if g.dtype != x.dtype:
            raise GradcheckError("grad is incorrect type")
        if g.device != x.device:
            raise GradcheckError("grad is incorrect device")
        if g.shape != x.shape:
            raise GradcheckError("grad is incorrect size")


class _UndefinedGrad(Function):
    """The identity, whose backward passes on an undefined (None) gradient."""

    @staticmethod
    def forward(ctx: Any, x: Tensor) -> Tensor:
        return x.view_as(x)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> None:
        return None


# PyTorch's messages point to its derivatives.yaml; ours say what the rule must do
_UNDEFINED_HELP = (
    "A derivative rule is given None (or zeros) for an output whose gradient is undefined, and must "
    "then return None or zeros for the inputs"
)


def _warn_new_check() -> None:
    warnings.warn(
        "Backwards compatibility: New undefined gradient support checking feature is enabled by default, "
        "but it may break existing callers of this function. If this is true for you, you can call this "
        'function with "check_undefined_grad=False" to disable the feature',
        stacklevel=4,
    )


def _check_undefined_backward(outputs: list[Tensor], wrt: list[Tensor]) -> None:
    try:
        grads = _grad(outputs, wrt, [zeros_like(o) for o in outputs], allow_unused=True)
    except RuntimeError as e:
        _warn_new_check()
        raise GradcheckError(f"Expected backward function to handle undefined output grads. {_UNDEFINED_HELP}") from e
    if any(g is not None and np.any(g.to_dense()._data != 0) for g in grads):  # (a sparse one read densely)
        _warn_new_check()
        raise GradcheckError(
            "Expected all input grads to be undefined or zero when all output grads are undefined or zero. "
            + _UNDEFINED_HELP
        )


def check_undefined_backward(func: Callable, inputs: tuple, picks: Sequence[int], wrt: list[Tensor]) -> None:
    """Backward must work when every output gradient is undefined, and when any one of them is."""
    _check_undefined_backward([_UndefinedGrad.apply(o) for o in picked(func(*inputs), picks)], wrt)
    if len(picks) > 1:
        for k in range(len(picks)):
            outs = picked(func(*inputs), picks)
            _check_undefined_backward([_UndefinedGrad.apply(o) if j == k else o for j, o in enumerate(outs)], wrt)


def check_undefined_forward(
    func: Callable, inputs: tuple, targets: Sequence[int], units: list[np.ndarray], picks: Sequence[int]
) -> None:
    """An input passed without a tangent must act as one with a zero tangent."""
    with forward_ad.dual_level():
        duals = list(inputs)
        for t, u in zip(targets, units):
            duals[t] = forward_ad.make_dual(inputs[t].detach(), Tensor._make(u, False))
        for t in targets:
            kept = duals[t]
            duals[t] = forward_ad.make_dual(inputs[t].detach(), zeros_like(inputs[t]))
            with_zero = picked(func(*duals), picks)
            duals[t] = inputs[t].detach()
            without = picked(func(*duals), picks)
            duals[t] = kept
            for k, (a, b) in enumerate(zip(with_zero, without)):
                ta, tb = unpack_dual(a).tangent, unpack_dual(b).tangent
                if ta is not None and tb is not None and not np.allclose(ta._data, tb._data):
                    raise GradcheckError(
                        f"Mismatch in tangent values for output with index: {k} when input: {t} has an undefined "
                        f"tangent value. Got: {ta} but expected: {tb}"
                    )


_BATCHED_HELP = (
    "gradcheck or gradgradcheck failed while testing batched gradient computation (vmap over the backward). "
    "To skip this check, pass check_batched_grad=False."
)
_BATCHED_FORWARD_HELP = (
    "gradcheck failed while testing batched gradient computation with forward-mode AD (vmap over "
    "retrograd.func.jvp). To skip this check, pass check_batched_forward_grad=False."
)


def _compare_batched(result: tuple, expected: list[Tensor], output_idx: int | None, help_text: str) -> None:
    for input_idx, (res, exp) in enumerate(zip(result, expected)):
        if not np.allclose(res._data, exp._data):
            raise GradcheckError(
                f"For output {input_idx if output_idx is None else output_idx} and input {input_idx}:\n\n"
                f"{help_text}\n\nGot:\n{res}\n\nExpected:\n{exp}"
            )


def _zeros_if_none(grads: tuple, like: Sequence[Tensor]) -> tuple:
    return tuple(zeros((), dtype=x.dtype).expand(x.shape) if g is None else g for g, x in zip(grads, like))


def check_batched_grad(out: Tensor, output_idx: int, wrt: list[Tensor]) -> None:
    """A backward vmapped over two random cotangents must equal the two backwards one at a time."""

    def vjp(v: Tensor, batched: bool = False) -> tuple:
        grads = _grad(out, wrt, v, retain_graph=True, allow_unused=True, is_grads_batched=batched)
        return _zeros_if_none(grads, wrt) if not batched else grads

    cotangents = [on_first_use("random").randn_like(out) for _ in range(2)]
    expected = [stack(list(shards)) for shards in zip(*(vjp(v) for v in cotangents))]
    try:
        result = vjp(stack(cotangents), batched=True)
    except RuntimeError as e:
        raise GradcheckError(f"While computing batched gradients, got: {e}\n\n{_BATCHED_HELP}") from e
    result = tuple(zeros((2, *x.shape), dtype=x.dtype) if g is None else g for g, x in zip(result, wrt))
    _compare_batched(result, expected, output_idx, _BATCHED_HELP)


def check_batched_forward_grad(func: Callable, inputs: tuple, targets: Sequence[int]) -> None:
    """Forward-mode derivatives vmapped over two random tangents must equal the two one at a time.

    PyTorch vmaps a function of dual tensors; retrograd's dual tensors do not run under vmap, so
    the forward-mode transform that does, `retrograd.func.jvp`, is vmapped instead.
    """
    func_transforms = on_first_use("func")
    detached = tuple(a.detach() if isinstance(a, Tensor) else a for a in inputs)
    for i in targets:
        x = inputs[i]
        if not (x.is_floating_point() or x.is_complex()):
            continue

        def of_input(value: Tensor, i: int = i) -> tuple:
            args = list(detached)
            args[i] = value
            return tuple(
                o for o in as_tuple(func(*args)) if isinstance(o, Tensor) and (o.is_floating_point() or o.is_complex())
            )

        def tangent_out(tangent: Tensor, i: int = i, of_input: Callable = of_input) -> tuple:
            return func_transforms.jvp(of_input, (detached[i],), (tangent,))[1]

        tangents = [on_first_use("random").randn_like(x) for _ in range(2)]
        expected = [stack(list(shards)) for shards in zip(*(tangent_out(t) for t in tangents))]
        try:
            result = func_transforms.vmap(tangent_out)(stack(tangents))
        except RuntimeError as e:
            raise GradcheckError(f"While computing batched gradients, got: {e}\n\n{_BATCHED_FORWARD_HELP}") from e
        _compare_batched(result, expected, None, _BATCHED_FORWARD_HELP)
