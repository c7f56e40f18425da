"""`tf.keras`: Keras 3 on its torch backend, taught TensorFlow's tape semantics.

Since TF 2.16 `tf.keras` *is* Keras 3 (its TF-compatibility namespace,
`keras._tf_keras.keras`). Here it is the same Keras on its torch backend, loaded the
first time `tf.keras` is read (importing `tftape_torch` never imports Keras), or when
a tape is entered after the program imported Keras itself (`import keras`, as TF 2.16+
code does):

* the backend is selected (`KERAS_BACKEND=torch`) before Keras is first imported;
  Keras already imported with another backend is one clear error;
* Keras variables are variables to tapes (NOTE: [Foreign variables] in `_variable`):
  sources, watched when trainable and read while a tape records, listed by
  `watched_variables()`; their reads go through `read_foreign` (a `mixed_float16`
  layer's autocast copy too), and `tf.*` ops read them as TF's do
  (`tf.matmul(x, self.w)` in a custom layer's `call`, `tf.nn.l2_loss(w)`);
* a layer or loss called on NumPy or Python values returns this package's tensors
  (as TF's return `tf.Tensor`s; torch tensors in give torch tensors out, so Keras's
  own torch trainer runs on plain torch), and so do a metric's `result()` and
  `model.losses` (outside Keras's trainer);
* TF's exception classes raised inside a layer's `call` reach the caller as
  themselves (Keras's torch backend would turn them into `RuntimeError`s), with
  Keras's note about the call's arguments in the message;
* a 0-d variable's `numpy()` is a NumPy scalar, as TF's (Keras's torch backend gives
  a 0-d array);
* `keras.utils.set_random_seed` does not import TensorFlow;
* `fit`, `evaluate` and `predict` take this package's `tf.data` datasets
  (`_keras_datasets`).

>>> import tftape_torch as tf
>>> layer = tf.keras.layers.Dense(2, kernel_initializer="ones")
>>> x = tf.constant([[1.0, 2.0]])
>>> with tf.GradientTape() as tape:
...     y = tf.reduce_sum(layer(x))
>>> grads = tape.gradient(y, layer.trainable_variables)
>>> print(grads[0])
tf.Tensor(
[[1. 1.]
 [2. 2.]], shape=(2, 2), dtype=float32)
>>> [v.name for v in tape.watched_variables()]
['kernel', 'bias']
"""

from __future__ import annotations

import functools
import os
import sys
import threading
from types import ModuleType
from typing import Any, Callable, Optional

import numpy as np
import torch

from tftape_torch import _structure
from tftape_torch._convert import convert_value
from tftape_torch._tensor import as_eager
from tftape_torch._variable import note_created, read_foreign, register_variable_type
from tftape_torch.errors import OpError

__all__ = ["EXTRA", "adopt_keras", "keras_unadopted", "load"]

#: The optional dependency that installs Keras.
EXTRA = 'pip install "tftape_torch[keras]"'

_MIN_VERSION = (3, 15)
_LOCK = threading.Lock()
_namespace: Optional[ModuleType] = None


def load() -> ModuleType:
    """`tf.keras`: Keras 3's TF-compatibility namespace on the torch backend.

    Raises:
      ImportError: if Keras is not installed (or is older than 3.15), or was already
        imported with another backend than torch.
    """
    global _namespace
    if _namespace is not None:
        return _namespace
    with _LOCK:
        if _namespace is None:
            keras = _import_keras()
            _install(keras)
            from keras._tf_keras import keras as namespace  # Keras's own `tf.keras`

            _namespace = namespace
    return _namespace


def keras_unadopted() -> bool:
    """Whether the program imported Keras itself and tapes do not know its variables
    yet (checked as a tape is entered: one lookup)."""
    return _namespace is None and "keras" in sys.modules


def adopt_keras() -> None:
    """Teach tapes the Keras the program imported itself (`import keras`, on the torch
    backend), as reading `tf.keras` would; Keras on another backend is left alone.

    Its variables are then variables to tapes from the next one entered on (NOTE:
    [Foreign variables] in `_variable`): sources, watched when trainable.
    """
    if _wrong_backend() is None:
        load()


def _import_keras() -> Any:
    wrong = _wrong_backend()
    if wrong is not None:
        raise ImportError(
            f"tf.keras runs Keras on its torch backend, but Keras is set up for the "
            f"{wrong!r} backend. Set the environment variable KERAS_BACKEND=torch (or "
            f"leave it unset) before Keras is first imported, or read `tf.keras` before "
            f"importing Keras yourself."
        )
    # Keras reads KERAS_BACKEND once, at import. Set it only for that import: left in
    # the environment it would reach every subprocess (TensorFlow's own Keras among
    # them) as a setting nobody asked for.
    previous = os.environ.get("KERAS_BACKEND")
    if "keras" not in sys.modules:
        os.environ["KERAS_BACKEND"] = "torch"
    try:
        import keras
    except ImportError as error:
        raise ImportError(
            f"tf.keras needs Keras 3 (>= 3.15), which is not installed: {EXTRA}"
        ) from error
    finally:
        if previous is None:
            os.environ.pop("KERAS_BACKEND", None)
        else:
            os.environ["KERAS_BACKEND"] = previous
    version = tuple(int(part) for part in keras.__version__.split(".")[:2] if part.isdigit())
    if version < _MIN_VERSION:
        raise ImportError(
            f"tf.keras needs Keras >= 3.15, found {keras.__version__}: {EXTRA}"
        )
    return keras


