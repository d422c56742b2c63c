"""Max and average pooling over windows, as adjoint pairs of primitives.

A `Windows` says where every output's window lies in the padded input: on a
regular grid (kernel, stride, dilation, padding: `max_pool`, `avg_pool`) or by
index tables (adaptive pools, whose windows differ in length; missing taps
point at one extra "trash" slot past the end). A window scan copies the K
taps into one contiguous (K, N, C, *out) array, after which a reduction over
axis 0 is a fast NumPy call; the way back adds one strided slice per tap
(or, for max pooling over windows that tile the input, writes each gradient
to the flat position of its tap).

Max pooling keeps the tap of each output's first maximum (PyTorch's choice on
ties; the last NaN if there is one). Its derivative scatters the gradient to
that tap, and the derivative of the scatter gathers from it, so both are
linear in the gradient and every order works. Average pooling is the window
sum divided by a per-output divisor; its adjoint spreads g / divisor back.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ...backend import namespace, on_device_of
from ...backend.compat import as_strided
from ...engine.primitive import Primitive
from ...engine.vmap_hook import NOT_BATCHED, batched
from ...engine.vmap_hook import hook as _vmap
from ...tensor import Tensor
from ..kernels.conv_layout import as_input_suggests
from ..kernels.windows import Ints, Pads, crop, flat_strides, pad_const, padded, tap_slices, taps, work

__all__: list[str] = []  # reached through retrograd.nn.functional


class Windows:
    """Where the windows of a pooling lie in the input padded by `pads`."""

    __slots__ = ("kernel", "stride", "dilation", "pads", "out", "tables", "overlap")

    def __init__(self, kernel: Ints, stride: Ints, dilation: Ints, pads: Pads, out: Ints, tables: Any = None):
        self.kernel, self.stride, self.dilation, self.pads, self.out = kernel, stride, dilation, pads, out
        self.tables = tables  # per dim (out, kernel) int arrays of padded positions, or None for a grid
        self.overlap = tables is not None or any(s < d * (k - 1) + 1 for k, s, d in zip(kernel, stride, dilation))

    @classmethod
    def adaptive(cls, spatial: Ints, out: Ints) -> Windows:
        """PyTorch's adaptive windows: [floor(i S / O), ceil((i + 1) S / O)) along each dim."""
        tables = []
        for n, o in zip(spatial, out):
            i = np.arange(o)
            start, stop = (i * n) // o, -((-(i + 1) * n) // o)
            width = int((stop - start).max()) if o else 0
            pos = start[:, None] + np.arange(width)
            tables.append(np.where(pos < stop[:, None], pos, n))  # n: the trash slot
        kernel = tuple(t.shape[1] for t in tables)
        return cls(kernel, (1,) * len(out), (1,) * len(out), tuple((0, 1) for _ in out), tuple(out), tuple(tables))

    def index(self, tap: Ints) -> tuple:
        """The index of one tap's (N, C, *out) values in the padded input."""
        if self.tables is None:
            return tap_slices(tap, self.stride, self.dilation, self.out)
        return (slice(None), slice(None)) + np.ix_(*[t[:, a] for t, a in zip(self.tables, tap)])

    def stack(self, xp: Any, x: Any) -> Any:
        """Every tap of the padded x (N, C, *S) in one contiguous (K, N, C, *out) array."""
        k = math.prod(self.kernel)
        if self.tables is None:
            sp = x.strides[2:]
            shape = (*self.kernel, *x.shape[:2], *self.out)
            strides = (
                *(d * s for d, s in zip(self.dilation, sp)), *x.strides[:2], *(st * s for st, s in zip(self.stride, sp))
            )
            stacked = work(xp, "stack", shape, x.dtype)  # a temporary: callers reduce it
            stacked[...] = as_strided(x, shape, strides, writeable=False)
            return stacked.reshape(k, *x.shape[:2], *self.out)
        out = xp.empty((k, *x.shape[:2], *self.out), dtype=x.dtype)
        for i, tap in enumerate(taps(self.kernel)):
            out[i] = x[self.index(tap)]
        return out

    def spread(self, xp: Any, parts: Any, spatial: Ints) -> Any:
        """The adjoint of `stack`: sum parts (K, N, C, *out) back into (N, C, *spatial)."""
        acc = xp.zeros((*parts.shape[1:3], *padded(spatial, self.pads)), dtype=parts.dtype)
        for i, tap in enumerate(taps(self.kernel)):
            if self.tables is not None:  # windows may share a position within one tap: unbuffered add
                xp.add.at(acc, self.index(tap), parts[i])
            elif self.overlap:
                acc[self.index(tap)] += parts[i]
            else:
                acc[self.index(tap)] = parts[i]
        return crop(acc, self.pads)


