"""retrograd.func: composable function transforms (`torch.func`): grad, vjp, jvp, jacobians, vmap.

Transforms take a function and return one; they nest to any depth (`vmap(grad(f))`,
`jacrev(jacrev(f))`). vmap batches every op through a table of batching rules
(`func.batching`), with no Python loop over the batch for the core ops.
"""

from __future__ import annotations

from .._display_name import public_function as _public_function
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

# PyTorch names each of these as defined in `torch.func` (`torch.func.vmap.__module__ == "torch.func"`):
# so do we, as `retrograd.func`, or `torch.func` under the alias (nothing of ours leaks into a pickle or repr)
for _name in __all__:
    _public_function(globals()[_name], "func")
