"""`tf.nn.ctc_loss`: the connectionist temporal classification loss of dense labels
(and `tf.nn.collapse_repeated`, TF's helper that merges repeated labels).

TF computes it with a forward-backward pass over the logits' softmax, and so does
this (TF's own steps, in `_ctc_kernel`), with TF's arguments: dense labels padded
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
from tftape_torch._array_ops import cast, concat, expand_dims, ones_like, reshape
from tftape_torch._ctc_kernel import dense_ctc_loss
from tftape_torch._dtypes import INTEGER, dtype_name
from tftape_torch._elementwise_ops import logical_and, not_equal
from tftape_torch._gather_ops import boolean_mask, scatter_nd
from tftape_torch._math_ops import reduce_max, reduce_sum
from tftape_torch._op_call import as_tensor, call, float_input
from tftape_torch._range_ops import range as range_
from tftape_torch._shape_ops import sequence_mask
from tftape_torch._tensor import as_eager
from tftape_torch._torch_internals import DisableTorchFunctionSubclass

__all__ = ["collapse_repeated", "ctc_loss"]


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
      InvalidArgumentError: for labels that are not integers or not of rank 2, logits
        not of rank 3, or float64 logits (which TF 2.21's dense-label code refuses).
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
    if x.dtype == torch.float64:
        # NOTE: TF 2.21's dense CTC multiplies the logits by a float32 one-hot.
        raise errors.InvalidArgumentError(
            None, None, "cannot compute Mul as input #1(zero-based) was expected to be a "
            "double tensor but is a float tensor [Op:Mul]")
    if targets.dim() != 2:
        raise errors.InvalidArgumentError(
            None, None, f"labels must be 2-dimensional, got shape {list(targets.shape)}")
    with DisableTorchFunctionSubclass():
        frames = torch.as_tensor(as_tensor(logit_length), dtype=torch.long, device=x.device)
        lengths = torch.as_tensor(as_tensor(label_length), dtype=torch.long, device=x.device)
        targets = targets.to(torch.long)
        if blank != 0:  # TF moves the blank to class 0 and renumbers the labels below it
            targets = torch.where(targets < blank, targets + 1, targets)
    return call("CTCLoss", _ctc_loss, (x,), x, targets, frames, lengths, blank,
                bool(logits_time_major))


def _ctc_loss(logits: torch.Tensor, targets: torch.Tensor, frames: torch.Tensor,
              lengths: torch.Tensor, blank: int, time_major: bool) -> torch.Tensor:
    dtype = logits.dtype
    if dtype != torch.float32:  # float16, bfloat16: TF computes in float32
        logits = logits.float()
    if not time_major:
        logits = logits.transpose(0, 1)
    if blank != 0:
        classes = logits.shape[-1]
        order = [blank] + [c for c in range(classes) if c != blank]
        logits = logits[:, :, order]
    return dense_ctc_loss(logits, targets, lengths, frames).to(dtype)


def collapse_repeated(labels: Any, seq_length: Any, name: Optional[str] = None) -> Any:
    """Merge repeated labels into single labels (TF's CTC helper, step for step).

    Of each run of equal labels within a row's first `seq_length` entries one is
    kept; the rows are padded with 0 to the longest result.

    >>> import tftape_torch as tf
    >>> labels, lengths = tf.nn.collapse_repeated([[1, 1, 2, 2, 3], [4, 4, 4, 5, 5]], [5, 3])
    >>> print(labels, lengths)
    tf.Tensor(
    [[1 2 3]
     [4 0 0]], shape=(2, 3), dtype=int32) tf.Tensor([3 1], shape=(2,), dtype=int32)

    Returns:
      `(collapsed labels [batch, new_max_length], new sequence lengths)`.
    """
    labels, seq_length = as_eager(as_tensor(labels)), as_tensor(seq_length)  # TF's slicing
    label_mask = concat([ones_like(labels[:, :1], torch.bool),
                         not_equal(labels[:, 1:], labels[:, :-1])], axis=1)
    seq_mask = sequence_mask(seq_length, maxlen=int(labels.shape[1]))
    label_mask = logical_and(label_mask, seq_mask)
    new_seq_len = reduce_sum(cast(label_mask, torch.int32), axis=1)
    new_maxlen = reduce_max(new_seq_len)
    idx_mask = sequence_mask(new_seq_len, maxlen=new_maxlen)
    flat_labels = reshape(labels, [-1])
    flat_label_mask = reshape(label_mask, [-1])
    flat_idx_mask = reshape(idx_mask, [-1])
    idx = range_(int(flat_idx_mask.shape[0]))
    flat = scatter_nd(indices=expand_dims(boolean_mask(idx, flat_idx_mask), axis=1),
                      updates=boolean_mask(flat_labels, flat_label_mask),
                      shape=[int(flat_idx_mask.shape[0])])
    return (reshape(flat, [int(labels.shape[0]), int(new_maxlen)]),
            cast(new_seq_len, seq_length.dtype))
