"""`tf.io`: TF's file API (`tf.io.gfile`). TF's readers, writers and codecs of string
tensors (`read_file`, `decode_*`, `parse_example`, TFRecords) are out of scope with
string tensors.

>>> import tftape_torch as tf
>>> tf.io.gfile.join("checkpoints", "run1")
'checkpoints/run1'
"""

from typing import Any

from tftape_torch import _gfile as gfile
from tftape_torch._unsupported import UnsupportedError

__all__ = ["gfile"]


def __getattr__(name: str) -> Any:
    """Every other `tf.io` name is refused with one clear error (an `AttributeError`)."""
    if name.startswith("__"):
        raise AttributeError(name)
    raise UnsupportedError(
        f"tftape_torch does not support `tf.io.{name}`: `tf.io`'s readers, codecs and "
        "protos work on string tensors (`read_file`, `decode_*`, `parse_example`, "
        "TFRecords); `tf.io.gfile` is here. In torch, use Python's `open` or "
        "`tf.io.gfile.GFile`, and `torchvision.io` or PIL for images.")
