"""Complex numbers: real/imag parts, conj, angle, polar form, and views as real pairs.

Gradients follow PyTorch's convention: for a real loss L of a complex z = x + iy the
gradient is ∂L/∂x + i ∂L/∂y (twice ∂L/∂z̄). So a holomorphic f gets `g * conj(f'(z))`,
a real input reached by a complex output keeps the real part of its gradient (the engine
does that once), and `real`, `imag` and `conj` pass the gradient through as written below.
"""

from __future__ import annotations

import math
from typing import Any

from ... import dtypes as _dt
from ...engine.primitive import Primitive
from ...tensor import Tensor
from ..autocast_policy import active as _autocasting
from ..autocast_policy import float32 as _float32
from ..kernels.operands import promote_float
from ..kernels.out_arg import SAME_INPUT, same, write_out
from .clamp_where import where

__all__ = [
    "real",
    "imag",
    "conj",
    "conj_physical",
    "resolve_conj",
    "resolve_neg",
    "is_conj",
    "is_neg",
    "is_complex",
    "angle",
    "polar",
    "complex",
    "sgn",
]


def _tensor_arg(x: Any, fname: str, name: str = "input", position: int = 1) -> Tensor:
    """`x` itself; PyTorch's argument parser's TypeError for anything but a tensor."""
    if not isinstance(x, Tensor):
        raise TypeError(f"{fname}(): argument '{name}' (position {position}) must be Tensor, not {type(x).__name__}")
    return x


def _as_complex(g: Tensor) -> Tensor:
    """`g` as a complex tensor with zero imaginary parts (a no-op for complex `g`)."""
    return g if g._data.dtype.kind == "c" else _complex(g, g * 0)


#                 name        forward (arrays)             derivative (tensors)
_real = Primitive(
    "real", lambda xp, a: a.real, [lambda g: _as_complex(g)], view=True, node_name="SelectBackward0"
)  # ∂/∂x = g
_imag = Primitive(
    "imag", lambda xp, a: a.imag, [lambda g: _complex(g * 0, g)], view=True, node_name="SelectBackward0"
)  # i·g
_conj = Primitive("conj", lambda xp, a: xp.conj(a), [lambda g: conj(g)])  # conj g
_conj_physical = Primitive("conj_physical", lambda xp, a: xp.conj(a), [lambda g: conj(g)])
_complex = Primitive(
    "complex",
    lambda xp, re, im: _join(xp, re, im),
    [lambda g: real(g), lambda g: _imag_or_zero(g)],  # ∂/∂re = Re g, ∂/∂im = Im g
    inputs=("re", "im"),
    quiet=True,
)
# d|z| e^{iθ}: ∂/∂r = e^{iθ}, ∂/∂θ = i·out; a real input keeps Re(g · conj(∂out)). As PyTorch,
# e^{iθ} is read as sgn(out): a negative r flips its gradient and r = 0 gets 0
_polar = Primitive(
    "polar",
    lambda xp, r, theta: _join(xp, r * xp.cos(theta), r * xp.sin(theta)),
    [lambda g, out: real(g.conj() * sgn(out)), lambda g, out: real(g.conj() * (out * 1j))],
    inputs=("r", "theta"),
    quiet=True,
)
# angle z = atan2(y, x): ∂/∂x = -y/|z|², ∂/∂y = x/|z|², i.e. g·z/|z|²·i, rounded as PyTorch's
# (|z| squared, not x² + y²); exactly +0 at 0, where PyTorch picks zeros
_angle_complex = Primitive(
    "angle",
    lambda xp, a: xp.angle(a).astype(a.real.dtype),
    [lambda g, a: where(a == 0, 0.0, g * a / a.abs().pow(2) * 1j)],
    quiet=True,
)
# a real angle is piecewise constant: a zero gradient (+0, as PyTorch's zeros; g·0 is -0 for g < 0)
_angle_real = Primitive(
    "angle",
    lambda xp, a: xp.where(xp.isnan(a), a, xp.where(a < 0, a.dtype.type(math.pi), a.dtype.type(0))),
    [lambda g: g * 0 + 0.0],
)

# sgn z = z/|z|: the gradient (g - Re(ḡ·sgn)·sgn)/|z|, 0 at z = 0
_sgn_complex = Primitive(
    "sgn",
    lambda xp, a: xp.sign(a),
    [lambda g, a, out: _sgn_gradient(g, a, out)],
    quiet=True,
)


def _sgn_gradient(g: Tensor, a: Tensor, out: Tensor) -> Tensor:
    r = a.abs()
    nonzero = (r != 0).to(r.dtype)
    return (g - real(g.conj() * out) * out) * (nonzero / (r + 1 - nonzero))


