"""`retrograd.amp`: mixed precision's API (`GradScaler`, `autocast`).

`GradScaler("cpu")` really scales losses and unscales gradients. `autocast("cpu")` runs
PyTorch's lower-precision ops (matrix products, linear layers, convolutions, attention, the
LSTM layer) in bfloat16 or float16 and its float32 ops (losses, factorizations) in float32, as
PyTorch's CPU autocast does; `autocast("cuda")` warns and stays off (no CUDA autocast here).
`custom_fwd` / `custom_bwd` carry autocast into custom autograd Functions. The setters and
getters of the autocast state (`set_autocast_enabled`, ...) are here and at the top level.
"""

from .autocast_mode import (
    autocast,
    autocast_decrement_nesting,
    autocast_increment_nesting,
    clear_autocast_cache,
    get_autocast_cpu_dtype,
    get_autocast_dtype,
    get_autocast_gpu_dtype,
    is_autocast_available,
    is_autocast_cache_enabled,
    is_autocast_cpu_enabled,
    is_autocast_enabled,
    set_autocast_cache_enabled,
    set_autocast_cpu_dtype,
    set_autocast_cpu_enabled,
    set_autocast_dtype,
    set_autocast_enabled,
    set_autocast_gpu_dtype,
)
from .custom_function import custom_bwd, custom_fwd
from .grad_scaler import GradScaler

__all__ = [
    "GradScaler", "autocast", "custom_bwd", "custom_fwd", "get_autocast_dtype", "is_autocast_available",
    "is_autocast_enabled",
]
