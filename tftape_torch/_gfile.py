"""`tf.io.gfile`: TF's file API, on the local file system.

TF training scripts create checkpoint directories, list data files and read small
text files through `tf.io.gfile`; here the same calls run on Python's `os`,
`shutil` and `glob`, and raise TF's exceptions (`tf.errors.NotFoundError`,
`AlreadyExistsError`, ...) with TF's messages. Only local paths are served (TF's
`gs://` and `ram://` file systems are not).

`GFile` opens its file on first use, as TF's does: `GFile("missing.txt")` succeeds
and its first `read()` raises `NotFoundError`.

>>> import os, tempfile
>>> import tftape_torch as tf
>>> root = tempfile.mkdtemp()
>>> tf.io.gfile.makedirs(os.path.join(root, "ckpt", "run1"))
>>> with tf.io.gfile.GFile(os.path.join(root, "ckpt", "notes.txt"), "w") as f:
...     f.write("step 1\\n")
>>> sorted(tf.io.gfile.listdir(os.path.join(root, "ckpt")))
['notes.txt', 'run1']
>>> tf.io.gfile.exists(os.path.join(root, "nothing"))
False
"""

from __future__ import annotations

import collections
import glob as _glob
import os
import shutil
from typing import IO, Any, Iterator, List, Optional, Tuple

from tftape_torch.errors import (
    AlreadyExistsError,
    FailedPreconditionError,
    InvalidArgumentError,
    NotFoundError,
    OpError,
    PermissionDeniedError,
)

__all__ = [
    "GFile",
    "copy",
    "exists",
    "get_registered_schemes",
    "glob",
    "isdir",
    "join",
    "listdir",
    "makedirs",
    "mkdir",
    "remove",
    "rename",
    "rmtree",
    "stat",
    "walk",
]

_MODES = ("r", "w", "a", "r+", "w+", "a+")

#: What `stat` returns: the length in bytes, the modification time in nanoseconds,
#: and whether the path is a directory.
FileStatistics = collections.namedtuple("FileStatistics", ["length", "mtime_nsec", "is_directory"])


def _os_error(path: str, error: OSError) -> OpError:
    """TF's exception for an `OSError` on `path`."""
    if isinstance(error, FileNotFoundError):
        return NotFoundError(None, None, f"{path}; No such file or directory")
    if isinstance(error, FileExistsError):
        return AlreadyExistsError(None, None, f"{path}; File exists")
    if isinstance(error, PermissionError):
        return PermissionDeniedError(None, None, f"{path}; Permission denied")
    if isinstance(error, IsADirectoryError):
        return FailedPreconditionError(None, None, f"{path}; Is a directory")
    return FailedPreconditionError(None, None, f"{path}; {error.strerror or error}")


class GFile:
    """A file, opened on first use; text mode reads and writes `str`, `"b"` modes
    `bytes`. A context manager and an iterator over lines.

    Raises:
      InvalidArgumentError: for a mode other than r, w, a, r+, w+, a+ (with an
        optional `b`).
      NotFoundError: on first use, for a missing file or directory.
    """

    def __init__(self, name: Any, mode: str = "r") -> None:
        if mode.replace("b", "") not in _MODES:
            raise InvalidArgumentError(
                None, None, "mode is not 'r' or 'w' or 'a' or 'r+' or 'w+' or 'a+'")
        self.__name = os.fspath(name)
        self.__mode = mode
        self.__file: Optional[IO[Any]] = None

    @property
    def name(self) -> str:
        """The path the file was opened with."""
        return self.__name

    @property
    def mode(self) -> str:
        """The mode the file was opened with."""
        return self.__mode

    def _opened(self) -> IO[Any]:
        if self.__file is None:
            try:
                self.__file = open(self.__name, self.__mode)  # noqa: SIM115 - kept open
            except OSError as error:
                raise _os_error(self.__name, error) from None
        return self.__file

    def read(self, n: int = -1) -> Any:
        """Up to `n` characters (bytes in binary mode), or the rest of the file."""
        return self._opened().read(n)

    def readline(self) -> Any:
        """The next line, with its newline."""
        return self._opened().readline()

    def readlines(self) -> List[Any]:
        """The remaining lines."""
        return self._opened().readlines()

    def write(self, file_content: Any) -> None:
        """Writes `file_content` (`str`, or `bytes` in binary mode)."""
        self._opened().write(file_content)

    def flush(self) -> None:
        """Writes what is buffered to the file."""
        if self.__file is not None:
            self.__file.flush()

    def close(self) -> None:
        """Flushes and closes the file."""
        if self.__file is not None:
            self.__file.close()
            self.__file = None

    def seek(self, offset: Optional[int] = None, whence: int = 0,
             position: Optional[int] = None) -> None:
        """Moves to `offset` from `whence` (0: start, 1: here, 2: end); `position` is
        TF's older name of `offset`."""
        target = position if offset is None else offset
        self._opened().seek(0 if target is None else target, whence)

    def tell(self) -> int:
        """The current position."""
        return self._opened().tell()

    def size(self) -> int:
        """The file's size in bytes."""
        return stat(self.__name).length

    def seekable(self) -> bool:
        """True: local files can seek."""
        return True

    def __iter__(self) -> Iterator[Any]:
        return self

    def __next__(self) -> Any:
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    def __enter__(self) -> GFile:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()


