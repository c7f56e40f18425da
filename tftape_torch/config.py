"""`tf.config`: the devices this process can place tensors on.

>>> import tftape_torch as tf
>>> tf.config.list_physical_devices('CPU')
[PhysicalDevice(name='/physical_device:CPU:0', device_type='CPU')]
"""

from __future__ import annotations

import collections
from typing import Any, Dict, List, Optional

import torch

from tftape_torch import _state
from tftape_torch._device import parse_device

__all__ = [
    "LogicalDevice",
    "LogicalDeviceConfiguration",
    "PhysicalDevice",
    "experimental",
    "experimental_functions_run_eagerly",
    "experimental_run_functions_eagerly",
    "functions_run_eagerly",
    "get_logical_device_configuration",
    "get_soft_device_placement",
    "get_visible_devices",
    "list_logical_devices",
    "list_physical_devices",
    "optimizer",
    "run_functions_eagerly",
    "set_logical_device_configuration",
    "set_soft_device_placement",
    "set_visible_devices",
    "threading",
]

#: A physical device (`name`, `device_type`), as TF describes it.
PhysicalDevice = collections.namedtuple("PhysicalDevice", ["name", "device_type"])
PhysicalDevice.__module__ = "tftape_torch.config"

LogicalDevice = collections.namedtuple("LogicalDevice", ["name", "device_type"])
LogicalDevice.__module__ = "tftape_torch.config"

#: How one logical device is carved out of a physical one (TF's fields; kept, unused).
LogicalDeviceConfiguration = collections.namedtuple(
    "LogicalDeviceConfiguration",
    ["memory_limit", "experimental_priority", "experimental_device_ordinal"],
    defaults=(None, None, None),
)
LogicalDeviceConfiguration.__module__ = "tftape_torch.config"




def list_physical_devices(device_type: Optional[str] = None) -> List[Any]:
    """The CPU and every CUDA GPU torch sees, optionally only those of `device_type`.

    >>> import tftape_torch as tf
    >>> len(tf.config.list_physical_devices('GPU')) == __import__('torch').cuda.device_count()
    True
    """
    devices = [PhysicalDevice("/physical_device:CPU:0", "CPU")]
    if torch.cuda.is_available():
        devices += [
            PhysicalDevice(f"/physical_device:GPU:{i}", "GPU")
            for i in range(torch.cuda.device_count())
        ]
    if device_type is None:
        return devices
    wanted = str(device_type).upper()
    return [d for d in devices if d.device_type == wanted]


def list_logical_devices(device_type: Optional[str] = None) -> List[Any]:
    """The devices ops can run on: one per physical device, or as many as
    `set_logical_device_configuration` asked for (numbered on from it).

    >>> import tftape_torch as tf
    >>> [d.name for d in tf.config.list_logical_devices('CPU')]
    ['/device:CPU:0']
    """
    found: List[Any] = []
    numbered = {"CPU": 0, "GPU": 0}
    for device in get_visible_devices(device_type):
        count = len(_state.logical_device_configuration(device.name) or (None,))
        kind = device.device_type
        first = numbered[kind]
        numbered[kind] += count
        found += [LogicalDevice(f"/device:{kind}:{first + i}", kind) for i in range(count)]
    return found


def get_visible_devices(device_type: Optional[str] = None) -> List[Any]:
    """The physical devices ops may use: all of them, unless `set_visible_devices`
    hid some.

    >>> import tftape_torch as tf
    >>> tf.config.get_visible_devices('CPU')
    [PhysicalDevice(name='/physical_device:CPU:0', device_type='CPU')]
    """
    visible = _state.config_setting("visible_gpus")
    return [device for device in list_physical_devices(device_type)
            if device.device_type != "GPU" or visible is None
            or _gpu_index(device) in visible]