def _complex_of(np_dtype: Any) -> Any:
    return _dt.from_numpy(np_dtype).to_complex().np


def _join(xp: Any, re: Any, im: Any) -> Any:
    out = xp.empty(xp.broadcast_shapes(re.shape, im.shape), _complex_of(re.dtype))
    out.real, out.imag = re, im
    return out


def _imag_or_zero(g: Tensor) -> Tensor:
    return imag(g) if g._data.dtype.kind == "c" else g * 0


def sgn(input: Tensor, *, out: Any = None) -> Tensor:
    """Elementwise `z / |z|` for complex numbers (0 at 0), and the sign (-1, 0, 1) for real ones.

    Args:
        input (Tensor): any shape and dtype.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: same shape and dtype.

    Examples:
        >>> retrograd.sgn(retrograd.tensor([3+4j, 0j]))
        tensor([0.6000+0.8000j, 0.0000+0.0000j])
        >>> retrograd.sgn(retrograd.tensor([-2.0, 0.0, 5.0]))
        tensor([-1.,  0.,  1.])
    """
    if out is not None:
        return write_out(out, sgn, locals(), SAME_INPUT)
    input = _tensor_arg(input, "sgn")
    if input._data.dtype.kind == "c":
        return _sgn_complex(input)
    from .pointwise import sign

    return sign(input)


def real(input: Tensor) -> Tensor:
    """The real parts of a complex tensor, as a view; a real tensor is returned as is.

    Args:
        input (Tensor): any shape.

    Returns:
        Tensor: same shape, the matching real dtype (a view sharing memory with `input`).

    Examples:
        >>> z = retrograd.tensor([3+4j, -1+0j, 2j])
        >>> retrograd.real(z)
        tensor([ 3., -1.,  0.])
    """
    input = _tensor_arg(input, "real")
    return _real(input) if input._data.dtype.kind == "c" else input


def imag(input: Tensor) -> Tensor:
    """The imaginary parts of a complex tensor, as a view (a real tensor is an error).

    Args:
        input (Tensor): a complex tensor.

    Returns:
        Tensor: same shape, the matching real dtype (a view sharing memory with `input`).

    Examples:
        >>> z = retrograd.tensor([3+4j, -1+0j, 2j])
        >>> retrograd.imag(z)
        tensor([4., 0., 2.])
    """
    input = _tensor_arg(input, "imag")
    if input._data.dtype.kind != "c":
        raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")
    return _imag(input)


def conj(input: Tensor) -> Tensor:
    """The complex conjugate `a - ib` of each element; a real tensor is returned as is.

    Args:
        input (Tensor): any shape.

    Returns:
        Tensor: same shape and dtype.

    Examples:
        >>> retrograd.conj(retrograd.tensor([1+2j, 3-1j]))
        tensor([1.-2.j, 3.+1.j])
        >>> retrograd.conj(retrograd.tensor([1.0, 2.0]))
        tensor([1., 2.])
    """
    input = _tensor_arg(input, "conj")
    return _conj(input) if input._data.dtype.kind == "c" else input


def conj_physical(input: Tensor, *, out: Any = None) -> Tensor:
    """The complex conjugate of each element, always computed into new memory.

    Args:
        input (Tensor): any shape.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: same shape and dtype.

    Examples:
        >>> retrograd.conj_physical(retrograd.tensor([1+2j, 3-1j]))
        tensor([1.-2.j, 3.+1.j])
    """
    if out is not None:
        return write_out(out, conj_physical, locals(), SAME_INPUT, grad="copy")
    input = _tensor_arg(input, "conj_physical")
    return _conj_physical(input) if input._data.dtype.kind == "c" else input


def resolve_conj(input: Tensor) -> Tensor:
    """Materialize a lazily conjugated tensor; retrograd conjugates eagerly, so this returns `input`.

    Args:
        input (Tensor): any shape.

    Returns:
        Tensor: a tensor with the same values, with no pending conjugation.

    Examples:
        >>> retrograd.resolve_conj(retrograd.conj(retrograd.tensor([1+2j])))
        tensor([1.-2.j])
    """
    return _tensor_arg(input, "resolve_conj")


def resolve_neg(input: Tensor) -> Tensor:
    """Materialize a lazily negated tensor; retrograd negates eagerly, so this returns `input`.

    Args:
        input (Tensor): any shape.

    Returns:
        Tensor: a tensor with the same values, with no pending negation.

    Examples:
        >>> retrograd.resolve_neg(retrograd.tensor([1.0, -2.0]))
        tensor([ 1., -2.])
    """
    return _tensor_arg(input, "resolve_neg")


