"""Seeded random numbers with PyTorch's API: rand, randn, randint, normal, multinomial, ...

Numbers come from PyTorch's CPU generator, a Mersenne Twister (`_generator.py`),
through PyTorch's CPU algorithms (`_cpu_sampling.py`): after `manual_seed(s)` they
are the numbers PyTorch 2.13 gives on CPU for the same calls. Every sampler takes
`generator=` (default: `default_generator`).
"""

from __future__ import annotations

import math
import operator
from typing import Any

import numpy as np

from . import _cpu_sampling as _cpu
from . import dtypes as _dt
from ._display_name import package_name
from ._generator import (
    Generator,
    default_generator,
    get_rng_state,
    initial_seed,
    manual_seed,
    resolve,
    seed,
    set_rng_state,
)
from ._generator import fork_rng as fork_rng  # `torch.random.fork_rng` (not at top level)
from ._random_draw import (
    P_IN_RANGE,
    check_float,
    device_draw,
    draw_integers,
    sample_kind,
    sampled,
    shape_of,
    uniform,
)
from ._random_draw import (
    normal as _normal_draw,
)
from .backend import as_device
from .engine import primitive as _primitive
from .engine.grad_mode import no_grad
from .engine.numpy_errors import broadcast_mismatch
from .engine.primitive import Primitive
from .engine.vmap_hook import NOT_BATCHED, batched, random_draw
from .engine.vmap_hook import hook as _vmap
from .ops.creation import empty_like, target_device
from .ops.kernels.arg_types import bool_arg, int_arg, invalid_combination, tensor_arg
from .ops.kernels.guards import size_keyword
from .ops.kernels.out_arg import ANY, same, write_out
from .ops.kernels.placement import check_layout, check_memory_format, check_pin_memory, dtype_arg
from .tensor import Tensor

__all__ = [
    "Generator",
    "default_generator",
    "manual_seed",
    "seed",
    "initial_seed",
    "get_rng_state",
    "set_rng_state",
    "rand",
    "randn",
    "randint",
    "randperm",
    "normal",
    "bernoulli",
    "multinomial",
    "poisson",
    "binomial",
    "rand_like",
    "randn_like",
    "randint_like",
]
_BAD_NORMAL = "normal() received an invalid combination of arguments"


def _as_double(x: Any) -> Any:
    """`x`, or its value when it is a 0-dim tensor that records no graph (which a `float` parameter takes)."""
    if isinstance(x, Tensor) and x.dim() == 0 and not x.requires_grad:
        return x.item()
    return x


def _leaf(data: Any, requires_grad: bool) -> Tensor:
    t = Tensor._make(data)
    if requires_grad:
        if not (_dt.is_floating(data.dtype) or data.dtype.kind == "c"):
            raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
        t._requires_grad = True
    return t


def _recorded(name: str, rng: Generator, make: Any, shape: tuple) -> Tensor:
    """`random_draw(make, shape)`; while retrograd.compile records, a draw its generated code makes
    again at each call, from `rng`, as eager code would (compiler/_draws.py)."""
    tracer = _primitive.tracer
    if tracer is None or _vmap.active:
        return random_draw(make, shape)
    return tracer.draw(name, rng, lambda: make(shape))


def filled_like(template: Tensor, kind: str, a: Any, b: Any = None, generator: Generator | None = None) -> Tensor:
    """What `template.<kind>_(a, b)` would leave in `template` (see `sample_like`), as a new tensor
    laid out as `template`, a NumPy one: dropout's mask, a draw retrograd.compile can record."""
    rng = resolve(generator)

    def make(shape: tuple) -> Tensor:
        out = np.empty_like(template._data)
        out[...] = sample_kind(template, kind, a, b, rng)
        return Tensor._make(out)

    return _recorded(kind, rng, make, tuple(template.shape))


def _float_or_default(dtype: _dt.dtype | None, fn: str) -> _dt.dtype:
    dtype = dtype_arg(dtype, fn)
    return dtype if dtype is not None else _dt.get_default_dtype()


def _integral_dtype(dtype: Any, fn: str, default: _dt.dtype) -> _dt.dtype:
    """randint's and randint_like's `dtype=`: `default` when omitted; PyTorch refuses complex ones."""
    dt = dtype_arg(dtype, fn)
    dt = default if dt is None else dt
    if dt.is_complex:
        raise RuntimeError("check_random_bounds handles only integral, floating-point and boolean types")
    return dt


