"""Op table: indexing (`t[i]`, `t[i] = v`), gather/scatter, index_*, masked_*, take/put, nonzero.

Index arrays are int64 (or bool) NumPy arrays, so they become index tensors in
both retrograd and PyTorch and are not differentiated. Where a write with
repeated indices would make the gradient ill-defined (which write wins), the
indices are distinct.
"""

from __future__ import annotations

import numpy as np

from .harness import OpCase, away_from_zero, inputs_of, rand

no_grad = dict(grad=False, gradgrad=False)


def const(value):
    """An input maker that always gives `value` (index arrays, masks)."""
    return lambda rng: np.array(value)


def distinct_rows(rows, k, n):
    """A (rows, k) int64 array whose rows hold distinct values in [0, n)."""
    return lambda rng: np.stack([rng.permutation(n)[:k] for _ in range(rows)])


def ints(shape, n):
    return lambda rng: rng.integers(0, n, shape)


def mask(*shape):
    return lambda rng: rng.random(shape) > 0.5


def get(name_variant, fn, ref, *makers, **kw):
    return OpCase("getitem", fn, inputs_of(*makers), ref, variant=name_variant, **kw)


def assigned(index):
    """fn for `out = a.clone(); out[index] = v`: differentiable w.r.t. a and v."""
    def fn(m, a, v):
        out = a.clone()
        out[index] = v
        return out
    return fn


def assigned_ref(index):
    def ref(a, v):
        out = a.copy()
        out[index] = v
        return out
    return ref


def setc(variant, index, value_maker, a_maker=rand(3, 4), **kw):
    return OpCase("setitem", assigned(index), inputs_of(a_maker, value_maker), assigned_ref(index), variant=variant, **kw)


def _scatter_ref(a, dim, idx, src, op=None):
    out = a.copy()
    pos = list(np.indices(idx.shape))
    pos[dim] = idx
    vals = src[tuple(slice(0, s) for s in idx.shape)] if np.ndim(src) else src
    if op is None:
        out[tuple(pos)] = vals
    else:
        op.at(out, tuple(pos), np.broadcast_to(vals, idx.shape))
    return out


def _scatter_mean_ref(a, idx, src, include_self):
    """scatter_reduce(a, 1, idx, src, 'mean') for 2-d inputs."""
    total = a.copy() if include_self else np.where(_hit(a, idx), 0.0, a)
    count = np.ones(a.shape) if include_self else (~_hit(a, idx)).astype(float)
    rows = np.arange(idx.shape[0])[:, None]
    np.add.at(total, (rows, idx), src[:, : idx.shape[1]])
    np.add.at(count, (rows, idx), 1)
    return total / np.maximum(count, 1)


def _hit(a, idx):
    hit = np.zeros(a.shape, bool)
    hit[np.arange(idx.shape[0])[:, None], idx] = True
    return hit


def _scatter_reduce_ref(a, idx, src, ufunc, include_self, start):
    out = a.copy()
    if not include_self:
        out[_hit(a, idx)] = start
    ufunc.at(out, (np.arange(idx.shape[0])[:, None], idx), src[:, : idx.shape[1]])
    return out


def _index_put_ref(a, v, key, accumulate):
    out = a.copy()
    if accumulate:
        np.add.at(out, key, v)
    else:
        out[key] = v
    return out


IDX = ints((2, 3), 4)

