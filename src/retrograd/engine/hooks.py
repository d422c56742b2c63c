"""Built-in tensor hooks."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..tensor import Tensor


def retain_grad_hook(t: Tensor) -> Callable[[Tensor], None]:
    """A hook that stores the gradient flowing through non-leaf `t` in `t.grad`.

    It holds `t` weakly: the node keeps the hook, and `t` keeps the node.
    """
    ref = weakref.ref(t)

    def retain(grad: Tensor) -> None:
        owner = ref()
        if owner is None:
            return
        if owner._grad is None:  # a copy, also of a create_graph gradient (recorded: CloneBackward0)
            owner._grad = grad.detach().clone() if not grad._requires_grad else grad.clone()
        else:
            owner._grad = owner._grad + grad

    retain.retains_grad = True  # type: ignore[attr-defined]
    return retain
