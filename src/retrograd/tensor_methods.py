"""The Tensor methods and operators, as a table of the ops they run.

Each op has one implementation, in `retrograd.ops`; this table only gives it the
method-call spelling PyTorch users write. A row `exp = OpMethod("exp")` makes
`x.exp()` call `retrograd.exp(x)`; `exp_ = InPlaceMethod("exp")` runs the same op and
commits the result into `x` through `autograd.inplace`, which does the version and
graph bookkeeping once for all in-place methods. `help(x.exp)` and
`inspect.signature(Tensor.exp)` show the op's documentation and parameters.

Operators and the methods whose arguments differ from their op's are written by hand
below the table. The package `__init__` calls `bind` once, after the ops import: that
is where methods meet their ops. `tensor_methods.pyi` is the typed face of this file
for type checkers; `python tools/tensor_methods_stub.py` regenerates it.
"""

from __future__ import annotations

import functools
import numbers
import operator
import warnings
from collections.abc import Callable, Sequence
from types import FunctionType, ModuleType
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _layouts, _op_method, _shared_memory, _storage, _typed_storage
from ._display_name import package_name
from ._op_method import InPlaceMethod, OpMethod, dtype_conversion
from ._user_frames import frames_up
from .backend import device as _device
from .engine import inplace as _inplace
from .engine import inplace_views as _inplace_views
from .engine import tensor_type as _tt
from .engine.captures import check_uncaptured as _check_uncaptured
from .engine.captures import open_scopes as _open_scopes
from .engine.grad_mode import box_blocks as _box_blocks
from .engine.grad_mode import state as _grad_state
from .engine.versions import new_version_box as _new_version_box
from .engine.vmap_hook import random_fill

if TYPE_CHECKING:
    from .dtypes import dtype
    from .tensor import Tensor

_ops: Any = None  # retrograd.ops, for the operators written by hand (set by `bind`)


def _unbound() -> ModuleType:
    raise RuntimeError("Tensor methods were used before retrograd finished importing its ops")


_load_random: Callable[[], ModuleType] = _unbound  # imports retrograd.random, for the random fills (set by `bind`)


def bind(ops: ModuleType, load_random: Callable[[], ModuleType]) -> None:
    """Connect the methods to their ops: `retrograd.ops` first, then `retrograd.random`.

    `retrograd.random` loads on first use (its generator costs milliseconds at import), so it
    comes as the function that imports it.
    """
    global _ops, _load_random
    _ops, _load_random = ops, load_random
    _op_method.bind(lambda: ops, load_random)
    # The operators whose op takes (tensor, other) in that order are the op itself, with no
    # forwarding frame between `x * y` and `mul` (about a sixth of a small op's cost).
    for name, op in (("__add__", ops.add), ("__radd__", ops.add), ("__sub__", ops.sub),
                     ("__mul__", ops.mul), ("__rmul__", ops.mul), ("__truediv__", ops.div),
                     ("__matmul__", ops.matmul), ("__neg__", ops.neg)):
        setattr(TensorMethods, name, _operator(op))


def _operator(op: Any) -> Any:
    """`op` as an operator: a plain copy when it carries a public `__signature__` (that marks table rows)."""
    if not hasattr(op, "__signature__"):
        return op
    copy = FunctionType(op.__code__, op.__globals__, op.__name__, op.__defaults__, op.__closure__)
    copy.__kwdefaults__ = op.__kwdefaults__
    copy.__doc__ = op.__doc__
    copy.__annotations__ = dict(op.__annotations__)
    return copy


# PyTorch's node for each in-place sampler (random_'s overloads have their own: see `random_`)
_SAMPLE_NODES = {
    "uniform": "UniformBackward0", "normal": "NormalBackward0", "bernoulli": "BernoulliBackward2",
    "exponential": "ExponentialBackward0", "cauchy": "CauchyBackward0", "log_normal": "LogNormalBackward0",
    "geometric": "GeometricBackward0",
}  # fmt: skip


def _fill_random(target: Tensor, kind: str, a: Any, b: Any, generator: Any, node: str | None = None) -> Tensor:
    """`uniform_`, `normal_`, ...: draw into a fresh array, then write it in place, recorded under
    PyTorch's node for the sampler."""
    if random_fill(target, lambda t: _fill_random(t, kind, a, b, generator, node)) is not None:  # vmap
        return target
    values = _load_random().sample_like(target, kind, a, b, generator)
    p = a if kind == "bernoulli" and isinstance(a, _tt.Tensor) else None
    return _inplace.apply(target, _ops.copying.in_place_sample, values, node or _SAMPLE_NODES[kind], p)


def _autograd_resize(tensor: Tensor, sizes: tuple) -> Tensor:
    """PyTorch's `autograd._functions.Resize`: a reshape that keeps the number of elements (its check and
    message too, which read a single tuple argument as one size)."""
    numel = functools.reduce(operator.mul, sizes, 1)
    if tensor.numel() != numel:
        raise RuntimeError(
            f"requested resize to {'x'.join(map(str, sizes))} ({numel} elements in total), but the given tensor "
            f"has a size of {'x'.join(map(str, tensor.size()))} ({tensor.numel()} elements). autograd's resize can "
            "only change the shape of a given tensor, while preserving the number of elements. "
        )
    return tensor.contiguous().view(*sizes)