def _wrong_backend() -> Optional[str]:
    """The backend Keras uses or will use, when it is not torch; else None."""
    module = sys.modules.get("keras")
    if module is not None:
        try:
            backend = str(module.backend.backend())
        except AttributeError:
            return None
        return None if backend == "torch" else backend
    chosen = os.environ.get("KERAS_BACKEND")
    if chosen and chosen != "torch":
        return chosen
    return None


def _install(keras: Any) -> None:
    """Teach Keras's torch backend this package's semantics (once)."""
    from keras.src.backend.common import global_state
    from keras.src.backend.common.stateless_scope import in_stateless_scope
    from keras.src.backend.torch import core
    from keras.src.layers.layer import Layer
    from keras.src.losses.loss import Loss
    from keras.src.metrics.metric import Metric
    from keras.src.trainers import data_adapters
    from keras.src.trainers.data_adapters import array_slicing
    from keras.src.trainers.data_adapters.data_adapter import DataAdapter
    from keras.src.trainers.trainer import Trainer
    from keras.src.utils import module_utils

    from tftape_torch._keras_datasets import install_dataset_adapter

    variable_class = core.Variable
    if getattr(variable_class, "_tftape_installed", False):
        return
    read = variable_class.value.fget  # Keras's read: its `nn.Parameter`, unless cast
    register_variable_type(variable_class, read)

    def value(self: Any) -> Any:
        result = read(self)
        if isinstance(result, torch.nn.Parameter):
            return result if result.is_meta else read_foreign(self, result)
        stored = self._value
        if (isinstance(stored, torch.nn.Parameter) and not stored.is_meta
                and not in_stateless_scope() and not result.is_meta):
            # An autocast copy (a `mixed_float16` layer's call): cast the tapes' read,
            # or the cast would start from the untaped storage (gradients `None`).
            return self._maybe_autocast(read_foreign(self, stored))
        return result  # a placeholder while Keras traces shapes

    variable_class.value = property(value, doc=variable_class.value.__doc__)

    made = variable_class.__init__

    @functools.wraps(made)
    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        made(self, *args, **kwargs)
        note_created(self, self.trainable)

    variable_class.__init__ = init
    variable_class.numpy = _variable_numpy
    variable_class.__tf_tensor__ = _variable_tensor
    Layer.__call__ = _layer_call(Layer.__call__, global_state)
    Loss.__call__ = _loss_call(Loss.__call__)
    Layer.losses = _tf_losses(Layer.losses)
    Trainer.compute_loss = _in_trainer(Trainer.compute_loss)
    _tf_results(Metric)
    array_slicing.TorchSliceable.__getitem__ = _torch_slice
    # Keras asks its lazy `tensorflow` module whether TF is available (`set_random_seed`,
    # model serialization): that question imports TF when it is installed, seconds
    # and TF's log lines later. Here TF counts as available only once it is imported.
    lazy_tensorflow = module_utils.tensorflow
    lazy_tensorflow.__class__ = _tensorflow_if_imported(type(lazy_tensorflow))
    install_dataset_adapter(data_adapters, DataAdapter)  # fit/evaluate/predict on tf.data
    variable_class._tftape_installed = True


def _variable_numpy(self: Any) -> Any:
    """`Variable.numpy()`: the variable's value as a NumPy array, or as a NumPy scalar
    for a 0-d variable, as TF's `numpy()` gives it (Keras's torch backend gives a 0-d
    array: `optimizer.iterations.numpy()` would show `array(0, dtype=int32)`).

    Returns:
      A new `np.ndarray`, or a NumPy scalar (`np.float32(1.0)`) for a 0-d variable.
    """
    array = np.array(self)
    return array[()] if array.ndim == 0 else array


def _variable_tensor(self: Any, dtype: Optional[torch.dtype] = None) -> torch.Tensor:
    """TF's conversion protocol for a Keras variable: a `tf.*` op reads its value, as
    TF's `tf.matmul(x, layer.kernel)` does, so tapes record the read (NOTE: [Foreign
    variables] in `_variable`). Without it the op converted the variable through NumPy,
    a constant: its gradient was `None` (or the read raised, inside a tape)."""
    return convert_value(self.value, dtype)


def _torch_slice(self: Any, indices: Any) -> Any:
    """`fit`/`evaluate`/`predict` slice batches with index lists, torch's (NumPy's) way:
    this package's tensors index TF's way (`x[[0, 1]]` is `x[0, 1]`), so Keras slices
    their plain torch view."""
    array = self.array
    if isinstance(array, torch.Tensor) and type(array) is not torch.Tensor:
        array = array.as_subclass(torch.Tensor)
    return array[indices]


