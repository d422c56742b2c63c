"""Special functions: the gamma family, Bessel functions, zeta, error-function relatives, polynomials.

The primitives of `retrograd.special` (reached through that module, not as top-level names).
Each row is the forward on arrays (kernels in `ops/kernels/special_math.py`) and the
derivative in retrograd's own ops, so second derivatives come free. Functions PyTorch does
not differentiate (Bessel J/Y/K, Airy, the orthogonal polynomials) return tensors without a
graph, as PyTorch's do; the derivatives PyTorch refuses (zeta in x, gammainc in a) raise
its error at backward.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from ... import _op_docs
from ... import dtypes as _dt
from ...backend import namespace
from ...engine.primitive import Primitive
from ...engine.vmap_hook import NOT_BATCHED, batched
from ...engine.vmap_hook import hook as _vmap
from ...tensor import Tensor
from ..kernels import special_math as _k
from ..kernels.arg_types import int_arg
from ..kernels.dtype_support import no_complex_kernel
from ..kernels.operands import as_tensor_of, promote_float, tensor_of
from ..kernels.out_arg import castable, write_out

__all__ = [
    "gammaln", "digamma", "polygamma", "multigammaln", "i0", "i0e", "i1", "i1e", "erfcx", "ndtr", "ndtri",
    "log_ndtr", "entr", "bessel_j0", "bessel_j1", "bessel_y0",
    "bessel_y1", "modified_bessel_i0", "modified_bessel_i1", "modified_bessel_k0", "modified_bessel_k1",
    "scaled_modified_bessel_k0", "scaled_modified_bessel_k1", "spherical_bessel_j0", "airy_ai",
    "chebyshev_polynomial_t", "chebyshev_polynomial_u", "chebyshev_polynomial_v", "chebyshev_polynomial_w",
    "shifted_chebyshev_polynomial_t", "shifted_chebyshev_polynomial_u", "shifted_chebyshev_polynomial_v",
    "shifted_chebyshev_polynomial_w", "hermite_polynomial_h", "hermite_polynomial_he", "laguerre_polynomial_l",
    "legendre_polynomial_p",
]

_SQRT_2 = math.sqrt(2.0)
_SQRT1_2 = 0.7071067811865476  # C's M_SQRT1_2, the constant PyTorch's ndtr scales by
_SQRT_2PI = math.sqrt(2 * math.pi)
_TWO_OVER_SQRT_PI = 2 / math.sqrt(math.pi)


def _same(kernel: Callable[..., Any]) -> Callable[..., Any]:
    """An array kernel (float64 inside) whose result keeps the input's dtype."""
    return lambda xp, a, **attrs: kernel(a, **attrs).astype(a.dtype, copy=False)


# PyTorch's kernel names where they are not "<name>_cpu" (its error for a complex input names them)
_KERNELS = {"gammaln": "lgamma_vml_cpu", "digamma": "digamma", "i0": "i0_vml_cpu"}


def _unary(name: str, kernel: Callable, derivative: Callable | None, node: str | None = None) -> Callable[..., Tensor]:
    prim = Primitive(f"special_{name}", _same(kernel), [derivative], quiet=True, node_name=node)
    kernel_name = _KERNELS.get(name, f"{name}_cpu")

    def op(input: Tensor, *, out: Any = None) -> Tensor:
        if out is not None:
            return write_out(out, op, locals())
        x = tensor_of(input)
        no_complex_kernel(kernel_name, x)  # real kernels only: NumPy would drop the imaginary part
        return prim(promote_float(x))

    op.__name__ = op.__qualname__ = name
    return op


def _zero_at_zero(a: Tensor) -> tuple[Tensor, Tensor]:
    """(a with zeros replaced by ones, the 0/1 mask of zeros): for limits at a = 0."""
    z = (a == 0).to(a.dtype)
    return a + z, z


def _i1_derivative(a: Tensor) -> Tensor:
    safe, z = _zero_at_zero(a)  # I₁' = I₀ - I₁/x, ½ at 0
    return i0(a) - i1(a) / safe * (1 - z) - 0.5 * z


def _i1e_derivative(a: Tensor) -> Tensor:
    safe, z = _zero_at_zero(a)  # (e^-|x| I₁)' = e^-|x| I₀ - e^-|x| I₁ (sgn x + 1/x), ½ at 0
    return i0e(a) - i1e(a) * (a.sign() + (1 - z) / safe) - 0.5 * z


