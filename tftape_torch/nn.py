"""`tf.nn`: activation functions and the other neural-network ops.

>>> import tftape_torch as tf
>>> print(tf.nn.relu(tf.constant([-1.0, 2.0])))
tf.Tensor([0. 2.], shape=(2,), dtype=float32)
"""

from tftape_torch._conv_ops import avg_pool2d, conv1d, conv2d, max_pool2d
from tftape_torch._math_ops import sigmoid, tanh
from tftape_torch._nn_ops import (
    bias_add,
    dropout,
    elu,
    gelu,
    l2_loss,
    leaky_relu,
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
    swish,
)
from tftape_torch._norm_ops import l2_normalize
from tftape_torch._sequence_ops import top_k
from tftape_torch._special_ops import softsign

__all__ = [
    "avg_pool2d",
    "bias_add",
    "conv1d",
    "conv2d",
    "dropout",
    "elu",
    "gelu",
    "l2_loss",
    "l2_normalize",
    "leaky_relu",
    "log_softmax",
    "max_pool2d",
    "moments",
    "relu",
    "relu6",
    "selu",
    "sigmoid",
    "sigmoid_cross_entropy_with_logits",
    "silu",
    "softmax",
    "softmax_cross_entropy_with_logits",
    "softplus",
    "softsign",
    "sparse_softmax_cross_entropy_with_logits",
    "swish",
    "tanh",
    "top_k",
]
