"""cross_entropy(linear(x, W, b), t) a chunk of rows at a time: the (N, C) logits never exist whole.

For a language model's head (C a vocabulary of 50k, N the batch's tokens) the logits are the
largest tensor of the step. PyTorch 2.13's `F.linear_cross_entropy(..., options=...)` computes
the loss over `chunk` rows at a time; so does this module. Per chunk, with z = x W^T + b,
per-row weights w (the class weight of the target, 0 where it is ignored) and denominator d
(Σ w for 'mean', else 1):

    loss_rows = w (logsumexp(z) - z[t])
    dz        = w (softmax(z) - onehot(t)) / d
    dx = dz W        dW += dz^T x        db += Σ_rows dz

'mean' and 'sum' compute the gradients during the forward, as PyTorch's chunked path does, and
keep them (N x in, C x in, C) instead of the logits; the backward only scales them by the
incoming gradient. Unless `allow_retain_graph`, the backward hands its buffers over, so a second
backward raises PyTorch's error. 'none' keeps nothing and recomputes each chunk in the backward.

float16/bfloat16 inputs accumulate in `acc_dtype` (float32); the 'accurate' policy also keeps the
logits in float32, the others round them to the input's dtype first. A recorded backward
(create_graph) differentiates the reference composition instead, so higher derivatives are exact.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...backend import namespace
from ...engine import primitive as _primitive
from ...engine.grad_mode import state
from ...engine.primitive import Primitive
from ...tensor import Tensor
from ..kernels.cascade_sum import kept_sum
from .recompute import differentiate, recorded

__all__: list[str] = []  # reached through retrograd.nn.functional.linear_cross_entropy (nn/functional/linear_loss.py)

_NODE = "GeneratedBackwardFor_torch_nn__linear_cross_entropy_batch_chunked_defaultBackward"
_NODE_NONE = "GeneratedBackwardFor_torch_nn__linear_cross_entropy_batch_chunked_no_reduction_defaultBackward"
_TWICE = ("linear_cross_entropy chunked backward called twice; retain_graph=True / double backward are not "
          "supported.")


def row_weights(xp: Any, t: Any, class_weight: Any, n_classes: int, ignore_index: int,
                dtype: Any) -> tuple[Any, Any]:
    """(indices, per-row weights): ignored rows get index 0 and weight 0; IndexError for a target out of range."""
    ignored = t == ignore_index
    bad = ~ignored & ((t < 0) | (t >= n_classes))
    if bad.any():  # the chunked kernel's gather reports it (the reference path says "Target ... is out of bounds")
        raise RuntimeError(f"index {int(t[bad][0])} is out of bounds for dimension 1 with size {n_classes}")
    idx = xp.where(ignored, 0, t)
    w = xp.ones(t.shape, dtype) if class_weight is None else class_weight.astype(dtype)[idx]
    return idx, xp.where(ignored, xp.zeros((), dtype), w)


class _Chunks:
    """The rows' softmax pieces, one chunk at a time, in the accumulation dtype."""

    def __init__(self, xp: Any, x: Any, w: Any, b: Any, chunk: int, acc: Any, accurate: bool) -> None:
        self.xp, self.x, self.w, self.b, self.chunk = xp, x, w, b, chunk
        self.acc, self.accurate = np.dtype(acc), accurate
        self.w_acc = w.astype(self.acc, copy=False)

    def ranges(self) -> list[tuple[int, int]]:
        n = self.x.shape[0]
        return [(r, min(r + self.chunk, n)) for r in range(0, n, self.chunk)]

    def logits(self, r0: int, r1: int) -> Any:
        z = self.x[r0:r1].astype(self.acc, copy=False) @ self.w_acc.T
        if self.b is not None:
            z += self.b.astype(self.acc, copy=False)
        if not self.accurate and self.acc != self.x.dtype:  # the logits in the input's precision
            z = z.astype(self.x.dtype).astype(self.acc)
        return z

    def softmax_and_log_softmax(self, z: Any) -> tuple[Any, Any]:
        """softmax(z), and log_softmax(z) as `log_softmax` rounds it ((z - max) - log Σ e^(z - max))."""
        shifted = z - z.max(axis=1, keepdims=True)
        e = self.xp.exp(shifted)
        total = e.sum(axis=1, keepdims=True)
        shifted -= self.xp.log(total)
        e /= total
        return e, shifted


def _losses(chunks: _Chunks, idx: Any, wt: Any) -> Any:
    """Each row's loss, -w·log_softmax(z)[t], as nll_loss computes it."""
    xp = chunks.xp
    rows = xp.empty(idx.shape, chunks.acc)
    for r0, r1 in chunks.ranges():
        _, log_p = chunks.softmax_and_log_softmax(chunks.logits(r0, r1))
        rows[r0:r1] = -(wt[r0:r1] * log_p[xp.arange(r1 - r0), idx[r0:r1]])
    return rows


