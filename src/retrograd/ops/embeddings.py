"""Embedding lookups and their gradients: `embedding` and `embedding_bag` (nn.functional checks
their arguments and calls these).

The lookups are primitives whose derivatives are each other's, so gradients of any order work;
with `sparse=True` the weight's gradient is a sparse COO tensor, as PyTorch's.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..backend import meta, namespace
from ..engine.bfloat16 import forward as bfloat16_forward
from ..engine.captures import check_uncaptured, open_scopes
from ..engine.primitive import Primitive
from ..tensor import Tensor
from .creation import zeros
from .elementwise.clamp_where import where
from .indexing.keyed import reduce_at
from .kernels.operands import recorded, refuse_inference_index
from .shape.slicing import cat

__all__ = ["bag_max_rows", "embedding", "embedding_bag"]


# --- embedding ----------------------------------------------------------------------------------
# The lookup `W[idx]` and its derivative, the sum of the incoming rows per index, are each
# other's derivative, so both are primitives and gradients of any order work:
#
#     embedding:        out[p] = W[idx[p]]
#     dense backward:   dW[i] = Σ_{p: idx[p] = i} s[p] · g[p]    (s: 0 at padding_idx, 1/count with
#                                                                 scale_grad_by_freq, else 1)
#     its derivative:   d(dW)/dg = s[p] · gg[idx[p]]
#
# The dense backward sorts the positions by index (stable), then adds each index's rows one after
# another in their order, as PyTorch's CPU kernel does (so float32 gradients have its bits): the
# most frequent indices one by one, the others level by level (`_add_in_order`). Both are faster
# than an unbuffered scatter-add (`add.at`); on a GPU it is one `add.reduceat`.


def _row_scale(idx: Any, padding_idx: int | None, counts: Any, dtype: Any) -> Any:
    """s per looked-up position (idx.shape + (1,)), or None when every s is 1."""
    if padding_idx is None and counts is None:
        return None
    xp = namespace(idx)
    s = xp.ones(idx.shape, dtype=dtype)
    if counts is not None:
        s = s / counts[idx].astype(dtype)
    if padding_idx is not None:
        s = xp.where(idx == padding_idx, xp.zeros((), dtype), s)
    return s[..., None]


def _sum_rows(xp: Any, g: Any, idx: Any, n: int, scale: Any) -> Any:
    """(n, D) array holding, at each index i, the sum of the rows of g (scaled) looked up at i."""
    if scale is not None:
        g = g * scale
    rows = g.reshape(-1, g.shape[-1])
    flat = idx.reshape(-1)
    out = xp.zeros((n, rows.shape[1]), dtype=g.dtype)
    if flat.size and xp is not meta.xp:  # a meta result is its shape alone: nothing to sum
        order = xp.argsort(flat, kind="stable")
        ordered = flat[order]
        new_index = ordered[1:] != ordered[:-1]
        if xp is np and new_index.all():  # every index once (position embeddings): no sums (on a GPU: no sync)
            out[ordered] += rows[order]  # added to the zeros, as PyTorch: a -0.0 gives 0.0
            return out
        starts = xp.flatnonzero(xp.concatenate((xp.ones(1, dtype=bool), new_index)))
        if xp is np:
            _add_in_order(out, rows, order, ordered, starts)
            return out
        out[ordered[starts]] = xp.add.reduceat(rows[order], starts, axis=0)
    return out


_CALLS_PER_LEVEL = 2  # one level's fancy-indexed add costs about two one-index sums
_PADDING = 4  # a padded (levels, indices, D) block up to this many times the rows' size


def _add_in_order(out: Any, rows: Any, order: Any, ordered: Any, starts: Any) -> None:
    """Add `rows[order]` into `out[ordered]`, each index's rows one after another in their order,
    as PyTorch's CPU kernel adds them (NumPy's `add.reduceat` adds them in another order).

    `add.reduce` down the first axis of a C-ordered block adds row after row: when the indices
    occur about equally often, one zero-padded block holds them all (`_add_padded`), else the
    frequent ones are summed alone and the others level by level (`_add_by_levels`).
    """
    lengths = np.diff(starts, append=len(ordered))
    rank = np.arange(len(ordered)) - np.repeat(starts, lengths)  # occurrence number within the index
    if (int(lengths.max()) + 1) * len(starts) <= _PADDING * len(ordered):
        _add_padded(out, rows[order], ordered[starts], lengths, rank)
    else:
        _add_by_levels(out, rows, order, ordered, starts, lengths, rank)


def _sequential_sum(block: Any) -> Any:
    """`block` (L, ...) summed over its first axis, row after row (`reduce` of one column pairs them)."""
    return np.add.reduce(block, axis=0) if block[0].size > 1 else np.add.accumulate(block)[-1]


def _add_padded(out: Any, rows: Any, indices: Any, lengths: Any, rank: Any) -> None:
    """Sorted `rows` into a (levels + 1, indices, D) block, zeros first (PyTorch starts from zeros:
    a -0.0 gives 0.0) and after each index's last row, summed down the first axis at once."""
    block = np.zeros((int(lengths.max()) + 1, len(indices), rows.shape[1]), rows.dtype)
    block[rank + 1, np.repeat(np.arange(len(indices)), lengths)] = rows
    out[indices] += _sequential_sum(block)


