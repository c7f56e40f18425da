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
    "PhysicalDevice",
    "experimental",
    "functions_run_eagerly",
    "list_logical_devices",
    "list_physical_devices",
    "run_functions_eagerly",
    "threading",
]

#: A physical device (`name`, `device_type`), as TF describes it.
PhysicalDevice = collections.namedtuple("PhysicalDevice", ["name", "device_type"])
PhysicalDevice.__module__ = "tftape_torch.config"

LogicalDevice = collections.namedtuple("LogicalDevice", ["name", "device_type"])
LogicalDevice.__module__ = "tftape_torch.config"




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
    """The devices ops can run on (one per physical device here)."""
    return [
        LogicalDevice(d.name.replace("/physical_device:", "/device:"), d.device_type)
        for d in list_physical_devices(device_type)
    ]


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
