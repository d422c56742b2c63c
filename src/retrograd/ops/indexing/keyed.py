"""Reading and writing array elements through a NumPy index key, differentiably.

Every indexing op that copies (advanced indexing, gather, take, index_select,
masked_select, ...) reads `a[key]`, and every op that writes (index_put, scatter,
put, index_copy, masked_scatter, ...) writes `out[key] = v` or adds `v` there.
The two are each other's transpose, so two rules cover all of them:

    y = a[key]                    dL/da = zeros(a.shape) with dL/dy added at key
    y = a; y[key] = v             dL/da = dL/dy with key zeroed,  dL/dv = (dL/dy)[key]
    y = a; y[key] += v            dL/da = dL/dy,                  dL/dv = (dL/dy)[key]

A key is a tuple of integer arrays and full slices (`slice(None)`), or a
`FlatKey`, which indexes the array's flattened elements (take, put, masks).
Each op gets its own Primitive (for PyTorch's node name), all built here. PyTorch saves
the indices of each as tensors, so the primitives are `saves_number`: a second backward
through a freed node raises, as there.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ...backend import namespace
from ...engine.primitive import Primitive
from ...tensor import Tensor
from ..kernels.placement import in_index_layout


class FlatKey(tuple):
    """A key into the array's elements in row-major order (`a.reshape(-1)[idx]`)."""


def _target(arr: Any, key: tuple) -> Any:
    return arr.reshape(-1) if type(key) is FlatKey else arr


def read(arr: Any, key: tuple) -> Any:
    """`arr[key]` for either kind of key."""
    return _target(arr, key)[tuple(key)]


def write(arr: Any, key: tuple, v: Any) -> None:
    """`arr[key] = v` for either kind of key (`arr` must be C-contiguous)."""
    _target(arr, key)[tuple(key)] = v


def reduce_at(arr: Any, key: tuple, v: Any, ufunc: Any = np.add) -> None:
    """`arr[key] op= v` with repeated positions applied one after another (`ufunc.at`)."""
    target = _target(arr, key)
    xp = namespace(target)
    if xp is not np:  # a device array: the device's ufunc, and index arrays moved over as indexing does
        ufunc = getattr(xp, ufunc.__name__.removeprefix("cupy_"))
        key = tuple(xp.asarray(k) if isinstance(k, np.ndarray) else k for k in key)
        v = xp.asarray(v, dtype=target.dtype)  # CuPy's ufunc.at does not cast (bool counts into floats)
    ufunc.at(target, tuple(key), v)


def _take_forward(xp: Any, a: Any, key: tuple) -> Any:
    # row-major, as PyTorch allocates these results: NumPy lays out `a[:, idx]` with the indexed
    # dim outermost in memory, so `x[:, idx].view(n, -1)` would fail where PyTorch's works
    r = read(a, key)
    return xp.ascontiguousarray(r).reshape(r.shape)  # (ascontiguousarray makes a 0-d array 1-d)


def _index_forward(xp: Any, a: Any, key: tuple) -> Any:
    # `t[idx]` is a TensorIterator op in PyTorch: its result follows the layout of `a` (see in_index_layout)
    return in_index_layout(xp, _take_forward(xp, a, key), a, key)


def _accumulate_forward(xp: Any, g: Any, shape: tuple, key: tuple, unique: bool = False) -> Any:
    out = xp.zeros(shape, g.dtype)
    if unique:  # no position repeats: a plain assignment, much cheaper than ufunc.at
        write(out, key, g)
    else:
        reduce_at(out, key, g)
    return out


def _put_forward(xp: Any, a: Any, v: Any, key: tuple, accumulate: bool) -> Any:
    out = a.copy(order="C")  # contiguous, so a flat key writes through a view
    if accumulate:
        reduce_at(out, key, v)
    else:
        write(out, key, v)
    return out


def _zero(g: Tensor) -> Tensor:
    return Tensor._make(np.zeros((), g._data.dtype))


def take_rule(g: Tensor, a_shape: tuple, key: tuple) -> Tensor:
    """d a[key] / da: the gradient added back at key into zeros (repeats add up)."""
    return accumulate(g, shape=a_shape, key=key)


def put_rule_a(g: Tensor, key: tuple, accumulate: bool) -> Tensor:
    """d put(a, v) / da: overwritten positions get no gradient; added-to ones pass it on."""
    return g if accumulate else index_put(g, _zero(g), key=key, accumulate=False)


def put_rule_v(g: Tensor, key: tuple) -> Tensor:
    """d put(a, v) / dv: the gradient read at key (the engine sums it down to v's shape)."""
    return index(g, key=key)


# The node PyTorch records for each taker's gradient (seen in a create_graph=True gradient's grad_fn)
_GRADIENT_NODES = {
    "index": "IndexPutImplBackward0", "index_select": "IndexAddBackward0", "gather": "ScatterAddBackward0",
    "masked_select": "MaskedScatterBackward0", "take": "PutBackward0",
}