def _add_by_levels(out: Any, rows: Any, order: Any, ordered: Any, starts: Any, lengths: Any, rank: Any) -> None:
    """The most frequent indices summed one by one; the others level by level: every index's first
    occurrence added at once (to the zeros), then the second ones, and so on. The split takes the fewest
    calls: k indices alone, the rest in as many levels as the (k+1)-th most frequent index occurs."""
    by_length = np.sort(lengths)[::-1]
    cap = int(by_length[np.argmin(np.arange(by_length.size) + _CALLS_PER_LEVEL * by_length)])
    for first, count in zip(starts[lengths > cap].tolist(), lengths[lengths > cap].tolist()):
        out[ordered[first]] += _sequential_sum(rows[order[first : first + count]])
    if cap < by_length[0]:  # the others
        light = np.repeat(lengths <= cap, lengths)
        rank, order, ordered = rank[light], order[light], ordered[light]
    by_rank = np.argsort(rank, kind="stable")
    bounds = np.searchsorted(rank[by_rank], np.arange(cap + 1))
    rows, ordered = rows[order[by_rank]], ordered[by_rank]
    for lo, hi in zip(bounds[:-1], bounds[1:]):  # within a level every index is distinct
        out[ordered[lo:hi]] += rows[lo:hi]


def _lookup_rule(g: Tensor, w_shape: tuple, idx: Any, scale: Any) -> Tensor:
    return _dense_backward(g, idx=idx, n=w_shape[0], scale=scale)


def _dense_rule(gg: Tensor, idx: Any, scale: Any) -> Tensor:
    looked = _lookup(gg, idx=idx, scale=None)
    return looked if scale is None else looked * Tensor._make(scale)


def _rows(xp: Any, w: Any, idx: Any, scale: Any) -> Any:
    # the bounds check lives in the forward, so compiled code (which replays forwards) keeps it
    if xp is np and idx.size and (idx.min() < 0 or idx.max() >= w.shape[0]):  # on a GPU: no sync
        raise IndexError("index out of range in self")
    return w[idx]


# PyTorch saves the indices (a second backward raises): saves_number
_lookup = Primitive("embedding", _rows, [_lookup_rule], inputs=("w",), saves_number=True)


def _sum_half_rows(xp: Any, g: Any, idx: Any, n: int, scale: Any) -> Any:
    """`_sum_rows` of a float16/bfloat16 `g` as PyTorch's kernel sums it: into a gradient of g's dtype,
    row after row, each sum rounded (in float32 and rounded once, the sums of an index's many rows
    would drift apart). With scale_grad_by_freq PyTorch scales each row inside its fused add, which
    rounding the scaled rows first does not reproduce: that rarer case stays in float32."""
    if scale is not None:
        return bfloat16_forward(_sum_rows, xp, (g,), {"idx": idx, "n": n, "scale": scale})
    return _sum_rows(xp, g, idx, n, None)


