"""Op table: activations (torch.* names and torch.nn.functional's, named "F.<name>").

Gradchecked inputs stay away from kinks; kink cases ("kinks" variants) return
the op's value and its gradient at the kinks, and are compared with PyTorch
only, so the subgradient PyTorch picks is what retrograd must pick.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
from scipy import special

from .harness import OpCase, away_from_zero, inputs_of, rand

S = (3, 4)
SELU_ALPHA, SELU_SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946
no_grad = dict(grad=False, gradgrad=False)


def avoid(*kinks: float, low: float = -2.0, high: float = 2.0, shape: tuple = S):
    """Uniform values in [low, high) kept at least 0.1 away from each kink."""
    def make(rng):
        v = rng.uniform(low, high, shape)
        for k in kinks:
            near = np.abs(v - k) < 0.1
            v = np.where(near, k + np.where(v >= k, 0.1, -0.1) + (v - k), v)
        return v
    return make


def fixed(*values: float):
    return lambda rng: np.array(values, dtype=np.float64)


def F(name: str):
    """The op `name` of a module's nn.functional."""
    return lambda m: getattr(m.nn.functional, name)


def kinks(name: str, call, points, ref=None, variant: str = "kinks") -> OpCase:
    """Value and gradient of `call(m, x)` at `points`, compared with PyTorch (and `ref`)."""
    def fn(m, a):
        x = a.detach().requires_grad_(True)
        y = call(m, x)
        (g,) = m.autograd.grad(y.sum(), x)
        return y.detach(), g
    return OpCase(name, fn, inputs_of(fixed(*points)), ref, variant=variant, **no_grad)


def quiet(call):
    """Run `call` with the implicit-dim deprecation warning silenced."""
    def fn(*args):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            return call(*args)
    return fn


# --- NumPy references ----------------------------------------------------------------------

def leaky(a, slope=0.01):
    return np.where(a > 0, a, a * slope)


def elu(a, alpha=1.0):
    return np.where(a > 0, a, alpha * np.expm1(np.minimum(a, 0)))


def celu(a, alpha=1.0):
    return np.where(a > 0, a, alpha * np.expm1(np.minimum(a, 0) / alpha))


def gelu(a):
    return 0.5 * a * (1 + special.erf(a / math.sqrt(2)))


def gelu_tanh(a):
    return 0.5 * a * (1 + np.tanh(math.sqrt(2 / math.pi) * (a + 0.044715 * a**3)))


def softplus(a, beta=1.0, threshold=20.0):
    return np.where(a * beta > threshold, a, np.logaddexp(0, a * beta) / beta)


def hardsigmoid(a):
    return np.clip(a / 6 + 0.5, 0, 1)


def glu(a, axis=-1):
    first, second = np.split(a, 2, axis=axis)
    return first * special.expit(second)


def softshrink(a, lambd=0.5):
    return np.sign(a) * np.maximum(np.abs(a) - lambd, 0)


def prelu_ref(a, w):
    return np.where(a > 0, a, a * (w.reshape(-1, 1) if w.size > 1 else w))


def act(name, ref, maker=rand(*S), call=None, **kw) -> OpCase:
    """A unary case: `call(m, a)` (default `m.<name>(a)` or F.<name>(a)) against `ref(a)`."""
    if call is None:
        call = (lambda m, a: F(name[2:])(m)(a)) if name.startswith("F.") else (lambda m, a: getattr(m, name)(a))
    return OpCase(name, call, inputs_of(maker), ref, **kw)


def inplace(name, ref, maker=rand(*S), **kwargs) -> OpCase:
    """`F.<name>(a * 1, inplace=True, **kwargs)` (on a non-leaf, as PyTorch requires)."""
    call = lambda m, a: F(name)(m)(a * 1, inplace=True, **kwargs)
    return OpCase(f"F.{name}", call, inputs_of(maker), ref, variant="inplace")


def rrelu_train(m, a):
    # a fresh generator with a fixed seed: the same slopes on every call, so gradcheck works
    return m.rrelu(a, 0.1, 0.3, training=True, generator=m.Generator().manual_seed(0))


AWAY = away_from_zero(*S)
P = (2, 3, 4)  # (N, C, L) for prelu

