"""The in-place building blocks every optimizer update is written with.

An update rule is written once and runs on two kinds of operands:

* backend arrays (the normal path): the arrays of the parameter, its gradient
  and the state buffers (`retrograd.ops.nn_support`) are changed in place with NumPy's augmented assignments and
  `out=` arguments, so a step allocates only the temporaries its formula needs
  and records nothing; the caller bumps the tensors' version counters after.
* retrograd Tensors (`differentiable=True`): the same statements become
  recorded in-place tensor ops, so autograd can differentiate through a step.

`xp` is the math namespace of the operands: the backend module (NumPy) for
arrays, `TENSOR_MATH` for tensors. The helpers mirror PyTorch's fused in-place
ops and evaluate in the same order. Where PyTorch's CPU kernel rounds a
multiply-add once (add_ with alpha, addcmul_, lerp_), float32 arrays are updated
with one rounding too (`_fused_into`: the sum is taken in float64, block by block so
the wide values stay in cache); float64 has no wider type and keeps two roundings.
float16/bfloat16 buffers are updated in float32 and
rounded once per in-place op, as PyTorch's kernels do (NumPy would round each intermediate, and
each Python number, to the half dtype).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import ops as _ops
from ..engine.bfloat16 import BF16, F16, added_number
from ..engine.numpy_errors import broadcast_mismatch
from ..ops import nn_support
from ..ops.elementwise.complex_views import real_pairs_of_array, view_as_real
from ..ops.kernels.fused_multiply_add import fma_float64, half_scaled_sum
from ..tensor import Tensor


class _TensorMath:
    """The few array functions an update needs, on retrograd Tensors (recorded).

    Update rules change these functions' results in place (`denom += eps`), so a
    result is never a tensor that its own backward reads: it is copied into `out`
    or cloned, as PyTorch's differentiable code paths clone.
    """

    @staticmethod
    def _put(out: Tensor | None, value: Tensor) -> Tensor:
        if out is None:
            return value.clone()
        out[...] = value
        return out

    def sqrt(self, x: Tensor, out: Tensor | None = None) -> Tensor:
        return self._put(out, _ops.sqrt(x))

    def reciprocal(self, x: Tensor, out: Tensor | None = None) -> Tensor:
        return self._put(out, _ops.reciprocal(x))

    def abs(self, x: Tensor, out: Tensor | None = None) -> Tensor:
        return self._put(out, _ops.abs(x))

    def maximum(self, a: Tensor, b: Tensor, out: Tensor | None = None) -> Tensor:
        # maximum's backward reads its inputs; writing into one of them needs a copy first.
        a = a.clone() if out is a else a
        return self._put(out, _ops.maximum(a, b))

    def copy(self, x: Tensor) -> Tensor:
        # PyTorch starts the momentum buffer from `grad.detach().clone()`, also when differentiable.
        return x.detach().clone()


TENSOR_MATH = _TensorMath()


def _half(a: Any) -> bool:
    """Whether `a` is a float16/bfloat16 array: PyTorch's kernels update those in float32."""
    return isinstance(a, np.ndarray) and (a.dtype == BF16 or a.dtype == F16)


def _in_float32(update: Any, target: Any, *operands: Any) -> None:
    """`update(target, *operands)` for a float16/bfloat16 `target`, as PyTorch's in-place kernel
    runs it: on float32 values (Python numbers staying float32, where NumPy would round them to
    the half dtype first), the result rounded once into `target`."""
    wide = target.astype(np.float32)
    update(wide, *[o.astype(np.float32) if _half(o) else o for o in operands])
    target[...] = wide


_F32 = np.dtype(np.float32)
_FUSED_DTYPES = (_F32, np.dtype(np.float64))
_BLOCK = 1 << 14  # elements per pass of `_fused_into`: 128 KiB of float64, which stays in cache


def _fusable(target: Any, *operands: Any) -> bool:
    """Whether `_fused_into` can update `target`: a float32 or float64 array (of any layout: PyTorch's
    kernels fuse a transposed parameter's update too), array operands of its shape."""
    return (
        type(target) is np.ndarray and target.dtype in _FUSED_DTYPES
        and all(type(o) is not np.ndarray or o.shape == target.shape for o in operands)
    )


