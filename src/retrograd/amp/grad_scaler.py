"""`GradScaler`: loss scaling for mixed-precision training, with PyTorch's semantics.

The loss is multiplied by a scale before backward so small float16 gradients do not
underflow; `unscale_` divides the gradients back and notes any inf/NaN, `step` skips
the optimizer step when there was one, and `update` halves the scale after such a step
or doubles it after `growth_interval` clean ones. On "cuda" (absent here) the scaler
warns and disables itself, as PyTorch does without CUDA; disabled, every method is a
pass-through.

The scale is a 0-d float32 tensor, as PyTorch's: `scale(loss)` multiplies by that tensor, so the
usual promotion applies (a 0-d float16 loss becomes float32, a 1-D one stays float16), and the
scale's arithmetic rounds to float32.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable
from typing import Any

from .._display_name import package_name
from ..autograd import no_grad
from ..dtypes import float16, float32
from ..ops import isfinite
from ..ops.from_data import tensor as _tensor
from ..tensor import Tensor

__all__ = ["GradScaler"]

_READY, _UNSCALED, _STEPPED = 0, 1, 2
_NO_SCALE = (
    "Attempted {} but _scale is None.  This may indicate your script did not use "
    "scaler.scale(loss or outputs) earlier in the iteration."
)
_BAD_NEW_SCALE = (
    "new_scale should be a float or a 1-element {0}.cuda.FloatTensor or {0}.FloatTensor with requires_grad=False."
)


class GradScaler:
    """Scales the loss, unscales gradients and skips steps with inf/NaN gradients.

    Args:
        device (str): "cpu" scales for real; "cuda" (absent here) warns and disables the scaler.
        init_scale (float): the first scale.
        growth_factor (float): what `update` multiplies the scale by after `growth_interval`
            steps without inf/NaN gradients.
        backoff_factor (float): what `update` multiplies the scale by after a skipped step.
        growth_interval (int): clean steps between growths.
        enabled (bool): False makes every method a pass-through.

    Returns:
        (GradScaler): the scaler; `scale(loss).backward()`, `step(optimizer)`, `update()`.

    Examples:
        >>> w = retrograd.nn.Parameter(retrograd.ones(2))
        >>> opt = retrograd.optim.SGD([w], lr=0.5)
        >>> scaler = retrograd.amp.GradScaler("cpu", init_scale=8.0)
        >>> scaler.scale((w * 2).sum())
        tensor(32., grad_fn=<MulBackward0>)
        >>> scaler.scale((w * 2).sum()).backward()
        >>> scaler.step(opt)
        >>> scaler.update()
        >>> w.detach(), scaler.get_scale()
        (tensor([0., 0.]), 8.0)
    """

    def __init__(
        self,
        device: str = "cuda",
        init_scale: float = 2.0**16,
        growth_factor: float = 2.0,
        backoff_factor: float = 0.5,
        growth_interval: int = 2000,
        enabled: bool = True,
    ) -> None:
        self._device = device
        if enabled and device == "cuda":
            warnings.warn(
                f"{package_name()}.cuda.amp.GradScaler is enabled, but CUDA is not available.  Disabling.",
                stacklevel=2,
            )
            enabled = False
        self._enabled = enabled
        if enabled:
            if growth_factor <= 1.0:
                raise AssertionError("The growth factor must be > 1.0.")
            if backoff_factor >= 1.0:
                raise AssertionError("The backoff factor must be < 1.0.")
        self._init_scale = float(init_scale)
        self._scale: Tensor | None = None  # 0-d float32, made by the first scale(), as in PyTorch
        self._growth_factor = float(growth_factor)
        self._backoff_factor = float(backoff_factor)
        self._growth_interval = growth_interval
        self._growth_tracker = 0
        self._per_optimizer: dict[int, dict[str, Any]] = {}

    def _stage(self, optimizer: Any) -> dict[str, Any]:
        # found_inf stays None until an unscale_ saw a gradient (PyTorch's empty found_inf_per_device)
        return self._per_optimizer.setdefault(id(optimizer), {"stage": _READY, "found_inf": None})

    def _set_scale(self, value: float) -> None:
        """The scale tensor filled with `value` (rounded to float32), made on first use."""
        if self._scale is None:
            self._scale = _tensor(value, dtype=float32)
        else:
            self._scale.fill_(value)

    def _scale_value(self, funcname: str) -> float:
        if self._scale is None:
            raise AssertionError(_NO_SCALE.format(funcname))
        return self._scale.item()

    def scale(self, outputs: Any) -> Any:
        """`outputs` (a tensor, or lists/tuples of them) times the current scale."""
        if not self._enabled:
            return outputs
        if self._scale is None:
            self._set_scale(self._init_scale)
        return self._scaled(outputs)

    def _scaled(self, value: Any) -> Any:
        if isinstance(value, Tensor):
            return value * self._scale
        if isinstance(value, (list, tuple)):
            return type(value)(self._scaled(v) for v in value)
        if isinstance(value, Iterable):
            return map(self._scaled, value)
        raise ValueError("outputs must be a Tensor or an iterable of Tensors")

    def unscale_(self, optimizer: Any) -> None:
        """Divide the optimizer's gradients by the scale, in place, noting any inf/NaN."""
        if not self._enabled:
            return
        scale = self._scale_value("unscale_")
        state = self._stage(optimizer)
        if state["stage"] == _UNSCALED:
            raise RuntimeError("unscale_() has already been called on this optimizer since the last update().")
        if state["stage"] == _STEPPED:
            raise RuntimeError("unscale_() is being called after step().")
        grads = [p.grad for group in optimizer.param_groups for p in group["params"] if p.grad is not None]
        if any(g.dtype == float16 for g in grads):  # checked before any gradient changes, as PyTorch
            raise ValueError("Attempting to unscale FP16 gradients.")
        inv_scale = _tensor(1.0 / scale, dtype=float32)  # 1/scale in double, rounded to float32
        found_inf = None
        with no_grad():
            for grad in grads:
                grad.mul_(inv_scale)
                found_inf = bool(found_inf) or not bool(isfinite(grad).all())
        state["found_inf"] = found_inf
        state["stage"] = _UNSCALED

    def step(self, optimizer: Any, *args: Any, **kwargs: Any) -> Any:
        """`optimizer.step(...)` on unscaled gradients, skipped (returning None) if any was inf/NaN."""
        if not self._enabled:
            return optimizer.step(*args, **kwargs)
        if "closure" in kwargs:
            raise RuntimeError("Closure use is not currently supported if GradScaler is enabled.")
        self._scale_value("step")
        state = self._stage(optimizer)
        if state["stage"] == _STEPPED:
            raise RuntimeError("step() has already been called since the last update().")
        if state["stage"] == _READY:
            self.unscale_(optimizer)
        if state["found_inf"] is None:  # no parameter had a gradient
            raise AssertionError("No inf checks were recorded for this optimizer.")
        result = None if state["found_inf"] else optimizer.step(*args, **kwargs)
        state["stage"] = _STEPPED
        return result

    def update(self, new_scale: float | Tensor | None = None) -> None:
        """Set the scale for the next iteration: `new_scale`, or backed off / grown per the last steps."""
        if not self._enabled:
            return
        scale = self._scale_value("update")
        if new_scale is not None:
            self._set_new_scale(new_scale)
        else:
            found_infs = [s["found_inf"] for s in self._per_optimizer.values() if s["found_inf"] is not None]
            if not found_infs:
                raise AssertionError("No inf checks were recorded prior to update.")
            if any(found_infs):
                self._set_scale(scale * self._backoff_factor)
                self._growth_tracker = 0
            elif self._growth_tracker + 1 == self._growth_interval:
                grown = scale * self._growth_factor
                if math.isfinite(float(_tensor(grown, dtype=float32))):  # a scale that overflows is not taken
                    self._set_scale(grown)
                self._growth_tracker = 0
            else:
                self._growth_tracker += 1
        self._per_optimizer = {}

    def _set_new_scale(self, new_scale: float | Tensor) -> None:
        """PyTorch's checks of update(new_scale): a float, or a one-element tensor copied into the 0-d scale."""
        if isinstance(new_scale, float):
            self._set_scale(new_scale)
            return
        if not isinstance(new_scale, Tensor):  # PyTorch reads `.device` of anything else
            raise AttributeError(f"'{type(new_scale).__name__}' object has no attribute 'device'")
        if new_scale.device.type != self._device or new_scale.numel() != 1 or new_scale.requires_grad:
            raise AssertionError(_BAD_NEW_SCALE.format(package_name()))
        assert self._scale is not None
        self._scale.copy_(new_scale)  # a (1,) tensor does not fit the 0-d scale: PyTorch's shape error

    def get_scale(self) -> float:
        """The current scale (1.0 when disabled)."""
        if not self._enabled:
            return 1.0
        return self._init_scale if self._scale is None else self._scale.item()

    def is_enabled(self) -> bool:
        return self._enabled

    def get_growth_factor(self) -> float:
        return self._growth_factor

    def set_growth_factor(self, new_factor: float) -> None:
        self._growth_factor = new_factor

    def get_backoff_factor(self) -> float:
        return self._backoff_factor

    def set_backoff_factor(self, new_factor: float) -> None:
        self._backoff_factor = new_factor

    def get_growth_interval(self) -> int:
        return self._growth_interval

    def set_growth_interval(self, new_interval: int) -> None:
        self._growth_interval = new_interval

    def state_dict(self) -> dict[str, Any]:
        """Scale, factors, interval and growth tracker (empty when disabled)."""
        if not self._enabled:
            return {}
        return {
            "scale": self.get_scale(),
            "growth_factor": self._growth_factor,
            "backoff_factor": self._backoff_factor,
            "growth_interval": self._growth_interval,
            "_growth_tracker": self._get_growth_tracker(),
        }

    def _get_growth_tracker(self) -> int:
        """The count of consecutive unskipped steps since the scale last changed (PyTorch's name)."""
        return self._growth_tracker

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        if not self._enabled:
            return
        if len(state_dict) == 0:
            raise RuntimeError(
                "The source state dict is empty, possibly because it was saved from a disabled instance of GradScaler."
            )
        self._init_scale = float(state_dict["scale"])
        if self._scale is not None:
            self._set_scale(self._init_scale)
        self._growth_factor = float(state_dict["growth_factor"])
        self._backoff_factor = float(state_dict["backoff_factor"])
        self._growth_interval = int(state_dict["growth_interval"])
        self._growth_tracker = int(state_dict["_growth_tracker"])