def rand(
    *dims: Any,
    size: Any = None,
    generator: Generator | None = None,
    out: Any = None,
    dtype: _dt.dtype | None = None,
    layout: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    pin_memory: bool = False,
) -> Tensor:
    """Uniform samples in [0, 1) of the given shape (default float dtype).

    Args:
        *dims (int or sequence of int): the shape, as ints or one sequence.
        size (sequence of int, optional): the shape by keyword instead (`size=(N, C)`).
        generator (Generator, optional): the generator to draw from (default: the global one).
        dtype (dtype, optional): a floating dtype (default float32).
        requires_grad (bool): whether autograd records operations on the result.

    Returns:
        Tensor: samples from U[0, 1) of that shape.

    Examples:
        >>> _ = retrograd.manual_seed(0)
        >>> retrograd.rand(3)
        tensor([0.4963, 0.7682, 0.0885])
    """
    if out is not None:
        return write_out(out, rand, locals(), ANY, dtype_from_out=True)
    check_layout(layout, "rand")
    check_pin_memory(pin_memory)
    dev = target_device(device)
    dt = _float_or_default(dtype, "rand")
    if not dt.is_complex:
        check_float(dt, "check_uniform_bounds")
    shape = shape_of(size_keyword(dims, size, "rand", overloaded=True), "rand")
    if dev.type != "cpu":  # CUDA or meta
        return _leaf(device_draw(dev, "uniform", shape, dt.np, 0.0, 1.0), requires_grad)
    rng = resolve(generator)
    return _recorded("rand", rng, lambda s: _leaf(_uniform_of(rng, s, dt), requires_grad), shape)


def _uniform_of(gen: Generator, shape: tuple, dt: _dt.dtype) -> Any:
    """U[0, 1) draws; a complex dtype draws its real and imaginary parts side by side, as PyTorch."""
    if dt.is_complex:
        real = dt.to_real().np
        return uniform(gen, tuple(shape) + (2,), real, 0.0, 1.0).view(dt.np).reshape(shape)
    return uniform(gen, shape, dt.np, 0.0, 1.0)


def randn(
    *dims: Any,
    size: Any = None,
    generator: Generator | None = None,
    out: Any = None,
    dtype: _dt.dtype | None = None,
    layout: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    pin_memory: bool = False,
) -> Tensor:
    """Standard normal samples of the given shape (default float dtype).

    Args:
        *dims (int or sequence of int): the shape, as ints or one sequence.
        size (sequence of int, optional): the shape by keyword instead (`size=(N, C)`).
        generator (Generator, optional): the generator to draw from (default: the global one).
        dtype (dtype, optional): a floating dtype (default float32).
        requires_grad (bool): whether autograd records operations on the result.

    Returns:
        Tensor: samples from N(0, 1) of that shape.

    Examples:
        >>> _ = retrograd.manual_seed(0)
        >>> retrograd.randn(2, 3)
        tensor([[ 1.5410, -0.2934, -2.1788],
                [ 0.5684, -1.0845, -1.3986]])
    """
    if out is not None:
        return write_out(out, randn, locals(), ANY, dtype_from_out=True)
    check_layout(layout, "randn")
    check_pin_memory(pin_memory)
    dev = target_device(device)
    dt = _float_or_default(dtype, "randn")
    shape = shape_of(size_keyword(dims, size, "randn", overloaded=True), "randn")
    if dt.is_complex:  # PyTorch draws the real and imaginary parts as one real tensor, each N(0, 1/2)
        real, std = dt.to_real().np, 1.0 / math.sqrt(2.0)  # std / √2, as PyTorch divides it
        if dev.type != "cpu":  # CUDA or meta
            return _leaf(device_draw(dev, "normal", shape + (2,), real, 0.0, std).view(dt.np)[..., 0], requires_grad)
        pairs = lambda s: _normal_draw(resolve(generator), tuple(s) + (2,), real, 0.0, std)  # noqa: E731
        return random_draw(lambda s: _leaf(pairs(s).view(dt.np)[..., 0], requires_grad), shape)
    check_float(dt, "normal_kernel_cpu")
    if dev.type != "cpu":  # CUDA or meta
        return _leaf(device_draw(dev, "normal", shape, dt.np, 0.0, 1.0), requires_grad)
    rng = resolve(generator)
    return _recorded("randn", rng, lambda s: _leaf(_normal_draw(rng, s, dt.np), requires_grad), shape)


def _int_arg(value: Any, name: str, fn: str) -> int:
    try:
        return operator.index(value.item() if isinstance(value, Tensor) else value)
    except TypeError:
        kind = type(value).__name__
        raise TypeError(f"{fn}(): argument '{name}' must be int, not {kind}") from None


