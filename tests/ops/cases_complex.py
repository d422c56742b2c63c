"""Op table: complex numbers (real/imag, conj, angle, polar, views as real pairs) and complex arithmetic.

Inputs are real float64 arrays; each case builds its complex tensors with `complex` or
`view_as_complex` and returns real results (`view_as_real`, `abs`, `real`), so finite
differences, PyTorch and forward mode all compare real numbers. That checks PyTorch's
gradient convention for complex values: ∂L/∂x + i ∂L/∂y.
"""

from __future__ import annotations

import numpy as np

from .harness import OpCase, away_from_zero, inputs_of, positive, rand

S = (2, 3)
no_grad = dict(grad=False, gradgrad=False)


def case(name, fn, makers, ref=None, **kw):
    return OpCase(name, fn, inputs_of(*makers), ref, **kw)


def z(m, a, b):
    return m.complex(a, b)


def np_z(a, b):
    return a + 1j * b


def pairs(c):
    return np.stack([np.real(c), np.imag(c)], -1)


CASES = [
    case("complex", lambda m, a, b: m.view_as_real(z(m, a, b)), [rand(*S), rand(*S)], lambda a, b: pairs(np_z(a, b))),
    case("complex", lambda m, a, b: m.view_as_real(z(m, a, b)), [rand(*S), rand(3)], variant="broadcast"),
    case("real", lambda m, a, b: m.real(z(m, a, b) * z(m, b, a)), [rand(*S), rand(*S)],
         lambda a, b: np.real(np_z(a, b) * np_z(b, a))),
    case("real", lambda m, a: m.real(a), [rand(*S)], lambda a: a, variant="of_real"),
    case("isreal", lambda m, a, b: m.isreal(z(m, a, (b > 0) * b)), [rand(*S), rand(*S)],
         lambda a, b: (b > 0) * b == 0, variant="of_complex", grad=False, gradgrad=False),
    case("imag", lambda m, a, b: m.imag(z(m, a, b) * z(m, b, a)), [rand(*S), rand(*S)],
         lambda a, b: np.imag(np_z(a, b) * np_z(b, a))),
    case("conj", lambda m, a, b: m.view_as_real(m.conj(z(m, a, b)) * z(m, b, a)), [rand(*S), rand(*S)],
         lambda a, b: pairs(np.conj(np_z(a, b)) * np_z(b, a))),
    case("conj_physical", lambda m, a, b: m.view_as_real(m.conj_physical(z(m, a, b) * z(m, a, a))),
         [rand(*S), rand(*S)], lambda a, b: pairs(np.conj(np_z(a, b) * np_z(a, a)))),
    case("resolve_conj", lambda m, a, b: m.view_as_real(m.resolve_conj(m.conj(z(m, a, b)))), [rand(*S), rand(*S)]),
    case("resolve_neg", lambda m, a, b: m.view_as_real(m.resolve_neg(-z(m, a, b))), [rand(*S), rand(*S)]),
    case("angle", lambda m, a, b: m.angle(z(m, a, b)), [away_from_zero(*S), away_from_zero(*S)],
         lambda a, b: np.angle(np_z(a, b))),
    case("angle", lambda m, a: m.angle(a), [away_from_zero(*S)], lambda a: np.angle(a), variant="of_real"),
    case("polar", lambda m, r, t: m.view_as_real(m.polar(r, t)), [positive(*S), rand(*S, low=-3, high=3)],
         lambda r, t: pairs(r * np.exp(1j * t))),
    case("view_as_real", lambda m, a, b: m.view_as_real(z(m, a, b) * z(m, a, b)), [rand(*S), rand(*S)],
         lambda a, b: pairs(np_z(a, b) ** 2)),
    case("view_as_complex", lambda m, x, y: m.view_as_real(m.view_as_complex(x) * m.view_as_complex(y)),
         [rand(3, 2), rand(3, 2)], lambda x, y: pairs((x[:, 0] + 1j * x[:, 1]) * (y[:, 0] + 1j * y[:, 1]))),
    case("sgn", lambda m, a, b: m.view_as_real(m.sgn(z(m, a, b))), [away_from_zero(*S), away_from_zero(*S)],
         lambda a, b: pairs(np_z(a, b) / np.abs(np_z(a, b))), variant="complex"),
    case("abs", lambda m, a, b: m.abs(z(m, a, b) * z(m, b, a)), [away_from_zero(*S), away_from_zero(*S)],
         lambda a, b: np.abs(np_z(a, b) * np_z(b, a)), variant="complex"),
    case("mul", lambda m, a, b, c: m.view_as_real(z(m, a, b) * z(m, b, c) * c), [rand(*S), rand(*S), rand(*S)],
         variant="complex"),
    case("div", lambda m, a, b, c: m.view_as_real(z(m, a, b) / z(m, c, a)), [rand(*S), rand(*S), away_from_zero(*S)],
         variant="complex"),
    case("div", lambda m, a, b: m.view_as_real(a / z(m, a, b)), [rand(*S), away_from_zero(*S)],
         variant="real_by_complex"),
    case("pow", lambda m, a, b: m.view_as_real(z(m, a, b) ** 3), [rand(*S), rand(*S)], variant="complex"),
    case("matmul", lambda m, a, b, c: m.view_as_real(m.matmul(z(m, a, b), z(m, c, a).mT)),
         [rand(2, 3), rand(2, 3), rand(2, 3)], variant="complex"),
    case("mm", lambda m, a, b, c: m.view_as_real(m.mm(z(m, a, b), z(m, c, b).mT)), [rand(2, 3), rand(2, 3), rand(2, 3)],
         variant="complex"),
]

EXEMPT = {
    "is_complex": "a predicate, no tensor output: tests/test_complex.py",
    "is_conj": "a predicate (always False: no lazy conjugation): tests/test_complex.py",
    "is_neg": "a predicate (always False: no lazy negation): tests/test_complex.py",
}

CASES += [
    case("exp", lambda m, a, b: m.view_as_real(m.exp(z(m, a, b))), [rand(*S), rand(*S)], variant="complex"),
    case("sin", lambda m, a, b: m.view_as_real(m.sin(z(m, a, b))), [rand(*S), rand(*S)], variant="complex"),
    case("log", lambda m, a, b: m.view_as_real(m.log(z(m, a, b))), [positive(*S), rand(*S)], variant="complex"),
    case("sqrt", lambda m, a, b: m.view_as_real(m.sqrt(z(m, a, b))), [positive(*S), rand(*S)], variant="complex"),
]
