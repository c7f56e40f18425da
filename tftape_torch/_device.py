"""`tf.device(...)`: the device the drop-in constructors place new tensors on.

TF device strings map onto torch devices: `'/GPU:0'` (or `'/device:GPU:0'`, `'gpu'`,
`'/job:localhost/replica:0/task:0/device:GPU:0'`) is `cuda:0`, `'/CPU:0'` is the CPU.
As in TF (soft device placement), a GPU that is not there, or any other device type
TF knows (TPU, ...), falls back to the CPU; a string TF cannot parse raises TF's
`ValueError`. The default, outside any `tf.device` block, is the CPU (TF would pick
GPU:0 when one is present; torch code expects CPU tensors).

The setting is per thread, like TF's device scopes, and only decides where
*constructors* (`tf.constant`, `tf.ones`, `tf.random.normal`, ...) put new tensors;
ops follow their inputs, as torch does.

>>> import tftape_torch as tf
>>> with tf.device('/CPU:0'):
...     x = tf.constant([1.0, 2.0])
>>> x.device
device(type='cpu')
"""

from __future__ import annotations

import contextlib
from typing import Iterator, Optional, Tuple

import torch

from tftape_torch import _state

__all__ = ["canonical_device_name", "current_device", "device", "parse_device"]

# Device types TF's DeviceSpec accepts in the short '/TYPE:N' form.
_VALID_TYPES = frozenset({"CPU", "GPU", "TPU", "EPU", "CUSTOM"})

_CPU = torch.device("cpu")




def _parse(spec: str) -> Tuple[Optional[str], Optional[int]]:
    """(device type, index) of a TF device string, as TF's `DeviceSpec` parses it."""
    device_type: Optional[str] = None
    index: Optional[int] = None
    for part in spec.split("/"):
        fields = part.split(":")
        count = len(fields)
        if count == 2 and fields[0] in ("job", "replica", "task"):
            continue
        if count in (1, 2) and fields[0].upper() in _VALID_TYPES:
            if device_type is not None:
                raise ValueError(
                    "Multiple device types are not allowed while parsing the device spec: "
                    f"{spec}."
                )
            device_type = fields[0].upper()
            if count == 2 and fields[1] != "*":
                index = int(fields[1])
        elif count == 3 and fields[0] == "device":
            if device_type is not None:
                raise ValueError(
                    "Multiple device types are not allowed while parsing the device spec: "
                    f"{spec}."
                )
            device_type = fields[1]
            if fields[2] != "*":
                index = int(fields[2])
        elif fields[0] != "":
            raise ValueError(
                f"Unknown attribute '{fields[0]}' is encountered while parsing the device "
                f"spec: '{spec}'."
            )
    return device_type, index


def canonical_device_name(spec: Optional[str]) -> str:
    """A TF device string in TF's canonical form (`pydev.canonical_name`).

    >>> canonical_device_name('/GPU:0'), canonical_device_name('cpu:0')
    ('/device:GPU:0', '/device:CPU:0')
    """
    if not spec:
        return ""
    placement = "".join(
        f"/{part}" for part in spec.split("/")
        if part.split(":")[0] in ("job", "replica", "task") and part.count(":") == 1)
    device_type, index = _parse(spec)
    if device_type is None:
        return placement
    if device_type.upper() in _VALID_TYPES:
        device_type = device_type.upper()
    return f"{placement}/device:{device_type}:{'*' if index is None else index}"


def parse_device(spec: Optional[str]) -> Optional[torch.device]:
    """The torch device a TF device string places tensors on (`None`: no preference).

    >>> parse_device('/CPU:0')
    device(type='cpu')
    >>> parse_device('')  # an empty spec leaves the placement alone
    >>> parse_device('/XYZ:0')
    Traceback (most recent call last):
    ...
    ValueError: Unknown attribute 'XYZ' is encountered while parsing the device spec: '/XYZ:0'.
    """
    if spec is None:
        return None
    if isinstance(spec, torch.device):
        return spec
    if not isinstance(spec, str):
        raise TypeError(f"`device_name` must be a string, got {type(spec).__name__}: {spec!r}")
    device_type, index = _parse(spec)
    if device_type is None:
        return None
    if device_type.upper() == "GPU" and torch.cuda.is_available():
        wanted = 0 if index is None else index
        # `tf.config.set_visible_devices` renumbers the GPUs it leaves visible.
        visible = _state.config_setting("visible_gpus")
        gpus = range(torch.cuda.device_count()) if visible is None else visible
        if wanted < len(gpus):
            return torch.device("cuda", gpus[wanted])
    return _CPU


def current_device() -> Optional[torch.device]:
    """The device new tensors go to in this thread, or `None` for torch's default."""
    stack = _state.THREAD.devices
    return stack[-1] if stack else None


@contextlib.contextmanager
def device(device_name: Optional[str]) -> Iterator[None]:
    """Places the tensors the drop-in constructors create inside the block.

    >>> import tftape_torch as tf
    >>> with tf.device('/GPU:0'):  # the CPU where no GPU is present, as in TF
    ...     x = tf.ones((2,))
    >>> x.device.type in ('cuda', 'cpu')
    True

    Args:
      device_name: a TF device string such as `'/CPU:0'` or `'/GPU:0'`; `None` or
        `''` keep the enclosing placement.

    Raises:
      ValueError: if `device_name` is not a device string TF can parse.
    """
    parsed = parse_device(device_name)
    _state.push_device(parsed if parsed is not None else current_device())
    try:
        yield
    finally:
        _state.pop_device()