def exists(path: Any) -> bool:
    """Whether `path` exists."""
    return os.path.exists(path)


def isdir(path: Any) -> bool:
    """Whether `path` is a directory."""
    return os.path.isdir(path)


def makedirs(path: Any) -> None:
    """Creates `path` and every missing parent; an existing directory is fine."""
    try:
        os.makedirs(path, exist_ok=True)
    except OSError as error:
        raise _os_error(os.fspath(path), error) from None


def mkdir(path: Any) -> None:
    """Creates directory `path`, whose parent must exist (an existing one is fine)."""
    if os.path.isdir(path):
        return
    try:
        os.mkdir(path)
    except OSError as error:
        raise _os_error(os.fspath(path), error) from None


def listdir(path: Any) -> List[str]:
    """The names of the entries of directory `path`.

    Raises:
      NotFoundError: if `path` is not a directory.
    """
    if not os.path.isdir(path):
        raise NotFoundError(None, None, f"Could not find directory {os.fspath(path)}")
    return os.listdir(path)


def glob(pattern: Any) -> List[str]:
    """The paths matching `pattern` (`*`, `?`, `[...]`), or patterns in a list."""
    patterns = [pattern] if isinstance(pattern, (str, bytes, os.PathLike)) else list(pattern)
    found: List[str] = []
    for item in patterns:
        found += _glob.glob(os.fsdecode(item))
    return found


def remove(path: Any) -> None:
    """Deletes file `path`.

    Raises:
      NotFoundError: if there is no such file.
    """
    try:
        os.remove(path)
    except OSError as error:
        raise _os_error(os.fspath(path), error) from None


def rmtree(path: Any) -> None:
    """Deletes directory `path` and everything in it.

    Raises:
      NotFoundError: if there is no such directory.
    """
    if not os.path.exists(path):
        raise NotFoundError(None, None, f"{os.fspath(path)} not found")
    shutil.rmtree(path)


def _transfer(action: Any, src: Any, dst: Any, overwrite: bool) -> None:
    """`action(src, dst)` (a copy or a move), refusing an existing `dst` unless
    `overwrite`, as TF does."""
    if not overwrite and os.path.exists(dst):
        raise AlreadyExistsError(None, None, "file already exists")
    try:
        action(src, dst)
    except OSError as error:
        raise _os_error(os.fspath(src), error) from None


def copy(src: Any, dst: Any, overwrite: bool = False) -> None:
    """Copies file `src` to `dst`.

    Raises:
      AlreadyExistsError: if `dst` exists and `overwrite` is False.
      NotFoundError: if `src` does not exist.
    """
    _transfer(shutil.copyfile, src, dst, overwrite)


def rename(src: Any, dst: Any, overwrite: bool = False) -> None:
    """Moves `src` to `dst`.

    Raises:
      AlreadyExistsError: if `dst` exists and `overwrite` is False.
      NotFoundError: if `src` does not exist.
    """
    _transfer(os.replace, src, dst, overwrite)


def stat(path: Any) -> Any:
    """`FileStatistics(length, mtime_nsec, is_directory)` of `path`.

    Raises:
      NotFoundError: if there is no such path.
    """
    try:
        info = os.stat(path)
    except OSError as error:
        raise _os_error(os.fspath(path), error) from None
    return FileStatistics(info.st_size, info.st_mtime_ns, os.path.isdir(path))


def walk(top: Any, topdown: bool = True,
         onerror: Any = None) -> Iterator[Tuple[str, List[str], List[str]]]:
    """`(directory, subdirectories, files)` for `top` and every directory below it."""
    yield from os.walk(top, topdown=topdown, onerror=onerror)


def join(path: Any, *paths: Any) -> str:
    """The path components joined (`os.path.join`'s rule: an absolute one restarts)."""
    return os.path.join(path, *paths)


def get_registered_schemes() -> List[str]:
    """The URL schemes paths may use: only local ones here (`''` and `file`)."""
    return ["file", ""]
