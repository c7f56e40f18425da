"""`tf.test`: TF's test case, gradient checks and build queries.

* `TestCase`: `unittest.TestCase` with TF's assertions on tensors (`_test_case`);
* `compute_gradient`: a function's jacobians by the tape and by central
  differences (`_gradient_checker`);
* `main`: runs the tests of the calling module (`unittest.main`);
* `is_built_with_cuda`, `is_built_with_rocm`, `is_built_with_gpu_support`,
  `is_gpu_available`, `gpu_device_name`: what torch was built with and sees;
  `is_built_with_xla` is True, since `tf.function(jit_compile=True)` compiles.

>>> import tftape_torch as tf
>>> tf.test.gpu_device_name() == ("/device:GPU:0" if tf.test.is_gpu_available() else "")
True
"""

from __future__ import annotations

import sys
import unittest
from typing import Any, List, Optional

import torch

from tftape_torch._gradient_checker import compute_gradient
from tftape_torch._test_case import TestCase

__all__ = [
    "TestCase",
    "compute_gradient",
    "gpu_device_name",
    "is_built_with_cuda",
    "is_built_with_gpu_support",
    "is_built_with_rocm",
    "is_built_with_xla",
    "is_gpu_available",
    "main",
]


def main(argv: Optional[List[str]] = None) -> None:
    """Runs the tests of the `__main__` module and exits with their status."""
    unittest.main(module="__main__", argv=argv if argv is not None else sys.argv)


def is_built_with_cuda() -> bool:
    """Whether torch was built with CUDA."""
    return torch.version.cuda is not None


def is_built_with_rocm() -> bool:
    """Whether torch was built with ROCm."""
    return getattr(torch.version, "hip", None) is not None


def is_built_with_gpu_support() -> bool:
    """Whether torch was built with CUDA or ROCm."""
    return is_built_with_cuda() or is_built_with_rocm()


def is_built_with_xla() -> bool:
    """True: `tf.function(jit_compile=True)` compiles the function (with torch's compiler)."""
    return True


def is_gpu_available(cuda_only: bool = False,
                     min_cuda_compute_capability: Optional[Any] = None) -> bool:
    """Whether a GPU is usable (deprecated: `tf.config.list_physical_devices('GPU')`; TF
    also logs that deprecation once, which this package does not).

    Args:
      cuda_only: only count CUDA GPUs (torch's GPUs are CUDA or ROCm ones).
      min_cuda_compute_capability: a `(major, minor)` pair the GPU must reach.
    """
    if not torch.cuda.is_available():
        return False
    if cuda_only and torch.version.cuda is None:
        return False
    if min_cuda_compute_capability is None:
        return True
    wanted = tuple(min_cuda_compute_capability)
    return any(torch.cuda.get_device_capability(index) >= wanted
               for index in range(torch.cuda.device_count()))


def gpu_device_name() -> str:
    """`'/device:GPU:0'` when a GPU is usable, else `''`."""
    return "/device:GPU:0" if torch.cuda.is_available() else ""
