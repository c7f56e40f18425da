"""TensorFlow's `tf.GradientTape` semantics on PyTorch autograd, on CPU or CUDA.

>>> import tftape_torch as tf
>>> x = tf.constant(3.0)
>>> with tf.GradientTape() as tape:
...     tape.watch(x)
...     y = x * x
>>> print(tape.gradient(y, x))
tf.Tensor(6.0, shape=(), dtype=float32)

The package is layered, each layer importing only from those below it:

* `_torch_internals` (every private torch symbol), `_state` (per-thread state),
  `errors`, `_dtypes`, `_structure`, `_device`, `_printing`, `_convert`,
  `_indexing` (TF's `__getitem__` rules), `_flips` (the `requires_grad` flags tapes
  switched on, and which threads' tapes hold them);
* the tensor types: `_tensor` (`EagerTensor`), `_tensor_shape`, `_variable`;
* autodiff: `_jacobian`, `_tape`, `_forward`, `_custom_gradient`;
* the TF namespace: `_op_call` (how an op runs), `_array_ops`, `_math_ops`,
  `_nn_ops`, `_function`, and the public modules `math`, `nn`, `random`, `config`,
  `dtypes`, `autodiff`, `distribute`, `errors`;
* beside the ops: `module` (`tf.Module`, `tf.name_scope`), `data` (`tf.data`),
  `train` (`tf.train.Checkpoint`);
* on top, loaded only when `tf.keras` is first read: `_keras` (Keras 3 on its torch
  backend, taught the tape's semantics; the `keras` extra installs it).
"""

from typing import Any

from tftape_torch import (
    autodiff,
    config,
    data,
    distribute,
    dtypes,
    errors,
    math,
    nn,
    random,
    train,
)
from tftape_torch._array_ops import (
    Tensor,
    cast,
    concat,
    constant,
    convert_to_tensor,
    expand_dims,
    eye,
    fill,
    identity,
    is_tensor,
    linspace,
    newaxis,
    ones,
    ones_like,
    range,
    rank,
    reshape,
    shape,
    size,
    squeeze,
    stack,
    stop_gradient,
    transpose,
    where,
    zeros,
    zeros_like,
)
from tftape_torch._custom_gradient import custom_gradient
from tftape_torch._device import device
from tftape_torch._dtypes import (
    DType,
    as_dtype,
    bfloat16,
    bool,
    complex64,
    complex128,
    double,
    float16,
    float32,
    float64,
    half,
    int8,
    int16,
    int32,
    int64,
    uint8,
)
from tftape_torch._function import function
from tftape_torch._math_ops import (
    abs,
    add,
    cos,
    divide,
    exp,
    matmul,
    maximum,
    minimum,
    multiply,
    pow,
    reduce_max,
    reduce_mean,
    reduce_min,
    reduce_prod,
    reduce_sum,
    sigmoid,
    sin,
    sqrt,
    square,
    subtract,
    tanh,
)
from tftape_torch._module import Module, name_scope
from tftape_torch._print_op import print_ as _print
from tftape_torch._tape import GradientTape
from tftape_torch._tensor_shape import TensorShape
from tftape_torch._tensor_spec import TensorSpec
from tftape_torch._unconnected import UnconnectedGradients
from tftape_torch._variable import Variable

__version__ = "0.2.0"


def __getattr__(name: str) -> Any:
    """`tf.print` (served here so that `print` in this module stays Python's own) and
    `tf.keras`, loaded on first use (Keras 3 on its torch backend; see `_keras`)."""
    if name == "print":
        return _print
    if name == "keras":
        from tftape_torch import _keras

        return _keras.load()
    raise AttributeError(f"module 'tftape_torch' has no attribute {name!r}")

__all__ = [
    "DType",
    "GradientTape",
    "Module",
    "Tensor",
    "TensorShape",
    "TensorSpec",
    "UnconnectedGradients",
    "Variable",
    "abs",
    "add",
    "as_dtype",
    "autodiff",
    "bfloat16",
    "bool",
    "cast",
    "complex128",
    "complex64",
    "concat",
    "config",
    "constant",
    "convert_to_tensor",
    "cos",
    "custom_gradient",
    "data",
    "device",
    "distribute",
    "divide",
    "double",
    "dtypes",
    "errors",
    "exp",
    "expand_dims",
    "eye",
    "fill",
    "float16",
    "float32",
    "float64",
    "function",
    "half",
    "identity",
    "int16",
    "int32",
    "int64",
    "int8",
    "is_tensor",
    "linspace",
    "math",
    "matmul",
    "maximum",
    "minimum",
    "multiply",
    "name_scope",
    "newaxis",
    "nn",
    "ones",
    "ones_like",
    "pow",
    "print",
    "random",
    "range",
    "rank",
    "reduce_max",
    "reduce_mean",
    "reduce_min",
    "reduce_prod",
    "reduce_sum",
    "reshape",
    "shape",
    "sigmoid",
    "sin",
    "size",
    "sqrt",
    "square",
    "squeeze",
    "stack",
    "stop_gradient",
    "subtract",
    "tanh",
    "train",
    "transpose",
    "uint8",
    "where",
    "zeros",
    "zeros_like",
]