_RANDINT_KEYWORDS = (
    "low",
    "high",
    "size",
    "generator",
    "out",
    "dtype",
    "layout",
    "device",
    "requires_grad",
    "pin_memory",
)
_FACTORY_KEYWORDS = (
    "Tensor out = None, {0}.dtype dtype = None, {0}.layout layout = None, {0}.device device = None, "
    "bool pin_memory = False, bool requires_grad = False"
)
# PyTorch's randint signatures, each with its count of required arguments and of all arguments
_RANDINT_SIGNATURES = (
    ("int high, tuple of ints size, *, {0}.Generator generator, " + _FACTORY_KEYWORDS, 3, 10),
    ("int high, tuple of ints size, *, " + _FACTORY_KEYWORDS, 2, 9),
    ("int low, int high, tuple of ints size, *, {0}.Generator generator, " + _FACTORY_KEYWORDS, 4, 11),
    ("int low, int high, tuple of ints size, *, " + _FACTORY_KEYWORDS, 3, 10),
)


_RANDPERM_SIGNATURES = ("int n, *, {0}.Generator generator, " + _FACTORY_KEYWORDS, "int n, *, " + _FACTORY_KEYWORDS)


def _randint_fits(low: Any, high: Any, size: Any) -> bool:
    ints = (int, np.integer, Tensor)
    return (
        isinstance(low, ints)
        and isinstance(high, ints)
        and isinstance(size, (tuple, list))
        and all(isinstance(s, ints) for s in size)
    )


def _refuse_randint(args: tuple, passed: dict[str, Any]) -> None:
    """PyTorch's parser on arguments that fit no signature: when the argument count makes exactly one
    signature plausible, its complaint about the wrong argument (raised by the caller's own checks,
    so this returns); otherwise the list of every signature."""
    count = len(args) + len(passed)
    plausible = [text for text, least, most in _RANDINT_SIGNATURES if least <= count <= most]
    if len(plausible) != 1:
        listed = tuple(text.format(package_name()) for text, _, _ in _RANDINT_SIGNATURES)
        raise invalid_combination("randint", args, listed, passed)


def randint(
    *args: Any,
    low: int | None = None,
    high: int | None = None,
    size: Any = None,
    generator: Generator | None = None,
    out: Any = None,
    dtype: _dt.dtype | None = None,
    layout: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    pin_memory: bool = False,
) -> Tensor:
    """Integers uniform in [low, high): `randint(high, size)` or `randint(low, high, size)`.

    Args:
        *args (int): `high, size` or `low, high, size`; `size` is a tuple of ints.
        generator (Generator, optional): the generator to draw from.
        dtype (dtype, optional): the dtype (default int64).

    Returns:
        Tensor: integers drawn uniformly from `[low, high)`, of that shape.

    Examples:
        >>> _ = retrograd.manual_seed(0)
        >>> retrograd.randint(0, 10, (5,))
        tensor([4, 9, 3, 0, 3])
    """
    if out is not None:
        return write_out(out, randint, locals(), ANY, dtype_from_out=True)
    check_layout(layout, "randint")
    check_pin_memory(pin_memory)
    dev = target_device(device)
    passed = {k: v for k, v in locals().items() if k in _RANDINT_KEYWORDS and v not in (None, False)}
    pos = list(args)
    if size is None and pos:
        size = pos.pop()
    if high is None and pos:
        high = pos.pop()
    if low is None:
        low = pos.pop() if pos else 0
    if pos or size is None or high is None or not _randint_fits(low, high, size):
        _refuse_randint(args, passed)
    if pos or size is None or high is None:
        raise TypeError("randint() received an invalid combination of arguments")
    if not isinstance(size, (tuple, list)):
        raise TypeError(
            f"randint(): argument 'size' (position {len(args)}) must be tuple of ints, not {type(size).__name__}"
        )
    dt = _integral_dtype(dtype, "randint", _dt.int64)
    low, high = _int_arg(low, "low", "randint"), _int_arg(high, "high", "randint")
    shape = shape_of((size,), "randint")
    if dev.type != "cpu":  # CUDA or meta
        return _leaf(device_draw(dev, "random", shape, dt.np, low, high), requires_grad)
    rng = resolve(generator)
    return _recorded("randint", rng, lambda s: _leaf(draw_integers(rng, low, high, s, dt), requires_grad), shape)


