"""TensorFlow's exception classes, as `tf.errors`.

The drop-in ops raise these where TensorFlow does: a dtype mismatch between two
tensors, a bad shape, an invalid axis raise `InvalidArgumentError`, exactly the
class a TF user's `except tf.errors.InvalidArgumentError:` expects. Like TF's, every
class derives from `OpError`, which derives from `Exception` (not `RuntimeError`).

>>> import tftape_torch as tf
>>> try:
...     tf.constant(1.0) + tf.constant(1.0, dtype=tf.float64)
... except tf.errors.InvalidArgumentError as e:
...     print(type(e).__name__, e.error_code == tf.errors.INVALID_ARGUMENT)
InvalidArgumentError True
"""

from __future__ import annotations

from typing import Any, Dict, Optional

__all__ = [
    "ABORTED",
    "ALREADY_EXISTS",
    "CANCELLED",
    "DATA_LOSS",
    "DEADLINE_EXCEEDED",
    "FAILED_PRECONDITION",
    "INTERNAL",
    "INVALID_ARGUMENT",
    "NOT_FOUND",
    "OK",
    "OUT_OF_RANGE",
    "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED",
    "UNAUTHENTICATED",
    "UNAVAILABLE",
    "UNIMPLEMENTED",
    "UNKNOWN",
    "AbortedError",
    "AlreadyExistsError",
    "CancelledError",
    "DataLossError",
    "DeadlineExceededError",
    "FailedPreconditionError",
    "InternalError",
    "InvalidArgumentError",
    "NotFoundError",
    "OpError",
    "OutOfRangeError",
    "PermissionDeniedError",
    "ResourceExhaustedError",
    "UnauthenticatedError",
    "UnavailableError",
    "UnimplementedError",
    "UnknownError",
]

# The canonical error codes (tensorflow/core/protobuf/error_codes.proto).
OK = 0
CANCELLED = 1
UNKNOWN = 2
INVALID_ARGUMENT = 3
DEADLINE_EXCEEDED = 4
NOT_FOUND = 5
ALREADY_EXISTS = 6
PERMISSION_DENIED = 7
RESOURCE_EXHAUSTED = 8
FAILED_PRECONDITION = 9
ABORTED = 10
OUT_OF_RANGE = 11
UNIMPLEMENTED = 12
INTERNAL = 13
UNAVAILABLE = 14
DATA_LOSS = 15
UNAUTHENTICATED = 16


class OpError(Exception):
    """The base class of the errors an op raises when it fails.

    >>> import tftape_torch as tf
    >>> e = tf.errors.OpError(None, None, "something broke", tf.errors.UNKNOWN)
    >>> str(e), e.message, e.error_code
    ('something broke', 'something broke', 2)

    Args:
      node_def: the node that failed (always `None` here: there are no graphs).
      op: the op that failed, or `None`.
      message: what went wrong.
      error_code: one of the codes in `tf.errors` (`INVALID_ARGUMENT`, ...).
    """

    def __init__(
        self, node_def: Any, op: Any, message: str, error_code: Optional[int] = None, *args: Any
    ) -> None:
        super().__init__()
        self._node_def = node_def
        self._op = op
        self._message = message
        self._error_code = error_code
        self._experimental_payloads: Dict[bytes, bytes] = {}

    def __reduce__(self) -> Any:
        if type(self) is OpError:
            return OpError, (self._node_def, self._op, self._message, self._error_code)
        return type(self), (self._node_def, self._op, self._message)

    @property
    def message(self) -> str:
        """The error message that describes the error."""
        return self._message

    @property
    def op(self) -> Any:
        """The op that failed, or `None`."""
        return self._op

    @property
    def error_code(self) -> Optional[int]:
        """The integer error code that describes the error."""
        return self._error_code

    @property
    def node_def(self) -> Any:
        """The node that failed (always `None`: eager execution has no graph)."""
        return self._node_def

    @property
    def experimental_payloads(self) -> Dict[bytes, bytes]:
        """Extra details attached to the error (always empty here)."""
        return self._experimental_payloads

    def __str__(self) -> str:
        return self._message


