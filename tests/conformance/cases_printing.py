"""What TF programs print, character for character, against TensorFlow 2.21.

`str`/`repr`/f-strings of tensors of every dtype, rank and size (summarized above
1000 entries), special values and NumPy print options; Variables; `TensorShape`
(its `dims` as `Dimension`s) and `TensorSpec`; NumPy conversions; and `tf.print`:
TF's float digits (`%.6g`, or `%.9g` where that does not read back; 15 or 17 for
doubles), `summarize`, empty tensors, complex entries as `?`, structures laid out by
`pprint`, `sep`/`end`, `"file://"` streams and the streams TF refuses.

`tf.print` writes to the process's stdout/stderr at the C level under TF, so cases
print to a `"file://"` stream and read the file back.

Found by a differential sweep of ~1700 small printing programs against TF
(/tmp/s22/h53). Answers live in `golden/cases_printing.json`. Not run in function
mode: inside a `tf.function` tensors print symbolically, named after graph ops.
"""

from __future__ import annotations

import collections
import contextlib
import io
import os
import sys
import tempfile

import numpy as np

from tests.conformance.harness import capture_warnings, raises


def _tf_print(tf, *inputs, **kwargs):
    """What `tf.print(*inputs, **kwargs)` writes (to a file, read back)."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "out.txt")
        tf.print(*inputs, output_stream="file://" + path, **kwargs)
        with open(path) as file:
            return file.read()


def _texts(t):
    return {"repr": repr(t), "str": str(t), "fstring": f"{t}"}


def _stdout(fn):
    """What `fn()` prints with Python's `print`."""
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        fn()
    return buffer.getvalue()


@contextlib.contextmanager
def _print_options(**options):
    saved = np.get_printoptions()
    np.set_printoptions(**options)
    try:
        yield
    finally:
        np.set_printoptions(**saved)


_DTYPES = ["float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8",
           "bool", "complex64", "complex128"]


# -- str / repr of tensors -----------------------------------------------------------


def case_repr_str_of_every_dtype_and_rank(tf):
    values = {"scalar": np.array(3), "r1": np.array([1.5, -2.0, 3.25]),
              "r2": np.arange(6).reshape(2, 3) - 2.5, "r3": np.arange(24).reshape(2, 3, 4) * 0.5,
              "r4": np.arange(16).reshape(2, 2, 2, 2) - 3}
    return {f"{dt}/{name}": _texts(tf.cast(tf.constant(v), getattr(tf, dt)))
            for dt in _DTYPES for name, v in values.items()}


def case_repr_str_of_empty_tensors(tf):
    return {f"{dt}/{shape}": _texts(tf.zeros(shape, getattr(tf, dt)))
            for dt in ["float32", "int32", "bool", "complex64"] for shape in ([0], [2, 0, 3])}


def case_repr_str_of_large_tensors_summarized(tf):
    return {
        "r1_2000": _texts(tf.range(2000) % 7),
        "r2_40x30": _texts(tf.reshape(tf.range(1200.0), [40, 30]) / 3.0),
        "r3": _texts(tf.reshape(tf.range(1100), [10, 11, 10])),
        "exactly_1000": _texts(tf.range(1000)),
        "just_over_1000": _texts(tf.range(1001)),
        "long_row_wraps": _texts(tf.range(40.0) * 1.25),
        "two_rows_of_1000": repr(tf.reshape(tf.range(2000), [2, 1000])),
    }


def case_repr_str_of_special_float_values(tf):
    out = {}
    for dt in ["float16", "float32", "float64", "complex64"]:
        d = getattr(tf, dt)
        out[dt] = {
            "nan_inf": _texts(tf.constant([np.nan, np.inf, -np.inf, 1.0], d)),
            "negative_zero": _texts(tf.constant([-0.0, 0.0, 1.0], d)),
            "tiny": _texts(tf.constant([1e-30, 1.0], d)),
            "huge": _texts(tf.constant([1e30, 1.0], d)),
            "mixed_magnitudes": _texts(tf.constant([1e-8, 1e8, 3.14159], d)),
            "scalar_pi": _texts(tf.constant(3.141592653589793, d)),
            "scalar_nan": _texts(tf.constant(np.nan, d)),
        }
    return out


