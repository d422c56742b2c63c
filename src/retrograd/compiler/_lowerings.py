"""Lowerings: array code outside primitives, made visible to the recording.

A few library functions compute on arrays directly (cross-entropy turns class targets into
indices and weights, and its backward builds `softmax - one_hot` in place). While a thread
records, these functions are replaced by versions that do the same array work as one
recorded call each, so the generated code recomputes them per call instead of freezing the
first call's values. Other threads calling them meanwhile get the original behaviour.

(The probe in `_probe` is the safety net for array code nobody lowered here.)
"""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np

from ..ops import nn_support
from ..ops.fused import normalization as _norm
from ..ops.fused import pooling as _pool
from ..tensor import Tensor
from . import _trace

_make = Tensor._make


class ArrayOp:
    """A recorded call of plain array code: what a Primitive offers the code generator."""

    __slots__ = ("name", "forward", "extras")

    def __init__(self, name: str, forward: Any) -> None:
        self.name = name
        self.forward = forward
        self.extras = ()


def _record(op: ArrayOp, ins: tuple, attrs: dict) -> Any:
    """Run `op` now and log it; the result is an array (or a tuple of arrays)."""
    xp = np
    out = op.forward(xp, *ins, **attrs)
    outs = out if isinstance(out, tuple) else (out,)
    outs = tuple(o if isinstance(o, np.ndarray) else np.asarray(o) for o in outs)
    rec = _trace.current()
    if rec is not None and not rec.breaks:
        rec.log(op, ins, attrs, outs)
    return outs if isinstance(out, tuple) else outs[0]


# --- cross-entropy / nll on class targets -----------------------------------------------------


def _class_weights(
    xp: Any, target: Any, weight: Any, n_classes: int, ignore_index: int, one_d: bool, dtype: Any
) -> tuple:
    """`nn_support.class_index_weights` on arrays: valid indices and per-element weights."""
    t = target.astype(np.int64, copy=False)
    if one_d and t.ndim == 1:
        t = t.reshape(())
    ignored = t == ignore_index
    bad = (~ignored) & ((t < 0) | (t >= n_classes))
    if bad.any():
        raise IndexError(f"Target {int(t[bad].flat[0])} is out of bounds.")
    idx = np.where(ignored, 0, t)
    wt = np.ones(t.shape, dtype=dtype) if weight is None else weight.astype(dtype)[idx]
    return idx, np.where(ignored, np.zeros((), dtype), wt)


def _denominator(xp: Any, wt: Any, reduction: str) -> Any:
    return wt.sum(dtype=wt.dtype) if reduction == "mean" else np.asarray(1, dtype=wt.dtype)


def _scale(xp: Any, wt: Any, denom: Any, reduction: str) -> Any:
    return np.asarray(wt / denom if reduction == "mean" else wt, dtype=wt.dtype)


def _softmax_minus_one_hot(xp: Any, probs: Any, idx: Any, cdim: int) -> Any:
    d = probs.copy()
    key = np.expand_dims(idx, cdim)
    np.put_along_axis(d, key, np.take_along_axis(d, key, axis=cdim) - 1, axis=cdim)
    return d


_CLASS_WEIGHTS = ArrayOp("class_weights", _class_weights)
_DENOMINATOR = ArrayOp("loss_denominator", _denominator)
_SCALE = ArrayOp("loss_scale", _scale)
_SOFTMAX_MINUS_ONE_HOT = ArrayOp("softmax_minus_one_hot", _softmax_minus_one_hot)

_original_weights = nn_support.class_index_weights


def _weights(input: Tensor, target: Tensor, weight: Tensor | None, ignore_index: int) -> tuple:
    if _trace.current() is None:
        return _original_weights(input, target, weight, ignore_index)
    _original_weights(input, target, weight, ignore_index)  # its checks and errors, unchanged
    n_classes = input.shape[0 if input.dim() == 1 else 1]
    attrs = {
        "weight": None if weight is None else weight._data,
        "n_classes": n_classes,
        "ignore_index": ignore_index,
        "one_d": input.dim() == 1,
        "dtype": input._data.dtype,
    }
    return _record(_CLASS_WEIGHTS, (target._data,), attrs)


# --- max pooling: the window maxima and their taps come from array code ---------------------

_FIRST_MAX = ArrayOp("window_max", _pool.first_max)
_original_max_pool = _pool.max_pool


def _max_pool(x: Tensor, windows: Any, node: str, return_indices: bool) -> Any:
    if _trace.current() is None or return_indices:
        return _original_max_pool(x, windows, node, return_indices)
    values, tap = _record(_FIRST_MAX, (x._data,), {"windows": windows})
    return _pool._MAX_NODES[node](x, tap=tap, windows=windows, values=values)


# --- array helpers of the form f(xp, ...) -> array(s): recorded as they are ------------------


def _array_helper(name: str, fn: Any) -> Any:
    op = ArrayOp(name, fn)
    params = list(inspect.signature(fn).parameters)[1:]

    def lowered(xp: Any, *args: Any, **kwargs: Any) -> Any:
        if _trace.current() is None:
            return fn(xp, *args, **kwargs)
        attrs = dict(zip(params, args))
        attrs.update(kwargs)
        return _record(op, (), attrs)

    return lowered


_HELPERS = [(_norm, "moments"), (_norm, "rstd_of")]
_ORIGINAL_HELPERS = [getattr(m, n) for m, n in _HELPERS]
_LOWERED_HELPERS = [_array_helper(n, getattr(m, n)) for m, n in _HELPERS]


def install() -> None:
    """Swap the lowered versions in (they fall back to the originals outside recordings)."""
    _pool.max_pool = _max_pool
    for (module, name), fn in zip(_HELPERS, _LOWERED_HELPERS):
        setattr(module, name, fn)
    nn_support.class_index_weights = _weights


def uninstall() -> None:
    _pool.max_pool = _original_max_pool
    for (module, name), fn in zip(_HELPERS, _ORIGINAL_HELPERS):
        setattr(module, name, fn)
    nn_support.class_index_weights = _original_weights
