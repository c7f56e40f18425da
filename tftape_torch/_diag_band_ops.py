"""TF's layout of a band of diagonals (`MatrixDiagV3`, `MatrixDiagPartV3`,
`MatrixSetDiagV3` with `k = (lo, hi)`): `tf.linalg.set_diag`, and the band forms of
`tf.linalg.diag` and `tf.linalg.diag_part`.

Diagonal `d` of an `M x N` matrix holds `(i + max(-d, 0), i + max(d, 0))` for
`i < min(M + min(d, 0), N - max(d, 0))`. With `k = (lo, hi)`, `diagonal` has shape
`[..., hi - lo + 1, max_len]`: row `hi - d` holds diagonal `d`, and a diagonal shorter
than `max_len` sits at the right of its row (padded on the left) or at the left, as
`align` says: its first word for superdiagonals (`d > 0`), its second for the others.

>>> import tftape_torch as tf
>>> x = tf.zeros([3, 3])
>>> print(tf.linalg.set_diag(x, tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 0.0]]), k=(-1, 0)))
tf.Tensor(
[[1. 0. 0.]
 [4. 2. 0.]
 [0. 5. 3.]], shape=(3, 3), dtype=float32)
"""

from __future__ import annotations

import builtins
from typing import Any, List, Tuple

import torch

from tftape_torch._op_call import as_tensor, call
from tftape_torch.errors import InvalidArgumentError

__all__ = ["band_diag", "band_diag_part", "band_of", "set_diag"]

_ALIGNS = ("LEFT_RIGHT", "RIGHT_LEFT", "LEFT_LEFT", "RIGHT_RIGHT")


def _error(message: str, op: str = "MatrixSetDiagV3") -> InvalidArgumentError:
    return InvalidArgumentError(None, None, f"{message} [Op:{op}]")


def _check_align(align: str, op: str) -> None:
    if align not in _ALIGNS:
        raise _error(f"Value for attr 'align' of \"{align}\" is not in the list of allowed "
                     "values: " + ", ".join(f'"{a}"' for a in _ALIGNS), op)


def band_of(k: Any, op: str) -> Tuple[int, int]:
    """`k` (an int, a pair, or a tensor of them) as `(lo, hi)`, checked as TF checks it."""
    if isinstance(k, torch.Tensor):
        k = k.tolist()
    pair = [int(v) for v in k] if isinstance(k, (list, tuple)) else [int(k)]
    if len(pair) not in (1, 2):
        raise _error(f"diag_index must have only one or two elements, received {len(pair)} "
                     "elements.", op)
    lo, hi = pair[0], pair[-1]
    if lo > hi:
        raise _error(f"lower_diag_index must not be larger than upper_diag_index: {lo} > {hi}",
                     op)
    return lo, hi


def _length(rows: int, cols: int, d: int) -> int:
    return builtins.max(builtins.min(rows + builtins.min(d, 0), cols - builtins.max(d, 0)), 0)


def _band(k: Any, rows: int, cols: int, op: str = "MatrixSetDiagV3") -> Tuple[int, int]:
    """`k` as `(lo, hi)`, checked against the matrix size in TF's order (and with its
    messages: the upper index's lacks a full stop)."""
    lo, hi = band_of(k, op)
    if not (-rows < lo < cols or lo == 0):
        raise _error(f"lower_diag_index is out of bound: {lo}. It must be between {-rows} "
                     f"and {cols}", op)
    if not (-rows < hi < cols or hi == 0):
        raise _error(f"upper_diag_index is out of bound: {hi} It must be between {-rows} "
                     f"and {cols}", op)
    return lo, hi


def _indices(rows: int, cols: int, lo: int, hi: int, align: str
             ) -> Tuple[List[int], List[int], List[int], List[int], int]:
    """Target rows and columns, and where each value sits in `diagonal` (row, place)."""
    width = builtins.max(_length(rows, cols, d) for d in range(lo, hi + 1))
    super_right, sub_right = (part == "RIGHT" for part in align.split("_"))
    target_rows: List[int] = []
    target_cols: List[int] = []
    source_rows: List[int] = []
    source_places: List[int] = []
    for d in range(hi, lo - 1, -1):
        length = _length(rows, cols, d)
        offset = width - length if (super_right if d > 0 else sub_right) else 0
        for i in range(length):
            target_rows.append(i + builtins.max(-d, 0))
            target_cols.append(i + builtins.max(d, 0))
            source_rows.append(hi - d)
            source_places.append(offset + i)
    return target_rows, target_cols, source_rows, source_places, width


def _set_band(x: torch.Tensor, diagonal: torch.Tensor, index: Tuple[List[int], ...],
              band: builtins.bool) -> torch.Tensor:
    target_rows, target_cols, source_rows, source_places = (
        torch.tensor(i, dtype=torch.int64, device=x.device) for i in index)
    values = diagonal[..., source_rows, source_places] if band else diagonal[..., source_places]
    out = x.clone()
    out[..., target_rows, target_cols] = values
    return out