def case_repr_str_of_bfloat16_tensors(tf):
    """bfloat16 printed through float32 (`[ 1.5 -2. 3.25]`, `dtype=float32`); TF prints
    its ml_dtypes array: `[1.5 -2 3.25]`, `dtype=dtype(bfloat16)`."""
    bf = tf.bfloat16
    return {
        "scalar": _texts(tf.constant(3.0, bf)),
        "vector": _texts(tf.constant([1.5, -2.0, 3.25], bf)),
        "matrix": _texts(tf.constant([[-2.5, -1.5], [0.5, 1.5]], bf)),
        "digits": _texts(tf.constant([0.1, 1 / 3, 1e-30, 1e30], bf)),
        "empty": _texts(tf.zeros([2, 0], bf)),
        "large": _texts(tf.cast(tf.range(2000) % 5, bf)),
        "variable": repr(tf.Variable([1.5, 2.0], dtype=bf)),
    }


def case_repr_str_under_numpy_print_options(tf):
    t = tf.constant([1.123456789, 2.5e-5, 300.0])
    big = tf.reshape(tf.range(40.0), [4, 10]) / 7.0
    out = {}
    for label, options in [("precision3", {"precision": 3}),
                           ("suppress", {"precision": 2, "suppress": True}),
                           ("threshold5", {"threshold": 5}), ("linewidth30", {"linewidth": 30}),
                           ("edgeitems", {"threshold": 10, "edgeitems": 1}),
                           ("fixed", {"floatmode": "fixed", "precision": 4}),
                           ("sign", {"sign": "+"}), ("legacy113", {"legacy": "1.13"})]:
        with _print_options(**options):
            out[label] = {"t": _texts(t), "big": _texts(big),
                          "tf_print": _tf_print(tf, t)}  # tf.print ignores NumPy's options
    return out


def case_repr_str_of_python_constants(tf):
    return {lit: _texts(tf.constant(value)) for lit, value in
            [("1", 1), ("1.0", 1.0), ("True", True), ("2**40", 2**40), ("1+2j", 1 + 2j),
             ("[]", []), ("[[]]", [[]]), ("float64_scalar", np.float64(2.5)),
             ("uint8_scalar", np.uint8(200))]}


# -- format, conversions ------------------------------------------------------------


def case_format_specs_of_scalars_and_arrays(tf):
    tensors = {"f32": tf.constant(3.14159), "f64": tf.constant(3.14159, tf.float64),
               "i32": tf.constant(42), "bool": tf.constant(True),
               "c64": tf.constant(1 + 2j, tf.complex64), "f32v": tf.constant([1.0, 2.0]),
               "empty": tf.zeros([0])}
    out = {}
    for name, t in tensors.items():
        for spec in ["", ".3f", ".2e", ">8", "d", "+.1f", "g", "%"]:
            try:
                out[f"{name}/{spec}"] = format(t, spec)
            except Exception as e:  # noqa: BLE001 - the class is the answer
                out[f"{name}/{spec}"] = f"raised {type(e).__name__}"
        out[f"{name}/str.format"] = "v={} {:>4}".format(t, 1)  # noqa: UP032 - the path tested
        out[f"{name}/percent_s"] = "v=%s" % (t,)  # noqa: UP031 - the path tested
    return out


def case_complex_scalars_to_float_and_int(tf):
    """`float`/`int` of a complex scalar raised RuntimeError; TF gives the real part,
    warning as NumPy does."""
    with capture_warnings() as caught:
        values = [float(tf.constant(1 + 2j, tf.complex64)), int(tf.constant(3 - 1j, tf.complex128)),
                  "%.2f" % tf.constant(2.5 + 1j, tf.complex64)]  # noqa: UP031 - tested
    return {"values": values, "warnings": caught}


