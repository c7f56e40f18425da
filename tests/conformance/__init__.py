"""Conformance suite: TF-style cases checked against answers recorded from real TensorFlow.

Each `cases_<area>.py` module defines functions `case_<name>(tf)` written against a
module `tf` (real TensorFlow or `tftape_torch`). `record.py` runs them under real
TensorFlow and stores the canonical answers in `golden/cases_<area>.json`;
`tests/test_conformance.py` runs them under `tftape_torch` and compares.
"""
