"""`retrograd.amp`: mixed precision's API (`GradScaler`, `autocast`).

`GradScaler("cpu")` really scales losses and unscales gradients. Autocast never
lowers precision here (retrograd has no CUDA and no bfloat16): asked to, it warns and
stays off, as PyTorch does for a device or dtype it cannot autocast.
"""

from .autocast_mode import autocast, is_autocast_available
from .grad_scaler import GradScaler

__all__ = ["GradScaler", "autocast", "is_autocast_available"]