def case_numpy_conversions_copy_and_read_only(tf):
    """`np.array(t)` shared the tensor's memory (writing to it changed the tensor);
    TF copies, and `np.asarray(t)` is a read-only view."""
    t = tf.constant([1, 2, 3])
    copied = np.array(t)
    copied[0] = 9
    v = tf.Variable([1.0, 2.0])
    from_variable = np.asarray(v)
    from_variable[0] = 7.0
    return {
        "tensor_after_write": t,
        "asarray_writeable": bool(np.asarray(t).flags.writeable),
        "numpy_writeable": bool(t.numpy().flags.writeable),
        "variable_after_write": v,
        "variable_asarray_writeable": bool(np.asarray(v).flags.writeable),
        "cast_by_numpy": [repr(np.array(t, dtype=np.float64)), repr(np.asarray(t, np.int64))],
        "scalar_types": [type(tf.zeros([], getattr(tf, dt)).numpy()).__name__ for dt in _DTYPES],
    }


def case_scalar_conversions(tf):
    out = {}
    tensors = [("f32", tf.constant(2.7)), ("neg", tf.constant(-2.7)),
               ("i64", tf.constant(9, tf.int64)), ("bool", tf.constant(True)),
               ("vec1", tf.constant([5.0])), ("vec2", tf.constant([1, 2])),
               ("empty", tf.zeros([0]))]
    for name, t in tensors:
        for conv_name, conv in [("float", float), ("int", int), ("bool", bool), ("len", len),
                                ("index", lambda x: [10, 20, 30, 40][x])]:
            try:
                out[f"{name}/{conv_name}"] = repr(conv(t))
            except Exception as e:  # noqa: BLE001 - the class is the answer
                out[f"{name}/{conv_name}"] = f"raised {type(e).__name__}"
    return out


# -- Variables ----------------------------------------------------------------------


def case_variable_repr_str_and_format(tf):
    """`f"{v:.2f}"` formatted the value; TF's Variables take no format spec
    (TypeError), and `f"{v}"` is `str(v)`."""
    v = tf.Variable(2.5)
    out = {
        "scalar": _texts(v),
        "named": repr(tf.Variable(1.0, name="w")),
        "int_matrix": repr(tf.Variable([[1, 2], [3, 4]])),
        "untrainable": str(tf.Variable(3, trainable=False)),
        "large": repr(tf.Variable(tf.range(2000))),
        "empty": repr(tf.Variable(tf.zeros([0, 2]))),
        "unknown_shape": repr(tf.Variable([1.0, 2.0], shape=tf.TensorShape(None))),
        "partial_shape": repr(tf.Variable([[1.0, 2.0]], shape=tf.TensorShape([None, 2]))),
        "in_list": str([v, v]),
        "format_spec": raises(lambda: f"{v:.2f}"),
    }
    try:
        f"{v:.2f}"
    except TypeError as e:
        out["format_spec_message"] = str(e)
    return out


# -- TensorShape, TensorSpec --------------------------------------------------------


def case_tensor_shape_texts_and_dims(tf):
    """`TensorShape.dims` listed ints; TF lists `Dimension`s (`Dimension(None)` for an
    unknown size)."""
    out = {}
    for label, dims in [("scalar", []), ("vector", [3]), ("matrix", [2, 3]),
                        ("unknown_dim", [None, 3]), ("unknown_rank", None), ("empty", [2, 0, 3])]:
        s = tf.TensorShape(dims)
        out[label] = {"repr": repr(s), "str": str(s), "fstring": f"{s}", "rank": s.rank,
                      "dims": repr(s.dims), "dims_str": [str(d) for d in s.dims or []]}
    d = tf.TensorShape([None, 3]).dims
    out["dimension_ops"] = [d[1] == 3, d[0] == 3, repr(d[1] * 2), repr(d[0] + 1), int(d[1]),
                            d[1] > 2, d[0] < 2, repr(d[0].merge_with(4)), d[0].value]
    return out


