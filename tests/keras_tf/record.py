"""Record real TF's answers to the Keras programs into `golden.json`.

Run from the repository root (TensorFlow runs here, never in the pytest process)::

    python -m tests.keras_tf.record
"""

from __future__ import annotations

import json
import os
import pathlib
import sys

GOLDEN = pathlib.Path(__file__).resolve().parent / "golden.json"


def main() -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ["KERAS_BACKEND"] = "tensorflow"
    import tensorflow as tf

    from tests.keras_tf.programs import PROGRAMS, run

    answers = {"_versions": {"tensorflow": tf.__version__, "keras": tf.keras.__version__}}
    for name, fn in PROGRAMS.items():
        tf.keras.backend.clear_session()
        answers[name] = run(fn, tf)
    GOLDEN.write_text(json.dumps(answers, indent=1, sort_keys=True) + "\n")
    print(f"wrote {GOLDEN}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
