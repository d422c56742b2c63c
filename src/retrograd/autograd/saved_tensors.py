"""Managers over the tensors a graph saves for backward: forbid hooks, or allow in-place changes.

`disable_saved_tensors_hooks(message)`: inside it, installing saved-tensor hooks (a
`saved_tensors_hooks` block, `save_on_cpu`, ...) raises RuntimeError(message), as in PyTorch.

`allow_mutation_on_saved_tensors()`: inside it, a tensor saved for backward may be changed in
place; backward reads the value it had when saved. PyTorch copies a saved tensor lazily, just
before it is mutated; retrograd copies each saved tensor when it is saved (the same results,
more memory while the block is open).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from ..engine.grad_mode import state
from ..engine.graph import saved_tensors_hooks
from ..tensor import Tensor

__all__ = ["disable_saved_tensors_hooks", "allow_mutation_on_saved_tensors"]


class disable_saved_tensors_hooks(contextlib.ContextDecorator):
    """Within this block (or decorated function), registering saved-tensor hooks raises `error_message`.

    >>> import retrograd as torch
    >>> with torch.autograd.graph.disable_saved_tensors_hooks("not here"):
    ...     torch.autograd.graph.save_on_cpu().__enter__()
    Traceback (most recent call last):
    RuntimeError: not here

    Args:
        error_message (str): the message of the RuntimeError raised by an attempt to use hooks.

    Returns:
        (disable_saved_tensors_hooks): a context manager, also usable as a decorator.

    Examples:
        >>> from retrograd.autograd.graph import disable_saved_tensors_hooks, saved_tensors_hooks
        >>> with disable_saved_tensors_hooks("no hooks here"):
        ...     try:
        ...         with saved_tensors_hooks(lambda t: t, lambda t: t):
        ...             pass
        ...     except RuntimeError as e:
        ...         print(e)
        no hooks here
    """

    def __init__(self, error_message: str) -> None:
        self.error_message = error_message

    def __enter__(self) -> None:
        if state.saved_tensors_hooks:  # hooks already installed cannot be disabled, as in PyTorch
            raise RuntimeError(self.error_message)
        self._outer = state.saved_tensors_hooks_disabled
        state.saved_tensors_hooks_disabled = self.error_message

    def __exit__(self, *exc: object) -> None:
        state.saved_tensors_hooks_disabled = self._outer


class _AllowMutationOnSavedContext:
    """The state of one `allow_mutation_on_saved_tensors` block; cleared when it closes."""

    def __init__(self) -> None:
        self.active = True
        self.saved = 0  # how many tensors this block saved (for debugging)

    def clear(self) -> None:
        self.active = False


_OUTSIDE = (
    "Trying to backward outside of the 'allow_mutation_on_saved_tensors' context"
    "in which the graph was originally recorded."
)


@contextlib.contextmanager
def allow_mutation_on_saved_tensors() -> Iterator[_AllowMutationOnSavedContext]:
    """Allow in-place changes to tensors saved for backward; run forward and backward inside it.

    Without it, modifying a saved tensor makes backward raise; inside it the original values
    are kept aside when a saved tensor is first modified, so the gradient uses them.

    Returns:
        (context manager): its value is the context that holds the kept values; contexts cannot be nested.

    Examples:
        >>> with retrograd.autograd.graph.allow_mutation_on_saved_tensors():
        ...     a = retrograd.ones(2, requires_grad=True)
        ...     b = a.clone()
        ...     out = (b**2).sum()
        ...     _ = b.sin_()
        ...     out.backward()
        >>> a.grad
        tensor([2., 2.])
    """
    if any(getattr(pack, "_allows_mutation", False) for pack, _ in state.saved_tensors_hooks):
        raise RuntimeError("allow_mutation_on_saved_tensors contexts cannot be nested")
    ctx = _AllowMutationOnSavedContext()

    def _pack_keeping_original(t: Tensor) -> tuple:
        ctx.saved += 1
        return t, t._version_counter.value, t._data.copy(), t.grad_fn, t._output_nr

    _pack_keeping_original._allows_mutation = True  # type: ignore[attr-defined]  # how nesting is seen

    def unpack(packed: tuple) -> Tensor:
        if not ctx.active:
            raise AssertionError(_OUTSIDE)
        t, version, data, grad_fn, output_nr = packed
        if t._version_counter.value == version:
            return t
        # the value it had when saved, still the output of the node that made it (for double backward)
        return Tensor._make(data, grad_fn is not None, grad_fn, output_nr)

    with saved_tensors_hooks(_pack_keeping_original, unpack):
        try:
            yield ctx
        finally:
            ctx.clear()
