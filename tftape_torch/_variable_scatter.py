"""A `tf.Variable`'s sparse updates: `scatter_update`, `scatter_add`, `scatter_sub`,
`scatter_mul`, `scatter_div`, `scatter_max`, `scatter_min` (rows given by a
`tf.IndexedSlices`) and `scatter_nd_update`/`scatter_nd_add`/`scatter_nd_sub`
(elements or slices given by index tuples), as TF's resource-variable kernels apply
them: duplicate indices accumulate (add, sub, mul, div) or combine (max, min), an
index out of range is TF's `InvalidArgumentError`. Like `assign`, each writes fresh
storage, so values read earlier (and recorded on tapes) stay as they were.

>>> import tftape_torch as tf
>>> v = tf.Variable([0.0, 1.0, 2.0, 3.0])
>>> print(v.scatter_add(tf.IndexedSlices(tf.constant([1.0, 2.0]), tf.constant([1, 1]))))
<tf.Variable 'Variable:0' shape=(4,) dtype=float32, numpy=array([0., 4., 2., 3.], dtype=float32)>
"""

from __future__ import annotations

from typing import Any, Callable, Dict, Optional

import torch

from tftape_torch._convert import convert_value
from tftape_torch._indexed_slices import IndexedSlices
from tftape_torch._torch_internals import (
    DisableTorchFunctionSubclass as _DisableSubclass,
)
from tftape_torch.errors import InvalidArgumentError

__all__ = ["GATHER_OPS", "ScatterMethods"]

#: `tf.gather` and `tf.gather_nd`, put here by `_gather_ops` when it is imported: it
#: imports the Variable type (through `_op_call`), so these methods cannot import it.
GATHER_OPS: Dict[str, Callable[..., Any]] = {}


def _indices(value: Any, device: torch.device) -> torch.Tensor:
    if not isinstance(value, torch.Tensor):
        value = convert_value(value, None, device)  # nested lists may hold tensors
    with _DisableSubclass():
        return value.to(device=device, dtype=torch.int64)


def _combine(kind: str) -> Callable[[torch.Tensor, torch.Tensor, torch.Tensor], torch.Tensor]:
    """How rows `index` of `base` take `updates` (duplicates included), for `kind`."""

    def combine(base: torch.Tensor, index: torch.Tensor, updates: torch.Tensor) -> torch.Tensor:
        if kind == "update":
            return base.index_put((index,), updates)
        if kind in ("add", "sub"):
            return base.index_put((index,), updates if kind == "add" else -updates,
                                  accumulate=True)
        rows = index.reshape((-1,) + (1,) * (updates.dim() - 1)).expand_as(updates)
        if kind == "div":  # one division by the product of each row's divisors
            divisors = torch.ones_like(base).scatter_reduce(0, rows, updates, "prod")
            return base / divisors
        reduce = {"mul": "prod", "max": "amax", "min": "amin"}[kind]
        return base.scatter_reduce(0, rows, updates, reduce)

    return combine


_OPS: Dict[str, str] = {"update": "ResourceScatterUpdate", "add": "ResourceScatterAdd",
                        "sub": "ResourceScatterSub", "mul": "ResourceScatterMul",
                        "div": "ResourceScatterDiv", "max": "ResourceScatterMax",
                        "min": "ResourceScatterMin"}


