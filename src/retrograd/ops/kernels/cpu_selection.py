"""PyTorch's CPU selection orders for sort, topk, kthvalue and mode, for rows where they decide.

Among equal values, which index PyTorch's CPU sort, topk, kthvalue and mode report is decided
by their algorithms, not by the input order: sort (unless `stable=True`) and mode `std::sort`
(value, index) pairs by value; topk runs libstdc++'s `partial_sort` (a heap, when
`k * 64 <= n`) or `nth_element` plus `sort` on the first `k - 1`; kthvalue runs ATen's
median-of-three quickselect. A router's `expert_ids.argsort()`, a vocabulary's
`counts.topk(10)`, a beam's tied scores or a vote's mode print those indices, so this module
replays the same steps on one row.

topk and kthvalue take a row as its keys: integers where a smaller key ranks first and
equal keys are the values the C++ comparator cannot tell apart (equal numbers, or two
NaNs); mode compares the raw values, as its kernel does. Rows are plain Python lists and
loops: only rows whose result the algorithm decides come here.
"""

from __future__ import annotations

from typing import Any

import numpy as np

_INSERTION_LIMIT = 16  # libstdc++'s _S_threshold: introsort leaves ranges this small to insertion sort


def ascending_ranks(a: Any) -> Any:
    """Dense ranks along the last axis of a host array: equal values (and all NaNs) share a
    rank, NaN ranks above every number (as PyTorch's comparators order it)."""
    order = np.argsort(a, axis=-1, kind="stable")  # NaN sorts last
    ordered = np.take_along_axis(a, order, axis=-1)
    step = ordered[..., 1:] != ordered[..., :-1]
    if a.dtype.kind == "f" or a.dtype.kind == "V":
        nan = ordered != ordered
        step &= ~(nan[..., 1:] & nan[..., :-1])
    dense = np.zeros(a.shape, dtype=np.int64)
    dense[..., 1:] = np.cumsum(step, axis=-1)
    ranks = np.empty_like(dense)
    np.put_along_axis(ranks, order, dense, axis=-1)
    return ranks


def topk_row(key: list[int], k: int, sorted: bool) -> list[int]:
    """The indices PyTorch's CPU topk picks from a row with these keys (smaller key first)."""
    n = len(key)
    q = list(range(n))
    if k * 64 <= n:  # std::partial_sort: sorted whatever `sorted` says
        _heap_select(q, key, 0, k, n)
        _sort_heap(q, key, 0, k)
        return q[:k]
    _nth_element(q, key, 0, k - 1, n)
    if sorted:
        _sort(q, key, 0, k - 1)
    return q[:k]


def kth_row(key: list[int], k: int) -> int:
    """The index PyTorch's CPU kthvalue reports for the `k`-th (from 0) smallest key of a row:
    ATen's quickselect (median of three, Sedgewick's partition)."""
    q = list(range(len(key)))
    lo, hi = 0, len(key) - 1
    while hi > lo:
        if hi == lo + 1:
            if key[q[lo]] > key[q[hi]]:
                q[lo], q[hi] = q[hi], q[lo]
            break
        mid = (lo + hi) >> 1
        q[mid], q[lo + 1] = q[lo + 1], q[mid]
        for x, y in ((lo + 1, hi), (lo, hi), (lo + 1, lo)):
            if key[q[x]] > key[q[y]]:
                q[x], q[y] = q[y], q[x]
        pivot = key[q[lo]]
        i, j = lo + 1, hi
        while True:
            i += 1
            while pivot > key[q[i]]:
                i += 1
            j -= 1
            while key[q[j]] > pivot:
                j -= 1
            if j < i:
                break
            q[i], q[j] = q[j], q[i]
        q[lo], q[j] = q[j], q[lo]
        if j <= k:
            lo = i
        if j >= k:
            hi = j - 1
    return q[k]


# libstdc++'s heap on q[base : base + length], `key[a] < key[b]` its "less": the root holds the worst


