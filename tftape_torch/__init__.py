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
  `_elementwise_ops`, `_nn_ops`, `_conv_ops`, `_sequence_ops` (scans, `top_k`, segment sums),
  `_clip_ops`, `_functional_ops` (`cond`, `while_loop`, `map_fn`, `TensorArray`...),
  `_function`, and the public modules `math`, `nn`, `random`, `config`, `dtypes`,
  `autodiff`, `distribute`, `errors`, `types`;
* `_unsupported`: the out-of-scope names (`tf.ragged`, `tf.sparse`...), each refused
  with one clear error;
  `_indexing` (TF's `__getitem__` rules);
* the tensor types: `_tensor` (`EagerTensor`), `_tensor_shape`, `_variable`,
  `_indexed_slices` (`tf.IndexedSlices`, TF's sparse gradient of a row gather);
* autodiff: `_flips`, `_jacobian`, `_tape`, `_forward`, `_custom_gradient`;
* the TF namespace: `_op_call` (how an op runs), `_array_ops`, `_shape_ops`
  (tile, split, pad, einsum...), `_gather_ops` (gathers, scatters, sorting),
  `_complex_ops` (`tf.complex`, `tf.math.real`...),
  `_linalg_ops`, `_norm_ops`, `_math_ops`, `_nn_ops`, `_function`, and the public modules
  `math`, `nn`, `linalg`, `random`, `config`, `dtypes`, `autodiff`, `autograph`,
  `distribute`, `errors`;
* beside the ops: `module` (`tf.Module`, `tf.name_scope`), `data` (`tf.data`),
  `train` (`tf.train.Checkpoint`);
* on top, loaded only when `tf.keras` is first read: `_keras` (Keras 3 on its torch
  backend, taught the tape's semantics; the `keras` extra installs it).
"""

from typing import Any

from tftape_torch import (
    autodiff,
    autograph,
    config,
    data,
    debugging,
    distribute,
    dtypes,
    errors,
    linalg,
    math,
    nest,
    nn,
    random,
    train,
    types,
)
from tftape_torch._array_ops import (
    Tensor,
    cast,
    concat,
    constant,
    convert_to_tensor,
    ensure_shape,
    expand_dims,
    eye,
    fill,
    get_static_value,
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
from tftape_torch._clip_ops import clip_by_global_norm, clip_by_norm, clip_by_value
from tftape_torch._complex_ops import complex
from tftape_torch._custom_gradient import custom_gradient, grad_pass_through, recompute_grad
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
from tftape_torch._elementwise_ops import (
    acos,
    acosh,
    asin,
    asinh,
    atan,
    atan2,
    atanh,
    cosh,
    equal,
    floor,
    greater,
    greater_equal,
    less,
    less_equal,
    logical_and,
    logical_not,
    logical_or,
    negative,
    not_equal,
    realdiv,
    round,
    sign,
    sinh,
    tan,
    truediv,
    truncatediv,
    truncatemod,
)
from tftape_torch._function import executing_eagerly, function, inside_function
from tftape_torch._functional_ops import (
    TensorArray,
    cond,
    control_dependencies,
    group,
    identity_n,
    init_scope,
    map_fn,
    no_op,
    py_function,
    vectorized_map,
    while_loop,
)
from tftape_torch._gather_ops import (
    argmax,
    argmin,
    argsort,
    boolean_mask,
    gather,
    gather_nd,
    scatter_nd,
    searchsorted,
    sort,
    tensor_scatter_nd_add,
    tensor_scatter_nd_max,
    tensor_scatter_nd_min,
    tensor_scatter_nd_sub,
    tensor_scatter_nd_update,
    unique,
)
from tftape_torch._indexed_slices import IndexedSlices
from tftape_torch._initializers import (
    constant_initializer,
    ones_initializer,
    random_normal_initializer,
    random_uniform_initializer,
    zeros_initializer,
)
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
    reduce_all,
    reduce_any,
    reduce_logsumexp,
    reduce_max,
    reduce_mean,
    reduce_min,
    reduce_prod,
    reduce_sum,
    scalar_mul,
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
from tftape_torch._sequence_ops import add_n, cumsum
from tftape_torch._shape_ops import (
    broadcast_to,
    einsum,
    meshgrid,
    one_hot,
    pad,
    repeat,
    reverse,
    roll,
    sequence_mask,
    slice,
    split,
    tile,
    unstack,
)
from tftape_torch._tape import GradientTape
from tftape_torch._tensor_shape import TensorShape
from tftape_torch._tensor_spec import TensorSpec
from tftape_torch._unconnected import UnconnectedGradients
from tftape_torch._unsupported import UNSUPPORTED as _UNSUPPORTED
from tftape_torch._unsupported import unsupported as _unsupported
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
    if name in _UNSUPPORTED:  # tf.ragged, tf.sparse, tf.image...: one clear error each
        raise _unsupported(name)
    raise AttributeError(f"module 'tftape_torch' has no attribute {name!r}")

__all__ = [
    "abs",
    "acos",
    "acosh",
    "add",
    "add_n",
    "argmax",
    "argmin",
    "argsort",
    "as_dtype",
    "asin",
    "asinh",
    "atan",
    "atan2",
    "atanh",
    "autodiff",
    "autograph",
    "bfloat16",
    "bool",
    "boolean_mask",
    "broadcast_to",
    "cast",
    "clip_by_global_norm",
    "clip_by_norm",
    "clip_by_value",
    "complex",
    "complex128",
    "complex64",
    "concat",
    "cond",
    "config",
    "constant",
    "constant_initializer",
    "control_dependencies",
    "convert_to_tensor",
    "cos",
    "cosh",
    "cumsum",
    "custom_gradient",
    "data",
    "debugging",
    "device",
    "distribute",
    "divide",
    "double",
    "DType",
    "dtypes",
    "einsum",
    "ensure_shape",
    "equal",
    "errors",
    "executing_eagerly",
    "exp",
    "expand_dims",
    "eye",
    "fill",
    "float16",
    "float32",
    "float64",
    "floor",
    "function",
    "gather",
    "gather_nd",
    "get_static_value",
    "grad_pass_through",
    "GradientTape",
    "greater",
    "greater_equal",
    "group",
    "half",
    "identity",
    "identity_n",
    "IndexedSlices",
    "init_scope",
    "inside_function",
    "int16",
    "int32",
    "int64",
    "int8",
    "is_tensor",
    "less",
    "less_equal",
    "linalg",
    "linspace",
    "logical_and",
    "logical_not",
    "logical_or",
    "map_fn",
    "math",
    "matmul",
    "maximum",
    "meshgrid",
    "minimum",
    "Module",
    "multiply",
    "name_scope",
    "negative",
    "nest",
    "newaxis",
    "nn",
    "no_op",
    "norm",
    "not_equal",
    "one_hot",
    "ones",
    "ones_initializer",
    "ones_like",
    "pad",
    "pow",
    "print",
    "py_function",
    "random",
    "random_normal_initializer",
    "random_uniform_initializer",
    "range",
    "rank",
    "realdiv",
    "recompute_grad",
    "reduce_all",
    "reduce_any",
    "reduce_logsumexp",
    "reduce_max",
    "reduce_mean",
    "reduce_min",
    "reduce_prod",
    "reduce_sum",
    "repeat",
    "reshape",
    "reverse",
    "roll",
    "round",
    "scalar_mul",
    "scatter_nd",
    "searchsorted",
    "sequence_mask",
    "shape",
    "sigmoid",
    "sign",
    "sin",
    "sinh",
    "size",
    "slice",
    "sort",
    "split",
    "sqrt",
    "square",
    "squeeze",
    "stack",
    "stop_gradient",
    "subtract",
    "tan",
    "tanh",
    "Tensor",
    "tensor_scatter_nd_add",
    "tensor_scatter_nd_max",
    "tensor_scatter_nd_min",
    "tensor_scatter_nd_sub",
    "tensor_scatter_nd_update",
    "TensorArray",
    "tensordot",
    "TensorShape",
    "TensorSpec",
    "tile",
    "train",
    "transpose",
    "truediv",
    "truncatediv",
    "truncatemod",
    "types",
    "uint8",
    "UnconnectedGradients",
    "unique",
    "unstack",
    "Variable",
    "vectorized_map",
    "where",
    "while_loop",
    "zeros",
    "zeros_initializer",
    "zeros_like",
]
