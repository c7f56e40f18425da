"""`tf.train.CheckpointOptions`: how `Checkpoint.save`/`write`/`restore` do their I/O.

Here checkpoints are written and read synchronously on the host: the I/O device and
the asynchronous-checkpoint switch are kept (as TF's options keep them) and change
nothing, since a synchronous save leaves the same files an asynchronous one does once
it finished. Write callbacks run after each write, as in TF. (TF's asynchronous saves
number their checkpoints from a counter of their own: `a-1` after a synchronous
`cb-1`; here every save takes the next `save_counter`.)

>>> import os, tempfile
>>> import tftape_torch as tf
>>> written = []
>>> options = tf.train.CheckpointOptions(experimental_write_callbacks=[written.append])
>>> path = tf.train.Checkpoint(v=tf.Variable(1.0)).save(
...     os.path.join(tempfile.mkdtemp(), "ckpt"), options=options)
>>> written == [path]
True
"""

from __future__ import annotations

import inspect
from typing import Any, Callable, Optional, Sequence

__all__ = ["CheckpointOptions", "run_write_callbacks"]


class CheckpointOptions:
    """Options of a checkpoint's save or restore (`options=` of `Checkpoint.save`,
    `write`, `read` and `restore`, and of `CheckpointManager.save`).

    Args:
      experimental_io_device: the device TF would run the I/O on; kept, unused
        (the host does the I/O here).
      experimental_enable_async_checkpoint: save in the background in TF; kept
        (saves here are synchronous, with the same files in the end).
      experimental_write_callbacks: callables of no argument or one (the path
        written), called after each write, in order.
      enable_async: the same as `experimental_enable_async_checkpoint`.
      experimental_skip_slot_variables: kept, unused (TF: skip an optimizer's slot
        variables on restore, for TPU embeddings).
      experimental_sharding_callback: None (TF's sharding callbacks split the data
        file; this package writes one).

    Raises:
      AssertionError: for a write callback taking more than one argument (TF's check).
      ValueError: for a sharding callback (this package writes one unsharded file).
    """

    __slots__ = ("experimental_io_device", "experimental_enable_async_checkpoint",
                 "experimental_write_callbacks", "enable_async",
                 "experimental_sharding_callback", "experimental_skip_slot_variables")

    def __init__(self, experimental_io_device: Optional[str] = None,
                 experimental_enable_async_checkpoint: bool = False,
                 experimental_write_callbacks: Optional[Sequence[Callable[..., Any]]] = None,
                 enable_async: bool = False, experimental_skip_slot_variables: bool = False,
                 experimental_sharding_callback: Any = None) -> None:
        self.experimental_io_device = experimental_io_device
        self.enable_async = experimental_enable_async_checkpoint or enable_async
        self.experimental_enable_async_checkpoint = self.enable_async
        if experimental_write_callbacks is not None:
            for callback in experimental_write_callbacks:
                assert len(inspect.signature(callback).parameters) <= 1
        self.experimental_write_callbacks = experimental_write_callbacks
        if experimental_sharding_callback is not None:
            raise ValueError(
                "The experimental_sharding_callback checkpoint option is not supported by "
                "tftape_torch, which writes each checkpoint's values to one data file; got "
                f"{type(experimental_sharding_callback)}.")
        self.experimental_sharding_callback = experimental_sharding_callback
        self.experimental_skip_slot_variables = experimental_skip_slot_variables


CheckpointOptions.__module__ = "tftape_torch.train"


def run_write_callbacks(options: Any, save_path: str) -> None:
    """Call `options`' write callbacks (if `options` has any) with `save_path`, each
    with the path if it takes one argument, as TF does after a write."""
    callbacks = getattr(options, "experimental_write_callbacks", None)
    for callback in callbacks or ():
        if inspect.signature(callback).parameters:
            callback(save_path)
        else:
            callback()
