"""`torch._functorch.deprecated`: the `functorch.*` transforms, which warn and call `torch.func`'s.

PyTorch 2.0 moved functorch into `torch.func`; `functorch.grad` and the rest still work there
with a FutureWarning that names the replacement, and do the same here.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

from .. import func as _func
from .. import nn
from . import make_functional as _nn_impl

__all__ = [
    "combine_state_for_ensemble", "functionalize", "grad", "grad_and_value", "hessian", "jacfwd", "jacrev",
    "jvp", "make_functional", "make_functional_with_buffers", "vjp", "vmap",
]  # fmt: skip


def get_warning(api: str, new_api: str | None = None, replace_newlines: bool = False) -> str:
    """PyTorch's deprecation text for `functorch.<api>`, pointing to `new_api` (default `torch.func.<api>`)."""
    if new_api is None:
        new_api = f"torch.func.{api}"
    warning = (
        f"We've integrated functorch into PyTorch. As the final step of the \n"
        f"integration, `functorch.{api}` is deprecated as of PyTorch \n"
        f"2.0 and will be deleted in a future version of PyTorch >= 2.3. \n"
        f"Please use `{new_api}` instead; see the PyTorch 2.0 release notes \n"
        f"and/or the `torch.func` migration guide for more details \n"
        f"https://pytorch.org/docs/main/func.migrating.html"
    )
    return warning.replace("\n", "") if replace_newlines else warning


def warn_deprecated(api: str, new_api: str | None = None) -> None:
    """Warn (FutureWarning, at the caller's caller) that `functorch.<api>` is deprecated."""
    warnings.warn(get_warning(api, new_api, replace_newlines=True), FutureWarning, stacklevel=3)


def vmap(
    func: Callable[..., Any],
    in_dims: Any = 0,
    out_dims: Any = 0,
    randomness: str = "error",
    *,
    chunk_size: int | None = None,
) -> Callable[..., Any]:
    """`functorch.vmap`: `torch.vmap`, with the deprecation warning."""
    warn_deprecated("vmap", "torch.vmap")
    return _func.vmap(func, in_dims, out_dims, randomness, chunk_size=chunk_size)


def grad(func: Callable[..., Any], argnums: Any = 0, has_aux: bool = False) -> Callable[..., Any]:
    """`functorch.grad`: `torch.func.grad`, with the deprecation warning."""
    warn_deprecated("grad")
    return _func.grad(func, argnums, has_aux)


def grad_and_value(func: Callable[..., Any], argnums: Any = 0, has_aux: bool = False) -> Callable[..., Any]:
    """`functorch.grad_and_value`: `torch.func.grad_and_value`, with the deprecation warning."""
    warn_deprecated("grad_and_value")
    return _func.grad_and_value(func, argnums, has_aux)


def vjp(func: Callable[..., Any], *primals: Any, has_aux: bool = False) -> Any:
    """`functorch.vjp`: `torch.func.vjp`, with the deprecation warning."""
    warn_deprecated("vjp")
    return _func.vjp(func, *primals, has_aux=has_aux)


def jvp(func: Callable[..., Any], primals: Any, tangents: Any, *, strict: bool = False, has_aux: bool = False) -> Any:
    """`functorch.jvp`: `torch.func.jvp`, with the deprecation warning."""
    warn_deprecated("jvp")
    return _func.jvp(func, primals, tangents, strict=strict, has_aux=has_aux)


def jacrev(
    func: Callable[..., Any],
    argnums: Any = 0,
    *,
    has_aux: bool = False,
    chunk_size: int | None = None,
    _preallocate_and_copy: bool = False,
) -> Callable[..., Any]:
    """`functorch.jacrev`: `torch.func.jacrev`, with the deprecation warning."""
    warn_deprecated("jacrev")
    return _func.jacrev(
        func, argnums, has_aux=has_aux, chunk_size=chunk_size, _preallocate_and_copy=_preallocate_and_copy
    )


def jacfwd(
    func: Callable[..., Any], argnums: Any = 0, has_aux: bool = False, *, randomness: str = "error"
) -> Callable[..., Any]:
    """`functorch.jacfwd`: `torch.func.jacfwd`, with the deprecation warning."""
    warn_deprecated("jacfwd")
    return _func.jacfwd(func, argnums, has_aux, randomness=randomness)


def hessian(func: Callable[..., Any], argnums: int = 0) -> Callable[..., Any]:
    """`functorch.hessian`: `torch.func.hessian`, with the deprecation warning."""
    warn_deprecated("hessian")
    return _func.hessian(func, argnums=argnums)


def functionalize(func: Callable[..., Any], *, remove: str = "mutations") -> Callable[..., Any]:
    """`functorch.functionalize`: `torch.func.functionalize`, with the deprecation warning."""
    warn_deprecated("functionalize")
    return _func.functionalize(func, remove=remove)


def make_functional(model: nn.Module, disable_autograd_tracking: bool = False) -> Any:
    """`functorch.make_functional`, with the warning that points to `torch.func.functional_call`."""
    warn_deprecated("make_functional", "torch.func.functional_call")
    return _nn_impl.make_functional(model, disable_autograd_tracking)


def make_functional_with_buffers(model: nn.Module, disable_autograd_tracking: bool = False) -> Any:
    """`functorch.make_functional_with_buffers`, with the warning that points to `torch.func.functional_call`."""
    warn_deprecated("make_functional_with_buffers", "torch.func.functional_call")
    return _nn_impl.make_functional_with_buffers(model, disable_autograd_tracking)


def combine_state_for_ensemble(models: list[nn.Module]) -> Any:
    """`functorch.combine_state_for_ensemble`, with the warning that points to `torch.func.stack_module_state`."""
    warn_deprecated("combine_state_for_ensemble", "torch.func.stack_module_state")
    return _nn_impl.combine_state_for_ensemble(models)