def case_tensor_spec_texts(tf):
    """`TensorSpec(None).shape` was `None`; TF gives `TensorShape(None)`."""
    specs = [tf.TensorSpec([None, 2], tf.float32), tf.TensorSpec([3], tf.int32, name="x"),
             tf.TensorSpec(None, tf.bool), tf.TensorSpec(tf.TensorShape(None)),
             tf.TensorSpec.from_tensor(tf.constant([1, 2])), tf.TensorSpec([2], tf.complex64)]
    return [{"repr": repr(s), "shape": repr(s.shape), "shape_str": str(s.shape)} for s in specs]


# -- tf.print -----------------------------------------------------------------------


def case_tf_print_float_digits(tf):
    """Floats printed with `%g` (6 digits); TF's kernel prints the shortest of 6 or 9
    digits (15 or 17 for doubles) that reads back, denormals as 0, and `-nan`."""
    return {
        "f32": _tf_print(tf, tf.constant([1 / 3, 0.1, 123456.789, 1.23456789e-7, 1e20,
                                          12345678.0])),
        "f64": _tf_print(tf, tf.constant([1 / 3, 0.1, 1 / 7, 2.0**53 + 1, 1e16], tf.float64)),
        "f16": _tf_print(tf, tf.constant([1 / 3, 0.1, 65504.0, 6e-8], tf.float16)),
        "bf16": _tf_print(tf, tf.constant([1 / 3, 0.1, 300.5], tf.bfloat16)),
        "special": _tf_print(tf, tf.constant([np.nan, -np.nan, np.inf, -np.inf, -0.0])),
        "denormals": _tf_print(tf, tf.constant([1e-40, -1e-40, 1e-45]),
                               tf.constant([5e-324, 1e300], tf.float64)),
        "limits": _tf_print(tf, tf.constant(np.array([3.4028235e38, 1.17549435e-38, 123456789.0],
                                                        np.float32))),
        "scalars": _tf_print(tf, tf.constant(1234567.0), tf.constant(1234567.0, tf.float64),
                             tf.constant(1e10), tf.constant(100000.0)),
        "ints_bools": _tf_print(tf, tf.constant([255, 0], tf.uint8), tf.constant([-128], tf.int8),
                                tf.constant([2**62], tf.int64), tf.constant([True, False])),
    }


def case_tf_print_summarize(tf):
    """`summarize=0` printed `[...]` and `None` raised TypeError; TF prints `[ ...]`
    (the dimension's spacing first) and takes `None` as 3."""
    out = {}
    for shape in ([7], [6], [2, 7], [7, 2], [10, 1], [3, 3, 3], [8, 8], [1]):
        t = tf.reshape(tf.range(int(np.prod(shape))), shape)
        for summarize in (3, 0, 1, 2, -1, None):
            out[f"{shape}/{summarize}"] = _tf_print(tf, t, summarize=summarize)
    out["scalar/0"] = _tf_print(tf, tf.constant(5), summarize=0)
    out["large3"] = _tf_print(tf, tf.reshape(tf.range(1000), [10, 10, 10]))
    return out


def case_tf_print_empty_tensors(tf):
    """`tf.zeros([2, 0])` printed `[[]\\n []]`; TF prints `[\\n ...]` (no entries at
    the ends of any dimension)."""
    return {f"{shape}/{summarize}": _tf_print(tf, tf.zeros(shape), summarize=summarize)
            for shape in ([0], [2, 0], [0, 2], [3, 0, 2], [2, 3, 0]) for summarize in (3, 0, -1)}


