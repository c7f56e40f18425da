"""Bad input: each misuse raises TensorFlow's exception class, with a message that names
the argument (or the object) at fault.

Every case is written once against a module `tf` and run with `tftape_torch`; when
TensorFlow is installed the same cases also run with it, once, in a child process
(`python -m tests.test_bad_input`, which prints the class each case raises as JSON),
so the expected class in the table below is re-checked against TF 2.21 on every run
(the classes were recorded from it). TensorFlow never enters the pytest process: with
a CUDA torch, triton imported after TensorFlow crashes the process. Cases where
tftape_torch still differs are strict xfails whose reason says what TF does; they were
reported to the lead and flip to passing when fixed.
"""

from __future__ import annotations

import importlib.util
import json
import os
import pathlib
import subprocess
import sys
import warnings
from typing import Any, Callable, Dict, NamedTuple, Optional, Tuple

import numpy as np
import pytest
import torch

import tftape_torch

ROOT = pathlib.Path(__file__).resolve().parent.parent
_HAVE_TF = importlib.util.find_spec("tensorflow") is not None
if not _HAVE_TF and os.environ.get("TFTAPE_REQUIRE_ORACLE") == "1":
    raise RuntimeError("TFTAPE_REQUIRE_ORACLE=1 (as in CI) but TensorFlow is not installed")


class Setup(NamedTuple):
    x: Any  # a watched float32 vector [1., 2.]
    y: Any  # x * x, recorded
    s: Any  # reduce_sum(y)
    tape: Any  # a persistent tape, closed


def _setup(tf: Any) -> Setup:
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
        s = tf.reduce_sum(y)
    return Setup(x, y, s, tape)


def _entered(tf: Any) -> Any:
    tape = tf.GradientTape()
    tape.__enter__()
    return tape


def _watch(value: Callable[[Any, Setup], Any]) -> Callable[[Any, Setup], Any]:
    def call(tf: Any, st: Setup) -> Any:
        tape = _entered(tf)
        try:
            return tape.watch(value(tf, st))
        finally:
            tape.__exit__(None, None, None)

    return call


def _enter_twice(tf: Any, st: Setup) -> Any:
    tape = tf.GradientTape()
    with tape:
        return tape.__enter__()


def _spent(tf: Any) -> Any:
    tape = tf.GradientTape()
    with tape:
        x = tf.constant(1.0)
        tape.watch(x)
        y = x * 3.0
    tape.gradient(y, x)
    return tape


class Case(NamedTuple):
    call: Callable[[Any, Setup], Any]
    tf_error: str  # the class TF 2.21 raises
    names: Tuple[str, ...]  # what our message must mention
    differs: Optional[str] = None  # why ours still differs (strict xfail)