_dense_backward = Primitive(
    "embedding_dense_backward",
    lambda xp, g, idx, n, scale: _sum_rows(xp, g, idx, n, scale),
    [_dense_rule],
    inputs=("g",),
    half_forward=_sum_half_rows,
)


def _sparse_rows(rows: Tensor, idx: Any, keep: Any, w_shape: tuple, scale_grad_by_freq: bool) -> Tensor:
    """PyTorch's embedding_sparse_backward: one entry per looked-up position (repeats kept, so the
    gradient is uncoalesced) with the positions not in `keep` (padding) dropped, `rows` the values."""
    if scale_grad_by_freq:
        raise RuntimeError("embedding_backward: scale_grad_by_freq not supported with sparse gradients")
    from .sparse.layout import entries

    if keep is not None and not keep.all():
        idx, rows = idx[keep], rows[Tensor._make(keep)]
    return entries(rows, idx.reshape(1, -1), w_shape)


def _sparse_rule(g: Tensor, w_shape: tuple, idx: Any, padding_idx: int | None, scale_grad_by_freq: bool) -> Tensor:
    flat = idx.reshape(-1)
    keep = None if padding_idx is None else flat != padding_idx
    return _sparse_rows(g.reshape(-1, w_shape[1]), flat, keep, w_shape, scale_grad_by_freq)


_sparse_lookup = Primitive(
    "embedding",
    lambda xp, w, idx, padding_idx, scale_grad_by_freq: _rows(xp, w, idx, None),
    [_sparse_rule],
    inputs=("w",),
    saves_number=True,
)


def _renorm_rows(weight: Tensor, idx: Any, max_norm: float, norm_type: float) -> None:
    """Rescale (in place, unrecorded) the rows used whose norm exceeds `max_norm`, as PyTorch does."""
    if open_scopes[0]:
        check_uncaptured(weight, "embedding_renorm_")
    xp = namespace(idx)
    rows = xp.unique(idx)
    data = weight._data[rows]
    norms = xp.linalg.norm(data, ord=norm_type, axis=1) if data.size else xp.zeros(0)
    # PyTorch reads each norm as a double and works out the scale in double precision
    norms = norms.astype(xp.float64)
    scale = xp.where(norms > max_norm, max_norm / (norms + 1e-7), 1.0).astype(data.dtype)
    weight._data[rows] = data * scale[:, None]
    weight._version_counter.value += 1


def embedding(
    weight: Tensor,
    input: Tensor,
    padding_idx: int | None,
    max_norm: float | None,
    norm_type: float,
    scale_grad_by_freq: bool,
    sparse: bool = False,
) -> Tensor:
    """Rows of `weight` (V, D) picked by the (checked) integer `input` (*) -> (*, D); see above.

    With `sparse`, the weight's gradient is a sparse COO tensor of the rows looked up."""
    refuse_inference_index(input, weight)
    idx = input._data.astype(np.int64, copy=recorded(weight))
    if max_norm is not None:
        _renorm_rows(weight, idx, max_norm, norm_type)
    if sparse:
        return _sparse_lookup(weight, idx=idx, padding_idx=padding_idx, scale_grad_by_freq=scale_grad_by_freq)
    counts = namespace(idx).bincount(idx.reshape(-1), minlength=weight.shape[0]) if scale_grad_by_freq else None
    scale = _row_scale(idx, padding_idx, counts, weight._data.dtype)
    return _lookup(weight, idx=idx, scale=scale)



