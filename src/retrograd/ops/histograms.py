"""histogram and histogramdd: counts (or summed weights) of a float tensor's points in bins, with the bin edges.

No gradient. As in PyTorch, when the input, the weight or a tensor of edges requires grad the
outputs carry a node that refuses backward (`grad_fn=<NotImplemented>`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .. import return_types
from .._threads import get_num_threads
from ..engine.primitive import Primitive
from ..engine.vmap_hook import NOT_BATCHED, batched
from ..engine.vmap_hook import hook as _vmap
from ..tensor import Tensor
from .kernels.arg_types import tensor_arg
from .kernels.out_arg import same, write_out
from .kernels.spacing import linspace_values

__all__ = ["histogram", "histogramdd"]

_PREFIX = "torch.histogramdd: "


def _refusing(op: str) -> Primitive:
    """A node for an output computed without a derivative: it passes the result on and refuses backward."""

    def no_derivative(g: Tensor) -> None:
        raise RuntimeError(f"derivative for aten::{op} is not implemented")

    return Primitive(op, lambda xp, a, result: result, [no_derivative], node_name="NotImplemented")


_HISTOGRAM = _refusing("histogram")
_BIN_EDGES = _refusing("_histogramdd_bin_edges")
_FROM_BIN_CTS = _refusing("_histogramdd_from_bin_cts")
_FROM_BIN_TENSORS = _refusing("_histogramdd_from_bin_tensors")


def _output(node: Primitive, result: np.ndarray, sources: Sequence[Tensor | None]) -> Tensor:
    """`result` as a tensor, recorded under `node` when one of `sources` requires grad."""
    wanting = [t for t in sources if t is not None and t.requires_grad]
    return node(wanting[0], result=result) if wanting else Tensor._make(result)


def _check_bin_count(count: int, dim: int) -> None:
    if count <= 0:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {count} for dimension {dim}")


def _outer_edges(column: np.ndarray, dim: int, span: Sequence[float] | None) -> tuple[float, float]:
    """The first and last edge of dim `dim`: `span`, or the data's range (0 to 1 without data), widened when flat."""
    if span is not None:
        low, high = float(span[0]), float(span[1])
    elif column.size:
        low, high = float(column.min()), float(column.max())
    else:
        low, high = 0.0, 1.0
    if not (np.isfinite(low) and np.isfinite(high)):
        raise RuntimeError(f"{_PREFIX}dimension {dim}'s range [{low:g}, {high:g}] is not finite")
    if low > high:
        raise RuntimeError(f"{_PREFIX}min should not exceed max, but got min {low:g} max {high:g} for dimension {dim}")
    if low == high:  # NumPy's widening, so that the bins have a width
        low, high = low - 0.5, high + 0.5
    return low, high


def _spans(ends: Any, n_dims: int) -> list[Sequence[float] | None]:
    """The `range` argument, a flat (min0, max0, min1, max1, ...), as one (min, max) per dim."""
    if ends is None:
        return [None] * n_dims
    flat = [float(v) for v in ends]
    if len(flat) != 2 * n_dims:
        raise RuntimeError(
            f"{_PREFIX}for a {n_dims}-dimensional histogram range should have {2 * n_dims} elements, but got "
            f"{len(flat)}"
        )
    return [flat[2 * d : 2 * d + 2] for d in range(n_dims)]


def _uniform_edges(points: np.ndarray, counts: Sequence[int], spans: Sequence[Sequence[float] | None]) -> list:
    """`counts[d] + 1` equal-width edges per dim, in the points' dtype, spaced as PyTorch's linspace."""
    outer = [_outer_edges(points[:, d], d, span) for d, span in enumerate(spans)]
    return [linspace_values(low, high, n + 1, points.dtype) for (low, high), n in zip(outer, counts)]


def _check_edges(a: np.ndarray, edges: Tensor, dim: int) -> np.ndarray:
    e = edges._data
    if e.dtype != a.dtype:
        raise RuntimeError(
            f"{_PREFIX}input tensor and bins tensors should have the same dtype, but got input with dtype "
            f"{_c_name(a.dtype)} and bins for dimension {dim} with dtype {_c_name(e.dtype)}"
        )
    if e.ndim != 1:
        raise RuntimeError(
            f"{_PREFIX}bins tensor should have one dimension, but got {e.ndim} dimensions in the bins tensor "
            f"for dimension {dim}"
        )
    if e.size == 0:
        raise RuntimeError(
            f"{_PREFIX}bins tensor should have at least 1 element, but got 0 elements in the bins tensor for "
            f"dimension {dim}"
        )
    return e