CASES = [
    # --- torch.* names ---------------------------------------------------------------------
    act("relu", lambda a: np.maximum(a, 0), AWAY),
    OpCase("relu", lambda m, a: a.relu(), inputs_of(AWAY), lambda a: np.maximum(a, 0), variant="method"),
    OpCase("relu", lambda m, a: m.relu(a), lambda rng: [rng.integers(-5, 5, S)], lambda a: np.maximum(a, 0),
           variant="int", **no_grad),
    OpCase("relu_", lambda m, a: m.relu_(a * 1), inputs_of(AWAY), lambda a: np.maximum(a, 0)),
    kinks("relu", lambda m, x: m.relu(x), (-1.0, 0.0, 1.0)),
    act("selu", lambda a: SELU_SCALE * elu(a, SELU_ALPHA), AWAY),
    OpCase("selu_", lambda m, a: m.selu_(a * 1), inputs_of(AWAY), lambda a: SELU_SCALE * elu(a, SELU_ALPHA)),
    kinks("selu", lambda m, x: m.selu(x), (-1.0, 0.0, 1.0)),
    act("celu", celu, AWAY),
    OpCase("celu", lambda m, a: m.celu(a, 2.0), inputs_of(AWAY), lambda a: celu(a, 2.0), variant="alpha"),
    OpCase("celu_", lambda m, a: m.celu_(a * 1, 0.5), inputs_of(AWAY), lambda a: celu(a, 0.5)),
    kinks("celu", lambda m, x: m.celu(x, 2.0), (-1.0, 0.0, 1.0)),
    OpCase("threshold", lambda m, a: m.threshold(a, 0.1, 20.0), inputs_of(avoid(0.1)),
           lambda a: np.where(a > 0.1, a, 20.0)),
    OpCase("threshold", lambda m, a: m.threshold(a, 1, -1), lambda rng: [rng.integers(-3, 3, S)],
           lambda a: np.where(a > 1, a, -1), variant="int", **no_grad),
    OpCase("threshold_", lambda m, a: m.threshold_(a * 1, 0.1, 20.0), inputs_of(avoid(0.1)),
           lambda a: np.where(a > 0.1, a, 20.0)),
    kinks("threshold", lambda m, x: m.threshold(x, 0.5, 2.0), (0.0, 0.5, 1.0)),
    act("rrelu", lambda a: leaky(a, (1 / 8 + 1 / 3) / 2), AWAY),
    OpCase("rrelu", lambda m, a: m.rrelu(a, 0.1, 0.3), inputs_of(AWAY), lambda a: leaky(a, 0.2),
           variant="bounds"),
    OpCase("rrelu", rrelu_train, inputs_of(AWAY), variant="training", vs_torch=False),
    OpCase("rrelu_", lambda m, a: m.rrelu_(a * 1, 0.1, 0.3), inputs_of(AWAY), lambda a: leaky(a, 0.2)),
    kinks("rrelu", lambda m, x: m.rrelu(x), (-1.0, 0.0, 1.0)),
    OpCase("prelu", lambda m, a, w: m.prelu(a, w), inputs_of(away_from_zero(*P), rand(3, low=0.1, high=0.5)),
           prelu_ref),
    OpCase("prelu", lambda m, a, w: m.prelu(a, w), inputs_of(away_from_zero(*P), rand(1, low=0.1, high=0.5)),
           prelu_ref, variant="shared"),
    OpCase("prelu", lambda m, a, w: m.prelu(a, w), inputs_of(away_from_zero(4, 3), rand(3, low=0.1, high=0.5)),
           lambda a, w: np.where(a > 0, a, a * w), variant="2d"),
    kinks("prelu", lambda m, x: m.prelu(x, m.tensor([0.3], dtype=x.dtype)), (-1.0, 0.0, 1.0)),
    OpCase("hardshrink", lambda m, a: m.hardshrink(a), inputs_of(avoid(-0.5, 0.5)),
           lambda a: np.where(np.abs(a) > 0.5, a, 0)),
    OpCase("hardshrink", lambda m, a: m.hardshrink(a, 1.0), inputs_of(avoid(-1, 1)),
           lambda a: np.where(np.abs(a) > 1, a, 0), variant="lambd"),
    kinks("hardshrink", lambda m, x: m.hardshrink(x), (-0.5, 0.0, 0.5, 1.0)),
    OpCase("softmax", lambda m, a: m.softmax(a, 1), inputs_of(rand(*S)), lambda a: special.softmax(a, 1)),
    OpCase("softmax", lambda m, a: m.softmax(a, dim=0), inputs_of(rand(*S)), lambda a: special.softmax(a, 0),
           variant="dim0"),
    OpCase("softmax", lambda m, a: m.softmax(a, -2), inputs_of(rand(2, 3, 4)), lambda a: special.softmax(a, -2),
           variant="3d_neg"),
    OpCase("softmax", lambda m, a: m.softmax(a, 0), inputs_of(rand()), lambda a: np.ones(()), variant="0d"),
    OpCase("softmax", lambda m, a: m.softmax(a, -1), inputs_of(rand(5, low=-500, high=500)),
           lambda a: special.softmax(a), variant="large", gradgrad=False),
    OpCase("softmax", lambda m, a: m.softmax(a, 1, dtype=m.float64), inputs_of(rand(*S)),
           lambda a: special.softmax(a, 1), variant="dtype"),
    OpCase("softmax", lambda m, a: a.softmax(-1), inputs_of(rand(*S)), lambda a: special.softmax(a, -1),
           variant="method"),
    OpCase("softmax", lambda m, a: m.softmax(a, 1), inputs_of(rand(2, 0)), lambda a: a, variant="empty"),
    OpCase("log_softmax", lambda m, a: m.log_softmax(a, 1), inputs_of(rand(*S)),
           lambda a: special.log_softmax(a, 1)),
    OpCase("log_softmax", lambda m, a: m.log_softmax(a, -3), inputs_of(rand(2, 3, 4)),
           lambda a: special.log_softmax(a, 0), variant="3d_neg"),
    OpCase("log_softmax", lambda m, a: m.log_softmax(a, 0), inputs_of(rand(6, low=-800, high=800)),
           lambda a: special.log_softmax(a), variant="large"),
    OpCase("log_softmax", lambda m, a: m.log_softmax(a, 0, m.float64), inputs_of(rand(*S)),
           lambda a: special.log_softmax(a, 0), variant="dtype"),
    OpCase("log_softmax", lambda m, a: a.log_softmax(dim=1), inputs_of(rand(*S)),
           lambda a: special.log_softmax(a, 1), variant="method"),
    OpCase("log_softmax", lambda m, a: m.log_softmax(a, 0), inputs_of(rand()), lambda a: np.zeros(()),
           variant="0d"),
    # --- torch.nn.functional -------------------------------------------------------------------
    act("F.relu", lambda a: np.maximum(a, 0), AWAY),
    inplace("relu", lambda a: np.maximum(a, 0), AWAY),
    act("F.relu_", lambda a: np.maximum(a, 0), AWAY, call=lambda m, a: F("relu_")(m)(a * 1)),
    act("F.relu6", lambda a: np.clip(a, 0, 6), avoid(0, 6, low=-2, high=8)),
    inplace("relu6", lambda a: np.clip(a, 0, 6), avoid(0, 6, low=-2, high=8)),
    kinks("F.relu6", lambda m, x: m.nn.functional.relu6(x), (-1.0, 0.0, 3.0, 6.0, 7.0)),
    act("F.leaky_relu", leaky, AWAY),
    OpCase("F.leaky_relu", lambda m, a: F("leaky_relu")(m)(a, 0.2), inputs_of(AWAY), lambda a: leaky(a, 0.2),
           variant="slope"),
    inplace("leaky_relu", lambda a: leaky(a, 0.3), AWAY, negative_slope=0.3),
    act("F.leaky_relu_", leaky, AWAY, call=lambda m, a: F("leaky_relu_")(m)(a * 1)),
    kinks("F.leaky_relu", lambda m, x: m.nn.functional.leaky_relu(x, 0.2), (-1.0, 0.0, 1.0)),
    kinks("F.leaky_relu", lambda m, x: m.nn.functional.leaky_relu(x, -0.5), (-1.0, 0.0, 1.0),
          variant="kinks_negative_slope"),
    act("F.elu", elu, AWAY),
    OpCase("F.elu", lambda m, a: F("elu")(m)(a, alpha=0.5), inputs_of(AWAY), lambda a: elu(a, 0.5),
           variant="alpha"),
    inplace("elu", lambda a: elu(a, 2.0), AWAY, alpha=2.0),
    act("F.elu_", elu, AWAY, call=lambda m, a: F("elu_")(m)(a * 1)),
    OpCase("F.elu", lambda m, a: F("elu")(m)(a), inputs_of(fixed(-800.0, -5, 5, 800)), elu, variant="large"),
    kinks("F.elu", lambda m, x: m.nn.functional.elu(x, 2.0), (-1.0, 0.0, 1.0)),
    act("F.selu", lambda a: SELU_SCALE * elu(a, SELU_ALPHA), AWAY),
    inplace("selu", lambda a: SELU_SCALE * elu(a, SELU_ALPHA), AWAY),
    act("F.celu", celu, AWAY),
    inplace("celu", lambda a: celu(a, 1.5), AWAY, alpha=1.5),
    act("F.gelu", gelu),
    OpCase("F.gelu", lambda m, a: F("gelu")(m)(a, approximate="tanh"), inputs_of(rand(*S, low=-3, high=3)),
           gelu_tanh, variant="tanh"),
    OpCase("F.gelu", lambda m, a: F("gelu")(m)(a), inputs_of(fixed(-40.0, -6, 0, 6, 40)), gelu, variant="large"),
    act("F.silu", lambda a: a * special.expit(a), rand(*S, low=-4, high=4)),
    inplace("silu", lambda a: a * special.expit(a)),
    OpCase("F.silu", lambda m, a: F("silu")(m)(a), inputs_of(fixed(-800.0, -30, 30, 800)),
           lambda a: a * special.expit(a), variant="large"),
    act("F.mish", lambda a: a * np.tanh(np.logaddexp(0, a)), rand(*S, low=-4, high=4)),
    inplace("mish", lambda a: a * np.tanh(np.logaddexp(0, a))),
    act("F.softplus", softplus, rand(*S, low=-4, high=4)),
    OpCase("F.softplus", lambda m, a: F("softplus")(m)(a, beta=2.0, threshold=1.0), inputs_of(avoid(0.5)),
           lambda a: softplus(a, 2.0, 1.0), variant="beta_threshold"),
    OpCase("F.softplus", lambda m, a: F("softplus")(m)(a), inputs_of(fixed(-800.0, -30, 19, 21, 800)),
           softplus, variant="large"),
    kinks("F.softplus", lambda m, x: m.nn.functional.softplus(x, 2.0, 4.0), (1.0, 2.0, 3.0)),
    act("F.softsign", lambda a: a / (1 + np.abs(a)), AWAY),
    act("F.hardtanh", lambda a: np.clip(a, -1, 1), avoid(-1, 1)),
    OpCase("F.hardtanh", lambda m, a: F("hardtanh")(m)(a, -2.0, 3.0), inputs_of(avoid(-2, 3, low=-4, high=4)),
           lambda a: np.clip(a, -2, 3), variant="bounds"),
    inplace("hardtanh", lambda a: np.clip(a, -1, 1), avoid(-1, 1)),
    act("F.hardtanh_", lambda a: np.clip(a, -1, 1), avoid(-1, 1), call=lambda m, a: F("hardtanh_")(m)(a * 1)),
    OpCase("F.hardtanh", lambda m, a: F("hardtanh")(m)(a), lambda rng: [rng.integers(-3, 3, S)],
           lambda a: np.clip(a, -1, 1), variant="int", **no_grad),
    kinks("F.hardtanh", lambda m, x: m.nn.functional.hardtanh(x, -2.0, 3.0), (-3.0, -2.0, 0.0, 3.0, 4.0)),
    act("F.hardsigmoid", hardsigmoid, avoid(-3, 3, low=-5, high=5)),
    inplace("hardsigmoid", hardsigmoid, avoid(-3, 3, low=-5, high=5)),
    kinks("F.hardsigmoid", lambda m, x: m.nn.functional.hardsigmoid(x), (-4.0, -3.0, 0.0, 3.0, 4.0)),
    act("F.hardswish", lambda a: a * hardsigmoid(a), avoid(-3, 3, low=-5, high=5)),
    inplace("hardswish", lambda a: a * hardsigmoid(a), avoid(-3, 3, low=-5, high=5)),
    kinks("F.hardswish", lambda m, x: m.nn.functional.hardswish(x), (-4.0, -3.0, 0.0, 3.0, 4.0)),
    act("F.logsigmoid", lambda a: -np.logaddexp(0, -a), rand(*S, low=-4, high=4)),
    OpCase("F.logsigmoid", lambda m, a: F("logsigmoid")(m)(a), inputs_of(fixed(-800.0, -30, 30, 800)),
           lambda a: -np.logaddexp(0, -a), variant="large"),
    OpCase("F.softmax", lambda m, a: F("softmax")(m)(a, dim=1), inputs_of(rand(*S)),
           lambda a: special.softmax(a, 1)),
    OpCase("F.softmax", quiet(lambda m, a: F("softmax")(m)(a)), inputs_of(rand(2, 3, 4)),
           lambda a: special.softmax(a, 0), variant="implicit_dim3"),
    OpCase("F.softmax", quiet(lambda m, a: F("softmax")(m)(a)), inputs_of(rand(*S)),
           lambda a: special.softmax(a, 1), variant="implicit_dim2"),
    OpCase("F.softmax", lambda m, a: F("softmax")(m)(a, -1, dtype=m.float64), inputs_of(rand(*S)),
           lambda a: special.softmax(a, -1), variant="dtype"),
    OpCase("F.log_softmax", lambda m, a: F("log_softmax")(m)(a, dim=-1), inputs_of(rand(*S)),
           lambda a: special.log_softmax(a, -1)),
    OpCase("F.log_softmax", quiet(lambda m, a: F("log_softmax")(m)(a)), inputs_of(rand(5)),
           lambda a: special.log_softmax(a, 0), variant="implicit_dim1"),
    OpCase("F.softmin", lambda m, a: F("softmin")(m)(a, dim=1), inputs_of(rand(*S)),
           lambda a: special.softmax(-a, 1)),
    OpCase("F.softmin", lambda m, a: F("softmin")(m)(a, 0, dtype=m.float64), inputs_of(rand(*S)),
           lambda a: special.softmax(-a, 0), variant="dtype"),
    OpCase("F.glu", lambda m, a: F("glu")(m)(a), inputs_of(rand(*S)), glu),
    OpCase("F.glu", lambda m, a: F("glu")(m)(a, dim=0), inputs_of(rand(4, 3)), lambda a: glu(a, 0), variant="dim0"),
    OpCase("F.glu", lambda m, a: F("glu")(m)(a, -2), inputs_of(rand(2, 6, 3)), lambda a: glu(a, -2), variant="3d"),
    OpCase("F.threshold", lambda m, a: F("threshold")(m)(a, 0.2, -3.0), inputs_of(avoid(0.2)),
           lambda a: np.where(a > 0.2, a, -3.0)),
    inplace("threshold", lambda a: np.where(a > 0.2, a, -3.0), avoid(0.2), threshold=0.2, value=-3.0),
    OpCase("F.threshold_", lambda m, a: F("threshold_")(m)(a * 1, 0.2, -3.0), inputs_of(avoid(0.2)),
           lambda a: np.where(a > 0.2, a, -3.0)),
    OpCase("F.prelu", lambda m, a, w: F("prelu")(m)(a, w), inputs_of(away_from_zero(*P), rand(3, low=0.1, high=0.5)),
           prelu_ref),
    act("F.rrelu", lambda a: leaky(a, (1 / 8 + 1 / 3) / 2), AWAY),
    inplace("rrelu", lambda a: leaky(a, 0.2), AWAY, lower=0.1, upper=0.3),
    act("F.rrelu_", lambda a: leaky(a, (1 / 8 + 1 / 3) / 2), AWAY, call=lambda m, a: F("rrelu_")(m)(a * 1)),
    act("F.hardshrink", lambda a: np.where(np.abs(a) > 0.5, a, 0), avoid(-0.5, 0.5)),
    act("F.softshrink", softshrink, avoid(-0.5, 0.5)),
    OpCase("F.softshrink", lambda m, a: F("softshrink")(m)(a, 1.0), inputs_of(avoid(-1, 1)),
           lambda a: softshrink(a, 1.0), variant="lambd"),
    kinks("F.softshrink", lambda m, x: m.nn.functional.softshrink(x), (-1.0, -0.5, 0.0, 0.5, 1.0)),
    act("F.tanhshrink", lambda a: a - np.tanh(a)),
    act("F.sigmoid", special.expit),
    act("F.tanh", np.tanh),
]