def set_diag(input: Any, diagonal: Any, name: str = "set_diag", k: Any = 0,
             align: str = "RIGHT_LEFT") -> torch.Tensor:
    """`input` with diagonal `k` (an int, or a band `(lo, hi)`) replaced by `diagonal`
    (layout in the module docstring); differentiable in both.

    >>> import tftape_torch as tf
    >>> print(tf.linalg.set_diag(tf.zeros([2, 3]), tf.constant([1.0, 2.0]), k=1))
    tf.Tensor(
    [[0. 1. 0.]
     [0. 0. 2.]], shape=(2, 3), dtype=float32)

    Raises:
      InvalidArgumentError: for `k` out of the matrix, `lo > hi`, an unknown `align`,
        or a `diagonal` whose shape does not fit.
    """
    _check_align(align, "MatrixSetDiagV3")
    x = as_tensor(input)
    d = as_tensor(diagonal, x.dtype)
    if x.dim() < 2:
        raise _error(f"input must be at least 2-dim, received shape: {list(x.shape)}")
    rows, cols = int(x.shape[-2]), int(x.shape[-1])
    lo, hi = _band(k, rows, cols)
    *index, width = _indices(rows, cols, lo, hi, align)
    band = lo != hi
    expected = list(x.shape[:-2]) + ([hi - lo + 1] if band else []) + [width]
    if list(d.shape) != expected or d.dtype != x.dtype:
        raise _error(f"Either first dimensions of diagonal don't match input.shape[:-2], or "
                     f"diagonal.shape[:-1] is not equal to the numbers of diagonals: diagonal "
                     f"must have shape {expected}, got {list(d.shape)}")
    return call("MatrixSetDiagV3", _set_band, (x, d), x, d, tuple(index), band)


def _diag_of_band(diagonal: torch.Tensor, index: Tuple[List[int], ...], rows: int, cols: int,
                  padding: torch.Tensor) -> torch.Tensor:
    target_rows, target_cols, source_rows, source_places = (
        torch.tensor(i, dtype=torch.int64, device=diagonal.device) for i in index)
    out = padding.to(diagonal.dtype).expand(*diagonal.shape[:-2], rows, cols).clone()
    out[..., target_rows, target_cols] = diagonal[..., source_rows, source_places]
    return out


def band_diag(diagonal: torch.Tensor, lo: int, hi: int, num_rows: int, num_cols: int,
              padding: torch.Tensor, align: str) -> torch.Tensor:
    """`tf.linalg.diag` of a band `k = (lo, hi)`, `lo < hi`: `diagonal` is
    `[..., hi - lo + 1, max_len]` in the module's layout; entries off the band are
    `padding`. `num_rows`/`num_cols` of -1 are inferred as TF infers them."""
    op = "MatrixDiagV3"
    _check_align(align, op)
    if diagonal.dim() < 2:  # TF's kernel aborts the process here
        raise _error(f"diagonal must be at least 2-dim for a band of diagonals, received "
                     f"shape: [{','.join(map(str, diagonal.shape))}]", op)
    if diagonal.shape[-2] != hi - lo + 1:
        raise _error("The number of diagonals provided in the input does not match the "
                     "lower_diag_index and upper_diag_index range.", op)
    width = int(diagonal.shape[-1])
    min_rows, min_cols = width - builtins.min(hi, 0), width + builtins.max(lo, 0)
    rows, cols = num_rows, num_cols
    if rows == -1 and cols == -1:
        rows = cols = builtins.max(min_rows, min_cols)
    elif rows == -1:
        rows = min_rows
    elif cols == -1:
        cols = min_cols
    if (rows < min_rows and rows != -1) or (cols < min_cols and cols != -1) or (
            rows != min_rows and cols != min_cols):
        raise _error("The number of rows or columns is not consistent with the specified "
                     "d_lower, d_upper, and diagonal.", op)
    *index, _ = _indices(rows, cols, lo, hi, align)
    return call(op, _diag_of_band, (diagonal, padding), diagonal, tuple(index), rows, cols,
                padding)


def _band_of_matrix(x: torch.Tensor, index: Tuple[List[int], ...], count: int, width: int,
                    padding: torch.Tensor) -> torch.Tensor:
    target_rows, target_cols, source_rows, source_places = (
        torch.tensor(i, dtype=torch.int64, device=x.device) for i in index)
    out = padding.to(x.dtype).expand(*x.shape[:-2], count, width).clone()
    out[..., source_rows, source_places] = x[..., target_rows, target_cols]
    return out


def band_diag_part(x: torch.Tensor, k: Any, padding: torch.Tensor, align: str
                   ) -> torch.Tensor:
    """`tf.linalg.diag_part` of a band `k = (lo, hi)`: `[..., hi - lo + 1, max_len]` in
    the module's layout, `padding` where a diagonal is shorter than `max_len`."""
    op = "MatrixDiagPartV3"
    _check_align(align, op)
    rows, cols = int(x.shape[-2]), int(x.shape[-1])
    lo, hi = _band(k, rows, cols, op)
    *index, width = _indices(rows, cols, lo, hi, align)
    return call(op, _band_of_matrix, (x,), x, tuple(index), hi - lo + 1, width, padding)
