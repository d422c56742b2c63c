"""Activation checkpointing: trade compute for memory.

`checkpoint(fn, *args)` runs `fn` without recording a graph, so none of its
intermediate activations are kept. During backward the segment is run again,
this time recording, and the incoming gradients are pushed through it. The
random state is restored first, so dropout draws the same masks both times.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

from .. import random as _random
from ..autograd.function import Function
from ..engine.backward import backward as _backward
from ..engine.grad_mode import enable_grad, no_grad
from ..tensor import Tensor

__all__ = ["checkpoint", "checkpoint_sequential"]


class _Recompute(Function):
    """A custom Function whose backward re-runs the checkpointed segment."""

    @staticmethod
    def forward(ctx: Any, run: Callable, preserve_rng: bool, anchor: Tensor, *args: Any) -> Any:
        ctx.run = run
        ctx.rng_state = _random.get_rng_state() if preserve_rng else None
        ctx.args = [None if isinstance(a, Tensor) else a for a in args]
        ctx.save_for_backward(*[a if isinstance(a, Tensor) else None for a in args])
        with no_grad():
            return run(*args)

    @staticmethod
    def backward(ctx: Any, *grads: Any) -> Any:
        saved = ctx.saved_tensors
        inputs = [(t.detach().requires_grad_(t.requires_grad) if t is not None else a) for t, a in zip(saved, ctx.args)]
        if ctx.rng_state is not None:
            outer = _random.get_rng_state()
            _random.set_rng_state(ctx.rng_state)
        try:
            with enable_grad():
                outputs = ctx.run(*inputs)
        finally:
            if ctx.rng_state is not None:
                _random.set_rng_state(outer)
        outputs = outputs if isinstance(outputs, tuple) else (outputs,)
        pairs = [(o, g) for o, g in zip(outputs, grads) if isinstance(o, Tensor) and o.requires_grad and g is not None]
        if pairs:
            _backward([o for o, _ in pairs], [g for _, g in pairs])
        input_grads = tuple(x.grad if isinstance(x, Tensor) else None for x in inputs)
        return (None, None, None) + input_grads


def checkpoint(
    function: Callable[..., Any],
    *args: Any,
    use_reentrant: bool | None = None,
    preserve_rng_state: bool = True,
    determinism_check: str = "default",
    debug: bool = False,
    **kwargs: Any,
) -> Any:
    """Run `function(*args)` without keeping its activations; recompute them in backward.

    Gradients equal those of calling `function` directly. Parameters used inside
    `function` receive their gradients during the recomputation.
    """
    if use_reentrant is None:
        warnings.warn(
            "torch.utils.checkpoint: the use_reentrant parameter should be passed explicitly. "
            "Pass use_reentrant=True or use_reentrant=False.",
            UserWarning,
            stacklevel=2,
        )
        use_reentrant = True
    run = (lambda *a: function(*a, **kwargs)) if kwargs else function
    if use_reentrant and not any(isinstance(a, Tensor) and a.requires_grad for a in args):
        warnings.warn("None of the inputs have requires_grad=True. Gradients will be None", UserWarning, stacklevel=2)
    # A leaf that requires grad makes the segment part of the graph even when no
    # input does (its parameters may), which is what use_reentrant=False promises.
    from ..ops.creation import zeros

    anchor = zeros((), requires_grad=not use_reentrant)
    return _Recompute.apply(run, preserve_rng_state, anchor, *args)


def checkpoint_sequential(
    functions: Any, segments: int, input: Any, use_reentrant: bool | None = None, **kwargs: Any
) -> Any:
    """Split a Sequential (or list of modules) into `segments` checkpointed chunks."""
    layers = list(functions.children()) if hasattr(functions, "children") else list(functions)
    size = max(len(layers) // segments, 1)
    end = -1

    def segment(start: int, stop: int) -> Callable[[Any], Any]:
        def run(x: Any) -> Any:
            for layer in layers[start : stop + 1]:
                x = layer(x)
            return x

        return run

    for start in range(0, size * (segments - 1), size):
        end = start + size - 1
        input = checkpoint(segment(start, end), input, use_reentrant=use_reentrant, **kwargs)
    return segment(end + 1, len(layers) - 1)(input)
