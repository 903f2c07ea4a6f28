"""Benchmarks: run by hand (`python -m bench`), never in CI, never as timed assertions."""