# each taker's gradient as a primitive of its own, made here (one file per primitive name): the
# transpose of reading at key, under that node name
_ADDERS = {
    name: Primitive(
        "index_put", _accumulate_forward, [lambda g, key: index(g, key=key)], node_name=node, saves_number=True
    )
    for name, node in _GRADIENT_NODES.items()
}


def taker(name: str, node_name: str | None = None) -> Primitive:
    """A Primitive `(a, key) -> a[key]` named after the PyTorch op it implements."""
    forward = _index_forward if name == "index" else _take_forward
    if name not in _ADDERS:
        return Primitive(name, forward, [take_rule], node_name=node_name, saves_number=True)
    adder = _ADDERS[name]
    # as take_rule, under the node name PyTorch gives this op's gradient
    return Primitive(
        name, forward, [lambda g, a_shape, key: adder(g, shape=a_shape, key=key)], node_name=node_name,
        saves_number=True,
    )


def putter(name: str, node_name: str | None = None) -> Primitive:
    """A Primitive `(a, v, key, accumulate) -> a with v written (or added) at key`."""
    return Primitive(
        name, _put_forward, [put_rule_a, put_rule_v], inputs=("a", "v"), node_name=node_name, saves_number=True
    )


index = taker("index")
index_put = putter("index_put")
accumulate = Primitive(
    "index_put", _accumulate_forward,
    [lambda g, key: index(g, key=key)],  # the transpose of reading at key
    node_name="IndexPutBackward0", saves_number=True,
)


# --- keys and checks shared by the indexing ops ---------------------------------------


def along_dim_key(index_data: np.ndarray, dim: int) -> tuple:
    """The key of gather/scatter: `index` at `dim`, every other dim's own position.

    Positions range over the index's shape (which may be smaller than the
    tensor's), so `out[i][j] = a[index[i][j]][j]` for dim 0.
    """
    n = index_data.ndim
    if n == 0:
        return FlatKey((index_data.astype(np.intp),))
    key = []
    for d in range(n):
        if d == dim:
            key.append(index_data.astype(np.intp))
        else:
            shape = [1] * n
            shape[d] = index_data.shape[d]
            key.append(np.arange(index_data.shape[d], dtype=np.intp).reshape(shape))
    return tuple(key)


def dim_key(dim: int, index_data: np.ndarray) -> tuple:
    """The key of index_select/index_add/...: `index` along `dim`, everything else whole."""
    return (slice(None),) * dim + (index_data.astype(np.intp).reshape(-1),)


def check_bounds(
    idx: np.ndarray, size: int, negative_ok: bool, error: Callable[[int], Exception]
) -> None:
    """Raise `error(value)` for the first index outside the dimension."""
    if idx.size == 0:
        return
    low = -size if negative_ok else 0
    if idx.min() < low or idx.max() >= size:
        raise error(int(idx[(idx < low) | (idx >= size)][0]))


def check_index_dtype(index: Any, allowed: Sequence[str], error: Callable[[str], Exception]) -> np.ndarray:
    """The index tensor's data, after checking its dtype is one of `allowed`."""

    if not isinstance(index, Tensor):
        raise TypeError(f"expected Tensor as index, but got {type(index).__name__}")
    if index._data.dtype.name not in allowed:
        raise error(index.dtype.kind_name)
    return index._data


def check_same_dtype(a: Tensor, b: Tensor, message: Callable[[str, str], str]) -> None:
    """RuntimeError(message(a_kind, b_kind)) when the two dtypes differ."""
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(message(a.dtype.kind_name, b.dtype.kind_name))


def broadcast_shape(a: tuple, b: tuple) -> tuple:
    """The broadcast of two shapes, with PyTorch's message when they do not match."""
    n = max(len(a), len(b))
    pa, pb = (1,) * (n - len(a)) + tuple(a), (1,) * (n - len(b)) + tuple(b)
    out = []
    for i in range(n - 1, -1, -1):
        if pa[i] != pb[i] and pa[i] != 1 and pb[i] != 1:
            raise RuntimeError(
                f"The size of tensor a ({pa[i]}) must match the size of tensor b ({pb[i]}) at "
                f"non-singleton dimension {i}"
            )
        out.append(pb[i] if pa[i] == 1 else pa[i])
    return tuple(reversed(out))


def indexed_shape(shape: tuple, key: tuple) -> tuple:
    """The shape of `a[key]` for an array of `shape`, without indexing anything."""
    arrays = [i for i, k in enumerate(key) if not isinstance(k, slice)]
    if not arrays:
        return tuple(shape)
    b = np.broadcast_shapes(*(np.shape(key[i]) for i in arrays))
    if type(key) is FlatKey:
        return b
    first, last = arrays[0], arrays[-1]
    if last - first + 1 == len(arrays):  # adjacent index arrays stay in place (NumPy's rule)
        return tuple(shape[:first]) + b + tuple(shape[last + 1 :])
    return b + tuple(s for i, s in enumerate(shape) if i not in arrays)
