"""nn.utils.stateless.functional_call: PyTorch's deprecated spelling of torch.func.functional_call."""

from __future__ import annotations

import warnings
from typing import Any

__all__ = ["functional_call"]


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