def _c_name(dt: np.dtype) -> str:
    return {"float32": "float", "float64": "double", "float16": "c10::Half", "int64": "long int", "int32": "int"}.get(
        dt.name, dt.name
    )


def _check_weight(points_shape: tuple, weight: Tensor, dtype: np.dtype) -> np.ndarray:
    """The weight, one per point: the input's shape without its innermost dim, and its dtype."""
    w = weight._data
    if w.shape != points_shape[:-1]:
        raise RuntimeError(
            f"{_PREFIX}if weight tensor is provided it should have the same shape as the input tensor excluding "
            f"its innermost dimension, but got input with shape {list(points_shape)} and weight with shape "
            f"{list(w.shape)}"
        )
    if w.dtype != dtype:
        raise RuntimeError(
            f"{_PREFIX}if weight tensor is provided, input tensor and weight tensor should have the same dtype, "
            f"but got input({_c_name(dtype)}), and weight({_c_name(w.dtype)})"
        )
    return w


def _counts(points: np.ndarray, edges: Sequence[np.ndarray], weight: np.ndarray | None) -> np.ndarray:
    """Sum of weights per bin of the (M, N) points; a bin is [e_k, e_k+1), the last one closed on the right."""
    if not edges:  # points of no dims: one empty bin
        return np.zeros((), points.dtype)
    inside = np.ones(points.shape[0], dtype=bool)
    for d, e in enumerate(edges):
        inside &= (points[:, d] >= e[0]) & (points[:, d] <= e[-1])  # NaN and reversed edges count nowhere
    shape = tuple(e.size - 1 for e in edges)
    index = [
        np.minimum(np.searchsorted(e, points[inside, d], side="right") - 1, n - 1)
        for d, (e, n) in enumerate(zip(edges, shape))
    ]
    flat = np.ravel_multi_index(index, shape)
    w = None if weight is None else weight.ravel()[inside]
    if w is not None and w.dtype == np.float32:
        counts = _float32_weighted_counts(flat, w, np.flatnonzero(inside), inside.size, int(np.prod(shape)))
    else:
        counts = np.bincount(flat, weights=w, minlength=int(np.prod(shape)))
    return counts.reshape(shape).astype(points.dtype)


# PyTorch's histogram kernel: a parallel_for over the points with this grain, one local histogram per thread
_GRAIN = 200