def set_visible_devices(devices: Any, device_type: Optional[str] = None) -> None:
    """Lets ops use only `devices` (a `PhysicalDevice` or a list of them) of
    `device_type` (of every type when None): `tf.device('/GPU:0')` then names the first
    GPU left visible (a hidden one runs on the CPU instead, as TF's soft placement
    does). The CPU cannot be hidden.

    Raises:
      ValueError: for a device that is not one of `list_physical_devices()`, or for
        hiding the CPU.
    """
    chosen = [devices] if isinstance(devices, PhysicalDevice) else list(devices)
    known = list_physical_devices()
    for device in chosen:
        if device not in known:
            raise ValueError(f"Unrecognized device: {device!r}")
    types = {"CPU", "GPU"} if device_type is None else {str(device_type).upper()}
    if "CPU" in types and not any(device.device_type == "CPU" for device in chosen):
        raise ValueError("The CPU cannot be hidden: ops that no device takes run there.")
    if "GPU" in types:
        gpus = tuple(_gpu_index(d) for d in chosen if d.device_type == "GPU")
        everyone = tuple(range(torch.cuda.device_count()))
        _state.set_config_setting("visible_gpus", None if gpus == everyone else gpus)


def _gpu_index(device: Any) -> int:
    return int(device.name.rsplit(":", 1)[1])


def get_soft_device_placement() -> bool:
    """Whether ops asked for a device that is missing run elsewhere: True unless
    `set_soft_device_placement(False)` was called (placement in this package is
    always soft: `tf.device('/GPU:0')` without a GPU places on the CPU)."""
    return bool(_state.config_setting("soft_device_placement", True))


def set_soft_device_placement(enabled: bool) -> None:
    """Records the setting `get_soft_device_placement` returns (placement stays soft)."""
    _state.set_config_setting("soft_device_placement", bool(enabled))


def set_logical_device_configuration(device: Any, logical_devices: Any) -> None:
    """Splits physical `device` into the `logical_devices` (`LogicalDeviceConfiguration`s)
    that `list_logical_devices` then lists, as TF does to give a strategy several CPUs.
    Ops still run on the one torch device: `tf.distribute.MirroredStrategy` runs one
    replica (README). TF refuses a change once its runtime has started; here the
    configuration can change at any time.

    >>> import tftape_torch as tf
    >>> cpu = tf.config.list_physical_devices('CPU')[0]
    >>> tf.config.set_logical_device_configuration(
    ...     cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    >>> len(tf.config.list_logical_devices('CPU'))
    2
    >>> tf.config.set_logical_device_configuration(cpu, None)  # back to one

    Raises:
      ValueError: if `device` is not one of `list_physical_devices()`.
    """
    if device not in list_physical_devices():
        raise ValueError(f"Unrecognized device: {device!r}")
    logical = tuple(logical_devices) if logical_devices else ()
    _state.set_logical_device_configuration(device.name, logical or None)


def get_logical_device_configuration(device: Any) -> Optional[List[Any]]:
    """The configurations `set_logical_device_configuration` gave `device`, or None."""
    logical = _state.logical_device_configuration(device.name)
    return list(logical) if logical else None


def run_functions_eagerly(run_eagerly: bool) -> None:
    """Records the setting; `tf.function` always runs eagerly in tftape_torch anyway."""
    _state.set_run_functions_eagerly(bool(run_eagerly))


def functions_run_eagerly() -> bool:
    """The value last given to `run_functions_eagerly` (False by default, as in TF)."""
    return _state.run_functions_eagerly()


#: TF's deprecated spellings of `run_functions_eagerly` and `functions_run_eagerly`.
experimental_run_functions_eagerly = run_functions_eagerly
experimental_functions_run_eagerly = functions_run_eagerly

_DEVICE_POLICIES = ("silent", "silent_for_int32", "warn", "explicit")