def case_tf_print_complex_entries(tf):
    """Complex entries printed as Python complex numbers; TF's kernel prints `?`."""
    out = {}
    for shape in ([], [3], [10], [5, 5], [0]):
        t = tf.complex(tf.ones(shape), tf.zeros(shape))
        for summarize in (3, 0, -1, 1):
            out[f"{shape}/{summarize}"] = _tf_print(tf, t, summarize=summarize)
    out["complex128"] = _tf_print(tf, tf.constant(1.5 + 2j, tf.complex128))
    return out


def case_tf_print_structures(tf):
    """Structures printed with `str` (dict keys in insertion order, one line, NumPy
    values as `str`); TF lays each input out with `pprint.pformat`."""
    P = collections.namedtuple("P", "x y")
    return {
        "dict_sorted": _tf_print(tf, {"b": 1, "a": tf.constant([1, 2])}),
        "long_list": _tf_print(tf, [tf.constant(i) for i in range(30)]),
        "long_dict": _tf_print(tf, {f"key{i}": tf.constant([i, i]) for i in range(10)}),
        "nested": _tf_print(tf, {"a": {"b": [tf.constant([1.5, 2.5]), (tf.constant(3),)]}}),
        "namedtuple": _tf_print(tf, P(tf.constant(1), 2)),
        "python_values": _tf_print(tf, 1, 2.5, True, None, "text", [1, "a"], (3.5, None)),
        "numpy_values": _tf_print(tf, np.array([1.0, 2.0]), np.float32(1.5), np.bool_(False)),
        "shape": _tf_print(tf, tf.zeros([2, 3]).shape),
        "braces": _tf_print(tf, "a {} b", tf.constant(1), ["{}", tf.constant(2)]),
        "multiline_in_list": _tf_print(tf, [tf.ones([2, 2])]),
        "variable": _tf_print(tf, {"v": tf.Variable([1, 2])}),
        "sep_end": _tf_print(tf, [tf.constant(1)], {"a": 1}, "x", sep=" | ", end="!\n"),
        "no_inputs": _tf_print(tf),
        "summarize_in_structure": _tf_print(tf, {"a": tf.range(10)}, summarize=2),
    }


def case_tf_print_output_streams(tf):
    """A `StringIO` stream or an unknown keyword was accepted; TF raises ValueError.
    A `"file://"` stream appends."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "log.txt")
        tf.print("first", tf.constant([1, 2]), output_stream="file://" + path)
        tf.print("second", output_stream="file://" + path, end="")
        with open(path) as file:
            appended = file.read()
    return {
        "appended": appended,
        "stringio": raises(lambda: tf.print("x", output_stream=io.StringIO())),
        "nonsense": raises(lambda: tf.print("x", output_stream="nonsense")),
        "unknown_keyword": raises(lambda: tf.print("x", stream=sys.stdout)),
        "returns": repr(tf.print("x", output_stream="file://" + os.devnull)),
    }


def case_tf_print_and_print_in_function(tf):
    """`tf.print` prints at every call of a `tf.function`, Python's `print` while
    tracing, and a traced tensor formats as its symbolic text (`f"{x}"` read its value
    and ran the function eagerly)."""
    with tempfile.TemporaryDirectory() as folder:
        path = "file://" + os.path.join(folder, "log.txt")

        @tf.function
        def f(x):
            print("trace", x, f"{x}", "{}".format(x))  # noqa: UP032 - the path tested
            tf.print("call", x, {"k": 1}, output_stream=path)
            return x + 1

        printed = _stdout(lambda: [f(tf.constant(1)), f(tf.constant(2)), f(tf.constant([1, 2]))])
        with open(path[len("file://"):]) as file:
            logged = file.read()

        @tf.function
        def g(x):
            return f"{x:.2f}"

        return {"printed": printed, "logged": logged,
                "format_spec": raises(lambda: g(tf.constant(1.5)))}
