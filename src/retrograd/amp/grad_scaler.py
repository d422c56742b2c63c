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

import warnings
from collections import defaultdict
from collections.abc import Iterable
from enum import Enum
from typing import Any

from .._display_name import package_class, package_name
from ..autograd import no_grad
from ..dtypes import float16, float32, int32
from ..ops.creation import full
from ..tensor import Tensor
from .scaling import _amp_foreach_non_finite_check_and_unscale_, _amp_update_scale_

__all__ = ["OptState", "GradScaler"]

_NO_STATE = (
    "Attempted {} but {} is None.  This may indicate your script did not use "
    "scaler.scale(loss or outputs) earlier in the iteration."
)
_BAD_NEW_SCALE = (
    "new_scale should be a float or a 1-element {0}.cuda.FloatTensor or {0}.FloatTensor with requires_grad=False."
)


class OptState(Enum):
    """Where an optimizer is in the scaler's iteration: READY, UNSCALED (unscale_ ran) or STEPPED."""

    READY = 0
    UNSCALED = 1
    STEPPED = 2


def _refresh_per_optimizer_state() -> dict[str, Any]:
    """A fresh entry of `GradScaler._per_optimizer_states` (PyTorch's name, read by Lightning and others)."""
    return {"stage": OptState.READY, "found_inf_per_device": {}}


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
        self._init_growth_tracker = 0
        self._growth_tracker: Tensor | None = None  # 0-d int32, made with the scale
        self._per_optimizer_states: dict[int, dict[str, Any]] = defaultdict(_refresh_per_optimizer_state)

    def _check_scale_growth_tracker(self, funcname: str) -> tuple[Tensor, Tensor]:
        """The scale and growth tracker, or PyTorch's AssertionError when scale() was never called."""
        if self._scale is None:
            raise AssertionError(_NO_STATE.format(funcname, "_scale"))
        if self._growth_tracker is None:
            raise AssertionError(_NO_STATE.format(funcname, "_growth_tracker"))
        return self._scale, self._growth_tracker

    def _lazy_init_scale_growth_tracker(self, dev: Any) -> None:
        self._scale = full((), self._init_scale, dtype=float32, device=dev)
        self._growth_tracker = full((), self._init_growth_tracker, dtype=int32, device=dev)

    def scale(self, outputs: Any) -> Any:
        """`outputs` (a tensor, or lists/tuples of them) times the current scale."""
        if not self._enabled:
            return outputs
        return self._scaled(outputs)

    def _scaled(self, value: Any) -> Any:
        if isinstance(value, Tensor):
            if self._scale is None:
                self._lazy_init_scale_growth_tracker(value.device)
            return value * self._scale
        if isinstance(value, (list, tuple)):
            return type(value)(self._scaled(v) for v in value)
        if isinstance(value, Iterable):
            return map(self._scaled, value)
        raise ValueError("outputs must be a Tensor or an iterable of Tensors")

    def _unscale_grads_(
        self, optimizer: Any, inv_scale: Tensor, found_inf: Tensor, allow_fp16: bool
    ) -> dict[Any, Tensor]:
        """Unscale the optimizer's gradients, grouped by device and dtype; {device: found_inf} for
        each device that had a gradient (empty when none had)."""
        groups: dict[Any, dict[Any, list[Tensor]]] = defaultdict(lambda: defaultdict(list))
        for group in optimizer.param_groups:
            for param in group["params"]:
                if param.grad is None:
                    continue
                if not allow_fp16 and param.grad.dtype == float16:  # before any gradient changes
                    raise ValueError("Attempting to unscale FP16 gradients.")
                groups[param.grad.device][param.grad.dtype].append(param.grad)
        with no_grad():
            for per_dtype in groups.values():
                for grads in per_dtype.values():
                    _amp_foreach_non_finite_check_and_unscale_(grads, found_inf, inv_scale)
        return {device: found_inf for device in groups}  # one device here: one found_inf tensor

    def unscale_(self, optimizer: Any) -> None:
        """Divide the optimizer's gradients by the scale, in place, noting any inf/NaN."""
        if not self._enabled:
            return
        scale, _ = self._check_scale_growth_tracker("unscale_")
        state = self._per_optimizer_states[id(optimizer)]
        if state["stage"] is OptState.UNSCALED:
            raise RuntimeError("unscale_() has already been called on this optimizer since the last update().")
        if state["stage"] is OptState.STEPPED:
            raise RuntimeError("unscale_() is being called after step().")
        inv_scale = scale.double().reciprocal().float()  # 1/scale in double, rounded to float32
        found_inf = full((), 0.0, dtype=float32, device=scale.device)
        state["found_inf_per_device"] = self._unscale_grads_(optimizer, inv_scale, found_inf, False)
        state["stage"] = OptState.UNSCALED

    def _maybe_opt_step(self, optimizer: Any, optimizer_state: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        if sum(v.item() for v in optimizer_state["found_inf_per_device"].values()):
            return None
        return optimizer.step(*args, **kwargs)

    def step(self, optimizer: Any, *args: Any, **kwargs: Any) -> Any:
        """`optimizer.step(...)` on unscaled gradients, skipped (returning None) if any was inf/NaN."""
        if not self._enabled:
            return optimizer.step(*args, **kwargs)
        if "closure" in kwargs:
            raise RuntimeError("Closure use is not currently supported if GradScaler is enabled.")
        self._check_scale_growth_tracker("step")
        state = self._per_optimizer_states[id(optimizer)]
        if state["stage"] is OptState.STEPPED:
            raise RuntimeError("step() has already been called since the last update().")
        if state["stage"] is OptState.READY:
            self.unscale_(optimizer)
        if len(state["found_inf_per_device"]) == 0:  # no parameter had a gradient
            raise AssertionError("No inf checks were recorded for this optimizer.")
        result = self._maybe_opt_step(optimizer, state, *args, **kwargs)
        state["stage"] = OptState.STEPPED
        return result

    def update(self, new_scale: float | Tensor | None = None) -> None:
        """Set the scale for the next iteration: `new_scale`, or backed off / grown per the last steps."""
        if not self._enabled:
            return
        scale, growth_tracker = self._check_scale_growth_tracker("update")
        if new_scale is not None:
            self._set_new_scale(new_scale)
        else:
            found_infs = [f for s in self._per_optimizer_states.values() for f in s["found_inf_per_device"].values()]
            if not found_infs:
                raise AssertionError("No inf checks were recorded prior to update.")
            found_inf = found_infs[0]
            for other in found_infs[1:]:
                found_inf += other  # in place on the first, as PyTorch
            _amp_update_scale_(
                scale, growth_tracker, found_inf, self._growth_factor, self._backoff_factor, self._growth_interval
            )
        self._per_optimizer_states = defaultdict(_refresh_per_optimizer_state)

    def _set_new_scale(self, new_scale: float | Tensor) -> None:
        """PyTorch's checks of update(new_scale): a float, or a one-element tensor copied into the 0-d scale."""
        assert self._scale is not None
        if isinstance(new_scale, float):
            self._scale.fill_(new_scale)
            return
        if not isinstance(new_scale, Tensor):  # PyTorch reads `.device` of anything else
            raise AttributeError(f"'{type(new_scale).__name__}' object has no attribute 'device'")
        if new_scale.device.type != self._device or new_scale.numel() != 1 or new_scale.requires_grad:
            raise AssertionError(_BAD_NEW_SCALE.format(package_name()))
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
        if not self._enabled:
            return 0
        return self._init_growth_tracker if self._growth_tracker is None else int(self._growth_tracker.item())

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        if not self._enabled:
            return
        if len(state_dict) == 0:
            raise RuntimeError(
                "The source state dict is empty, possibly because it was saved from a disabled instance of GradScaler."
            )
        self._init_scale = float(state_dict["scale"])
        if self._scale is not None:
            self._scale.fill_(self._init_scale)
        self._growth_factor = float(state_dict["growth_factor"])
        self._backoff_factor = float(state_dict["backoff_factor"])
        self._growth_interval = int(state_dict["growth_interval"])
        self._init_growth_tracker = int(state_dict["_growth_tracker"])
        if self._growth_tracker is not None:
            self._growth_tracker.fill_(self._init_growth_tracker)

    def __getstate__(self) -> dict[str, Any]:
        """The state to pickle: the scale and tracker as numbers, made again as tensors on first use."""
        state = self.__dict__.copy()
        if self._enabled:
            if len(self._per_optimizer_states) != 0:
                raise AssertionError(
                    "A GradScaler instance may only be pickled at the beginning "
                    "of an iteration, or at the end after scaler.update()."
                )
            state["_init_scale"] = self.get_scale()
            state["_init_growth_tracker"] = self._get_growth_tracker()
            state["_scale"] = None
            state["_growth_tracker"] = None
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    def _check_inf_per_device(self, optimizer: Any) -> dict[Any, Tensor]:
        """Check the optimizer's gradients for inf/NaN without unscaling them; {device: found_inf}."""
        scale, _ = self._check_scale_growth_tracker("_check_inf_per_device")
        dummy_inv_scale = full((), 1.0, dtype=float32, device=scale.device)
        found_inf = full((), 0.0, dtype=float32, device=scale.device)
        state = self._per_optimizer_states[id(optimizer)]
        state["found_inf_per_device"] = self._unscale_grads_(optimizer, dummy_inv_scale, found_inf, True)
        return state["found_inf_per_device"]

    def _found_inf_per_device(self, optimizer: Any) -> dict[Any, Tensor]:
        """{device: found_inf} of the optimizer's last unscale_ this iteration."""
        return self._per_optimizer_states[id(optimizer)]["found_inf_per_device"]


package_class(GradScaler)  # `torch.amp.grad_scaler.GradScaler` under the alias