CASES = {
    # watch: the object and its type
    "watch_float": Case(_watch(lambda tf, st: 3.0), "ValueError", ("3.0", "float")),
    "watch_str": Case(_watch(lambda tf, st: "a"), "ValueError", ("'str'",)),
    "watch_none": Case(_watch(lambda tf, st: None), "ValueError", ("None", "NoneType")),
    "watch_list_with_float": Case(
        _watch(lambda tf, st: [st.x, 2.0]), "ValueError", ("2.0", "float")),
    "watch_ndarray": Case(
        _watch(lambda tf, st: np.ones(2, np.float32)), "ValueError", ("ndarray",)),
    # sources of unsupported types
    "source_float": Case(
        lambda tf, st: st.tape.gradient(st.y, 3.0), "AttributeError", ("sources", "float")),
    "source_int": Case(
        lambda tf, st: st.tape.gradient(st.y, 3), "AttributeError", ("sources", "int")),
    "source_str": Case(lambda tf, st: st.tape.gradient(st.y, "a"), "TypeError", ("sources", "str")),
    "source_ndarray": Case(lambda tf, st: st.tape.gradient(st.y, np.ones(2, np.float32)),
                           "AttributeError", ("sources", "ndarray")),
    "source_list_of_floats": Case(lambda tf, st: st.tape.gradient(st.y, [1.0]), "AttributeError",
                                  ("sources", "float")),
    "source_none": Case(
        lambda tf, st: st.tape.gradient(st.y, None), "TypeError", ("sources", "None")),
    "source_none_in_list": Case(lambda tf, st: st.tape.gradient(st.y, [st.x, None]), "TypeError",
                                ("sources", "None")),
    "source_object": Case(
        lambda tf, st: st.tape.gradient(st.y, object()), "TypeError", ("sources", "object")),
    # targets that are not tensors
    "target_none": Case(lambda tf, st: st.tape.gradient(None, st.x), "TypeError", ("target",)),
    "target_float": Case(
        lambda tf, st: st.tape.gradient(3.0, st.x), "AttributeError", ("target", "float")),
    "target_str": Case(lambda tf, st: st.tape.gradient("a", st.x), "TypeError", ("target", "str")),
    "target_none_in_list": Case(lambda tf, st: st.tape.gradient([st.y, None], st.x), "TypeError",
                                ("target", "None")),
    # output_gradients of the wrong shape or dtype
    "output_gradients_bad_shape": Case(
        lambda tf, st: st.tape.gradient(st.y, st.x, output_gradients=tf.ones(3)),
        "InvalidArgumentError", ("output_gradients",)),
    "output_gradients_not_broadcastable": Case(
        lambda tf, st: st.tape.gradient(st.y, st.x, output_gradients=tf.ones((2, 2))),
        "InvalidArgumentError", ("output_gradients",)),
    "output_gradients_bad_dtype": Case(
        lambda tf, st: st.tape.gradient(st.y, st.x, output_gradients=tf.ones(2, dtype=tf.float64)),
        "InvalidArgumentError", ("output_gradients",)),
    "output_gradients_same_size_other_shape": Case(
        lambda tf, st: st.tape.gradient(st.y, st.x, output_gradients=tf.ones((2, 1))),
        "InvalidArgumentError", ("output_gradients",)),
    "output_gradients_string": Case(
        lambda tf, st: st.tape.gradient(st.y, st.x, output_gradients="a"),
        "InvalidArgumentError", ("output_gradients",)),
    "unconnected_gradients_bogus": Case(
        lambda tf, st: st.tape.gradient(st.y, st.x, unconnected_gradients="bogus"),
        "ValueError", ("unconnected_gradients", "bogus")),
    "unconnected_gradients_none": Case(
        lambda tf, st: st.tape.gradient(st.y, st.x, unconnected_gradients=None),
        "ValueError", ("unconnected_gradients", "None")),
    # tapes used the wrong way
    "gradient_on_never_entered_tape": Case(
        lambda tf, st: tf.GradientTape().gradient(st.y, st.x), "RuntimeError", ("non-persistent",)),
    "jacobian_on_never_entered_tape": Case(
        lambda tf, st: tf.GradientTape().jacobian(st.y, st.x), "RuntimeError", ("non-persistent",)),
    "batch_jacobian_on_never_entered_tape": Case(
        lambda tf, st: tf.GradientTape().batch_jacobian(st.y, st.x),
        "RuntimeError", ("non-persistent",)),
    "second_gradient_on_spent_tape": Case(
        lambda tf, st: _spent(tf).gradient(st.y, st.x), "RuntimeError", ("non-persistent",)),
    "enter_twice": Case(_enter_twice, "ValueError", ("re-enter",)),
    "reset_outside": Case(lambda tf, st: st.tape.reset(), "ValueError", ("not recording",)),
    "stop_recording_outside": Case(
        lambda tf, st: st.tape.stop_recording().__enter__(), "ValueError", ("not recording",)),
    "stop_recording_never_entered": Case(
        lambda tf, st: tf.GradientTape().stop_recording().__enter__(),
        "RuntimeError", ("not recording",)),
    "stop_recording_spent": Case(
        lambda tf, st: _spent(tf).stop_recording().__enter__(), "RuntimeError", ("not recording",)),
    # TF1's symbolic gradients: refused eagerly, with TF's message naming the tape.
    "gradients_eagerly": Case(
        lambda tf, st: tf.gradients(st.s, st.x), "RuntimeError",
        ("tf.gradients is not supported when eager execution is enabled", "tf.GradientTape")),
    "hessians_eagerly": Case(
        lambda tf, st: tf.hessians(st.s, st.x), "RuntimeError",
        ("tf.gradients is not supported when eager execution is enabled", "tf.GradientTape")),
}


def _run(tf: Any, case: Case) -> BaseException:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        st = _setup(tf)
        try:
            case.call(tf, st)
        except Exception as error:  # noqa: BLE001 - the class is the answer
            return error
    raise AssertionError("no exception raised")


def _params() -> Any:
    for name, case in CASES.items():
        marks = [pytest.mark.xfail(strict=True, reason=case.differs)] if case.differs else []
        yield pytest.param(case, id=name, marks=marks)


