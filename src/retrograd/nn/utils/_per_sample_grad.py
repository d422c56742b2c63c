"""`torch.nn.utils._per_sample_grad`: `call_for_per_sample_grads`, per-example gradients by ExpandedWeights."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from ...func import functional_call
from ...tensor import Tensor
from ...utils import _pytree as pytree
from ..modules.module import Module
from ._expanded_weights import ExpandedWeight

__all__ = ["call_for_per_sample_grads"]


def call_for_per_sample_grads(
    module: Module, *, batch_size: int | None = None, loss_reduction: str = "sum", batch_first: bool = True
) -> Callable[..., Any]:
    """`module`'s forward, run so that backward fills each trainable parameter's `grad_sample`.

    After `backward`, `p.grad_sample` holds one gradient per example, shape `(N, *p.shape)`, and
    `p.grad` is left as it was. Only the layers PyTorch's ExpandedWeights supports may use the
    parameters: linear, conv1d/2d/3d, embedding, layer_norm, group_norm and instance_norm.

    Args:
        module: the module whose trainable parameters get `grad_sample`.
        batch_size: the examples in a batch; by default the size of the batch dim of every tensor
            argument (they must agree).
        loss_reduction: `"sum"` or `"mean"`; with `"mean"` the per-example gradients are scaled by
            the batch size, undoing the mean's division.
        batch_first: whether the batch dim of the inputs is dim 0 (else dim 1).

    Examples:
        >>> model = retrograd.nn.Linear(4, 3)
        >>> call_for_per_sample_grads(model)(retrograd.randn(5, 4)).sum().backward()
        >>> model.weight.grad_sample.shape, model.weight.grad
        (retrograd.Size([5, 3, 4]), None)
    """

    def maybe_build_expanded_weight(og_tensor: Tensor, batch_size: int) -> Tensor:
        return ExpandedWeight(og_tensor, batch_size, loss_reduction) if og_tensor.requires_grad else og_tensor

    def compute_batch_size(*args: Any, **kwargs: Any) -> int:
        found = None
        for arg in pytree.tree_leaves((args, kwargs)):
            if not isinstance(arg, Tensor):
                continue
            arg_batch_size = arg.shape[0] if batch_first else arg.shape[1]
            if found is not None and found != arg_batch_size:
                raise RuntimeError(
                    "When computing batch size, found at least one input with batch size "
                    f"{found} and one with batch size {arg_batch_size}. Please specify it "
                    "explicitly using the batch size kwarg in call_for_per_sample_grads"
                )
            found = arg_batch_size
        if found is None:
            raise RuntimeError(
                "Unable to find a tensor in the passed args and kwargs. They may not be pytree-able "
                "and so ExpandedWeights cannot compute the batch size from the inputs. Please specify "
                "it explicitly"
            )
        return found

    if loss_reduction not in ["sum", "mean"]:
        raise RuntimeError(f"Expected loss_reduction argument to be sum or mean, got {loss_reduction}")
    if not isinstance(module, Module):
        raise RuntimeError(f"Module passed must be nn.Module, got {type(module).__name__}")
    if not (batch_size is None or isinstance(batch_size, int)):
        raise RuntimeError(f"Batch size passed must be None or an integer, got {type(batch_size).__name__}")
    if batch_size is not None and batch_size < 1:
        raise RuntimeError(f"Batch size must be positive, got {batch_size}")
    for weight in module.parameters():
        if getattr(weight, "grad_sample", None) is not None:
            raise RuntimeError(
                "Current Expanded Weights accumulates the gradients, which will be incorrect for multiple "
                f"calls without clearing gradients. Please clear out the grad_sample parameter of {weight} or "
                "post an issue to pytorch/pytorch to prioritize correct behavior"
            )

    @functools.wraps(module.forward)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        size = batch_size if batch_size is not None else compute_batch_size(*args, **kwargs)
        params = {name: maybe_build_expanded_weight(value, size) for name, value in module.named_parameters()}
        return functional_call(module, params, args, kwargs)

    return wrapper
