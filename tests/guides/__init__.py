"""TF's own guides (tensorflow/docs site/en/guide), rewritten as section-wise scripts.

See `runner.py` for the script conventions, `record.py` to record TensorFlow's output,
`report.py` for the per-guide table and `tests/test_guides.py` for the comparison.
"""
