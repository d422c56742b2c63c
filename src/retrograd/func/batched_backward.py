"""`autograd.grad(..., is_grads_batched=True)`: one backward, vmapped over the grad_outputs' dim 0.

As in PyTorch, each grad_output's dim 0 is a batch of cotangents; the vector-Jacobian products
of all of them come from one backward pass whose rules run on batched tensors, not a loop.
"""

from __future__ import annotations

from typing import Any

from ..engine.backward import grad as _engine_grad
from ..tensor import Tensor
from .vmap import vmap


def _check_batched_shapes(outputs: tuple, grad_outputs: list) -> None:
    for i, (out, g) in enumerate(zip(outputs, grad_outputs)):
        if g is None:
            continue
        if isinstance(g, Tensor) and g.dim() == 0:  # PyTorch takes g[0] to compare shapes
            raise IndexError(
                "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in C++ to "
                "convert a 0-dim tensor to a number"
            )
        if not isinstance(g, Tensor) or tuple(g.shape[1:]) != tuple(out.shape):
            # PyTorch's message shows g[0].shape[1:]: the sizes after the first two
            shape = g.shape[2:] if isinstance(g, Tensor) else ()
            raise RuntimeError(
                "If `is_grads_batched=True`, we interpret the first dimension of each grad_output as the batch "
                "dimension. The sizes of the remaining dimensions are expected to match the shape of corresponding "
                f"output, but a mismatch was detected: grad_output[{i}] has a shape of {shape} and output[{i}] has "
                f"a shape of {out.shape}. If you only want some tensors in `grad_output` to be considered batched, "
                "consider using vmap."
            )


def batched_grad(
    outputs: tuple,
    inputs: tuple,
    grad_outputs: tuple,
    retain_graph: bool | None,
    create_graph: bool,
    allow_unused: bool,
    materialize_grads: bool,
) -> tuple:
    """d(outputs)/d(inputs) for every cotangent in dim 0 of `grad_outputs`: results get that dim in front."""
    gos = list(grad_outputs) + [None] * (len(outputs) - len(grad_outputs))
    _check_batched_shapes(outputs, gos)
    unused: list = []

    def vjp(*cotangents: Any) -> tuple:
        grads = _engine_grad(
            outputs,
            inputs,
            cotangents,
            retain_graph=retain_graph,
            create_graph=create_graph,
            allow_unused=allow_unused,
            materialize_grads=materialize_grads,
        )
        unused[:] = [g is None for g in grads]
        return tuple(t.new_zeros(()) if g is None else g for g, t in zip(grads, inputs))

    results = vmap(vjp, in_dims=tuple(None if g is None else 0 for g in gos))(*gos)
    return tuple(None if u else r for r, u in zip(results, unused))