def tensorflow_classes() -> Dict[str, str]:
    """Case name -> the class real TensorFlow raises (run in the child process)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow as real_tf

    return {name: type(_run(real_tf, case)).__name__ for name, case in CASES.items()}


@pytest.fixture(scope="module")
def live_tf_classes() -> Optional[Dict[str, str]]:
    """What TF raises for each case, from one child process; None without TensorFlow."""
    if not _HAVE_TF:
        return None
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
    proc = subprocess.run(
        [sys.executable, "-m", "tests.test_bad_input"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )
    try:
        classes: Dict[str, str] = json.loads(proc.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        pytest.fail(
            f"the TensorFlow check did not run (exit {proc.returncode}):\n{proc.stderr[-4000:]}"
        )
    return classes


@pytest.mark.parametrize("case", list(_params()))
def test_raises_tensorflows_class_naming_the_argument(
    case: Case, live_tf_classes: Optional[Dict[str, str]]
) -> None:
    if live_tf_classes is not None:
        name = next(key for key, value in CASES.items() if value is case)
        assert live_tf_classes[name] == case.tf_error, "TF itself changed"
    error = _run(tftape_torch, case)
    assert type(error).__name__ == case.tf_error, f"ours raised {type(error).__name__}: {error}"
    if case.tf_error == "InvalidArgumentError":
        assert isinstance(error, tftape_torch.errors.InvalidArgumentError)
    for name in case.names:
        assert name in str(error), f"{name!r} not in the message {str(error)!r}"


def test_watch_message_is_tensorflows() -> None:
    error = _run(tftape_torch, CASES["watch_float"])
    # TF 2.21, word for word
    assert str(error) == ("Passed in object 3.0 of type 'float', not tf.Tensor or tf.Variable "
                          "or ExtensionType.")


# --------------------------------------------------------------------------- accepted input


def test_targets_and_sources_need_not_share_a_structure() -> None:
    tf = tftape_torch
    st = _setup(tf)
    grads = st.tape.gradient({"a": st.y}, {"b": st.x, "c": [st.x]})
    # TF 2.21: {'b': [2., 4.], 'c': [[2., 4.]]}: results mirror `sources`
    assert list(grads) == ["b", "c"]
    assert grads["b"].numpy().tolist() == [2.0, 4.0]
    assert grads["c"][0].numpy().tolist() == [2.0, 4.0]


def test_python_float_output_gradient_for_a_scalar_target() -> None:
    tf = tftape_torch
    st = _setup(tf)
    # TF 2.21: [4., 8.] (2.0 * 2x)
    assert st.tape.gradient(st.s, st.x, output_gradients=2.0).numpy().tolist() == [4.0, 8.0]


def test_output_gradients_broadcast_like_tensorflow() -> None:
    tf = tftape_torch
    st = _setup(tf)
    # TF 2.21: [4., 8.] and [2., 4.] (2 * 2x and 1 * 2x)
    doubled = st.tape.gradient(st.y, st.x, output_gradients=tf.constant(2.0))
    assert doubled.numpy().tolist() == [4.0, 8.0]
    broadcast = st.tape.gradient(st.y, st.x, output_gradients=tf.ones((1,)))
    assert broadcast.numpy().tolist() == [2.0, 4.0]


def test_integer_sources_get_none_or_integer_zeros() -> None:
    tf = tftape_torch
    k = tf.constant([1, 2])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with tf.GradientTape(persistent=True) as tape:
            tape.watch(k)
            y = k * k
    # TF 2.21 warns with this text and gives None, or int32 zeros with ZERO
    assert any("The dtype of the watched tensor must be floating (e.g. tf.float32), got tf.int32"
               in str(w.message) for w in caught)
    assert tape.gradient(y, k) is None
    zeros = tape.gradient(y, k, unconnected_gradients="zero")
    assert zeros.dtype == torch.int32 and zeros.numpy().tolist() == [0, 0]


def test_integer_target_gives_none() -> None:
    tf = tftape_torch
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.cast(x * x, tf.int32)
    assert tape.gradient(y, x) is None  # TF 2.21: None


def test_integer_variable_gets_no_gradient() -> None:
    tf = tftape_torch
    v = tf.Variable([1, 2])
    with tf.GradientTape() as tape:
        y = v * 2
    assert tape.gradient(y, v) is None  # TF 2.21: None


def test_integer_variable_is_still_a_watched_variable() -> None:
    tf = tftape_torch
    v = tf.Variable([1, 2])
    with tf.GradientTape() as tape:
        _ = v * 2
    assert tape.watched_variables() == (v,)  # TF 2.21: (v,)


def test_complex_gradients_are_conjugated_like_tensorflows() -> None:
    z = torch.tensor([1 + 2j, 3j], dtype=torch.complex64)
    with tftape_torch.GradientTape() as tape:
        tape.watch(z)
        y = z * z
    grad = tape.gradient(y, z)
    # TF 2.21: [2.-4.j, 0.-6.j], i.e. conj(dy/dz) = 2 * conj(z)
    assert grad.dtype == torch.complex64
    assert grad.tolist() == [2 - 4j, -6j]


# --------------------------------------------------------------------------- devices


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_tensors_on_different_devices() -> None:
    x = torch.tensor([1.0, 2.0])  # CPU
    with tftape_torch.GradientTape(persistent=True) as tape:
        tape.watch(x)
        on_gpu = x.to("cuda") * 3.0
        y = on_gpu * on_gpu
    # TF copies across devices silently; the gradient lands on the source's device
    grad = tape.gradient(y, x)
    assert grad.device.type == "cpu" and grad.tolist() == [18.0, 36.0]  # d 9x^2 = 18x
    seeded = tape.gradient(y, x, output_gradients=torch.ones(2, device="cuda") * 2.0)
    assert seeded.device.type == "cpu" and seeded.tolist() == [36.0, 72.0]
    try:
        seeded_cpu = tape.gradient(y, x, output_gradients=torch.ones(2) * 2.0)
    except Exception as error:  # a seed on the wrong device may be refused, naming it
        assert "output_gradients" in str(error), str(error)
    else:
        assert seeded_cpu.tolist() == [36.0, 72.0]


if __name__ == "__main__":  # the TensorFlow side, run by `live_tf_classes`
    print(json.dumps(tensorflow_classes(), sort_keys=True))


@pytest.mark.parametrize("labels, lengths, loss",
                         [([[-1, 2]], [2], 0.7273246), ([[7, 0]], [1], -0.4459157)])
def test_ctc_loss_labels_outside_the_classes(labels: Any, lengths: Any, loss: float) -> None:
    # torch's CPU kernel read out of bounds for these and corrupted the heap (the
    # process aborted a few calls later); TF's dense code observes such a label with
    # probability 1 (its one-hot row is all zeros): these losses are TF 2.21's.
    tf = tftape_torch
    got = tf.nn.ctc_loss(tf.constant(labels), tf.zeros([6, 1, 5]), tf.constant(lengths),
                         tf.constant([6]), blank_index=0)
    np.testing.assert_allclose(got.numpy(), [loss], rtol=1e-6)


@pytest.mark.parametrize("call, message", [
    (lambda tf: tf.nn.conv2d_transpose(tf.ones([1, 4, 4, 2]), tf.ones([3, 3, 5, 2]),
                                       [1, 9, 9, 5], strides=2, padding="SAME"),
     "Conv2DCustomBackpropInput: Size of out_backprop doesn't match computed: actual = 4, "
     "computed = 5 spatial_dim: 1 input: 9 filter: 3 output: 4 stride: 2 dilation: 1 "
     "[Op:Conv2DBackpropInput]"),
    (lambda tf: tf.nn.conv2d_transpose(tf.ones([1, 4, 4, 2]), tf.ones([3, 3, 5, 2]),
                                       [2, 8, 8, 5], strides=2, padding="SAME"),
     "Conv2DCustomBackpropInput: input and out_backprop must have the same batch size. "
     "Input batch: 2, outbackprop batch: 1, batch_dim: 0 [Op:Conv2DBackpropInput]"),
    (lambda tf: tf.nn.conv1d_transpose(tf.ones([1, 4, 2]), tf.ones([3, 5, 2]), [1, 9, 5],
                                       strides=2, padding="SAME"),
     "Conv2DCustomBackpropInput: Size of out_backprop doesn't match computed: actual = 4, "
     "computed = 5 spatial_dim: 2 input: 9 filter: 3 output: 4 stride: 2 dilation: 1"),
    (lambda tf: tf.nn.conv3d_transpose(tf.ones([1, 4, 4, 4, 2]), tf.ones([3, 3, 3, 5, 2]),
                                       [1, 9, 8, 8, 5], strides=2, padding="SAME"),
     "Conv3DBackpropInputOp: Size of out_backprop doesn't match computed: actual = 4, "
     "computed = 5 spatial_dim: 1 input: 9 filter: 3 output: 4 stride: 2 dilation: 1 "
     "[Op:Conv3DBackpropInputV2]"),
    (lambda tf: tf.nn.conv2d_transpose(tf.ones([1, 3, 3, 2]), tf.ones([3, 3, 5, 2]),
                                       [1, 9, 9, 5], strides=2, padding="VALID"),
     "actual = 3, computed = 4 spatial_dim: 1 input: 9 filter: 3 output: 3"),
])
def test_conv_transpose_output_shape_that_does_not_map_back(call: Any, message: str) -> None:
    # TF 2.21's reference kernels (TF_ENABLE_ONEDNN_OPTS=0, and on GPUs) raise these
    # InvalidArgumentErrors; its oneDNN CPU kernels raise an AbortedError saying only
    # that no primitive could be made.
    with pytest.raises(tftape_torch.errors.InvalidArgumentError) as info:
        call(tftape_torch)
    assert message in str(info.value)