class TensorMethods:
    """The method table and the operators; `Tensor` is the only class that uses it."""

    __slots__ = ()

    # One row per method: the method's name = the op it runs (see `_op_method`).

    # --- arithmetic ----------------------------------------------------------------------------
    add = OpMethod("add")
    add_ = InPlaceMethod("add")
    sub = OpMethod("sub")
    sub_ = InPlaceMethod("sub")
    subtract = OpMethod("subtract")
    subtract_ = InPlaceMethod("subtract")
    mul = OpMethod("mul")
    mul_ = InPlaceMethod("mul")
    multiply = OpMethod("multiply")
    multiply_ = InPlaceMethod("multiply")
    div = OpMethod("div")
    div_ = InPlaceMethod("div")
    divide = OpMethod("divide")
    divide_ = InPlaceMethod("divide")
    true_divide = OpMethod("true_divide")
    true_divide_ = InPlaceMethod("true_divide")
    floor_divide = OpMethod("floor_divide")
    floor_divide_ = InPlaceMethod("floor_divide")
    remainder = OpMethod("remainder")
    remainder_ = InPlaceMethod("remainder")
    fmod = OpMethod("fmod")
    fmod_ = InPlaceMethod("fmod")
    neg = OpMethod("neg")
    neg_ = InPlaceMethod("neg")
    negative = OpMethod("negative")
    negative_ = InPlaceMethod("negative")
    pow = OpMethod("pow")
    pow_ = InPlaceMethod("pow")
    float_power = OpMethod("float_power")
    reciprocal = OpMethod("reciprocal")
    reciprocal_ = InPlaceMethod("reciprocal")
    addcmul = OpMethod("addcmul")
    addcmul_ = InPlaceMethod("addcmul")
    addcdiv = OpMethod("addcdiv")
    addcdiv_ = InPlaceMethod("addcdiv")
    lerp = OpMethod("lerp")
    lerp_ = InPlaceMethod("lerp")
    square = OpMethod("square")
    square_ = InPlaceMethod("square")

    # --- elementwise math ----------------------------------------------------------------------
    abs = OpMethod("abs")
    abs_ = InPlaceMethod("abs")
    absolute = OpMethod("absolute")
    absolute_ = InPlaceMethod("absolute")
    sign = OpMethod("sign")
    sgn = OpMethod("sgn")
    conj = OpMethod("conj")
    conj_physical = OpMethod("conj_physical")
    conj_physical_ = InPlaceMethod("conj_physical")
    resolve_conj = OpMethod("resolve_conj")
    resolve_neg = OpMethod("resolve_neg")
    is_conj = OpMethod("is_conj")
    is_neg = OpMethod("is_neg")
    angle = OpMethod("angle")
    stft = OpMethod("stft")
    istft = OpMethod("istft")
    sign_ = InPlaceMethod("sign")
    sgn = OpMethod("sgn")
    sgn_ = InPlaceMethod("sgn")
    exp = OpMethod("exp")
    exp_ = InPlaceMethod("exp")
    exp2 = OpMethod("exp2")
    exp2_ = InPlaceMethod("exp2")
    expm1 = OpMethod("expm1")
    expm1_ = InPlaceMethod("expm1")
    log = OpMethod("log")
    log_ = InPlaceMethod("log")
    log2 = OpMethod("log2")
    log2_ = InPlaceMethod("log2")
    log10 = OpMethod("log10")
    log10_ = InPlaceMethod("log10")
    log1p = OpMethod("log1p")
    log1p_ = InPlaceMethod("log1p")
    sqrt = OpMethod("sqrt")
    sqrt_ = InPlaceMethod("sqrt")
    rsqrt = OpMethod("rsqrt")
    rsqrt_ = InPlaceMethod("rsqrt")
    sin = OpMethod("sin")
    sin_ = InPlaceMethod("sin")
    cos = OpMethod("cos")
    cos_ = InPlaceMethod("cos")
    tan = OpMethod("tan")
    tan_ = InPlaceMethod("tan")
    asin = OpMethod("asin")
    asin_ = InPlaceMethod("asin")
    acos = OpMethod("acos")
    acos_ = InPlaceMethod("acos")
    atan = OpMethod("atan")
    atan_ = InPlaceMethod("atan")
    atan2 = OpMethod("atan2")
    atan2_ = InPlaceMethod("atan2")
    arcsin = OpMethod("arcsin")
    arccos = OpMethod("arccos")
    arctan = OpMethod("arctan")
    arctan2 = OpMethod("arctan2")
    arcsin_ = InPlaceMethod("arcsin")
    arccos_ = InPlaceMethod("arccos")
    arctan_ = InPlaceMethod("arctan")
    arctan2_ = InPlaceMethod("arctan2")
    arcsinh = OpMethod("arcsinh")
    arcsinh_ = InPlaceMethod("arcsinh")
    arccosh = OpMethod("arccosh")
    arccosh_ = InPlaceMethod("arccosh")
    arctanh = OpMethod("arctanh")
    arctanh_ = InPlaceMethod("arctanh")
    deg2rad = OpMethod("deg2rad")
    deg2rad_ = InPlaceMethod("deg2rad")
    rad2deg = OpMethod("rad2deg")
    rad2deg_ = InPlaceMethod("rad2deg")
    sinh = OpMethod("sinh")
    sinh_ = InPlaceMethod("sinh")
    cosh = OpMethod("cosh")
    cosh_ = InPlaceMethod("cosh")
    tanh = OpMethod("tanh")
    tanh_ = InPlaceMethod("tanh")
    asinh = OpMethod("asinh")
    asinh_ = InPlaceMethod("asinh")
    acosh = OpMethod("acosh")
    acosh_ = InPlaceMethod("acosh")
    atanh = OpMethod("atanh")
    atanh_ = InPlaceMethod("atanh")
    sigmoid = OpMethod("sigmoid")
    sigmoid_ = InPlaceMethod("sigmoid")
    logit = OpMethod("logit")
    logit_ = InPlaceMethod("logit")
    erf = OpMethod("erf")
    erf_ = InPlaceMethod("erf")
    erfc = OpMethod("erfc")
    erfc_ = InPlaceMethod("erfc")
    erfinv = OpMethod("erfinv")
    erfinv_ = InPlaceMethod("erfinv")
    floor = OpMethod("floor")
    floor_ = InPlaceMethod("floor")
    ceil = OpMethod("ceil")
    ceil_ = InPlaceMethod("ceil")
    round = OpMethod("round")
    round_ = InPlaceMethod("round")
    trunc = OpMethod("trunc")
    trunc_ = InPlaceMethod("trunc")
    frac = OpMethod("frac")
    frac_ = InPlaceMethod("frac")
    fix = OpMethod("fix")
    fix_ = InPlaceMethod("fix")
    clamp = OpMethod("clamp")
    clamp_ = InPlaceMethod("clamp")
    clip = OpMethod("clip")
    clip_ = InPlaceMethod("clip")
    clamp_min = OpMethod("clamp_min")
    clamp_min_ = InPlaceMethod("clamp_min")
    clamp_max = OpMethod("clamp_max")
    clamp_max_ = InPlaceMethod("clamp_max")
    maximum = OpMethod("maximum")
    minimum = OpMethod("minimum")
    fmax = OpMethod("fmax")
    fmin = OpMethod("fmin")
    hypot = OpMethod("hypot")
    hypot_ = InPlaceMethod("hypot")
    nan_to_num = OpMethod("nan_to_num")
    nan_to_num_ = InPlaceMethod("nan_to_num")
    logaddexp = OpMethod("logaddexp")
    logaddexp2 = OpMethod("logaddexp2")
    xlogy = OpMethod("xlogy")
    xlogy_ = InPlaceMethod("xlogy")
    sinc = OpMethod("sinc")
    sinc_ = InPlaceMethod("sinc")

    copysign = OpMethod("copysign")
    copysign_ = InPlaceMethod("copysign")
    heaviside = OpMethod("heaviside")
    heaviside_ = InPlaceMethod("heaviside")
    nextafter = OpMethod("nextafter")
    nextafter_ = InPlaceMethod("nextafter")
    ldexp = OpMethod("ldexp")
    ldexp_ = InPlaceMethod("ldexp")
    frexp = OpMethod("frexp")
    histogram = OpMethod("histogram")

    # --- comparison and logic ------------------------------------------------------------------
    eq = OpMethod("eq")
    eq_ = InPlaceMethod("eq")
    ne = OpMethod("ne")
    ne_ = InPlaceMethod("ne")
    lt = OpMethod("lt")
    lt_ = InPlaceMethod("lt")
    le = OpMethod("le")
    le_ = InPlaceMethod("le")
    gt = OpMethod("gt")
    gt_ = InPlaceMethod("gt")
    ge = OpMethod("ge")
    ge_ = InPlaceMethod("ge")
    greater = OpMethod("greater")
    less = OpMethod("less")
    greater_equal = OpMethod("greater_equal")
    less_equal = OpMethod("less_equal")
    not_equal = OpMethod("not_equal")
    greater_ = InPlaceMethod("greater")
    less_ = InPlaceMethod("less")
    greater_equal_ = InPlaceMethod("greater_equal")
    less_equal_ = InPlaceMethod("less_equal")
    not_equal_ = InPlaceMethod("not_equal")
    isnan = OpMethod("isnan")
    isinf = OpMethod("isinf")
    isfinite = OpMethod("isfinite")
    isclose = OpMethod("isclose")
    allclose = OpMethod("allclose")
    equal = OpMethod("equal")
    logical_and = OpMethod("logical_and")
    logical_and_ = InPlaceMethod("logical_and")
    logical_or = OpMethod("logical_or")
    logical_or_ = InPlaceMethod("logical_or")
    logical_not = OpMethod("logical_not")
    logical_not_ = InPlaceMethod("logical_not")
    logical_xor = OpMethod("logical_xor")
    logical_xor_ = InPlaceMethod("logical_xor")
    any = OpMethod("any")
    all = OpMethod("all")
    isposinf = OpMethod("isposinf")
    isneginf = OpMethod("isneginf")
    signbit = OpMethod("signbit")
    bitwise_not = OpMethod("bitwise_not")
    bitwise_not_ = InPlaceMethod("bitwise_not")
    bitwise_and = OpMethod("bitwise_and")
    bitwise_and_ = InPlaceMethod("bitwise_and")
    bitwise_or = OpMethod("bitwise_or")
    bitwise_or_ = InPlaceMethod("bitwise_or")
    bitwise_xor = OpMethod("bitwise_xor")
    bitwise_xor_ = InPlaceMethod("bitwise_xor")
    bitwise_left_shift = OpMethod("bitwise_left_shift")
    bitwise_left_shift_ = InPlaceMethod("bitwise_left_shift")
    bitwise_right_shift = OpMethod("bitwise_right_shift")
    bitwise_right_shift_ = InPlaceMethod("bitwise_right_shift")
    gcd = OpMethod("gcd")
    gcd_ = InPlaceMethod("gcd")
    lcm = OpMethod("lcm")
    lcm_ = InPlaceMethod("lcm")
    isreal = OpMethod("isreal")
    is_nonzero = OpMethod("is_nonzero")

    # --- reductions ----------------------------------------------------------------------------
    sum = OpMethod("sum")
    mean = OpMethod("mean")
    prod = OpMethod("prod")

    def norm(self, p: Any = "fro", dim: Any = None, keepdim: bool = False, dtype: Any = None) -> Tensor:
        """Vector p-norm over `dim` (p: 'fro', a float, 0, ±inf; 'nuc' with two dims): `retrograd.norm(self, ...)`.

        The method has no `out`, so `dtype` is its fourth argument (`x.norm(2, 0, False, torch.float64)`).

        Args:
            p (float or str): the order: `'fro'` (default), a number, `inf`, `-inf`, or `'nuc'`.
            dim (int or tuple of int, optional): the dims to reduce; all of them when omitted.
            keepdim (bool): keep the reduced dims, with size 1 (default False).
            dtype (dtype, optional): cast the input to this dtype first.

        Returns:
            Tensor: the norm, reduced like `sum`.

        Examples:
            >>> x = retrograd.tensor([[3.0, 4.0], [1.0, 2.0]])
            >>> x.norm(2, 1, False, retrograd.float64)
            tensor([5.0000, 2.2361], dtype=retrograd.float64)
        """
        return _ops.norm(self, p, dim, keepdim, dtype=dtype)

    logsumexp = OpMethod("logsumexp")
    count_nonzero = OpMethod("count_nonzero")
    nansum = OpMethod("nansum")
    nanmean = OpMethod("nanmean")
    max = OpMethod("max")
    min = OpMethod("min")
    amax = OpMethod("amax")
    amin = OpMethod("amin")
    argmax = OpMethod("argmax")
    argmin = OpMethod("argmin")
    aminmax = OpMethod("aminmax")
    var = OpMethod("var")
    std = OpMethod("std")
    cumsum = OpMethod("cumsum")
    cumsum_ = InPlaceMethod("cumsum")
    cumprod = OpMethod("cumprod")
    cumprod_ = InPlaceMethod("cumprod")
    cummax = OpMethod("cummax")
    cummin = OpMethod("cummin")
    logcumsumexp = OpMethod("logcumsumexp")
    diff = OpMethod("diff")
    cov = OpMethod("cov")
    corrcoef = OpMethod("corrcoef")
    quantile = OpMethod("quantile")
    nanquantile = OpMethod("nanquantile")

    # --- sorting and selection -----------------------------------------------------------------
    median = OpMethod("median")
    nanmedian = OpMethod("nanmedian")
    sort = OpMethod("sort")
    argsort = OpMethod("argsort")
    topk = OpMethod("topk")
    kthvalue = OpMethod("kthvalue")
    mode = OpMethod("mode")
    msort = OpMethod("msort")
    unique = OpMethod("unique")
    unique_consecutive = OpMethod("unique_consecutive")
    bincount = OpMethod("bincount")
    histc = OpMethod("histc")

    # --- linear algebra ------------------------------------------------------------------------
    matmul = OpMethod("matmul")
    mm = OpMethod("mm")
    bmm = OpMethod("bmm")
    smm = OpMethod("smm")
    sspaddmm = OpMethod("sspaddmm")
    mv = OpMethod("mv")
    dot = OpMethod("dot")
    vdot = OpMethod("vdot")
    outer = OpMethod("outer")
    inner = OpMethod("inner")
    kron = OpMethod("kron")
    cross = OpMethod("cross")
    ger = OpMethod("ger")

    # --- shape: diagonals and triangles --------------------------------------------------------
    diag = OpMethod("diag")
    diagonal = OpMethod("diagonal")
    trace = OpMethod("trace")
    tril = OpMethod("tril")
    tril_ = InPlaceMethod("tril")
    triu = OpMethod("triu")
    triu_ = InPlaceMethod("triu")
    diag_embed = OpMethod("diag_embed")

    # --- shape: views --------------------------------------------------------------------------
    reshape = OpMethod("reshape")
    view = OpMethod("view")
    view_as = OpMethod("view_as")
    flatten = OpMethod("flatten")
    ravel = OpMethod("ravel")
    unflatten = OpMethod("unflatten")
    squeeze = OpMethod("squeeze")
    unsqueeze = OpMethod("unsqueeze")
    transpose = OpMethod("transpose")
    swapaxes = OpMethod("swapaxes")
    swapdims = OpMethod("swapdims")
    permute = OpMethod("permute")
    movedim = OpMethod("movedim")
    moveaxis = OpMethod("moveaxis")
    t = OpMethod("t")
    expand = OpMethod("expand")
    expand_as = OpMethod("expand_as")
    broadcast_to = OpMethod("broadcast_to")
    as_strided = OpMethod("as_strided")
    as_strided_ = OpMethod("as_strided_")
    as_strided_scatter = OpMethod("as_strided_scatter")

    # --- shape: repeat, flip, roll -------------------------------------------------------------
    repeat = OpMethod("repeat")
    repeat_interleave = OpMethod("repeat_interleave")
    tile = OpMethod("tile")
    flip = OpMethod("flip")
    fliplr = OpMethod("fliplr")
    flipud = OpMethod("flipud")
    roll = OpMethod("roll")
    unfold = OpMethod("unfold")
    rot90 = OpMethod("rot90")

    # --- shape: slices and splits --------------------------------------------------------------
    narrow = OpMethod("narrow")
    narrow_copy = OpMethod("narrow_copy")
    chunk = OpMethod("chunk")
    unbind = OpMethod("unbind")
    select = OpMethod("select")
    tensor_split = OpMethod("tensor_split")
    hsplit = OpMethod("hsplit")
    vsplit = OpMethod("vsplit")
    dsplit = OpMethod("dsplit")

    # --- indexing: gather, scatter, index_* ----------------------------------------------------
    gather = OpMethod("gather")
    scatter = OpMethod("scatter")
    scatter_ = InPlaceMethod("scatter")
    scatter_add = OpMethod("scatter_add")
    scatter_add_ = InPlaceMethod("scatter_add")
    take = OpMethod("take")
    take_along_dim = OpMethod("take_along_dim")
    put = OpMethod("put")
    put_ = InPlaceMethod("put")
    scatter_reduce = OpMethod("scatter_reduce")
    scatter_reduce_ = InPlaceMethod("scatter_reduce")

    index_reduce = OpMethod("index_reduce")
    index_reduce_ = InPlaceMethod("index_reduce")
    slice_scatter = OpMethod("slice_scatter")
    select_scatter = OpMethod("select_scatter")
    diagonal_scatter = OpMethod("diagonal_scatter")

    # --- indexing: masks -----------------------------------------------------------------------
    index_select = OpMethod("index_select")
    index_add = OpMethod("index_add")
    index_add_ = InPlaceMethod("index_add")
    index_copy = OpMethod("index_copy")
    index_copy_ = InPlaceMethod("index_copy")
    index_fill = OpMethod("index_fill")
    index_fill_ = InPlaceMethod("index_fill")
    masked_fill = OpMethod("masked_fill")
    masked_fill_ = InPlaceMethod("masked_fill")
    masked_select = OpMethod("masked_select")
    masked_scatter = OpMethod("masked_scatter")
    masked_scatter_ = InPlaceMethod("masked_scatter")

    # --- indexing: take, put, nonzero ----------------------------------------------------------
    nonzero = OpMethod("nonzero")
    nonzero_static = OpMethod("nonzero_static")
    index_put = OpMethod("index_put")
    index_put_ = InPlaceMethod("index_put")
    argwhere = OpMethod("argwhere")

    # --- activations ---------------------------------------------------------------------------
    relu = OpMethod("relu")
    relu_ = InPlaceMethod("relu")
    prelu = OpMethod("prelu")
    hardshrink = OpMethod("hardshrink")
    softmax = OpMethod("softmax")
    log_softmax = OpMethod("log_softmax")
    det = OpMethod("det")
    inverse = OpMethod("inverse")
    logdet = OpMethod("logdet")
    slogdet = OpMethod("slogdet")
    cholesky = OpMethod("cholesky")
    qr = OpMethod("qr")
    svd = OpMethod("svd")
    pinverse = OpMethod("pinverse")
    matrix_power = OpMethod("matrix_power")
    matrix_exp = OpMethod("matrix_exp")
    addmm = OpMethod("addmm")
    addmm_ = InPlaceMethod("addmm")
    addmv = OpMethod("addmv")
    addmv_ = InPlaceMethod("addmv")
    addbmm = OpMethod("addbmm")
    addbmm_ = InPlaceMethod("addbmm")
    baddbmm = OpMethod("baddbmm")
    baddbmm_ = InPlaceMethod("baddbmm")

    # --- the classic linear algebra and gamma-family names (ops.linalg.classic, compact_qr, gamma_names)
    addr = OpMethod("addr")
    addr_ = InPlaceMethod("addr")
    dist = OpMethod("dist")
    renorm = OpMethod("renorm")
    renorm_ = InPlaceMethod("renorm")
    cholesky_solve = OpMethod("cholesky_solve")
    cholesky_inverse = OpMethod("cholesky_inverse")
    lu_solve = OpMethod("lu_solve")
    triangular_solve = OpMethod("triangular_solve")
    geqrf = OpMethod("geqrf")
    orgqr = OpMethod("orgqr")
    ormqr = OpMethod("ormqr")
    # removed by PyTorch in 1.9: each raises its advice (ops.linalg.removed)
    eig = OpMethod("eig")
    lstsq = OpMethod("lstsq")
    solve = OpMethod("solve")
    symeig = OpMethod("symeig")
    adjoint = OpMethod("adjoint")
    diagflat = OpMethod("diagflat")
    positive = OpMethod("positive")
    split_with_sizes = OpMethod("split_with_sizes")
    is_signed = OpMethod("is_signed")
    is_same_size = OpMethod("is_same_size")
    digamma = OpMethod("digamma")
    digamma_ = InPlaceMethod("digamma")
    lgamma = OpMethod("lgamma")
    lgamma_ = InPlaceMethod("lgamma")
    i0 = OpMethod("i0")
    i0_ = InPlaceMethod("i0")
    igamma = OpMethod("igamma")
    igamma_ = InPlaceMethod("igamma")
    igammac = OpMethod("igammac")
    igammac_ = InPlaceMethod("igammac")
    mvlgamma = OpMethod("mvlgamma")
    mvlgamma_ = InPlaceMethod("mvlgamma")

    # --- random sampling (from retrograd.random) -----------------------------------------------
    bernoulli = OpMethod("bernoulli")
    multinomial = OpMethod("multinomial")

    # --- operators: Python's arithmetic and comparison syntax ------------------------------
    # A TypeError (an operand no op takes: None, a string, a list) becomes NotImplemented, as in
    # PyTorch: Python then tries the other operand's method, and otherwise raises its own
    # "unsupported operand type(s)" error; `==` and `!=` fall back to identity (`t == None` is False).
    # `bind` replaces + - * / @ (and reflected + *) by their ops themselves, for speed: those ops
    # answer an operand they cannot take with NotImplemented when the operator protocol called
    # them (`ops/kernels/operands.refused_operand`), so they behave as these do.
    # A NumPy array is no operand of an operator but `==` (PyTorch's return NotImplemented): NumPy
    # then computes `t + a` on the tensor's array, with its own type promotion, and wraps the result
    # as a tensor (`Tensor.__array_wrap__`); `t += a` rebinds t to that new tensor; `a + t` and
    # `t < a` raise Python's TypeError, as NumPy defers to the tensor's `__array_priority__`.
    # (`t != a` stays elementwise, where PyTorch's falls back to identity and answers True.)

    def __add__(self, other: Any) -> Tensor:
        try:
            return _ops.add(self, other)
        except TypeError:
            return NotImplemented

    def __radd__(self, other: Any) -> Tensor:
        try:
            return _ops.add(self, other)
        except TypeError:
            return NotImplemented

    def __iadd__(self, other: Any) -> Tensor:
        if isinstance(other, np.ndarray):
            return NotImplemented
        try:
            return _inplace.apply(self, _ops.add, other)
        except TypeError:
            return NotImplemented

    def __sub__(self, other: Any) -> Tensor:
        try:
            return _ops.sub(self, other)
        except TypeError:
            return NotImplemented

    def __rsub__(self, other: Any) -> Tensor:
        if isinstance(other, np.ndarray):
            return NotImplemented
        try:
            return _ops.rsub(self, other)
        except TypeError:
            return NotImplemented

    def __isub__(self, other: Any) -> Tensor:
        if isinstance(other, np.ndarray):
            return NotImplemented
        try:
            return _inplace.apply(self, _ops.sub, other)
        except TypeError:
            return NotImplemented

    def __mul__(self, other: Any) -> Tensor:
        try:
            return _ops.mul(self, other)
        except TypeError:
            return NotImplemented

    def __rmul__(self, other: Any) -> Tensor:
        try:
            return _ops.mul(self, other)
        except TypeError:
            return NotImplemented

    def __imul__(self, other: Any) -> Tensor:
        if isinstance(other, np.ndarray):
            return NotImplemented
        try:
            return _inplace.apply(self, _ops.mul, other)
        except TypeError:
            return NotImplemented

    def __truediv__(self, other: Any) -> Tensor:
        try:
            return _ops.div(self, other)
        except TypeError:
            return NotImplemented

    def __rdiv__(self, other: Any) -> Tensor:
        if isinstance(other, np.ndarray):  # PyTorch's `reciprocal() * other`: NumPy multiplies
            return self.reciprocal() * other
        try:
            return _ops.rdiv(self, other)
        except TypeError:
            return NotImplemented

    __rtruediv__ = __rdiv__  # (as PyTorch's: `__torch_function__` reports `2 / x` as `Tensor.__rdiv__`)

    def __itruediv__(self, other: Any) -> Tensor:
        if isinstance(other, np.ndarray):
            return NotImplemented
        try:
            return _inplace.apply(self, _ops.div, other)
        except TypeError:
            return NotImplemented

    def __floordiv__(self, other: Any) -> Tensor:
        if isinstance(other, np.ndarray):
            return NotImplemented
        try:
            return _ops.floor_divide(self, other)
        except TypeError:
            return NotImplemented

    def __rfloordiv__(self, other: Any) -> Tensor:
        if isinstance(other, np.ndarray):
            return NotImplemented
        try:
            return _ops.floor_divide(_ops.scalar_like(other, self), self)
        except TypeError:
            return NotImplemented

    def __ifloordiv__(self, other: Any) -> Tensor:
        if isinstance(other, np.ndarray):
            return NotImplemented
        try:
            return _inplace.apply(self, _ops.floor_divide, other)
        except TypeError:
            return NotImplemented

    def __mod__(self, other: Any) -> Tensor:
        if isinstance(other, np.ndarray):
            return NotImplemented
        try:
            return _ops.remainder(self, other)
        except TypeError:
            return NotImplemented

    def __rmod__(self, other: Any) -> Tensor:
        if isinstance(other, np.ndarray):
            return NotImplemented
        try:
            return _ops.remainder(_ops.scalar_like(other, self), self)
        except TypeError:
            return NotImplemented

    def __imod__(self, other: Any) -> Tensor:
        if isinstance(other, np.ndarray):
            return NotImplemented
        try:
            return _inplace.apply(self, _ops.remainder, other)
        except TypeError:
            return NotImplemented

    def __pow__(self, other: Any, modulo: Any = None) -> Tensor:
        if modulo is not None or isinstance(other, np.ndarray):  # pow(t, e, m): Python's TypeError
            return NotImplemented
        try:
            return _ops.pow(self, other)
        except TypeError:
            return NotImplemented

    def __rpow__(self, other: Any) -> Tensor:
        if isinstance(other, np.ndarray):
            return NotImplemented
        try:
            if isinstance(other, (int, float, complex)):  # a number base: PowBackward2, as PyTorch
                return _ops.pow(other, self)
            return _ops.pow(_ops.scalar_like(other, self), self)
        except TypeError:
            return NotImplemented

    def __ipow__(self, other: Any, modulo: Any = None) -> Tensor:  # (modulo: __pow__'s signature)
        if modulo is not None or isinstance(other, np.ndarray):
            return NotImplemented
        try:
            return _inplace.apply(self, _ops.pow, other)
        except TypeError:
            return NotImplemented

    def __matmul__(self, other: Any) -> Tensor:
        try:
            return _ops.matmul(self, other)
        except TypeError:
            return NotImplemented

    def __rmatmul__(self, other: Any) -> Tensor:
        if isinstance(other, np.ndarray):
            return NotImplemented
        try:
            return _ops.matmul(other, self)
        except TypeError:
            return NotImplemented

    def __neg__(self) -> Tensor:
        return _ops.neg(self)

    def __pos__(self) -> Tensor:
        return _ops.positive(self)  # itself; refused for bool, as PyTorch's

    def __abs__(self) -> Tensor:
        return _ops.abs(self)

    def __invert__(self) -> Tensor:
        if self._data.dtype.kind not in "biu":
            raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type tensors")
        return _ops.bitwise_not(self)

    def __and__(self, other: Any) -> Tensor:
        if isinstance(other, np.ndarray):
            return NotImplemented
        try:
            return _ops.bitwise_and(self, other)
        except TypeError:
            return NotImplemented

    __rand__ = __and__

    def __or__(self, other: Any) -> Tensor:
        if isinstance(other, np.ndarray):
            return NotImplemented
        try:
            return _ops.bitwise_or(self, other)
        except TypeError:
            return NotImplemented

    __ror__ = __or__

    def __xor__(self, other: Any) -> Tensor:
        if isinstance(other, np.ndarray):
            return NotImplemented
        try:
            return _ops.bitwise_xor(self, other)
        except TypeError:
            return NotImplemented

    __rxor__ = __xor__

    def __iand__(self, other: Any) -> Tensor:
        if isinstance(other, np.ndarray):
            return NotImplemented
        try:
            return _inplace.apply(self, _ops.bitwise_and, other)
        except TypeError:
            return NotImplemented

    def __ior__(self, other: Any) -> Tensor:
        if isinstance(other, np.ndarray):
            return NotImplemented
        try:
            return _inplace.apply(self, _ops.bitwise_or, other)
        except TypeError:
            return NotImplemented

    def __ixor__(self, other: Any) -> Tensor:
        if isinstance(other, np.ndarray):
            return NotImplemented
        try:
            return _inplace.apply(self, _ops.bitwise_xor, other)
        except TypeError:
            return NotImplemented

    def __lshift__(self, other: Any) -> Tensor:
        if isinstance(other, np.ndarray):
            return NotImplemented
        try:
            return _ops.bitwise_left_shift(self, other)
        except TypeError:
            return NotImplemented

    def __rlshift__(self, other: Any) -> Tensor:
        if isinstance(other, np.ndarray):
            return NotImplemented
        try:
            return _ops.bitwise_left_shift(_ops.scalar_like(other, self), self)
        except TypeError:
            return NotImplemented

    def __ilshift__(self, other: Any) -> Tensor:
        if isinstance(other, np.ndarray):
            return NotImplemented
        try:
            return _inplace.apply(self, _ops.bitwise_left_shift, other)
        except TypeError:
            return NotImplemented

    def __rshift__(self, other: Any) -> Tensor:
        if isinstance(other, np.ndarray):
            return NotImplemented
        try:
            return _ops.bitwise_right_shift(self, other)
        except TypeError:
            return NotImplemented

    def __rrshift__(self, other: Any) -> Tensor:
        if isinstance(other, np.ndarray):
            return NotImplemented
        try:
            return _ops.bitwise_right_shift(_ops.scalar_like(other, self), self)
        except TypeError:
            return NotImplemented

    def __irshift__(self, other: Any) -> Tensor:
        if isinstance(other, np.ndarray):
            return NotImplemented
        try:
            return _inplace.apply(self, _ops.bitwise_right_shift, other)
        except TypeError:
            return NotImplemented

    def __eq__(self, other: Any) -> Tensor:  # type: ignore[override]
        try:
            return _ops.eq(self, other)
        except TypeError:
            return NotImplemented

    def __ne__(self, other: Any) -> Tensor:  # type: ignore[override]
        try:
            return _ops.ne(self, other)
        except TypeError:
            return NotImplemented

    def __lt__(self, other: Any) -> Tensor:
        if isinstance(other, np.ndarray):
            return NotImplemented
        try:
            return _ops.lt(self, other)
        except TypeError:
            return NotImplemented

    def __le__(self, other: Any) -> Tensor:
        if isinstance(other, np.ndarray):
            return NotImplemented
        try:
            return _ops.le(self, other)
        except TypeError:
            return NotImplemented

    def __gt__(self, other: Any) -> Tensor:
        if isinstance(other, np.ndarray):
            return NotImplemented
        try:
            return _ops.gt(self, other)
        except TypeError:
            return NotImplemented

    def __ge__(self, other: Any) -> Tensor:
        if isinstance(other, np.ndarray):
            return NotImplemented
        try:
            return _ops.ge(self, other)
        except TypeError:
            return NotImplemented

    def __getitem__(self, index: Any) -> Tensor:
        return _ops.getitem(self, index)

    def __setitem__(self, index: Any, value: Any) -> None:
        _ops.setitem(self, index, value)

    # --- methods written by hand: their arguments differ from their op's --------------------

    def polygamma(self, n: int) -> Tensor:
        """ψ⁽ⁿ⁾ of this tensor (`retrograd.polygamma(n, self)`: the order comes first there).

        Args:
            n (int): the derivative order, n ≥ 0 (0 is the digamma function, 1 trigamma).

        Returns:
            Tensor: the n-th derivative of the digamma function at each element (float; integer
                inputs are promoted), recorded for autograd.

        Examples:
            >>> retrograd.tensor([1.0, 2.0]).polygamma(1)
            tensor([1.6449, 0.6449])
        """
        return _ops.polygamma(n, self)

    def polygamma_(self, n: int) -> Tensor:
        """`polygamma` written into this tensor.

        Args:
            n (int): the derivative order, n ≥ 0.

        Returns:
            Tensor: this tensor, now holding ψ⁽ⁿ⁾ of its old values (it must be floating point).

        Examples:
            >>> x = retrograd.tensor([1.0, 0.5])
            >>> x.polygamma_(0)
            tensor([-0.5772, -1.9635])
            >>> x
            tensor([-0.5772, -1.9635])
        """
        return _inplace.apply(self, lambda t: _ops.polygamma(n, t))

    def float_power_(self, exponent: Any) -> Tensor:
        """`float_power` written into this tensor, which must be float64 (or complex128) to hold it.

        Args:
            exponent (Tensor or number): the power, broadcast to this tensor's shape.

        Returns:
            Tensor: this tensor, now `self ** exponent` computed in double precision; a tensor of
                another dtype raises RuntimeError.

        Examples:
            >>> x = retrograd.tensor([2.0, 3.0], dtype=retrograd.float64)
            >>> x.float_power_(2)
            tensor([4., 9.], dtype=retrograd.float64)
        """
        complex_result = self.is_complex() or isinstance(exponent, (complex, np.complexfloating)) or (
            isinstance(exponent, _tt.Tensor) and exponent.is_complex()
        )
        result = "ComplexDouble" if complex_result else "Double"
        if self.dtype.kind_name != result:
            raise RuntimeError(
                f"the base given to float_power_ has dtype {self.dtype.kind_name} but the operation's result "
                f"requires dtype {result}"
            )
        return _inplace.apply(self, _ops.float_power, exponent)

    def split(self, split_size: int | Sequence[int], dim: int = 0) -> tuple[Tensor, ...]:
        """Views of `split_size`-long pieces along `dim` (the last may be shorter), or of the given sizes.

        `retrograd.split` as a method, whose argument PyTorch names `split_size` (the function's is
        `split_size_or_sections`): Mamba's `x.split(split_size=[r, n, n], dim=-1)`.

        Args:
            split_size (int or sequence of int): the length of every piece, or a list of lengths
                that sum to the dim's size.
            dim (int): the dim to split (default 0).

        Returns:
            tuple of Tensor: the pieces, as views of this tensor.

        Examples:
            >>> retrograd.arange(5).split(split_size=[1, 4])
            (tensor([0]), tensor([1, 2, 3, 4]))
        """
        return _ops.split(self, split_size, dim)

    def lu(self, pivot: bool = True, get_infos: bool = False) -> tuple[Tensor, ...]:
        """(LU, pivots), and the infos when `get_infos`: `retrograd.lu` as a method (deprecated in PyTorch).

        PyTorch's method returns a plain tuple where the function returns the named tuple
        `_lu_with_info`; it has no `out=`.

        Args:
            pivot (bool): pivot rows (default True; False is not supported on CPU, as in PyTorch).
            get_infos (bool): also return the int32 infos, nonzero where a pivot is zero (default False).

        Returns:
            tuple of Tensor: `(LU, pivots)` or `(LU, pivots, infos)`.

        Examples:
            >>> type(retrograd.eye(2).lu(get_infos=True)).__name__
            'tuple'
        """
        LU, pivots, infos = _ops.lu(self, pivot=pivot, get_infos=True)
        return (LU, pivots, infos) if get_infos else (LU, pivots)

    def reshape_as(self, other: Tensor) -> Tensor:
        """This tensor's elements in `other`'s shape: `self.reshape(other.shape)`.

        Args:
            other (Tensor): a tensor with as many elements as this one; only its shape is used.

        Returns:
            Tensor: a view when the memory allows (as `reshape`), else a copy.

        Examples:
            >>> retrograd.arange(6).reshape_as(retrograd.zeros(2, 3))
            tensor([[0, 1, 2],
                    [3, 4, 5]])
        """
        _ops.kernels.arg_types.tensor_arg("reshape_as", "other", 1, other)
        return _ops.reshape(self, tuple(other.shape))

    def sum_to_size(self, *sizes: Any, size: Any = None) -> Tensor:
        """Summed down to `size`, which must broadcast to this tensor's shape (the reverse of `expand`).

        Args:
            *sizes (int or sequence of int): the target shape, as separate ints or one sequence; each
                size is this tensor's or 1 (leading dims may be left out).
            size (sequence of int, optional): the target shape by keyword instead.

        Returns:
            Tensor: shape `size`, each element the sum of the elements that broadcast from it.

        Examples:
            >>> x = retrograd.ones(2, 3)
            >>> x.sum_to_size(1, 3)
            tensor([[2., 2., 2.]])
            >>> x.sum_to_size((2, 1))
            tensor([[3.],
                    [3.]])
        """
        return _ops.tensor_only.sum_to_size(self, *sizes, size=size)

    # --- sparse COO: the methods PyTorch has no `torch.<name>` function for (ops/sparse/layout.py) ---
    def to_dense(self, dtype: dtype | None = None, *, masked_grad: bool | None = None) -> Tensor:
        """The dense tensor a sparse one stands for (duplicates summed); a dense tensor itself.

        Examples:
            >>> retrograd.sparse_coo_tensor([[1]], [5.0], (3,)).to_dense()
            tensor([0., 5., 0.])
        """
        if dtype is not None:
            dtype = _ops.kernels.arg_types.dtype_arg("to_dense", "dtype", 1, dtype)
        return _ops.sparse.compressed.to_dense(self, dtype, masked_grad=masked_grad)

    def to_sparse(self, sparse_dim: int | None = None, *, layout: Any = None) -> Tensor:
        """A sparse COO tensor of the nonzero entries (over the first `sparse_dim` dims, default all).

        Examples:
            >>> retrograd.tensor([0.0, 2.0]).to_sparse()._nnz()
            1
        """
        return _ops.sparse.compressed.to_sparse(self, sparse_dim, layout=layout)

    def to_sparse_coo(self) -> Tensor:
        """`to_sparse()`: a sparse COO tensor of the nonzero entries."""
        return _ops.sparse.compressed.to_sparse_coo(self)

    def sparse_mask(self, mask: Tensor) -> Tensor:
        """The entries of this dense tensor at the positions sparse `mask` holds, as a sparse tensor."""
        _ops.kernels.arg_types.tensor_arg("sparse_mask", "mask", 1, mask)
        return _ops.sparse.layout.sparse_mask(self, mask)

    def coalesce(self) -> Tensor:
        """This sparse tensor with its entries sorted by index and duplicates summed."""
        return _ops.sparse.layout.coalesce(self)

    def is_coalesced(self) -> bool:
        """Whether this sparse tensor's entries are known to be sorted and unique."""
        return _ops.sparse.layout.is_coalesced(self)

    def _coalesced_(self, coalesced: bool) -> Tensor:
        """Declare, in place and unchecked, whether this sparse tensor's entries are sorted and unique."""
        return _ops.sparse.layout.set_coalesced(self, coalesced)

    def indices(self) -> Tensor:
        """The `(sparse_dim, nnz)` coordinates of a coalesced sparse tensor."""
        return _ops.sparse.layout.indices(self)

    def values(self) -> Tensor:
        """The `(nnz, *dense_dims)` entries of a coalesced sparse tensor (differentiable)."""
        return _ops.sparse.compressed.values(self)

    def _indices(self) -> Tensor:
        """The stored coordinates of a sparse tensor, coalesced or not."""
        return _ops.sparse.layout.raw_indices(self)

    def _values(self) -> Tensor:
        """The stored entries of a sparse tensor, coalesced or not (no graph)."""
        return _ops.sparse.layout.raw_values(self)

    def _nnz(self) -> int:
        """How many entries a sparse tensor stores (duplicates counted)."""
        return _ops.sparse.compressed.nnz(self)

    def sparse_dim(self) -> int:
        """How many leading dims are sparse (0 for a dense tensor)."""
        return _ops.sparse.compressed.sparse_dim(self)

    def dense_dim(self) -> int:
        """How many trailing dims each stored entry spans (all dims of a dense tensor)."""
        return _ops.sparse.compressed.dense_dim(self)

    # --- sparse CSR/CSC (ops/sparse/compressed.py) ---
    def to_sparse_csr(self, dense_dim: int | None = None) -> Tensor:
        """A sparse CSR tensor of this 2-D tensor's nonzero entries, row by row.

        Examples:
            >>> retrograd.tensor([[0.0, 2.0], [3.0, 0.0]]).to_sparse_csr().crow_indices()
            tensor([0, 1, 2])
        """
        if dense_dim:
            raise NotImplementedError("retrograd's sparse compressed tensors have no dense dims")
        return _ops.sparse.compressed.to_compressed(self, "sparse_csr")

    def to_sparse_csc(self, dense_dim: int | None = None) -> Tensor:
        """A sparse CSC tensor of this 2-D tensor's nonzero entries, column by column."""
        if dense_dim:
            raise NotImplementedError("retrograd's sparse compressed tensors have no dense dims")
        return _ops.sparse.compressed.to_compressed(self, "sparse_csc")

    def crow_indices(self) -> Tensor:
        """A CSR tensor's `(rows + 1,)` int64 offsets: row i holds entries `crow[i]:crow[i + 1]`."""
        return _ops.sparse.compressed.compressed_indices(self, "crow_indices")

    def col_indices(self) -> Tensor:
        """A CSR tensor's `(nnz,)` int64 column of each entry."""
        return _ops.sparse.compressed.plain_indices(self, "col_indices")

    def ccol_indices(self) -> Tensor:
        """A CSC tensor's `(cols + 1,)` int64 offsets: column j holds entries `ccol[j]:ccol[j + 1]`."""
        return _ops.sparse.compressed.compressed_indices(self, "ccol_indices")

    def row_indices(self) -> Tensor:
        """A CSC tensor's `(nnz,)` int64 row of each entry."""
        return _ops.sparse.compressed.plain_indices(self, "row_indices")

    cfloat = dtype_conversion("cfloat")
    cdouble = dtype_conversion("cdouble")

    def const_data_ptr(self) -> int:
        """The address of the first element (`data_ptr`; retrograd makes no read-only distinction).

        Returns:
            int: the same address as `data_ptr()`.

        Examples:
            >>> x = retrograd.zeros(3)
            >>> x.const_data_ptr() == x.data_ptr()
            True
        """
        return self.data_ptr()

    def set_(self, source: Any = None, storage_offset: int = 0, size: Any = None, stride: Any = None) -> Tensor:
        """Make this tensor use other memory: a tensor's (its shape, strides and offset), a storage's
        (all of it as 1-D, or `size` elements `stride` apart from element `storage_offset`), or none
        (an empty tensor). Writing either one writes both.

        Args:
            source (Tensor or Storage, optional): whose memory to use; nothing gives an empty tensor.
            storage_offset (int): with a storage and `size`, the first element's index in it.
            size (sequence of int, optional): the shape (default: the whole source).
            stride (sequence of int, optional): the strides, in elements (default: row-major for `size`).

        Returns:
            Tensor: this tensor.

        Examples:
            >>> s = retrograd.arange(6.0).untyped_storage()
            >>> retrograd.tensor([]).set_(s, 1, (2, 2), (2, 1))
            tensor([[1., 2.],
                    [3., 4.]])
        """
        if _open_scopes[0]:
            _check_uncaptured(self, "set_", () if source is None else (source,))
        if self._requires_grad and self._grad_fn is None and _grad_state.enabled:
            raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
        data = _ops.tensor_only.set_memory(self, source, storage_offset, size, stride)
        if self._base is not None:  # a view no more: its base's memory is not its own now
            if self._requires_grad:  # (its gradient would flow back to a base it no longer shows)
                raise RuntimeError("set_() on a view that requires grad is not supported by retrograd")
            box = _new_version_box() if _box_blocks[0] else None  # (inside a transform: stamped as made there)
            self._base, self._view_steps, self._view_meta, self._version_box = None, (), None, box
        self._data = data
        self._version_counter.value += 1
        return self

    def fill_diagonal_(self, fill_value: Any, wrap: bool = False) -> Tensor:
        """Write `fill_value` on the main diagonal, in place.

        Args:
            fill_value (number): the value for the elements `[i, i, ..., i]`.
            wrap (bool): for a tall matrix (more rows than columns N), restart the diagonal after every
                N + 1 rows; by default only the top square is filled.

        Returns:
            Tensor: this tensor, which must be a matrix or have all dims equal.

        Examples:
            >>> retrograd.zeros(3, 3).fill_diagonal_(5)
            tensor([[5., 0., 0.],
                    [0., 5., 0.],
                    [0., 0., 5.]])
            >>> retrograd.zeros(5, 2).fill_diagonal_(1, wrap=True)
            tensor([[1., 0.],
                    [0., 1.],
                    [0., 0.],
                    [1., 0.],
                    [0., 1.]])
        """
        arg_types = _ops.kernels.arg_types
        fill_value = arg_types.scalar_arg("fill_diagonal_", "fill_value", 1, fill_value)
        arg_types.bool_arg("fill_diagonal_", "wrap", 2, wrap)
        return _inplace.apply(self, _ops.tensor_only.fill_diagonal, fill_value, wrap)

    def apply_(self, callable: Any) -> Tensor:
        """Replace each element x by `callable(x)` (a Python function; CPU only, no autograd).

        Slow (one Python call per element): for tests and small tensors.

        Args:
            callable (callable): takes one Python number, returns one (cast to this dtype).

        Returns:
            Tensor: this tensor, changed in place.

        Examples:
            >>> retrograd.tensor([1.0, 2.0, 3.0]).apply_(lambda v: v * v + 1)
            tensor([ 2.,  5., 10.])
        """
        return _ops.tensor_only.map_elements(self, "apply_", callable, ())

    def map_(self, tensor: Tensor, callable: Any) -> Tensor:
        """Replace each element x by `callable(x, y)`, y from `tensor` broadcast to this shape.

        Args:
            tensor (Tensor): the second arguments, broadcast to this tensor's shape.
            callable (callable): takes two Python numbers, returns one (cast to this dtype).

        Returns:
            Tensor: this tensor, changed in place (CPU only, not recorded for autograd).

        Examples:
            >>> x = retrograd.tensor([[1, 2], [3, 4]])
            >>> x.map_(retrograd.tensor([10, 100]), lambda a, b: a * b)
            tensor([[ 10, 200],
                    [ 30, 400]])
        """
        return _ops.tensor_only.map_elements(self, "map_", callable, (tensor,))

    def map2_(self, x: Tensor, y: Tensor, callable: Any) -> Tensor:
        """Replace each element s by `callable(s, a, b)`, a and b from `x` and `y` broadcast to this shape.

        Args:
            x (Tensor): the second arguments, broadcast to this tensor's shape.
            y (Tensor): the third arguments, broadcast likewise.
            callable (callable): takes three Python numbers, returns one (cast to this dtype).

        Returns:
            Tensor: this tensor, changed in place (CPU only, not recorded for autograd).

        Examples:
            >>> s = retrograd.zeros(3)
            >>> s.map2_(retrograd.tensor([1.0, 2.0, 3.0]), retrograd.tensor(0.5), lambda v, a, b: v + a * b)
            tensor([0.5000, 1.0000, 1.5000])
        """
        return _ops.tensor_only.map_elements(self, "map2_", callable, (x, y))

    def where(self, condition: Any, other: Any) -> Tensor:
        """`condition ? self : other`, elementwise (`retrograd.where(condition, self, other)`).

        Args:
            condition (Tensor): bool mask, broadcast with this tensor and `other`.
            other (Tensor or number): the values where `condition` is False.

        Returns:
            Tensor: the broadcast shape and promoted dtype; gradients go to this tensor where the
                condition holds and to `other` elsewhere.

        Examples:
            >>> x = retrograd.tensor([1.0, -2.0, 3.0])
            >>> x.where(x > 0, 0.0)
            tensor([1., 0., 3.])
        """
        return _ops.where(condition, self, other)

    def new_tensor(
        self, data: Any, *, dtype: dtype | None = None, device: Any = None, requires_grad: bool = False
    ) -> Tensor:
        """A new tensor from `data`, with this tensor's dtype and device unless given.

        Args:
            data (array_like): a number, (nested) list, NumPy array or tensor; always copied.
            dtype (dtype, optional): the dtype to convert `data` to (default: this tensor's).
            device (device, optional): where the copy goes (default: this tensor's device).
            requires_grad (bool): whether the new leaf requires grad.

        Returns:
            Tensor: a new leaf holding `data`, which shares nothing with this tensor.

        Examples:
            >>> base = retrograd.zeros(2, dtype=retrograd.float64)
            >>> base.new_tensor([1, 2])
            tensor([1., 2.], dtype=retrograd.float64)
        """
        return _ops.new_like(self, "tensor", data, dtype=dtype, device=device, requires_grad=requires_grad)

    def new_zeros(
        self, *sizes: Any, size: Any = None, dtype: dtype | None = None, device: Any = None,
        requires_grad: bool = False, layout: Any = None, pin_memory: bool = False,
    ) -> Tensor:
        """A tensor of zeros of the given size, with this tensor's dtype and device unless given.

        Args:
            *sizes (int or sequence of int): the shape, as separate ints or one sequence.
            size (sequence of int, optional): the shape by keyword instead.
            dtype (dtype, optional): overrides this tensor's dtype.
            device (device, optional): overrides this tensor's device.
            requires_grad (bool): whether the new leaf requires grad.

        Returns:
            Tensor: a new tensor of shape `size` filled with 0.

        Examples:
            >>> base = retrograd.tensor([1, 2])
            >>> base.new_zeros(2, 3)
            tensor([[0, 0, 0],
                    [0, 0, 0]])
        """
        return _ops.new_like(self, "zeros", *sizes, size=size, dtype=dtype, device=device,
                             requires_grad=requires_grad, layout=layout, pin_memory=pin_memory)

    def new_ones(
        self, *sizes: Any, size: Any = None, dtype: dtype | None = None, device: Any = None,
        requires_grad: bool = False, layout: Any = None, pin_memory: bool = False,
    ) -> Tensor:
        """A tensor of ones of the given size, with this tensor's dtype and device unless given.

        Args:
            *sizes (int or sequence of int): the shape: `new_ones(2, 3)` or `new_ones((2, 3))`.
            size (sequence of int, optional): the shape by keyword instead (`new_ones(size=(2, 3))`).
            dtype (dtype, optional): the element type, if not this tensor's.
            device (device, optional): where to allocate, if not on this tensor's device.
            requires_grad (bool): record operations on the result (default False).

        Returns:
            Tensor: a new tensor of shape `size` filled with 1.

        Examples:
            >>> base = retrograd.zeros(1, dtype=retrograd.float64)
            >>> base.new_ones((2,))
            tensor([1., 1.], dtype=retrograd.float64)
            >>> base.new_ones(2, dtype=retrograd.bool)
            tensor([True, True])
        """
        return _ops.new_like(self, "ones", *sizes, size=size, dtype=dtype, device=device,
                             requires_grad=requires_grad, layout=layout, pin_memory=pin_memory)

    def new_full(
        self, size: Any, fill_value: Any, *, dtype: dtype | None = None, device: Any = None,
        requires_grad: bool = False, layout: Any = None, pin_memory: bool = False,
    ) -> Tensor:
        """A tensor of the given size filled with `fill_value`, with this tensor's dtype and device unless given.

        Args:
            size (sequence of int): the shape, as one list or tuple.
            fill_value (number): the value of every element (cast to the dtype).
            dtype (dtype, optional): the dtype (default: this tensor's; `fill_value` is cast to it).
            device (device, optional): the device (default: this tensor's).
            requires_grad (bool): make the result a leaf that requires grad.

        Returns:
            Tensor: a new tensor of shape `size` holding `fill_value` everywhere.

        Examples:
            >>> retrograd.tensor([1, 2]).new_full((2, 2), 7)
            tensor([[7, 7],
                    [7, 7]])
        """
        return _ops.new_like(self, "full", size, fill_value, dtype=dtype, device=device, requires_grad=requires_grad,
                             layout=layout, pin_memory=pin_memory)

    def new_empty(
        self, *sizes: Any, size: Any = None, dtype: dtype | None = None, device: Any = None,
        requires_grad: bool = False, layout: Any = None, pin_memory: bool = False,
    ) -> Tensor:
        """An uninitialised tensor of the given size, with this tensor's dtype and device unless given.

        Args:
            *sizes (int or sequence of int): the dims' sizes, as ints or as one tuple or list.
            size (sequence of int, optional): the dims' sizes by keyword instead.
            dtype (dtype, optional): None keeps this tensor's dtype.
            device (device, optional): None keeps this tensor's device.
            requires_grad (bool): whether autograd tracks the result.

        Returns:
            Tensor: a new tensor of shape `size` whose values are whatever the memory held; write
                every element before reading it.

        Examples:
            >>> y = retrograd.zeros(1, dtype=retrograd.int16).new_empty(2, 3)
            >>> y.shape, y.dtype
            (retrograd.Size([2, 3]), retrograd.int16)
        """
        return _ops.new_like(self, "empty", *sizes, size=size, dtype=dtype, device=device,
                             requires_grad=requires_grad, layout=layout, pin_memory=pin_memory)

    def new_empty_strided(
        self, size: Any, stride: Any, *, dtype: dtype | None = None, device: Any = None, requires_grad: bool = False,
        layout: Any = None, pin_memory: bool = False,
    ) -> Tensor:
        """`retrograd.empty_strided(size, stride)` with this tensor's dtype and device unless given.

        Args:
            size (sequence of int): the shape.
            stride (sequence of int): the step, in elements, of each dim.
            dtype (dtype, optional): None keeps this tensor's dtype.
            device (device, optional): None keeps this tensor's device.
            requires_grad (bool): whether autograd tracks the result.

        Returns:
            Tensor: shape `size` with strides `stride`; its values are not to be relied on.

        Examples:
            >>> y = retrograd.zeros(1, dtype=retrograd.int16).new_empty_strided((2, 3), (1, 2))
            >>> y.stride(), y.dtype
            ((1, 2), retrograd.int16)
        """
        return _ops.empty_strided(
            size, stride, dtype=self.dtype if dtype is None else dtype,
            device=self.device if device is None else device, requires_grad=requires_grad, layout=layout,
            pin_memory=pin_memory,
        )

    def new(self, *args: Any, device: Any = None) -> Tensor:
        """The legacy constructor with this tensor's dtype: `x.new(2, 3)`, `x.new([1, 2])`, `x.new()`.

        New code uses `new_empty`, `new_tensor` and the other `new_*` methods.

        Args:
            *args (int or sequence or Tensor): sizes (an uninitialised tensor of that shape), or one
                list of values (copied), or nothing (an empty 1-d tensor).
            device (device, optional): where to make it (default: the CPU).

        Returns:
            Tensor: a new tensor with this tensor's dtype.

        Examples:
            >>> x = retrograd.tensor([1, 2])
            >>> x.new([3, 4])
            tensor([3, 4])
            >>> x.new(2, 3).shape, x.new().shape
            (retrograd.Size([2, 3]), retrograd.Size([0]))
        """
        return _ops.legacy_new(self.dtype, args, device)

    # --- storage: the memory behind the tensor ------------------------------------------------

    def storage_offset(self) -> int:
        """The first element's position, in elements, from the start of the storage.

        Returns:
            int: 0 for a tensor that starts its memory; for a view, how many elements of its base
                come before it.

        Examples:
            >>> x = retrograd.arange(6).reshape(2, 3)
            >>> x.storage_offset(), x[1].storage_offset(), x[:, 2].storage_offset()
            (0, 3, 2)
        """
        return _storage.storage_offset(self._data)

    def untyped_storage(self) -> _storage.UntypedStorage:
        """The bytes this tensor's memory belongs to (shared by its views).

        Returns:
            UntypedStorage: the whole block of memory, not only the part this tensor covers; a view
                and its base have the same storage.

        Examples:
            >>> x = retrograd.arange(4, dtype=retrograd.int32)
            >>> x.untyped_storage().nbytes(), x[2:].untyped_storage().nbytes()
            (16, 16)
        """
        return _storage.UntypedStorage(_storage.root_array(self._data))

    def storage(self) -> _typed_storage.TypedStorage:
        """The memory this tensor belongs to, as elements of its dtype (deprecated, as in PyTorch).

        Returns:
            TypedStorage: every element of the memory block, in memory order; a view and its base
                have the same elements. The first use warns that TypedStorage is deprecated.

        Examples:
            >>> x = retrograd.arange(6)
            >>> x.view(2, 3).storage().tolist() == x.storage().tolist()  # doctest: +SKIP
            True
        """
        _typed_storage.warn_removal()
        return _typed_storage.TypedStorage(self.untyped_storage(), self.dtype)

    def storage_type(self) -> type | None:
        """The legacy storage class of this tensor's dtype (deprecated, as `storage()` is).

        Returns:
            type or None: `FloatStorage` for a float32 tensor, `LongStorage` for int64, ...; None for
                the dtypes that have none (the unsigned ones past uint8, the float8 ones).

        Examples:
            >>> retrograd.ones(2).storage_type()  # doctest: +SKIP
            <class 'retrograd.FloatStorage'>
        """
        _typed_storage.warn_removal()
        return _typed_storage.legacy_class(self.dtype)

    def resize_(self, *sizes: Any, memory_format: Any = None) -> Tensor:
        """Give this tensor a new shape in place, keeping its first elements (new ones uninitialised).

        Args:
            *sizes (int or sequence of int): the new shape, as separate ints or one sequence.
            memory_format (memory_format, optional): only the default (row-major) layout is supported.

        Returns:
            Tensor: this tensor, with the new shape; the elements it keeps are its first ones in
                row-major order, elements past the old end hold arbitrary values.

        Examples:
            >>> x = retrograd.tensor([1.0, 2.0, 3.0, 4.0, 5.0])
            >>> x.resize_(2, 2)
            tensor([[1., 2.],
                    [3., 4.]])
        """
        if memory_format is not None and memory_format is not _layouts.contiguous_format:
            raise NotImplementedError("resize_(): only the default memory_format is supported")
        if _open_scopes[0]:
            _check_uncaptured(self, "resize_")
        shape = tuple(sizes[0]) if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)) else sizes
        _storage.resize_in_place(self, tuple(int(s) for s in shape))
        return self

    def resize_as_(self, the_template: Tensor, *, memory_format: Any = None) -> Tensor:
        """`resize_` to another tensor's shape.

        Args:
            the_template (Tensor): the tensor whose shape to take (its values are not used).
            memory_format (memory_format, optional): as `resize_`'s: only the default layout.

        Returns:
            Tensor: this tensor with `the_template`'s shape; see `resize_` for which elements stay.

        Examples:
            >>> x = retrograd.arange(6)
            >>> x.resize_as_(retrograd.zeros(2, 2))
            tensor([[0, 1],
                    [2, 3]])
        """
        if not isinstance(the_template, TensorMethods):
            kind = type(the_template).__name__
            raise TypeError(f"resize_as_(): argument 'the_template' (position 2) must be Tensor, not {kind}")
        return self.resize_(tuple(the_template.shape), memory_format=memory_format)

    def resize(self, *sizes: Any) -> Tensor:
        """A copy of another shape with the same number of elements (deprecated, as in PyTorch: use `reshape`).

        Args:
            *sizes (int): the new shape, as separate ints.

        Returns:
            Tensor: this tensor's elements in row-major order, shaped `sizes`; gradients flow back
                to this tensor. Warns "non-inplace resize is deprecated" each time.

        Examples:
            >>> import warnings
            >>> with warnings.catch_warnings():
            ...     warnings.simplefilter("ignore")
            ...     retrograd.arange(4).resize(2, 2)
            tensor([[0, 1],
                    [2, 3]])
        """
        warnings.warn("non-inplace resize is deprecated", UserWarning, stacklevel=frames_up(2))
        return _autograd_resize(self, sizes)

    def resize_as(self, tensor: Tensor) -> Tensor:
        """`resize` to another tensor's shape (deprecated, as in PyTorch: use `reshape_as`).

        Args:
            tensor (Tensor): the tensor whose shape to take; it needs as many elements as this one.

        Returns:
            Tensor: this tensor's elements shaped as `tensor`. Warns "non-inplace resize_as is deprecated".

        Examples:
            >>> import warnings
            >>> with warnings.catch_warnings():
            ...     warnings.simplefilter("ignore")
            ...     retrograd.arange(4).resize_as(retrograd.zeros(2, 2)).shape
            retrograd.Size([2, 2])
        """
        warnings.warn("non-inplace resize_as is deprecated", UserWarning, stacklevel=frames_up(2))
        return _autograd_resize(self, tuple(tensor.shape))

    def share_memory_(self) -> Tensor:
        """Move this tensor's data into shared memory, which other processes can share.

        Hogwild-style training (`model.share_memory()`, then `torch.multiprocessing` processes)
        sees every process's in-place updates: processes forked afterwards share the memory, and
        so do processes started with "spawn" that get the tensor as an argument, or any process
        that gets it through a `torch.multiprocessing` queue (on Linux, where the memory is a
        memory file passed as a file descriptor, as PyTorch's default strategy). Views made
        before the move keep the old memory.

        Returns:
            Tensor: `self`, now `is_shared()`.

        Examples:
            >>> x = retrograd.ones(2)
            >>> x.share_memory_() is x, x.is_shared()
            (True, True)
        """
        if _storage.on_host(self._data) and not _storage.in_shared_memory(self._data):
            self._data = _shared_memory.shared_copy(self._data)
            _shared_memory.share_with_processes(type(self))
        return self

    def is_shared(self) -> bool:
        """Whether the data is in shared memory (after `share_memory_()`).

        Returns:
            bool: True once `share_memory_()` moved it there.

        Examples:
            >>> retrograd.ones(2).is_shared()
            False
        """
        return _storage.in_shared_memory(self._data)

    def pin_memory(self, device: Any = None) -> Tensor:
        """Pinned memory needs an accelerator; as PyTorch without one, this raises.

        Pinned (page-locked) host memory speeds up copies to a GPU; on a machine without one there
        is nothing to pin for.

        Args:
            device (device, optional): the accelerator the memory would be pinned for.

        Returns:
            Tensor: never returns here: RuntimeError.

        Examples:
            >>> retrograd.ones(2).pin_memory()
            Traceback (most recent call last):
                ...
            RuntimeError: Cannot access accelerator device when none is available.
        """
        raise RuntimeError("Cannot access accelerator device when none is available.")

    def is_pinned(self, device: Any = None) -> bool:
        """False: no memory is pinned without an accelerator (`device` is checked as PyTorch does).

        Args:
            device (device or str, optional): the accelerator to ask about; an unknown device string
                raises RuntimeError.

        Returns:
            bool: False.

        Examples:
            >>> retrograd.ones(2).is_pinned()
            False
        """
        if isinstance(device, int):
            raise RuntimeError("Cannot access accelerator device when none is available.")
        if device is not None and not isinstance(device, (str, _device)):
            kind = _ops.kernels.arg_types.type_name(device)
            raise TypeError(f"is_pinned(): argument 'device' (position 1) must be {package_name()}.device, not {kind}")
        if device is not None:
            _device(device)  # PyTorch's error for an unknown device string
        return False

    def is_distributed(self) -> bool:
        """False: a tensor here is never spread over processes (PyTorch's old distributed-tensor flag).

        Returns:
            bool: False.

        Examples:
            >>> retrograd.ones(2).is_distributed()
            False
        """
        return False

    def is_set_to(self, tensor: Tensor) -> bool:
        """Whether both tensors view the same elements of the same memory: same storage, storage
        offset, shape and strides.

        Args:
            tensor (Tensor): the tensor to compare with.

        Returns:
            bool: True for the tensor itself or an identical view of it.

        Examples:
            >>> x = retrograd.ones(3)
            >>> x.is_set_to(x.view(3)), x.is_set_to(x[:2]), x.is_set_to(x.clone())
            (True, False, False)
        """
        a, b = self._data, _ops.kernels.arg_types.tensor_arg("is_set_to", "tensor", 1, tensor)._data
        same_memory = _storage.root_array(a) is _storage.root_array(b)
        return bool(same_memory and a.shape == b.shape and a.strides == b.strides
                    and _storage.storage_offset(a) == _storage.storage_offset(b))  # fmt: skip

    def dim_order(self, *, ambiguity_check: Any = False) -> tuple[int, ...]:
        """The dims from the one that steps furthest in memory to the one that steps least.

        A row-major tensor gives `(0, 1, ..., n-1)`; a channels-last image batch `(0, 2, 3, 1)`.

        Args:
            ambiguity_check (bool or list of memory_format): True raises when the order is not unique
                (equal strides, or a dim of size 1); a list of memory formats raises unless the tensor
                is laid out in exactly one of them.

        Returns:
            tuple of int: a permutation of the dims.

        Examples:
            >>> retrograd.zeros(2, 3, 4).permute(2, 0, 1).dim_order()
            (1, 2, 0)
        """
        formats = ambiguity_check if isinstance(ambiguity_check, list) else []
        if not isinstance(ambiguity_check, bool) and (
            not isinstance(ambiguity_check, list) or not all(isinstance(f, _layouts.memory_format) for f in formats)
        ):
            raise TypeError("The ambiguity_check argument must be a bool or a list of memory formats.")
        shape, strides = self._data.shape, self.stride()
        if ambiguity_check is not False:
            several = any(a == b for a, b in zip(strides, strides[1:])) or 1 in shape
            fitting = sum(bool(self.is_contiguous(memory_format=f)) for f in formats)
            if several and fitting != 1:
                raise RuntimeError(
                    "The tensor does not have unique dim order, or cannot map to exact one of the given memory formats."
                )
        order, ambiguous = _layouts.dims_by_stride(shape, strides)
        if ambiguous and ambiguity_check is not False and ambiguity_check != []:
            raise RuntimeError("The tensor does not have unique dim order.")
        return order

    def module_load(self, other: Tensor, assign: bool = False) -> Tensor:
        """What `Module.load_state_dict` makes of a state-dict value `other` for this parameter or
        buffer (a tensor subclass may override it).

        Args:
            other (Tensor): the value from the state dict.
            assign (bool): True: `other` itself is taken (detached); False: it is copied into this
                tensor, which keeps its own memory (default False).

        Returns:
            Tensor: the detached tensor to install.

        Examples:
            >>> p = retrograd.zeros(2)
            >>> p.module_load(retrograd.ones(2))
            tensor([1., 1.])
            >>> p
            tensor([1., 1.])
        """
        if assign:
            return other.detach()
        return self.copy_(other).detach()  # (Module.load_state_dict calls it under no_grad)

    # --- in-place view ops: the tensor takes a new shape (engine.inplace_views) -------------------

    def t_(self) -> Tensor:
        """Transpose this (at most 2-d) tensor in place.

        Returns:
            Tensor: this tensor, its two dims swapped (0-d and 1-d tensors stay as they are).

        Examples:
            >>> x = retrograd.arange(6).reshape(2, 3)
            >>> x.t_()
            tensor([[0, 3],
                    [1, 4],
                    [2, 5]])
            >>> x.shape
            retrograd.Size([3, 2])
        """
        return _inplace_views.apply_view(self, _ops.t, node="TBackward1")

    def transpose_(self, dim0: int, dim1: int) -> Tensor:
        """Swap two dims of this tensor in place.

        Args:
            dim0 (int): a dimension (negative counts from the end).
            dim1 (int): the dimension to swap it with.

        Returns:
            Tensor: this tensor, with the new shape and strides (the data does not move).

        Examples:
            >>> x = retrograd.zeros(2, 3, 4)
            >>> x.transpose_(0, 2).shape
            retrograd.Size([4, 3, 2])
            >>> x.is_contiguous()
            False
        """
        return _inplace_views.apply_view(self, _ops.transpose, dim0, dim1, node="TransposeBackward1")

    def swapaxes_(self, axis0: int, axis1: int) -> Tensor:
        """`transpose_` under NumPy's name: swap two axes of this tensor in place.

        Args:
            axis0 (int): an axis (negative counts from the end).
            axis1 (int): the axis to swap it with.

        Returns:
            Tensor: this tensor, reshaped.

        Examples:
            >>> x = retrograd.tensor([[1, 2]])
            >>> x.swapaxes_(0, 1)
            tensor([[1],
                    [2]])
        """
        return _inplace_views.apply_view(self, _ops.transpose, axis0, axis1, node="TransposeBackward1")

    def swapdims_(self, dim0: int, dim1: int) -> Tensor:
        """`transpose_` under another name: swap two dims of this tensor in place.

        Args:
            dim0 (int): a dimension (negative counts from the end).
            dim1 (int): the dimension to swap it with.

        Returns:
            Tensor: this tensor, reshaped.

        Examples:
            >>> x = retrograd.ones(1, 2, 3)
            >>> x.swapdims_(-1, -3).shape
            retrograd.Size([3, 2, 1])
        """
        return _inplace_views.apply_view(self, _ops.transpose, dim0, dim1, node="TransposeBackward1")

    def squeeze_(self, dim: Any = None) -> Tensor:
        """Remove size-1 dims (all, or those in `dim`) in place.

        Args:
            dim (int or tuple of int, optional): the dims to drop if their size is 1 (others are
                kept); omitted for every size-1 dim.

        Returns:
            Tensor: this tensor, with the new shape.

        Examples:
            >>> x = retrograd.zeros(3, 1, 2, 1)
            >>> x.squeeze_(1).shape
            retrograd.Size([3, 2, 1])
            >>> x.squeeze_().shape
            retrograd.Size([3, 2])
        """
        if dim is None:
            return _inplace_views.apply_view(self, _ops.squeeze, node="SqueezeBackward3")
        node = "SqueezeBackward5" if isinstance(dim, (tuple, list)) else "SqueezeBackward4"
        return _inplace_views.apply_view(self, _ops.squeeze, dim, node=node)

    def unsqueeze_(self, dim: int) -> Tensor:
        """Insert a size-1 dim at `dim` in place.

        Args:
            dim (int): where the new dim goes, in `[-ndim - 1, ndim]` (negative counts from the end).

        Returns:
            Tensor: this tensor, one dim longer.

        Examples:
            >>> x = retrograd.tensor([1.0, 2.0])
            >>> x.unsqueeze_(0)
            tensor([[1., 2.]])
            >>> x.unsqueeze_(-1).shape
            retrograd.Size([1, 2, 1])
        """
        return _inplace_views.apply_view(self, _ops.unsqueeze, dim, node="UnsqueezeBackward1")

    # --- in-place fills: no out-of-place op behind them ---------------------------------------

    def zero_(self) -> Tensor:
        """Fill this tensor with zeros; returns it.

        Args:
            self (Tensor): any tensor (a leaf that requires grad must be under `no_grad`, as in PyTorch).

        Returns:
            Tensor: this tensor, now all zeros (its version counter moves on).

        Examples:
            >>> x = retrograd.tensor([1.0, 2.0, 3.0])
            >>> x.zero_()
            tensor([0., 0., 0.])
            >>> x
            tensor([0., 0., 0.])
        """
        if self.is_sparse:  # PyTorch keeps the size and drops every entry
            return _inplace.apply_uniform(self, _ops.sparse.layout.cleared)
        return _inplace.apply_uniform(self, _ops.copying.in_place_zero)

    def fill_(self, value: Any) -> Tensor:
        """Fill this tensor with `value`; returns it.

        Args:
            value (number or Tensor): the value for every element (a tensor must have one element),
                cast to this dtype.

        Returns:
            Tensor: this tensor (its version counter moves on, as for every in-place change).

        Examples:
            >>> retrograd.zeros(3).fill_(2.5)
            tensor([2.5000, 2.5000, 2.5000])
            >>> retrograd.zeros(2, dtype=retrograd.int64).fill_(7)
            tensor([7, 7])
        """
        return _inplace.apply_uniform(self, _ops.copying.in_place_fill, value)

    def copy_(self, src: Any, non_blocking: bool = False) -> Tensor:
        """Copy `src` (broadcast to this shape, cast to this dtype) into this tensor; returns it.

        Args:
            src (Tensor or number): the values; its shape must broadcast to this tensor's.
            non_blocking (bool): accepted for PyTorch compatibility; the copy is synchronous.

        Returns:
            Tensor: this tensor, holding `src`'s values; gradients flow back to `src`.

        Examples:
            >>> x = retrograd.zeros(2, 2)
            >>> x.copy_(retrograd.tensor([1, 2]))
            tensor([[1., 2.],
                    [1., 2.]])
        """
        arg_types = _ops.kernels.arg_types
        if not isinstance(src, (numbers.Number, np.generic)):  # PyTorch's parser wraps a number as a tensor
            arg_types.tensor_arg("copy_", "other", 1, src)  # (PyTorch's names and positions for the method)
        arg_types.bool_arg("copy_", "non_blocking", 2, non_blocking)
        return _inplace.apply(self, _ops.copy, src)

    def uniform_(self, a: float = 0.0, b: float = 1.0, *, generator: Any = None) -> Tensor:
        """Fill with samples from the uniform distribution on [a, b); returns this tensor.

        Args:
            a (float): the lower bound (included).
            b (float): the upper bound (excluded).
            generator (Generator, optional): the random number source (default: the global one).

        Returns:
            Tensor: this floating point tensor, filled.

        Examples:
            >>> _ = retrograd.manual_seed(0)
            >>> retrograd.empty(3).uniform_(-1, 1)
            tensor([-0.0075,  0.5364, -0.8230])
        """
        return _fill_random(self, "uniform", a, b, generator)

    def normal_(self, mean: float = 0.0, std: float = 1.0, *, generator: Any = None) -> Tensor:
        """Fill with samples from the normal distribution N(mean, std²); returns this tensor.

        Args:
            mean (float): the distribution's mean.
            std (float): its standard deviation, ≥ 0.
            generator (Generator, optional): the random number source (default: the global one).

        Returns:
            Tensor: this floating point tensor, filled.

        Examples:
            >>> _ = retrograd.manual_seed(0)
            >>> w = retrograd.empty(2, 3).normal_(0.0, 0.02)
            >>> w.shape
            retrograd.Size([2, 3])
            >>> bool(w.abs().max() < 1)
            True
        """
        return _fill_random(self, "normal", mean, std, generator)

    def bernoulli_(self, p: float = 0.5, *, generator: Any = None) -> Tensor:
        """Fill with 0/1 samples that are 1 with probability `p`; returns this tensor.

        Args:
            p (float or Tensor): the probability of a 1, in [0, 1]; a tensor gives one per element.
            generator (Generator, optional): the random number source (default: the global one).

        Returns:
            Tensor: this tensor, holding only 0 and 1 in its dtype.

        Examples:
            >>> _ = retrograd.manual_seed(0)
            >>> retrograd.empty(6).bernoulli_(0.5)
            tensor([0., 0., 1., 0., 0., 0.])
            >>> retrograd.empty(3).bernoulli_(1.0)
            tensor([1., 1., 1.])
        """
        return _fill_random(self, "bernoulli", p, None, generator)

    def exponential_(self, lambd: float = 1.0, *, generator: Any = None) -> Tensor:
        """Fill with samples from the exponential distribution with rate `lambd`; returns this tensor.

        The density is λ exp(-λx) for x ≥ 0, so the mean is 1/λ.

        Args:
            lambd (float): the rate λ > 0.
            generator (Generator, optional): the random number source (default: the global one).

        Returns:
            Tensor: this floating point tensor, filled with non-negative samples.

        Examples:
            >>> _ = retrograd.manual_seed(0)
            >>> retrograd.empty(3).exponential_(2.0)
            tensor([1.7542, 0.6152, 0.3075])
            >>> x = retrograd.empty(10000).exponential_(4.0)
            >>> bool(x.min() >= 0), abs(x.mean().item() - 0.25) < 0.01
            (True, True)
        """
        return _fill_random(self, "exponential", lambd, None, generator)

    def cauchy_(self, median: float = 0.0, sigma: float = 1.0, *, generator: Any = None) -> Tensor:
        """Fill with samples of the Cauchy distribution median + σ tan(π(u − ½)); returns this tensor.

        Args:
            median (float): the centre of the distribution.
            sigma (float): its half width at half maximum, > 0.
            generator (Generator, optional): the random number source (default: the global one).

        Returns:
            Tensor: this floating point tensor, filled (heavy tailed: the mean does not exist).

        Examples:
            >>> _ = retrograd.manual_seed(0)
            >>> x = retrograd.empty(1001).cauchy_(median=3.0)
            >>> round(x.median().item())
            3
        """
        return _fill_random(self, "cauchy", median, sigma, generator)

    def log_normal_(self, mean: float = 1.0, std: float = 2.0, *, generator: Any = None) -> Tensor:
        """Fill with exp of N(mean, std²) samples; returns this tensor.

        Args:
            mean (float): the mean of the underlying normal distribution (of the log).
            std (float): its standard deviation, > 0.
            generator (Generator, optional): the random number source (default: the global one).

        Returns:
            Tensor: this floating point tensor, filled with positive samples.

        Examples:
            >>> _ = retrograd.manual_seed(0)
            >>> retrograd.empty(3).log_normal_(0.0, 0.5)
            tensor([2.1608, 0.8635, 0.3364])
        """
        return _fill_random(self, "log_normal", mean, std, generator)

    def geometric_(self, p: float, *, generator: Any = None) -> Tensor:
        """Fill with the number of Bernoulli(p) trials up to the first success (1, 2, ...); returns this tensor.

        Args:
            p (float): the success probability of each trial, in (0, 1].
            generator (Generator, optional): the random number source (default: the global one).

        Returns:
            Tensor: this tensor, filled with whole numbers ≥ 1 in its dtype.

        Examples:
            >>> _ = retrograd.manual_seed(0)
            >>> retrograd.empty(5).geometric_(0.5)
            tensor([1., 1., 2., 1., 1.])
        """
        return _fill_random(self, "geometric", p, None, generator)

    def random_(self, *args: Any, generator: Any = None, **bounds: Any) -> Tensor:
        """Fill with integers drawn uniformly from [from, to); returns this tensor.

        `random_()` draws over the dtype's whole range (for floats: the integers it represents
        exactly), `random_(to)` from [0, to), `random_(from, to)` from [from, to).

        Args:
            *args (int): `to`, or `from, to`; they may also be given as the keywords `from` and `to`,
                and `to=None` means the dtype's largest value + 1.
            generator (Generator, optional): the random number source (default: the global one).
            **bounds (int): the keywords `from` and `to`.

        Returns:
            Tensor: this tensor, holding integer values in its dtype.

        Examples:
            >>> _ = retrograd.manual_seed(0)
            >>> retrograd.empty(5, dtype=retrograd.int64).random_(10)
            tensor([4, 9, 3, 0, 3])
            >>> retrograd.zeros(3).random_(4, 5)
            tensor([4., 4., 4.])
        """
        low, high = _load_random().random_bounds(args, bounds)
        # PyTorch's overloads: random_(from, to), random_(to), random_(): RandomBackward0, 1, 2
        only_to = (len(args) == 1 and not bounds) or (not args and set(bounds) == {"to"})
        overload = 2 if not (args or bounds) else 1 if only_to else 0
        return _fill_random(self, "random", low, high, generator, f"RandomBackward{overload}")