def _fused_into(target: Any, x: Any, y: Any, z: Any) -> None:
    """target[...] = x·y + z rounded once, as PyTorch's vectorised kernels fuse the multiply-add.

    For float32 values the product is exact in float64, so the sum taken there and rounded back is
    the fused result (but for a double rounding about once in 2**29). A Python number `y` is held
    as float32 first, as PyTorch's kernel holds it. float64 values: `fma_float64`'s exact pairs.
    """
    if target.dtype != _F32:
        target[...] = fma_float64(x, y, z)
        return
    if not isinstance(y, np.ndarray):
        y = np.float32(y)
    if target.size <= _BLOCK or not target.flags.c_contiguous:  # (a strided target in one pass)
        wide = np.multiply(x, y, dtype=np.float64)
        np.add(wide, z, out=wide)
        np.copyto(target, wide, casting="same_kind")
        return
    flat = target.reshape(-1)
    x, y, z = [v.reshape(-1) if type(v) is np.ndarray else v for v in (x, y, z)]
    wide = np.empty(min(flat.shape[0], _BLOCK), np.float64)
    for start in range(0, flat.shape[0], _BLOCK):
        block = slice(start, start + _BLOCK)
        w = wide[: flat[block].shape[0]]
        np.multiply(x[block] if type(x) is np.ndarray else x, y[block] if type(y) is np.ndarray else y, out=w,
                    dtype=np.float64)
        np.add(w, z[block] if type(z) is np.ndarray else z, out=w)
        flat[block] = w


def _exact_product(alpha: Any) -> bool:
    """Whether multiplying by `alpha` rounds nothing (±2**k, as lr=1.0): then two roundings are one."""
    return isinstance(alpha, (int, float)) and alpha != 0 and abs(math.frexp(alpha)[0]) == 0.5


def add_scaled_(target: Any, other: Any, alpha: Any) -> None:
    """target += alpha * other (PyTorch's `target.add_(other, alpha=alpha)`, one fused multiply-add,
    whose alpha a half target rounds to its dtype first, as `add_` does a number)."""
    if isinstance(target, Tensor) and isinstance(alpha, (int, float)):
        target.add_(other, alpha=alpha)  # (rounds as the arrays' update below does)
        return
    if _half(target) and isinstance(other, np.ndarray) and other.dtype == target.dtype:
        target[...] = half_scaled_sum(target, other, added_number(target, alpha))  # (with add_'s scalar tails)
        return
    if _half(target):
        return _in_float32(add_scaled_, target, other, added_number(target, alpha))
    if _fusable(target, other) and not _exact_product(alpha):
        return _fused_into(target, other, alpha, target)
    target += other * alpha


def added_scaled(target: Any, other: Any, alpha: Any) -> Any:
    """target + alpha * other, a new array (PyTorch's `target.add(other, alpha=alpha)`)."""
    result = target.copy() if not isinstance(target, Tensor) else target.clone()
    add_scaled_(result, other, alpha)
    return result


def scale_(target: Any, c: Any, foreach: bool = False) -> None:
    """target *= c (PyTorch's `mul_` by a number, which a half target multiplies in float32; `foreach`:
    its `_foreach_mul_`, whose in-place kernel first rounds the number to a half target's dtype)."""
    if _half(target):
        return _in_float32(scale_, target, added_number(target, c) if foreach and isinstance(c, (int, float)) else c)
    target *= c


def divide_(target: Any, c: Any) -> None:
    """target /= c (PyTorch's `div_` by a number, in float32 for a half target)."""
    if _half(target):
        return _in_float32(divide_, target, c)
    target /= c


def add_number_(target: Any, c: Any) -> None:
    """target += c (PyTorch's `add_` of a number, which it first rounds to a half target's dtype)."""
    if _half(target):
        return _in_float32(add_number_, target, added_number(target, c))
    target += c


def addcmul_(target: Any, t1: Any, t2: Any, value: Any) -> None:
    """target += value * t1 * t2, evaluated as PyTorch's `addcmul_` does (recorded as that op on tensors)."""
    if isinstance(target, Tensor) and isinstance(t1, Tensor) and isinstance(t2, Tensor):
        target.addcmul_(t1, t2, value=value)
        return
    if _half(target):
        return _in_float32(addcmul_, target, t1, t2, value)
    tmp = t1 * value
    if _fusable(target, t1, t2):
        return _fused_into(target, tmp, t2, target)  # (t1·value)·t2 + target, the last two fused
    tmp *= t2
    target += tmp


