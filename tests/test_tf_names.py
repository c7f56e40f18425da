"""The drop-in namespace only exports names TensorFlow 2.21 has, under the same module.

`tests/tf_names/tensorflow_2_21.json` lists the public names of TF's modules
(`tf`, `tf.math`, `tf.config.experimental`, ...), recorded once with real TF by
`tests/tf_names/record.py`. For every TF module in that list that the package also
has (`tftape_torch`, `tftape_torch.math`, ...), each public name the package
exports there must exist in TF's module of the same name, unless `OURS_ONLY` below
names it with a reason. What a module exports is its `__all__`: a public module
without `__all__` fails, since helpers it imports (`torch`, `Optional`...) would
otherwise read as exports. Namespace objects that are not modules
(`tf.config.experimental` is an instance) export their public attributes.

Every public module of the package (a dotted path with no underscored part) must
also have a TF counterpart in the list. This file never imports TensorFlow.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import pathlib
import pkgutil
import types
from typing import Any, Dict, List, Optional, Tuple

import pytest

import tftape_torch

NAMES_FILE = pathlib.Path(__file__).resolve().parent / "tf_names" / "tensorflow_2_21.json"
TF_MODULES: Dict[str, List[str]] = json.loads(NAMES_FILE.read_text())["modules"]

# (TF module, name) -> why the package exports a name TF 2.21 does not have there.
OURS_ONLY: Dict[Tuple[str, str], str] = {
    ("tf.distribute", "all_reduce_gradients"): (
        "the tape user's stand-in for a distribution strategy's gradient all-reduce "
        "(DDP hooks never see tape gradients); kept deliberately, see distribute.py"
    ),
}


def ours(tf_path: str) -> str:
    """`tf.math` -> `tftape_torch.math`."""
    return "tftape_torch" + tf_path[len("tf"):]


def lookup(tf_path: str) -> Optional[Any]:
    """The package's object for a TF module path, or None where the package has none.

    A step counts when it reaches a submodule of that dotted name (`tftape_torch.math`)
    or a name the parent exports in `__all__` (`dtypes` is `tftape_torch._dtypes`
    exported under TF's name; `config.experimental` is a namespace object). A helper
    module the parent merely imports (`config.py` imports `threading`) does not count.
    """
    obj: Any = tftape_torch
    dotted = "tftape_torch"
    for part in tf_path.split(".")[1:]:
        dotted += "." + part
        child = getattr(obj, part, None)
        if isinstance(child, types.ModuleType) and child.__name__ == dotted:
            obj = child
        elif child is not None and part in getattr(obj, "__all__", ()):
            obj = child
        elif isinstance(obj, types.ModuleType) and hasattr(obj, "__path__"):
            try:
                obj = importlib.import_module(dotted)
            except ModuleNotFoundError as err:
                if err.name == dotted:
                    return None
                raise
        else:
            return None
    return obj


def exported(obj: Any) -> List[str]:
    """What a module (its `__all__`) or a namespace object (its public attributes) exports."""
    if isinstance(obj, types.ModuleType):
        if not hasattr(obj, "__all__"):
            raise AssertionError(
                f"{obj.__name__} has no __all__: a public module must list its exports"
            )
        names = list(obj.__all__)
    else:
        names = [n for n in dir(obj) if not n.startswith("_")]
    return [n for n in names if not (n.startswith("__") and n.endswith("__"))]


#: `tf.keras` resolves only where Keras 3 is installed (the `keras` extra).
KERAS_INSTALLED = importlib.util.find_spec("keras") is not None
PRESENT = sorted(
    path
    for path in TF_MODULES
    if (KERAS_INSTALLED or not (path + ".").startswith("tf.keras."))
    and lookup(path) is not None
)


def test_the_name_list_is_recorded_with_tf_2_21() -> None:
    data = json.loads(NAMES_FILE.read_text())
    assert data["recorded_with"]["tensorflow"].startswith("2.21.")
    assert "tf" in TF_MODULES and "tf.math" in TF_MODULES
    for path, names in TF_MODULES.items():
        assert names == sorted(names), path


@pytest.mark.parametrize("tf_path", PRESENT)
def test_exported_names_exist_in_tensorflow(tf_path: str) -> None:
    obj = lookup(tf_path)
    names = exported(obj)
    assert len(names) == len(set(names)), f"{ours(tf_path)}.__all__ repeats a name"
    undefined = [n for n in names if not hasattr(obj, n)]
    assert not undefined, f"{ours(tf_path)} exports names it does not define: {undefined}"
    tf_names = set(TF_MODULES[tf_path])
    unknown = sorted(n for n in names if n not in tf_names and (tf_path, n) not in OURS_ONLY)
    assert not unknown, (
        f"{ours(tf_path)} exports names that TF 2.21's {tf_path} does not have: {unknown} "
        f"(rename them to TF's name, make them private, or add them to OURS_ONLY with a reason)"
    )


def test_allow_list_entries_are_still_needed() -> None:
    stale = []
    for (tf_path, name), reason in OURS_ONLY.items():
        assert reason.strip(), (tf_path, name)
        obj = lookup(tf_path)
        if obj is None or name not in exported(obj) or name in TF_MODULES.get(tf_path, ()):
            stale.append((tf_path, name))
    assert not stale, f"OURS_ONLY entries no longer needed: {stale}"


def public_modules() -> List[str]:
    """Every module of the package whose dotted path has no underscored part."""
    found = []
    for info in pkgutil.walk_packages(tftape_torch.__path__, "tftape_torch."):
        parts = info.name.split(".")[1:]
        if not any(p.startswith("_") for p in parts):
            found.append(info.name)
    return sorted(found)


def test_every_public_module_has_a_tf_counterpart() -> None:
    missing = [m for m in public_modules() if "tf" + m[len("tftape_torch"):] not in TF_MODULES]
    assert not missing, (
        f"public modules with no TF module of that name in {NAMES_FILE.name}: {missing}"
    )


def test_every_public_module_is_checked() -> None:
    checked = {ours(p) for p in PRESENT}
    unchecked = [m for m in public_modules() if m not in checked]
    assert not unchecked, f"public modules the name check does not reach: {unchecked}"
