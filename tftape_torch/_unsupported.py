"""The parts of TensorFlow this package leaves out, each refused with one clear error.

`tf.ragged`, `tf.sparse`, `tf.strings`, `tf.saved_model`, `tf.profiler` and
the string dtype have no counterpart here: reading one of them
raises `UnsupportedError` (an `AttributeError`, so `hasattr(tf, "ragged")` is False,
and a `NotImplementedError`) naming what is unsupported and what to use in torch.

>>> import tftape_torch as tf
>>> try:
...     tf.ragged
... except NotImplementedError as e:
...     print(e)
tftape_torch does not support ragged tensors (`tf.ragged`, `tf.RaggedTensor`); in torch,
use `torch.nested.nested_tensor`, or pad to a dense tensor with a mask.
"""

from __future__ import annotations

from typing import Dict, Tuple

__all__ = ["UNSUPPORTED", "UnsupportedError", "unsupported"]

_RAGGED = (
    "ragged tensors (`tf.ragged`, `tf.RaggedTensor`)",
    "`torch.nested.nested_tensor`, or pad to a dense tensor with a mask",
)
_SPARSE = (
    "sparse tensors (`tf.sparse`, `tf.SparseTensor`)",
    "`torch.sparse_coo_tensor` and the `torch.sparse` module",
)
_STRINGS = (
    "string tensors (`tf.strings`, `tf.string`, `tf.constant('text')`)",
    "Python `str` values and lists of them, or a tokenizer that yields integer tensors",
)

# Name on `tf` -> (what is unsupported, the torch alternative).
UNSUPPORTED: Dict[str, Tuple[str, str]] = {
    "RaggedTensor": _RAGGED,
    "SparseTensor": _SPARSE,
    "ragged": _RAGGED,
    "saved_model": (
        "`tf.saved_model`",
        "`tf.train.Checkpoint` for variables, or `torch.save` / `torch.export` for models",
    ),
    "sparse": _SPARSE,
    "string": _STRINGS,
    "strings": _STRINGS,
    "profiler": ("`tf.profiler`", "`torch.profiler.profile`"),
}


class UnsupportedError(AttributeError, NotImplementedError):
    """A TensorFlow feature this package does not provide."""


def unsupported(name: str) -> UnsupportedError:
    """The error for reading `tf.<name>`, one of `UNSUPPORTED`.

    >>> print(unsupported("profiler"))
    tftape_torch does not support `tf.profiler`; in torch, use `torch.profiler.profile`.
    """
    what, instead = UNSUPPORTED[name]
    return UnsupportedError(f"tftape_torch does not support {what}; in torch, use {instead}.")