def _lowest(dtype: Any) -> Any:
    return -np.inf if dtype.kind == "f" else np.iinfo(dtype).min


def _as_planes(a: Any, nd: int) -> Any:
    """(*lead, *S) as (1, prod(lead), *S): pooling treats every leading index alike."""
    return a.reshape(1, -1, *a.shape[a.ndim - nd:])


def first_max(xp: Any, x: Any, windows: Windows) -> tuple[Any, Any]:
    """(max, tap of the first max) over each window of x (*lead, *S); NaN wins, the last one as in PyTorch."""
    nd = len(windows.kernel)
    stacked = windows.stack(xp, pad_const(xp, _as_planes(x, nd), windows.pads, _lowest(x.dtype)))
    values = stacked.max(axis=0)
    lead = x.shape[: x.ndim - nd]
    return values.reshape(*lead, *windows.out), _first_tap(xp, stacked, values).reshape(*lead, *windows.out)


def _first_tap(xp: Any, stacked: Any, values: Any) -> Any:
    """The first k with stacked[k] == values, counted as the taps before it that differ
    (a running AND: K cheap passes, where argmax over a short axis 0 is ~20x slower)."""
    k = stacked.shape[0]
    dtype = np.uint8 if k <= 255 else np.uint16 if k <= 65535 else np.int64
    if k == 1:
        return xp.zeros(values.shape, dtype=dtype)
    missing = stacked[0] != values
    tap = missing.astype(dtype)
    for i in range(1, k - 1):
        missing &= stacked[i] != values
        tap += missing
    if values.dtype.kind == "f":
        nan = xp.isnan(values)
        if xp is not np or nan.any():  # rare: PyTorch keeps the last NaN (on a device: no sync to ask)
            last = k - 1 - xp.isnan(stacked[::-1]).argmax(axis=0)
            tap = xp.where(nan, last, tap).astype(dtype)
    return tap


def _scatter_fwd(xp: Any, a: Any, tap: Any, windows: Windows, spatial: Ints) -> Any:
    nd = len(spatial)
    g, tap = _as_planes(a, nd), _as_planes(tap, nd)
    acc = xp.zeros((*g.shape[:2], *padded(spatial, windows.pads)), dtype=a.dtype)
    if xp is np and windows.tables is None and not windows.overlap:
        # the windows tile the input: each gradient is written to one flat position, in
        # increasing order (one indexed write, where a write per tap goes through strided slices)
        acc.reshape(-1)[_flat_targets(windows, tap, acc.shape)] = g.reshape(-1)
    else:
        _add_per_tap(xp, acc, g, tap, windows)
    return xp.ascontiguousarray(crop(acc, windows.pads)).reshape(*a.shape[: a.ndim - nd], *spatial)


def _add_per_tap(xp: Any, acc: Any, g: Any, tap: Any, windows: Windows) -> None:
    """Each tap's share of g (where it was the chosen one) added into acc through its window slice."""
    for i, t in enumerate(taps(windows.kernel)):
        index = windows.index(t)
        if windows.tables is not None:  # adaptive windows may share a position within one tap
            index = tuple(on_device_of(k, acc) if isinstance(k, np.ndarray) else k for k in index)
            xp.add.at(acc, index, g * (tap == i))
        elif windows.overlap:
            acc[index] += g * (tap == i)
        else:  # the taps tile the input: write each one in place
            xp.multiply(g, tap == i, out=acc[index])
    if windows.tables is None and not windows.overlap:
        acc += 0.0  # a negative g times False wrote -0.0: PyTorch's zeros print as "0."

# Per layout, the flat position of every window's first tap and each tap's offset from it: a
# training loop pools the same shapes every step, and recomputing them would cost as much as the
# scatter itself. A few layouts are kept.
_LAYOUTS: dict[tuple, tuple[Any, Any]] = {}
_LAYOUTS_KEPT = 16


def _layout(shape: Ints, windows: Windows) -> tuple[Any, Any]:
    """(corners (1, planes, *out), offsets (K,)): flat indices into a C-contiguous `shape` (1, planes, *padded)."""
    key = (shape, windows.out, windows.stride, windows.kernel, windows.dilation)
    layout = _LAYOUTS.get(key)
    if layout is None:
        if len(_LAYOUTS) >= _LAYOUTS_KEPT:
            _LAYOUTS.pop(next(iter(_LAYOUTS)))
        strides = flat_strides(shape)
        axes = np.ix_(np.arange(shape[1]) * strides[1],
                      *[np.arange(o) * (s * f) for o, s, f in zip(windows.out, windows.stride, strides[2:])])
        corners = axes[0]
        for a in axes[1:]:
            corners = corners + a
        offsets = np.array([sum(a * d * f for a, d, f in zip(t, windows.dilation, strides[2:]))
                            for t in taps(windows.kernel)])
        layout = _LAYOUTS[key] = (corners[None], offsets)
    return layout


