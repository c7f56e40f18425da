"""`tf.nn`: activation functions and the other neural-network ops.

>>> import tftape_torch as tf
>>> print(tf.nn.relu(tf.constant([-1.0, 2.0])))
tf.Tensor([0. 2.], shape=(2,), dtype=float32)
"""

import types as _types
from typing import Any, Optional

import torch

from tftape_torch._approx_top_k import approx_max_k, approx_min_k
from tftape_torch._block_ops import (
    depth_to_space,
    space_to_batch,
    space_to_depth,
    with_space_to_batch,
)
from tftape_torch._candidate_sampling import (
    all_candidate_sampler,
    compute_accidental_hits,
    fixed_unigram_candidate_sampler,
)
from tftape_torch._clip_ops import clip_by_norm
from tftape_torch._conv_ops import (
    avg_pool,
    avg_pool1d,
    avg_pool2d,
    avg_pool3d,
    conv1d,
    conv1d_transpose,
    conv2d,
    conv2d_transpose,
    conv3d,
    conv3d_transpose,
    conv_transpose,
    convolution,
    depthwise_conv2d,
    depthwise_conv2d_backprop_filter,
    depthwise_conv2d_backprop_input,
    max_pool,
    max_pool1d,
    max_pool2d,
    max_pool3d,
    separable_conv2d,
)
from tftape_torch._ctc_ops import collapse_repeated, ctc_loss
from tftape_torch._fractional_pool_ops import fractional_avg_pool, fractional_max_pool
from tftape_torch._gather_ops import gather
from tftape_torch._isotonic_ops import isotonic_regression
from tftape_torch._math_ops import sigmoid, tanh
from tftape_torch._nn_ops import (
    batch_normalization,
    bias_add,
    crelu,
    dropout,
    elu,
    gelu,
    general_dropout,
    l2_loss,
    leaky_relu,
    log_poisson_loss,
    log_softmax,
    moments,
    relu,
    relu6,
    selu,
    sigmoid_cross_entropy_with_logits,
    silu,
    softmax,
    softmax_cross_entropy_with_logits,
    softplus,
    sparse_softmax_cross_entropy_with_logits,
    stateless_dropout,
    swish,
    weighted_cross_entropy_with_logits,
)
from tftape_torch._norm_ops import l2_normalize, local_response_normalization
from tftape_torch._norm_ops import local_response_normalization as lrn
from tftape_torch._op_call import as_tensor
from tftape_torch._pool_ops import pool
from tftape_torch._sampled_losses import nce_loss, sampled_softmax_loss
from tftape_torch._sequence_ops import in_top_k, top_k, zero_fraction
from tftape_torch._special_ops import softsign
from tftape_torch._statistics_ops import (
    normalize_moments,
    sufficient_statistics,
    weighted_moments,
)
from tftape_torch._strategy import compute_average_loss, scale_regularization_loss
from tftape_torch._window_max_ops import (
    atrous_conv2d,
    atrous_conv2d_transpose,
    dilation2d,
    erosion2d,
    max_pool_with_argmax,
)

experimental = _types.SimpleNamespace(general_dropout=general_dropout,
                                      stateless_dropout=stateless_dropout)
experimental.__doc__ = "`tf.nn.experimental`: `general_dropout`, `stateless_dropout`."

__all__ = [
    "all_candidate_sampler",
    "approx_max_k",
    "approx_min_k",
    "atrous_conv2d",
    "atrous_conv2d_transpose",
    "avg_pool",
    "avg_pool1d",
    "avg_pool2d",
    "avg_pool3d",
    "batch_norm_with_global_normalization",
    "batch_normalization",
    "bias_add",
    "collapse_repeated",
    "compute_accidental_hits",
    "compute_average_loss",
    "conv1d",
    "conv1d_transpose",
    "conv2d",
    "conv2d_transpose",
    "conv3d",
    "conv3d_transpose",
    "conv_transpose",
    "convolution",
    "crelu",
    "ctc_loss",
    "depth_to_space",
    "depthwise_conv2d",
    "depthwise_conv2d_backprop_filter",
    "depthwise_conv2d_backprop_input",
    "dilation2d",
    "dropout",
    "elu",
    "embedding_lookup",
    "erosion2d",
    "experimental",
    "fixed_unigram_candidate_sampler",
    "fractional_avg_pool",
    "fractional_max_pool",
    "gelu",
    "in_top_k",
    "isotonic_regression",
    "l2_loss",
    "l2_normalize",
    "leaky_relu",
    "local_response_normalization",
    "log_poisson_loss",
    "log_softmax",
    "lrn",
    "max_pool",
    "max_pool1d",
    "max_pool2d",
    "max_pool3d",
    "max_pool_with_argmax",
    "moments",
    "nce_loss",
    "normalize_moments",
    "pool",
    "relu",
    "relu6",
    "sampled_softmax_loss",
    "scale_regularization_loss",
    "selu",
    "separable_conv2d",
    "sigmoid",
    "sigmoid_cross_entropy_with_logits",
    "silu",
    "softmax",
    "softmax_cross_entropy_with_logits",
    "softplus",
    "softsign",
    "space_to_batch",
    "space_to_depth",
    "sparse_softmax_cross_entropy_with_logits",
    "sufficient_statistics",
    "swish",
    "tanh",
    "top_k",
    "weighted_cross_entropy_with_logits",
    "weighted_moments",
    "with_space_to_batch",
    "zero_fraction",
]


def embedding_lookup(params: Any, ids: Any, max_norm: Any = None,
                     name: Optional[str] = None) -> torch.Tensor:
    """The rows of `params` at `ids` (`gather` along axis 0; the gradient with respect
    to `params` is a `tf.IndexedSlices`, as in TF). With `max_norm`, each looked-up row
    whose L2 norm exceeds it is scaled down to it.

    >>> import tftape_torch as tf
    >>> table = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
    >>> print(tf.nn.embedding_lookup(table, [1, 1]))
    tf.Tensor(
    [[3. 4.]
     [3. 4.]], shape=(2, 2), dtype=float32)

    Raises:
      ValueError: `params` is an empty list, or a list of more than one shard.
    """
    if isinstance(params, (list, tuple)):
        if len(params) != 1:
            raise ValueError("embedding_lookup takes one tensor or Variable here (a list of "
                             f"{len(params)} shards is not supported): concatenate them")
        params = params[0]
    rows = gather(params, ids)
    if max_norm is None:
        return rows
    axes = list(range(as_tensor(ids).dim(), rows.dim()))
    return clip_by_norm(rows, max_norm, axes=axes)


def batch_norm_with_global_normalization(input: Any = None, mean: Any = None,
                                         variance: Any = None, beta: Any = None,
                                         gamma: Any = None, variance_epsilon: Any = None,
                                         scale_after_normalization: Any = None,
                                         name: Optional[str] = None) -> Any:
    """`batch_normalization(input, mean, variance, beta, gamma, variance_epsilon)`, with
    `gamma` used only when `scale_after_normalization` (TF's older spelling).

    >>> import tftape_torch as tf
    >>> print(tf.nn.batch_norm_with_global_normalization(
    ...     tf.constant([1.0, 3.0]), 2.0, 1.0, 0.5, 2.0, 0.0, True))
    tf.Tensor([-1.5  2.5], shape=(2,), dtype=float32)
    """
    return batch_normalization(input, mean, variance, beta,
                               gamma if scale_after_normalization else None, variance_epsilon)
