"""Reductions: ops that combine the elements along some dims into one.

- `sum_prod`: sum, mean, prod, logsumexp
- `nan_reductions`: nansum, nanmean, count_nonzero
- `extrema`: max, min, amax, amin, argmax, argmin, aminmax
- `moments`: var, std, var_mean, std_mean
- `cumulative`: cumsum, cumprod, cummax, cummin
- `statistics`: logcumsumexp, cov, corrcoef, quantile (composed of the others)
- `sampled_calculus`: diff, trapezoid, trapz, cumulative_trapezoid
- `finite_differences`: gradient (numpy.gradient's estimate, composed of slices)
- `segments`: segment_reduce (sum/mean/prod/max/min over consecutive segments of a dim)
- `norms`: norm (and vector_norm, matrix_norm for `retrograd.linalg`)
- `along`: what they share: reduced shapes, picking values at indices, shifting, running sums
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the modules this package gathers (at run time they load on first use: ops/_lazy.py)
    from . import (
        cumulative,
        extrema,
        finite_differences,
        moments,
        nan_reductions,
        norms,
        sampled_calculus,
        segments,
        statistics,
        sum_prod,
    )
    from .cumulative import *  # noqa: F403
    from .extrema import *  # noqa: F403
    from .finite_differences import *  # noqa: F403
    from .moments import *  # noqa: F403
    from .nan_reductions import *  # noqa: F403
    from .norms import *  # noqa: F403
    from .sampled_calculus import *  # noqa: F403
    from .segments import *  # noqa: F403
    from .statistics import *  # noqa: F403
    from .sum_prod import *  # noqa: F403

    __all__: list[str] = []
    __all__ += sum_prod.__all__
    __all__ += norms.__all__
    __all__ += moments.__all__
    __all__ += extrema.__all__
    __all__ += cumulative.__all__
    __all__ += statistics.__all__
    __all__ += nan_reductions.__all__
    __all__ += sampled_calculus.__all__
    __all__ += finite_differences.__all__
    __all__ += segments.__all__
else:
    from .. import _lazy

    __all__ = _lazy.public_names(__name__)
    __getattr__, __dir__ = _lazy.lazy_package(__name__, globals())