#                name       forward kernel             derivative (and PyTorch's node name where it differs)
gammaln = _unary("gammaln", _k.gammaln, lambda g, a: g * digamma(a), "LgammaBackward0")  # ψ
digamma = _unary("digamma", _k.digamma, lambda g, a: g * polygamma(1, a), "DigammaBackward0")  # ψ'
i0 = _unary("i0", lambda a: _k.bessel_i(0, a), lambda g, a: g * i1(a), "I0Backward0")  # I₁
i1 = _unary("i1", lambda a: _k.bessel_i(1, a), lambda g, a: g * _i1_derivative(a))
i0e = _unary("i0e", lambda a: _k.bessel_ie(0, a), lambda g, a: g * (i1e(a) - a.sign() * i0e(a)), "SpecialI0EBackward0")
i1e = _unary("i1e", lambda a: _k.bessel_ie(1, a), lambda g, a: g * _i1e_derivative(a), "SpecialI1EBackward0")
erfcx = _unary("erfcx", _k.erfcx, lambda g, a: g * (2 * a * erfcx(a) - _TWO_OVER_SQRT_PI))  # 2x erfcx - 2/√π
ndtri = _unary(
    "ndtri", _k.ndtri, lambda g, out: g * (_SQRT_2PI * (out * out / 2).exp())
)  # 1/φ(Φ⁻¹(p)) = √(2π) e^(y²/2)
log_ndtr = _unary(
    "log_ndtr", lambda a: _k.log_ndtr(_k.f64(a)), lambda g, a: g * (math.sqrt(2 / math.pi) / erfcx(-a / _SQRT_2))
)  # φ(x)/Φ(x), written with erfcx so it stays finite far left
entr = _unary("entr", lambda a: _entr(_k.f64(a)), lambda g, a: g * -(a.log() + 1))  # -(ln x + 1)


def _entr(x: np.ndarray) -> np.ndarray:
    with np.errstate(all="ignore"):
        out = np.where(x > 0, -x * np.log(np.where(x > 0, x, 1.0)), 0.0)
    return np.where(x < 0, -np.inf, np.where(np.isnan(x), x, out))


def ndtr(input: Tensor, *, out: Any = None) -> Tensor:
    """The standard normal CDF Φ(x) = (1 + erf(x/√2)) / 2, computed as PyTorch's (0 below x ≈ -5.5 in float32).

    Args:
        input (Tensor): any shape; integer and bool inputs are promoted to the default float.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: Φ(input), same shape, in [0, 1].

    Examples:
        >>> retrograd.special.ndtr(retrograd.tensor([-1.0, 0.0, 1.0]))
        tensor([0.1587, 0.5000, 0.8413])
    """
    if out is not None:
        return write_out(out, ndtr, locals(), grad="copy")
    from .arithmetic import add_number, mul_number
    from .pointwise import erf

    # PyTorch's composition, node for node (MulBackward1, AddBackward1, ErfBackward0, MulBackward1)
    scaled = mul_number.scalar(promote_float(tensor_of(input)), _SQRT1_2)
    return mul_number.scalar(add_number.scalar(erf(scaled), 1.0), 0.5)


_polygamma = Primitive(
    "polygamma",
    lambda xp, a, n: _k.polygamma(n, a).astype(a.dtype, copy=False),
    [lambda g, a, n: g * polygamma(n + 1, a)],  # ψ⁽ⁿ⁺¹⁾
    quiet=True,
)


def polygamma(n: int, input: Tensor, *, out: Any = None) -> Tensor:
    """Elementwise ψ⁽ⁿ⁾(x), the n-th derivative of the digamma function (`special.polygamma`).

    Args:
        n (int): the order of the derivative, n >= 0 (0 gives `digamma`).
        input (Tensor): any shape; integer inputs give the default float.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: ψ⁽ⁿ⁾(input), same shape.

    Examples:
        >>> retrograd.polygamma(1, retrograd.tensor([1.0, 2.0, 0.5]))
        tensor([1.6449, 0.6449, 4.9348])
        >>> retrograd.polygamma(0, retrograd.tensor([1.0]))
        tensor([-0.5772])
    """
    if out is not None:
        return write_out(out, polygamma, locals())
    n = int_arg("polygamma", "n", 1, n)
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    return _polygamma(promote_float(tensor_of(input)), n=n)