def is_conj(input: Tensor) -> bool:
    """Whether `input` carries a pending (lazy) conjugation; always False here, as retrograd conjugates eagerly.

    Args:
        input (Tensor): any tensor.

    Returns:
        bool: False.

    Examples:
        >>> retrograd.is_conj(retrograd.tensor([1.0, 2.0]))
        False
    """
    _tensor_arg(input, "is_conj")
    return False


def is_neg(input: Tensor) -> bool:
    """Whether `input` carries a pending (lazy) negation; always False here, as retrograd negates eagerly.

    Args:
        input (Tensor): any tensor.

    Returns:
        bool: False.

    Examples:
        >>> retrograd.is_neg(retrograd.tensor([1.0, 2.0]))
        False
    """
    _tensor_arg(input, "is_neg")
    return False


def is_complex(input: Tensor) -> bool:
    """Whether `input` has a complex dtype (complex64 or complex128).

    Args:
        input (Tensor): any tensor.

    Returns:
        bool: True for complex dtypes, else False.

    Examples:
        >>> retrograd.is_complex(retrograd.tensor([1+2j]))
        True
        >>> retrograd.is_complex(retrograd.tensor([1.0]))
        False
    """
    return _tensor_arg(input, "is_complex").is_complex()


def angle(input: Tensor, *, out: Any = None) -> Tensor:
    """Elementwise argument (phase) in radians; for real inputs π where negative, else 0.

    Args:
        input (Tensor): any shape; integer inputs give the default float.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: same shape, a real floating dtype, in [-π, π].

    Examples:
        >>> z = retrograd.tensor([3+4j, -1+0j, 2j])
        >>> retrograd.angle(z)
        tensor([0.9273, 3.1416, 1.5708])
        >>> retrograd.angle(retrograd.tensor([-2.0, 0.0, 3.0]))
        tensor([3.1416, 0.0000, 0.0000])
    """
    if out is not None:
        return write_out(out, angle, locals())
    input = _tensor_arg(input, "angle")
    if input._data.dtype.kind == "c":
        return _angle_complex(input)
    return _angle_real(promote_float(input))


def _check_parts(name: str, a: Tensor, b: Tensor, first: str, second: str) -> None:
    da, db = a._data.dtype, b._data.dtype
    if da.kind != "f" or db.kind != "f" or da.itemsize == 2:
        raise RuntimeError(
            f"Expected both inputs to be Half, Float or Double tensors but got {a.dtype.kind_name} and "
            f"{b.dtype.kind_name}"
        )
    if da != db:
        raise RuntimeError(
            f"Expected object of scalar type {a.dtype.kind_name} but got scalar type {b.dtype.kind_name} "
            f"for second argument"
        )


_COMPLEX_OUT = same("Expected object of scalar type {src} but got scalar type {dst} for argument 'out'")


def complex(real: Tensor, imag: Tensor, *, out: Any = None) -> Tensor:
    """Build a complex tensor `real + i * imag` elementwise (broadcasting).

    Args:
        real (Tensor): the real parts, float32 or float64.
        imag (Tensor): the imaginary parts, same dtype as `real`.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: the broadcast shape; complex64 from float32 parts, complex128 from float64.

    Examples:
        >>> retrograd.complex(retrograd.tensor([1.0, 2.0]), retrograd.tensor([0.5, -1.0]))
        tensor([1.+0.5000j, 2.-1.0000j])
    """
    if out is not None:
        return write_out(out, complex, locals(), _COMPLEX_OUT)
    re, im = _tensor_arg(real, "complex", "real", 1), _tensor_arg(imag, "complex", "imag", 2)
    _check_parts("complex", re, im, "real", "imag")
    return _complex(re, im)


def polar(abs: Tensor, angle: Tensor, *, out: Any = None) -> Tensor:
    """Build a complex tensor from magnitudes and angles: `abs * (cos(angle) + i sin(angle))`.

    Args:
        abs (Tensor): the magnitudes, float32 or float64.
        angle (Tensor): the angles in radians, same dtype as `abs`.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: the broadcast shape, the matching complex dtype.

    Examples:
        >>> retrograd.polar(retrograd.tensor([2.0, 5.0]), retrograd.tensor([0.0, 0.9273]))
        tensor([2.0000+0.0000j, 3.0000+4.0000j])
    """
    if out is not None:
        return write_out(out, polar, locals(), _COMPLEX_OUT)
    if _autocasting[0]:
        abs, angle = _float32(abs, angle)
    r, theta = _tensor_arg(abs, "polar", "abs", 1), _tensor_arg(angle, "polar", "angle", 2)
    _check_parts("polar", r, theta, "abs", "angle")
    return _polar(r, theta)
