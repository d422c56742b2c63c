"""`retrograd.backends.openmp`: whether NumPy's BLAS runs an OpenMP thread pool."""

from __future__ import annotations

import functools


@functools.cache
def is_available() -> bool:
    try:
        import threadpoolctl
    except ImportError:
        return False
    import numpy  # noqa: F401  (load its BLAS so threadpoolctl can see it)

    return any(
        pool["user_api"] == "openmp" or pool.get("threading_layer") == "openmp"
        for pool in threadpoolctl.threadpool_info()
    )
