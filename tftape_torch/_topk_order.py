"""The order TF's CPU `TopKV2` kernel gives rows with NaNs (`tf.math.top_k`, and
`tf.sort`/`tf.argsort`, which TF builds on it).

# NOTE: [TF's top-k order with NaNs]
# TF's kernel orders a row's indices with `greater(a, b) = x[b] < x[a]`; a NaN is
# neither greater nor smaller than anything, so where it lands is what libstdc++'s
# algorithms make of it. For `k` equal to the row's length (every sort) the kernel
# runs `std::sort` (introsort: median-of-three partitions down to 16 elements, heap
# sort past its depth limit, then insertion sort), then puts each run of adjacent
# equal values back in index order. For a smaller `k` it keeps a `gtl::TopN` heap
# (ties by index), whose result `std::sort_heap` orders. Rows without a NaN have a
# strict order and take torch's stable sort, which agrees; so do accelerator tensors
# (TF's GPU kernels order NaNs otherwise, and looking for them would sync the host).
# Not mimicked: the `k == 1`
# case (an Eigen max reduction, whose NaN handling follows its vector lanes), and for
# `k` below the row's length a few rows (about 1 in 50 in a random sample) still come
# out in another order than TF 2.21's.

>>> rows = [[3.0, float("nan"), 1.0, 2.0]]
>>> top_k_order(rows, 4, True)
[[0, 1, 3, 2]]
"""

from __future__ import annotations

from typing import Callable, List, Sequence

__all__ = ["top_k_order"]

_Less = Callable[[int, int], bool]


def _insertion_sort(a: List[int], lo: int, hi: int, less: _Less, guarded: bool) -> None:
    for i in range(lo + (1 if guarded else 0), hi):
        value = a[i]
        if guarded and less(value, a[lo]):
            a[lo + 1:i + 1] = a[lo:i]
            a[lo] = value
            continue
        j = i
        while j > 0 and less(value, a[j - 1]):  # (libstdc++ reads past `lo` unguarded)
            a[j] = a[j - 1]
            j -= 1
        a[j] = value


def _sift_up(a: List[int], base: int, hole: int, top: int, value: int, less: _Less) -> None:
    parent = (hole - 1) // 2
    while hole > top and less(a[base + parent], value):
        a[base + hole] = a[base + parent]
        hole = parent
        parent = (hole - 1) // 2
    a[base + hole] = value


def _adjust_heap(a: List[int], base: int, hole: int, length: int, value: int,
                 less: _Less) -> None:
    top = child = hole
    while child < (length - 1) // 2:
        child = 2 * (child + 1)
        if less(a[base + child], a[base + child - 1]):
            child -= 1
        a[base + hole] = a[base + child]
        hole = child
    if length % 2 == 0 and child == (length - 2) // 2:
        child = 2 * (child + 1)
        a[base + hole] = a[base + child - 1]
        hole = child - 1
    _sift_up(a, base, hole, top, value, less)


def _make_heap(a: List[int], lo: int, hi: int, less: _Less) -> None:
    length = hi - lo
    if length < 2:
        return
    for parent in range((length - 2) // 2, -1, -1):
        _adjust_heap(a, lo, parent, length, a[lo + parent], less)


def _pop_heap(a: List[int], lo: int, hi: int, result: int, less: _Less) -> None:
    value = a[result]
    a[result] = a[lo]
    _adjust_heap(a, lo, 0, hi - lo, value, less)


def _sort_heap(a: List[int], lo: int, hi: int, less: _Less) -> None:
    while hi - lo > 1:
        hi -= 1
        _pop_heap(a, lo, hi, hi, less)


def _introsort(a: List[int], lo: int, hi: int, depth: int, less: _Less) -> None:
    while hi - lo > 16:
        if depth == 0:  # `std::partial_sort(lo, hi, hi)`: a heap sort
            _make_heap(a, lo, hi, less)
            _sort_heap(a, lo, hi, less)
            return
        depth -= 1
        mid, last = lo + (hi - lo) // 2, hi - 1
        x, y, z = lo + 1, mid, last  # the median of three moves to `lo`
        if less(a[x], a[y]):
            pick = y if less(a[y], a[z]) else z if less(a[x], a[z]) else x
        else:
            pick = x if less(a[x], a[z]) else z if less(a[y], a[z]) else y
        a[lo], a[pick] = a[pick], a[lo]
        first, last = lo + 1, hi
        while True:  # the unguarded partition around a[lo]
            while first < hi and less(a[first], a[lo]):
                first += 1
            last -= 1
            while last > lo and less(a[lo], a[last]):
                last -= 1
            if not first < last:
                break
            a[first], a[last] = a[last], a[first]
            first += 1
        _introsort(a, first, hi, depth, less)
        hi = first


def _std_sort(a: List[int], less: _Less) -> None:
    n = len(a)
    if n < 2:
        return
    _introsort(a, 0, n, 2 * (n.bit_length() - 1), less)
    if n > 16:
        _insertion_sort(a, 0, 16, less, True)
        _insertion_sort(a, 16, n, less, False)
    else:
        _insertion_sort(a, 0, n, less, True)


def _row_order(x: Sequence[float], k: int, ordered: bool) -> List[int]:
    n = len(x)
    if k == n:
        order = list(range(n))
        _std_sort(order, lambda a, b: x[b] < x[a])
        start = 0
        while start < n:  # runs of equal values back in index order
            end = start + 1
            while end < n and x[order[start]] == x[order[end]]:
                end += 1
            order[start:end] = sorted(order[start:end])
            start = end
        return order

    def greater(a: int, b: int) -> bool:
        return x[b] < x[a] or (not x[b] > x[a] and a < b)

    heap: List[int] = []
    for c in range(n):  # `gtl::TopN(k, greater)`
        if len(heap) <= k:
            heap.append(c)
            if len(heap) == k + 1:
                _make_heap(heap, 0, k + 1, greater)
                _pop_heap(heap, 0, k, k, greater)
        elif greater(c, heap[0]):
            heap[k] = c
            _sift_up(heap, 0, k, 0, c, greater)
            _pop_heap(heap, 0, k, k, greater)
    heap = heap[:k]
    if ordered:
        _sort_heap(heap, 0, k, greater)
    return heap


def top_k_order(rows: Sequence[Sequence[float]], k: int, ordered: bool) -> List[List[int]]:
    """For each row, the indices of its `k` largest values as TF's CPU kernel lists
    them, NaNs included (NOTE: [TF's top-k order with NaNs]); `1 < k <= len(row)`."""
    return [_row_order(row, k, ordered) for row in rows]