def _gradients(chunks: _Chunks, idx: Any, scale: Any, needs: tuple[bool, bool, bool], rows: Any = None,
               wt: Any = None) -> tuple:
    """(dx, dW, db) for per-row gradient factors `scale` (w/d, or w·g for 'none'), in the inputs' dtypes.

    With `rows` (an array of N), the rows' losses (weighted by `wt`) are written there as a by-product.
    """
    xp, x, w, b, acc = chunks.xp, chunks.x, chunks.w, chunks.b, chunks.acc
    dx = xp.empty(x.shape, acc) if needs[0] else None
    dw = xp.zeros(w.shape, acc) if needs[1] else None
    db = xp.zeros(w.shape[0], acc) if needs[2] and b is not None else None
    for r0, r1 in chunks.ranges():
        p, log_p = chunks.softmax_and_log_softmax(chunks.logits(r0, r1))
        picked = xp.arange(r1 - r0), idx[r0:r1]
        if rows is not None and wt is not None:
            rows[r0:r1] = -(wt[r0:r1] * log_p[picked])
        dz = p
        dz[picked] -= 1
        dz *= scale[r0:r1, None]
        if dx is not None:
            dx[r0:r1] = dz @ chunks.w_acc
        if dw is not None:
            dw += dz.T @ x[r0:r1].astype(acc, copy=False)
        if db is not None:
            db += dz.sum(axis=0)
    return (None if dx is None else dx.astype(x.dtype, copy=False),
            None if dw is None else dw.astype(w.dtype, copy=False),
            None if db is None else db.astype(b.dtype, copy=False))  # type: ignore[union-attr]


# --- the primitives ------------------------------------------------------------------------


def _in_nll_order(xp: Any, values: Any, counted: Any) -> Any:
    """Σ `values` over the counted rows (None: all), added in nll_loss's order (PyTorch's
    linear_cross_entropy is a linear layer and cross_entropy, so its loss has those bits)."""
    return xp.asarray(kept_sum(xp, values, counted))


def _reduced_forward(xp: Any, x: Any, w: Any, *rest: Any, class_weight: Any, reduction: str, ignore_index: int,
                     chunk: int, acc: Any, accurate: bool, needs: tuple, retain: bool) -> tuple:
    """'mean'/'sum': the loss, and the gradients for an incoming gradient of 1 (extras: `kept`)."""
    *b, t = rest
    chunks = _Chunks(xp, x, w, b[0] if b else None, chunk, acc, accurate)
    idx, wt = row_weights(xp, t, class_weight, w.shape[0], ignore_index, chunks.acc)
    counted = t != ignore_index
    denom = _in_nll_order(xp, wt, counted) if reduction == "mean" else xp.ones((), chunks.acc)
    scale = wt / denom if denom != 0 else xp.zeros_like(wt)  # every row ignored: a 0/0 loss, zero gradients
    rows = xp.empty(idx.shape, chunks.acc)
    kept = list(_gradients(chunks, idx, scale, needs, rows, wt)) if any(needs) else [None, None, None]
    if not any(needs):
        rows = _losses(chunks, idx, wt)
    total = _in_nll_order(xp, rows, counted)  # then / denom, as nll_loss's 'mean'
    return xp.asarray(total / denom if reduction == "mean" else total).astype(x.dtype), kept


def _reduced_grads(g: Tensor, kept: list, retain: bool, x: Tensor, w: Tensor, b: Tensor | None, t: Tensor,
                   class_weight: Any, reduction: str, ignore_index: int) -> tuple:
    """Each input's kept gradient times the incoming (0-d) gradient; handed over unless `retain`."""
    if recorded(g):  # the backward is recorded: differentiate the composition instead
        return _reference_grads(g, x, w, b, t, class_weight, reduction, ignore_index)
    if all(k is None for k in kept) and not retain:
        raise RuntimeError(_TWICE)
    grads: list[Tensor | None] = []
    for i in range(2 if b is None else 3):
        array = kept[i]
        if array is None:  # an input that needs no gradient
            grads.append(None)
        elif retain:
            grads.append(Tensor._make(array * g._data.astype(array.dtype)))
        else:
            kept[i] = None
            array *= g._data.astype(array.dtype)
            grads.append(Tensor._make(array))
    return (*grads, None)


def _none_forward(xp: Any, x: Any, w: Any, *rest: Any, class_weight: Any, ignore_index: int, chunk: int, acc: Any,
                  accurate: bool) -> Any:
    """'none': each row's loss; nothing kept."""
    *b, t = rest
    chunks = _Chunks(xp, x, w, b[0] if b else None, chunk, acc, accurate)
    idx, wt = row_weights(xp, t, class_weight, w.shape[0], ignore_index, chunks.acc)
    return _losses(chunks, idx, wt).astype(x.dtype)


