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
* the tensor types: `_tensor` (`EagerTensor`), `_tensor_shape`, `_variable`,
  `_indexed_slices` (`tf.IndexedSlices`, TF's sparse gradient of a row gather);
* autodiff: `_jacobian_plan`, `_jacobian`, `_tape`, `_forward`, `_custom_gradient`;
* the TF namespace: `_op_call` (how an op runs), then the op modules (`_array_ops`,
  `_shape_ops`, `_gather_ops`, `_sort_ops`, `_math_ops`, `_elementwise_ops`, `_linalg_ops`,
  `_nn_ops`, `_conv_ops`, `_sequence_ops`, `_functional_ops`, ...), `_function`, and
  the public modules that mirror TF's (`math`, `nn`, `linalg`, `random`, `config`,
  `dtypes`, `autodiff`, `autograph`, `distribute`, `errors`, `test`, `types`, ...);
* `_unsupported`: the out-of-scope names (`tf.ragged`, `tf.sparse`...), each refused
  with one clear error;
* beside the ops: `_module` (`tf.Module`, `tf.name_scope`), `data` (`tf.data`),
  `train` (`tf.train.Checkpoint`);
* `_keras` (Keras 3 on its torch backend, taught the tape's semantics; the `keras`
  extra installs it), which imports Keras only when `tf.keras` is first read or a tape
  is entered after the program imported Keras itself.
