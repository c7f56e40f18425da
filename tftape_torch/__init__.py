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
from tftape_torch import distribute
from tftape_torch import autodiff
from tftape_torch._custom_gradient import custom_gradient

__all__ = [
    "autodiff",
    "custom_gradient",
    "distribute",
    "GradientTape",
    "UnconnectedGradients",
    "Variable",
]

# The drop-in namespace (`import tftape_torch as tf`): ops, dtypes, devices, errors.
from tftape_torch._namespace import *  # noqa: E402,F401,F403
from tftape_torch._namespace import __all__ as _namespace_all  # noqa: E402
from tftape_torch import config, errors, math, nn, random  # noqa: E402

__all__ += _namespace_all + ["config", "errors", "math", "nn", "random"]

# tf.Module, tf.name_scope, tf.data and tf.train (issue 13).
from tftape_torch.module import Module, name_scope  # noqa: E402
from tftape_torch import data, train  # noqa: E402

__all__ += ["Module", "data", "name_scope", "train"]