def _gpu_of(device: Any) -> Optional[int]:
    """The CUDA index of a `tf.config.experimental` device argument ('GPU:0', a
    PhysicalDevice...), None for the CPU.

    Raises:
      ValueError: for a device this process does not have (TF's message).
    """
    name = device.name if isinstance(device, (PhysicalDevice, LogicalDevice)) else str(device)
    spec = name.replace("/physical_device:", "/device:")
    placed = parse_device(spec if spec.startswith("/") else "/" + spec)
    kind = spec.rsplit(":", 2)[-2].upper() if spec.count(":") >= 1 else ""
    if kind.endswith("GPU"):
        if placed is None or placed.type != "cuda":
            raise ValueError(f"No matching devices found for '{name}'")
        return placed.index
    return None


class _Experimental:
    """`tf.config.experimental`: the device calls TF scripts make while setting up."""

    list_physical_devices = staticmethod(list_physical_devices)
    list_logical_devices = staticmethod(list_logical_devices)
    get_visible_devices = staticmethod(get_visible_devices)
    set_visible_devices = staticmethod(set_visible_devices)
    VirtualDeviceConfiguration = LogicalDeviceConfiguration
    set_virtual_device_configuration = staticmethod(set_logical_device_configuration)
    get_virtual_device_configuration = staticmethod(get_logical_device_configuration)

    @staticmethod
    def set_memory_growth(device: Any, enable: bool) -> None:
        """Accepted and ignored: torch's caching allocator grows on demand already."""

    @staticmethod
    def get_memory_growth(device: Any) -> bool:
        """Always True: torch allocates GPU memory on demand."""
        return True

    @staticmethod
    def get_memory_info(device: Any) -> Dict[str, int]:
        """`{'current': bytes, 'peak': bytes}` allocated on `device` ('GPU:0'): torch's
        `memory_allocated` and `max_memory_allocated`; the CPU's are not tracked (0,
        as TF reports them by default).

        Raises:
          ValueError: for a GPU this process does not have.
        """
        index = _gpu_of(device)
        if index is None:
            return {"current": 0, "peak": 0}
        return {"current": torch.cuda.memory_allocated(index),
                "peak": torch.cuda.max_memory_allocated(index)}

    @staticmethod
    def get_memory_usage(device: Any) -> int:
        """`get_memory_info(device)['current']` (deprecated in TF)."""
        return _Experimental.get_memory_info(device)["current"]

    @staticmethod
    def reset_memory_stats(device: Any) -> None:
        """Starts `get_memory_info`'s peak over from the current allocation."""
        index = _gpu_of(device)
        if index is not None:
            torch.cuda.reset_peak_memory_stats(index)

    @staticmethod
    def get_device_details(device: Any) -> Dict[str, Any]:
        """A GPU's `device_name` and `compute_capability`; `{}` for the CPU, as in TF."""
        index = _gpu_of(device)
        if index is None:
            return {}
        return {"device_name": torch.cuda.get_device_name(index),
                "compute_capability": torch.cuda.get_device_capability(index)}

    @staticmethod
    def enable_op_determinism() -> None:
        """Makes ops deterministic: torch's `use_deterministic_algorithms(True)` (an op
        without a deterministic kernel then raises), and, as in TF, a random op run
        with neither a global nor an op seed raises `RuntimeError`. On CUDA, torch
        also needs `CUBLAS_WORKSPACE_CONFIG=:4096:8` in the environment before CUDA
        starts."""
        torch.use_deterministic_algorithms(True)
        torch.backends.cudnn.benchmark = False

    @staticmethod
    def enable_tensor_float_32_execution(enabled: bool) -> None:
        """Lets float32 matrix products and convolutions on CUDA round their inputs to
        TensorFloat-32 (torch's `allow_tf32` flags for cuBLAS and cuDNN)."""
        torch.backends.cuda.matmul.allow_tf32 = bool(enabled)
        torch.backends.cudnn.allow_tf32 = bool(enabled)

    @staticmethod
    def tensor_float_32_execution_enabled() -> bool:
        """Whether float32 matrix products may use TensorFloat-32: torch's cuBLAS flag,
        which is False by default (TF's default is True)."""
        return bool(torch.backends.cuda.matmul.allow_tf32)

    @staticmethod
    def get_device_policy() -> Optional[str]:
        """The policy `set_device_policy` recorded (`'silent'` by default, as in TF)."""
        return _state.config_setting("device_policy", "silent")

    @staticmethod
    def set_device_policy(device_policy: Optional[str]) -> None:
        """Records how copies between devices would be policed (`'silent'`, `'warn'`,
        `'explicit'`, `'silent_for_int32'`, None for the default). Torch's own rules
        apply: an op on tensors of two devices raises, whatever the policy.

        Raises:
          ValueError: for another value.
        """
        if device_policy is not None and device_policy not in _DEVICE_POLICIES:
            raise ValueError(
                f"Invalid argument `device_policy`: {device_policy!r}. Please refer to "
                "https://www.tensorflow.org/api_docs/python/tf/config/experimental/"
                "set_device_policy for valid `device_policy` arguments.")
        _state.set_config_setting("device_policy", device_policy or "silent")

    @staticmethod
    def get_synchronous_execution() -> bool:
        """Whether ops finish before they return: True by default, as in TF (CUDA
        kernels run asynchronously either way)."""
        return bool(_state.config_setting("synchronous_execution", True))

    @staticmethod
    def set_synchronous_execution(enable: bool) -> None:
        """Records the setting `get_synchronous_execution` returns."""
        _state.set_config_setting("synchronous_execution", bool(enable))

    @staticmethod
    def enable_mlir_bridge() -> None:
        """Accepted and ignored: there is no TF graph compiler to bridge."""

    @staticmethod
    def disable_mlir_bridge() -> None:
        """Accepted and ignored: there is no TF graph compiler to bridge."""


