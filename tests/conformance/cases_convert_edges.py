"""Python values converted to tensors at the edges of their dtypes, against TF 2.21.

TF's converters cast a Python int given an integer dtype as C does (it wraps: 300 as
uint8 is 44, 2**31 as int32 is -2**31) and refuse only ints beyond int64; a Python
float given float32 or float16 rounds to infinity, while an inferred float32 refuses
it; a bool converts only into the dtypes TF's converters take it into; lists that mix
bools or complex numbers with other numbers have no dtype; and a list of tensors
converted to another dtype than its first tensor's casts them. Found by a conversion
sweep against TF (ours raised, or converted where TF refuses; `x + 2**63` on an int32
tensor gave `[1]`). Answers live in `golden/cases_convert_edges.json`.
"""

from __future__ import annotations

import numpy as np

from tests.conformance.harness import raises


def case_python_int_wraps_into_a_requested_integer_dtype(tf):
    """A Python int outside the requested integer dtype wraps as TF's C cast does
    (ours raised ValueError); beyond int64 it is TF's ValueError."""
    return {
        "int32_2_31": tf.constant(2**31, tf.int32),
        "int32_2_32_plus_5": tf.constant(2**32 + 5, tf.int32),
        "int32_below": tf.constant(-(2**31) - 1, tf.int32),
        "uint8_300": tf.constant(300, tf.uint8),
        "uint8_minus_1": tf.constant(-1, tf.uint8),
        "int8_200": tf.constant(200, tf.int8),
        "int16_40000": tf.constant(40000, tf.int16),
        "int8_int64_max": tf.constant(2**63 - 1, tf.int8),
        "convert_int32": tf.convert_to_tensor(2**31, tf.int32),
        "variable_uint8": tf.Variable(300, dtype=tf.uint8).numpy(),
        "int64_2_63": raises(lambda: tf.constant(2**63, tf.int64)),
        "int32_2_63": raises(lambda: tf.constant(2**63, tf.int32)),
        "uint8_2_63": raises(lambda: tf.constant(2**63, tf.uint8)),
        "list_int32_2_63": raises(lambda: tf.constant([2**63], tf.int32)),
    }


def case_python_int_operand_beyond_int64(tf):
    """`int32_tensor + 2**63` gave `[1]` (torch wrapped the operand); TF refuses the
    operand. Within int64 the operand wraps into the tensor's dtype, in both."""
    i32 = tf.constant([1], tf.int32)
    i8 = tf.constant([1], tf.int8)
    return {
        "int32_plus_2_63": raises(lambda: i32 + 2**63),
        "int64_plus_2_63": raises(lambda: tf.constant([1], tf.int64) + 2**63),
        "int32_times_minus_2_64": raises(lambda: i32 * -(2**64)),
        "int32_plus_2_40": i32 + 2**40,
        "int8_maximum_1000": tf.maximum(i8, 1000),
        "int8_plus_1000": i8 + 1000,
    }


def case_python_float_rounds_to_inf_into_a_requested_float_dtype(tf):
    """A Python float beyond float32 given float32/float16/bfloat16 is inf in TF (ours
    raised ValueError); with no dtype TF refuses it, in a list too (ours gave inf)."""
    x = tf.constant([1.0])
    return {
        "float32": tf.constant(1e40, tf.float32),
        "float16": tf.convert_to_tensor(1e40, tf.float16),
        "float16_70000": tf.constant(70000.0, tf.float16),
        "bfloat16": tf.cast(tf.constant(1e40, tf.bfloat16), tf.float32),
        "variable": tf.Variable(1e40, dtype=tf.float32).numpy(),
        "fill_tensor": tf.fill([2], tf.constant(1e40, tf.float32)),
        "minimum": tf.minimum(x, -1e40),
        "where": tf.where([True, False], tf.constant([1.0, 2.0]), 1e40),
        "list_float32": tf.constant([1.0, 1e40], tf.float32),
        "inferred": raises(lambda: tf.constant(1e40)),
        "inferred_negative": raises(lambda: tf.constant(-1e40)),
        "inferred_list": raises(lambda: tf.constant([1e40])),
        "inferred_list_mixed": raises(lambda: tf.constant([1.0, 1e40])),
        "inferred_inf": tf.constant([1.0, float("inf")]),
        # Doubles that round to float32's largest value convert; from halfway to 2**128
        # they round to infinity, which an inferred float32 refuses.
        "float32_max": tf.constant(3.4028235e38),
        "float32_max_list": tf.constant([-3.4028235e38, 3.4028235677973362e38]),
        "halfway": raises(lambda: tf.constant(3.4028235677973366e38)),
        "halfway_list": raises(lambda: tf.constant([3.4028235677973366e38])),
        "fill_python": raises(lambda: tf.fill([2], 1e40)),
    }