class CancelledError(OpError):
    """Raised when an operation is cancelled."""

    def __init__(self, node_def: Any, op: Any, message: str, *args: Any) -> None:
        super().__init__(node_def, op, message, CANCELLED, *args)


class UnknownError(OpError):
    """Unknown error."""

    def __init__(self, node_def: Any, op: Any, message: str, *args: Any) -> None:
        super().__init__(node_def, op, message, UNKNOWN, *args)


class InvalidArgumentError(OpError):
    """Raised when an operation receives an invalid argument (dtype, shape, axis, value)."""

    def __init__(self, node_def: Any, op: Any, message: str, *args: Any) -> None:
        super().__init__(node_def, op, message, INVALID_ARGUMENT, *args)


class DeadlineExceededError(OpError):
    """Raised when a deadline expires before an operation completes."""

    def __init__(self, node_def: Any, op: Any, message: str, *args: Any) -> None:
        super().__init__(node_def, op, message, DEADLINE_EXCEEDED, *args)


class NotFoundError(OpError):
    """Raised when a requested entity (a file, a device) is not found."""

    def __init__(self, node_def: Any, op: Any, message: str, *args: Any) -> None:
        super().__init__(node_def, op, message, NOT_FOUND, *args)


class AlreadyExistsError(OpError):
    """Raised when an entity that we tried to create already exists."""

    def __init__(self, node_def: Any, op: Any, message: str, *args: Any) -> None:
        super().__init__(node_def, op, message, ALREADY_EXISTS, *args)


class PermissionDeniedError(OpError):
    """Raised when the caller may not run an operation."""

    def __init__(self, node_def: Any, op: Any, message: str, *args: Any) -> None:
        super().__init__(node_def, op, message, PERMISSION_DENIED, *args)


class ResourceExhaustedError(OpError):
    """Raised when some resource (memory, for one) runs out."""

    def __init__(self, node_def: Any, op: Any, message: str, *args: Any) -> None:
        super().__init__(node_def, op, message, RESOURCE_EXHAUSTED, *args)


class FailedPreconditionError(OpError):
    """Raised when the system is not in a state to run an operation."""

    def __init__(self, node_def: Any, op: Any, message: str, *args: Any) -> None:
        super().__init__(node_def, op, message, FAILED_PRECONDITION, *args)


class AbortedError(OpError):
    """Raised when an operation was aborted."""

    def __init__(self, node_def: Any, op: Any, message: str, *args: Any) -> None:
        super().__init__(node_def, op, message, ABORTED, *args)


class OutOfRangeError(OpError):
    """Raised when an operation iterates past the valid range."""

    def __init__(self, node_def: Any, op: Any, message: str, *args: Any) -> None:
        super().__init__(node_def, op, message, OUT_OF_RANGE, *args)


class UnimplementedError(OpError):
    """Raised when an operation has not been implemented."""

    def __init__(self, node_def: Any, op: Any, message: str, *args: Any) -> None:
        super().__init__(node_def, op, message, UNIMPLEMENTED, *args)


class InternalError(OpError):
    """Raised when the system hits an internal error."""

    def __init__(self, node_def: Any, op: Any, message: str, *args: Any) -> None:
        super().__init__(node_def, op, message, INTERNAL, *args)


class UnavailableError(OpError):
    """Raised when the runtime is currently unavailable."""

    def __init__(self, node_def: Any, op: Any, message: str, *args: Any) -> None:
        super().__init__(node_def, op, message, UNAVAILABLE, *args)


class DataLossError(OpError):
    """Raised when unrecoverable data loss or corruption occurs."""

    def __init__(self, node_def: Any, op: Any, message: str, *args: Any) -> None:
        super().__init__(node_def, op, message, DATA_LOSS, *args)


class UnauthenticatedError(OpError):
    """Raised when the request lacks valid credentials."""

    def __init__(self, node_def: Any, op: Any, message: str, *args: Any) -> None:
        super().__init__(node_def, op, message, UNAUTHENTICATED, *args)
