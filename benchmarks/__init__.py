"""Benchmarks for tftape_torch (see run.py)."""
