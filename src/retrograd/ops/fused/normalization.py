"""Fused normalisation kernels: layer norm, batch norm and group norm as one primitive each.

All three compute `(x - mean) * rstd * w + b` where mean and rstd = 1/√(var + eps)
are taken over some dims of a reshaped view of x (`view`, `dims`):

    layer norm   view (B, D)           dims (1,)        w, b: normalized_shape
    batch norm   view = x.shape        dims (0, 2, ...) w, b: (C,)
    group norm   view (N, G, C/G·HW)   dims (2,)        w, b: (C,)

The caller computes the statistics first (`statistics`, `rstd`: primitives of
their own; batch norm needs them for its running averages) and passes their
arrays as attributes. With x̂ = (x - mean)·rstd and
ĝ = g·w (in view layout), the derivatives are

    dx = rstd · (ĝ - mean(ĝ) - x̂ · mean(ĝ x̂))      (statistics of the batch)
    dx = rstd · ĝ                                   (fixed statistics: eval batch norm)
    dw = Σ g x̂,  db = Σ g                          (the engine sums to w's shape)

Batch and group norm take their (C,) weight and bias as they are, so the node's edges lead to
the parameters themselves (AccumulateGrad), as PyTorch's; the kernels shape them (C, 1, ...)
against x, and their rules sum dw and db down to (C,) (`_per_channel`, `_channel_sums`).

When gradients are recorded (create_graph), the rule recomputes mean and rstd
from x with retrograd ops so higher derivatives see their dependence on x.

Layer norm's sums run along the rows of its (B, D) view, on the CPU in float32 or float64, as
BLAS matrix-vector products with a vector of ones (`_row_means`, `_column_sums`, the latter in
blocks of rows as every bias gradient: `engine.wide_sum.blocked_sum`): ~7x faster than NumPy's
float64-accumulated reductions over short rows. They accumulate in the data's dtype, in the
vector lanes' partial sums, as PyTorch's own layer-norm kernel accumulates float32.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ...backend import namespace
from ...backend.cuda_kernels import kernel
from ...engine.fit import sum_to_shape
from ...engine.grad_mode import state
from ...engine.primitive import Primitive
from ...engine.wide_sum import BLAS_FLOATS, blocked_sum
from ...tensor import Tensor
from ..kernels import batch_norm_cpu as _bn_cpu
from ..kernels.accumulate import row_sums, wide_mean
from ..kernels.placement import as_input_suggests
from . import normalization_half as _half


def _by_blas(xp: Any, v: Any, view: tuple, dims: tuple) -> bool:
    """Whether the sums over `dims` of `v` (seen as `view`) are rows of a layer norm BLAS can take."""
    return xp is np and dims == (1,) and len(view) == 2 and v.dtype in BLAS_FLOATS and v.size > 0


def _row_means(xp: Any, v: Any) -> Any:
    """The mean of each row of a 2-D array, as a (B, 1) column: one matrix-vector product."""
    return row_sums(xp, v, 1) / v.shape[1]


def _column_sums(xp: Any, v: Any) -> Any:
    """The sum of each column of a 2-D array, (D,): BLAS products over blocks of rows (as a bias's gradient)."""
    return blocked_sum(v, 1)[0]


def moments(xp: Any, a: Any, view: tuple, dims: tuple) -> tuple[Any, Any]:
    """Mean and biased variance of `a.reshape(view)` over `dims` (kept), in `a`'s dtype."""
    v = a.reshape(view)
    if v.size == 0:  # NaN statistics, without NumPy's empty-slice warnings
        kept = tuple(1 if i in dims else n for i, n in enumerate(view))
        nan = xp.full(kept, xp.nan, dtype=a.dtype)
        return nan, nan
    if _by_blas(xp, v, view, dims):
        mean = _row_means(xp, v)
        d = v - mean
        d *= d
        return mean, _row_means(xp, d)
    mean = wide_mean(v, dims, True)
    d = v - mean
    var = wide_mean(d * d, dims, True)
    return mean, var


def rstd_of(xp: Any, var: Any, eps: float) -> Any:
    """1 / √(var + eps) in var's dtype."""
    return (1 / xp.sqrt(var + eps)).astype(var.dtype, copy=False)


def _statistics(xp: Any, a: Any, view: tuple, dims: tuple, eps: float) -> tuple[Any, Any, Any]:
    mean, var = moments(xp, a, view, dims)
    return mean, var, rstd_of(xp, var, eps)


# The statistics depend on the input's values: primitives (not differentiable: the kernels' rules
# account for them) of their own, so a recording sees them as operations, not constants.
_STATISTICS = Primitive("batch_statistics", _statistics, [None], n_outputs=3)
_RSTD = Primitive("rstd", rstd_of, [None], inputs=("var",))


def _cpu_batch_statistics(xp: Any, a: Any, eps: float) -> tuple[Any, Any, Any]:
    kept = (1, -1) + (1,) * (a.ndim - 2)
    return tuple(t.reshape(kept) for t in _bn_cpu.batch_statistics(a, eps))


_CPU_BATCH_STATISTICS = Primitive("batch_statistics", _cpu_batch_statistics, [None], n_outputs=3)


def cpu_batch_statistics(x: Tensor, eps: float) -> tuple[Tensor, Tensor, Tensor] | None:
    """Mean, sum of squared deviations and rstd (1, C, 1, ...) of (N, C, *) `x` as PyTorch's CPU batch
    norm takes them (`kernels.batch_norm_cpu`), or None where that kernel does not take `x`."""
    if not _bn_cpu.takes(namespace(x._data), x._data):
        return None
    return _CPU_BATCH_STATISTICS(Tensor._make(x._data) if x._requires_grad else x, eps=eps)


def statistics(x: Tensor, view: tuple, dims: tuple, eps: float) -> tuple[Tensor, Tensor, Tensor]:
    """Mean, biased variance and 1/√(var + eps) of `x.reshape(view)` over `dims` (kept), as tensors."""
    return _STATISTICS(Tensor._make(x._data) if x._requires_grad else x, view=view, dims=dims, eps=eps)


def rstd(var: Tensor, eps: float) -> Tensor:
    """1 / √(var + eps) of given (fixed) variances, as a tensor without gradient."""
    return _RSTD(Tensor._make(var._data) if var._requires_grad else var, eps=eps)


def _per_channel(w: Any, ndim: int, dims: tuple) -> Any:
    """A batch or group norm's (C,) weight or bias (array or tensor) shaped (C, 1, ...) against an
    (N, C, *) input of `ndim` dims; layer norm's (normalised over `dims` (1,)) as it is."""
    if dims == (1,) or w.ndim != 1 or ndim <= 2:
        return w
    return w.reshape(tuple(w.shape) + (1,) * (ndim - 2))


def _channel_sums(grads: tuple, a: Tensor, w: Tensor | None, dims: tuple) -> tuple:
    """dw and db (after dx in `grads`) summed to a (C,) weight's shape, as the engine sums others."""
    if w is None or _per_channel(w, a.ndim, dims) is w:
        return grads
    kept = (w.shape[0],) + (1,) * (a.ndim - 2)
    sums = [sum_to_shape(t, kept) for t in grads[1:]]
    return grads[:1] + tuple(t if t is None else t.reshape(w.shape) for t in sums)


def _forward(xp: Any, a: Any, *wb: Any, view: tuple, dims: tuple, mean: Any, rstd: Any, eps: float, fixed: bool) -> Any:
    batch = dims == (0,) + tuple(range(2, a.ndim)) and tuple(view) == a.shape
    if batch and _bn_cpu.takes(xp, a) and all(t.ndim == 1 for t in wb):  # batch norm, as PyTorch's CPU kernel
        w, b = (tuple(wb) + (None, None))[:2]
        return _bn_cpu.linear_output(a, w, b, mean, rstd)
    wb = tuple(_per_channel(t, a.ndim, dims) for t in wb)
    v = a.reshape(view)
    if len(wb) == 2 and dims == (1,) and len(view) == 2:  # layer norm: weight and bias run along the view's rows
        fused = kernel(xp, "layer_norm", v, mean, *wb)
        if fused is not None:
            return fused(v, mean, rstd, wb[0].reshape(-1), wb[1].reshape(-1)).reshape(a.shape)
    out = ((v - mean) * rstd).reshape(a.shape)
    if wb:
        out *= wb[0]
    if len(wb) == 2:
        out += wb[1]
    return as_input_suggests(xp, out, a)  # group norm's kernel: the (N, G, ...) view made `out` row-major


def _normalized(a: Tensor, view: tuple, dims: tuple, mean: Any, rstd: Any, eps: float, fixed: bool) -> tuple:
    """x̂ and rstd in view layout: differentiable in `a` when gradients are recorded."""
    v = a.reshape(view)
    if state.enabled and not fixed:
        m = v.mean(dims, keepdim=True)
        d = v - m
        r = ((d * d).mean(dims, keepdim=True) + eps).rsqrt()
        return d * r, r
    r = Tensor._make(rstd)
    return (v - Tensor._make(mean)) * r, r


def _grad_input(g: Tensor, a: Tensor, w: Tensor | None, view: tuple, dims: tuple, mean: Any, rstd: Any,
                eps: float, fixed: bool) -> Tensor:
    xhat, r = _normalized(a, view, dims, mean, rstd, eps, fixed)
    gh = (g if w is None else g * _per_channel(w, a.ndim, dims)).reshape(view)
    if fixed:
        return (gh * r).reshape(a.shape)
    dx = r * (gh - gh.mean(dims, keepdim=True) - xhat * (gh * xhat).mean(dims, keepdim=True))
    return dx.reshape(a.shape)


def _grad_weight(g: Tensor, a: Tensor, view: tuple, dims: tuple, mean: Any, rstd: Any, eps: float,
                 fixed: bool) -> Tensor:
    xhat, _ = _normalized(a, view, dims, mean, rstd, eps, fixed)
    return g * xhat.reshape(a.shape)


def _backward_arrays(xp: Any, g: Any, a: Any, *w: Any, view: tuple, dims: tuple, mean: Any, rstd: Any,
                     fixed: bool, n: int, xhat: Any = None) -> tuple:
    """dx, and (when the kernel has them) g·x̂ for the weight and g for the bias, in array code.

    `xhat`: x̂ in view layout as the forward kept it (layer norm); computed again here when it was
    not kept (None, or layer norm's empty stand-in).
    """
    if dims == (0,) and a.ndim == 2 and _bn_cpu.takes_backward(xp, g, a) and all(t.ndim == 1 for t in w):
        grads = _bn_cpu.backward_2d(g, a, w[0] if w else None, mean, rstd, fixed)  # (N, C) batch norm
        return grads[0] if n == 1 else grads[:n]
    if xhat is None or xhat.shape != tuple(view):
        xhat = (a.reshape(view) - mean) * rstd
    if not fixed and w and n > 1 and _by_blas(xp, xhat, view, dims) and w[0].size == view[1]:
        return _layer_norm_backward(xp, g, a, w[0], view, xhat, rstd)[:n]
    gh = (g * _per_channel(w[0], a.ndim, dims) if w else g).reshape(view)
    if fixed:
        dx = gh * rstd
    elif _by_blas(xp, gh, view, dims):
        dx = gh - _row_means(xp, gh)
        dx -= xhat * _row_means(xp, gh * xhat)
        dx *= rstd
    else:
        m1, m2 = wide_mean(gh, dims, True), wide_mean(gh * xhat, dims, True)
        fused = kernel(xp, "norm_backward", gh, xhat)
        if fused is not None:
            dx = fused(gh, xhat, m1, m2, rstd)
        else:
            dx = gh - m1
            dx -= xhat * m2
            dx *= rstd
    if n == 1:  # one output: the array itself (a tuple would be read as an extra dim)
        return dx.reshape(a.shape)
    return (dx.reshape(a.shape), g * xhat.reshape(a.shape), g)[:n]


def _layer_norm_backward(xp: Any, g: Any, a: Any, w: Any, view: tuple, xhat: Any, rstd: Any) -> tuple:
    """Layer norm's dx, dw, db on its (B, D) rows with a weight along them, in six passes.

    The row means of ĝ = g·w and of ĝ·x̂ are matrix-vector products with w (Σ_j g_ij w_j), so ĝ
    is never formed for them; g·x̂ is also the weight's gradient before its sum over the rows.
    """
    gv = g.reshape(view)
    gx = gv * xhat
    wv = w.reshape(-1)
    width = view[1]
    m1 = (gv @ wv).reshape(-1, 1) / width
    m2 = (gx @ wv).reshape(-1, 1) / width
    dx = gv * wv
    dx -= m1
    dx -= xhat * m2
    dx *= rstd
    return dx.reshape(a.shape), _column_sums(xp, gx).reshape(w.shape), _column_sums(xp, gv).reshape(w.shape)


def _backward_half(xp: Any, g: Any, a: Any, *w: Any, **attrs: Any) -> Any:
    return _half.norm_backward(_backward_arrays, xp, g, a, *w, **attrs)


# The first-order backward of all three kernels as one primitive per operand count; higher
# orders take the rules' recorded path (`_composed`) instead, so this one needs no derivatives.
_BACKWARD = {
    n: Primitive("native_norm_backward", _backward_arrays, [None] * (1 + min(n, 2)),
                 inputs=("g", "a", "w")[: 2 + min(n - 1, 1)], n_outputs=n, quiet=True, half_forward=_backward_half)
    for n in (1, 2, 3)
}


def _composed(g: Tensor, a: Tensor, w: Tensor | None, n: int, attrs: dict) -> tuple:
    grads = [_grad_input(g, a, w, **attrs)]
    if n > 1:
        grads.append(_grad_weight(g, a, **attrs))
    if n > 2:
        grads.append(g)
    return tuple(grads)


def _joint(g: Tensor, a: Tensor, w: Tensor | None, n: int, attrs: dict, xhat: Any = None) -> tuple:
    if state.enabled or type(g) is not Tensor:  # recorded (create_graph) or batched (vmap): tensor ops
        return _channel_sums(_composed(g, a, w, n, attrs), a, w, attrs["dims"])
    keep = {k: attrs[k] for k in ("view", "dims", "mean", "rstd", "fixed")}
    if xhat is not None:
        keep["xhat"] = xhat
    operands = (g, a) if w is None else (g, a, w)
    out = _BACKWARD[n](*operands, **keep, n=n)
    return _channel_sums(out, a, w, attrs["dims"]) if n > 1 else (out,)


def _rule_x(g: Tensor, a: Tensor, view: tuple, dims: tuple, mean: Any, rstd: Any, eps: float, fixed: bool) -> tuple:
    return _joint(g, a, None, 1, dict(view=view, dims=dims, mean=mean, rstd=rstd, eps=eps, fixed=fixed))


def _rule_xw(g: Tensor, a: Tensor, w: Tensor, view: tuple, dims: tuple, mean: Any, rstd: Any, eps: float,
             fixed: bool) -> tuple:
    return _joint(g, a, w, 2, dict(view=view, dims=dims, mean=mean, rstd=rstd, eps=eps, fixed=fixed))


def _rule_xwb(g: Tensor, a: Tensor, w: Tensor, view: tuple, dims: tuple, mean: Any, rstd: Any, eps: float,
              fixed: bool) -> tuple:
    return _joint(g, a, w, 3, dict(view=view, dims=dims, mean=mean, rstd=rstd, eps=eps, fixed=fixed))


def _primitives(node: str, half: Callable[..., Any] | None = None) -> dict[int, Primitive]:
    """The kernel without affine parameters, with a weight, and with weight and bias (one joint rule each)."""
    return {
        # a missing weight or bias still has an (empty) edge in PyTorch's node
        0: Primitive(node, _forward, [_rule_x], node_name=node, constant_edges=2, joint=True, half_forward=half),
        1: Primitive(node, _forward, [_rule_xw], inputs=("a", "w"), node_name=node, constant_edges=1, joint=True,
                     half_forward=half),
        2: Primitive(node, _forward, [_rule_xwb], inputs=("a", "w", "b"), node_name=node, joint=True,
                     half_forward=half),
    }


def _group_forward_half(xp: Any, a: Any, *wb: Any, view: tuple, dims: tuple, mean: Any, rstd: Any, eps: float,
                        fixed: bool) -> Any:
    """Group norm of float16/bfloat16 `a` as PyTorch's CPU kernel: normalised by its float32 statistics
    (the `mean`/`rstd` given, rounded to the half dtype as PyTorch keeps them, are its backward's)."""
    wide = a.astype(np.float32)
    m, r = _statistics(xp, wide, view, dims, eps)[::2]
    out = _forward(xp, wide, *[t.astype(np.float32) for t in wb], view=view, dims=dims, mean=m, rstd=r, eps=eps,
                   fixed=fixed)
    return out.astype(a.dtype)


_LAYER = _primitives("NativeLayerNormBackward0")


# layer norm's own rules: as the shared ones, with the x̂ its forward kept (`_layer_forward`)
def _layer_rule_x(g: Tensor, a: Tensor, view: tuple, dims: tuple, mean: Any, rstd: Any, xhat: Any, eps: float,
                  fixed: bool) -> tuple:
    return _joint(g, a, None, 1, dict(view=view, dims=dims, mean=mean, rstd=rstd, eps=eps, fixed=fixed), xhat=xhat)


def _layer_rule_xw(g: Tensor, a: Tensor, w: Tensor, view: tuple, dims: tuple, mean: Any, rstd: Any, xhat: Any,
                   eps: float, fixed: bool) -> tuple:
    return _joint(g, a, w, 2, dict(view=view, dims=dims, mean=mean, rstd=rstd, eps=eps, fixed=fixed), xhat=xhat)


def _layer_rule_xwb(g: Tensor, a: Tensor, w: Tensor, view: tuple, dims: tuple, mean: Any, rstd: Any, xhat: Any,
                    eps: float, fixed: bool) -> tuple:
    return _joint(g, a, w, 3, dict(view=view, dims=dims, mean=mean, rstd=rstd, eps=eps, fixed=fixed), xhat=xhat)


def _not_kept(xp: Any, a: Any) -> Any:
    """The x̂ extra where the forward keeps none: an empty array (the backward computes x̂ itself)."""
    return xp.empty(0, dtype=a.dtype)


# Layer norm in one call: its statistics (value-dependent, but computed inside the recorded op,
# so a recording replays them) and the output, which reuses x - mean; the three kernels' rules
# read mean, rstd and x̂ (empty where not kept) as the forward's extras. Batch and group norm keep
# the statistics as an op of their own (eval batch norm takes given ones).
def _layer_forward(xp: Any, a: Any, *wb: Any, view: tuple, dims: tuple, eps: float,
                   fixed: bool) -> tuple[Any, Any, Any, Any]:
    a = xp.ascontiguousarray(a)  # as PyTorch's kernel reads x.contiguous(): the output is row-major
    v = a.reshape(view)
    if fixed or not (_by_blas(xp, v, view, dims) and all(t.size == view[1] for t in wb)):
        mean, _, r = _statistics(xp, a, view, dims, eps)
        out = _forward(xp, a, *wb, view=view, dims=dims, mean=mean, rstd=r, eps=eps, fixed=fixed)
        return out, mean, r, _not_kept(xp, a)
    mean = _row_means(xp, v)
    xhat = v - mean
    square = xhat * xhat
    r = rstd_of(xp, _row_means(xp, square), eps)
    xhat *= r
    if not wb:  # the output is x̂ itself, which the caller may change in place: not kept
        return xhat.reshape(a.shape), mean, r, _not_kept(xp, a)
    # x̂ scaled and shifted along the rows (weight and bias broadcast as in `_forward`); x̂ is kept
    # for the backward, which then need not compute it again from x (two passes over the rows)
    out = xhat.reshape(a.shape) * wb[0]
    if len(wb) == 2:
        out += wb[1]
    return out, mean, r, xhat


def _layer_forward_half(xp: Any, a: Any, *wb: Any, **attrs: Any) -> tuple:
    return _half.layer_forward(_layer_forward, xp, a, *wb, **attrs)


_STATS = ("mean", "rstd", "xhat")
_LAYER_NORM = {
    0: Primitive("layer_norm", _layer_forward, [_layer_rule_x], node_name="NativeLayerNormBackward0",
                 constant_edges=2, joint=True, extras=_STATS, half_forward=_layer_forward_half),
    1: Primitive("layer_norm", _layer_forward, [_layer_rule_xw], inputs=("a", "w"),
                 node_name="NativeLayerNormBackward0", constant_edges=1, joint=True, extras=_STATS,
                 half_forward=_layer_forward_half),
    2: Primitive("layer_norm", _layer_forward, [_layer_rule_xwb], inputs=("a", "w", "b"),
                 node_name="NativeLayerNormBackward0", joint=True, extras=_STATS, half_forward=_layer_forward_half),
}


def layer_norm(x: Tensor, weight: Tensor | None, bias: Tensor | None, view: tuple, eps: float) -> Tensor:
    """Layer norm of `x` seen as `view` (B, D), over its rows; weight and bias of the rows' shape."""
    if weight is None and bias is not None:
        from ..creation import ones_like

        weight = ones_like(bias)
    attrs = dict(view=view, dims=(1,), eps=eps, fixed=False)  # the attributes the shared rules read
    if weight is None:
        return _LAYER_NORM[0](x, **attrs)
    if bias is None:
        return _LAYER_NORM[1](x, weight, **attrs)
    return _LAYER_NORM[2](x, weight, bias, **attrs)
_BATCH = _primitives("NativeBatchNormBackward0")
_GROUP = _primitives("NativeGroupNormBackward0", _group_forward_half)
KERNELS = {"layer": _LAYER, "batch": _BATCH, "group": _GROUP}


def normalize(kind: str, x: Tensor, weight: Tensor | None, bias: Tensor | None, view: tuple, dims: tuple,
              mean: Any, rstd: Any, eps: float, fixed: bool = False) -> Tensor:
    """Run the `kind` kernel ("layer", "batch", "group") with precomputed statistics.

    `weight`/`bias`: layer norm's broadcast against `x`; batch and group norm's are (C,) (or already
    broadcast against `x`, as vmap's batched ones). A bias without a weight gets a weight of ones.
    """
    prims = KERNELS[kind]
    if weight is None and bias is not None:
        from ..creation import ones_like

        weight = ones_like(bias)
    attrs = dict(view=view, dims=dims, mean=mean, rstd=rstd, eps=eps, fixed=fixed)
    if weight is None:
        return prims[0](x, **attrs)
    if bias is None:
        return prims[1](x, weight, **attrs)
    return prims[2](x, weight, bias, **attrs)
