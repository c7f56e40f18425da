"""`tf.data.Dataset.save` and `Dataset.load`: a dataset's elements written to a
directory and read back, with its element spec, so that a preprocessing pipeline runs
once.

The directory is this package's own (the elements as CPU tensors by `torch.save`, one
file per shard, and the element spec beside them), not TF's snapshot format: a
directory TF saved does not load here, nor the other way round. What TF's API
promises holds: `load` gives the same elements in the same order and the same
`element_spec` (or the one passed), with the saved cardinality; `shard_func` puts
each element in the shard its int64 result names and `reader_func` chooses how the
shards (a dataset of datasets, in shard order) are read back, by default one after
another; `compression="GZIP"` compresses the files.

>>> import tempfile, os
>>> import tftape_torch as tf
>>> path = os.path.join(tempfile.mkdtemp(), "squares")
>>> tf.data.Dataset.range(4).map(lambda x: x * x).save(path)
>>> [int(x) for x in tf.data.Dataset.load(path)]
[0, 1, 4, 9]
"""

from __future__ import annotations

import gzip
import os
from typing import IO, Any, Callable, Dict, Iterator, List, Optional

import torch

from tftape_torch import errors
from tftape_torch._data_elements import Element, call_on
from tftape_torch._device import current_device
from tftape_torch._structure import flatten, pack_like
from tftape_torch._tensor import as_eager

__all__ = ["SavedDatasets"]

_SPEC_FILE = "dataset_spec.pt"
_SHARD_FILE = "shard_{:05d}.pt"
_COMPRESSIONS = (None, "", "NONE", "GZIP")


def _compression(compression: Optional[str]) -> bool:
    """Whether `compression` asks for GZIP (None, "" and "NONE" do not)."""
    name = compression.upper() if isinstance(compression, str) else compression
    if name not in _COMPRESSIONS:
        raise ValueError(f"Unsupported compression: {compression!r}; use None or 'GZIP'")
    return name == "GZIP"


def _open(path: str, mode: str, gzipped: bool) -> IO[bytes]:
    return gzip.open(path, mode) if gzipped else open(path, mode)  # type: ignore[return-value]


def _shard_of(shard_func: Callable[..., Any], element: Element) -> int:
    shard = call_on(shard_func, element)
    if isinstance(shard, torch.Tensor):
        if shard.dtype != torch.int64 or shard.dim() != 0:
            raise errors.InvalidArgumentError(
                None, None, "`shard_func` must return a scalar int64 tensor, got "
                f"{shard.dtype} of shape {list(shard.shape)}.")
        return int(shard)
    if isinstance(shard, bool) or not isinstance(shard, int):
        raise errors.InvalidArgumentError(
            None, None, f"`shard_func` must return a scalar int64, got {shard!r}.")
    return shard


class SavedDatasets:
    """`save` and `load` of `Dataset` (see the module docstring).

    The class provides `_factory` (the elements), `element_spec` and a constructor
    taking `(factory, cardinality, spec_fn, tf_name)`.
    """

    _factory: Callable[[], Iterator[Element]]
    element_spec: Any

    def save(self, path: str, compression: Optional[str] = None,
             shard_func: Optional[Callable[..., Any]] = None,
             checkpoint_args: Any = None) -> None:
        """Writes the dataset's elements and element spec to the directory `path`
        (replacing what a previous `save` wrote there).

        Raises:
          ValueError: for a compression other than None and "GZIP", or
            `checkpoint_args` (saving with checkpoints is not supported).
          InvalidArgumentError: if `shard_func` returns something other than an int64
            scalar or a negative shard.
        """
        gzipped = _compression(compression)
        if checkpoint_args is not None:
            raise ValueError("`checkpoint_args` is not supported: save writes the whole "
                             "dataset in one go")
        shards: Dict[int, List[List[torch.Tensor]]] = {}
        for element in self._factory():
            shard = 0 if shard_func is None else _shard_of(shard_func, element)
            if shard < 0:
                raise errors.InvalidArgumentError(
                    None, None, f"`shard_func` returned a negative shard: {shard}.")
            leaves = [leaf.detach().cpu().as_subclass(torch.Tensor) for leaf in flatten(element)]
            shards.setdefault(shard, []).append(leaves)
        os.makedirs(path, exist_ok=True)
        for name in os.listdir(path):
            if name.startswith("shard_") and name.endswith(".pt"):
                os.remove(os.path.join(path, name))
        for shard, rows in shards.items():
            with _open(os.path.join(path, _SHARD_FILE.format(shard)), "wb", gzipped) as file:
                torch.save(rows, file)
        with open(os.path.join(path, _SPEC_FILE), "wb") as file:
            torch.save({"element_spec": self.element_spec, "gzip": gzipped,
                        "cardinality": sum(len(rows) for rows in shards.values())}, file)

    @classmethod
    def load(cls, path: str, element_spec: Any = None, compression: Optional[str] = None,
             reader_func: Optional[Callable[[Any], Any]] = None, wait: bool = False) -> Any:
        """The dataset `save` wrote to `path`: its elements, in order (shards one after
        another, in shard order, unless `reader_func` reads them otherwise), on the
        current device.

        Raises:
          NotFoundError: if `path` holds no saved dataset.
        """
        _compression(compression)
        spec_path = os.path.join(path, _SPEC_FILE)
        if not os.path.exists(spec_path):
            raise errors.NotFoundError(
                None, None, f"tf.data snapshot element_spec file not found: {spec_path}.")
        with open(spec_path, "rb") as file:
            meta = torch.load(file, weights_only=False)
        spec = meta["element_spec"] if element_spec is None else element_spec
        gzipped = bool(meta["gzip"])
        names = sorted(name for name in os.listdir(path)
                       if name.startswith("shard_") and name.endswith(".pt"))
        device = current_device()

        def shard_dataset(name: str) -> Any:
            def factory() -> Iterator[Element]:
                with _open(os.path.join(path, name), "rb", gzipped) as file:
                    rows = torch.load(file, weights_only=True)
                for leaves in rows:
                    yield pack_like(spec, [as_eager(leaf.to(device) if device else leaf)
                                           for leaf in leaves])

            return cls._made_from(factory, -2, spec, "_LoadDataset")

        shards = [shard_dataset(name) for name in names]
        count = int(meta["cardinality"])
        if reader_func is None:
            return cls._made_from(
                lambda: (element for shard in shards for element in shard._factory()),
                count, spec, "_LoadDataset")
        of_shards = cls._made_from(lambda: iter(shards), len(shards), None, "_ShardsDataset")
        return reader_func(of_shards)

    @classmethod
    def _made_from(cls, factory: Callable[[], Iterator[Element]], cardinality: int,
                   spec: Any, tf_name: str) -> Any:
        return cls(factory, cardinality,  # type: ignore[call-arg]
                   None if spec is None else (lambda: spec), tf_name)
