"""Python operators on tensors where TF's tensors answer otherwise than torch's,
against TF 2.21: `&`, `|`, `^` and `~` of floats are TF's InvalidArgumentError (torch's
NotImplementedError leaked), `abs()` of a bool tensor too, and TF's tensors have no
unary `+` and no `<<`/`>>` (ours computed them). Found by an operator sweep against
TF. Answers live in `golden/cases_operator_edges.json`.
"""

from __future__ import annotations

from tests.conformance.harness import raises


def case_bitwise_operators_by_dtype(tf):
    """Bitwise on integers, logical on bools, TF's error for floats and complex."""
    ints, flags = tf.constant([6, 5]), tf.constant([True, False])
    floats, cplx = tf.constant([1.0, 2.0]), tf.constant([1j])
    return {
        "int_and": ints & tf.constant([3, 3]),
        "int_or": ints | tf.constant([3, 3]),
        "int_xor": ints ^ tf.constant([3, 3]),
        "int_invert": ~ints,
        "int_and_python": ints & 3,
        "python_and_int": 3 & ints,
        "python_or_int": 1 | ints,
        "python_xor_int": 1 ^ ints,
        "bool_and": flags & tf.constant([True, True]),
        "bool_or": flags | tf.constant([False, False]),
        "bool_xor_python": flags ^ True,
        "bool_invert": ~flags,
        "float_and": raises(lambda: floats & floats),
        "float_or": raises(lambda: floats | floats),
        "float_xor": raises(lambda: floats ^ floats),
        "float_invert": raises(lambda: ~floats),
        "python_and_float": raises(lambda: 1 & floats),
        "complex_invert": raises(lambda: ~cplx),
    }


def case_operators_tf_tensors_lack(tf):
    """Unary `+` and the shifts are Python's TypeError on TF's tensors."""
    ints = tf.constant([1, 2])
    return {
        "pos": raises(lambda: +ints),
        "lshift": raises(lambda: ints << 1),
        "rshift": raises(lambda: ints >> 1),
        "rlshift": raises(lambda: 1 << ints),
        "rrshift": raises(lambda: 8 >> ints),
        "left_shift_op": tf.bitwise.left_shift(ints, 1),
    }


def case_abs_by_dtype(tf):
    """`abs()` of a bool tensor is TF's error (torch's NotImplementedError leaked)."""
    return {
        "bool": raises(lambda: abs(tf.constant([True]))),
        "int8": abs(tf.constant([-128, -3], tf.int8)),
        "complex": abs(tf.constant([3 + 4j])),
        "uint8": raises(lambda: abs(tf.constant([1], tf.uint8))),
    }
