"""Record real TF's answers to the tape programs into `golden_tape.json`.

Run from the repository root (TensorFlow runs here, never in the pytest process)::

    python -m tests.keras_tf.record_tape
"""

from __future__ import annotations

import math
import pathlib
import sys
from typing import Any

from tests.keras_tf.record import record

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
    return record("tests.keras_tf.programs_tape", GOLDEN, seeded=True, post=finite,
                  compact=True)


if __name__ == "__main__":
    sys.exit(main())