# PyTorch's message names the result's dtype twice
_MVLGAMMA_OUT = castable("mvlgamma: result type {src} can't be cast to the desired output type {src}")


def multigammaln(input: Tensor, p: int, *, out: Any = None) -> Tensor:
    """ln Γ_p(a) = p(p-1)/4 ln π + Σ_{j<p} ln Γ(a - j/2), the multivariate log-gamma.

    Args:
        input (Tensor): a (the function is defined for a > (p - 1) / 2; below, the formula's value).
        p (int): the dimension, 1 or more (p = 1 is `gammaln`).
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: same shape, a floating dtype.

    Examples:
        >>> retrograd.special.multigammaln(retrograd.tensor([1.5, 3.0]), 2)
        tensor([0.4516, 1.5502])
    """
    if out is not None:
        return write_out(out, multigammaln, locals(), _MVLGAMMA_OUT)
    p = int_arg("mvlgamma", "p", 2, p)
    a = promote_float(tensor_of(input))
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")
    total = gammaln(a)  # (PyTorch 2.13 no longer refuses a <= (p - 1) / 2: ln|Γ| there, inf at poles)
    for j in range(1, p):
        total = total + gammaln(a - j / 2)
    return total + p * (p - 1) / 4 * math.log(math.pi)


def _float_pair(a: Any, b: Any) -> tuple[Tensor, Tensor]:
    dt = _dt.result_type(a, b)
    if not dt.is_floating_point:
        dt = _dt.get_default_dtype()
    return as_tensor_of(a, dt), as_tensor_of(b, dt)


# --- functions PyTorch does not differentiate -----------------------------------------------------


def _full_doc(summary: str, args: str, returns: str, example: tuple[str, str] | None) -> str:
    """A docstring with Args, Returns and (when `example`, a `(call, printed result)` pair) Examples."""
    doc = f"{summary}\n\nArgs:\n{args}\n    out (Tensor, optional): a tensor to write the result into.\n\n"
    doc += f"Returns:\n    Tensor: {returns}"
    if example is not None:
        call, result = example
        doc += f"\n\nExamples:\n    >>> {call}\n    {result}"
    return doc


_INPUT_ARG = "    input (Tensor): any shape; integer and bool inputs are promoted to the default float."

# what each function is, the points its example evaluates and what that prints (SciPy, which
# the Bessel J/Y/K and Airy kernels need, is among the test dependencies)
_CONSTANT_DOCS = {
    "bessel_j0": ("J₀(x), the Bessel function of the first kind of order 0", "0.0, 1.0, 2.0", "1.0000, 0.7652, 0.2239"),
    "bessel_j1": ("J₁(x), the Bessel function of the first kind of order 1", "0.0, 1.0, 2.0", "0.0000, 0.4401, 0.5767"),
    "bessel_y0": ("Y₀(x), the Bessel function of the second kind of order 0",
                  "0.5, 1.0, 2.0", "-0.4445,  0.0883,  0.5104"),
    "bessel_y1": ("Y₁(x), the Bessel function of the second kind of order 1",
                  "0.5, 1.0, 2.0", "-1.4715, -0.7812, -0.1070"),
    "modified_bessel_i0": ("I₀(x), the modified Bessel function of the first kind of order 0", "0.0, 1.0, 2.0",
                           "1.0000, 1.2661, 2.2796"),
    "modified_bessel_i1": ("I₁(x), the modified Bessel function of the first kind of order 1", "0.0, 1.0, 2.0",
                           "0.0000, 0.5652, 1.5906"),
    "modified_bessel_k0": ("K₀(x), the modified Bessel function of the second kind of order 0", "0.5, 1.0, 2.0",
                           "0.9244, 0.4210, 0.1139"),
    "modified_bessel_k1": ("K₁(x), the modified Bessel function of the second kind of order 1", "0.5, 1.0, 2.0",
                           "1.6564, 0.6019, 0.1399"),
    "scaled_modified_bessel_k0": ("eˣ K₀(x), the exponentially scaled K₀", "0.5, 1.0, 2.0", "1.5241, 1.1445, 0.8416"),
    "scaled_modified_bessel_k1": ("eˣ K₁(x), the exponentially scaled K₁", "0.5, 1.0, 2.0", "2.7310, 1.6362, 1.0335"),
    "spherical_bessel_j0": ("j₀(x) = sin(x)/x, the spherical Bessel function of order 0", "0.0, 1.0, 2.0",
                            "1.0000, 0.8415, 0.4546"),
    "airy_ai": ("Ai(x), the Airy function of the first kind", "0.0, 1.0, 2.0", "0.3550, 0.1353, 0.0349"),
}


