"""Activation checkpointing: trade compute for memory.

Two ways, as PyTorch has them. `use_reentrant=True` runs `fn` without recording a graph; during
backward the segment runs again, recording, and the incoming gradients are pushed through it
(a backward inside the backward). `use_reentrant=False` records the graph as usual but keeps
none of the tensors its backward would read (saved-tensor hooks store only their position);
the first backward step that needs one runs the segment again and takes its saved tensors from
that run, so higher-order gradients and `autograd.grad` work as without checkpointing. Either
way the random state is restored first, so dropout draws the same masks both times.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from typing import Any

from .. import random as _random
from .._display_name import package_name
from ..autograd.function import Function
from ..engine.backward import backward as _backward
from ..engine.backward import is_checkpoint_valid
from ..engine.grad_mode import enable_grad, is_grad_enabled, no_grad
from ..engine.graph import saved_tensors_hooks
from ..ops import autocast_policy as _autocast
from ..ops.creation import zeros
from ..tensor import Tensor
from ._pytree import tree_leaves

__all__ = [
    "checkpoint", "checkpoint_sequential", "CheckpointFunction", "check_backward_validity", "detach_variable",
    "get_device_states", "noop_context_fn", "set_device_states", "set_checkpoint_debug_enabled",
    "set_checkpoint_early_stop",
]

_debug_enabled: bool | None = None  # set_checkpoint_debug_enabled's override of `debug`
_early_stop_enabled: bool | None = None  # set_checkpoint_early_stop's override of `early_stop`

# The advice that ends PyTorch's warnings when use_reentrant is left out.
_PREFER_NON_REENTRANT = (
    "use_reentrant=False is recommended, but if you need to preserve the current default behavior, "
    "you can pass use_reentrant=True. Refer to docs for more details on the differences between the two variants."
)


def noop_context_fn() -> tuple[AbstractContextManager, AbstractContextManager]:
    """The default `context_fn` of `checkpoint`: two contexts that do nothing."""
    return contextlib.nullcontext(), contextlib.nullcontext()


def detach_variable(inputs: tuple[Any, ...]) -> tuple[Any, ...]:
    """Each tensor of `inputs` detached, keeping its `requires_grad`; other values as they are."""
    if not isinstance(inputs, tuple):
        raise RuntimeError(f"Only tuple of tensors is supported. Got Unsupported input type: {type(inputs).__name__}")
    return tuple(x.detach().requires_grad_(x.requires_grad) if isinstance(x, Tensor) else x for x in inputs)


def check_backward_validity(inputs: Iterable[Any]) -> None:
    """Warn when no tensor of `inputs` requires grad (a reentrant checkpoint then gives no gradients)."""
    if not any(x.requires_grad for x in inputs if isinstance(x, Tensor)):
        warnings.warn("None of the inputs have requires_grad=True. Gradients will be None", stacklevel=2)


def get_device_states(*args: Any) -> tuple[list[int], list[Tensor]]:
    """The device index and generator state of each accelerator tensor among `args` (nested in lists,
    tuples and dicts too); CPU and meta tensors have none, so on CPU both lists are empty.

    Examples:
        >>> from retrograd.utils.checkpoint import get_device_states
        >>> get_device_states(retrograd.ones(2), [retrograd.zeros(1)], 3)
        ([], [])
    """
    tensors = [t for t in tree_leaves(args) if isinstance(t, Tensor)]
    devices = [t.get_device() for t in tensors if t.device.type not in ("cpu", "meta")]
    if devices:
        # CuPy's generators give no state that could be set back
        raise RuntimeError("get_device_states: retrograd cannot save the random state of a CUDA generator")
    return devices, []


def set_device_states(devices: list[int], states: list[Tensor], *, device_type: str | None = None) -> None:
    """Restore what `get_device_states` saved (nothing for CPU tensors)."""
    if device_type == "meta" or not devices:
        return
    raise RuntimeError("set_device_states: retrograd cannot set the random state of a CUDA generator")


@contextlib.contextmanager
def set_checkpoint_debug_enabled(enabled: bool | None) -> Iterator[None]:
    """Within the block, `checkpoint`'s `debug` is `enabled` whatever a call passes (None: each call's own)."""
    global _debug_enabled
    previous, _debug_enabled = _debug_enabled, enabled
    try:
        yield
    finally:
        _debug_enabled = previous


class CheckpointFunction(Function):
    """A custom Function whose backward re-runs the checkpointed segment (PyTorch's name: its node
    prints as `CheckpointFunctionBackward`)."""

    @staticmethod
    def forward(ctx: Any, run: Callable, preserve_rng: bool, anchor: Tensor, *args: Any) -> Any:
        ctx.run = run
        ctx.rng_state = _random.get_rng_state() if preserve_rng else None
        ctx.autocast = _autocast.settings()
        ctx.args = [None if isinstance(a, Tensor) else a for a in args]
        ctx.save_for_backward(*[a if isinstance(a, Tensor) else None for a in args])
        with no_grad():
            return run(*args)

    @staticmethod
    def backward(ctx: Any, *grads: Any) -> Any:
        # the inner backward below reaches every leaf of the segment, not the pass's chosen inputs
        if not is_checkpoint_valid():
            raise RuntimeError(
                "When use_reentrant=True, torch.utils.checkpoint is incompatible"
                " with .grad() or passing an `inputs` parameter to .backward()."
                " To resolve this error, you can either set use_reentrant=False,"
                " or call .backward() without passing the `inputs` argument."
            )
        saved = ctx.saved_tensors
        inputs = [(t.detach().requires_grad_(t.requires_grad) if t is not None else a) for t, a in zip(saved, ctx.args)]
        if ctx.rng_state is not None:
            outer = _random.get_rng_state()
            _random.set_rng_state(ctx.rng_state)
        try:
            with enable_grad(), _autocast.applied(ctx.autocast):
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
    context_fn: Callable[[], tuple[AbstractContextManager, AbstractContextManager]] = noop_context_fn,
    determinism_check: str = "default",
    debug: bool = False,
    early_stop: bool = True,
    **kwargs: Any,
) -> Any:
    """Run `function(*args)` without keeping its activations; recompute them in backward.

    Gradients equal those of calling `function` directly. Parameters used inside
    `function` receive their gradients during the recomputation. With `use_reentrant=False`
    (PyTorch's recommendation) `context_fn()` gives two context managers, the first entered around
    the forward, the second around each recomputation; `determinism_check="default"` checks that
    the recomputation saved tensors of the same shapes and dtypes ("none" skips it), and
    `debug=True` (or `set_checkpoint_debug_enabled(True)`) lists them in that error. The
    recomputation stops once it has saved every tensor the backward needs (`early_stop=False`, or
    `set_checkpoint_early_stop(False)` around the forward, runs all of `function` again).
    """
    if use_reentrant is None:
        warnings.warn(
            f"{package_name()}.utils.checkpoint: the use_reentrant parameter should be passed explicitly. "
            "Starting in PyTorch 2.9, calling checkpoint without use_reentrant will raise an exception. "
            + _PREFER_NON_REENTRANT,
            UserWarning,
            stacklevel=2,
        )
        use_reentrant = True
    if use_reentrant:
        if kwargs:
            raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))
        if context_fn is not noop_context_fn or debug is not False:
            raise ValueError("Passing `context_fn` or `debug` is only supported when use_reentrant=False.")
        check_backward_validity(args)
        anchor = zeros((), requires_grad=False)
        return CheckpointFunction.apply(function, preserve_rng_state, anchor, *args)
    if determinism_check not in ("default", "none"):
        raise ValueError(
            f"determinism_check should be one of ['default', 'none'], but got {determinism_check}"
        )
    if _debug_enabled is not None:
        debug = _debug_enabled
    forward_context, recompute_context = context_fn()
    if _early_stop_enabled is not None:
        early_stop = _early_stop_enabled
    segment = _NonReentrant(function, args, kwargs, preserve_rng_state, determinism_check, debug, recompute_context,
                            early_stop)
    with forward_context:
        return segment.run()


class _StopRecomputation(Exception):
    """Raised by the recomputation's pack hook once it has what the backward needs (early stop)."""


@contextlib.contextmanager
def set_checkpoint_early_stop(enable: bool) -> Iterator[None]:
    """Whether the non-reentrant checkpoints made inside stop recomputing once they have every
    tensor their backward needs (overrides each call's `early_stop`; only the forward needs it).

    Args:
        enable (bool): False to recompute each checkpointed function in full.

    Examples:
        >>> from retrograd.utils.checkpoint import checkpoint, set_checkpoint_early_stop
        >>> calls = []
        >>> def f(x):
        ...     calls.append(1)
        ...     return (x * x).sum() * 2
        >>> x = retrograd.ones(2, requires_grad=True)
        >>> with set_checkpoint_early_stop(False):
        ...     y = checkpoint(f, x, use_reentrant=False)
        >>> y.backward()
        >>> len(calls), x.grad.tolist()
        (2, [4.0, 4.0])
    """
    global _early_stop_enabled
    prev = _early_stop_enabled
    _early_stop_enabled = enable
    try:
        yield
    finally:
        _early_stop_enabled = prev


class _NonReentrant:
    """One non-reentrant checkpoint: the segment's saved tensors are replaced by their positions
    and taken from a recomputation when the backward first asks for one."""

    def __init__(self, function: Callable[..., Any], args: tuple, kwargs: dict, preserve_rng: bool,
                 determinism_check: str, debug: bool, recompute_context: AbstractContextManager,
                 early_stop: bool = True) -> None:
        self.function, self.args, self.kwargs = function, args, kwargs
        self.early_stop = early_stop
        self.recompute_context = recompute_context
        self.rng_state = _random.get_rng_state() if preserve_rng else None
        self.autocast = _autocast.settings()  # the recomputation re-enters the forward's autocast
        self.check, self.debug = determinism_check == "default", debug
        self.forward_meta: list = []  # (shape, dtype) of each tensor saved by the first run
        self.recomputed: list | None = None

    def run(self) -> Any:
        with saved_tensors_hooks(self._pack, self._unpack):
            return self.function(*self.args, **self.kwargs)

    def _pack(self, t: Tensor) -> int:
        self.forward_meta.append((tuple(t.shape), t.dtype))
        return len(self.forward_meta) - 1

    def _unpack(self, position: int) -> Tensor:
        # each recomputed tensor is handed out once and then let go (the memory checkpointing saves);
        # asked again (retain_graph, a second-order pass), the segment runs again
        if self.recomputed is None or self.recomputed[position] is None:
            self.recomputed = self._recompute()
        value = self.recomputed[position]
        self.recomputed[position] = None
        return value

    def _recompute(self) -> list:
        saved: list = []
        # a create_graph backward (grad mode on while it runs) differentiates the saved tensors again;
        # otherwise they are kept as values, and the recomputation's own graph keeps nothing
        # (so no tensor -> node -> saved tensor cycle holds the memory)
        with_graph = is_grad_enabled()

        def keep(t: Tensor) -> None:
            saved.append(t if with_graph else t.detach())
            if self.early_stop and len(saved) == len(self.forward_meta):
                raise _StopRecomputation  # every tensor the backward needs: the rest need not run

        outer = _random.get_rng_state() if self.rng_state is not None else None
        if self.rng_state is not None:
            _random.set_rng_state(self.rng_state)
        try:
            with (enable_grad(), _autocast.applied(self.autocast), self.recompute_context,
                  saved_tensors_hooks(keep, lambda nothing: nothing)):
                self.function(*self.args, **self.kwargs)
        except _StopRecomputation:
            pass
        finally:
            if outer is not None:
                _random.set_rng_state(outer)
        meta = [(tuple(t.shape), t.dtype) for t in saved]
        if self.check and meta[: len(self.forward_meta)] != self.forward_meta:
            detail = f" The forward saved {self.forward_meta}; the recomputation {meta}." if self.debug else ""
            raise RuntimeError(
                "torch.utils.checkpoint: Recomputed values for the following tensors have different metadata "
                "than during the forward pass." + detail
            )
        return saved


def checkpoint_sequential(
    functions: Any, segments: int, input: Any, use_reentrant: bool | None = None, **kwargs: Any
) -> Any:
    """Split a Sequential (or list of modules) into `segments` checkpointed chunks.

    The only keyword argument taken besides `use_reentrant` is `preserve_rng_state`, as in PyTorch.
    """
    if use_reentrant is None:
        warnings.warn(
            f"{package_name()}.utils.checkpoint.checkpoint_sequential: the use_reentrant parameter should be "
            "passed explicitly. In version 2.9 we will raise an exception if use_reentrant is not passed. "
            + _PREFER_NON_REENTRANT,
            UserWarning,
            stacklevel=2,
        )
        use_reentrant = True
    preserve_rng_state = kwargs.pop("preserve_rng_state", True)
    if kwargs:
        raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))
    layers = list(functions.children()) if hasattr(functions, "children") else list(functions)
    size = len(layers) // segments  # more segments than layers: range() refuses the zero step, as in PyTorch
    end = -1

    def segment(start: int, stop: int) -> Callable[[Any], Any]:
        def run(x: Any) -> Any:
            for layer in layers[start : stop + 1]:
                x = layer(x)
            return x

        return run

    for start in range(0, size * (segments - 1), size):
        end = start + size - 1
        input = checkpoint(
            segment(start, end), input, use_reentrant=use_reentrant, preserve_rng_state=preserve_rng_state
        )
    return segment(end + 1, len(layers) - 1)(input)
