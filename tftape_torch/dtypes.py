"""`tf.dtypes`: the dtype objects (torch's dtypes, named as TF names them) and `as_dtype`.

>>> import tftape_torch as tf
>>> tf.dtypes.as_dtype("float32") is tf.float32
True
"""

from tftape_torch._clip_ops import saturate_cast
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
    "as_dtype",
    "bfloat16",
    "bool",
    "complex",
    "complex128",
    "complex64",
    "double",
    "DType",
    "float16",
    "float32",
    "float64",
    "half",
    "int16",
    "int32",
    "int64",
    "int8",
    "saturate_cast",
    "uint8",
]