"""

from typing import Any

from tftape_torch import (
    autodiff,
    autograph,
    bitwise,
    config,
    data,
    debugging,
    distribute,
    dtypes,
    errors,
    image,
    io,
    linalg,
    math,
    nest,
    nn,
    random,
    signal,
    summary,
    test,
    train,
    types,
)
from tftape_torch._approx_top_k import approx_top_k
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
    newaxis,
    ones,
    ones_like,
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
from tftape_torch._bitwise_ops import bitcast
from tftape_torch._block_ops import (
    batch_to_space,
    required_space_to_batch_paddings,
    space_to_batch,
)
from tftape_torch._block_ops import space_to_batch as space_to_batch_nd
from tftape_torch._clip_ops import (
    clip_by_global_norm,
    clip_by_norm,
    clip_by_value,
    saturate_cast,
)
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
from tftape_torch._eig_ops import eig, eigvals
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
    maximum,
    minimum,
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
from tftape_torch._fft_ops import fftnd, ifftnd, irfftnd, rfftnd
from tftape_torch._function import executing_eagerly, function, inside_function
from tftape_torch._functional_ops import (
    case,
    cond,
    control_dependencies,
    foldl,
    foldr,
    group,
    identity_n,
    init_scope,
    map_fn,
    no_op,
    numpy_function,
    py_function,
    scan,
    switch_case,
    timestamp,
    vectorized_map,
    while_loop,
)
from tftape_torch._gather_ops import (
    boolean_mask,
    dynamic_partition,
    dynamic_stitch,
    gather,
    gather_nd,
    scatter_nd,
    searchsorted,
    tensor_scatter_nd_add,
    tensor_scatter_nd_max,
    tensor_scatter_nd_min,
    tensor_scatter_nd_sub,
    tensor_scatter_nd_update,
    unique,
    unique_with_counts,
)
from tftape_torch._graph_mode_ops import gradients, hessians, parallel_stack, tuple
from tftape_torch._histogram_ops import histogram_fixed_width, histogram_fixed_width_bins
from tftape_torch._indexed_slices import IndexedSlices
from tftape_torch._initializers import (
    constant_initializer,
    ones_initializer,
    random_normal_initializer,
    random_uniform_initializer,
    zeros_initializer,
)
from tftape_torch._logging import get_logger
from tftape_torch._math_ops import (
    abs,
    add,
    cos,
    divide,
    exp,
    matmul,
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
from tftape_torch._matrix_functions import sqrtm as matrix_square_root
from tftape_torch._module import Module, get_current_name_scope, name_scope
from tftape_torch._norm_ops import norm
from tftape_torch._print_op import print_ as _print
from tftape_torch._products import tensordot
from tftape_torch._range_ops import linspace, range
from tftape_torch._sequence_ops import add_n, cumsum
from tftape_torch._shape_ops import (
    broadcast_dynamic_shape,
    broadcast_static_shape,
    broadcast_to,
    einsum,
    meshgrid,
    one_hot,
    pad,
    repeat,
    reverse,
    reverse_sequence,
    roll,
    sequence_mask,
    shape_n,
    slice,
    split,
    tile,
    unravel_index,
    unstack,
)
from tftape_torch._sort_ops import argmax, argmin, argsort, sort
from tftape_torch._strided_slice import strided_slice
from tftape_torch._tape import GradientTape
from tftape_torch._tensor_array import TensorArray
from tftape_torch._tensor_shape import TensorShape
from tftape_torch._tensor_spec import TensorSpec
from tftape_torch._unconnected import UnconnectedGradients
from tftape_torch._unsupported import UNSUPPORTED as _UNSUPPORTED
from tftape_torch._unsupported import unsupported as _unsupported
from tftape_torch._variable import Variable
from tftape_torch._variable_modes import VariableAggregation, VariableSynchronization
from tftape_torch._volume_patches import extract_volume_patches
from tftape_torch.debugging import Assert, assert_equal, assert_greater, assert_less, assert_rank

__version__ = "0.2.0"

#: `tf.<name>` that TF 2.21 serves from `tf.keras.<name>` (its `KerasLazyLoader`s).
_KERAS_ALIASES = frozenset({"losses", "metrics", "optimizers", "initializers"})


def __getattr__(name: str) -> Any:
    """`tf.print` (served here so that `print` in this module stays Python's own),
    `tf.keras`, loaded on first use (Keras 3 on its torch backend; see `_keras`), and
    TF's aliases of its namespaces: `tf.losses`, `tf.metrics`, `tf.optimizers` and
    `tf.initializers` (`tf.optimizers.Adam` is `tf.keras.optimizers.Adam`)."""
    if name == "print":
        return _print
    if name == "keras" or name in _KERAS_ALIASES:
        from tftape_torch import _keras

        keras = _keras.load()
        return keras if name == "keras" else getattr(keras, name)
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
    "approx_top_k",
    "argsort",
    "as_dtype",
    "asin",
    "asinh",
    "Assert",
    "assert_equal",
    "assert_greater",
    "assert_less",
    "assert_rank",
    "atan",
    "atan2",
    "atanh",
    "autodiff",
    "autograph",
    "batch_to_space",
    "bfloat16",
    "bitcast",
    "bitwise",
    "bool",
    "boolean_mask",
    "broadcast_dynamic_shape",
    "broadcast_static_shape",
    "broadcast_to",
    "case",
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
    "dynamic_partition",
    "dynamic_stitch",
    "eig",
    "eigvals",
    "einsum",
    "ensure_shape",
    "equal",
    "errors",
    "executing_eagerly",
    "exp",
    "expand_dims",
    "extract_volume_patches",
    "eye",
    "fftnd",
    "fill",
    "float16",
    "float32",
    "float64",
    "floor",
    "foldl",
    "foldr",
    "function",
    "gather",
    "gather_nd",
    "get_current_name_scope",
    "get_logger",
    "get_static_value",
    "grad_pass_through",
    "GradientTape",
    "gradients",
    "greater",
    "greater_equal",
    "group",
    "half",
    "hessians",
    "histogram_fixed_width",
    "histogram_fixed_width_bins",
    "identity",
    "identity_n",
    "ifftnd",
    "image",
    "io",
    "IndexedSlices",
    "init_scope",
    "inside_function",
    "int16",
    "int32",
    "int64",
    "int8",
    "irfftnd",
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
    "matrix_square_root",
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
    "numpy_function",
    "one_hot",
    "ones",
    "ones_initializer",
    "ones_like",
    "pad",
    "parallel_stack",
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
    "required_space_to_batch_paddings",
    "reshape",
    "reverse",
    "reverse_sequence",
    "rfftnd",
    "roll",
    "round",
    "saturate_cast",
    "scalar_mul",
    "scan",
    "scatter_nd",
    "searchsorted",
    "sequence_mask",
    "shape",
    "shape_n",
    "sigmoid",
    "sign",
    "signal",
    "sin",
    "sinh",
    "size",
    "slice",
    "sort",
    "space_to_batch",
    "space_to_batch_nd",
    "split",
    "sqrt",
    "square",
    "squeeze",
    "stack",
    "stop_gradient",
    "strided_slice",
    "subtract",
    "summary",
    "switch_case",
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
    "test",
    "tile",
    "timestamp",
    "train",
    "transpose",
    "truediv",
    "truncatediv",
    "truncatemod",
    "tuple",
    "types",
    "uint8",
    "UnconnectedGradients",
    "unique",
    "unique_with_counts",
    "unravel_index",
    "unstack",
    "Variable",
    "VariableAggregation",
    "VariableSynchronization",
    "vectorized_map",
    "where",
    "while_loop",
    "zeros",
    "zeros_initializer",
    "zeros_like",
]
