"""`retrograd.backends.mkl`: whether NumPy's BLAS is Intel MKL."""

from __future__ import annotations

import functools
from typing import Any


@functools.cache
def is_available() -> bool:
    import numpy

    config: Any = numpy.show_config(mode="dicts") if hasattr(numpy, "show_config") else {}
    blas = config.get("Build Dependencies", {}).get("blas", {}) if isinstance(config, dict) else {}
    return "mkl" in str(blas.get("name", "")).lower()
