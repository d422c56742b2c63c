"""`torch.exp_(x)` and friends: the function spelling of the in-place Tensor methods.

Each runs the method of the same name (`torch.exp_(x)` is `x.exp_()`), so the version and
graph bookkeeping is the method's, done once in `engine.inplace`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..tensor import Tensor
from .inplace_function_docs import docstring

__all__ = [
    "abs_", "acos_", "acosh_", "addmv_", "arccos_", "arccosh_", "arcsin_", "arcsinh_", "arctan_", "arctanh_", "asin_",
    "asinh_", "atan_", "atanh_", "ceil_", "clamp_", "clamp_max_", "clamp_min_", "clip_", "conj_physical_", "cos_",
    "cosh_", "deg2rad_", "detach_", "erf_", "erfc_", "exp2_", "exp_", "expm1_", "fill_", "fix_", "floor_", "frac_",
    "index_put_", "log10_", "log1p_", "log2_", "log_", "logit_", "nan_to_num_", "neg_", "negative_", "rad2deg_",
    "reciprocal_", "resize_as_", "round_", "rsqrt_", "sigmoid_", "sin_", "sinc_", "sinh_", "sqrt_", "square_", "tan_",
    "tanh_", "trunc_", "xlogy_", "zero_",
]  # fmt: skip


def _in_place(name: str) -> Callable[..., Tensor]:
    """The function `torch.<name>(input, ...)`, which is `input.<name>(...)`."""

    def function(input: Tensor, *args: Any, **kwargs: Any) -> Tensor:
        if not isinstance(input, Tensor):
            raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
        return getattr(input, name)(*args, **kwargs)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = docstring(name)
    return function


abs_ = _in_place("abs_")
acos_ = _in_place("acos_")
acosh_ = _in_place("acosh_")
addmv_ = _in_place("addmv_")
arccos_ = _in_place("arccos_")
arccosh_ = _in_place("arccosh_")
arcsin_ = _in_place("arcsin_")
arcsinh_ = _in_place("arcsinh_")
arctan_ = _in_place("arctan_")
arctanh_ = _in_place("arctanh_")
asin_ = _in_place("asin_")
asinh_ = _in_place("asinh_")
atan_ = _in_place("atan_")
atanh_ = _in_place("atanh_")
ceil_ = _in_place("ceil_")
clamp_ = _in_place("clamp_")
clamp_max_ = _in_place("clamp_max_")
clamp_min_ = _in_place("clamp_min_")
clip_ = _in_place("clip_")
conj_physical_ = _in_place("conj_physical_")
cos_ = _in_place("cos_")
cosh_ = _in_place("cosh_")
deg2rad_ = _in_place("deg2rad_")
detach_ = _in_place("detach_")
erf_ = _in_place("erf_")
erfc_ = _in_place("erfc_")
exp2_ = _in_place("exp2_")
exp_ = _in_place("exp_")
expm1_ = _in_place("expm1_")
fill_ = _in_place("fill_")
fix_ = _in_place("fix_")
floor_ = _in_place("floor_")
frac_ = _in_place("frac_")
index_put_ = _in_place("index_put_")
log10_ = _in_place("log10_")
log1p_ = _in_place("log1p_")
log2_ = _in_place("log2_")
log_ = _in_place("log_")
logit_ = _in_place("logit_")
nan_to_num_ = _in_place("nan_to_num_")
neg_ = _in_place("neg_")
negative_ = _in_place("negative_")
rad2deg_ = _in_place("rad2deg_")
reciprocal_ = _in_place("reciprocal_")
resize_as_ = _in_place("resize_as_")
round_ = _in_place("round_")
rsqrt_ = _in_place("rsqrt_")
sigmoid_ = _in_place("sigmoid_")
sin_ = _in_place("sin_")
sinc_ = _in_place("sinc_")
sinh_ = _in_place("sinh_")
sqrt_ = _in_place("sqrt_")
square_ = _in_place("square_")
tan_ = _in_place("tan_")
tanh_ = _in_place("tanh_")
trunc_ = _in_place("trunc_")
xlogy_ = _in_place("xlogy_")
zero_ = _in_place("zero_")
