"""The two kernels behind `GradScaler`, public in PyTorch as `torch._amp_*` (custom scalers call them).

`_amp_foreach_non_finite_check_and_unscale_` multiplies each gradient by the inverse scale and
notes whether any was inf/NaN; `_amp_update_scale_` backs the scale off after such a step or grows
it after `growth_interval` clean ones. Both change their tensors in place, without recording.

    >>> grads = [retrograd.tensor([2.0, 4.0]), retrograd.tensor([float("inf")])]
    >>> found_inf = retrograd.zeros(())
    >>> _amp_foreach_non_finite_check_and_unscale_(grads, found_inf, retrograd.tensor(0.5))
    >>> grads, found_inf
    ([tensor([1., 2.]), tensor([inf])], tensor(1.))
    >>> scale, tracker = retrograd.tensor(8.0), retrograd.tensor(0, dtype=retrograd.int32)
    >>> _amp_update_scale_(scale, tracker, found_inf, 2.0, 0.5, 2000)
    tensor(4.)
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from ..autograd import no_grad
from ..dtypes import float32, int32
from ..ops import isfinite
from ..ops.from_data import tensor
from ..tensor import Tensor

__all__ = ["_amp_foreach_non_finite_check_and_unscale_", "_amp_update_scale_"]

_KERNEL = "_amp_foreach_non_finite_check_and_unscale_cpu"


def _check(arguments: Sequence[tuple[str, Tensor, str, object]]) -> None:
    """PyTorch's checks of scaler arguments (name, tensor, "a float", dtype): all sizes, then all dtypes."""
    for name, t, _, _ in arguments:
        if t.numel() != 1:
            raise RuntimeError(f"{name} must be a 1-element tensor.")
    for name, t, kind, dtype in arguments:
        if t.dtype != dtype:
            raise RuntimeError(f"{name} must be {kind} tensor.")


def _amp_foreach_non_finite_check_and_unscale_(self: Sequence[Tensor], found_inf: Tensor, inv_scale: Tensor) -> None:
    """Multiply each gradient by `inv_scale` in place; set `found_inf` to 1 if any held inf/NaN.

    `found_inf` and `inv_scale` are one-element float32 tensors; `found_inf` is never reset to 0.
    Gradients are float16, bfloat16, float32 or float64 (each multiplied in at least float32).
    """
    _check([("found_inf", found_inf, "a float", float32), ("inv_scale", inv_scale, "a float", float32)])
    for grad in self:
        if not grad.dtype.is_floating_point:
            raise NotImplementedError(f"\"{_KERNEL}\" not implemented for '{grad.dtype.kind_name}'")
    factor = inv_scale.reshape(())  # a (1,) scale must not broadcast a 0-d gradient
    with no_grad():
        for grad in self:
            if not bool(isfinite(grad).all()):
                found_inf.fill_(1.0)
            grad.mul_(factor)


def _amp_update_scale_(
    self: Tensor,
    growth_tracker: Tensor,
    found_inf: Tensor,
    scale_growth_factor: float,
    scale_backoff_factor: float,
    growth_interval: int,
) -> Tensor:
    """Update the scale `self` and the count of clean steps `growth_tracker` in place; returns `self`.

    Any nonzero (or NaN) `found_inf`: scale times `scale_backoff_factor`, count back to 0. Otherwise
    the count grows; on reaching `growth_interval` it restarts and the scale is multiplied by
    `scale_growth_factor` unless that overflows float32. `self` and `found_inf` are one-element
    float32 tensors, `growth_tracker` a one-element int32 tensor.
    """
    _check(
        [
            ("current_scale", self, "a float", float32),
            ("growth_tracker", growth_tracker, "an int", int32),
            ("found_inf", found_inf, "a float", float32),
        ]
    )
    scale = self.item()
    with no_grad():
        if found_inf.item() != 0.0:  # NaN counts as found, as in C
            self.fill_(scale * scale_backoff_factor)  # in double, rounded once to float32
            growth_tracker.fill_(0)
            return self
        successful = int(growth_tracker.item()) + 1
        if successful == growth_interval:
            grown = float(tensor(scale * scale_growth_factor, dtype=float32))  # rounded to float32
            if math.isfinite(grown):
                self.fill_(grown)
            successful = 0
        growth_tracker.fill_(successful)
    return self
