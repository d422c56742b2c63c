"""`retrograd.amp`: mixed precision's API (`GradScaler`, `autocast`).

`GradScaler("cpu")` really scales losses and unscales gradients. Autocast never
lowers precision here (retrograd has no CUDA, and its CPU autocast does not cast ops to
bfloat16 yet; convert with `.bfloat16()` instead): asked to, it warns and stays off, as
PyTorch does for a device or dtype it cannot autocast. Its `fast_dtype` defaults as
PyTorch's do: bfloat16 on the CPU, float16 on CUDA.
"""

from .autocast_mode import autocast, get_autocast_dtype, is_autocast_available, is_autocast_enabled
from .custom_function import custom_bwd, custom_fwd
from .grad_scaler import GradScaler

__all__ = [
    "GradScaler",
    "autocast",
    "custom_bwd",
    "custom_fwd",
    "get_autocast_dtype",
    "is_autocast_available",
    "is_autocast_enabled",
]