def _none_grads(g: Tensor, x: Tensor, w: Tensor, b: Tensor | None, t: Tensor, class_weight: Any,
                ignore_index: int, chunk: int, acc: Any, accurate: bool) -> tuple:
    """The rows' gradients recomputed chunk by chunk, each row scaled by its incoming gradient."""
    if recorded(g):
        return _reference_grads(g, x, w, b, t, class_weight, "none", ignore_index)
    xp = namespace(x._data)
    chunks = _Chunks(xp, x._data, w._data, None if b is None else b._data, chunk, acc, accurate)
    idx, wt = row_weights(xp, t._data, class_weight, w.shape[0], ignore_index, chunks.acc)
    needs = (x.requires_grad, w.requires_grad, b is not None and b.requires_grad)
    grads = _gradients(chunks, idx, wt * g._data.astype(chunks.acc), needs)
    return (*[None if a is None else Tensor._make(a) for a in grads[: 2 if b is None else 3]], None)


def _primitives(biased: bool) -> tuple[Primitive, Primitive]:
    # the rules name what they read (the engine passes saved values by parameter name)
    if biased:
        inputs: tuple = ("x", "w", "b", "t")
        reduced_rule: Any = (lambda g, kept, retain, x, w, b, t, class_weight, reduction, ignore_index:
                             _reduced_grads(g, kept, retain, x, w, b, t, class_weight, reduction, ignore_index))
        rows_rule: Any = (lambda g, x, w, b, t, class_weight, ignore_index, chunk, acc, accurate:
                          _none_grads(g, x, w, b, t, class_weight, ignore_index, chunk, acc, accurate))
    else:
        inputs = ("x", "w", "t")
        reduced_rule = (lambda g, kept, retain, x, w, t, class_weight, reduction, ignore_index:
                        _reduced_grads(g, kept, retain, x, w, None, t, class_weight, reduction, ignore_index))
        rows_rule = (lambda g, x, w, t, class_weight, ignore_index, chunk, acc, accurate:
                     _none_grads(g, x, w, None, t, class_weight, ignore_index, chunk, acc, accurate))
    # (half inputs go to the kernels as they are: they accumulate in `acc` themselves)
    reduced = Primitive("linear_cross_entropy_chunked", _reduced_forward, [reduced_rule], inputs=inputs,
                        extras=("kept",), node_name=_NODE, joint=True, quiet=True, half_forward=_reduced_forward)
    rows = Primitive("linear_cross_entropy_chunked_rows", _none_forward, [rows_rule], inputs=inputs,
                     node_name=_NODE_NONE, joint=True, half_forward=_none_forward)
    return reduced, rows


_PRIMITIVES = {biased: _primitives(biased) for biased in (True, False)}


def chunked(x: Tensor, w: Tensor, b: Tensor | None, t: Tensor, class_weight: Tensor | None, reduction: str,
            ignore_index: int, chunk: int, acc: Any, accurate: bool, retain: bool) -> Tensor:
    """The chunked loss of x (N, in), w (C, in), b (C,) or None, class indices t (N,) (int64).

    `acc`: the NumPy dtype to accumulate in; `accurate`: keep the logits in it too; `retain`:
    keep the gradients for another backward.
    """
    if _primitive.tracer is not None:  # as PyTorch's compile, which falls back to eager at this op
        _primitive.tracer.graph_break("linear_cross_entropy's chunked kernel keeps its gradients in the node")
    reduced, rows = _PRIMITIVES[b is not None]
    operands = (x, w, b, t) if b is not None else (x, w, t)
    weights = None if class_weight is None else class_weight._data
    if reduction == "none":
        return rows(*operands, class_weight=weights, ignore_index=ignore_index, chunk=chunk, acc=acc,
                    accurate=accurate)
    on = state.enabled
    needs = (on and x.requires_grad, on and w.requires_grad, on and b is not None and b.requires_grad)
    return reduced(*operands, class_weight=weights, reduction=reduction, ignore_index=ignore_index, chunk=chunk,
                   acc=acc, accurate=accurate, needs=needs, retain=retain)


def _reference_grads(g: Tensor, x: Tensor, w: Tensor, b: Tensor | None, t: Tensor, class_weight: Any,
                     reduction: str, ignore_index: int) -> tuple:
    """The gradients of cross_entropy(linear(x, w, b), t), recorded (for create_graph)."""
    from .. import addmm, matmul
    from ..activation.along_dim import log_softmax_kernel
    from .loss import class_weights, nll

    inputs = [x, w] + ([b] if b is not None else [])
    weight = None if class_weight is None else Tensor._make(class_weight)

    def composed(*ts: Tensor) -> Tensor:
        z = addmm(ts[2], ts[0], ts[1].t()) if len(ts) > 2 else matmul(ts[0], ts[1].t())
        idx, wt, denom = class_weights(t, weight, w.shape[0], ignore_index, z._data.dtype)
        return nll(log_softmax_kernel(z, 1), idx, wt, denom, 1, reduction)

    grads = differentiate(composed, inputs, g)
    return (grads[0], grads[1], *([grads[2]] if b is not None else []), None)
