"""The arguments a `torch.nn.functional` call hands to `__torch_function__`, as PyTorch's
Python-written functions pass them: the parameters without a default positionally, every
parameter with a default by keyword, filled in (`F.relu(x)` records `kwargs = {inplace: False}`).
The functions PyTorch writes in C++ (`linear`, `conv2d`, `gelu`, ...) pass what the caller gave."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

__all__ = ["as_pytorch_passes_them", "python_written"]

# the functions of torch.nn.functional that call `handle_torch_function` this way
_FILLED = frozenset({
    "adaptive_avg_pool2d", "adaptive_avg_pool3d", "adaptive_max_pool1d", "adaptive_max_pool1d_with_indices",
    "adaptive_max_pool2d", "adaptive_max_pool2d_with_indices", "adaptive_max_pool3d",
    "adaptive_max_pool3d_with_indices", "affine_grid", "alpha_dropout", "batch_norm", "binary_cross_entropy",
    "binary_cross_entropy_with_logits", "celu", "cosine_embedding_loss", "cross_entropy", "ctc_loss", "dropout",
    "dropout1d", "dropout2d", "dropout3d", "elu", "embedding", "embedding_bag", "feature_alpha_dropout", "fold",
    "fractional_max_pool2d", "fractional_max_pool2d_with_indices", "fractional_max_pool3d",
    "fractional_max_pool3d_with_indices", "gaussian_nll_loss", "glu", "grid_sample", "group_norm", "gumbel_softmax",
    "hardsigmoid", "hardswish", "hardtanh", "hinge_embedding_loss", "huber_loss", "instance_norm", "interpolate",
    "kl_div", "layer_norm", "leaky_relu", "linear_cross_entropy", "local_response_norm", "log_softmax", "lp_pool1d",
    "lp_pool2d", "lp_pool3d", "margin_ranking_loss", "max_pool1d", "max_pool1d_with_indices", "max_pool2d",
    "max_pool2d_with_indices", "max_pool3d", "max_pool3d_with_indices", "max_unpool1d", "max_unpool2d",
    "max_unpool3d", "mish", "mse_loss", "multi_margin_loss", "multilabel_margin_loss",
    "multilabel_soft_margin_loss", "nll_loss", "normalize", "pad", "poisson_nll_loss", "relu", "relu6", "rms_norm",
    "rrelu", "selu", "silu", "smooth_l1_loss", "soft_margin_loss", "softmax", "softmin", "softsign", "tanhshrink",
    "threshold", "triplet_margin_loss", "triplet_margin_with_distance_loss", "unfold",
})  # fmt: skip


def python_written(func: Callable[..., Any]) -> bool:
    """Whether PyTorch writes `torch.nn.functional.<func.__name__>` in Python (its handlers get every default)."""
    return func.__name__ in _FILLED


def as_pytorch_passes_them(
    func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """`args` and `kwargs` of a call of `func` as PyTorch hands them to `__torch_function__`."""
    if not str(getattr(func, "__module__", "")).endswith("nn.functional") or func.__name__ not in _FILLED:
        return args, kwargs
    signature = _signature(func)
    try:
        bound = signature.bind(*args, **kwargs)
    except TypeError:  # (a wrong call: let the function report it)
        return args, kwargs
    bound.apply_defaults()
    positional: list[Any] = []
    keywords: dict[str, Any] = {}
    for name, param in signature.parameters.items():
        if param.default is inspect.Parameter.empty and param.kind is not param.KEYWORD_ONLY:
            positional.append(bound.arguments[name])
        else:
            keywords[name] = bound.arguments[name]
    return tuple(positional), keywords


@functools.cache
def _signature(func: Callable[..., Any]) -> inspect.Signature:
    return inspect.signature(func)
