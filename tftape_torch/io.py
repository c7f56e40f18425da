"""`tf.io`: TF's file API (`tf.io.gfile`). TF's readers, writers and codecs of string
tensors (`read_file`, `decode_*`, `parse_example`, TFRecords) are out of scope with
string tensors.

>>> import tftape_torch as tf
>>> tf.io.gfile.join("checkpoints", "run1")
'checkpoints/run1'
"""

from tftape_torch import _gfile as gfile

__all__ = ["gfile"]
