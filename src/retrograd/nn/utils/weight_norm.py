"""The hook-based weight_norm / remove_weight_norm (deprecated in PyTorch in favour of parametrizations).

`weight` is replaced by parameters `weight_g` (magnitude) and `weight_v` (direction); a
forward pre-hook recomputes `module.weight = g · v / ‖v‖` before every call.
"""

from __future__ import annotations

import warnings
from typing import Any

from ...ops.weight_normalization import _weight_norm, norm_except_dim
from ..modules.module import Module
from ..parameter import Parameter

__all__ = ["WeightNorm", "weight_norm", "remove_weight_norm"]


class WeightNorm:
    """The forward pre-hook that rebuilds `name` from `name_g` and `name_v`."""

    def __init__(self, name: str, dim: int) -> None:
        self.name = name
        self.dim = -1 if dim is None else dim

    def compute_weight(self, module: Module) -> Any:
        g, v = getattr(module, self.name + "_g"), getattr(module, self.name + "_v")
        return _weight_norm(v, g, self.dim)

    @staticmethod
    def apply(module: Module, name: str, dim: int | None) -> WeightNorm:
        # PyTorch deprecates apply itself, so the warning names apply's caller: weight_norm's own line (once
        # per process under the default filter), or the user's line when they call apply directly.
        warnings.warn(
            "`torch.nn.utils.weight_norm` is deprecated in favor of `torch.nn.utils.parametrizations.weight_norm`.",
            FutureWarning,
            stacklevel=2,
        )
        for hook in module._forward_pre_hooks.values():
            if isinstance(hook, WeightNorm) and hook.name == name:
                raise RuntimeError(f"Cannot register two weight_norm hooks on the same parameter {name}")
        fn = WeightNorm(name, -1 if dim is None else dim)
        weight = getattr(module, name)
        del module._parameters[name]
        module.register_parameter(name + "_g", Parameter(norm_except_dim(weight, 2, fn.dim).detach()))
        module.register_parameter(name + "_v", Parameter(weight.detach()))
        setattr(module, name, fn.compute_weight(module))
        module.register_forward_pre_hook(fn)
        return fn

    def remove(self, module: Module) -> None:
        weight = self.compute_weight(module)
        delattr(module, self.name)
        del module._parameters[self.name + "_g"]
        del module._parameters[self.name + "_v"]
        setattr(module, self.name, Parameter(weight.detach()))

    def __call__(self, module: Module, inputs: Any) -> None:
        setattr(module, self.name, self.compute_weight(module))


def weight_norm(module: Module, name: str = "weight", dim: int | None = 0) -> Module:
    """Split `module.<name>` into `<name>_g` and `<name>_v` (warns: deprecated, as in PyTorch).

    Args:
        module (Module): the module holding the parameter.
        name (str): the parameter's name (default 'weight').
        dim (int, optional): the dim kept by the norm (default 0, one magnitude per output row); None for one norm
            of the whole tensor.

    Returns:
        Module: `module`, now with parameters `<name>_g` and `<name>_v` and `<name> = g · v / ‖v‖` rebuilt before
            each forward.

    Examples:
        >>> import warnings
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter('ignore')  # deprecated in favour of parametrizations.weight_norm
        ...     m = nn.utils.weight_norm(nn.Linear(3, 2))
        >>> m.weight_g.shape, m.weight_v.shape
        (retrograd.Size([2, 1]), retrograd.Size([2, 3]))
        >>> retrograd.allclose(m.weight_g.flatten(), m.weight_v.norm(dim=1))
        True
    """
    WeightNorm.apply(module, name, dim)
    return module


def remove_weight_norm(module: Module, name: str = "weight") -> Module:
    """Fold `<name>_g` and `<name>_v` back into one parameter `<name>`.

    Args:
        module (Module): a module `weight_norm` was applied to.
        name (str): the parameter's name (default 'weight').

    Returns:
        Module: `module`, with `<name>` a plain parameter again.

    Examples:
        >>> import warnings
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter('ignore')
        ...     m = nn.utils.weight_norm(nn.Linear(3, 2))
        >>> m = nn.utils.remove_weight_norm(m)
        >>> sorted(name for name, _ in m.named_parameters())
        ['bias', 'weight']
    """
    for key, hook in list(module._forward_pre_hooks.items()):
        if isinstance(hook, WeightNorm) and hook.name == name:
            hook.remove(module)
            del module._forward_pre_hooks[key]
            return module
    raise ValueError(f"weight_norm of '{name}' not found in {module}")
