"""Elementwise ops: each output element depends on the inputs' elements at the same position.

- `arithmetic`: + - * / and friends, with PyTorch's type promotion
- `three_operand`: addcmul, addcdiv, lerp (one node each, PyTorch's kernels' order)
- `rounded_division`: // % fmod, and div's rounding modes
- `powers`: pow, float_power, square, reciprocal
- `pointwise`: exp, log, trigonometry, rounding, special functions, ...
- `binary_math`: atan2, hypot, logaddexp, logaddexp2, xlogy
- `clamp_where`: clamp, where, maximum, minimum, fmax, fmin (the output picks an input)
- `compare`: comparisons, logic and bitwise ops (no gradient)
- `complex_parts`: real/imag, conj, angle, polar/complex, sgn
- `complex_views`: view_as_real/view_as_complex
- `integer_math`: gcd, lcm and the bit shifts (integers only, no gradient)
- `float_parts`: copysign, ldexp, frexp, nextafter, heaviside
- `gamma_names`: lgamma, digamma, igamma, mvlgamma, ... (torch.special's ops, top-level names)
- `fake_quantize`: fake_quantize_per_tensor_affine / _per_channel_affine (quantization-aware training)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the modules this package gathers (at run time they load on first use: ops/_lazy.py)
    from . import (
        arithmetic,
        binary_math,
        clamp_where,
        compare,
        complex_parts,
        complex_views,
        fake_quantize,
        float_parts,
        gamma_names,
        integer_math,
        pointwise,
        powers,
        rounded_division,
        three_operand,
    )
    from .arithmetic import *  # noqa: F403
    from .binary_math import *  # noqa: F403
    from .clamp_where import *  # noqa: F403
    from .compare import *  # noqa: F403
    from .complex_parts import *  # noqa: F403
    from .complex_views import *  # noqa: F403
    from .fake_quantize import *  # noqa: F403
    from .float_parts import *  # noqa: F403
    from .gamma_names import *  # noqa: F403
    from .integer_math import *  # noqa: F403
    from .pointwise import *  # noqa: F403
    from .powers import *  # noqa: F403
    from .rounded_division import *  # noqa: F403
    from .three_operand import *  # noqa: F403

    __all__: list[str] = []
    __all__ += arithmetic.__all__
    __all__ += three_operand.__all__
    __all__ += rounded_division.__all__
    __all__ += powers.__all__
    __all__ += pointwise.__all__
    __all__ += binary_math.__all__
    __all__ += clamp_where.__all__
    __all__ += compare.__all__
    __all__ += complex_parts.__all__
    __all__ += complex_views.__all__
    __all__ += integer_math.__all__
    __all__ += float_parts.__all__
    __all__ += gamma_names.__all__
    __all__ += fake_quantize.__all__
else:
    from .. import _lazy

    __all__ = _lazy.public_names(__name__)
    __getattr__, __dir__ = _lazy.lazy_package(__name__, globals())
