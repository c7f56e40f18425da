"""`tf.config`: the devices this process can place tensors on.

>>> import tftape_torch as tf
>>> tf.config.list_physical_devices('CPU')
[PhysicalDevice(name='/physical_device:CPU:0', device_type='CPU')]
"""

from __future__ import annotations

import collections
from typing import Any, List, Optional

import torch

from tftape_torch import _state

__all__ = [
    "LogicalDevice",
    "LogicalDeviceConfiguration",
    "PhysicalDevice",
    "experimental",
    "functions_run_eagerly",
    "get_logical_device_configuration",
    "list_logical_devices",
    "list_physical_devices",
    "run_functions_eagerly",
    "set_logical_device_configuration",
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
    found = []
    for device in list_physical_devices(device_type):
        name = device.name.replace("/physical_device:", "/device:")
        count = len(_state.logical_device_configuration(device.name) or (None,))
        base, index = name.rsplit(":", 1)
        found += [LogicalDevice(f"{base}:{int(index) + i}", device.device_type)
                  for i in range(count)]
    return found


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


class _Experimental:
    """`tf.config.experimental`: the device calls TF scripts make while setting up."""

    list_physical_devices = staticmethod(list_physical_devices)
    list_logical_devices = staticmethod(list_logical_devices)
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