def _flat_targets(windows: Windows, tap: Any, shape: Ints) -> Any:
    """The flat index into `shape` (1, planes, *padded) of each output's chosen tap, in output order."""
    corners, offsets = _layout(shape, windows)
    targets = offsets.take(tap.astype(np.intp))  # (indexing with the uint8 taps themselves is ~4x slower)
    targets += corners
    return targets.reshape(-1)


def _gather_fwd(xp: Any, a: Any, tap: Any, windows: Windows) -> Any:
    nd = len(windows.kernel)
    stacked = windows.stack(xp, pad_const(xp, _as_planes(a, nd), windows.pads))
    return xp.take_along_axis(stacked, _as_planes(tap, nd)[None], axis=0)[0].reshape(tap.shape)


def _scatter_rule(g: Tensor, tap: Any, windows: Windows) -> Tensor:
    return _GATHER(g, tap=tap, windows=windows)  # the adjoint of a scatter is the gather from the same taps


def _gather_rule(g: Tensor, tap: Any, windows: Windows, a_shape: Ints) -> Tensor:
    return _SCATTER(g, tap=tap, windows=windows, spatial=a_shape[len(a_shape) - len(windows.kernel):])


def _unrecorded_zeros(g: Tensor) -> Tensor:
    """A max pool backward's derivative in the pooled input: zeros (its taps are locally constant).

    Left out of the graph, as PyTorch's `zeros_like(self)` is: a Hessian w.r.t. the input comes
    out zeros, and does not require grad itself.
    """
    return Tensor._make(namespace(g._data).zeros(g._data.shape, dtype=g._data.dtype))


_SCATTER = Primitive("max_pool_backward", _scatter_fwd, [_scatter_rule], node_name="MaxPoolBackwardBackward0")
_GATHER = Primitive("max_pool_gather", _gather_fwd, [_gather_rule], node_name="MaxPoolBackwardBackward0")


def _max_primitive(node: str) -> Primitive:
    """The max pool whose node is `node` (`<Kind>Backward0`); its backward's is `<Kind>BackwardBackward0`."""
    # the backward is a scatter of g that takes the pooled input x too, as PyTorch's does: with
    # create_graph, the gradient w.r.t. x is then in the graph (and flat in x), so a second
    # derivative w.r.t. x is zeros rather than "appears to not have been used in the graph"
    backward = Primitive(
        "max_pool_backward",
        lambda xp, g, x, tap, windows, spatial: _scatter_fwd(xp, g, tap, windows, spatial),
        [_scatter_rule, _unrecorded_zeros],
        inputs=("g", "x"),
        node_name=node.removesuffix("0") + "Backward0",
    )

    def rule(g: Tensor, a: Tensor, tap: Any, windows: Windows) -> Tensor:
        spatial = tuple(a.shape[a.dim() - len(windows.kernel):])
        return backward(g, a, tap=tap, windows=windows, spatial=spatial)

    # the forward hands back the values computed (with their taps) by `_WINDOW_MAX`
    # (laid out as PyTorch's: channels-last for a channels-last input)
    return Primitive("max_pool", lambda xp, a, tap, windows, values: as_input_suggests(xp, values, a), [rule],
                     node_name=node)


_MAX_NODES = {name: _max_primitive(name) for name in (
    "MaxPool2DWithIndicesBackward0", "MaxPool3DWithIndicesBackward0", "AdaptiveMaxPool2DBackward0",
    "AdaptiveMaxPool3DBackward0",
)}
# the window maxima and their taps, and PyTorch's indices from the taps, depend on the input's
# values: primitives (not differentiable) of their own, so a recording sees them as operations
_WINDOW_MAX = Primitive("window_max", first_max, [None], n_outputs=2)
_INDICES = Primitive(
    "max_pool_indices",
    lambda xp, tap, windows, spatial, source: as_input_suggests(xp, indices_of(windows, tap, spatial), source),
    [None],
)


def max_pool(x: Tensor, windows: Windows, node: str, return_indices: bool) -> Any:
    """Max over each window of x (*lead, *S) -> (*lead, *out) [, int64 flat indices]."""
    # every leading index is pooled alike, so a vmap's batch is one more of them
    if _vmap.active and (r := batched("elementwise", max_pool, x, windows, node, return_indices)) is not NOT_BATCHED:
        return r
    values, tap = _WINDOW_MAX(Tensor._make(x._data) if x._requires_grad else x, windows=windows)
    out = _MAX_NODES[node](x, tap=tap._data, windows=windows, values=values._data)
    if not return_indices:
        return out
    spatial = x.shape[x.dim() - len(windows.kernel):]
    return out, _INDICES(tap, windows=windows, spatial=tuple(spatial), source=x._data)