def randperm(
    n: int,
    *,
    generator: Generator | None = None,
    out: Any = None,
    dtype: _dt.dtype | None = None,
    layout: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    pin_memory: bool = False,
) -> Tensor:
    """A random permutation of `0 .. n-1` (int64 by default).

    Args:
        n (int): the number of values.
        generator (Generator, optional): the generator to draw from.
        dtype (dtype): the dtype (default int64).

    Returns:
        Tensor: a 1-D tensor holding `0 .. n-1` in random order.

    Examples:
        >>> _ = retrograd.manual_seed(0)
        >>> retrograd.randperm(5)
        tensor([4, 0, 1, 3, 2])
    """
    dtype = dtype_arg(dtype, "randperm")
    if out is not None:
        dtype = getattr(out, "dtype", dtype) if dtype in (None, _dt.int64) else dtype  # the default: out's dtype wins
        return write_out(out, randperm, locals(), ANY, dtype_from_out=True)
    if generator is not None and not isinstance(generator, Generator):  # e.g. RandomSampler(generator=seed)
        listed = tuple(text.format(package_name()) for text in _RANDPERM_SIGNATURES)
        raise invalid_combination("randperm", (n,), listed, {"generator": generator})
    check_layout(layout, "randperm")
    check_pin_memory(pin_memory)
    dev = target_device(device)
    n = _int_arg(n, "n", "randperm")
    shape_of((n,), "randperm")
    dtype = _dt.int64 if dtype is None else dtype
    if dtype == _dt.bool_ or dtype.is_complex:
        raise NotImplementedError(f"\"randperm\" not implemented for '{dtype.kind_name}'")
    if dev.type != "cpu":  # CUDA or meta
        return _leaf(device_draw(dev, "perm", (n,), dtype.np), requires_grad)

    rng = resolve(generator)

    def draw(shape: tuple) -> Tensor:  # under vmap(randomness="different") the batch sizes lead `shape`
        return _leaf(_permutations(rng, n, shape[:-1]).astype(dtype.np), requires_grad)

    return _recorded("randperm", rng, draw, (n,))


def _permutations(gen: Generator, n: int, lead: tuple) -> Any:
    """`lead` independent permutations of `0 .. n-1` (one when `lead` is empty), shaped `(*lead, n)`.

    Inside `vmap(randomness="different")` `lead` holds the batch sizes, outermost level first. As
    PyTorch's batching rule, each level draws one permutation per example in turn, the innermost
    level's loop outermost: draws fill the reversed batch shape, which is then turned back.
    """
    if not lead:
        return _cpu.randperm(gen, n)
    reversed_lead = tuple(reversed(lead))
    draws = np.stack([_cpu.randperm(gen, n) for _ in range(math.prod(lead))]).reshape(reversed_lead + (n,))
    return draws.transpose(tuple(reversed(range(len(lead)))) + (len(lead),))


# --- normal: its four overloads -------------------------------------------------------------


def normal(
    mean: Any = 0.0,
    std: Any = 1.0,
    size: Any = None,
    *,
    generator: Generator | None = None,
    out: Any = None,
    dtype: _dt.dtype | None = None,
    layout: Any = None,
    device: Any = None,
    pin_memory: bool = False,
    requires_grad: bool = False,
) -> Tensor:
    """Samples from normal distributions N(mean, std²).

    Two forms: `normal(mean, std)` with a tensor mean and/or std (broadcast to one shape; one
    sample per element), or `normal(mean, std, size)` with float mean and std. Gradients through
    tensor mean/std are zero, as in PyTorch (use `distributions.Normal.rsample` to differentiate).

    Args:
        mean (Tensor or float): the means (default 0.0).
        std (Tensor or float): the standard deviations, >= 0 (default 1.0).
        size (tuple of int, optional): the shape, for float mean and std only.
        generator (Generator, optional): the generator to draw from.
        out (Tensor, optional): a tensor to write the result into.
        dtype (dtype, optional): a floating dtype for the `size` form (default: the default dtype).
        requires_grad (bool): for the `size` form, whether the result records a graph (default False).

    Returns:
        Tensor: the broadcast shape of mean and std, or `size`; a floating dtype.

    Examples:
        >>> _ = retrograd.manual_seed(0)
        >>> retrograd.normal(retrograd.tensor([0.0, 10.0, 100.0]), 0.1)
        tensor([ 0.1541,  9.9707, 99.7821])
        >>> _ = retrograd.manual_seed(0)
        >>> retrograd.normal(2.0, 0.5, (2, 2))
        tensor([[2.7705, 1.8533],
                [0.9106, 2.2842]])
    """
    if out is not None:
        from_size = not isinstance(mean, Tensor) and not isinstance(std, Tensor)  # normal(0.0, 1.0, size)
        return write_out(out, normal, locals(), dtype_from_out=from_size)
    check_layout(layout, "normal")
    check_pin_memory(pin_memory)
    rng = resolve(generator)
    if size is not None:  # the float overload: as PyTorch's parser, a 0-dim tensor without a graph is a float
        mean, std = _as_double(mean), _as_double(std)
    if isinstance(mean, Tensor) or isinstance(std, Tensor):
        if size is not None:
            raise TypeError(f"{_BAD_NORMAL} - got (Tensor, float, tuple)")
        _no_factory_keywords(mean, std, dtype=dtype, layout=layout, device=device, pin_memory=pin_memory,
                             requires_grad=requires_grad)
        if _vmap.active:  # batched means or scales: every example draws its own
            drawn = batched("random", normal, mean, std, generator=generator)
            if drawn is not NOT_BATCHED:
                return drawn
        return _normal_tensor(mean, std, rng)
    if size is None:
        raise TypeError(f"{_BAD_NORMAL} - got (float, float)")
    dev = target_device(device)
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
    dt = check_float(_float_or_default(dtype, "normal"), "normal_kernel_cpu")
    shape = shape_of((size,), "normal")
    mean, std = float(mean), float(std)
    if dev.type != "cpu":  # CUDA or meta
        return _leaf(device_draw(dev, "normal", shape, dt.np, mean, std), requires_grad)
    return _recorded("normal", rng, lambda s: _leaf(_normal_draw(rng, s, dt.np, mean, std), requires_grad), shape)