def _example(name: str, points: str, printed: str) -> tuple[str, str]:
    """The `(call, printed result)` of `retrograd.special.<name>` at a few float points."""
    return f"retrograd.special.{name}(retrograd.tensor([{points}]))", f"tensor([{printed}])"


# the differentiable functions above that only `retrograd.special` exports (the top-level ones
# get theirs in `_op_docs_math`): what each is, its example's points and what they print
_UNARY_DOCS = {
    entr: ("-x ln x, the entropy term (0 at 0, -inf below 0)", "0.0, 0.5, 2.0", " 0.0000,  0.3466, -1.3863"),
    erfcx: ("eˣ² erfc(x), the scaled complementary error function", "0.0, 1.0, 10.0", "1.0000, 0.4276, 0.0561"),
    i0e: ("e^-|x| I₀(x), the exponentially scaled modified Bessel function of order 0", "0.0, 1.0, 2.0",
          "1.0000, 0.4658, 0.3085"),
    i1: ("I₁(x), the modified Bessel function of the first kind of order 1", "0.0, 1.0, 2.0",
         "0.0000, 0.5652, 1.5906"),
    i1e: ("e^-|x| I₁(x), the exponentially scaled modified Bessel function of order 1", "0.0, 1.0, 2.0",
          "0.0000, 0.2079, 0.2153"),
    log_ndtr: ("ln Φ(x), the log of the standard normal CDF (finite far into the left tail)", "-10.0, 0.0, 1.0",
               "-53.2313,  -0.6931,  -0.1728"),
    ndtri: ("Φ⁻¹(p), the standard normal quantile (the inverse of `ndtr`)", "0.025, 0.5, 0.975",
            "-1.9600,  0.0000,  1.9600"),
}
for _op, (_what, _points, _printed) in _UNARY_DOCS.items():
    _op.__doc__ = _full_doc(
        f"Elementwise {_what}.", _INPUT_ARG, "same shape, a float dtype.", _example(_op.__name__, _points, _printed)
    )


def _constant(kernel: Callable[[np.ndarray], np.ndarray], name: str) -> Callable[..., Tensor]:
    def op(input: Tensor, *, out: Any = None) -> Tensor:
        if out is not None:
            return write_out(out, op, locals(), grad="none")
        if _vmap.active and (r := batched("elementwise", op, input)) is not NOT_BATCHED:
            return r  # the kernel reads the values: it runs once on the batch
        x = promote_float(tensor_of(input))
        xp = namespace(x._data)  # (the kernels may give NumPy scalars, or host arrays for device data)
        return Tensor._make(xp.asarray(kernel(x._data)).astype(x._data.dtype, copy=False))

    op.__name__ = op.__qualname__ = name
    what, points, printed = _CONSTANT_DOCS[name]
    summary = f"Elementwise {what} (no gradient, as in PyTorch)."
    op.__doc__ = _full_doc(summary, _INPUT_ARG, "same shape, a float dtype.", _example(name, points, printed))
    return op


def _scipy(function: str, scipy_name: str) -> Callable[..., Tensor]:
    return _constant(lambda a: getattr(_k.scipy_special(function), scipy_name)(a), function)


bessel_j0 = _scipy("bessel_j0", "j0")
bessel_j1 = _scipy("bessel_j1", "j1")
bessel_y0 = _scipy("bessel_y0", "y0")
bessel_y1 = _scipy("bessel_y1", "y1")
modified_bessel_k0 = _scipy("modified_bessel_k0", "k0")
modified_bessel_k1 = _scipy("modified_bessel_k1", "k1")
scaled_modified_bessel_k0 = _scipy("scaled_modified_bessel_k0", "k0e")
scaled_modified_bessel_k1 = _scipy("scaled_modified_bessel_k1", "k1e")
airy_ai = _constant(lambda a: _k.scipy_special("airy_ai").airy(a)[0], "airy_ai")
modified_bessel_i0 = _constant(lambda a: _k.bessel_i(0, a), "modified_bessel_i0")
modified_bessel_i1 = _constant(lambda a: _k.bessel_i(1, a), "modified_bessel_i1")