def _push_heap(q: list[int], key: list[int], base: int, hole: int, top: int, value: int) -> None:
    parent = (hole - 1) // 2
    while hole > top and key[q[base + parent]] < key[value]:
        q[base + hole] = q[base + parent]
        hole = parent
        parent = (hole - 1) // 2
    q[base + hole] = value


def _adjust_heap(q: list[int], key: list[int], base: int, hole: int, length: int, value: int) -> None:
    top = child = hole
    while child < (length - 1) // 2:
        child = 2 * (child + 1)
        if key[q[base + child]] < key[q[base + child - 1]]:
            child -= 1
        q[base + hole] = q[base + child]
        hole = child
    if length % 2 == 0 and child == (length - 2) // 2:
        child = 2 * (child + 1)
        q[base + hole] = q[base + child - 1]
        hole = child - 1
    _push_heap(q, key, base, hole, top, value)


def _make_heap(q: list[int], key: list[int], base: int, length: int) -> None:
    for parent in range((length - 2) // 2, -1, -1):
        _adjust_heap(q, key, base, parent, length, q[base + parent])


def _pop_heap(q: list[int], key: list[int], base: int, length: int) -> None:
    """Move the root to the end of the heap and re-heap the rest."""
    last = base + length - 1
    value = q[last]
    q[last] = q[base]
    _adjust_heap(q, key, base, 0, length - 1, value)


def _sort_heap(q: list[int], key: list[int], base: int, length: int) -> None:
    for size in range(length, 1, -1):
        _pop_heap(q, key, base, size)


def _heap_select(q: list[int], key: list[int], first: int, middle: int, last: int) -> None:
    """The best `middle - first` of q[first:last] into a heap at q[first:middle]."""
    length = middle - first
    _make_heap(q, key, first, length)
    for i in range(middle, last):
        if key[q[i]] < key[q[first]]:
            value = q[i]
            q[i] = q[first]
            _adjust_heap(q, key, first, 0, length, value)


def _partition_at_pivot(q: list[int], key: list[int], first: int, last: int) -> int:
    """Median of three moved to q[first], then Hoare's unguarded partition of q[first + 1:last]."""
    a, b, c = first + 1, first + (last - first) // 2, last - 1
    ka, kb, kc = key[q[a]], key[q[b]], key[q[c]]
    if ka < kb:
        median = b if kb < kc else (c if ka < kc else a)
    else:
        median = a if ka < kc else (c if kb < kc else b)
    q[first], q[median] = q[median], q[first]
    pivot = key[q[first]]
    lo, hi = first + 1, last
    while True:
        while key[q[lo]] < pivot:
            lo += 1
        hi -= 1
        while pivot < key[q[hi]]:
            hi -= 1
        if not lo < hi:
            return lo
        q[lo], q[hi] = q[hi], q[lo]
        lo += 1


def _insertion_sort(q: list[int], key: list[Any], first: int, last: int) -> None:
    """libstdc++'s insertion sort, step by step: with NaN keys (mode compares raw values, and
    NaN is neither less nor greater) no other sort leaves the same order."""
    for i in range(first + 1, last):
        value = q[i]
        k = key[value]
        if k < key[q[first]]:  # smaller than the first: to the front, past everything
            q[first + 1 : i + 1] = q[first:i]
            q[first] = value
            continue
        j = i
        while j > first and k < key[q[j - 1]]:  # unguarded in C++; the bound only matters with NaN
            q[j] = q[j - 1]
            j -= 1
        q[j] = value


def _nth_element(q: list[int], key: list[int], first: int, nth: int, last: int) -> None:
    """libstdc++'s introselect: q[nth] gets the key it would have if sorted, better ones before it."""
    if first == last or nth == last:
        return
    depth = 2 * ((last - first).bit_length() - 1)
    while last - first > 3:
        if depth == 0:
            _heap_select(q, key, first, nth + 1, last)
            q[first], q[nth] = q[nth], q[first]
            return
        depth -= 1
        cut = _partition_at_pivot(q, key, first, last)
        if cut <= nth:
            first = cut
        else:
            last = cut
    _insertion_sort(q, key, first, last)


def _sort(q: list[int], key: list[int], first: int, last: int) -> None:
    """libstdc++'s introsort; its recursion becomes a stack of disjoint ranges."""
    if last - first < 2:
        return
    pending = [(first, last, 2 * ((last - first).bit_length() - 1))]
    while pending:
        lo, hi, depth = pending.pop()
        while hi - lo > _INSERTION_LIMIT:
            if depth == 0:  # heapsort the range
                _heap_select(q, key, lo, hi, hi)
                _sort_heap(q, key, lo, hi - lo)
                break
            depth -= 1
            cut = _partition_at_pivot(q, key, lo, hi)
            pending.append((cut, hi, depth))
            hi = cut
    _insertion_sort(q, key, first, last)


def replay_sort(rows: Any, descending: bool, index: Any) -> Any:
    """`index` (rows, n), the stable order of host `rows` (rows, n), with each row that `std::sort`
    orders differently replayed: longer than its insertion sort's 16 and with equal values."""
    n = rows.shape[-1]
    if n <= _INSERTION_LIMIT:
        return index
    ranks = ascending_ranks(rows)
    keys = -ranks if descending else ranks
    index = index.copy()
    for r in np.flatnonzero(ranks.max(axis=-1) < n - 1):  # fewer distinct values than entries
        q = list(range(n))
        _sort(q, keys[r].tolist(), 0, n)
        index[r] = q
    return index


def replay_topk(rows: Any, k: int, largest: bool, sorted: bool, index: Any) -> Any:
    """`index` (rows, k), the stable top-k of host `rows` (rows, n), with each row that PyTorch's
    kernel decides differently replayed: ties within or at the edge of the top k, or (unsorted,
    outside the heap path) any row, as nth_element leaves its order."""
    n = rows.shape[-1]
    ranks = ascending_ranks(rows)
    keys = -ranks if largest else ranks
    best = np.sort(keys, axis=-1)[:, : min(k + 1, n)]
    replay = (best[:, 1:] == best[:, :-1]).any(axis=-1)
    if not sorted and k * 64 > n:
        replay[:] = True
    index = index.copy()
    for r in np.flatnonzero(replay):
        index[r] = topk_row(keys[r].tolist(), k, sorted)
    return index


def replay_kthvalue(rows: Any, k: int, index: Any) -> Any:
    """`index` (rows,), the stable k-th smallest (k from 1) of host `rows` (rows, n), with each
    row whose k-th value appears more than once replayed through ATen's quickselect."""
    ranks = ascending_ranks(rows)
    kth = np.sort(ranks, axis=-1)[:, k - 1 : k]
    index = index.copy()
    for r in np.flatnonzero((ranks == kth).sum(axis=-1) > 1):
        index[r] = kth_row(ranks[r].tolist(), k - 1)
    return index


def mode_row(values: list[Any]) -> int:
    """The index PyTorch's CPU mode reports for a row: `std::sort` of (value, index) pairs by
    value alone, then the last pair of the first longest run of equal values."""
    n = len(values)
    q = list(range(n))
    _sort(q, values, 0, n)
    best, best_end, run = 0, 0, 0
    for i in range(n):
        run += 1
        if i == n - 1 or values[q[i]] != values[q[i + 1]]:
            if run > best:
                best, best_end = run, i
            run = 0
    return q[best_end]


def replay_mode(rows: Any, index: Any) -> Any:
    """`index` (rows,), the last occurrence of each host row's mode, with the rows where `std::sort`
    is not a stable insertion sort (longer than 16) or meets NaN replayed."""
    long_rows = rows.shape[-1] > _INSERTION_LIMIT
    nan = (rows != rows).any(axis=-1) if rows.dtype.kind in "fV" else np.zeros(rows.shape[0], dtype=bool)
    index = index.copy()
    for r in range(rows.shape[0]) if long_rows else np.flatnonzero(nan):
        index[r] = mode_row(rows[r].tolist())
    return index