def case_python_bool_into_other_dtypes(tf):
    """TF converts a bool into int32, int64, half, float, double and complex128 only;
    ours also made int8, uint8, int16, bfloat16 and complex64 tensors of it."""
    out = {}
    for name in ("int8", "uint8", "int16", "bfloat16", "complex64", "int32", "int64",
                 "float16", "float32", "float64", "complex128", "bool"):
        dtype = getattr(tf, name)
        out[f"scalar_{name}"] = raises(lambda dtype=dtype: tf.cast(tf.constant(True, dtype),
                                                                    tf.float64))
        out[f"list_{name}"] = raises(lambda dtype=dtype: tf.cast(tf.constant([True, False],
                                                                             dtype), tf.float64))
    return out


def case_python_complex_into_real_dtypes(tf):
    """A Python complex into a real dtype is TF's TypeError (ours made a bool tensor
    of `1j`, and torch's message for the others)."""
    return {name: raises(lambda name=name: tf.constant(1j, getattr(tf, name)))
            for name in ("bool", "int8", "int32", "float16", "float32", "float64")}


def case_lists_of_mixed_python_types(tf):
    """TF infers a list's dtype widening from its first leaf: after a bool only bools,
    a complex number only after a complex first leaf (ours took the widest of all);
    given a dtype, they convert."""
    return {
        "complex_first_float": tf.constant([1.0 + 1j, 2.0]),
        "complex_first_int": tf.constant([1 + 1j, 2]),
        "complex_first_bool": tf.constant([1j, True]),
        "complex_first_nested": tf.constant([[1j], [2.0]]),
        "complex_first_three": tf.constant([1j, 2.0, True]),
        "int_first_bool": tf.constant([2, True]),
        "float_first_bool": tf.constant([2.0, True]),
        "float_first_big_int": tf.constant([2.0, 2**70]),
        "big_int_first_float": raises(lambda: tf.constant([2**70, 2.0])),
        "float_nested_complex": raises(lambda: tf.constant([[2.0], [1j]])),
        "bool_int": raises(lambda: tf.constant([True, 2])),
        "bool_float": raises(lambda: tf.constant([True, 2.0])),
        "bool_nested": raises(lambda: tf.constant([[True], [2]])),
        "int_complex": raises(lambda: tf.constant([1, 2j])),
        "float_complex": raises(lambda: tf.constant([1.0, 2j])),
        "bool_complex": raises(lambda: tf.constant([True, 1j])),
        "int_float": tf.constant([1, 2.0]),
        "bool_int_as_int32": tf.constant([True, 2], tf.int32),
        "bool_float_as_float32": tf.constant([True, 2.0], tf.float32),
        "int_complex_as_complex128": tf.constant([1, 2j], tf.complex128),
    }


def case_lists_of_ints_beyond_int64(tf):
    """Ints beyond int64 in a list convert into a requested floating dtype (ours:
    "non-rectangular" ValueError) and are TF's out-of-range ValueError otherwise."""
    return {
        "float32": tf.constant([2**70, 1], tf.float32),
        "float64": tf.constant([2**70, 1], tf.float64),
        "float32_with_float": tf.constant([2**70, 1.5], tf.float32),
        "nested_float32": tf.constant([[1], [2**63]], tf.float32),
        "scalar_float32": tf.constant(2**100, tf.float32),
        "inferred": raises(lambda: tf.constant([2**70, 1.5])),
        "inferred_int": raises(lambda: tf.constant([2**63])),
        "int64": raises(lambda: tf.constant([2**63], tf.int64)),
        "int64_below": raises(lambda: tf.constant([-(2**63) - 1], tf.int64)),
        "beyond_float": raises(lambda: tf.constant([2**2000], tf.float32)),
        "scalar_beyond_float": raises(lambda: tf.constant(2**2000, tf.float32)),
        "int32_wraps": tf.constant([2**40, 1], tf.int32),
        "uint8_wraps": tf.constant([300, -1], tf.uint8),
    }