def _no_factory_keywords(mean: Any, std: Any, **given: Any) -> None:
    """PyTorch's tensor forms of `normal` take no factory keywords: its TypeError, not the keyword ignored."""
    passed = {k: v for k, v in given.items() if v is not None and v is not False}
    if passed:
        kinds = ", ".join(type(x).__name__ if not isinstance(x, Tensor) else "Tensor" for x in (mean, std))
        keywords = ", ".join(f"{k}={type(v).__name__}" for k, v in passed.items())
        raise TypeError(f"{_BAD_NORMAL} - got ({kinds}, {keywords})")


def _normal_tensor(mean: Any, std: Any, rng: Generator) -> Tensor:
    if isinstance(std, Tensor):
        if std._data.size and (std._data < 0).any():
            raise RuntimeError("normal expects all elements of std >= 0.0")
    elif std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
    ref = mean if isinstance(mean, Tensor) else std
    both = isinstance(mean, Tensor) and isinstance(std, Tensor)
    dt = _dt.result_type(mean, std) if both else ref.dtype
    check_float(dt, "normal_kernel_cpu")
    m = mean._data if isinstance(mean, Tensor) else mean
    s = std._data if isinstance(std, Tensor) else std
    mismatch = broadcast_mismatch([np.shape(m), np.shape(s)])
    if mismatch is not None:
        raise mismatch
    shape = np.broadcast_shapes(np.shape(m), np.shape(s))
    # PyTorch fills the output with N(0, 1) (its normal_ kernel), then scales and shifts it
    data = (_normal_draw(rng, shape, dt.np) * s + m).astype(dt.np, copy=False)
    tensors = [t for t in (mean, std) if isinstance(t, Tensor)]
    overload = 3 if len(tensors) == 2 else 1 if isinstance(mean, Tensor) else 2
    return sampled(f"NormalBackward{overload}", tensors, data)


# --- bernoulli, multinomial, poisson --------------------------------------------------------


def bernoulli(input: Tensor, p: float | None = None, *, generator: Generator | None = None, out: Any = None) -> Tensor:
    """0/1 samples with probabilities `input` (or a fixed `p`), in `input`'s shape and dtype.

    Args:
        input (Tensor): floating, any shape: the probability of a 1 at each place, in [0, 1].
        p (float, optional): one probability for every place instead; `input` then gives only the shape and dtype.
        generator (Generator, optional): the generator to draw from.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: zeros and ones, `input`'s shape and dtype; no gradient flows back to `input`.

    Examples:
        >>> _ = retrograd.manual_seed(0)
        >>> retrograd.bernoulli(retrograd.tensor([0.0, 0.5, 0.5, 1.0]))
        tensor([0., 0., 1., 1.])
        >>> retrograd.bernoulli(retrograd.zeros(2, 3), p=0.5)
        tensor([[1., 0., 0.],
                [0., 1., 1.]])
    """
    if out is not None:
        return write_out(out, bernoulli, locals(), ANY)
    if _vmap.active:  # vmap: `randomness=` decides
        if not hasattr(input, "_level"):
            return random_draw(lambda s: _bernoulli(input.expand(s), p, generator), tuple(input.shape))
        drawn = batched("random", bernoulli, input, p, generator=generator)
        if drawn is not NOT_BATCHED:
            return drawn
    return _bernoulli(input, p, generator)


def _bernoulli(input: Tensor, p: float | None, generator: Generator | None) -> Tensor:
    rng = resolve(generator)
    if p is not None:
        if not 0 <= p <= 1:
            raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p:g}")
        drawn = _cpu.bernoulli_scalar(rng, input._data.size, p)
        return Tensor._make(drawn.reshape(input._data.shape).astype(input._data.dtype))
    check_float(input.dtype, "bernoulli_tensor_cpu_p_")
    probs = np.asarray(input._data, order="C")  # (ascontiguousarray makes a 0-d array 1-d)
    if not ((probs >= 0) & (probs <= 1)).all():
        raise RuntimeError(P_IN_RANGE)
    return sampled("BernoulliBackward0", [input], _cpu.bernoulli_tensor(rng, probs).astype(probs.dtype))


