"""Benchmarks: measured figures with their baselines, run by `python -m bench.run`."""