def indices_of(windows: Windows, tap: Any, spatial: Ints) -> Any:
    """PyTorch's indices: the flat position (over the spatial dims) of each output's maximum."""
    xp = namespace(tap)
    digits = xp.unravel_index(tap, windows.kernel)
    strides = flat_strides(spatial)
    nd = len(spatial)
    flat = xp.zeros(tap.shape, dtype=np.int64)
    for dim, (a, f) in enumerate(zip(digits, strides)):
        o = xp.arange(windows.out[dim]).reshape((-1,) + (1,) * (nd - 1 - dim))
        if windows.tables is None:
            pos = o * windows.stride[dim] + a * windows.dilation[dim] - windows.pads[dim][0]
        else:
            pos = on_device_of(windows.tables[dim], tap)[o, a]
        flat += pos * f
    return flat


# --- average pooling: window sums over a divisor, and their adjoint ---------------------------


def _avg_fwd(xp: Any, a: Any, windows: Windows, divisor: Any) -> Any:
    nd = len(windows.kernel)
    sums = xp.add.reduce(windows.stack(xp, pad_const(xp, _as_planes(a, nd), windows.pads)), axis=0)
    d = on_device_of(divisor.astype(a.dtype, copy=False), a)
    if a.dtype.kind == "i":  # int64, PyTorch's one integer kernel: the sum divided as C++ divides, toward zero
        quotient = xp.abs(sums) // xp.abs(d)
        means = xp.where((sums < 0) != (d < 0), -quotient, quotient)
    else:
        means = sums / d
    return means.reshape(*a.shape[: a.ndim - nd], *windows.out)


def _spread_fwd(xp: Any, a: Any, windows: Windows, divisor: Any, spatial: Ints) -> Any:
    nd = len(spatial)
    part = _as_planes(a, nd) / on_device_of(divisor.astype(a.dtype, copy=False), a)
    parts = xp.broadcast_to(part, (math.prod(windows.kernel), *part.shape))
    out = xp.ascontiguousarray(windows.spread(xp, parts, spatial))
    return out.reshape(*a.shape[: a.ndim - nd], *spatial)


def _avg_rule(g: Tensor, windows: Windows, divisor: Any, a_shape: Ints) -> Tensor:
    spatial = a_shape[len(a_shape) - len(windows.kernel):]
    return _SPREAD(g, windows=windows, divisor=divisor, spatial=spatial)  # each input gets g / divisor


def _spread_rule(g: Tensor, windows: Windows, divisor: Any) -> Tensor:
    return _AVG_INNER(g, windows=windows, divisor=divisor)


def _avg_primitive(node: str) -> Primitive:
    return Primitive("avg_pool", _avg_fwd, [_avg_rule], node_name=node)


_SPREAD = Primitive("avg_pool_backward", _spread_fwd, [_spread_rule], node_name="AvgPoolBackwardBackward0")
_AVG_INNER = _avg_primitive("AvgPoolBackwardBackward0")
_AVG_NODES = {name: _avg_primitive(name) for name in (
    "AvgPool2DBackward0", "AvgPool3DBackward0", "AdaptiveAvgPool2DBackward0", "AdaptiveAvgPool3DBackward0",
)}


def avg_pool(x: Tensor, windows: Windows, divisor: Any, node: str) -> Tensor:
    """Sum over each window of x (*lead, *S) divided by `divisor` (out,) (broadcast)."""
    return _AVG_NODES[node](x, windows=windows, divisor=divisor)


def grid_divisor(spatial: Ints, windows: Windows, pad: Ints, count_include_pad: bool) -> Any:
    """PyTorch's avg_pool divisor per output: the window clipped to the padded (or real) input."""
    div = np.ones((1, 1) + windows.out)
    for dim, (n, k, s, p, o) in enumerate(zip(spatial, windows.kernel, windows.stride, pad, windows.out)):
        start = np.arange(o) * s - p
        stop = np.minimum(start + k, n + p)
        if not count_include_pad:
            start, stop = np.maximum(start, 0), np.minimum(stop, n)
        shape = [1] * (2 + len(spatial))
        shape[2 + dim] = o
        div = div * (stop - start).reshape(shape)
    return div


def adaptive_mean_maps(spatial: Ints, out: Ints, dtype: Any) -> tuple:
    """Per-dim (index, weight) maps averaging PyTorch's adaptive windows (for `resample`)."""
    maps = []
    for t, n in zip(Windows.adaptive(spatial, out).tables, spatial):
        valid = t < n
        weights = valid / valid.sum(axis=1, keepdims=True)
        maps.append((np.where(valid, t, 0), weights.astype(dtype)))
    return tuple(maps)