def addcdiv_(target: Any, t1: Any, t2: Any, value: Any) -> None:
    """target += value * t1 / t2, evaluated as PyTorch's `addcdiv_` does (recorded as that op on tensors)."""
    if isinstance(target, Tensor):
        target.addcdiv_(t1, t2, value=value)
        return
    if _half(target):
        return _in_float32(addcdiv_, target, t1, t2, value)
    tmp = t1 * value
    with np.errstate(divide="ignore", invalid="ignore"):  # x/0 is ±inf or nan without a warning, as in PyTorch
        tmp /= t2  # (a float16 eps of 1e-8 is 0: Adam's first zero gradient divides 0 by 0)
    target += tmp


def lerp_(start: Any, end: Any, weight: Any) -> None:
    """start = start + weight * (end - start), with PyTorch's two-sided formula.

    For weight >= 0.5 PyTorch computes `end - (end - start) * (1 - weight)`, which
    is exact at weight == 1; keeping both branches keeps the roundings equal.
    """
    if _half(start):
        return _in_float32(lerp_, start, end, weight)
    diff = end - start
    if _fusable(start, end) and isinstance(weight, (int, float)):  # each branch one fused multiply-add
        return _fused_into(start, diff, weight, start) if weight < 0.5 else _fused_into(
            start, diff, np.float32(weight) - np.float32(1) if start.dtype == _F32 else weight - 1, end)
    if weight < 0.5:
        diff *= weight
        start += diff
    else:
        diff *= weight - 1
        diff += end
        start[...] = diff


def scalar(x: Any) -> Any:
    """A hyper-parameter as a Python number (a one-element Tensor becomes its value)."""
    return x.item() if isinstance(x, Tensor) else x


def squeeze_scalar(x: Any) -> Any:
    """PyTorch's `_to_scalar`: a one-element Tensor hyper-parameter becomes 0-d."""
    if isinstance(x, Tensor) and x.dim() != 0:
        return x.reshape(())
    return x


def hyper(value: Any, group: dict[str, Any]) -> Any:
    """A hyper-parameter as an update reads it: a Python number, or 0-d when differentiable."""
    return squeeze_scalar(value) if group.get("differentiable") else scalar(value)


def regularized_grad(param: Any, grad: Any, lr: Any, group: dict[str, Any], defaults: dict[str, Any]) -> Any:
    """The gradient an update follows: negated with maximize, then weight decay.

    L2 weight decay adds weight_decay·param to the gradient; decoupled weight
    decay (AdamW and friends) shrinks param by (1 - lr·weight_decay) instead (with foreach, by
    PyTorch's `_foreach_mul_`, which rounds the factor to a half parameter's dtype). Only an optimizer
    whose `defaults` name them reads those keys (a group's "weight_decay" is inert for Rprop, as in
    PyTorch; its "decoupled_weight_decay" for SGD).
    """
    if group["maximize"]:
        grad = -grad
    weight_decay = hyper(group["weight_decay"], group) if "weight_decay" in defaults else 0
    if weight_decay != 0:
        if "decoupled_weight_decay" in defaults and group["decoupled_weight_decay"]:
            scale_(param, 1 - lr * weight_decay, bool(group.get("foreach")))
        else:
            grad = added_scaled(grad, param, weight_decay)
    return grad


def math_of(fast: bool, p: Tensor) -> Any:
    """The namespace an update uses: the backend module for arrays, TENSOR_MATH for tensors."""
    return nn_support.array_namespace(p) if fast else TENSOR_MATH


def operands(fast: bool, *tensors: Tensor | None) -> list[Any]:
    """What an update rule works on: the tensors' arrays (fast path) or the tensors themselves.

    A 0-d array comes as a one-element view of itself: NumPy's arithmetic on 0-d arrays gives
    scalars, which the rules' in-place steps (`out=`, `+=`) cannot write into.
    """
    if not fast:
        return list(tensors)
    return [a.reshape(1) if a is not None and a.ndim == 0 else a for a in nn_support.arrays_of(*tensors)]


def real_pairs(x: Any) -> Any:
    """A complex operand (array or Tensor) as a (..., 2) real view of its memory; None stays None."""
    if x is None:
        return None
    return view_as_real(x) if isinstance(x, Tensor) else real_pairs_of_array(x)


touch = nn_support.bump_versions


