"""A seed gives the same numbers in every process (TF's contract for `set_seed`, op
seeds, the stateless ops and `Generator.from_seed`).

Python's `hash` of a string (and, before Python 3.12, of `None`) changes with the
process's `PYTHONHASHSEED`; seeds derived from it made every seeded draw differ from
run to run. Each test runs the same draws in two fresh processes with different hash
seeds and compares the printed values exactly.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys

import pytest

_DRAWS = r"""
import numpy as np
import tftape_torch as tf

tf.random.set_seed(1)
out = {
    "global normal": tf.random.normal([3]),
    "global uniform": tf.random.uniform([3]),
    "op seed": tf.random.uniform([3], seed=7),
    "truncated": tf.random.truncated_normal([3], seed=2),
    "categorical": tf.random.categorical(tf.math.log([[0.2, 0.3, 0.5]]), 6, seed=3),
    "shuffle": tf.random.shuffle(tf.range(8), seed=4),
    "dropout": tf.nn.dropout(tf.ones([8]), 0.5, seed=5),
    "gamma": tf.random.gamma([3], 2.0, seed=6),
    "stateless normal": tf.random.stateless_normal([3], seed=[1, 2]),
    "stateless uniform": tf.random.stateless_uniform([3], seed=[3, 4]),
    "fold_in": tf.random.fold_in([1, 2], 3),
    "split": tf.random.split([1, 2], 3),
    "generator": tf.random.Generator.from_seed(11).normal([3]),
    "generator split": tf.random.Generator.from_seed(11).split(2)[1].uniform([2]),
    "dataset shuffle": list(tf.data.Dataset.range(6).shuffle(6, seed=8).as_numpy_iterator()),
    "dataset random": list(tf.data.Dataset.random(seed=9).take(2).as_numpy_iterator()),
}
tf.random.set_seed(None)
out["op seed only"] = tf.random.normal([3], seed=12)
for name, value in out.items():
    print(name, np.asarray(value).tolist())
"""


def _draw_in_fresh_process(hash_seed: str) -> str:
    env = dict(os.environ, PYTHONHASHSEED=hash_seed)
    proc = subprocess.run([sys.executable, "-c", _DRAWS], capture_output=True, text=True,
                          env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout


@pytest.mark.parametrize("other_hash_seed", ["1", "2024"])
def test_seeded_draws_repeat_across_processes(other_hash_seed: str) -> None:
    first = _draw_in_fresh_process("0")
    again = _draw_in_fresh_process(other_hash_seed)
    assert first.count("\n") == 17
    assert first == again


def test_mixed_seed_is_a_fixed_function_of_its_parts() -> None:
    from tftape_torch._random_seeds import mixed_seed

    # blake2b of repr(("stateless", 1, 2)), first 8 bytes little-endian, top bit cleared.
    digest = hashlib.blake2b(repr(("stateless", 1, 2)).encode(), digest_size=8).digest()
    assert mixed_seed("stateless", 1, 2) == int.from_bytes(digest, "little") & (2**63 - 1)
    assert mixed_seed("stateless", 1, 2) != mixed_seed("stateless", 2, 1)
    assert mixed_seed("op", 5, None) != mixed_seed("op", 5, 0)
    assert 0 <= mixed_seed("generator", -3) < 2**63
