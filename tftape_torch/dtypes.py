"""`tf.dtypes`: the dtype objects (torch's dtypes, named as TF names them) and `as_dtype`.

>>> import tftape_torch as tf
>>> tf.dtypes.as_dtype("float32") is tf.float32
True
"""

from tftape_torch._complex_ops import complex
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

__all__ = [
    "DType",
    "as_dtype",
    "bfloat16",
    "bool",
    "complex",
    "complex64",
    "complex128",
    "double",
    "float16",
    "float32",
    "float64",
    "half",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
]
