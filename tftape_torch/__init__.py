"""TensorFlow's `tf.GradientTape` semantics on PyTorch autograd, on CPU or CUDA.

>>> import tftape_torch as tf
>>> x = tf.constant(3.0)
>>> with tf.GradientTape() as tape:
...     tape.watch(x)
...     y = x * x
>>> print(tape.gradient(y, x))
tf.Tensor(6.0, shape=(), dtype=float32)
"""

from tftape_torch._tape import GradientTape, UnconnectedGradients
from tftape_torch._variable import Variable

__all__ = [
    "GradientTape",
    "UnconnectedGradients",
    "Variable",
]
