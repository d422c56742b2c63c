"""Fused loss kernels: negative log-likelihood on class indices, binary cross-entropy.

nll takes class indices along the class dim `cdim` of an input (N, C, *) (or (C,)
with cdim 0). Per element, `wt` is the class weight of its target (0 where the
target is `ignore_index`); `denom` is Σ wt for 'mean' and 1 otherwise. With
one-hot targets Y:

    nll:  loss = -wt · x[t] / denom            d/dx = -Y · wt · g / denom
    bce:  loss = -w (t log x + (1-t) log(1-x)), logs clamped at -100 (as PyTorch), then reduced
          d/dx = w (x - t) / max(x(1-x), 1e-12),  d/dt = -w logit(x)   (g / n per element for 'mean')

cross_entropy is log_softmax followed by nll, as PyTorch records it. The nll backward
writes its (sparse) gradient straight into a zero array, as one primitive; indices,
weights and denom come from primitives on the target too (`class_weights`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...backend import namespace
from ...engine import primitive as _primitive
from ...engine.primitive import Primitive
from ...engine.vmap_hook import hook as _vmap
from ...tensor import Tensor
from ..activation.along_dim import log_softmax_kernel
from ..elementwise.pointwise import logit
from ..kernels.accumulate import mean_of_sum, wide_sum
from ..kernels.cascade_sum import kept_sum


def _picked(xp: Any, a: Any, idx: Any, cdim: int) -> Any:
    if a.ndim == 2:  # (N, C): one advanced index, several times faster than take_along_axis
        return a[xp.arange(a.shape[0]), idx]
    return xp.take_along_axis(a, xp.expand_dims(idx, cdim), axis=cdim).squeeze(cdim)


def _nll_forward(xp: Any, a: Any, idx: Any, wt: Any, cdim: int, reduction: str, denom: Any) -> Any:
    picked = _picked(xp, a, idx, cdim)
    terms = -picked if wt is None else -(wt * picked)
    if reduction == "none" and idx.ndim:  # (a (C,) input's 'none' is PyTorch's 'sum': 0 - x·w)
        return terms if wt is None else xp.where(idx < 0, xp.zeros((), terms.dtype), terms)  # ignored: +0
    total = kept_sum(xp, terms.reshape(-1), None if wt is None else idx.reshape(-1) >= 0)
    return total / denom if reduction == "mean" else total


def _nll_grad_forward(
    xp: Any, g: Any, shape: tuple, idx: Any, wt: Any, cdim: int, reduction: str, denom: Any
) -> Any:
    """d(nll)/d(input): w·(-g/denom) at each element's target index, 0 elsewhere and where the
    target is ignored (index -1), in PyTorch's order of operations.

    `wt` None: every weight 1, no target ignored (cross_entropy's everyday call), so the
    same values come from fewer array calls.
    """
    grad = -(g / denom) if reduction == "mean" else -g
    if wt is None and idx.ndim == 1:
        d = xp.zeros(shape, dtype=denom.dtype)
        d[xp.arange(idx.shape[0]), idx] = grad
        return d
    # an ignored target writes nothing in PyTorch (+0 there); every target ignored makes
    # 'mean' 0/0, whose NaN then lands nowhere
    picked = xp.where(idx < 0, xp.zeros((), grad.dtype), grad if wt is None else wt * grad)
    d = xp.zeros(shape, dtype=picked.dtype)
    if picked.shape != idx.shape:  # a per-element g ('none') already has the shape
        picked = xp.broadcast_to(picked, idx.shape)
    if d.ndim == 2:  # (N, C): as in `_picked`
        d[xp.arange(d.shape[0]), idx] = picked
    else:
        xp.put_along_axis(d, xp.expand_dims(idx, cdim), xp.expand_dims(picked, cdim), axis=cdim)
    return d


def _nll_kernels(name: str, node: str) -> tuple[Primitive, Primitive]:
    """The nll primitive recorded as `node`, and its backward (recorded as PyTorch's double-backward node).

    The backward is linear in the gradient: its derivative is the nll kernel again, so every order works.
    """

    def forward_rule(g: Tensor, a_shape: tuple, idx: Any, wt: Any, cdim: int, reduction: str, denom: Any) -> Tensor:
        return backward(g, shape=a_shape, idx=idx, wt=wt, cdim=cdim, reduction=reduction, denom=denom)

    def backward_rule(g: Tensor, idx: Any, wt: Any, cdim: int, reduction: str, denom: Any) -> Tensor:
        return forward(g, idx=idx, wt=wt, cdim=cdim, reduction=reduction, denom=denom)  # linear in the gradient

    def forward_array_rule(xp: Any, g: Any, a_shape: tuple, idx: Any, wt: Any, cdim: int, reduction: str,
                           denom: Any) -> Any:
        return _nll_grad_forward(xp, g, a_shape, idx, wt, cdim, reduction, denom)

    # quiet: a 'mean' over targets that are all ignored is 0/0, NaN without a warning (as PyTorch).
    # half_forward: float16/bfloat16 run in their own dtype, every product and partial sum rounded
    # to it, as PyTorch's kernels (their scalar type is the input's, with no float32 accumulator)
    forward = Primitive(name, _nll_forward, [forward_rule], node_name=node, array_rules=[forward_array_rule],
                        quiet=True, half_forward=_nll_forward)
    backward = Primitive(name + "_backward", _nll_grad_forward, [backward_rule],
                         node_name=node.replace("Backward0", "BackwardBackward0"), quiet=True,
                         half_forward=_nll_grad_forward)
    return forward, backward


_nll, _nll_backward = _nll_kernels("nll_loss", "NllLossBackward0")
# PyTorch's kernel for (N, C, H, W) inputs (and for others seen as (N, C, 1, -1)): the same maths
_nll2d, _nll2d_backward = _nll_kernels("nll_loss2d", "NllLoss2DBackward0")


# --- the kernels' arguments: class indices, weights, the mean's denominator ----------------------
# Computed from the target's values, so each is a primitive of its own (not differentiable): a
# recording (retrograd.compile) sees them as operations on the target, not as constants.


def _all_counted(t: Any, n_classes: int, ignore_index: int) -> bool:
    """Whether every index of NumPy int64 `t` (not empty) is a class and none is ignored: two reductions."""
    low, high = np.minimum.reduce(t, axis=None), np.maximum.reduce(t, axis=None)  # ufuncs: no wrapper
    return bool(0 <= low and high < n_classes and not low <= ignore_index <= high)


def _checked_indices(xp: Any, t: Any, n_classes: int, ignore_index: int) -> tuple[Any, Any]:
    """The target as int64 indices with ignored ones as -1, and where it is ignored (None: nowhere).

    IndexError for a target out of range.
    """
    t = t.astype(np.int64, copy=False)
    if xp is np and t.size and _all_counted(t, n_classes, ignore_index):  # the usual batch
        return t.copy(), None  # a copy: the backward must not see later writes into the target
    ignored = t == ignore_index
    if xp is np:  # on a GPU, as in PyTorch, no host sync to check (there it is a device-side assert)
        bad = (~ignored) & ((t < 0) | (t >= n_classes))
        if bad.any():
            raise IndexError(f"Target {int(t[bad].flat[0])} is out of bounds.")
    return xp.where(ignored, -1, t), ignored


def _unweighted(xp: Any, t: Any, n_classes: int, ignore_index: int, dtype: Any) -> tuple[Any, Any, Any]:
    """(indices, weights, total weight): each weight 1 (0 where ignored), the total their count."""
    idx, ignored = _checked_indices(xp, t, n_classes, ignore_index)
    if ignored is None:
        return idx, xp.ones(idx.shape, dtype), xp.asarray(idx.size, dtype)
    kept = ~ignored
    return idx, kept.astype(dtype), xp.count_nonzero(kept).astype(dtype)  # (on a device, no host copy)


def _weighted_classes(xp: Any, t: Any, w: Any, n_classes: int, ignore_index: int,
                      dtype: Any) -> tuple[Any, Any, Any]:
    """(indices, weights, total weight): weight[t] (0 where ignored), summed in PyTorch's order."""
    idx, ignored = _checked_indices(xp, t, n_classes, ignore_index)
    picked = w.astype(dtype, copy=False)[idx]
    total = xp.asarray(kept_sum(xp, picked.reshape(-1), None if ignored is None else ~ignored.reshape(-1)))
    return idx, picked if ignored is None else xp.where(ignored, xp.zeros((), dtype), picked), total


_class_weights = Primitive("class_weights", _unweighted, [None], inputs=("t",), n_outputs=3)
_class_weights_w = Primitive("class_weights", _weighted_classes, [None, None], inputs=("t", "w"), n_outputs=3)


def _constant(t: Tensor) -> Tensor:
    """`t` as an input of a non-differentiable kernel: the same array, no gradient recorded."""
    return Tensor._make(t._data) if t._requires_grad else t


def class_weights(target: Tensor, weight: Tensor | None, n_classes: int, ignore_index: int, dtype: Any) -> tuple:
    """(indices, weights, total weight) tensors for `nll`: ignored targets get index 0 and weight 0; others
    weight[t] (or 1)."""
    if weight is None and _primitive.tracer is None and not _vmap.active and type(target) is Tensor:
        # nothing records the call (no retrograd.compile recording, no vmap batch), and no
        # gradient flows from a target: the kernel itself, without an op call around it
        arrays = _unweighted(namespace(target._data), target._data, n_classes, ignore_index, dtype)
        return tuple(Tensor._make(a) for a in arrays)
    if weight is None:
        return _class_weights(target, n_classes=n_classes, ignore_index=ignore_index, dtype=dtype)
    return _class_weights_w(target, _constant(weight), n_classes=n_classes, ignore_index=ignore_index, dtype=dtype)


def class_index_weights(
    input: Tensor, target: Tensor, weight: Tensor | None, ignore_index: int
) -> tuple[Tensor, Tensor, Tensor]:
    """`class_weights` for `input`'s classes and dtype: the arguments of `nll` (the class-index loss kernel).

    Returns the target indices (int64), with ignored ones replaced by 0, each element's weight:
    `weight[target]` (1 without a weight), 0 where the target is ignored, and the weights' total.
    IndexError, as PyTorch's, for a target outside [0, C).
    """
    n_classes = input.shape[0 if input.dim() == 1 else 1]
    return class_weights(target, weight, n_classes, ignore_index, input._data.dtype)


def nll(input: Tensor, idx: Tensor, wt: Tensor, denom: Tensor, cdim: int, reduction: str,
        two_d: bool = False) -> Tensor:
    """The fused nll kernel on `class_weights`' indices, per-element weights and their sum `denom`.

    `two_d` records PyTorch's NllLoss2DBackward0 node (its kernel for 4-d inputs) instead of NllLossBackward0.
    """
    w = wt._data
    d = denom._data if reduction == "mean" else namespace(w).ones((), dtype=w.dtype)
    return (_nll2d if two_d else _nll)(input, idx=idx._data, wt=w, cdim=cdim, reduction=reduction, denom=d)


def cross_entropy_indices(input: Tensor, target: Tensor, ignore_index: int, reduction: str) -> Tensor | None:
    """cross_entropy's everyday call, or None for the general path: (N, C) float logits, (N,) int64
    class indices all in [0, C) and none ignored, no class weights, no recording of the target.

    The same two primitives and nodes as the general path (LogSoftmaxBackward0 under
    NllLossBackward0), the same arrays and bits; only the checks are the few this case needs
    (on W2's (32, 10) batch the call takes ~19 µs instead of ~29). Anything else, errors
    included, is left to the general path, which checks and reports it.
    """
    a, t = input._data, target._data
    if (
        type(a) is not np.ndarray or type(t) is not np.ndarray or a.ndim != 2 or t.ndim != 1
        or t.dtype != np.int64 or a.dtype.kind != "f" or len(t) != len(a) or not t.size
        or _primitive.tracer is not None  # a recording sees the indices as an op on the target
    ):
        return None
    if not _all_counted(t, a.shape[1], ignore_index):
        return None
    # every weight 1 (wt None); the mean's denominator is their sum, N
    denom = np.asarray(len(t) if reduction == "mean" else 1, a.dtype)
    return _nll(log_softmax_kernel(input, 1), idx=t.copy(), wt=None, cdim=1, reduction=reduction, denom=denom)


# --- binary cross-entropy --------------------------------------------------------------------


def _bce_forward(xp: Any, a: Any, t: Any, w: Any, reduction: str) -> Any:
    log_x = xp.maximum(xp.log(a), -100)
    log_1mx = xp.maximum(xp.log1p(-a), -100)
    out = (t - 1) * log_1mx - t * log_x
    out = out if w is None else out * w
    if reduction == "none":
        return out
    return mean_of_sum(out, tuple(range(out.ndim))) if reduction == "mean" else wide_sum(out)


def _weighted(x: Tensor, w: Any) -> Tensor:
    return x if w is None else x * Tensor._make(w)


def _spread(g: Tensor, reduction: str, n: int) -> Tensor:
    """The incoming gradient per element (divided by the count for 'mean')."""
    return g / n if reduction == "mean" else g


def _bce_input_rule(g: Tensor, a: Tensor, t: Tensor, w: Any, reduction: str) -> Tensor:
    return _weighted(_spread(g, reduction, a.numel()) * (a - t) / ((1 - a) * a).clamp_min(1e-12), w)


def _bce_target_rule(g: Tensor, a: Tensor, w: Any, reduction: str) -> Tensor:
    return _weighted(_spread(g, reduction, a.numel()) * -logit(a), w)


_bce = Primitive(
    "binary_cross_entropy",
    _bce_forward,
    [_bce_input_rule, _bce_target_rule],
    inputs=("a", "t"),
    quiet=True,
)


def binary_cross_entropy(input: Tensor, target: Tensor, weight: Any, reduction: str) -> Tensor:
    """Binary cross-entropy of probabilities `input` against `target`, reduced (weight: an array or None)."""
    return _bce(input, target, w=weight, reduction=reduction)