def multinomial(
    input: Tensor,
    num_samples: int,
    replacement: bool = False,
    *,
    generator: Generator | None = None,
    out: Any = None,
) -> Tensor:
    """Category indices drawn from rows of non-negative weights (they need not sum to 1).

    Args:
        input (Tensor): floating weights, (C,) or (N, C); each row needs a positive entry.
        num_samples (int): k, the draws per row; without replacement at most the number of
            positive weights.
        replacement (bool): whether a category can be drawn again (default False).
        generator (Generator, optional): the generator to draw from.
        out (Tensor, optional): an int64 tensor to write the result into.

    Returns:
        Tensor: int64 indices into the last dim, (k,) or (N, k).

    Examples:
        >>> _ = retrograd.manual_seed(0)
        >>> retrograd.multinomial(retrograd.tensor([0.1, 0.0, 0.9]), 4, replacement=True)
        tensor([2, 2, 2, 2])
        >>> _ = retrograd.manual_seed(0)
        >>> retrograd.multinomial(retrograd.tensor([[1.0, 1.0, 0.0], [0.0, 1.0, 1.0]]), 2)
        tensor([[1, 0],
                [1, 2]])
    """
    _multinomial_args(input, num_samples, replacement)
    if out is not None:
        return write_out(out, multinomial, locals(), same("multinomial expects Long tensor out, got: {dst}"))
    if _vmap.active:  # vmap: `randomness=` decides
        if not hasattr(input, "_level"):  # weights shared by the examples: under "different", rows of a batch
            if input.dim() not in (1, 2):
                raise RuntimeError("prob_dist must be 1 or 2 dim")

            def rows(shape: tuple) -> Tensor:
                return _multinomial(input.expand(shape), num_samples, replacement, generator)

            return random_draw(rows, tuple(input.shape))
        drawn = batched("random_rows", multinomial, input, num_samples, replacement, generator=generator)
        if drawn is not NOT_BATCHED:
            return drawn
    if input.dim() not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    return _multinomial(input, num_samples, replacement, generator)


def _multinomial_args(input: Any, num_samples: Any, replacement: Any) -> None:
    """PyTorch's parser: a tensor, an int count (an integer tensor of one element too; not a float or a
    bool, which would draw `int(2.0)` or one sample) and a Python bool."""
    tensor_arg("multinomial", "input", 1, input)
    if isinstance(num_samples, Tensor) and num_samples.numel() == 1:
        num_samples = num_samples.reshape(())
    int_arg("multinomial", "num_samples", 2, num_samples)
    bool_arg("multinomial", "replacement", 3, replacement)


def _multinomial(input: Tensor, num_samples: int, replacement: bool, generator: Generator | None) -> Tensor:
    """multinomial's draws for every row of `input` (rows along its last dim, any number of leading dims)."""
    from ._random_draw import multinomial_indices

    x = input._data
    if not input.is_floating_point():
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: {input.dtype.kind_name}")
    if x.dtype == _dt.bfloat16.np:  # PyTorch's kernel accumulates 16-bit floats in float32
        x = x.astype(np.float32)
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    if not replacement and num_samples > x.shape[-1]:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    rows = x.reshape(math.prod(x.shape[:-1]), x.shape[-1])
    idx = multinomial_indices(resolve(generator), rows, int(num_samples), bool(replacement))
    return Tensor._make(idx.reshape(x.shape[:-1] + (int(num_samples),)))


def poisson(input: Tensor, generator: Generator | None = None) -> Tensor:
    """Poisson samples, one per element, with rates `input`.

    Args:
        input (Tensor): floating, any shape: the rates λ >= 0.
        generator (Generator, optional): the generator to draw from.

    Returns:
        Tensor: whole-number counts in `input`'s shape and dtype; no gradient flows back to `input`.

    Examples:
        >>> _ = retrograd.manual_seed(0)
        >>> retrograd.poisson(retrograd.tensor([0.0, 1.0, 10.0]))
        tensor([ 0.,  2., 15.])
    """
    if _vmap.active:  # batched rates: every example draws its own
        drawn = batched("random", poisson, input, generator)
        if drawn is not NOT_BATCHED:
            return drawn
    check_float(input.dtype, "poisson_cpu")
    rates = input._data
    if (rates < 0).any():
        raise RuntimeError("invalid Poisson rate, expected rate to be non-negative")
    draws = _cpu.poisson(resolve(generator), np.ascontiguousarray(rates).ravel().astype(np.float64).tolist())
    data = draws.reshape(rates.shape).astype(rates.dtype)
    return sampled("PoissonBackward0", [input], data)


def _no_binomial_derivative(g: Tensor) -> Tensor:
    raise RuntimeError("derivative for aten::binomial is not implemented")


# PyTorch records the draw (so the result requires grad) but has no derivative for it
_BINOMIAL = Primitive(
    "binomial", lambda xp, count, prob, sample: sample, [_no_binomial_derivative] * 2, inputs=("count", "prob")
)