class ScatterMethods:
    """The scatter methods of `tf.Variable` (a mixin of `Variable`, which provides
    `_convert`, `_rebind` and the variable's value)."""

    def _scatter(self, kind: str, sparse_delta: Any) -> Any:
        if not isinstance(sparse_delta, IndexedSlices):
            raise TypeError("Argument `sparse_delta` must be a `tf.IndexedSlices`. Received "
                            f"arg: {sparse_delta}")
        updates = self._convert(sparse_delta.values)  # type: ignore[attr-defined]
        with _DisableSubclass():
            base = torch.Tensor.detach(self)  # type: ignore[arg-type]
            index = _indices(sparse_delta.indices, base.device).reshape(-1)
            rows = base.shape[0] if base.dim() else 0
            bad = ((index < 0) | (index >= rows)).nonzero()
            if bad.numel():  # a host read, as TF's kernel checks its indices
                i = int(bad[0, 0])
                raise InvalidArgumentError(
                    None, None, f"indices[{i}] = {int(index[i])} is not in [0, {rows}) "
                    f"[Op:{_OPS[kind]}]")
            updates = updates.reshape((index.numel(),) + tuple(base.shape[1:]))
            new = _combine(kind)(base.clone(), index, updates)
        self._rebind(new)  # type: ignore[attr-defined]
        return self

    def scatter_update(self, sparse_delta: Any, use_locking: bool = False,
                       name: Optional[str] = None) -> Any:
        """Writes `sparse_delta.values` (a `tf.IndexedSlices`) into the rows
        `sparse_delta.indices`; returns the variable.

        Raises:
          TypeError: if `sparse_delta` is not a `tf.IndexedSlices`.
          InvalidArgumentError: for an index out of range.
        """
        return self._scatter("update", sparse_delta)

    def scatter_add(self, sparse_delta: Any, use_locking: bool = False,
                    name: Optional[str] = None) -> Any:
        """Adds `sparse_delta.values` to the rows `sparse_delta.indices` (repeated rows
        add up); returns the variable."""
        return self._scatter("add", sparse_delta)

    def scatter_sub(self, sparse_delta: Any, use_locking: bool = False,
                    name: Optional[str] = None) -> Any:
        """Subtracts `sparse_delta.values` from the rows `sparse_delta.indices`."""
        return self._scatter("sub", sparse_delta)

    def scatter_mul(self, sparse_delta: Any, use_locking: bool = False,
                    name: Optional[str] = None) -> Any:
        """Multiplies the rows `sparse_delta.indices` by `sparse_delta.values`."""
        return self._scatter("mul", sparse_delta)

    def scatter_div(self, sparse_delta: Any, use_locking: bool = False,
                    name: Optional[str] = None) -> Any:
        """Divides the rows `sparse_delta.indices` by `sparse_delta.values`."""
        return self._scatter("div", sparse_delta)

    def scatter_max(self, sparse_delta: Any, use_locking: bool = False,
                    name: Optional[str] = None) -> Any:
        """The rows `sparse_delta.indices` become their maximum with the values."""
        return self._scatter("max", sparse_delta)

    def scatter_min(self, sparse_delta: Any, use_locking: bool = False,
                    name: Optional[str] = None) -> Any:
        """The rows `sparse_delta.indices` become their minimum with the values."""
        return self._scatter("min", sparse_delta)

    def sparse_read(self, indices: Any, name: Optional[str] = None) -> Any:
        """The rows `indices` of the variable, as `tf.gather(v, indices)`: its gradient
        with respect to the variable is a `tf.IndexedSlices`.

        >>> import tftape_torch as tf
        >>> v = tf.Variable([1.0, 2.0, 3.0])
        >>> print(v.sparse_read([2, 0]))
        tf.Tensor([3. 1.], shape=(2,), dtype=float32)
        """
        return GATHER_OPS["gather"](self, indices)

    def gather_nd(self, indices: Any, name: Optional[str] = None) -> Any:
        """The slices of the variable at the N-dimensional `indices`, as
        `tf.gather_nd(v, indices)`.

        >>> import tftape_torch as tf
        >>> v = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
        >>> print(v.gather_nd([[0, 1], [1, 1]]))
        tf.Tensor([2. 4.], shape=(2,), dtype=float32)
        """
        return GATHER_OPS["gather_nd"](self, indices)

    def batch_scatter_update(self, sparse_delta: Any, use_locking: bool = False,
                             name: Optional[str] = None) -> Any:
        """Writes `sparse_delta.values` at `sparse_delta.indices` along the last
        dimension of the indices, batch by batch (the indices' leading dimensions are
        the variable's); returns the variable.

        >>> import tftape_torch as tf
        >>> v = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
        >>> delta = tf.IndexedSlices(tf.constant([[9.0], [8.0]]), tf.constant([[1], [0]]))
        >>> print(v.batch_scatter_update(delta).numpy())
        [[1. 9.]
         [8. 4.]]

        Raises:
          TypeError: if `sparse_delta` is not a `tf.IndexedSlices`.
        """
        if not isinstance(sparse_delta, IndexedSlices):
            raise TypeError("Argument `sparse_delta` must be a `tf.IndexedSlices`. Received "
                            f"arg: {sparse_delta}")
        with _DisableSubclass():
            base = torch.Tensor.detach(self)  # type: ignore[arg-type]
            index = _indices(sparse_delta.indices, base.device)
            grids = torch.meshgrid(
                *[torch.arange(n, device=base.device) for n in index.shape[:-1]],
                torch.arange(index.shape[-1], device=base.device), indexing="ij")
            coordinates = torch.stack([*grids[:-1], index], -1)
        return self._scatter_nd("update", coordinates, sparse_delta.values,
                                "ResourceScatterNdUpdate")

    def _scatter_nd(self, kind: str, indices: Any, updates: Any, op: str) -> Any:
        values = self._convert(updates)  # type: ignore[attr-defined]
        with _DisableSubclass():
            base = torch.Tensor.detach(self)  # type: ignore[arg-type]
            index = _indices(indices, base.device)
            depth = index.shape[-1]
            flat = index.reshape(-1, depth)
            limits = torch.tensor(base.shape[:depth], device=base.device)
            bad = ((flat < 0) | (flat >= limits)).any(-1).nonzero()
            if bad.numel():  # a host read, as TF's kernel checks its indices
                i = int(bad[0, 0])
                where = ", ".join(str(int(d)) for d in flat[i])
                shape = ",".join(str(d) for d in base.shape)
                raise InvalidArgumentError(
                    None, None, f"indices[{i}] = [{where}] does not index into shape "
                    f"[{shape}] [Op:{op}]")
            values = values.reshape(tuple(index.shape[:-1]) + tuple(base.shape[depth:]))
            key = tuple(index.unbind(-1))
            if kind == "update":
                new = base.clone().index_put(key, values)
            else:
                new = base.clone().index_put(key, values if kind == "add" else -values,
                                             accumulate=True)
        self._rebind(new)  # type: ignore[attr-defined]
        return self

    def scatter_nd_update(self, indices: Any, updates: Any, name: Optional[str] = None) -> Any:
        """Writes `updates` at `indices` (each index a tuple into the leading
        dimensions); returns the variable.

        Raises:
          InvalidArgumentError: for an index out of range.
        """
        return self._scatter_nd("update", indices, updates, "ResourceScatterNdUpdate")

    def scatter_nd_add(self, indices: Any, updates: Any, name: Optional[str] = None) -> Any:
        """Adds `updates` at `indices` (repeated indices add up)."""
        return self._scatter_nd("add", indices, updates, "ResourceScatterNdAdd")

    def scatter_nd_sub(self, indices: Any, updates: Any, name: Optional[str] = None) -> Any:
        """Subtracts `updates` at `indices`."""
        return self._scatter_nd("sub", indices, updates, "ResourceScatterNdSub")
