# mypy: disable-error-code="arg-type,return-value"
"""The Tensor methods and operators that forward to `retrograd.ops`.

Each op has one implementation, in `retrograd.ops`; these methods only give it
the method-call and operator spellings PyTorch users write (`x.exp()`, `x + y`,
`x.add_(y)`). In-place variants run the out-of-place op and commit the result
into this tensor through `autograd.inplace`, which does the version and graph
bookkeeping once for all of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .autograd import inplace as _inplace

if TYPE_CHECKING:
    from .tensor import Tensor

_ops: Any = None  # bound by retrograd.tensor once ops can import (breaks the import cycle)


class TensorMethods:
    """Mixin of forwarding methods; `Tensor` is the only class that uses it."""

    __slots__ = ()

    # --- operators: Python's arithmetic and comparison syntax ------------------------------

    def __add__(self, other: Any) -> Tensor:
        return _ops.add(self, other)

    def __radd__(self, other: Any) -> Tensor:
        return _ops.add(self, other)

    def __iadd__(self, other: Any) -> Tensor:
        return _inplace.apply(self, _ops.add, other)

    def __sub__(self, other: Any) -> Tensor:
        return _ops.sub(self, other)

    def __rsub__(self, other: Any) -> Tensor:
        return _ops.rsub(self, other)

    def __isub__(self, other: Any) -> Tensor:
        return _inplace.apply(self, _ops.sub, other)

    def __mul__(self, other: Any) -> Tensor:
        return _ops.mul(self, other)

    def __rmul__(self, other: Any) -> Tensor:
        return _ops.mul(self, other)

    def __imul__(self, other: Any) -> Tensor:
        return _inplace.apply(self, _ops.mul, other)

    def __truediv__(self, other: Any) -> Tensor:
        return _ops.div(self, other)

    def __rtruediv__(self, other: Any) -> Tensor:
        return _ops.rdiv(self, other)

    def __itruediv__(self, other: Any) -> Tensor:
        return _inplace.apply(self, _ops.div, other)

    def __floordiv__(self, other: Any) -> Tensor:
        return _ops.floor_divide(self, other)

    def __rfloordiv__(self, other: Any) -> Tensor:
        return _ops.floor_divide(_ops.scalar_like(other, self), self)

    def __ifloordiv__(self, other: Any) -> Tensor:
        return _inplace.apply(self, _ops.floor_divide, other)

    def __mod__(self, other: Any) -> Tensor:
        return _ops.remainder(self, other)

    def __rmod__(self, other: Any) -> Tensor:
        return _ops.remainder(_ops.scalar_like(other, self), self)

    def __imod__(self, other: Any) -> Tensor:
        return _inplace.apply(self, _ops.remainder, other)

    def __pow__(self, other: Any) -> Tensor:
        return _ops.pow(self, other)

    def __rpow__(self, other: Any) -> Tensor:
        return _ops.pow(_ops.scalar_like(other, self), self)

    def __ipow__(self, other: Any) -> Tensor:
        return _inplace.apply(self, _ops.pow, other)

    def __matmul__(self, other: Any) -> Tensor:
        return _ops.matmul(self, other)

    def __rmatmul__(self, other: Any) -> Tensor:
        return _ops.matmul(other, self)

    def __neg__(self) -> Tensor:
        return _ops.neg(self)

    def __pos__(self) -> Tensor:
        return self

    def __abs__(self) -> Tensor:
        return _ops.abs(self)

    def __invert__(self) -> Tensor:
        return _ops.bitwise_not(self)

    def __and__(self, other: Any) -> Tensor:
        return _ops.bitwise_and(self, other)

    __rand__ = __and__

    def __or__(self, other: Any) -> Tensor:
        return _ops.bitwise_or(self, other)

    __ror__ = __or__

    def __xor__(self, other: Any) -> Tensor:
        return _ops.bitwise_xor(self, other)

    __rxor__ = __xor__

    def __eq__(self, other: Any) -> Tensor:  # type: ignore[override]
        return _ops.eq(self, other)

    def __ne__(self, other: Any) -> Tensor:  # type: ignore[override]
        return _ops.ne(self, other)

    def __lt__(self, other: Any) -> Tensor:
        return _ops.lt(self, other)

    def __le__(self, other: Any) -> Tensor:
        return _ops.le(self, other)

    def __gt__(self, other: Any) -> Tensor:
        return _ops.gt(self, other)

    def __ge__(self, other: Any) -> Tensor:
        return _ops.ge(self, other)

    def __getitem__(self, index: Any) -> Tensor:
        return _ops.getitem(self, index)

    def __setitem__(self, index: Any, value: Any) -> None:
        _ops.setitem(self, index, value)

    # --- in-place helpers PyTorch users reach for ---------------------------------------

    def zero_(self) -> Tensor:
        return _inplace.fill(self, 0)

    def fill_(self, value: Any) -> Tensor:
        return _inplace.fill(self, value)

    def copy_(self, src: Any, non_blocking: bool = False) -> Tensor:
        return _inplace.copy(self, src)

    def uniform_(self, a: float = 0.0, b: float = 1.0, *, generator: Any = None) -> Tensor:
        return _inplace.fill_random(self, "uniform", a, b, generator)

    def normal_(self, mean: float = 0.0, std: float = 1.0, *, generator: Any = None) -> Tensor:
        return _inplace.fill_random(self, "normal", mean, std, generator)

    def bernoulli_(self, p: float = 0.5, *, generator: Any = None) -> Tensor:
        return _inplace.fill_random(self, "bernoulli", p, None, generator)

    # --- methods that forward to retrograd's functions (same names and arguments) -------

    def new_tensor(self, data: Any, **kwargs: Any) -> Tensor:
        return _ops.new_like(self, "tensor", data, **kwargs)

    def new_zeros(self, *size: Any, **kwargs: Any) -> Tensor:
        return _ops.new_like(self, "zeros", *size, **kwargs)

    def new_ones(self, *size: Any, **kwargs: Any) -> Tensor:
        return _ops.new_like(self, "ones", *size, **kwargs)

    def new_full(self, size: Any, fill_value: Any, **kwargs: Any) -> Tensor:
        return _ops.new_like(self, "full", size, fill_value, **kwargs)

    def new_empty(self, *size: Any, **kwargs: Any) -> Tensor:
        return _ops.new_like(self, "empty", *size, **kwargs)

    def prelu(self, weight: Any) -> Tensor:
        return _ops.prelu(self, weight)

    def hardshrink(self, lambd: float = 0.5) -> Tensor:
        return _ops.hardshrink(self, lambd)

    def bernoulli(self, *args: Any, **kwargs: Any) -> Tensor:
        from .random import bernoulli

        return bernoulli(self, *args, **kwargs)

    def multinomial(self, *args: Any, **kwargs: Any) -> Tensor:
        from .random import multinomial

        return multinomial(self, *args, **kwargs)

    def exponential_(self, lambd: float = 1.0, *, generator: Any = None) -> Tensor:
        return _inplace.fill_random(self, "exponential", lambd, None, generator)

    def random_(self, *args: Any, generator: Any = None, **bounds: Any) -> Tensor:
        """`random_()` (the dtype's whole range), `random_(to)`, `random_(from, to)`; `to=None` means
        the dtype's largest value + 1. Bounds may also be given as keywords `from` and `to`."""
        from .random import random_bounds

        low, high = random_bounds(args, bounds)
        return _inplace.fill_random(self, "random", low, high, generator)

    def bitwise_not(self) -> Tensor:
        return _ops.bitwise_not(self)

    def where(self, condition: Any, other: Any) -> Tensor:
        return _ops.where(condition, self, other)

    def add(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.add(self, *args, **kwargs)

    def sub(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.sub(self, *args, **kwargs)

    def mul(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.mul(self, *args, **kwargs)

    def div(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.div(self, *args, **kwargs)

    def true_divide(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.true_divide(self, *args, **kwargs)

    def floor_divide(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.floor_divide(self, *args, **kwargs)

    def remainder(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.remainder(self, *args, **kwargs)

    def fmod(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.fmod(self, *args, **kwargs)

    def neg(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.neg(self, *args, **kwargs)

    def negative(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.negative(self, *args, **kwargs)

    def pow(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.pow(self, *args, **kwargs)

    def float_power(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.float_power(self, *args, **kwargs)

    def reciprocal(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.reciprocal(self, *args, **kwargs)

    def abs(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.abs(self, *args, **kwargs)

    def absolute(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.absolute(self, *args, **kwargs)

    def sign(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.sign(self, *args, **kwargs)

    def addcmul(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.addcmul(self, *args, **kwargs)

    def addcdiv(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.addcdiv(self, *args, **kwargs)

    def lerp(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.lerp(self, *args, **kwargs)

    def exp(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.exp(self, *args, **kwargs)

    def exp2(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.exp2(self, *args, **kwargs)

    def expm1(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.expm1(self, *args, **kwargs)

    def log(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.log(self, *args, **kwargs)

    def log2(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.log2(self, *args, **kwargs)

    def log10(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.log10(self, *args, **kwargs)

    def log1p(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.log1p(self, *args, **kwargs)

    def sqrt(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.sqrt(self, *args, **kwargs)

    def rsqrt(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.rsqrt(self, *args, **kwargs)

    def square(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.square(self, *args, **kwargs)

    def sin(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.sin(self, *args, **kwargs)

    def cos(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.cos(self, *args, **kwargs)

    def tan(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.tan(self, *args, **kwargs)

    def asin(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.asin(self, *args, **kwargs)

    def acos(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.acos(self, *args, **kwargs)

    def atan(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.atan(self, *args, **kwargs)

    def atan2(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.atan2(self, *args, **kwargs)

    def arcsin(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.arcsin(self, *args, **kwargs)

    def arccos(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.arccos(self, *args, **kwargs)

    def arctan(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.arctan(self, *args, **kwargs)

    def arctan2(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.arctan2(self, *args, **kwargs)

    def sinh(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.sinh(self, *args, **kwargs)

    def cosh(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.cosh(self, *args, **kwargs)

    def tanh(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.tanh(self, *args, **kwargs)

    def asinh(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.asinh(self, *args, **kwargs)

    def acosh(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.acosh(self, *args, **kwargs)

    def atanh(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.atanh(self, *args, **kwargs)

    def sigmoid(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.sigmoid(self, *args, **kwargs)

    def logit(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.logit(self, *args, **kwargs)

    def erf(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.erf(self, *args, **kwargs)

    def erfc(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.erfc(self, *args, **kwargs)

    def erfinv(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.erfinv(self, *args, **kwargs)

    def floor(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.floor(self, *args, **kwargs)

    def ceil(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.ceil(self, *args, **kwargs)

    def round(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.round(self, *args, **kwargs)

    def trunc(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.trunc(self, *args, **kwargs)

    def frac(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.frac(self, *args, **kwargs)

    def fix(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.fix(self, *args, **kwargs)

    def clamp(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.clamp(self, *args, **kwargs)

    def clip(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.clip(self, *args, **kwargs)

    def clamp_min(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.clamp_min(self, *args, **kwargs)

    def clamp_max(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.clamp_max(self, *args, **kwargs)

    def maximum(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.maximum(self, *args, **kwargs)

    def minimum(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.minimum(self, *args, **kwargs)

    def fmax(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.fmax(self, *args, **kwargs)

    def fmin(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.fmin(self, *args, **kwargs)

    def hypot(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.hypot(self, *args, **kwargs)

    def nan_to_num(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.nan_to_num(self, *args, **kwargs)

    def logaddexp(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.logaddexp(self, *args, **kwargs)

    def xlogy(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.xlogy(self, *args, **kwargs)

    def sinc(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.sinc(self, *args, **kwargs)

    def eq(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.eq(self, *args, **kwargs)

    def ne(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.ne(self, *args, **kwargs)

    def lt(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.lt(self, *args, **kwargs)

    def le(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.le(self, *args, **kwargs)

    def gt(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.gt(self, *args, **kwargs)

    def ge(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.ge(self, *args, **kwargs)

    def greater(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.greater(self, *args, **kwargs)

    def less(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.less(self, *args, **kwargs)

    def greater_equal(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.greater_equal(self, *args, **kwargs)

    def less_equal(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.less_equal(self, *args, **kwargs)

    def not_equal(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.not_equal(self, *args, **kwargs)

    def isnan(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.isnan(self, *args, **kwargs)

    def isinf(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.isinf(self, *args, **kwargs)

    def isfinite(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.isfinite(self, *args, **kwargs)

    def isclose(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.isclose(self, *args, **kwargs)

    def allclose(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.allclose(self, *args, **kwargs)

    def equal(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.equal(self, *args, **kwargs)

    def logical_and(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.logical_and(self, *args, **kwargs)

    def logical_or(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.logical_or(self, *args, **kwargs)

    def logical_not(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.logical_not(self, *args, **kwargs)

    def logical_xor(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.logical_xor(self, *args, **kwargs)

    def any(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.any(self, *args, **kwargs)

    def all(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.all(self, *args, **kwargs)

    def isposinf(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.isposinf(self, *args, **kwargs)

    def isneginf(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.isneginf(self, *args, **kwargs)

    def signbit(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.signbit(self, *args, **kwargs)

    def sum(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.sum(self, *args, **kwargs)

    def mean(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.mean(self, *args, **kwargs)

    def prod(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.prod(self, *args, **kwargs)

    def max(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.max(self, *args, **kwargs)

    def min(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.min(self, *args, **kwargs)

    def amax(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.amax(self, *args, **kwargs)

    def amin(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.amin(self, *args, **kwargs)

    def argmax(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.argmax(self, *args, **kwargs)

    def argmin(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.argmin(self, *args, **kwargs)

    def var(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.var(self, *args, **kwargs)

    def std(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.std(self, *args, **kwargs)

    def var_mean(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.var_mean(self, *args, **kwargs)

    def std_mean(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.std_mean(self, *args, **kwargs)

    def norm(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.norm(self, *args, **kwargs)

    def logsumexp(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.logsumexp(self, *args, **kwargs)

    def cumsum(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.cumsum(self, *args, **kwargs)

    def cumprod(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.cumprod(self, *args, **kwargs)

    def cummax(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.cummax(self, *args, **kwargs)

    def cummin(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.cummin(self, *args, **kwargs)

    def median(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.median(self, *args, **kwargs)

    def nanmedian(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.nanmedian(self, *args, **kwargs)

    def sort(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.sort(self, *args, **kwargs)

    def argsort(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.argsort(self, *args, **kwargs)

    def topk(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.topk(self, *args, **kwargs)

    def kthvalue(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.kthvalue(self, *args, **kwargs)

    def count_nonzero(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.count_nonzero(self, *args, **kwargs)

    def nansum(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.nansum(self, *args, **kwargs)

    def nanmean(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.nanmean(self, *args, **kwargs)

    def aminmax(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.aminmax(self, *args, **kwargs)

    def matmul(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.matmul(self, *args, **kwargs)

    def mm(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.mm(self, *args, **kwargs)

    def bmm(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.bmm(self, *args, **kwargs)

    def mv(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.mv(self, *args, **kwargs)

    def dot(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.dot(self, *args, **kwargs)

    def vdot(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.vdot(self, *args, **kwargs)

    def outer(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.outer(self, *args, **kwargs)

    def inner(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.inner(self, *args, **kwargs)

    def kron(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.kron(self, *args, **kwargs)

    def diag(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.diag(self, *args, **kwargs)

    def diagonal(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.diagonal(self, *args, **kwargs)

    def trace(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.trace(self, *args, **kwargs)

    def tril(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.tril(self, *args, **kwargs)

    def triu(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.triu(self, *args, **kwargs)

    def cross(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.cross(self, *args, **kwargs)

    def reshape(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.reshape(self, *args, **kwargs)

    def view(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.view(self, *args, **kwargs)

    def view_as(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.view_as(self, *args, **kwargs)

    def flatten(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.flatten(self, *args, **kwargs)

    def unflatten(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.unflatten(self, *args, **kwargs)

    def squeeze(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.squeeze(self, *args, **kwargs)

    def unsqueeze(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.unsqueeze(self, *args, **kwargs)

    def transpose(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.transpose(self, *args, **kwargs)

    def swapaxes(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.swapaxes(self, *args, **kwargs)

    def swapdims(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.swapdims(self, *args, **kwargs)

    def permute(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.permute(self, *args, **kwargs)

    def movedim(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.movedim(self, *args, **kwargs)

    def moveaxis(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.moveaxis(self, *args, **kwargs)

    def t(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.t(self, *args, **kwargs)

    def expand(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.expand(self, *args, **kwargs)

    def expand_as(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.expand_as(self, *args, **kwargs)

    def broadcast_to(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.broadcast_to(self, *args, **kwargs)

    def repeat(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.repeat(self, *args, **kwargs)

    def repeat_interleave(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.repeat_interleave(self, *args, **kwargs)

    def tile(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.tile(self, *args, **kwargs)

    def flip(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.flip(self, *args, **kwargs)

    def fliplr(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.fliplr(self, *args, **kwargs)

    def flipud(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.flipud(self, *args, **kwargs)

    def roll(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.roll(self, *args, **kwargs)

    def narrow(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.narrow(self, *args, **kwargs)

    def split(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.split(self, *args, **kwargs)

    def chunk(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.chunk(self, *args, **kwargs)

    def unbind(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.unbind(self, *args, **kwargs)

    def unfold(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.unfold(self, *args, **kwargs)

    def gather(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.gather(self, *args, **kwargs)

    def scatter(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.scatter(self, *args, **kwargs)

    def scatter_add(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.scatter_add(self, *args, **kwargs)

    def index_select(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.index_select(self, *args, **kwargs)

    def index_add(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.index_add(self, *args, **kwargs)

    def index_copy(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.index_copy(self, *args, **kwargs)

    def index_fill(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.index_fill(self, *args, **kwargs)

    def masked_fill(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.masked_fill(self, *args, **kwargs)

    def masked_select(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.masked_select(self, *args, **kwargs)

    def masked_scatter(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.masked_scatter(self, *args, **kwargs)

    def take(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.take(self, *args, **kwargs)

    def take_along_dim(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.take_along_dim(self, *args, **kwargs)

    def nonzero(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.nonzero(self, *args, **kwargs)

    def put(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.put(self, *args, **kwargs)

    def relu(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.relu(self, *args, **kwargs)



    def softmax(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.softmax(self, *args, **kwargs)

    def log_softmax(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.log_softmax(self, *args, **kwargs)

    def add_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.add, *args, **kwargs)

    def sub_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.sub, *args, **kwargs)

    def mul_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.mul, *args, **kwargs)

    def div_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.div, *args, **kwargs)

    def true_divide_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.true_divide, *args, **kwargs)

    def floor_divide_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.floor_divide, *args, **kwargs)

    def remainder_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.remainder, *args, **kwargs)

    def fmod_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.fmod, *args, **kwargs)

    def neg_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.neg, *args, **kwargs)

    def negative_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.negative, *args, **kwargs)

    def pow_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.pow, *args, **kwargs)

    def reciprocal_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.reciprocal, *args, **kwargs)

    def abs_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.abs, *args, **kwargs)

    def absolute_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.absolute, *args, **kwargs)

    def sign_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.sign, *args, **kwargs)

    def addcmul_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.addcmul, *args, **kwargs)

    def addcdiv_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.addcdiv, *args, **kwargs)

    def lerp_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.lerp, *args, **kwargs)

    def exp_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.exp, *args, **kwargs)

    def exp2_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.exp2, *args, **kwargs)

    def expm1_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.expm1, *args, **kwargs)

    def log_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.log, *args, **kwargs)

    def log2_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.log2, *args, **kwargs)

    def log10_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.log10, *args, **kwargs)

    def log1p_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.log1p, *args, **kwargs)

    def sqrt_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.sqrt, *args, **kwargs)

    def rsqrt_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.rsqrt, *args, **kwargs)

    def square_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.square, *args, **kwargs)

    def sin_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.sin, *args, **kwargs)

    def cos_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.cos, *args, **kwargs)

    def tan_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.tan, *args, **kwargs)

    def asin_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.asin, *args, **kwargs)

    def acos_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.acos, *args, **kwargs)

    def atan_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.atan, *args, **kwargs)

    def atan2_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.atan2, *args, **kwargs)

    def sinh_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.sinh, *args, **kwargs)

    def cosh_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.cosh, *args, **kwargs)

    def tanh_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.tanh, *args, **kwargs)

    def asinh_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.asinh, *args, **kwargs)

    def acosh_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.acosh, *args, **kwargs)

    def atanh_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.atanh, *args, **kwargs)

    def sigmoid_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.sigmoid, *args, **kwargs)

    def logit_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.logit, *args, **kwargs)

    def erf_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.erf, *args, **kwargs)

    def erfc_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.erfc, *args, **kwargs)

    def erfinv_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.erfinv, *args, **kwargs)

    def floor_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.floor, *args, **kwargs)

    def ceil_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.ceil, *args, **kwargs)

    def round_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.round, *args, **kwargs)

    def trunc_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.trunc, *args, **kwargs)

    def frac_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.frac, *args, **kwargs)

    def fix_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.fix, *args, **kwargs)

    def clamp_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.clamp, *args, **kwargs)

    def clip_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.clip, *args, **kwargs)

    def clamp_min_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.clamp_min, *args, **kwargs)

    def clamp_max_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.clamp_max, *args, **kwargs)

    def hypot_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.hypot, *args, **kwargs)

    def nan_to_num_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.nan_to_num, *args, **kwargs)

    def xlogy_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.xlogy, *args, **kwargs)

    def sinc_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.sinc, *args, **kwargs)

    def tril_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.tril, *args, **kwargs)

    def triu_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.triu, *args, **kwargs)

    def relu_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.relu, *args, **kwargs)


    def scatter_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.scatter, *args, **kwargs)

    def scatter_add_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.scatter_add, *args, **kwargs)

    def index_add_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.index_add, *args, **kwargs)

    def index_copy_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.index_copy, *args, **kwargs)

    def index_fill_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.index_fill, *args, **kwargs)

    def masked_fill_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.masked_fill, *args, **kwargs)

    def masked_scatter_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.masked_scatter, *args, **kwargs)

    def put_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.put, *args, **kwargs)

    def eq_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.eq, *args, **kwargs)

    def ne_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.ne, *args, **kwargs)

    def lt_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.lt, *args, **kwargs)

    def le_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.le, *args, **kwargs)

    def gt_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.gt, *args, **kwargs)

    def ge_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.ge, *args, **kwargs)

    def logical_and_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.logical_and, *args, **kwargs)

    def logical_or_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.logical_or, *args, **kwargs)

    def logical_not_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.logical_not, *args, **kwargs)

    def logical_xor_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.logical_xor, *args, **kwargs)

    def select(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.select(self, *args, **kwargs)

    def tensor_split(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.tensor_split(self, *args, **kwargs)

    def rot90(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.rot90(self, *args, **kwargs)

    def diag_embed(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.diag_embed(self, *args, **kwargs)

    def hsplit(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.hsplit(self, *args, **kwargs)

    def vsplit(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.vsplit(self, *args, **kwargs)

    def dsplit(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.dsplit(self, *args, **kwargs)

    def det(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.det(self, *args, **kwargs)

    def inverse(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.inverse(self, *args, **kwargs)

    def logdet(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.logdet(self, *args, **kwargs)

    def slogdet(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.slogdet(self, *args, **kwargs)

    def cholesky(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.cholesky(self, *args, **kwargs)

    def qr(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.qr(self, *args, **kwargs)

    def svd(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.svd(self, *args, **kwargs)

    def pinverse(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.pinverse(self, *args, **kwargs)

    def matrix_power(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.matrix_power(self, *args, **kwargs)

    def matrix_exp(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.matrix_exp(self, *args, **kwargs)

    def addmm(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.addmm(self, *args, **kwargs)

    def addmv(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.addmv(self, *args, **kwargs)

    def addbmm(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.addbmm(self, *args, **kwargs)

    def baddbmm(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.baddbmm(self, *args, **kwargs)

    def ger(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.ger(self, *args, **kwargs)

    def addmm_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.addmm, *args, **kwargs)

    def addmv_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.addmv, *args, **kwargs)

    def addbmm_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.addbmm, *args, **kwargs)

    def baddbmm_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.baddbmm, *args, **kwargs)

    def scatter_reduce(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.scatter_reduce(self, *args, **kwargs)

    def index_put(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.index_put(self, *args, **kwargs)

    def argwhere(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.argwhere(self, *args, **kwargs)

    def scatter_reduce_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.scatter_reduce, *args, **kwargs)

    def index_put_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.index_put, *args, **kwargs)

    def mode(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.mode(self, *args, **kwargs)

    def msort(self, *args: Any, **kwargs: Any) -> Any:
        return _ops.msort(self, *args, **kwargs)

    def cumsum_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.cumsum, *args, **kwargs)

    def cumprod_(self, *args: Any, **kwargs: Any) -> Tensor:
        return _inplace.apply(self, _ops.cumprod, *args, **kwargs)