def binomial(count: Tensor, prob: Tensor, generator: Generator | None = None) -> Tensor:
    """Binomial samples, one per element: the number of successes in `count` trials of probability `prob`.

    Args:
        count (Tensor): float32 or float64, any shape: the numbers of trials (whole numbers; <= 0 gives 0).
        prob (Tensor): `count`'s dtype, broadcastable with it: the success probabilities in [0, 1].
        generator (Generator, optional): the generator to draw from.

    Returns:
        Tensor: whole-number counts of the broadcast shape, in `count`'s dtype. The draws are
            PyTorch's (its BTRS / inversion sampler) after the same seed. It requires grad when
            an input does, but backward through it raises, as in PyTorch.

    Examples:
        >>> _ = retrograd.manual_seed(0)
        >>> retrograd.binomial(retrograd.tensor([10.0, 100.0]), retrograd.tensor([0.5, 0.2]))
        tensor([ 7., 21.])
    """
    if _vmap.active:  # batched counts or probabilities: every example draws its own
        drawn = batched("random", binomial, count, prob, generator)
        if drawn is not NOT_BATCHED:
            return drawn
    if not count.dtype.is_floating_point:
        raise ValueError(f"binomial only supports floating-point dtypes for count, got: {count.dtype.kind_name}")
    if prob.dtype != count.dtype:
        raise RuntimeError(f"Found dtype {prob.dtype.kind_name} but expected {count.dtype.kind_name}")
    if count.dtype not in (_dt.float32, _dt.float64):
        raise NotImplementedError(f"\"binomial_cpu\" not implemented for '{count.dtype.kind_name}'")
    from . import _cpu_binomial

    n, p = np.broadcast_arrays(np.asarray(count._data), np.asarray(prob._data))
    draws = _cpu_binomial.binomial(resolve(generator), n.ravel().tolist(), p.ravel().tolist(), n.dtype)
    return _BINOMIAL(count, prob, sample=draws.reshape(n.shape))


# --- *_like ------------------------------------------------------------------------------


def rand_like(
    input: Tensor,
    *,
    generator: Generator | None = None,
    dtype: _dt.dtype | None = None,
    layout: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    pin_memory: bool = False,
    memory_format: Any = None,
) -> Tensor:
    """`rand` with `input`'s shape and (by default) dtype.

    Args:
        input (Tensor): the tensor whose shape (and, by default, dtype) is copied.
        generator (Generator, optional): the generator to draw from.
        dtype (dtype, optional): a floating dtype (default: `input`'s).

    Returns:
        Tensor: samples from U[0, 1) of shape `input.shape`.

    Examples:
        >>> _ = retrograd.manual_seed(0)
        >>> retrograd.rand_like(retrograd.zeros(3))
        tensor([0.4963, 0.7682, 0.0885])
    """
    as_device(device)
    check_layout(layout, "rand_like")
    check_pin_memory(pin_memory)
    check_memory_format(memory_format)
    dt = dtype_arg(dtype, "rand_like") or input.dtype
    dev = input.device if device is None else device
    if _laid_out_apart(input, memory_format, device):  # PyTorch: empty_like(input).uniform_()
        fill = lambda t: t.uniform_(0.0, 1.0, generator=generator)  # noqa: E731
        return _drawn_like(input, dt, device, requires_grad, memory_format, fill)
    return rand(input._data.shape, generator=generator, dtype=dt, device=dev, requires_grad=requires_grad)


def randn_like(
    input: Tensor,
    *,
    generator: Generator | None = None,
    dtype: _dt.dtype | None = None,
    layout: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    pin_memory: bool = False,
    memory_format: Any = None,
) -> Tensor:
    """`randn` with `input`'s shape and (by default) dtype.

    Args:
        input (Tensor): the tensor whose shape (and, by default, dtype) is copied.
        generator (Generator, optional): the generator to draw from.
        dtype (dtype, optional): a floating dtype (default: `input`'s).

    Returns:
        Tensor: samples from N(0, 1) of shape `input.shape`.

    Examples:
        >>> _ = retrograd.manual_seed(0)
        >>> retrograd.randn_like(retrograd.zeros(2, 2))
        tensor([[ 1.5410, -0.2934],
                [-2.1788,  0.5684]])
    """
    as_device(device)
    check_layout(layout, "randn_like")
    check_pin_memory(pin_memory)
    check_memory_format(memory_format)
    dt = dtype_arg(dtype, "randn_like") or input.dtype
    dev = input.device if device is None else device
    if _laid_out_apart(input, memory_format, device):  # PyTorch: empty_like(input).normal_()
        fill = lambda t: t.normal_(0.0, 1.0, generator=generator)  # noqa: E731
        return _drawn_like(input, dt, device, requires_grad, memory_format, fill)
    return randn(input._data.shape, generator=generator, dtype=dt, device=dev, requires_grad=requires_grad)


