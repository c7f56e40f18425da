"""`tf.autodiff`: the gradient tape and the forward-mode accumulator.

>>> import tftape_torch as tf
>>> tf.autodiff.GradientTape is tf.GradientTape
True
"""

from tftape_torch._forward import ForwardAccumulator
from tftape_torch._tape import GradientTape

__all__ = ["ForwardAccumulator", "GradientTape"]
