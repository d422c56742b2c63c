"""`torch.distributed.fsdp.wrap`: FSDP1's auto-wrap policies, which training scripts pass to
`FullyShardedDataParallel` (not in retrograd yet); they are plain predicates and work as PyTorch's.

A policy is called as `policy(module, recurse, nonwrapped_numel, ...)`: with `recurse=True` it says
whether to look into `module`'s children, with `recurse=False` whether to wrap `module`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["always_wrap_policy", "lambda_auto_wrap_policy", "transformer_auto_wrap_policy"]


def always_wrap_policy(*args: Any, **kwargs: Any) -> bool:
    """Recurse into every module and wrap every module: always True."""
    return True


def lambda_auto_wrap_policy(
    module: Any, recurse: bool, nonwrapped_numel: int, lambda_fn: Callable[[Any], bool]
) -> bool:
    """Always recurse; wrap the modules for which `lambda_fn(module)` is True."""
    return True if recurse else lambda_fn(module)


def transformer_auto_wrap_policy(
    module: Any, recurse: bool, nonwrapped_numel: int, transformer_layer_cls: set[type[Any]]
) -> bool:
    """Always recurse; wrap the modules that are instances of a class in `transformer_layer_cls`."""
    return True if recurse else isinstance(module, tuple(transformer_layer_cls))
