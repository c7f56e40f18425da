"""TF's sampled losses: `tf.nn.nce_loss` and `tf.nn.sampled_softmax_loss`.

Both score each example's true classes and `num_sampled` negative classes drawn
once for the batch (by default `log_uniform_candidate_sampler`, unique), as TF's
`_compute_sampled_logits` does, op for op:

* the rows of `weights` and `biases` at the true and sampled classes are gathered
  (so their gradients are `tf.IndexedSlices`, as in TF; a list of shards is joined
  first, TF's `"div"` layout, and each shard then gets a dense gradient);
* true logits are row-wise dot products plus biases, `[batch, num_true]`; sampled
  logits `inputs @ sampled_w^T + sampled_b`, `[batch, num_sampled]`;
* with `remove_accidental_hits`, a sampled class that is one of the example's true
  classes gets `-FLOAT_MAX` added to its logit;
* `log Q` (the sampler's expected counts) is subtracted from every logit;
* labels are `1 / num_true` for the true columns, 0 for the sampled ones.

`nce_loss` is then the sum over columns of the sigmoid cross-entropy, and
`sampled_softmax_loss` the softmax cross-entropy, per example. Given the same
`sampled_values`, both are TF's numbers; drawing them is random
(`_candidate_sampling`).

>>> import tftape_torch as tf
>>> w, b = tf.ones([5, 2]), tf.zeros([5])
>>> sampled = (tf.constant([3, 4], tf.int64), tf.ones([1, 1]), tf.ones([2]))
>>> loss = tf.nn.sampled_softmax_loss(w, b, tf.constant([[0]]), tf.ones([1, 2]), 2, 5,
...                                   sampled_values=sampled)
>>> print(loss)  # three equal logits: log(3)
tf.Tensor([1.0986123], shape=(1,), dtype=float32)
"""

from __future__ import annotations

from typing import Any, Optional, Sequence, Tuple

import torch

from tftape_torch._array_ops import cast, concat, ones_like, reshape, stop_gradient, zeros_like
from tftape_torch._candidate_sampling import compute_accidental_hits, log_uniform_candidate_sampler
from tftape_torch._dtypes import as_dtype
from tftape_torch._gather_ops import gather
from tftape_torch._math_ops import log, matmul
from tftape_torch._nn_ops import (
    sigmoid_cross_entropy_with_logits,
    softmax_cross_entropy_with_logits,
)
from tftape_torch._op_call import as_tensor
from tftape_torch._torch_internals import DisableTorchFunctionSubclass as _DisableSubclass

__all__ = ["nce_loss", "sampled_softmax_loss"]


def _joined(params: Any) -> Any:
    """`weights`/`biases`: a tensor or Variable, or a list of shards, joined along axis
    0 (TF's `"div"` partitioning, which the v2 losses use, puts consecutive classes in
    each shard)."""
    if isinstance(params, (list, tuple)):
        if not params:
            raise ValueError("Need at least one param")
        return params[0] if len(params) == 1 else concat(list(params), 0)
    return params


def _sum_rows(x: torch.Tensor) -> torch.Tensor:
    """TF's `_sum_rows`: a matmul with a column of ones (TF avoids a reduce_sum there)."""
    columns = int(x.shape[1])
    with _DisableSubclass():
        ones = torch.ones((columns, 1), dtype=x.dtype, device=x.device)
    return reshape(matmul(x, ones), [-1])


def _accidental_hits(labels: torch.Tensor, sampled: torch.Tensor, num_true: int,
                     shape: Tuple[int, int], dtype: torch.dtype) -> torch.Tensor:
    """`-FLOAT_MAX` at each (example, sampled position) that is a true class (TF's
    `sparse_to_dense` of the hits: a repeated position is set once, not summed)."""
    rows, ids, weights = compute_accidental_hits(labels, sampled, num_true)
    with _DisableSubclass():
        dense = torch.zeros(shape, dtype=dtype, device=weights.device)
        dense[rows.long(), ids] = weights.to(dtype)
    return dense


