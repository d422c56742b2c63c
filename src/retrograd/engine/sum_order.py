"""float32 and float64 sums added in the order of PyTorch's CPU sum kernel, so they have its bits.

PyTorch adds in the data's own dtype, in an order its kernel (ATen's SumKernel) fixes; NumPy's
pairwise order, or a float64 sum rounded once, differs from it in the last bit of ~40% of float32
sums, which shows in printed losses and, through Adam, in training runs. The kernel, as measured
against PyTorch 2.13 on x86 (it is built for 32-byte vectors, also on AVX-512 machines):

- `cascade`: n terms (each a lane of values) are added in blocks of `step` = 2**max(4,
  ⌈log2 n⌉ // 4), each block from 0 in order; block sums go up into levels 1, 2, 3, each emptied
  into the next after `step` additions; the terms after the last whole block, then levels 1-3
  are added at the end.
- `row_sum`: the terms split four ways (term i into sum i mod 4) by `cascade`, the leftover
  terms into the first sum, then the four sums added in order.
- along contiguous memory (`inner`), rows of at least one vector (8 float32 or 4 float64) are
  summed as vectors by `row_sum`; the leftover elements, then the vector's lanes, are added in
  order to 0. Shorter rows are `row_sum`s of their elements.
- across rows (`outer`), the columns in whole groups of four vectors (of four columns, where
  there are fewer columns than a vector holds) are `cascade`s down the rows, the others `row_sum`s.
- a reduction of more than 32,768 elements is split among the threads: a full one into chunks
  whose sums are added at the end, an outer one by columns (whole 128-byte groups per thread).

`reduce` maps a reduction over some dims onto these as PyTorch's TensorIterator loops: the
reduced dims innermost (ordered by their strides), then the kept ones (by the output's), dims
adjacent in memory merged; the two innermost dims are the kernel's loop, which picks one of the
ways above by their strides, and the results of the outer iterations are added in order. It
returns None for what was not measured (views with gaps where neither loop dim runs along memory,
their full sums above the grain, negative strides): the caller's float64 sum is then within a
rounding of PyTorch's.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .thread_count import GRAIN as _GRAIN
from .thread_count import get_num_threads

__all__ = ["add_in_order", "down_columns", "reduce"]

_VECTOR_BYTES = 32
_ILP = 4
_LEVELS = 4
_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))


def _in_order(terms: Any, axis: int = 0) -> Any:
    """The terms along `axis` added in order (the other axes are independent lanes), from 0.

    NumPy adds one row at a time when the reduced axis is not the innermost one in memory, and
    pairwise along it when it is; so the lanes must be the contiguous innermost axis."""
    lanes = terms.size // terms.shape[axis]
    if lanes == 1:
        return np.add.accumulate(terms.reshape(-1))[-1].reshape(terms.shape[:axis] + terms.shape[axis + 1 :])
    if axis < terms.ndim - 1 and terms.shape[-1] > 1 and terms.strides[-1] == terms.itemsize:
        return np.add.reduce(terms, axis=axis)
    rows = np.ascontiguousarray(np.moveaxis(terms, axis, 0)).reshape(terms.shape[axis], lanes)
    return np.add.reduce(rows, axis=0).reshape(terms.shape[:axis] + terms.shape[axis + 1 :])


def add_in_order(terms: Any, axis: int = 0) -> Any:
    """The terms along `axis` of a NumPy array added one after another, from 0 (the other axes are
    independent lanes): a plain loop's order, as a kernel's scalar accumulator adds."""
    return _in_order(terms, axis)


def _cascade(terms: Any) -> Any:
    """ATen's multi_row_sum of `terms` (axis 0)."""
    n = terms.shape[0]
    lanes = terms.shape[1:]
    step = 1 << max(4, (n - 1).bit_length() // _LEVELS)
    if n < step:  # (no whole block: all in level 0)
        return _in_order(terms)
    whole = n - n % step
    total = _in_order(terms[whole:]) if whole < n else None  # level 0's leftovers
    sums = _in_order(terms[:whole].reshape(whole // step, step, *lanes), 1)  # the blocks'
    for _ in range(_LEVELS - 2):  # levels 1 and 2 keep what is left over of their groups
        count = sums.shape[0]
        if count < step:
            break
        whole = count - count % step
        if whole < count:
            left = _in_order(sums[whole:])
            total = left if total is None else total + left
        sums = _in_order(sums[:whole].reshape(whole // step, step, *lanes), 1)
    top = _in_order(sums)  # the highest level reached
    return top if total is None else total + top


def _row_sum(terms: Any) -> Any:
    """ATen's row_sum of `terms` (axis 0): four interleaved cascades, the leftovers into the first."""
    n = terms.shape[0]
    fours = n // _ILP * _ILP
    lanes = terms.shape[1:]
    if fours:
        parts = _cascade(terms[:fours].reshape(fours // _ILP, _ILP, *lanes))
    else:
        parts = np.zeros((_ILP, *lanes), terms.dtype)
    first = parts[0]
    if n > fours:
        first = _in_order(np.concatenate([first[None], terms[fours:]]))
    return first + parts[1] + parts[2] + parts[3]


def _inner(rows: Any) -> Any:
    """Each row of the 2-D `rows` summed along its (contiguous) length: shape (rows,)."""
    count, n = rows.shape
    width = _VECTOR_BYTES // rows.dtype.itemsize
    if n < width:
        return _row_sum(rows.T)
    vectors = n // width
    lanes = _row_sum(rows[:, : vectors * width].reshape(count, vectors, width).transpose(1, 0, 2))
    return _in_order(np.concatenate([rows[:, vectors * width :], lanes], axis=1).T)


def _outer(block: Any, chunks: list, vectors: bool) -> Any:
    """The columns (last axis) of `block` summed down its rows (axis 0), a thread's `chunks` of
    columns at a time; the axes between are independent. `vectors`: columns side by side in
    memory, a vector's worth at least (grouped by four vectors, else by four columns)."""
    group = _ILP * _VECTOR_BYTES // block.dtype.itemsize if vectors else _ILP
    columns = block.shape[-1]
    if len(chunks) > 1 and all(begin % group == 0 for begin, _ in chunks):  # (a split that changes no order)
        chunks = [(0, columns)]
    if len(chunks) == 1:  # (one thread: the common case, without the copies)
        if columns % group == 0:
            return _cascade(block)
        if columns < group:
            return _row_sum(block)
    out = np.empty(block.shape[1:], block.dtype)
    for begin, end in chunks:
        grouped = begin + (end - begin) // group * group
        if grouped > begin:
            out[..., begin:grouped] = _cascade(block[..., begin:grouped])
        if end > grouped:
            out[..., grouped:end] = _row_sum(block[..., grouped:end])
    return out


def _thread_chunks(total: int, columns: int, column_bytes: int) -> list:
    """PyTorch's split of `columns` among its threads for a reduction of `total` elements: even
    chunks, their bounds rounded down to whole 128-byte groups of columns."""
    threads = get_num_threads()
    if total < _GRAIN or threads <= 1 or columns <= 1:
        return [(0, columns)]
    parts = min(threads, columns)
    size = -(-columns // parts)
    multiple = max(1, 128 // column_bytes)
    bounds = []
    for begin in range(0, columns, size):
        end = min(columns, begin + size)
        begin -= begin % multiple
        if end != columns:
            end -= end % multiple
        if end > begin:
            bounds.append((begin, end))
    return bounds


def _short(flat: Any) -> Any:
    """`_inner` of one row too short for the cascade to leave level 0 (under 64 vectors): the
    same additions with fewer calls (a loss's mean, a small tensor's sum)."""
    width = _VECTOR_BYTES // flat.itemsize
    n = flat.shape[0]
    if n < width:  # four interleaved sums of the elements, then the leftovers into the first
        fours = n // _ILP * _ILP
        parts = list(flat[:_ILP]) if fours else [flat.dtype.type(0)] * _ILP
        first = parts[0]
        for v in flat[fours:]:
            first = first + v
        return first + parts[1] + parts[2] + parts[3]
    vectors = n // width
    rows = flat[: vectors * width].reshape(vectors, width)
    fours = vectors // _ILP * _ILP
    if fours:
        parts = np.add.reduce(rows[:fours].reshape(fours // _ILP, _ILP, width), axis=0)  # (in order)
        lanes = parts[0]
        for v in rows[fours:]:
            lanes = lanes + v
        lanes = lanes + parts[1] + parts[2] + parts[3]
    else:
        lanes = rows[0]
        for v in rows[1:]:
            lanes = lanes + v
    return np.add.accumulate(np.concatenate((flat[vectors * width :], lanes)))[-1]


def _full(flat: Any) -> Any:
    """All of `flat` (1-D, memory order) summed: split into chunks above the grain, as PyTorch."""
    n = flat.shape[0]
    if n < 16 * _ILP * _VECTOR_BYTES // flat.itemsize:
        return _short(flat)
    threads = get_num_threads()
    if threads <= 1 or n <= _GRAIN:
        return _inner(flat[None])[0]
    parts = min(threads, -(-n // _GRAIN))
    size = -(-n // parts)
    sums = [_inner(flat[None, begin : begin + size])[0] for begin in range(0, n, size)]
    sums += [flat.dtype.type(0)] * (threads - len(sums))  # the per-thread buffer's untouched rows
    return _inner(np.array(sums, flat.dtype)[None])[0]


def _loop_dims(a: Any, reduced: set) -> list:
    """The dims as PyTorch's TensorIterator loops over them, innermost first: [(size, stride in
    elements, reduced, original dims outermost first)]. The reduced dims come first, ordered by
    their strides in `a`, then the kept ones by the (contiguous) output's; dims next to each other
    in memory (the output's too) merge; size-1 dims drop out."""
    item = a.itemsize
    out_stride = {}  # the output's strides: contiguous over the kept dims, in their order
    step = 1
    for d in reversed([d for d in range(a.ndim) if d not in reduced]):
        out_stride[d] = step
        step *= a.shape[d]
    dims = [(a.shape[d], a.strides[d] // item, d in reduced, [d]) for d in range(a.ndim) if a.shape[d] != 1]
    # (the output's strides order the kept dims, the input's the reduced ones)
    dims.sort(key=lambda t: (not t[2], out_stride[t[3][0]] if not t[2] else t[1]))
    merged: list = []
    for size, stride, red, orig in dims:
        if merged:
            p_size, p_stride, p_red, p_orig = merged[-1]
            fits = p_red == red and stride == p_stride * p_size
            if fits and not red:
                fits = out_stride[orig[-1]] == out_stride[p_orig[-1]] * p_size
            if fits:
                merged[-1] = (p_size * size, p_stride, red, orig + p_orig)
                continue
        merged.append((size, stride, red, orig))
    return merged


def _per_row(view: Any, d0: tuple, d1: tuple, chunks: list) -> Any:
    """ATen's two-dim loop: `view` (..., size1, size0) summed over its last axis, d0, as the loop
    adds it (an array (..., size1)); d1 is the loop's second dim."""
    width = _VECTOR_BYTES // view.itemsize
    if d0[1] == 1 and d0[0] >= width:  # along contiguous memory
        return _inner(view.reshape(-1, d0[0])).reshape(view.shape[:-1])
    terms = np.moveaxis(view, -1, 0)  # (size0, ..., size1)
    vectors = d1[1] == 1 and d1[0] >= width
    if vectors or d0[1] >= d1[1]:  # across rows, d1 the columns
        return _outer(terms, chunks, vectors)
    return _row_sum(terms)  # along strided memory


def reduce(a: Any, axes: tuple) -> Any | None:
    """`a` (a dense NumPy float32/float64 array) summed over `axes`, kept dims in `a`'s order, as
    PyTorch's CPU kernel adds it; None where this module does not follow its order."""
    if type(a) is not np.ndarray or a.dtype not in _FLOATS or a.size == 0 or not a.ndim:
        return None
    if a.flags.c_contiguous:
        common = _leading_or_trailing(a, sorted({d % a.ndim for d in axes}))
        if common is not None:
            return common
    reduced = {d % a.ndim for d in axes}
    kept = [d for d in range(a.ndim) if d not in reduced]
    out_shape = tuple(a.shape[d] for d in kept)
    if not reduced or any(s < 0 or s % a.itemsize for s in a.strides):
        return None
    dims = _loop_dims(a, reduced)
    if not any(red for _, _, red, _ in dims):  # (only size-1 dims reduced)
        return (a.reshape(out_shape) + a.dtype.type(0)).astype(a.dtype)
    if all(red for _, _, red, _ in dims):
        if len(dims) == 1 and dims[0][1] == 1:  # (all of it one run of memory)
            total = _full(np.lib.stride_tricks.as_strided(a, (a.size,), (dims[0][1] * a.itemsize,)))
            return np.asarray(total + a.dtype.type(0), a.dtype).reshape(out_shape)
        if a.size > _GRAIN and get_num_threads() > 1:  # (the threads' chunks would cut runs apart)
            return None
    # the array as the loops see it: outer dims outermost first, then the loop's two dims
    loop = dims[:2] if len(dims) > 1 else dims + [(1, 0, True, [])]  # (one strided run: a row of one)
    outer = dims[2:][::-1]
    order = outer + loop[::-1]
    view = np.lib.stride_tricks.as_strided(
        a, tuple(n for n, _, _, _ in order), tuple(st * a.itemsize for _, st, _, _ in order), writeable=False)
    d0, d1 = loop[0][:2], loop[1][:2]
    if d0[1] != 1 and d1[1] != 1 and d1[0] > 1 and not _dense(a):
        return None  # (gaps, and neither loop dim along memory: an order not measured against PyTorch)
    kept_sizes = [n for n, _, red, _ in dims if not red]
    split = not loop[1][2] and loop[1][0] == max(kept_sizes)  # (the threads share out d1's columns)
    chunks = _thread_chunks(a.size, d1[0], a.itemsize) if split else [(0, d1[0])]
    rows = _per_row(view, d0, d1, chunks)  # (outer..., size1)
    # each output adds the loop's results in the order the outer (and reduced d1) indices run
    n_kept_outer = sum(not red for _, _, red, _ in outer)
    summed = rows if loop[1][2] else np.moveaxis(rows, -1, n_kept_outer)  # kept axes first
    lead = summed.shape[: n_kept_outer + (0 if loop[1][2] else 1)]
    terms = summed.reshape(*lead, -1)
    flat = _in_order(np.moveaxis(terms, -1, 0)) if terms.shape[-1] > 1 else terms[..., 0]
    flat = flat + flat.dtype.type(0)  # (the output starts at +0: a sum of -0.0s is +0.0)
    # back to the kept dims' order: each merged dim splits into its originals
    kept_dims = [t for t in outer if not t[2]] + ([] if loop[1][2] else [loop[1]])
    names = [d for _, _, _, orig in kept_dims for d in orig]
    names += [d for d in kept if d not in names]  # (the size-1 kept dims)
    result = flat.reshape([a.shape[d] for d in names])
    result = result.transpose([names.index(d) for d in kept])
    return result if result.flags.c_contiguous else result.copy()  # (ascontiguousarray makes 0-d 1-d)


def _leading_or_trailing(a: Any, reduced: list) -> Any | None:
    """`reduce` of a C-contiguous array over its leading dims (a bias's gradient) or its trailing
    ones (a row's sum, or all of it) without the general bookkeeping; None for other dims."""
    k = len(reduced)
    if reduced != list(range(k)) and reduced != list(range(a.ndim - k, a.ndim)):
        return None
    zero = a.dtype.type(0)
    if k == a.ndim:
        return np.asarray(_full(a.reshape(-1)) + zero, a.dtype)
    leading = reduced[0] == 0
    kept_shape = a.shape[k:] if leading else a.shape[: a.ndim - k]
    count = a.size // math.prod(kept_shape)  # the terms of each sum
    kept = a.size // count
    if count == 1:
        return (a.reshape(kept_shape) + zero).astype(a.dtype)
    if kept == 1:  # (one sum along all of memory)
        return np.asarray(_full(a.reshape(-1)) + zero, a.dtype).reshape(kept_shape)
    if leading:
        block = a.reshape(count, kept)
        width = _VECTOR_BYTES // a.itemsize
        flat = _outer(block, _thread_chunks(a.size, kept, a.itemsize), kept >= width)
    else:
        flat = _inner(a.reshape(kept, count))
    return (flat + zero).reshape(kept_shape)


def down_columns(block: Any) -> Any:
    """The columns of a C-contiguous 2-D float32/float64 NumPy `block` summed down its rows (a bias's
    gradient): `reduce(block, (0,))` for its most common caller, without the dim bookkeeping."""
    rows, columns = block.shape
    if rows == 1 or columns == 1:
        return reduce(block, (0,))
    width = _VECTOR_BYTES // block.itemsize
    chunks = _thread_chunks(block.size, columns, block.itemsize) if block.size >= _GRAIN else [(0, columns)]
    total = _outer(block, chunks, columns >= width)
    return np.add(total, block.dtype.type(0), out=total)  # (the output starts at +0: -0.0 sums are +0.0)


def _dense(a: Any) -> bool:
    """Whether `a` covers its memory exactly once (in some order of its dims)."""
    expected = a.itemsize
    for stride, size in sorted((st, n) for st, n in zip(a.strides, a.shape) if n != 1):
        if stride != expected:
            return False
        expected *= size
    return True