# --- embedding_bag ------------------------------------------------------------------------------
# One node, as PyTorch's EmbeddingBagBackward0. `bag[p]` is the bag of position p (`n_bags` for
# positions in none: padding_idx), s_p its per_sample_weight (1 without), n_b the size of bag b for
# 'mean' (1 for 'sum'), c_p the row scale of scale_grad_by_freq:
#
#     sum, mean:  out[b] = Σ_{p: bag[p] = b} s_p · W[idx[p]] / n_b
#                 dW[i] = Σ_{p: idx[p] = i} c_p · s_p · g[bag[p]] / n_bag[p],   ds_p = W[idx[p]] · g[bag[p]] / n_bag[p]
#     max:        out[b, d] = W[idx[p], d] for p = best[b, d], the first position of bag b holding the
#                 largest value (0 for an empty bag);   dW[idx[best[b, d]], d] += g[b, d]
#
# The rules are tensor ops (the lookup and its dense backward above), so every order works.


def _bag_counts(idx: Any, n_rows: int) -> Any:
    """Per row, the count embedding_bag's dense backward divides its gradient by (scale_grad_by_freq).

    PyTorch's CPU kernel divides the gradient of the g-th smallest distinct index by the count of
    the g-th entry of the sorted indices (repeats kept), not by that index's own count: indices
    [3, 1, 1, 1, 0, 2] give rows 0-3 the counts 1, 3, 3, 3. The two agree up to the first repeat."""
    xp = namespace(idx)
    counts = xp.bincount(idx, minlength=n_rows)
    distinct = xp.flatnonzero(counts)  # sorted
    per_row = xp.zeros_like(counts)
    per_row[distinct] = counts[xp.sort(idx)[: distinct.size]]
    return per_row


def _bag_sum_forward(xp: Any, w: Any, *psw: Any, idx: Any, bag: Any, n_bags: int, sizes: Any, scale: Any) -> Any:
    rows = _rows(xp, w, idx, None)
    if psw:
        rows = rows * psw[0][:, None]
    total = xp.zeros((n_bags + 1, rows.shape[1]), rows.dtype)
    reduce_at(total, (bag,), rows)  # each bag's rows added one after another, in their order, as PyTorch
    total = total[:n_bags]
    return total if sizes is None else total / sizes


def _per_position(g: Tensor, bag: Any, sizes: Any) -> Tensor:
    """g[bag[p]] / n_bag[p] for each position p, (P, D); 0 for positions in no bag.

    Those have bag n_bags: they pick a row of zeros put after g's, so no Python decides on the
    bags' values (retrograd.compile replays this rule for new bags)."""
    if sizes is not None:
        g = g / Tensor._make(sizes)
    padded = cat([g, zeros((1, g.shape[1]), dtype=g.dtype, device=g.device)])
    return _lookup(padded, idx=bag, scale=None)


def _bag_sum_rule(g: Tensor, w_shape: tuple, idx: Any, bag: Any, sizes: Any, scale: Any) -> Tensor:
    return _dense_backward(_per_position(g, bag, sizes), idx=idx, n=w_shape[0], scale=scale)


def _bag_weighted_rule(g: Tensor, w: Tensor, psw: Tensor, idx: Any, bag: Any, sizes: Any, scale: Any) -> tuple:
    per_position = _per_position(g, bag, sizes)
    d_w = _dense_backward(per_position * psw.reshape(-1, 1), idx=idx, n=w.shape[0], scale=scale)
    return d_w, (_lookup(w, idx=idx, scale=None) * per_position).sum(1)


def _bag_entries(rows: Tensor, w_shape: tuple, idx: Any, bag: Any, n_bags: int, by_freq: bool) -> Tensor:
    """The sparse gradient of a bag lookup: one entry per position in a bag (padding_idx positions,
    in none, dropped), its row of `rows` (P, D) as the value (PyTorch's _embedding_bag_sparse_backward)."""
    if by_freq:
        raise RuntimeError("embedding_backward: scale_grad_by_freq not supported with sparse gradients")
    from .sparse.layout import entries

    kept = bag < n_bags
    if not kept.all():
        idx, rows = idx[kept], rows[Tensor._make(kept)]
    return entries(rows, idx.reshape(1, -1), w_shape)


