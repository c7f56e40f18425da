"""`tf.nn.ctc_loss`: the connectionist temporal classification loss of dense labels.

TF computes it with a forward-backward pass over the logits' softmax; this is
torch's `ctc_loss` on their `log_softmax`, with TF's arguments: dense labels padded
past `label_length`, time-major logits by default, the blank at `blank_index` (0 by
default; a negative index counts from the number of classes). The gradient with
respect to the logits is TF's (softmax minus the alignment occupancy).

>>> import tftape_torch as tf
>>> logits = tf.zeros([3, 1, 3])  # 3 frames, 1 sequence, 3 classes (blank 0)
>>> print(tf.nn.ctc_loss(tf.constant([[1]]), logits, tf.constant([1]), tf.constant([3])))
tf.Tensor([1.5040774], shape=(1,), dtype=float32)
"""

from __future__ import annotations

from typing import Any, Optional

import torch

from tftape_torch import errors
from tftape_torch._dtypes import INTEGER, dtype_name
from tftape_torch._op_call import as_tensor, call, float_input
from tftape_torch._torch_internals import DisableTorchFunctionSubclass

__all__ = ["ctc_loss"]


def ctc_loss(
    labels: Any,
    logits: Any,
    label_length: Any,
    logit_length: Any,
    logits_time_major: bool = True,
    unique: Any = None,
    blank_index: Optional[int] = None,
    name: Optional[str] = None,
) -> torch.Tensor:
    """The negative log-likelihood of each label sequence under the logits, summed
    over every alignment (one loss per batch entry, float like `logits`).

    >>> import tftape_torch as tf
    >>> logits = tf.zeros([2, 1, 2])  # 2 frames, classes: blank 0 and label 1
    >>> loss = tf.nn.ctc_loss(tf.constant([[1]]), logits, [1], [2])
    >>> print(tf.exp(-loss))  # alignments "1 _", "_ 1", "1 1", each 1/4
    tf.Tensor([0.75], shape=(1,), dtype=float32)

    Args:
      labels: int32/int64 `[batch, max_label_length]`, padded past `label_length`.
      logits: `[frames, batch, classes]` (`[batch, frames, classes]` unless
        `logits_time_major`), unnormalized log-probabilities.
      label_length: `[batch]` lengths of the label sequences.
      logit_length: `[batch]` numbers of frames of each sequence.
      logits_time_major: whether `logits` has frames first.
      unique: TF's optional `tf.nn.ctc_unique_labels` of `labels`; a speed-up there,
        ignored here (the loss is the same).
      blank_index: the class of the blank (default 0; negative: from the end).

    Raises:
      InvalidArgumentError: for labels that are not integers, or logits not of rank 3.
      ValueError: for a missing `label_length` or `logit_length`.
    """
    if label_length is None or logit_length is None:
        raise ValueError("`label_length` and `logit_length` are required for dense labels "
                         "(sparse labels are not supported here)")
    x = float_input(logits, "CTCLoss", allow_complex=False)
    targets = as_tensor(labels)
    if targets.dtype not in INTEGER:
        raise errors.InvalidArgumentError(
            None, None, f"labels must be int32 or int64, not {dtype_name(targets.dtype)}")
    if x.dim() != 3:
        raise errors.InvalidArgumentError(
            None, None, f"logits must be 3-dimensional, got shape {list(x.shape)}")
    classes = int(x.shape[-1])
    blank = 0 if blank_index is None else int(blank_index)
    if blank < 0:
        blank += classes
    with DisableTorchFunctionSubclass():
        frames = torch.as_tensor(as_tensor(logit_length), dtype=torch.long)
        lengths = torch.as_tensor(as_tensor(label_length), dtype=torch.long)
        targets = targets.to(torch.long)
    return call("CTCLoss", _ctc_loss, (x,), x, targets, frames, lengths, blank,
                bool(logits_time_major))


def _ctc_loss(logits: torch.Tensor, targets: torch.Tensor, frames: torch.Tensor,
              lengths: torch.Tensor, blank: int, time_major: bool) -> torch.Tensor:
    if not time_major:
        logits = logits.transpose(0, 1)
    log_probs = torch.log_softmax(logits, dim=-1)
    return torch.nn.functional.ctc_loss(log_probs, targets, frames, lengths, blank=blank,
                                        reduction="none")
