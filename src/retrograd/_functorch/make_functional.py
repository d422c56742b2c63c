"""functorch's `make_functional`: a module turned into a function of its parameters (and buffers).

`fmodel, params = make_functional(model)` copies the model; `fmodel(params, x)` runs the copy with
`params` in place of its own, so `grad(lambda p: loss(fmodel(p, x)))(params)` differentiates
w.r.t. them. The successor is `torch.func.functional_call`, which this runs on.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from typing import Any

from .. import nn
from ..func import functional_call
from ..ops.shape.slicing import stack
from ..tensor import Tensor

__all__ = [
    "FunctionalModule",
    "FunctionalModuleWithBuffers",
    "combine_state_for_ensemble",
    "make_functional",
    "make_functional_with_buffers",
]


def _state(named: Iterable[tuple[str, Tensor]]) -> tuple[tuple[str, ...], tuple[Tensor, ...]]:
    pairs = list(named)  # tied tensors appear once, under their first name, as in PyTorch
    return tuple(name for name, _ in pairs), tuple(value for _, value in pairs)


class FunctionalModule(nn.Module):
    """The callable `make_functional` returns: `fmodel(params, *args, **kwargs)`."""

    def __init__(self, stateless_model: nn.Module, param_names: tuple[str, ...]) -> None:
        super().__init__()
        self.stateless_model = stateless_model
        self.param_names = param_names

    def forward(self, params: Iterable[Tensor], *args: Any, **kwargs: Any) -> Any:
        state = dict(zip(self.param_names, params, strict=True))
        return functional_call(self.stateless_model, state, args, kwargs)


class FunctionalModuleWithBuffers(nn.Module):
    """The callable `make_functional_with_buffers` returns: `fmodel(params, buffers, *args, **kwargs)`."""

    def __init__(self, stateless_model: nn.Module, param_names: tuple[str, ...], buffer_names: tuple[str, ...]) -> None:
        super().__init__()
        self.stateless_model = stateless_model
        self.param_names = param_names
        self.buffer_names = buffer_names

    def forward(self, params: Iterable[Tensor], buffers: Iterable[Tensor], *args: Any, **kwargs: Any) -> Any:
        state = dict(zip(self.param_names, params, strict=True))
        state.update(zip(self.buffer_names, buffers, strict=True))
        return functional_call(self.stateless_model, state, args, kwargs)


def make_functional(model: nn.Module, disable_autograd_tracking: bool = False) -> tuple[FunctionalModule, tuple]:
    """`(fmodel, params)`: a copy of `model` as a function of its parameters, and copies of them.

    Args:
        model (Module): the module; it is deep-copied, so later changes to it do not reach `fmodel`.
        disable_autograd_tracking (bool): return `params` with `requires_grad=False` (for use with
            `grad`/`vmap` only). Default False.

    Examples:
        >>> from retrograd._functorch.make_functional import make_functional
        >>> fmodel, params = make_functional(retrograd.nn.Linear(3, 2))
        >>> [tuple(p.shape) for p in params], tuple(fmodel(params, retrograd.ones(4, 3)).shape)
        ([(2, 3), (2,)], (4, 2))
    """
    model_copy = copy.deepcopy(model)
    names, params = _state(model_copy.named_parameters())
    if disable_autograd_tracking:
        for param in params:
            param.requires_grad_(False)
    return FunctionalModule(model_copy, names), params


def make_functional_with_buffers(
    model: nn.Module, disable_autograd_tracking: bool = False
) -> tuple[FunctionalModuleWithBuffers, tuple, tuple]:
    """`(fmodel, params, buffers)`: as `make_functional`, with the buffers (batch-norm statistics) passed too."""
    model_copy = copy.deepcopy(model)
    names, params = _state(model_copy.named_parameters())
    buffer_names, buffers = _state(model_copy.named_buffers())
    if disable_autograd_tracking:
        for param in params:
            param.requires_grad_(False)
    return FunctionalModuleWithBuffers(model_copy, names, buffer_names), params, buffers


def combine_state_for_ensemble(models: Sequence[nn.Module]) -> tuple[FunctionalModuleWithBuffers, tuple, tuple]:
    """`(fmodel, params, buffers)` for an ensemble: each parameter and buffer stacked over the models (dim 0),
    detached, for `vmap(fmodel, (0, 0, None))(params, buffers, x)`."""
    if len(models) == 0:
        raise RuntimeError("combine_state_for_ensemble: Expected at least one model, got 0.")
    if not (all(m.training for m in models) or all(not m.training for m in models)):
        raise RuntimeError("combine_state_for_ensemble: Expected all models to have the same training/eval mode.")
    first = type(models[0])
    if not all(type(m) is first for m in models):
        raise RuntimeError("combine_state_for_ensemble: Expected all models to be of the same class.")
    fmodel, _, _ = make_functional_with_buffers(models[0])
    stacked = []
    for state in ("named_parameters", "named_buffers"):
        columns = zip(*(_state(getattr(m, state)())[1] for m in models))
        stacked.append(tuple(stack(list(shards)).detach() for shards in columns))
    return fmodel, stacked[0], stacked[1]