def _spherical_j0(a: np.ndarray) -> np.ndarray:
    x = _k.f64(a)
    with np.errstate(all="ignore"):
        ratio = np.sin(x) / np.where(x == 0, 1.0, x)
        return np.where(x == 0, 1.0, np.where(np.isinf(x), 0.0, ratio))  # sin(x)/x -> 0 as |x| -> inf


spherical_bessel_j0 = _constant(_spherical_j0, "spherical_bessel_j0")


# printed results at x = 0, 0.5, 1 for degree n = 2
_POLYNOMIAL_EXAMPLES = {
    "chebyshev_polynomial_t": "tensor([-1.0000, -0.5000,  1.0000])",
    "chebyshev_polynomial_u": "tensor([-1.,  0.,  3.])",
    "chebyshev_polynomial_v": "tensor([-1., -1.,  1.])",
    "chebyshev_polynomial_w": "tensor([-1.,  1.,  5.])",
    "shifted_chebyshev_polynomial_t": "tensor([ 1., -1.,  1.])",
    "shifted_chebyshev_polynomial_u": "tensor([ 3., -1.,  3.])",
    "shifted_chebyshev_polynomial_v": "tensor([ 5., -1.,  1.])",
    "shifted_chebyshev_polynomial_w": "tensor([ 1., -1.,  5.])",
    "hermite_polynomial_h": "tensor([-2., -1.,  2.])",
    "hermite_polynomial_he": "tensor([-1.0000, -0.7500,  0.0000])",
    "laguerre_polynomial_l": "tensor([ 1.0000,  0.1250, -0.5000])",
    "legendre_polynomial_p": "tensor([-0.5000, -0.1250,  1.0000])",
}
_POLYNOMIAL_ARGS = (
    "    input (Tensor or number): the points x; integer and bool inputs are promoted to the default float.\n"
    "    n (Tensor or number): the degree; broadcasts with `input`."
)


def _polynomial(kind: str, name: str) -> Callable[..., Tensor]:
    def op(input: Any, n: Any, *, out: Any = None) -> Tensor:
        if out is not None:
            return write_out(out, op, locals(), grad="none")
        if _vmap.active and (r := batched("elementwise", op, input, n)) is not NOT_BATCHED:
            return r  # the kernel reads the values: it runs once on the batch
        x, degree = _float_pair(input, n)
        values = _k.orthogonal_polynomial(kind, x._data, degree._data)
        return Tensor._make(namespace(x._data).asarray(values).astype(x._data.dtype, copy=False))

    op.__name__ = op.__qualname__ = name
    summary = f"The degree-n {name.replace('_', ' ')} at `input` (no gradient, as in PyTorch; 0 for n < 0)."
    call = f"retrograd.special.{name}(retrograd.tensor([0.0, 0.5, 1.0]), 2)"
    returns = "the broadcast shape of `input` and `n`, a float dtype."
    op.__doc__ = _full_doc(summary, _POLYNOMIAL_ARGS, returns, (call, _POLYNOMIAL_EXAMPLES[name]))
    return op


chebyshev_polynomial_t = _polynomial("chebyshev_t", "chebyshev_polynomial_t")
chebyshev_polynomial_u = _polynomial("chebyshev_u", "chebyshev_polynomial_u")
chebyshev_polynomial_v = _polynomial("chebyshev_v", "chebyshev_polynomial_v")
chebyshev_polynomial_w = _polynomial("chebyshev_w", "chebyshev_polynomial_w")
shifted_chebyshev_polynomial_t = _polynomial("shifted_chebyshev_t", "shifted_chebyshev_polynomial_t")
shifted_chebyshev_polynomial_u = _polynomial("shifted_chebyshev_u", "shifted_chebyshev_polynomial_u")
shifted_chebyshev_polynomial_v = _polynomial("shifted_chebyshev_v", "shifted_chebyshev_polynomial_v")
shifted_chebyshev_polynomial_w = _polynomial("shifted_chebyshev_w", "shifted_chebyshev_polynomial_w")
hermite_polynomial_h = _polynomial("hermite_h", "hermite_polynomial_h")
hermite_polynomial_he = _polynomial("hermite_he", "hermite_polynomial_he")
laguerre_polynomial_l = _polynomial("laguerre", "laguerre_polynomial_l")
legendre_polynomial_p = _polynomial("legendre", "legendre_polynomial_p")

_op_docs.install(globals())  # the full docstrings of the factory-made ops above
_op_docs.install({"lgamma": gammaln})  # documented under its top-level name (ops/elementwise/gamma_names.py)