def _laid_out_apart(input: Tensor, memory_format: Any, device: Any) -> bool:
    """Whether a `*_like` result has a layout other than the contiguous one: PyTorch's
    preserve_format of a non-contiguous input, or a channels-last format."""
    name = check_memory_format(memory_format)
    if name in ("channels_last", "channels_last_3d"):
        return True
    return (
        device is None
        and name != "contiguous_format"
        and not input._data.flags.c_contiguous
        and input.device.type == "cpu"
    )


def _drawn_like(
    input: Tensor, dt: _dt.dtype, device: Any, requires_grad: bool, memory_format: Any, fill: Any
) -> Tensor:
    """A tensor laid out as `memory_format` asks, filled in memory order by `fill` (as PyTorch's
    `*_like` draws)."""
    out = empty_like(input, dtype=dt, device=device, memory_format=memory_format)
    with no_grad():
        fill(out)
    return out._set_requires_grad(requires_grad) if requires_grad else out


def randint_like(
    input: Tensor,
    low: int = 0,
    high: int | None = None,
    *,
    generator: Generator | None = None,
    dtype: _dt.dtype | None = None,
    layout: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    pin_memory: bool = False,
    memory_format: Any = None,
) -> Tensor:
    """`randint` with `input`'s shape and dtype: `randint_like(x, high)` or `randint_like(x, low, high)`.

    Args:
        input (Tensor): the tensor whose shape (and, by default, dtype) is copied.
        low (int): the lowest value (default 0); with `high` omitted, it is `high` instead.
        high (int): one above the highest value.
        generator (Generator, optional): the generator to draw from.
        dtype (dtype, optional): the result's dtype (default: `input`'s).
        device (str or device, optional): the result's device (default: `input`'s).
        requires_grad (bool): whether the result records a graph (floating dtypes only; default False).

    Returns:
        Tensor: integers uniform in [low, high), shape `input.shape`.

    Examples:
        >>> _ = retrograd.manual_seed(0)
        >>> retrograd.randint_like(retrograd.zeros(2, 3), 10)
        tensor([[4., 9., 3.],
                [0., 3., 9.]])
        >>> _ = retrograd.manual_seed(0)
        >>> retrograd.randint_like(retrograd.zeros(4, dtype=retrograd.int64), 5, 8)
        tensor([7, 5, 7, 5])
    """
    as_device(device)
    check_layout(layout, "randint_like")
    check_pin_memory(pin_memory)
    check_memory_format(memory_format)
    if high is None:
        low, high = 0, low
    dt = _integral_dtype(dtype, "randint_like", input.dtype)
    low, high = _int_arg(low, "low", "randint_like"), _int_arg(high, "high", "randint_like")
    shape = input._data.shape
    if check_memory_format(memory_format) in ("channels_last", "channels_last_3d"):  # drawn in memory order
        fill = lambda t: t.random_(low, high, generator=generator)  # noqa: E731
        return _drawn_like(input, dt, device, requires_grad, memory_format, fill)
    if not input.is_cpu or device is not None and as_device(device).type != "cpu":
        dev = input.device if device is None else as_device(device)
        return _leaf(device_draw(dev, "random", shape, dt.np, low, high), requires_grad)
    return random_draw(lambda s: _leaf(draw_integers(resolve(generator), low, high, s, dt), requires_grad), shape)


def sample_like(target: Tensor, kind: str, a: Any, b: Any, generator: Generator | None) -> Any:
    """An array of `target`'s shape and dtype for `uniform_`, `normal_`, `bernoulli_`, ...

    kinds: "uniform" U[a, b); "normal" N(a, b²); "bernoulli" with p = a (a number or a
    tensor that broadcasts); "exponential" with rate a; "random" integers in [a, b).
    """
    return sample_kind(target, kind, a, b, resolve(generator))


def random_bounds(args: tuple, bounds: dict) -> tuple[Any, Any]:
    """(from, to) for `Tensor.random_`: `()` -> (None, None) for the dtype's whole range,
    `(to,)` -> (0, to), `(from, to)`; keywords `from`/`to` as in PyTorch (`to=None`: dtype max + 1)."""
    unknown = set(bounds) - {"from", "to"}
    if unknown or len(args) > 2:
        raise TypeError("random_() received an invalid combination of arguments")
    if len(args) == 2:
        low, high = args
    elif len(args) == 1:
        low, high = bounds.get("from", 0), args[0]
    elif bounds:
        low, high = bounds.get("from", 0), bounds.get("to")
    else:
        return None, None
    low = _int_arg(low, "from", "random_")
    return low, None if high is None else _int_arg(high, "to", "random_")
