"""The drop-in tensor type: a `torch.Tensor` that prints, converts and promotes like TF's.

Tensors made through the drop-in namespace (`tf.constant`, `tf.ones`, ...) are
`EagerTensor`s. They are still `torch.Tensor`s, so every torch function accepts them,
and ops on them return `EagerTensor`s again. Plain torch tensors never pass through
here: users of the core API pay nothing per op.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, Optional, Sequence

import torch

__all__ = ["EagerTensor", "as_eager", "wrap_outputs"]

_DisableSubclass = torch._C.DisableTorchFunctionSubclass


def as_eager(tensor: torch.Tensor) -> torch.Tensor:
    """View `tensor` as an `EagerTensor` (same storage, same autograd history)."""
    if type(tensor) is torch.Tensor:
        return tensor.as_subclass(EagerTensor)
    return tensor


def wrap_outputs(out: Any) -> Any:
    """Turn every plain tensor in an op's result into an `EagerTensor`."""
    if type(out) is torch.Tensor:
        return out.as_subclass(EagerTensor)
    if type(out) in (tuple, list):
        return type(out)(wrap_outputs(item) for item in out)
    return out


class EagerTensor(torch.Tensor):
    """A `torch.Tensor` with TensorFlow's face (printing, `.numpy()`, dtype rules)."""

    @classmethod
    def __torch_function__(
        cls,
        func: Callable[..., Any],
        types: Sequence[type],
        args: Sequence[Any] = (),
        kwargs: Optional[Dict[str, Any]] = None,
    ) -> Any:
        with _DisableSubclass():
            out = func(*args, **(kwargs or {}))
        return wrap_outputs(out)

    def numpy(self, *, force: bool = False) -> Any:  # type: ignore[override]
        """The value as a NumPy array, also for tensors on CUDA or carrying a graph."""
        with _DisableSubclass():
            return torch.Tensor.numpy(self.detach().cpu())
