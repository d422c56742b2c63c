"""Benchmarks of retrograd against PyTorch: the workloads W1-W9 of /work/shared/bench/workloads.md.

Run `python -m benchmarks.run` (or `make bench`). This package imports neither library at import
time, so a child process measures only the library it is asked for.
"""