def case_list_of_tensors_converted_to_another_dtype(tf):
    """`convert_to_tensor([tensors...], dtype=d)` casts the tensors when `d` is not
    the first tensor's dtype (ours raised TypeError); when it is, a tensor of another
    dtype is `Pack`'s error, as without `dtype`."""
    one, two = tf.constant(1), tf.constant(2)
    return {
        "int_to_float32": tf.convert_to_tensor([one, two], dtype=tf.float32),
        "int_to_int64": tf.convert_to_tensor([one, two], dtype=tf.int64),
        "float_to_float64": tf.convert_to_tensor([tf.constant(1.0), tf.constant(2.0)],
                                                 dtype=tf.float64),
        "with_python_int": tf.convert_to_tensor([2, one], dtype=tf.float32),
        "with_python_float": tf.convert_to_tensor([one, 2.5], dtype=tf.float32),
        "float_to_int32": tf.convert_to_tensor([tf.constant(1.5), 2], dtype=tf.int32),
        "bool_to_int32": tf.convert_to_tensor([tf.constant(True), 1], dtype=tf.int32),
        "int_to_bool": tf.convert_to_tensor([one, two], dtype=tf.bool),
        "complex_to_float32": tf.convert_to_tensor([tf.constant(1 + 1j, tf.complex64), 2],
                                                   dtype=tf.float32),
        "nested": tf.convert_to_tensor([[one], [two]], dtype=tf.float32),
        "vectors": tf.convert_to_tensor([tf.constant([1, 2]), [3, 4]], dtype=tf.float64),
        "variable": tf.convert_to_tensor([tf.Variable(1.0), 2.0], dtype=tf.float64),
        "same_dtype_mismatch": raises(
            lambda: tf.convert_to_tensor([tf.constant(1.0), two], dtype=tf.float32)),
        "python_float_into_int": raises(
            lambda: tf.convert_to_tensor([one, 2.5], dtype=tf.int32)),
    }


def case_gradient_through_a_converted_list_of_tensors(tf):
    """The cast of a packed list is differentiable, as TF's `Cast`."""
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(tf.convert_to_tensor([x, x * x], dtype=tf.float64) ** 2)
    return {"y": y, "grad": tape.gradient(y, x)}


def case_variable_scatter_indices_holding_tensors(tf):
    """Scatter indices given as a list holding tensors raised "len() of a 0-d tensor"
    (torch.as_tensor of the list); TF packs them."""
    v = tf.Variable([1.0, 2.0, 3.0])
    v.scatter_nd_update([[tf.constant(0)], [tf.constant(2)]], [9.0, 8.0])
    w = tf.Variable([1.0, 2.0, 3.0])
    w.scatter_nd_add([[tf.constant(1)]], [5.0])
    return {"update": v.read_value(), "add": w.read_value()}


def case_lists_holding_numpy_values(tf):
    """NumPy scalars and arrays inside a list follow TF's inference, not NumPy's: ints
    are int32 when they fit, a NumPy float first keeps its width, a later float makes
    the list float32, NumPy bools join no numbers, and an explicit dtype must hold the
    inferred kind. Ours took NumPy's promoted dtype and cast it to the list's first
    NumPy leaf's: `[np.int64(1), 2.5]` was int64 [1, 2], `[1j, np.float64(2.0)]`
    float64 [0, 2], `[1, np.bool_(True)]` bool, `[np.float64(1.5)]` as int64 1."""
    out = {
        "int64_scalars": tf.constant([np.int64(1), np.int64(2)]),
        "int64_then_python": tf.constant([np.int64(1), 2]),
        "big_int64": tf.constant([np.int64(2**40), 1]),
        "uint8_int8": tf.constant([np.uint8(3), np.int8(4)]),
        "int64_array_rows": tf.constant([np.array([1, 2]), [3, 4]]),
        "float64_first": tf.constant([np.float64(1.0), 2]),
        "float16_first": tf.constant([np.float16(1), 2.5]),
        "python_float_first": tf.constant([2.5, np.float16(1)]),
        "int_then_float64": tf.constant([1, np.float64(2.5)]),
        "numpy_int_then_float": tf.constant([np.int64(1), 2.5]),
        "rows_then_float64_array": tf.constant([[1, 2], np.array([3.0, 4.0])]),
        "float32_arrays": tf.constant([np.ones(2, np.float32), np.zeros(2, np.float32)]),
        "complex_first": tf.constant([1j, np.float64(2.0)]),
        "numpy_complex_first": tf.constant([np.complex64(1j), 2.0]),
        "numpy_bools": tf.constant([True, np.bool_(False)]),
        "python_bool_after_numpy_int": tf.constant([np.int32(1), True]),
        "empty_array_as_int64": tf.constant([np.array([]), []], tf.int64),
        "int_array_as_float32": tf.constant([np.array([1, 2]), [3, 4]], tf.float32),
    }
    for name, make in {
        "numpy_bool_then_int": lambda: tf.constant([np.bool_(True), 2]),
        "int_then_numpy_bool": lambda: tf.constant([1, np.bool_(True)]),
        "float64_then_complex": lambda: tf.constant([np.float64(1.0), 2j]),
        "float64_as_int64": lambda: tf.constant([np.float64(1.5), 2], tf.int64),
        "nan_as_int64": lambda: tf.constant([np.float64(np.nan), 1], tf.int64),
        "complex_as_float32": lambda: tf.constant([1j, np.float64(2.0)], tf.float32),
        "numpy_bools_as_float32": lambda: tf.constant([True, np.bool_(False)], tf.float32),
        "numpy_bool_then_int_as_int64": lambda: tf.constant([np.bool_(True), 2], tf.int64),
    }.items():
        out[name] = raises(make)
    return out
