"""`tf.keras` `Model.fit`, `evaluate` and `predict` on this package's `tf.data`
datasets, as Keras on TF takes TF's.

Keras picks a data adapter by the type of `x`; TF's datasets get its
`TFDatasetAdapter`, which needs TensorFlow. This module gives Keras one more case,
taken before the others: a `tftape_torch.data.Dataset` goes to `DatasetAdapter`, which
hands Keras's torch trainer a `torch.utils.data.DataLoader` over the dataset's
batches (a `Dataset` is a torch `IterableDataset`) and reports the batches per epoch
from the dataset's cardinality (None when unknown or infinite, as TF's adapter does).
The arguments Keras refuses with TF's datasets (`y`, `sample_weight`) are refused the
same way, `shuffle=True` warns the same way, and `class_weight` becomes per-element
sample weights, as Keras's TF adapter makes them.

>>> import numpy as np
>>> import tftape_torch as tf
>>> model = tf.keras.Sequential([tf.keras.layers.Dense(1)])
>>> model.compile(optimizer="sgd", loss="mse")
>>> ds = tf.data.Dataset.from_tensor_slices((np.ones([8, 2], np.float32),
...                                          np.ones([8, 1], np.float32))).batch(4)
>>> history = model.fit(ds, epochs=2, verbose=0)
>>> history.params["steps"]
2
"""

from __future__ import annotations

import functools
import warnings
from typing import Any, Callable, Dict, Iterator, Optional

import numpy as np
import torch

from tftape_torch._gather_ops import gather
from tftape_torch._structure import flatten, map_structure
from tftape_torch.data import Dataset

__all__ = ["install_dataset_adapter"]


def _class_weights(class_weight: Dict[int, float]) -> Callable[..., Any]:
    """Keras's `make_class_weight_map_fn`: `(x, y)` to `(x, y, weight of y's class)`."""
    table = torch.tensor([float(class_weight.get(c, 1.0))
                          for c in range(max(class_weight) + 1)])

    def weigh(*data: Any) -> Any:
        if len(data) != 2:
            raise ValueError("You cannot `class_weight` and `sample_weight` at the same time.")
        x, y = data
        if not isinstance(y, torch.Tensor):
            raise ValueError("`class_weight` is only supported for Models with a single "
                             "output.")
        if y.dim() >= 2:
            classes = (torch.argmax(y, dim=-1) if y.shape[-1] > 1
                       else torch.round(torch.squeeze(y, -1)))
        else:
            classes = torch.round(y)
        return x, y, gather(table.to(y.device), classes.to(torch.int32))  # TF's range check

    return weigh


def install_dataset_adapter(data_adapters: Any, base: Any) -> None:
    """Make Keras's `get_data_adapter` (module `data_adapters`) take this package's
    datasets, with adapters derived from Keras's `DataAdapter` (`base`)."""

    class DatasetAdapter(base):  # type: ignore[misc]
        """A `tftape_torch` dataset for Keras's trainers."""

        def __init__(self, dataset: Dataset, class_weight: Optional[Dict[int, float]] = None
                     ) -> None:
            self._dataset = (dataset if class_weight is None
                             else dataset.map(_class_weights(class_weight)))

        def get_numpy_iterator(self) -> Iterator[Any]:
            for batch in self._dataset:
                yield map_structure(lambda t: np.asarray(t.detach().cpu()), batch)

        def get_torch_dataloader(self) -> torch.utils.data.DataLoader:  # type: ignore[type-arg]
            return torch.utils.data.DataLoader(self._dataset, batch_size=None)

        @property
        def num_batches(self) -> Optional[int]:
            cardinality = int(self._dataset.cardinality())
            return cardinality if cardinality >= 0 else None

        @property
        def batch_size(self) -> Optional[int]:
            return flatten(self._dataset.element_spec)[0].shape[0]

        @property
        def has_partial_batch(self) -> None:
            return None

        @property
        def partial_batch_size(self) -> None:
            return None

    keras_get = data_adapters.get_data_adapter
    unsupported = data_adapters.raise_unsupported_arg

    @functools.wraps(keras_get)
    def get_data_adapter(x: Any, y: Any = None, sample_weight: Any = None,
                         batch_size: Any = None, steps_per_epoch: Any = None,
                         shuffle: bool = False, class_weight: Any = None) -> Any:
        if not isinstance(x, Dataset):
            return keras_get(x, y, sample_weight, batch_size, steps_per_epoch, shuffle,
                             class_weight)
        if y is not None:
            unsupported("y", "the targets", "tf.data.Dataset")
        if sample_weight is not None:
            unsupported("sample_weights", "the sample weights", "tf.data.Dataset")
        if shuffle:
            warnings.warn(
                "`shuffle=True` was passed, but will be ignored since the data `x` was "
                "provided as a tf.data.Dataset. The Dataset is expected to already be "
                "shuffled (via `.shuffle(buffer_size)`).", stacklevel=2)
        return DatasetAdapter(x, class_weight)

    data_adapters.get_data_adapter = get_data_adapter
