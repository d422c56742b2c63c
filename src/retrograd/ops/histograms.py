"""histogram: counts (or summed weights) of a float tensor's values in bins, with the bin edges.

No gradient (PyTorch's outputs carry a node that refuses backward; ours carry none).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import return_types
from ..engine.vmap_hook import NOT_BATCHED, batched
from ..engine.vmap_hook import hook as _vmap
from ..tensor import Tensor
from .kernels.arg_types import tensor_arg

__all__ = ["histogram"]

_PREFIX = "torch.histogramdd: "


def _uniform_edges(a: np.ndarray, bins: int, range: Any) -> np.ndarray:
    """`bins + 1` equal-width edges over `range`, or over the data's range (widened when flat)."""
    if bins <= 0:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for dimension 0")
    if range is not None:
        low, high = float(range[0]), float(range[1])
    elif a.size:
        low, high = float(a.min()), float(a.max())
    else:
        low, high = 0.0, 1.0
    if low > high:
        raise RuntimeError(f"{_PREFIX}min should not exceed max, but got min {low:g} max {high:g} for dimension 0")
    if not (np.isfinite(low) and np.isfinite(high)):
        raise RuntimeError(f"{_PREFIX}dimension 0's range [{low:g}, {high:g}] is not finite")
    if low == high:
        low, high = low - 0.5, high + 0.5
    return np.linspace(low, high, bins + 1).astype(a.dtype)


def _check_edges(a: np.ndarray, edges: Tensor) -> np.ndarray:
    e = edges._data
    if e.dtype != a.dtype:
        raise RuntimeError(
            f"{_PREFIX}input tensor and bins tensors should have the same dtype, but got input with dtype "
            f"{_c_name(a.dtype)} and bins for dimension 0 with dtype {_c_name(e.dtype)}"
        )
    if e.ndim != 1:
        raise RuntimeError(
            f"{_PREFIX}bins tensor should have one dimension, but got {e.ndim} dimensions in the bins tensor "
            "for dimension 0"
        )
    return e


def _c_name(dt: np.dtype) -> str:
    return {"float32": "float", "float64": "double", "float16": "c10::Half", "int64": "long int", "int32": "int"}.get(
        dt.name, dt.name
    )


def _check_weight(a: np.ndarray, weight: Tensor) -> np.ndarray:
    w = weight._data
    if w.shape != a.shape:
        raise RuntimeError(
            f"{_PREFIX}if weight tensor is provided it should have the same shape as the input tensor excluding "
            f"its innermost dimension, but got input with shape {list(a.shape) + [1]} and weight with shape "
            f"{list(w.shape)}"
        )
    if w.dtype != a.dtype:
        raise RuntimeError(
            f"{_PREFIX}if weight tensor is provided, input tensor and weight tensor should have the same dtype, "
            f"but got input({_c_name(a.dtype)}), and weight({_c_name(w.dtype)})"
        )
    return w


def _counts(a: np.ndarray, edges: np.ndarray, weight: np.ndarray | None) -> np.ndarray:
    """Sum of weights per bin; bins are [e_k, e_k+1) except the last, which includes its right edge."""
    n_bins = edges.size - 1
    flat = a.ravel()
    w = None if weight is None else weight.ravel()
    if n_bins < 1 or edges[0] > edges[-1]:
        return np.zeros(max(n_bins, 0), a.dtype)
    inside = (flat >= edges[0]) & (flat <= edges[-1])
    index = np.searchsorted(edges, flat[inside], side="right") - 1
    index = np.minimum(index, n_bins - 1)
    counts = np.bincount(index, weights=None if w is None else w[inside], minlength=n_bins)
    return counts.astype(a.dtype)


_HISTOGRAM_OVERLOADS = (
    "histogram() received an invalid combination of arguments - got (Tensor, {got}), but expected one of:\n"
    " * (Tensor input, Tensor bins, *, Tensor weight = None, bool density = False)\n"
    " * (Tensor input, int bins = 100, *, tuple of floats range = None, Tensor weight = None, bool density = False)\n"
)


def histogram(
    input: Tensor, bins: int | Tensor = 100, *, range: Any = None, weight: Tensor | None = None, density: bool = False
) -> Any:
    """A histogram of the floating `input`'s values: `(hist, bin_edges)`.

    Args:
        input (Tensor): floating, any shape (flattened).
        bins (int or Tensor): a number of equal-width bins over `range` (default 100), or a 1-D
            tensor of increasing edges.
        range (tuple of float, optional): (min, max) of the equal-width bins (default: the data's
            min and max); values outside are not counted.
        weight (Tensor, optional): `input`'s shape and dtype; each value adds its weight instead of 1.
        density (bool): normalise the counts so they integrate to 1 over the edges (default False).

    Returns:
        (Tensor, Tensor): named `hist` (one count per bin, `input`'s dtype) and `bin_edges` (one more than bins).

    Examples:
        >>> hist, edges = retrograd.histogram(retrograd.tensor([1.0, 2.0, 1.0, 4.0]), bins=3)
        >>> hist, edges
        (tensor([2., 1., 1.]), tensor([1., 2., 3., 4.]))
        >>> retrograd.histogram(retrograd.tensor([0.5, 1.5, 1.7]), retrograd.tensor([0.0, 1.0, 2.0]), density=True).hist
        tensor([0.3333, 0.6667])
    """
    if _vmap.active and (
        r := batched("loop", histogram, input, bins, range=range, weight=weight, density=density)
    ) is not NOT_BATCHED:
        return r
    tensor_arg("histogram", "input", 1, input)
    if not isinstance(bins, (int, np.integer, Tensor)) or isinstance(bins, bool):
        raise TypeError(_HISTOGRAM_OVERLOADS.format(got=type(bins).__name__))
    a = input._data
    if a.dtype.kind != "f":
        raise NotImplementedError(f"\"histogramdd\" not implemented for '{input.dtype.kind_name}'")
    edges = _check_edges(a, bins) if isinstance(bins, Tensor) else _uniform_edges(a, int(bins), range)
    w = None if weight is None else _check_weight(a, weight)
    hist = _counts(a, edges, w)
    if density and hist.size:
        with np.errstate(all="ignore"):
            hist = (hist / (hist.sum() * np.diff(edges))).astype(a.dtype)
    return return_types.histogram(Tensor._make(hist), Tensor._make(np.array(edges, copy=True)))