def _float32_weighted_counts(flat: np.ndarray, w: np.ndarray, at: np.ndarray, n: int, size: int) -> np.ndarray:
    """PyTorch's float32 sums: each thread adds its share's weights in order, then the shares add up.

    `parallel_for` splits the n points into min(threads, ⌈n / 200⌉) chunks of ⌈n / chunks⌉; each adds
    the weights of its points (those in range: `flat` their bins, `at` their positions) into its own
    bins in float32, one after another (np.add.at), and the chunk histograms are added to zeros in
    thread order. np.bincount would add in float64 and round once.
    """
    chunks = max(1, min(get_num_threads(), -(-n // _GRAIN)))
    step = max(1, -(-n // chunks))
    total = np.zeros(size, np.float32)
    for chunk in range(chunks):
        mine = (at >= chunk * step) & (at < (chunk + 1) * step)
        local = np.zeros(size, np.float32)
        np.add.at(local, flat[mine], w[mine])
        total += local
    return total


def _density(hist: np.ndarray, edges: Sequence[np.ndarray]) -> np.ndarray:
    """Counts over the total, then over each dim's bin widths, one division at a time (PyTorch's order)."""
    with np.errstate(all="ignore"):
        hist = hist / hist.dtype.type(hist.sum())
        for d, e in enumerate(edges):
            hist = hist / np.diff(e).reshape([-1 if k == d else 1 for k in range(len(edges))])
    return hist.astype(hist.dtype)


def _float_points(input: Tensor) -> np.ndarray:
    a = input._data
    if a.dtype.kind != "f" or a.dtype.itemsize < 4:  # PyTorch's kernel: float and double only
        raise NotImplementedError(f"\"histogramdd\" not implemented for '{input.dtype.kind_name}'")
    return a


_HISTOGRAM_OVERLOADS = (
    "histogram() received an invalid combination of arguments - got (Tensor, {got}), but expected one of:\n"
    " * (Tensor input, Tensor bins, *, Tensor weight = None, bool density = False)\n"
    " * (Tensor input, int bins = 100, *, tuple of floats range = None, Tensor weight = None, bool density = False)\n"
)




def _same_as_input(name: str) -> Any:
    """histogram's out rule for its `name` result: the input's dtype, in PyTorch's words."""
    return same(
        f"torch.histogram: input tensor and {name} tensor should have the same dtype, but got input {{src_c}} and "
        f"{name} {{dst_c}}"
    )


_HIST_OUT, _EDGES_OUT = _same_as_input("hist"), _same_as_input("bin_edges")


def histogram(
    input: Tensor, bins: int | Tensor = 100, *, range: Any = None, weight: Tensor | None = None, density: bool = False,
    out: Any = None,
) -> Any:
    """A histogram of the floating `input`'s values: `(hist, bin_edges)`.

    Args:
        input (Tensor): floating, any shape (flattened).
        bins (int or Tensor): a number of equal-width bins over `range` (default 100), or a 1-D
            tensor of increasing edges.
        range (tuple of float, optional): (min, max) of the equal-width bins (default: the data's
            min and max); values outside are not counted. Not read when `bins` is a tensor.
        weight (Tensor, optional): `input`'s shape and dtype; each value adds its weight instead of 1.
        density (bool): normalise the counts so they integrate to 1 over the edges (default False).
        out (tuple of Tensor, optional): the `(hist, bin_edges)` tensors to write the result into.

    Returns:
        (Tensor, Tensor): named `hist` (one count per bin, `input`'s dtype) and `bin_edges` (one more than bins).

    Examples:
        >>> hist, edges = retrograd.histogram(retrograd.tensor([1.0, 2.0, 1.0, 4.0]), bins=3)
        >>> hist, edges
        (tensor([2., 1., 1.]), tensor([1., 2., 3., 4.]))
        >>> retrograd.histogram(retrograd.tensor([0.5, 1.5, 1.7]), retrograd.tensor([0.0, 1.0, 2.0]), density=True).hist
        tensor([0.3333, 0.6667])
    """
    if out is not None:
        return write_out(out, histogram, locals(), _HIST_OUT, _EDGES_OUT, grad="none")
    if _vmap.active and (
        r := batched("loop", histogram, input, bins, range=range, weight=weight, density=density)
    ) is not NOT_BATCHED:
        return r
    tensor_arg("histogram", "input", 1, input)
    if not isinstance(bins, (int, np.integer, Tensor)) or isinstance(bins, bool):
        raise TypeError(_HISTOGRAM_OVERLOADS.format(got=type(bins).__name__))
    points = _float_points(input).reshape(-1, 1)
    if isinstance(bins, Tensor):
        edges = [_check_edges(points, bins, 0)]
        _check_bin_count(edges[0].size - 1, 0)
    else:
        _check_bin_count(int(bins), 0)
        edges = _uniform_edges(points, [int(bins)], _spans(range, 1))
    w = None if weight is None else _check_weight(input._data.shape + (1,), weight, points.dtype)
    hist = _counts(points, edges, w)
    if density:
        hist = _density(hist, edges)
    sources = (input, weight, bins if isinstance(bins, Tensor) else None)
    return return_types.histogram(
        _output(_HISTOGRAM, hist, sources), _output(_HISTOGRAM, np.array(edges[0], copy=True), sources)
    )


_HISTOGRAMDD_OVERLOADS = (
    "histogramdd() received an invalid combination of arguments - got ({got}), but expected one of:\n"
    " * (Tensor input, int bins, tuple of floats range = None, Tensor weight = None, bool density = False)\n"
    " * (Tensor input, tuple of ints bins, tuple of floats range = None, Tensor weight = None, bool density = False)\n"
    " * (Tensor input, tuple of Tensors bins, tuple of floats range = None, Tensor weight = None, bool density = "
    "False)\n"
)


def _bin_spec(bins: Any, n_dims: int) -> list:
    """`bins` as one entry per dim: all ints (bin counts) or all tensors (edges)."""
    if isinstance(bins, (int, np.integer)) and not isinstance(bins, bool):
        return [int(bins)] * n_dims
    if not isinstance(bins, (list, tuple)):
        raise TypeError(_HISTOGRAMDD_OVERLOADS.format(got=f"Tensor, {type(bins).__name__}"))
    if not all(isinstance(b, (int, np.integer)) and not isinstance(b, bool) for b in bins):
        for i, b in enumerate(bins):  # PyTorch reads a sequence that is not all ints as tensors
            if not isinstance(b, Tensor):
                raise TypeError(f"expected Tensor as element {i} in argument 1, but got {type(b).__name__}")
    return list(bins)


def histogramdd(
    input: Tensor, bins: Any, range: Any = None, weight: Tensor | None = None, density: bool = False
) -> Any:
    """A histogram of N-dimensional points, the innermost dim of `input`: `(hist, bin_edges)`.

    Args:
        input (Tensor): float32 or float64, shape `(..., N)`: the leading dims are flattened into points.
        bins (int, sequence of int, or sequence of Tensor): a number of equal-width bins for every dim,
            one number per dim, or one 1-D tensor of increasing edges per dim (`input`'s dtype).
        range (sequence of float, optional): `(min0, max0, ..., min(N-1), max(N-1))`, the ends of the
            equal-width bins (default: the data's min and max per dim); not read when `bins` are tensors.
        weight (Tensor, optional): shape `input.shape[:-1]`, `input`'s dtype; each point adds its weight.
        density (bool): normalise so the histogram integrates to 1 over the bins (default False).

    Returns:
        (Tensor, tuple of Tensor): named `hist` (N dims, one per dim's bins) and `bin_edges` (N 1-D tensors;
        the given tensors themselves when `bins` are tensors).

    Examples:
        >>> points = retrograd.tensor([[0.0, 0.0], [1.0, 1.0], [1.0, 0.0]])
        >>> hist, edges = retrograd.histogramdd(points, bins=[2, 1])
        >>> hist
        tensor([[1.],
                [2.]])
        >>> edges
        (tensor([0.0000, 0.5000, 1.0000]), tensor([0., 1.]))
    """
    if _vmap.active and (
        r := batched("loop", histogramdd, input, bins, range=range, weight=weight, density=density)
    ) is not NOT_BATCHED:
        return r
    tensor_arg("histogramdd", "input", 1, input)
    if isinstance(bins, Tensor) or isinstance(range, Tensor):  # no overload takes them: PyTorch's parser refuses
        given = [input, bins] + ([] if range is None else [range])
        raise TypeError(_HISTOGRAMDD_OVERLOADS.format(got=", ".join(type(a).__name__ for a in given)))
    if input.dim() < 2:
        raise RuntimeError(f"{_PREFIX}input tensor should have at least 2 dimensions")
    a = _float_points(input)
    n_dims = a.shape[-1]
    points = a.reshape(int(np.prod(a.shape[:-1])), n_dims)  # not -1: N may be 0
    spec = _bin_spec(bins, n_dims)
    given_edges = bool(spec) and isinstance(spec[0], Tensor)
    if given_edges and len(spec) != n_dims:
        raise RuntimeError(
            f"{_PREFIX}expected {n_dims} sequences of bin edges for a {n_dims}-dimensional histogram but got "
            f"{len(spec)}"
        )
    if not given_edges and len(spec) != n_dims:
        raise RuntimeError("histogramdd: The size of bins must be equal to the innermost dimension of the input.")
    if given_edges:
        edges = [_check_edges(points, e, d) for d, e in enumerate(spec)]
    else:
        edges = _uniform_edges(points, spec, _spans(range, n_dims))
    w = None if weight is None else _check_weight(a.shape, weight, a.dtype)
    for d, e in enumerate(edges):  # PyTorch checks the counts when it makes the outputs, after the rest
        _check_bin_count(e.size - 1, d)
    hist = _counts(points, edges, w)
    if density:
        hist = _density(hist, edges)
    if given_edges:
        return return_types.histogramdd(_output(_FROM_BIN_TENSORS, hist, [input, weight, *spec]), tuple(spec))
    out_edges = tuple(_output(_BIN_EDGES, np.array(e, copy=True), (input, weight)) for e in edges)
    return return_types.histogramdd(_output(_FROM_BIN_CTS, hist, (input, weight)), out_edges)
