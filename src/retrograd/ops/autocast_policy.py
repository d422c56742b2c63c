"""CPU autocast: the per-thread state and the casts the listed ops apply to their inputs.

Inside `retrograd.autocast("cpu")` PyTorch runs a fixed list of ops in lower precision
(bfloat16 by default) and another list in float32; every other op runs in the dtype of its
inputs. retrograd follows PyTorch's lists as measured on PyTorch 2.13 (the table of
`tests/test_autocast_cpu.py` is the reference):

- lower precision: mm, bmm, matmul (`@`), addmm, baddbmm, addbmm, linear, conv1d/2d/3d,
  conv_transpose1d/2d/3d, prelu, scaled_dot_product_attention, einsum, tensordot,
  inner, chain_matmul / linalg.multi_dot, linalg.vecdot, affine_grid and the nn.LSTM layer.
  (dot, mv, addmv, addr and outer are not. nn.RNN, nn.GRU and the cells are composites whose
  matrix products are cast, the gate arithmetic running in the promoted dtype.)
- float32: the losses (cross_entropy, nll, mse, l1, smooth_l1, huber, the binary cross
  entropies, kl_div, the margin and embedding losses, poisson_nll, ctc), cdist, prod,
  trace, quantile, polar, view_as_complex, grid_sample, the reflection and replication pads,
  3-D pooling, max_unpool, fractional max pooling, stft/istft, the fft module and the
  linalg factorizations and solves.

Each op on a list calls `lower_precision` or `float32` on its tensor arguments first, behind
the cheap test `if active[0]:` (the number of threads with CPU autocast on), so ops outside
autocast pay one list read. A cast is the differentiable `to(dtype)` (node ToCopyBackward0):
gradients reach float32 parameters in float32. Only floating CPU tensors other than float64
are cast. Within the outermost region, the lower-precision copy of a float32 leaf that requires
grad (a parameter) is made once and reused, as PyTorch's cast cache: like PyTorch's, it is keyed
by the tensor alone, so an in-place update of a parameter inside the region is not seen until
the region ends.
"""

from __future__ import annotations

import threading
from typing import Any

from .. import dtypes as _dt
from ..dtypes import dtype
from ..engine.grad_mode import state as _grad_state
from ..tensor import Tensor
from .copying import to_dtype

__all__ = [
    "active", "state", "lower_precision", "float32", "set_enabled", "enabled", "suspended", "run_in_float32",
    "guard_key", "clear_cache", "settings", "applied",
]


class _State(threading.local):
    """One thread's autocast settings (class attributes are each thread's defaults)."""

    cpu_enabled = False
    cpu_dtype: dtype = _dt.bfloat16
    cuda_dtype: dtype = _dt.float16
    cache_enabled = True
    nesting = 0  # open autocast regions, enabled or not; the outermost's exit clears the cache
    cache: dict | None = None  # id(parameter) -> (parameter, its lower-precision copy)


state = _State()

# threads whose CPU autocast is on, process-wide: ops test this before reading the thread's state
active = [0]
_active_lock = threading.Lock()


def set_enabled(enabled: bool) -> None:
    """Turn this thread's CPU autocast on or off (keeping `active` in step)."""
    enabled = bool(enabled)
    if enabled == state.cpu_enabled:
        return
    state.cpu_enabled = enabled
    with _active_lock:
        active[0] += 1 if enabled else -1


def enabled() -> bool:
    """Whether CPU autocast is on in this thread."""
    return bool(active[0]) and state.cpu_enabled


class suspended:  # noqa: N801  (a context manager, named as a state)
    """Autocast off for the ops run inside: for a composite PyTorch runs whole, in its inputs' dtype."""

    def __enter__(self) -> None:
        self._was = state.cpu_enabled
        set_enabled(False)

    def __exit__(self, *exc_info: Any) -> None:
        set_enabled(self._was)


def settings() -> tuple[bool, dtype, bool]:
    """This thread's CPU autocast settings: (enabled, dtype, cache_enabled)."""
    return state.cpu_enabled, state.cpu_dtype, state.cache_enabled


class applied:  # noqa: N801  (a context manager, named as a state)
    """CPU autocast as `settings()` gave it earlier, for the ops run inside; this thread's own after.

    For work redone outside the region that first did it: a checkpointed segment recomputed during
    the backward runs under the autocast of its forward (as PyTorch's checkpoint re-enters it), so
    it saves the same tensors.
    """

    def __init__(self, saved: tuple[bool, dtype, bool]) -> None:
        self._saved = saved

    def __enter__(self) -> None:
        self._outer = settings()
        enabled, state.cpu_dtype, state.cache_enabled = self._saved
        set_enabled(enabled)
        state.nesting += 1

    def __exit__(self, *exc_info: Any) -> None:
        state.nesting -= 1
        if state.nesting == 0:  # a region's exit: its cached casts go
            clear_cache()
        enabled, state.cpu_dtype, state.cache_enabled = self._outer
        set_enabled(enabled)


def run_in_float32(fn: Any, *args: Any, **kwargs: Any) -> Any:
    """`fn(*args, **kwargs)` with the tensors cast to float32 and autocast off inside.

    For our composites of ops PyTorch runs natively in float32 under autocast (ormqr, lstsq,
    lu_solve...): the matrix products they are built from must not be lowered.
    """
    args = tuple(_cast(a, _dt.float32, False) for a in args) if state.cpu_enabled else args
    with suspended():
        return fn(*args, **kwargs)


def clear_cache() -> None:
    """Forget the cached lower-precision copies of parameters (the outermost region's exit does)."""
    state.cache = None


def guard_key() -> Any:
    """What compiled code must match: None outside CPU autocast, else the region's dtype."""
    return state.cpu_dtype if enabled() else None


def _eligible(t: Any, target: dtype) -> bool:
    # PyTorch casts floating CPU tensors except float64 (and leaves complex ones alone)
    return (
        isinstance(t, Tensor)
        and t.is_cpu
        and _dt.is_floating(t._data.dtype)
        and t.dtype is not target
        and t.dtype is not _dt.float64
    )


def _cast(t: Any, target: dtype, cacheable: bool) -> Any:
    if not _eligible(t, target):
        return t
    if not (cacheable and state.cache_enabled and t.dtype is _dt.float32 and t._requires_grad
            and t._grad_fn is None and t._base is None and _grad_state.enabled):
        return to_dtype(t, target)
    if state.cache is None:
        state.cache = {}
    hit = state.cache.get(id(t))
    if hit is None:
        hit = state.cache[id(t)] = (t, to_dtype(t, target))  # holding t keeps its id from being reused
    return hit[1]


def _cast_all(args: tuple, target: dtype, cacheable: bool) -> Any:
    """`args` with each eligible tensor cast to `target` (lists and tuples element-wise); one value
    for one argument. Outside an enabled CPU region the arguments come back unchanged."""
    if state.cpu_enabled:
        args = tuple(
            type(a)(_cast(t, target, cacheable) for t in a) if type(a) in (list, tuple) else _cast(a, target, cacheable)
            for a in args
        )
    return args[0] if len(args) == 1 else args


def lower_precision(*args: Any) -> Any:
    """`args` with each eligible tensor cast to the region's lower precision (one value for one arg).

    Lists and tuples of tensors (einsum's and multi_dot's operands) are cast element-wise.
    """
    return _cast_all(args, state.cpu_dtype, True)


def float32(*args: Any) -> Any:
    """`args` with each eligible lower-precision tensor cast to float32 (one value for one arg)."""
    return _cast_all(args, _dt.float32, False)