def _layer_call(call: Callable[..., Any], global_state: Any) -> Callable[..., Any]:
    """`Layer.__call__`, returning TF's tensors and raising TF's errors."""

    @functools.wraps(call)
    def __call__(self: Any, *args: Any, **kwargs: Any) -> Any:
        outermost = global_state.get_global_attribute("current_call_ctx") is None
        try:
            outputs = call(self, *args, **kwargs)
        except RuntimeError as error:
            cause = error.__context__
            if isinstance(cause, OpError) and getattr(error, "_keras_call_info_injected", False):
                raised = type(cause)(cause.node_def, cause.op, str(error.args[0]))
                raised._keras_call_info_injected = True  # type: ignore[attr-defined]
                raise raised.with_traceback(cause.__traceback__) from None
            raise
        if outermost and not _any_torch_tensor((args, kwargs)):
            outputs = _structure.map_structure(_as_tf, outputs)
        return outputs

    return __call__


def _loss_call(call: Callable[..., Any]) -> Callable[..., Any]:
    """`Loss.__call__`, returning TF's tensor for NumPy or Python values (as layers)."""

    @functools.wraps(call)
    def __call__(self: Any, *args: Any, **kwargs: Any) -> Any:
        loss = call(self, *args, **kwargs)
        if _any_torch_tensor((args, kwargs)):
            return loss
        return _structure.map_structure(_as_tf, loss)

    return __call__


_TRAINER = threading.local()  # `depth`: Keras's own trainer computing a loss


def _tf_losses(losses: property) -> property:
    """`Layer.losses` as TF's tensors (TF's `model.losses` are `tf.Tensor`s: NumPy
    reads them; Keras's torch backend gave torch tensors that require grad, which
    `np.asarray` refuses), except for Keras's own trainer, which stays on plain torch."""
    get = losses.fget
    assert get is not None

    def tf_losses(self: Any) -> Any:
        found = get(self)
        if getattr(_TRAINER, "depth", 0):
            return found
        return [_as_tf(loss) for loss in found]

    return property(tf_losses, doc=losses.__doc__)


def _in_trainer(compute_loss: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(compute_loss)
    def wrapped(self: Any, *args: Any, **kwargs: Any) -> Any:
        _TRAINER.depth = getattr(_TRAINER, "depth", 0) + 1
        try:
            return compute_loss(self, *args, **kwargs)
        finally:
            _TRAINER.depth -= 1

    return wrapped


def _tf_results(metric_class: Any) -> None:
    """Make `result()` of `metric_class` and of all its subclasses, those defined later
    included, return TF's tensors, as TF's metrics do (`print(m.result())` shows
    `tf.Tensor(...)`). Keras's own trainer reads results as Python floats, so plain
    torch never meets them there."""

    def wrap(cls: type) -> None:
        result = cls.__dict__.get("result")
        if result is not None and not getattr(result, "_tftape_result", False):
            cls.result = _tf_result(result)  # type: ignore[attr-defined]

    pending = [metric_class]
    while pending:
        cls = pending.pop()
        wrap(cls)
        pending.extend(cls.__subclasses__())

    def __init_subclass__(cls: Any, /, **kwargs: Any) -> None:
        super(metric_class, cls).__init_subclass__(**kwargs)
        wrap(cls)

    metric_class.__init_subclass__ = classmethod(__init_subclass__)


def _tf_result(result: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(result)
    def tf_result(self: Any) -> Any:
        return _structure.map_structure(_result_as_tf, result(self))

    tf_result._tftape_result = True  # type: ignore[attr-defined]
    return tf_result


def _result_as_tf(value: Any) -> Any:
    """A metric's result as TF's tensor; a variable's storage (`Sum` returns its total)
    as a copy, as TF's `tf.identity` of it."""
    if isinstance(value, torch.nn.Parameter):
        return as_eager(torch.Tensor.detach(value).clone().as_subclass(torch.Tensor))
    return _as_tf(value)


def _any_torch_tensor(structure: Any) -> bool:
    """Whether `structure` holds a torch tensor (ours or plain)."""
    if isinstance(structure, torch.Tensor):
        return True
    if isinstance(structure, dict):
        return any(_any_torch_tensor(item) for item in structure.values())
    if isinstance(structure, (list, tuple)):
        return any(_any_torch_tensor(item) for item in structure)
    return False


def _as_tf(value: Any) -> Any:
    if type(value) is torch.Tensor:
        return as_eager(value)
    return value


def _tensorflow_if_imported(lazy_class: type) -> type:
    """A subclass of Keras's `LazyModule` whose `available` is False until TensorFlow
    has been imported (by anyone else); Keras then never imports it itself."""

    class TensorFlowIfImported(lazy_class):  # type: ignore[misc]
        @property
        def available(self) -> bool:
            return "tensorflow" in sys.modules and bool(super().available)

    return TensorFlowIfImported
