"""`tf.get_logger`: the Python logger TF's messages go to, `"tensorflow"`.

>>> import tftape_torch as tf
>>> tf.get_logger().name
'tensorflow'
"""

from __future__ import annotations

import logging

__all__ = ["get_logger"]


def get_logger() -> logging.Logger:
    """The `"tensorflow"` logger of Python's `logging`, which the package's own log
    messages (those TF logs rather than warns) use; `tf.get_logger().setLevel(...)`
    works as in TF.

    >>> import tftape_torch as tf
    >>> tf.get_logger().setLevel("ERROR")
    >>> tf.get_logger().getEffectiveLevel() == 40
    True
    """
    return logging.getLogger("tensorflow")
