"""Record the public names of TensorFlow's modules, for `tests/test_tf_names.py`.

Run once with the TensorFlow the package targets (2.21), from the repository root:

    TF_CPP_MIN_LOG_LEVEL=3 python tests/tf_names/record.py

It writes `tests/tf_names/tensorflow_2_21.json`:

    {"recorded_with": {"tensorflow": "2.21.0", "keras": "..."},
     "modules": {"tf": [...], "tf.math": [...], "tf.math.special": [...], ...}}

Each list is the sorted `dir()` of that TF module without names that start with an
underscore. The modules are `ROOTS` plus, for every root except `tf` and `tf.keras`,
its public submodules, recursively (`tf.config.experimental`, `tf.math.special`...).
`tf.keras` is recorded at its top level only. The output is deterministic: sorted
keys, sorted lists, fixed indentation, a trailing newline.

The test reads the JSON and never imports TensorFlow.
"""

from __future__ import annotations

import json
import os
import pathlib
import sys
import types
from typing import Any, Dict, List

EXPECTED_TF = "2.21"
OUT = pathlib.Path(__file__).resolve().parent / "tensorflow_2_21.json"

# TF modules whose names the package may mirror. Ones this TF lacks are skipped.
ROOTS = [
    "tf",
    "tf.autodiff",
    "tf.autograph",
    "tf.bitwise",
    "tf.config",
    "tf.data",
    "tf.debugging",
    "tf.distribute",
    "tf.dtypes",
    "tf.errors",
    "tf.experimental",
    "tf.image",
    "tf.io",
    "tf.keras",
    "tf.linalg",
    "tf.math",
    "tf.nest",
    "tf.nn",
    "tf.random",
    "tf.saved_model",
    "tf.signal",
    "tf.sparse",
    "tf.strings",
    "tf.summary",
    "tf.test",
    "tf.train",
    "tf.types",
    "tf.types.experimental",
    "tf.version",
]

# Recorded at their top level only (`tf` itself would pull in every TF module;
# `tf.keras` is a lazy loader over the separate Keras package).
TOP_LEVEL_ONLY = {"tf", "tf.keras"}


def public_names(obj: Any) -> List[str]:
    return sorted(name for name in dir(obj) if not name.startswith("_"))


def lookup(tf: Any, path: str) -> Any:
    obj = tf
    for part in path.split(".")[1:]:
        obj = getattr(obj, part)
    return obj


def record(tf: Any) -> Dict[str, List[str]]:
    modules: Dict[str, List[str]] = {}

    def visit(path: str, obj: Any) -> None:
        if path in modules:
            return
        modules[path] = public_names(obj)
        if path in TOP_LEVEL_ONLY:
            return
        for name in modules[path]:
            child = getattr(obj, name, None)
            if isinstance(child, types.ModuleType) and child.__name__.startswith("tensorflow"):
                visit(f"{path}.{name}", child)

    for path in ROOTS:
        try:
            obj = lookup(tf, path)
        except AttributeError:
            print(f"skipped {path}: not in this TensorFlow", file=sys.stderr)
            continue
        visit(path, obj)
    return modules


def main() -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow as tf

    if not tf.__version__.startswith(EXPECTED_TF + "."):
        print(f"expected TensorFlow {EXPECTED_TF}.x, got {tf.__version__}", file=sys.stderr)
        return 1
    try:
        import keras

        keras_version = str(keras.__version__)
    except ImportError:  # pragma: no cover - TF 2.21 depends on Keras
        keras_version = "not installed"

    data = {
        "recorded_with": {"tensorflow": tf.__version__, "keras": keras_version},
        "modules": record(tf),
    }
    OUT.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
    counts = ", ".join(f"{k} {len(v)}" for k, v in sorted(data["modules"].items()))
    print(f"wrote {OUT.name}: {len(data['modules'])} modules ({counts})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
