"""Record real TF's answers to the Keras programs into `golden.json`.

Run from the repository root (TensorFlow runs here, never in the pytest process)::

    python -m tests.keras_tf.record
"""

from __future__ import annotations

import importlib
import json
import os
import pathlib
import sys
from typing import Any, Callable

GOLDEN = pathlib.Path(__file__).resolve().parent / "golden.json"


def record(programs: str, golden: pathlib.Path, seeded: bool = False,
           post: Callable[[Any], Any] = lambda answer: answer, compact: bool = False) -> int:
    """Run every program of module `programs` under real TF (Keras on TF) and write
    the answers (through `post`) into `golden`; `seeded` seeds Keras before each."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ["KERAS_BACKEND"] = "tensorflow"
    import tensorflow as tf

    module = importlib.import_module(programs)
    answers = {"_versions": {"tensorflow": tf.__version__, "keras": tf.keras.__version__}}
    for name, fn in module.PROGRAMS.items():
        tf.keras.backend.clear_session()
        if seeded:
            tf.keras.utils.set_random_seed(0)
        answers[name] = post(module.run(fn, tf))
    text = (json.dumps(answers, sort_keys=True, separators=(",", ":")) if compact
            else json.dumps(answers, indent=1, sort_keys=True))
    golden.write_text(text + "\n")
    print(f"wrote {golden}")
    return 0


def main() -> int:
    return record("tests.keras_tf.programs", GOLDEN)


if __name__ == "__main__":
    sys.exit(main())