def _per_position_scaled(g: Tensor, bag: Any, sizes: Any) -> Tensor:
    """g[bag[p]] * (1 / n_bag[p]) per position: the sparse backward multiplies by the reciprocal
    bag size, where the dense one divides (the two differ in the last bit)."""
    rows = _per_position(g, bag, None)
    if sizes is None:
        return rows
    xp = namespace(sizes)
    inverse = xp.concatenate([1 / sizes, xp.ones((1, 1), sizes.dtype)])  # (a last row for positions in no bag)
    return rows * Tensor._make(inverse[bag])


def _bag_sparse_rule(g: Tensor, w_shape: tuple, idx: Any, bag: Any, n_bags: int, sizes: Any, by_freq: bool) -> Tensor:
    return _bag_entries(_per_position_scaled(g, bag, sizes), w_shape, idx, bag, n_bags, by_freq)


def _bag_weighted_sparse_rule(
    g: Tensor, w: Tensor, psw: Tensor, idx: Any, bag: Any, n_bags: int, sizes: Any, by_freq: bool
) -> tuple:
    per_position = _per_position_scaled(g, bag, sizes)
    d_w = _bag_entries(per_position * psw.reshape(-1, 1), tuple(w.shape), idx, bag, n_bags, by_freq)
    return d_w, (_lookup(w, idx=idx, scale=None) * per_position).sum(1)


def _bag_sparse_forward(xp: Any, w: Any, *psw: Any, idx: Any, bag: Any, n_bags: int, sizes: Any, by_freq: bool) -> Any:
    return _bag_sum_forward(xp, w, *psw, idx=idx, bag=bag, n_bags=n_bags, sizes=sizes, scale=None)


def _bag_max_forward(xp: Any, w: Any, idx: Any, bag: Any, n_bags: int) -> tuple[Any, Any, Any]:
    """Each bag's largest value per feature, the position holding it (the first) and the empty bags."""
    rows = _rows(xp, w, idx, None)
    counts = xp.bincount(bag, minlength=n_bags + 1)[:n_bags]
    if not idx.size:  # every bag empty
        return xp.zeros((n_bags, w.shape[1]), w.dtype), xp.zeros((n_bags, w.shape[1]), np.int64), None
    width = max(int(counts.max()) if counts.size else 0, 1)
    slots = xp.full((n_bags, width), -1, dtype=np.int64)  # each bag's positions, in order; -1 pads
    order = xp.argsort(bag, kind="stable")
    order = order[bag[order] < n_bags]
    rank = xp.arange(order.size) - xp.repeat(xp.cumsum(counts) - counts, counts)
    slots[bag[order], rank] = order
    candidates = xp.where(slots[..., None] >= 0, rows[slots.clip(0)], -xp.inf)
    best = xp.take_along_axis(slots, candidates.argmax(1), 1).clip(0) if w.shape[1] else slots[:, :0]
    empty = (counts == 0)[:, None]
    return xp.where(empty, xp.zeros((), rows.dtype), xp.take_along_axis(rows, best, 0)), best, empty


def _bag_max_rule(g: Tensor, w_shape: tuple, idx: Any, best: Any, empty: Any) -> Tensor:
    if empty is None:  # no positions: nothing to pass the gradient to
        return zeros(w_shape, dtype=g.dtype, device=g.device)
    kept = where(Tensor._make(empty), 0.0, g)
    per_position = zeros((idx.shape[0], w_shape[1]), dtype=g.dtype, device=g.device)
    per_position = per_position.scatter_add(0, Tensor._make(best), kept)
    return _dense_backward(per_position, idx=idx, n=w_shape[0], scale=None)


def _bag_max_sparse_forward(xp: Any, w: Any, idx: Any, bag: Any, n_bags: int, sizes: Any, by_freq: bool) -> Any:
    return _bag_max_forward(xp, w, idx, bag, n_bags)[0]


