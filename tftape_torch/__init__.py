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
  `_indexing` (TF's `__getitem__` rules);
* the tensor types: `_tensor` (`EagerTensor`), `_tensor_shape`, `_variable`,
  `_indexed_slices` (`tf.IndexedSlices`, TF's sparse gradient of a row gather);
* autodiff: `_flips`, `_jacobian`, `_tape`, `_forward`, `_custom_gradient`;
* the TF namespace: `_op_call` (how an op runs), `_array_ops`, `_shape_ops`
  (tile, split, pad, einsum...), `_gather_ops` (gathers, scatters, sorting),
  `_linalg_ops`, `_norm_ops`, `_math_ops`, `_nn_ops`, `_function`, and the public modules
  `math`, `nn`, `linalg`, `random`, `config`, `dtypes`, `autodiff`, `distribute`,
  `errors`;
* beside the ops: `module` (`tf.Module`, `tf.name_scope`), `data` (`tf.data`),
  `train` (`tf.train.Checkpoint`).
"""

from tftape_torch import (
    autodiff,
    config,
    data,
    distribute,
    dtypes,
    errors,
    linalg,
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
from tftape_torch._gather_ops import (
    argmax,
    argmin,
    argsort,
    boolean_mask,
    gather,
    gather_nd,
    scatter_nd,
    sort,
)
from tftape_torch._indexed_slices import IndexedSlices
from tftape_torch._linalg_ops import tensordot
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
from tftape_torch._norm_ops import norm
from tftape_torch._print_op import print_ as _print
from tftape_torch._shape_ops import (
    broadcast_to,
    einsum,
    meshgrid,
    one_hot,
    pad,
    reverse,
    sequence_mask,
    split,
    tile,
    unstack,
)
from tftape_torch._tape import GradientTape
from tftape_torch._tensor_shape import TensorShape
from tftape_torch._tensor_spec import TensorSpec
from tftape_torch._unconnected import UnconnectedGradients
from tftape_torch._variable import Variable

__version__ = "0.2.0"


def __getattr__(name: str) -> object:
    # `tf.print`, served here so that `print` in this module stays Python's own.
    if name == "print":
        return _print
    raise AttributeError(f"module 'tftape_torch' has no attribute {name!r}")

__all__ = [
    "DType",
    "GradientTape",
    "IndexedSlices",
    "Module",
    "Tensor",
    "TensorShape",
    "TensorSpec",
    "UnconnectedGradients",
    "Variable",
    "abs",
    "add",
    "argmax",
    "argmin",
    "argsort",
    "as_dtype",
    "autodiff",
    "bfloat16",
    "bool",
    "boolean_mask",
    "broadcast_to",
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
    "einsum",
    "errors",
    "exp",
    "expand_dims",
    "eye",
    "fill",
    "float16",
    "float32",
    "float64",
    "function",
    "gather",
    "gather_nd",
    "half",
    "identity",
    "int16",
    "int32",
    "int64",
    "int8",
    "is_tensor",
    "linalg",
    "linspace",
    "math",
    "matmul",
    "maximum",
    "meshgrid",
    "minimum",
    "multiply",
    "name_scope",
    "newaxis",
    "nn",
    "norm",
    "one_hot",
    "ones",
    "ones_like",
    "pad",
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
    "reverse",
    "scatter_nd",
    "sequence_mask",
    "shape",
    "sigmoid",
    "sin",
    "size",
    "sort",
    "split",
    "sqrt",
    "square",
    "squeeze",
    "stack",
    "stop_gradient",
    "subtract",
    "tanh",
    "tensordot",
    "tile",
    "train",
    "transpose",
    "uint8",
    "unstack",
    "where",
    "zeros",
    "zeros_like",
]