CASES = [
    # --- t[index]: basic indexing gives views -----------------------------------------------
    get("int", lambda m, a: a[1], lambda a: a[1], rand(3, 4)),
    get("negative_int", lambda m, a: a[-1, 2], lambda a: a[-1, 2], rand(3, 4)),
    get("slice_step", lambda m, a: a[1:, ::2], lambda a: a[1:, ::2], rand(3, 5)),
    get("slice_clamped", lambda m, a: a[-10:10, 1:-1], lambda a: a[-10:10, 1:-1], rand(3, 4)),
    get("empty_slice", lambda m, a: a[2:1], lambda a: a[2:1], rand(3, 4)),
    get("full_slice", lambda m, a: a[:], lambda a: a[:], rand(3, 4)),
    get("none_ellipsis", lambda m, a: a[None, ..., 1], lambda a: a[None, ..., 1], rand(2, 3, 4)),
    get("ellipsis", lambda m, a: a[...], lambda a: a, rand(2, 3)),
    get("bool_true", lambda m, a: a[True], lambda a: a[None], rand(2, 3)),
    get("bool_false", lambda m, a: a[0, False], lambda a: a[0][None][:0], rand(2, 3)),
    get("transposed", lambda m, a: a.t()[1, ::2], lambda a: a.T[1, ::2], rand(3, 4)),
    get("zero_dim_int_tensor", lambda m, a, i: a[i], lambda a, i: a[int(i)], rand(3, 4), const(2)),
    get("scalar_of_0d", lambda m, a: a[None, ...], lambda a: a[None], rand()),
    # --- advanced indexing gives copies --------------------------------------------------
    get("list", lambda m, a: a[[0, 2, 0]], lambda a: a[[0, 2, 0]], rand(3, 4)),
    get("numpy_array", lambda m, a: a[:, np.array([3, -1, 0])], lambda a: a[:, [3, -1, 0]], rand(3, 4)),
    get("tensor", lambda m, a, i: a[i], lambda a, i: a[i], rand(3, 4), const([[0, 2], [1, 1]])),
    get("int32_tensor", lambda m, a, i: a[i], lambda a, i: a[i], rand(3, 4), lambda rng: np.array([2, 0], np.int32)),
    get("broadcast_pair", lambda m, a, i, j: a[i, :, j], lambda a, i, j: a[i, :, j], rand(3, 2, 4), const([[0], [2]]), const([1, 3, 3])),
    get("adjacent_pair", lambda m, a, i, j: a[:, i, j], lambda a, i, j: a[:, i, j], rand(2, 3, 4), const([0, 2]), const([3, 1])),
    get("slice_none_list", lambda m, a: a[1:, None, [0, 2]], lambda a: a[1:, None][:, :, [0, 2]], rand(3, 4)),
    get("int_then_list", lambda m, a: a[:, 0, :, [0, 1]], lambda a: a[:, 0][:, :, [0, 1]], rand(2, 3, 4, 5)),
    get("mask_full", lambda m, a: a[a > 0], lambda a: a[a > 0], away_from_zero(3, 4)),
    get("mask_tensor", lambda m, a, k: a[k], lambda a, k: a[k], rand(3, 4), mask(3, 4)),
    get("mask_leading", lambda m, a, k: a[k], lambda a, k: a[k], rand(3, 4), const([True, False, True])),
    get("mask_after_slice", lambda m, a, k: a[:, k], lambda a, k: a[:, k], rand(3, 4), const([False, True, True, False])),
    get("mask_and_list", lambda m, a, k: a[k, [1, 2]], lambda a, k: a[k, [1, 2]], rand(3, 4), const([True, False, True])),
    get("empty_list", lambda m, a: a[[]], lambda a: a[np.array([], int)], rand(3, 4)),
    # --- t[index] = value ----------------------------------------------------------------
    setc("int", 1, rand(4)),
    setc("slice_broadcast", (slice(None), slice(1, 3)), rand(3, 1)),
    setc("step", (slice(None), slice(None, None, 2)), rand(2)),
    setc("leading_ones", slice(0, 2), rand(1, 1, 4)),
    setc("ellipsis", (Ellipsis, 1), rand()),
    setc("list", [0, 2], rand(4)),
    setc("tensor_pair", (np.array([0, 2, 1]), np.array([1, 3, 0])), rand(3)),
    setc("mask", (np.array([True, False, True]),), rand(1, 4)),
    setc("mask_full_scalar_tensor", np.array([[True, False, False, True]] * 3), rand()),
    setc("slice_and_list", (slice(1, None), [0, 2]), rand(2, 2)),
    OpCase("setitem", lambda m, a: _assign_number(a), inputs_of(rand(3, 4)), lambda a: _assign_number_ref(a), variant="numbers"),
    OpCase("setitem", lambda m, a, v: _assign_into_view(a, v), inputs_of(rand(3, 4), rand(2)), lambda a, v: _assign_into_view_ref(a, v), variant="view_of_view"),
    OpCase("setitem", lambda m, a, v: _assign_iadd(a, v), inputs_of(rand(3, 4), rand(4)), lambda a, v: _assign_iadd_ref(a, v), variant="iadd"),
    # --- gather / scatter family ------------------------------------------------------------
    OpCase("gather", lambda m, a, i: m.gather(a, 1, i), inputs_of(rand(3, 4), ints((3, 5), 4)), lambda a, i: np.take_along_axis(a, i, 1)),
    OpCase("gather", lambda m, a, i: a.gather(0, i), inputs_of(rand(3, 4), ints((2, 3), 3)), lambda a, i: np.take_along_axis(a[:, :3], i, 0), variant="smaller_index"),
    OpCase("gather", lambda m, a, i: m.gather(a, -1, i), inputs_of(rand(2, 3, 4), ints((2, 3, 2), 4)), lambda a, i: np.take_along_axis(a, i, -1), variant="negative_dim"),
    OpCase("gather", lambda m, a, i: m.gather(a, 0, i), inputs_of(rand(4), const(2)), lambda a, i: a[2], variant="0d_index"),
    OpCase("scatter", lambda m, a, i, s: m.scatter(a, 1, i, s), inputs_of(rand(3, 4), distinct_rows(3, 2, 4), rand(3, 2)), lambda a, i, s: _scatter_ref(a, 1, i, s)),
    # PyTorch's own backward fails when src is larger than index ("invalid gradient"): no comparison
    OpCase("scatter", lambda m, a, i, s: m.scatter(a, 1, i, s), inputs_of(rand(3, 4), distinct_rows(2, 2, 4), rand(3, 3)), lambda a, i, s: _scatter_ref(a, 1, i, s), variant="larger_src", vs_torch=False),
    OpCase("scatter", lambda m, a, i, s: a.scatter(0, i, s), inputs_of(rand(4, 3), lambda rng: distinct_rows(2, 4, 4)(rng).T.copy(), rand(4, 2)), lambda a, i, s: _scatter_ref(a, 0, i, s), variant="dim0"),
    OpCase("scatter", lambda m, a, i: m.scatter(a, 1, i, 2.5), inputs_of(rand(3, 4), IDX), lambda a, i: _scatter_ref(a, 1, i, 2.5), variant="value"),
    OpCase("scatter", lambda m, a, i: m.scatter(a, 1, i, value=-1.0), inputs_of(rand(3, 4), IDX), lambda a, i: _scatter_ref(a, 1, i, -1.0), variant="value_kw"),
    OpCase("scatter", lambda m, a, i, s: m.scatter(a, 1, i, s, reduce="add"), inputs_of(rand(3, 4), IDX, rand(2, 3)), lambda a, i, s: _scatter_ref(a, 1, i, s, np.add), variant="reduce_add", **no_grad),
    OpCase("scatter", lambda m, a, i: m.scatter(a, 1, i, 1.5, reduce="multiply"), inputs_of(rand(3, 4), IDX), lambda a, i: _scatter_ref(a, 1, i, 1.5, np.multiply), variant="reduce_multiply", **no_grad),
    OpCase("scatter_add", lambda m, a, i, s: m.scatter_add(a, 1, i, s), inputs_of(rand(3, 4), ints((3, 5), 4), rand(3, 5)), lambda a, i, s: _scatter_ref(a, 1, i, s, np.add)),
    OpCase("scatter_add", lambda m, a, i, s: a.scatter_add(0, i, s), inputs_of(rand(3, 4), ints((2, 3), 3), rand(2, 3)), lambda a, i, s: _scatter_ref(a, 0, i, s, np.add), variant="smaller_index"),
    OpCase("scatter_add", lambda m, a, i, s: a.scatter_add(0, i, s), inputs_of(rand(3, 4), ints((2, 3), 3), rand(4, 4)), lambda a, i, s: _scatter_ref(a, 0, i, s, np.add), variant="larger_src", vs_torch=False),
    *[OpCase("scatter_reduce", lambda m, a, i, s, r=r, inc=inc: m.scatter_reduce(a, 1, i, s, r, include_self=inc),
             inputs_of(rand(3, 4, low=0.5, high=2) if r == "prod" else rand(3, 4), ints((3, 4), 4), rand(3, 4, low=0.5, high=2) if r == "prod" else rand(3, 4)),
             ref, variant=f"{r}{'' if inc else '_exclude_self'}")
      for r, inc, ref in [
          ("sum", True, lambda a, i, s: _scatter_reduce_ref(a, i, s, np.add, True, 0)),
          ("sum", False, lambda a, i, s: _scatter_reduce_ref(a, i, s, np.add, False, 0)),
          ("prod", True, lambda a, i, s: _scatter_reduce_ref(a, i, s, np.multiply, True, 1)),
          ("prod", False, lambda a, i, s: _scatter_reduce_ref(a, i, s, np.multiply, False, 1)),
          ("mean", True, lambda a, i, s: _scatter_mean_ref(a, i, s, True)),
          ("mean", False, lambda a, i, s: _scatter_mean_ref(a, i, s, False)),
          ("amax", True, lambda a, i, s: _scatter_reduce_ref(a, i, s, np.maximum, True, -np.inf)),
          ("amax", False, lambda a, i, s: _scatter_reduce_ref(a, i, s, np.maximum, False, -np.inf)),
          ("amin", True, lambda a, i, s: _scatter_reduce_ref(a, i, s, np.minimum, True, np.inf)),
          ("amin", False, lambda a, i, s: _scatter_reduce_ref(a, i, s, np.minimum, False, np.inf)),
      ]],
    OpCase("scatter_reduce", lambda m, a, i, s: m.scatter_reduce(a, 1, i, s, "prod"),
           inputs_of(lambda rng: np.array([[0.0, 1.5, 2.0], [0.5, 0.0, -1.0]]), const([[0, 0, 1], [2, 2, 2]]), lambda rng: np.array([[0.7, 0.0, 1.2], [0.0, 0.0, 1.1]])),
           lambda a, i, s: _scatter_reduce_ref(a, i, s, np.multiply, True, 1), variant="prod_zeros", gradgrad=False),
    OpCase("scatter_reduce", lambda m, a, i, s: m.scatter_reduce(a, 0, i, s, "amax"),
           inputs_of(lambda rng: np.array([1.0, 2.0, 3.0]), const([0, 0, 2, 2]), lambda rng: np.array([1.0, 0.5, 3.0, 3.0])),
           lambda a, i, s: np.array([1.0, 2.0, 3.0]), variant="amax_ties", gradgrad=False, grad=False),
    # --- index_* along a dim --------------------------------------------------------------------
    OpCase("index_select", lambda m, a, i: m.index_select(a, 1, i), inputs_of(rand(3, 4), const([3, 0, 0])), lambda a, i: a[:, i]),
    OpCase("index_select", lambda m, a, i: a.index_select(-3, i), inputs_of(rand(2, 3, 2), lambda rng: np.array([1], np.int32)), lambda a, i: a[i], variant="int32_negative_dim"),
    OpCase("index_select", lambda m, a, i: m.index_select(a, 0, i), inputs_of(rand(3, 4), const(2)), lambda a, i: a[[2]], variant="0d_index"),
    OpCase("index_add", lambda m, a, i, s: m.index_add(a, 0, i, s), inputs_of(rand(3, 4), const([0, 2, 0]), rand(3, 4)), lambda a, i, s: _index_put_ref(a, s, (i,), True)),
    OpCase("index_add", lambda m, a, i, s: a.index_add(1, i, s, alpha=-2.0), inputs_of(rand(3, 4), const([3, 1]), rand(3, 2)), lambda a, i, s: _index_put_ref(a, -2 * s, (slice(None), i), True), variant="alpha"),
    OpCase("index_copy", lambda m, a, i, s: m.index_copy(a, 1, i, s), inputs_of(rand(3, 4), const([3, 0]), rand(3, 2)), lambda a, i, s: _index_put_ref(a, s, (slice(None), i), False)),
    OpCase("index_fill", lambda m, a, i: m.index_fill(a, 1, i, -1.5), inputs_of(rand(3, 4), const([0, 2])), lambda a, i: _index_put_ref(a, -1.5, (slice(None), i), False)),
    OpCase("index_fill", lambda m, a, i, v: a.index_fill(0, i, v), inputs_of(rand(3, 4), const([2, 0]), rand()), lambda a, i, v: _index_put_ref(a, v, (i,), False), variant="tensor_value"),
    OpCase("index_fill", lambda m, a, i: a.index_fill(0, i, 2), inputs_of(rand(3, 4), const([-1])), lambda a, i: _index_put_ref(a, 2.0, (i,), False), variant="negative_index"),
    # --- masks ----------------------------------------------------------------------------------
    OpCase("masked_fill", lambda m, a, k: m.masked_fill(a, k, 0.5), inputs_of(rand(3, 4), mask(3, 4)), lambda a, k: np.where(k, 0.5, a)),
    OpCase("masked_fill", lambda m, a, k: a.masked_fill(k, 2.0), inputs_of(rand(3, 4), mask(4)), lambda a, k: np.where(k, 2.0, a), variant="broadcast_mask"),
    OpCase("masked_fill", lambda m, a, k: a.masked_fill(k, 2.0), inputs_of(rand(4), mask(3, 4)), lambda a, k: np.where(k, 2.0, a), variant="broadcast_input"),
    OpCase("masked_fill", lambda m, a, k, v: m.masked_fill(a, k, v), inputs_of(rand(3, 4), mask(3, 4), rand()), lambda a, k, v: np.where(k, v, a), variant="tensor_value"),
    OpCase("masked_select", lambda m, a, k: m.masked_select(a, k), inputs_of(rand(3, 4), mask(3, 4)), lambda a, k: a[k]),
    OpCase("masked_select", lambda m, a, k: a.masked_select(k), inputs_of(rand(3, 1), mask(2, 3, 4)), lambda a, k: np.broadcast_to(a, k.shape)[k], variant="broadcast"),
    OpCase("masked_scatter", lambda m, a, k, s: m.masked_scatter(a, k, s), inputs_of(rand(3, 4), const([[True, False, True, False]] * 3), rand(2, 4)),
           lambda a, k, s: _masked_scatter_ref(a, k, s)),
    OpCase("masked_scatter", lambda m, a, k, s: a.masked_scatter(k, s), inputs_of(rand(4), const([[True, False, False, True], [False, True, False, False]]), rand(3)),
           lambda a, k, s: _masked_scatter_ref(np.broadcast_to(a, k.shape), k, s), variant="broadcast"),
    # --- flat take / put --------------------------------------------------------------------------
    OpCase("take", lambda m, a, i: m.take(a, i), inputs_of(rand(3, 4), const([[0, -1, 5], [5, 11, -12]])), lambda a, i: a.reshape(-1)[i]),
    OpCase("take", lambda m, a, i: a.take(i), inputs_of(rand(), const([0, -1])), lambda a, i: a.reshape(-1)[i], variant="0d_input"),
    OpCase("put", lambda m, a, i, s: m.put(a, i, s), inputs_of(rand(3, 4), const([[0, -1], [5, 7]]), rand(4)), lambda a, i, s: _flat_put(a, i, s, False)),
    OpCase("put", lambda m, a, i, s: a.put(i, s, accumulate=True), inputs_of(rand(3, 4), const([1, 1, -11, 3]), rand(2, 2)), lambda a, i, s: _flat_put(a, i, s, True), variant="accumulate"),
    OpCase("take_along_dim", lambda m, a, i: m.take_along_dim(a, i, 1), inputs_of(rand(3, 4), ints((3, 2), 4)), lambda a, i: np.take_along_axis(a, i, 1)),
    OpCase("take_along_dim", lambda m, a, i: a.take_along_dim(i, dim=0), inputs_of(rand(3, 4), ints((2, 1), 3)), lambda a, i: np.take_along_axis(a, np.broadcast_to(i, (2, 4)), 0), variant="broadcast"),
    OpCase("take_along_dim", lambda m, a, i: m.take_along_dim(a, i), inputs_of(rand(3, 4), ints((5,), 12)), lambda a, i: a.reshape(-1)[i], variant="flat"),
    # --- index_put and nonzero ----------------------------------------------------------------------
    OpCase("index_put", lambda m, a, i, j, v: m.index_put(a, (i, j), v), inputs_of(rand(3, 4), const([0, 2, 1]), const([1, 3, 1]), rand(3)), lambda a, i, j, v: _index_put_ref(a, v, (i, j), False)),
    OpCase("index_put", lambda m, a, i, v: m.index_put(a, (i,), v, accumulate=True), inputs_of(rand(3, 4), const([0, 2, 0]), rand(4)), lambda a, i, v: _index_put_ref(a, v, (i,), True), variant="accumulate"),
    OpCase("index_put", lambda m, a, k, v: m.index_put(a, [k], v), inputs_of(rand(3, 4), mask(3, 4), rand()), lambda a, k, v: np.where(k, v, a), variant="mask"),
    OpCase("nonzero", lambda m, a: m.nonzero(a > 0), inputs_of(rand(3, 4)), lambda a: np.argwhere(a > 0), **no_grad),
    OpCase("nonzero", lambda m, a: (a > 0).nonzero(as_tuple=True), inputs_of(rand(2, 3, 2)), lambda a: np.nonzero(a > 0), variant="as_tuple", **no_grad),
    OpCase("nonzero", lambda m, a: m.nonzero(a.sum() > -100), inputs_of(rand(3)), lambda a: np.zeros((1, 0), np.int64), variant="0d", **no_grad),
    OpCase("argwhere", lambda m, a: m.argwhere(a > 0), inputs_of(rand(3, 4)), lambda a: np.argwhere(a > 0), **no_grad),
    OpCase("nonzero_static", lambda m, a: m.nonzero_static(a > 0, size=20), inputs_of(rand(3, 4)), lambda a: _padded_argwhere(a > 0, 20), **no_grad),
    OpCase("nonzero_static", lambda m, a: (a > 0).nonzero_static(size=1, fill_value=7), inputs_of(rand(3, 4)), lambda a: np.argwhere(a > 0)[:1], variant="truncated", **no_grad),
    OpCase("where", lambda m, a: m.where(a > 0), inputs_of(rand(3, 4)), lambda a: np.nonzero(a > 0), variant="condition_only", **no_grad),
]