experimental = _Experimental()


class _Threading:
    """`tf.config.threading`: the CPU thread pools, which are torch's here."""

    @staticmethod
    def get_intra_op_parallelism_threads() -> int:
        """The threads one op may use: torch's `get_num_threads()` (TF says 0 while
        unset, meaning "the system picks")."""
        return torch.get_num_threads()

    @staticmethod
    def set_intra_op_parallelism_threads(num_threads: int) -> None:
        """Sets the threads one op may use (`torch.set_num_threads`); 0 leaves them."""
        if num_threads:
            torch.set_num_threads(int(num_threads))

    @staticmethod
    def get_inter_op_parallelism_threads() -> int:
        """The threads that run independent ops: torch's `get_num_interop_threads()`."""
        return torch.get_num_interop_threads()

    @staticmethod
    def set_inter_op_parallelism_threads(num_threads: int) -> None:
        """Sets the inter-op threads (`torch.set_num_interop_threads`; 0 leaves them).

        Raises:
          RuntimeError: once torch has started inter-op work (as TF raises once its
            runtime is initialized).
        """
        if num_threads:
            torch.set_num_interop_threads(int(num_threads))


threading = _Threading()


class _Optimizer:
    """`tf.config.optimizer`: TF's graph-optimizer (Grappler) and JIT settings. There is
    no Grappler here: the options are recorded and returned, and change nothing;
    `tf.function(jit_compile=True)` is how a function is compiled."""

    @staticmethod
    def get_jit() -> str:
        """`''` (off, TF's default) or the value `set_jit` recorded."""
        return str(_state.config_setting("jit", ""))

    @staticmethod
    def set_jit(enabled: Any) -> None:
        """Records TF's global JIT setting (`True`/`'autoclustering'`: on)."""
        _state.set_config_setting("jit", "autoclustering" if enabled else "")

    @staticmethod
    def get_experimental_options() -> Dict[str, Any]:
        """TF's default options, updated with those `set_experimental_options` gave."""
        options = {"disable_model_pruning": False, "disable_meta_optimizer": False}
        options.update(_state.config_setting("optimizer_options", {}))
        return options

    @staticmethod
    def set_experimental_options(options: Dict[str, Any]) -> None:
        """Records Grappler options (a dict), merged with those set before."""
        merged = dict(_state.config_setting("optimizer_options", {}))
        merged.update(options)
        _state.set_config_setting("optimizer_options", merged)


optimizer = _Optimizer()