def scalar_buffers_back(state: dict[str, Any], names: tuple[str, ...]) -> None:
    """Reshape to 0-d the 1-element buffers an update of a 0-d parameter (updated through the
    one-element views of `operands`) stored in `state`, as PyTorch keeps them."""
    for name in names:
        value = state.get(name)
        if isinstance(value, Tensor) and value.dim() == 1:
            state[name] = nn_support.tensor_over(nn_support.arrays_of(value)[0].reshape(()))


def as_state(fast: bool, value: Any) -> Tensor:
    """A buffer an update created (an array on the fast path) as the tensor the state keeps."""
    return nn_support.tensor_over(value) if fast else value


def advance_step(step_t: Tensor) -> float:
    """`step_t += 1` on the 0-d step counter; returns the new count as a Python float."""
    step_t.add_(1)
    return step_t.item()


def scale_scalar_(t: Tensor, factor: float) -> float:
    """`t *= factor` on a 0-d state tensor (a running product), in its dtype; returns the new value."""
    t.mul_(factor)
    return t.item()


_CAPTURABLE_DEVICES = ["cuda", "xpu", "hpu", "privateuseone", "xla"]


def check_capturable(capturable: bool, what: str = "params and state_steps", supports_xla: bool = True) -> None:
    """capturable=True needs an accelerator; retrograd's tensors are on the CPU, so it fails as PyTorch's does."""
    if capturable:
        devices = _CAPTURABLE_DEVICES if supports_xla else _CAPTURABLE_DEVICES[:-1]
        raise AssertionError(f"If capturable=True, {what} must be on supported devices: {devices}.")


_FUSED_DEVICES = ["mps", "cuda", "xpu", "hpu", "cpu", "mtia", "privateuseone"]


def check_fused_param(p: Tensor) -> None:
    """fused=True runs on CPU but only for floating-point parameters."""
    if not p.is_floating_point():
        raise RuntimeError(
            "`fused=True` requires all the params to be floating point Tensors of "
            f"supported devices: {_FUSED_DEVICES} but {p.dtype} and {p.device.type}"
        )


def check_fused_flags(fused: bool | None, differentiable: bool, foreach: bool | None) -> None:
    """The flag combinations PyTorch refuses when fused=True."""
    if fused:
        if differentiable:
            raise RuntimeError("`fused` does not support `differentiable`")
        if foreach:
            raise RuntimeError("`fused` and `foreach` cannot be `True` together.")


def check_lr(lr: Any) -> None:
    """The learning-rate checks every optimizer starts with."""
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")
    if not 0.0 <= lr:
        raise ValueError(f"Invalid learning rate: {lr}")


def check_betas(betas: tuple) -> None:
    """Both betas in [0, 1)."""
    for i in (0, 1):
        if not 0.0 <= betas[i] < 1.0:
            raise ValueError(f"Invalid beta parameter at index {i}: {betas[i]}")


def check_adam_like(lr: Any, eps: float, betas: tuple, **nonnegative: Any) -> None:
    """The constructor checks of the Adam family, in PyTorch's order: lr, eps, betas, then the rest."""
    check_lr(lr)
    check_nonnegative(eps=eps)
    check_betas(betas)
    check_nonnegative(**nonnegative)


def check_nonnegative(**values: Any) -> None:
    """'Invalid <name> value: <v>' for a negative hyper-parameter (eps reads 'epsilon')."""
    for name, v in values.items():
        if not 0.0 <= v:
            label = "epsilon" if name == "eps" else name
            raise ValueError(f"Invalid {label} value: {v}")


def state_shape_error(error: ValueError, grad: Any, buffers: list[Any], grad_first: bool = False) -> Exception:
    """PyTorch's error for an update whose state buffers do not fit the parameter (an optimizer
    state dict loaded into parameters of other shapes or order), in place of NumPy's `error`.

    PyTorch's first in-place op on a buffer that does not broadcast with the gradient names the
    buffer as tensor a (Rprop: the gradient, `grad_first`); one that broadcasts into neither shape
    names the smaller one as the output. `error` itself where every buffer fits.
    """
    for buf in buffers:
        if buf is None or buf.shape == grad.shape:
            continue
        shapes = [grad.shape, buf.shape] if grad_first else [buf.shape, grad.shape]
        mismatch = broadcast_mismatch(shapes)
        if mismatch is not None:
            return mismatch
        both = tuple(np.broadcast_shapes(buf.shape, grad.shape))
        out = grad.shape if tuple(buf.shape) == both else buf.shape
        return RuntimeError(f"output with shape {list(out)} doesn't match the broadcast shape {list(both)}")
    return error
