"""`tf.nn`: activation functions and the other neural-network ops.

>>> import tftape_torch as tf
>>> print(tf.nn.relu(tf.constant([-1.0, 2.0])))
tf.Tensor([0. 2.], shape=(2,), dtype=float32)
"""

from tftape_torch._math_ops import sigmoid, tanh
from tftape_torch._nn_ops import relu, softmax, softplus
from tftape_torch._norm_ops import l2_normalize

__all__ = ["l2_normalize", "relu", "sigmoid", "softmax", "softplus", "tanh"]