def _padded_argwhere(a, size):
    found = np.argwhere(a)
    return np.concatenate([found, np.full((size - len(found), a.ndim), -1)])


def _assign_number(a):
    out = a * 2
    out[0, 1] = 7
    out[2] = -1.5
    out[[1]] = 3
    return out


def _assign_number_ref(a):
    out = a * 2
    out[0, 1] = 7
    out[2] = -1.5
    out[[1]] = 3
    return out


def _assign_into_view(a, v):
    out = a.clone()
    rows = out[1:]
    rows[0, ::2] = v
    return out


def _assign_into_view_ref(a, v):
    out = a.copy()
    out[1, ::2] = v
    return out


def _assign_iadd(a, v):
    out = a * 1
    out[0] += v
    out[1:3] *= 2
    return out


def _assign_iadd_ref(a, v):
    out = a.copy()
    out[0] += v
    out[1:3] *= 2
    return out


def _masked_scatter_ref(a, k, s):
    out = np.array(a, copy=True)
    out[k] = s.reshape(-1)[: k.sum()]
    return out


def _flat_put(a, i, s, accumulate):
    out = a.copy().reshape(-1)
    if accumulate:
        np.add.at(out, i.reshape(-1), s.reshape(-1))
    else:
        out[i.reshape(-1)] = s.reshape(-1)
    return out.reshape(a.shape)
