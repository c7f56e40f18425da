"""Record real TF's answers to the tape programs into `golden_tape.json`.

Run from the repository root (TensorFlow runs here, never in the pytest process)::

    python -m tests.keras_tf.record_tape
"""

from __future__ import annotations

import json
import math
import os
import pathlib
import sys
from typing import Any

GOLDEN = pathlib.Path(__file__).resolve().parent / "golden_tape.json"


def finite(value: Any) -> Any:
    """NaN and infinities as strings (JSON has none); floats to float32's 8 digits."""
    if isinstance(value, float):
        return float(f"{value:.8g}") if math.isfinite(value) else str(value)
    if isinstance(value, dict):
        return {key: finite(item) for key, item in value.items()}
    if isinstance(value, list):
        return [finite(item) for item in value]
    return value


def main() -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ["KERAS_BACKEND"] = "tensorflow"
    import tensorflow as tf

    from tests.keras_tf.programs_tape import PROGRAMS, run

    answers = {"_versions": {"tensorflow": tf.__version__, "keras": tf.keras.__version__}}
    for name, fn in PROGRAMS.items():
        tf.keras.backend.clear_session()
        tf.keras.utils.set_random_seed(0)
        answers[name] = finite(run(fn, tf))
    GOLDEN.write_text(json.dumps(answers, sort_keys=True, separators=(",", ":")) + "\n")
    print(f"wrote {GOLDEN}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