def bag_max_rows(w: Any, idx: Any, bag: Any, n_bags: int) -> Any:
    """(n_bags, D) int64: per bag and feature, the row of `w` (V, D) that 'max' picked (0 for an empty bag)."""
    xp = namespace(w)
    _, best, empty = _bag_max_forward(xp, w, idx, bag, n_bags)
    if empty is None:
        return best
    return xp.where(empty, 0, idx[best])


_NODE = "EmbeddingBagBackward0"
_BAG_SUM = Primitive("embedding_bag", _bag_sum_forward, [_bag_sum_rule], inputs=("w",), node_name=_NODE,
                     constant_edges=1)
_BAG_WEIGHTED = Primitive("embedding_bag", _bag_sum_forward, [_bag_weighted_rule], inputs=("w", "psw"),
                          node_name=_NODE, joint=True)
# sparse=True: the weight's gradient is sparse (scale_grad_by_freq, `by_freq`, is refused at backward)
_BAG_SPARSE = Primitive("embedding_bag", _bag_sparse_forward, [_bag_sparse_rule], inputs=("w",), node_name=_NODE,
                        constant_edges=1)
_BAG_WEIGHTED_SPARSE = Primitive("embedding_bag", _bag_sparse_forward, [_bag_weighted_sparse_rule],
                                 inputs=("w", "psw"), node_name=_NODE, joint=True)
_BAG_MAX = Primitive("embedding_bag", _bag_max_forward, [_bag_max_rule], inputs=("w",), extras=("best", "empty"),
                     node_name=_NODE, constant_edges=1)
# 'max' with a sparse gradient (the ATen form allows it): PyTorch's sparse backward passes each
# position its bag's gradient, as for 'sum', whichever row held the maximum
_BAG_MAX_SPARSE = Primitive("embedding_bag", _bag_max_sparse_forward, [_bag_sparse_rule], inputs=("w",),
                            node_name=_NODE, constant_edges=1)


def embedding_bag(
    weight: Tensor,
    input: Tensor,
    per_sample_weights: Tensor | None,
    bag: Any,
    sizes: Any,
    mode: str,
    max_norm: float | None,
    norm_type: float,
    scale_grad_by_freq: bool,
    sparse: bool = False,
) -> Tensor:
    """(n_bags, D): the rows of `weight` (V, D) at the (checked) 1-D `input`, reduced per `bag` (see above);
    `sizes` (n_bags, 1) holds the bags' sizes, at least 1, which 'mean' divides by (`bag_layout`'s).

    With `sparse`, the weight's gradient is a sparse COO tensor, an entry per position (for 'max'
    too, as PyTorch's ATen op: each position gets its bag's gradient, as for 'sum')."""
    recording = recorded(weight) or (per_sample_weights is not None and recorded(per_sample_weights))
    idx = input._data.astype(np.int64, copy=recording)
    if max_norm is not None:
        _renorm_rows(weight, idx, max_norm, norm_type)
    n_bags = sizes.shape[0]
    if mode == "max":
        if sparse:
            return _BAG_MAX_SPARSE(weight, idx=idx, bag=bag, n_bags=n_bags, sizes=None, by_freq=scale_grad_by_freq)
        return _BAG_MAX(weight, idx=idx, bag=bag, n_bags=n_bags)
    if mode != "mean":
        sizes = None
    if sparse:
        rows = {"idx": idx, "bag": bag, "n_bags": n_bags, "sizes": sizes, "by_freq": scale_grad_by_freq}
        if per_sample_weights is None:
            return _BAG_SPARSE(weight, **rows)
        return _BAG_WEIGHTED_SPARSE(weight, per_sample_weights, **rows)
    counts = _bag_counts(idx, weight.shape[0]) if scale_grad_by_freq else None
    scale = _row_scale(idx, None, counts, weight._data.dtype)
    if per_sample_weights is None:
        return _BAG_SUM(weight, idx=idx, bag=bag, n_bags=n_bags, sizes=sizes, scale=scale)
    return _BAG_WEIGHTED(weight, per_sample_weights, idx=idx, bag=bag, n_bags=n_bags, sizes=sizes, scale=scale)
