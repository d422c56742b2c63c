"""Converting convolution weights to a memory format, as PyTorch does for its NHWC kernels.

The weights of Conv2d/ConvTranspose2d (Conv3d/ConvTranspose3d) are re-laid out as
`channels_last` (`channels_last_3d`) or `contiguous_format`, in the same Parameter objects; the
values do not change. retrograd's convolutions compute the same numbers either way.
"""

from __future__ import annotations

from typing import Any, TypeVar

from ... import _layouts
from ..modules.conv import Conv2d, Conv3d, ConvTranspose2d, ConvTranspose3d
from ..modules.module import Module

__all__ = ["convert_conv2d_weight_memory_format", "convert_conv3d_weight_memory_format"]

_M = TypeVar("_M", bound=Module)
_RANK = {"channels_last": 4, "channels_last_3d": 5}  # the weight rank each format needs


def _format_name(memory_format: Any) -> str:
    """'channels_last' for torch.channels_last (or the string); TypeError for anything else."""
    name = memory_format if isinstance(memory_format, str) else str(memory_format)
    name = name.rpartition(".")[2]
    if name not in ("preserve_format", "contiguous_format", "channels_last", "channels_last_3d"):
        raise TypeError(
            f"clone(): argument 'memory_format' must be torch.memory_format, not {type(memory_format).__name__}"
        )
    return name


def _convert(module: _M, memory_format: Any, kinds: tuple[type, ...], rank: int) -> _M:
    for m in module.modules():
        if not isinstance(m, kinds):
            continue
        name = _format_name(memory_format)  # checked where PyTorch checks it: when a weight is converted
        if name == "preserve_format":  # what PyTorch's resize_ says to it
            raise RuntimeError("Unsupported memory formatPreserve")
        if _RANK.get(name, rank) != rank:
            raise RuntimeError(f"required rank {_RANK[name]} tensor to use {name} format")
        m.weight.data = m.weight.detach().clone(memory_format=getattr(_layouts, name))
    return module


def convert_conv2d_weight_memory_format(module: _M, memory_format: Any) -> _M:
    """Return `module` with its Conv2d/ConvTranspose2d weights laid out as `memory_format`.

    `memory_format` is `channels_last` or `contiguous_format`; the others raise PyTorch's errors.

    Args:
        module (Module): a module; its Conv2d / ConvTranspose2d weights (and its children's) are converted.
        memory_format (memory_format): the layout, e.g. `channels_last`.

    Returns:
        Module: `module` itself, its weights' values unchanged.

    Examples:
        >>> conv = nn.Conv2d(2, 4, 3)
        >>> nn.utils.convert_conv2d_weight_memory_format(conv, retrograd.channels_last) is conv
        True
        >>> conv.weight.stride()
        (18, 1, 6, 2)
    """
    return _convert(module, memory_format, (Conv2d, ConvTranspose2d), 4)


def convert_conv3d_weight_memory_format(module: _M, memory_format: Any) -> _M:
    """Return `module` with its Conv3d/ConvTranspose3d weights laid out as `memory_format`.

    `memory_format` is `channels_last_3d` or `contiguous_format`; the others raise PyTorch's errors.

    Args:
        module (Module): a module; its Conv3d / ConvTranspose3d weights (and its children's) are converted.
        memory_format (memory_format): the layout, e.g. `channels_last_3d`.

    Returns:
        Module: `module` itself, its weights' values unchanged.

    Examples:
        >>> conv = nn.Conv3d(2, 4, 3)
        >>> nn.utils.convert_conv3d_weight_memory_format(conv, retrograd.channels_last_3d) is conv
        True
    """
    return _convert(module, memory_format, (Conv3d, ConvTranspose3d), 5)
