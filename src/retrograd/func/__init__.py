"""retrograd.func: composable function transforms (`torch.func`): grad, vjp, jvp, jacobians, vmap.

Transforms take a function and return one; they nest to any depth (`vmap(grad(f))`,
`jacrev(jacrev(f))`). vmap batches every op through a table of batching rules
(`func.batching`), with no Python loop over the batch for the core ops.
"""

from __future__ import annotations

from . import batching as _batching
from .functionalization import functionalize
from .modules import functional_call, replace_all_batch_norm_modules_, stack_module_state
from .transforms import grad, grad_and_value, hessian, jacfwd, jacrev, jvp, linearize, vjp
from .vmap import vmap

_batching.install()

__all__ = [
    "functional_call",
    "functionalize",
    "grad",
    "grad_and_value",
    "hessian",
    "jacfwd",
    "jacrev",
    "jvp",
    "linearize",
    "replace_all_batch_norm_modules_",
    "stack_module_state",
    "vjp",
    "vmap",
]
