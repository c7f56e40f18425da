"""TensorFlow's side of the differential fuzz, in a process of its own.

TensorFlow must not enter the pytest process: with a CUDA build of torch (2.14.1 as
pip picks it by default), importing triton after TensorFlow crashes the process
(`import torch; import tensorflow; import triton` segfaults), and torch imports
triton lazily the first time an op reaches `torch._dynamo`. So `tests/test_fuzz.py`
runs TensorFlow here, behind `Oracle`, and only tftape_torch in-process.

Protocol (`python -m tests.fuzz.oracle`, from the repository root): the child prints
``{"tensorflow": version}`` once ready, then for each line ``{"source": program}`` on
stdin it writes one line: the program's canonical answer under real TensorFlow
(`interpreter.run`), as JSON. Programs' own output goes to stderr.
"""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys
from typing import IO, Any, Dict, Optional

from tests.fuzz.generator import Program

__all__ = ["Oracle"]

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent


class Oracle:
    """A running TensorFlow child process that answers programs, one at a time."""

    def __init__(self, timeout: float = 300.0) -> None:
        env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "tests.fuzz.oracle"],
            cwd=str(ROOT),
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        ready = self._read()
        self.version: str = ready["tensorflow"]

    def _read(self) -> Dict[str, Any]:
        assert self._proc.stdout is not None
        line = self._proc.stdout.readline()
        if not line:
            code = self._proc.wait(timeout=30)
            raise RuntimeError(f"the TensorFlow oracle process exited (code {code})")
        answer: Dict[str, Any] = json.loads(line)
        return answer

    def run(self, program: Program) -> Dict[str, Any]:
        """`interpreter.run(program, tensorflow)`, in the child."""
        assert self._proc.stdin is not None
        self._proc.stdin.write(json.dumps({"source": program.source}) + "\n")
        self._proc.stdin.flush()
        return self._read()

    def close(self) -> None:
        if self._proc.poll() is None:
            assert self._proc.stdin is not None
            self._proc.stdin.close()
            try:
                self._proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()


def serve(requests: IO[str], replies: IO[str]) -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")  # (NOTE at `record.ONEDNN`)
    import tensorflow as tf

    from tests.fuzz import interpreter

    replies.write(json.dumps({"tensorflow": tf.__version__}) + "\n")
    replies.flush()
    for line in requests:
        request = json.loads(line)
        answer = interpreter.run(Program(request["source"], ()), tf)
        replies.write(json.dumps(answer) + "\n")
        replies.flush()


def main(argv: Optional[list] = None) -> int:
    replies = sys.stdout
    sys.stdout = sys.stderr  # anything else printed must not corrupt the protocol
    serve(sys.stdin, replies)
    return 0


if __name__ == "__main__":
    sys.exit(main())
