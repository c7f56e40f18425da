"""Differential fuzzing of tftape_torch against real TensorFlow.

* `generator`: random GradientTape programs from a stream of choices, rendered as
  TensorFlow-style source (printable, reproducible from a seed);
* `interpreter`: runs a program under a given `tf` module and compares canonical
  answers (values, dtypes, shapes, `None`s, exception classes);
* `shrink`: shrinks a diverging program to a small one that diverges the same way;
* `run_long`: the long run, ``python -m tests.fuzz.run_long --programs 2000 --seed N``.

The CI profile is `tests/test_fuzz.py`; understood divergences are listed, with their
reasons, in `known_differences.md` next to this file.
"""