def _compute_sampled_logits(
    weights: Any, biases: Any, labels: Any, inputs: Any, num_sampled: int, num_classes: int,
    num_true: int, sampled_values: Optional[Sequence[Any]], remove_accidental_hits: bool,
    seed: Optional[int],
) -> Tuple[torch.Tensor, torch.Tensor]:
    weights, biases = _joined(weights), _joined(biases)
    # TF reads `labels.dtype` and `inputs.dtype` first: Python lists raise AttributeError.
    if as_dtype(labels.dtype) != torch.int64:
        labels = cast(labels, torch.int64)
    inputs_dtype = as_dtype(inputs.dtype)
    labels, inputs = as_tensor(labels), as_tensor(inputs, inputs_dtype)
    labels_flat = reshape(labels, [-1])
    if sampled_values is None:
        sampled_values = log_uniform_candidate_sampler(
            labels, num_true, num_sampled, True, num_classes, seed=seed)
    sampled, true_expected, sampled_expected = (stop_gradient(s) for s in sampled_values)
    sampled = cast(sampled, torch.int64)
    all_ids = concat([labels_flat, sampled], 0)
    n_true = int(labels_flat.shape[0])

    all_w = gather(weights, all_ids)
    if all_w.dtype != inputs.dtype:
        all_w = cast(all_w, inputs.dtype)
    true_w, sampled_w = all_w[:n_true], all_w[n_true:]
    sampled_logits = matmul(inputs, sampled_w, transpose_b=True)

    all_b = gather(biases, all_ids)
    if all_b.dtype != inputs.dtype:
        all_b = cast(all_b, inputs.dtype)
    true_b, sampled_b = all_b[:n_true], all_b[n_true:]

    dim = int(true_w.shape[1])
    row_wise_dots = inputs[:, None, :] * reshape(true_w, [-1, num_true, dim])
    true_logits = reshape(_sum_rows(reshape(row_wise_dots, [-1, dim])), [-1, num_true])
    true_logits = true_logits + reshape(true_b, [-1, num_true])
    sampled_logits = sampled_logits + sampled_b

    if remove_accidental_hits:
        shape = (int(labels.shape[0]), int(sampled.shape[0]))
        sampled_logits = sampled_logits + _accidental_hits(
            labels, sampled, num_true, shape, sampled_logits.dtype)

    true_logits = true_logits - log(true_expected)
    sampled_logits = sampled_logits - log(sampled_expected)
    out_logits = concat([true_logits, sampled_logits], 1)
    out_labels = concat([ones_like(true_logits) / num_true, zeros_like(sampled_logits)], 1)
    return out_logits, out_labels


def nce_loss(weights: Any, biases: Any, labels: Any, inputs: Any, num_sampled: int,
             num_classes: int, num_true: int = 1, sampled_values: Optional[Sequence[Any]] = None,
             remove_accidental_hits: bool = False, name: str = "nce_loss") -> torch.Tensor:
    """Computes and returns the noise-contrastive estimation training loss.

    Each example's true classes and the `num_sampled` classes drawn for the batch are
    scored by logistic regression against `log Q`; the loss is the sum of their sigmoid
    cross-entropies (see the module docstring and Gutmann and Hyvarinen, 2010).

    >>> import tftape_torch as tf
    >>> sampled = (tf.constant([1], tf.int64), tf.ones([1, 1]), tf.ones([1]))
    >>> labels = tf.constant([[0]])
    >>> print(tf.nn.nce_loss(tf.zeros([3, 2]), tf.zeros([3]), labels, tf.ones([1, 2]), 1, 3,
    ...                      sampled_values=sampled))  # 2 log(2)
    tf.Tensor([1.3862944], shape=(1,), dtype=float32)

    Args:
      weights: `[num_classes, dim]` class embeddings (a tensor or Variable).
      biases: `[num_classes]` class biases.
      labels: int `[batch_size, num_true]` target classes (a tensor, as TF reads its
        dtype).
      inputs: `[batch_size, dim]` forward activations (a tensor).
      num_sampled: the number of negative classes to draw per batch.
      num_classes: the number of possible classes.
      num_true: the number of target classes per example.
      sampled_values: a `(sampled_candidates, true_expected_count,
        sampled_expected_count)` triple from a candidate sampler; drawn by
        `log_uniform_candidate_sampler` when None.
      remove_accidental_hits: whether to mask sampled classes that are true classes.
      name: ignored.

    Returns:
      `[batch_size]` losses.
    """
    logits, labels_out = _compute_sampled_logits(
        weights, biases, labels, inputs, num_sampled, num_classes, num_true, sampled_values,
        remove_accidental_hits, None)
    losses = sigmoid_cross_entropy_with_logits(labels=labels_out, logits=logits)
    return _sum_rows(losses)


def sampled_softmax_loss(weights: Any, biases: Any, labels: Any, inputs: Any, num_sampled: int,
                         num_classes: int, num_true: int = 1,
                         sampled_values: Optional[Sequence[Any]] = None,
                         remove_accidental_hits: bool = True, seed: Optional[int] = None,
                         name: str = "sampled_softmax_loss") -> torch.Tensor:
    """Computes and returns the sampled softmax training loss: a fast estimate of the
    softmax cross-entropy over many classes, from the true classes and `num_sampled`
    drawn ones (Jean et al., 2014). Arguments as `nce_loss`; `seed` seeds the default
    sampler.

    >>> import tftape_torch as tf
    >>> w = tf.constant([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    >>> sampled = (tf.constant([1, 2], tf.int64), tf.ones([1, 1]), tf.ones([2]))
    >>> labels = tf.constant([[0]])
    >>> print(tf.nn.sampled_softmax_loss(w, tf.zeros([3]), labels, tf.ones([1, 2]), 2, 3,
    ...                                  sampled_values=sampled))
    tf.Tensor([1.5514448], shape=(1,), dtype=float32)

    Returns:
      `[batch_size]` losses.
    """
    logits, labels_out = _compute_sampled_logits(
        weights, biases, labels, inputs, num_sampled, num_classes, num_true, sampled_values,
        remove_accidental_hits, seed)
    labels_out = stop_gradient(labels_out)
    return softmax_cross_entropy_with_logits(labels=labels_out, logits=logits)
