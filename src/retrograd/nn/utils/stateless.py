"""nn.utils.stateless.functional_call: PyTorch's deprecated spelling of torch.func.functional_call,
and `_reparametrize_module`, the context manager under it (zuko's BayesianModel swaps sampled
weights in with it)."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["functional_call"]


@contextmanager
def _reparametrize_module(
    module: Any,
    parameters_and_buffers: dict[str, Any],
    tie_weights: bool = False,
    strict: bool = False,
    stack_weights: bool = False,
) -> Iterator[None]:
    """Inside the block `module`'s parameters and buffers named in `parameters_and_buffers` are those
    tensors; on exit its own come back (last swapped, first restored, which is what `stack_weights`
    asks of PyTorch's). `tie_weights` and `strict` are `functional_call`'s.

    Examples:
        >>> layer = nn.Linear(2, 1)
        >>> with nn.utils.stateless._reparametrize_module(layer, {"bias": retrograd.tensor([5.0])}):
        ...     layer.bias
        tensor([5.])
        >>> layer.bias is layer._parameters["bias"]
        True
    """
    from ...func.modules import _swapped

    with _swapped(module, dict(parameters_and_buffers), tie_weights, strict):
        yield


def functional_call(
    module: Any,
    parameters_and_buffers: Any,
    args: Any = None,
    kwargs: dict | None = None,
    *,
    tie_weights: bool = True,
    strict: bool = False,
) -> Any:
    """Call `module` with its parameters and buffers replaced by the given tensors (warns: deprecated).

    Args:
        module (Module): the module to call.
        parameters_and_buffers (dict or tuple of dicts): tensors by dotted name, used in place of the module's own
            for this call.
        args (Any or tuple, optional): the positional arguments of the call.
        kwargs (dict, optional): its keyword arguments.
        tie_weights (bool): tied parameters (the same tensor under two names) are replaced together (default True).
        strict (bool): the dict must name every parameter and buffer exactly (default False).

    Returns:
        Any: what `module(*args, **kwargs)` returns with the substituted tensors; the module is unchanged afterwards.

    Examples:
        >>> layer = nn.Linear(2, 1)
        >>> params = {'weight': retrograd.ones(1, 2), 'bias': retrograd.zeros(1)}
        >>> import warnings
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter('ignore')  # deprecated in favour of retrograd.func.functional_call
        ...     y = nn.utils.stateless.functional_call(layer, params, (retrograd.tensor([[1.0, 2.0]]),))
        >>> y
        tensor([[3.]])
        >>> layer.weight.shape
        retrograd.Size([1, 2])
    """
    from ...func.modules import functional_call as func_functional_call

    warnings.warn(
        "`torch.nn.utils.stateless.functional_call` is deprecated as of PyTorch 2.0 and will be removed in a future "
        "version of PyTorch. Please use `torch.func.functional_call` instead which is a drop-in replacement.",
        FutureWarning,
        stacklevel=2,
    )
    return func_functional_call(module, parameters_and_buffers, args, kwargs, tie_weights=tie_weights, strict=strict)
