"""retrograd's random generator: `Generator`, seeding and state (re-exported by `random`).

A `Generator` is PyTorch's CPU generator: a 32-bit Mersenne Twister (`_mt19937`)
seeded like PyTorch's, plus the cached second value of the last Box-Muller pair
(one for double, one for float draws). After `manual_seed(s)` it yields the same
bits as `torch.manual_seed(s)`, and `get_state` gives PyTorch's 5056-byte layout,
so states move between the two libraries.
"""

from __future__ import annotations

import contextlib
import secrets
import struct
from collections.abc import Iterator
from typing import Any

import numpy as np

from ._display_name import package_name, public_class
from ._mt19937 import MersenneTwister, N
from .backend import as_device, cuda_backend
from .engine.vmap_hook import hook as _vmap
from .tensor import Tensor

__all__ = [
    "Generator",
    "default_generator",
    "manual_seed",
    "seed",
    "initial_seed",
    "get_rng_state",
    "set_rng_state",
    "fork_rng",
    "resolve",
]

_DEFAULT_SEED = 67280421310721  # PyTorch's default initial seed
# PyTorch's CPUGeneratorImplState: initial seed, left, seeded, next, 624 words (as uint64),
# the legacy normal_x/normal_y/normal_rho doubles and normal_is_valid, then the float cache.
_HEAD = struct.Struct("<QiiQ")
_WORDS_AT = _HEAD.size
_TAIL = struct.Struct("<dddi4xf?3x")
_TAIL_AT = _WORDS_AT + 8 * N
_STATE_SIZE = _TAIL_AT + _TAIL.size  # 5056


def _seed_value(seed: int) -> int:
    """A seed in [-2**63, 2**64) as an unsigned 64-bit value (negative seeds wrap, like PyTorch)."""
    if not -(2**63) <= seed < 2**64:
        raise ValueError("Overflow when unpacking long long")
    return seed % 2**64


class Generator:
    """A seeded source of random numbers, PyTorch's CPU generator (mt19937).

    `Generator().manual_seed(0)` gives the numbers `torch.Generator().manual_seed(0)` gives; pass
    it as `generator=` to the random functions to draw from it instead of the default generator.

    Args:
        device (str or device): where its numbers are used; only "cpu" (the default).

    Returns:
        (Generator): a generator seeded with PyTorch's default seed, 67280421310721.

    Examples:
        >>> g = retrograd.Generator().manual_seed(42)
        >>> retrograd.rand(2, generator=g)
        tensor([0.8823, 0.9150])
        >>> retrograd.Generator().initial_seed()
        67280421310721
    """

    __slots__ = ("_mt", "_seed", "_next_double_normal", "_next_float_normal", "device")

    def __init__(self, device: Any = "cpu") -> None:
        self.device = as_device(device)
        self._mt = MersenneTwister(_DEFAULT_SEED)
        self.manual_seed(_DEFAULT_SEED)

    def manual_seed(self, seed: int) -> Generator:
        """Restart the stream from `seed`; returns this generator."""
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
            raise RuntimeError(f"manual_seed expected a long, but got {type(seed).__name__}")
        self._seed = _seed_value(int(seed))
        self._mt.reseed(self._seed)
        self._next_double_normal: float | None = None
        self._next_float_normal: float | None = None
        return self

    def seed(self) -> int:
        """Reseed from the operating system's entropy; returns the new seed."""
        value = secrets.randbits(64)
        self.manual_seed(value)
        return value

    def initial_seed(self) -> int:
        """The seed the current stream started from."""
        return self._seed

    def __repr__(self) -> str:
        # PyTorch's Generator is a C++ class of `torch._C`; under retrograd it is `retrograd.Generator`
        where = "torch._C" if package_name() == "torch" else "retrograd"
        return f"<{where}.Generator object at {hex(id(self))}>"

    # raw draws, as PyTorch's `random()` and `random64()`
    def _u32(self, n: int) -> np.ndarray:
        """The next `n` 32-bit draws (uint32)."""
        return self._mt.u32(n)

    def _u64(self, n: int) -> np.ndarray:
        """The next `n` 64-bit draws (uint64, two 32-bit draws each, high word first)."""
        return self._mt.u64(n)

    def get_state(self) -> Tensor:
        """The generator's state as a 1-D uint8 tensor of PyTorch's layout (for `set_state`)."""
        key, left, next_ = self._mt.counters()
        double_valid = self._next_double_normal is not None
        float_valid = self._next_float_normal is not None
        head = _HEAD.pack(self._seed, left, 1, next_)
        words = key.astype("<u8").tobytes()
        tail = _TAIL.pack(
            0.0,
            self._next_double_normal if double_valid else 0.0,
            0.0,
            int(double_valid),
            self._next_float_normal if float_valid else 0.0,
            float_valid,
        )
        return Tensor._make(np.frombuffer(head + words + tail, dtype=np.uint8).copy())

    def set_state(self, new_state: Tensor) -> Generator:
        """Restore a state from `get_state` (or from `torch.get_rng_state()`); returns this generator."""
        if not isinstance(new_state, Tensor) or new_state._data.dtype != np.uint8:
            raise TypeError("RNG state must be a torch.ByteTensor")
        raw = new_state._data.tobytes()
        if len(raw) != _STATE_SIZE:
            raise RuntimeError(
                f"Expected a CPUGeneratorImplState of size {_STATE_SIZE} but found the input RNG state size "
                f"to be {len(raw)}"
            )
        seed, left, seeded, next_ = _HEAD.unpack_from(raw, 0)
        if not (seeded and 0 < left <= N and 0 <= next_ <= N):
            raise RuntimeError("Invalid mt19937 state")
        words = np.frombuffer(raw, dtype="<u8", count=N, offset=_WORDS_AT)
        _, normal_y, _, double_valid, float_value, float_valid = _TAIL.unpack_from(raw, _TAIL_AT)
        self._mt.restore(words.astype(np.uint32), left, next_)
        self._seed = seed
        self._next_double_normal = normal_y if double_valid else None
        self._next_float_normal = float_value if float_valid else None
        return self

    def clone_state(self) -> Generator:
        """A new generator on the same device holding a copy of this one's state (seed included)."""
        clone = Generator(self.device)
        clone.set_state(self.get_state())
        return clone

    # CUDA-graph capture shares states between generators; PyTorch's CPU generator refuses both calls
    def graphsafe_get_state(self) -> Generator:
        """Only for CUDA generators under graph capture: a CPU generator raises NotImplementedError."""
        raise NotImplementedError("graphsafe_get_state is not supported in this Generator")

    def graphsafe_set_state(self, state: Generator) -> None:
        """Only for CUDA generators under graph capture: a CPU generator raises NotImplementedError."""
        if not isinstance(state, Generator):
            raise TypeError(f"expected a Generator, but got {type(state).__name__}")
        raise NotImplementedError("graphsafe_set_state is not supported in this Generator")


default_generator = Generator()


def manual_seed(seed: int) -> Generator:
    """Seed the default generator (negative seeds wrap to 64 bits) and each CUDA device's; returns it.

    Args:
        seed (int): the seed.

    Returns:
        Generator: the default generator, now seeded.

    Examples:
        >>> _ = retrograd.manual_seed(42)
        >>> a = retrograd.rand(2)
        >>> _ = retrograd.manual_seed(42)
        >>> retrograd.equal(a, retrograd.rand(2))
        True
    """
    cuda = cuda_backend()
    if cuda is not None:
        cuda.seed(int(seed))
    return default_generator.manual_seed(int(seed))


def seed() -> int:
    """Seed the default generator non-deterministically (from the OS's entropy).

    Returns:
        int: the new seed, which `initial_seed()` reports from then on.

    Examples:
        >>> state = retrograd.get_rng_state()
        >>> s = retrograd.seed()
        >>> retrograd.initial_seed() == s
        True
        >>> retrograd.set_rng_state(state)  # back to the stream before
    """
    return default_generator.seed()


def initial_seed() -> int:
    """The seed the default generator's stream started from (the last `manual_seed` or `seed`).

    Returns:
        int: the seed.

    Examples:
        >>> state = retrograd.get_rng_state()
        >>> _ = retrograd.manual_seed(7)
        >>> retrograd.initial_seed()
        7
        >>> retrograd.set_rng_state(state)
    """
    return default_generator.initial_seed()


def get_rng_state() -> Tensor:
    """The default generator's state as a uint8 tensor (PyTorch's 5056-byte layout).

    Returns:
        Tensor: uint8, shape (5056,); `set_rng_state` takes it back to replay the same numbers.

    Examples:
        >>> state = retrograd.get_rng_state()
        >>> state.dtype, state.shape
        (retrograd.uint8, retrograd.Size([5056]))
        >>> a = retrograd.rand(3)
        >>> retrograd.set_rng_state(state)
        >>> retrograd.equal(retrograd.rand(3), a)
        True
    """
    return default_generator.get_state()


def set_rng_state(new_state: Tensor) -> None:
    """Restore the default generator's state from `get_rng_state()`.

    Args:
        new_state (Tensor): uint8, shape (5056,), as `get_rng_state()` returns it.

    Returns:
        None: the default generator continues from that state.

    Examples:
        >>> state = retrograd.get_rng_state()
        >>> first = retrograd.randint(0, 100, (4,))
        >>> retrograd.set_rng_state(state)
        >>> retrograd.equal(retrograd.randint(0, 100, (4,)), first)
        True
    """
    default_generator.set_state(new_state)


@contextlib.contextmanager
def fork_rng(devices: Any = None, enabled: bool = True, **kwargs: Any) -> Iterator[None]:
    """Run a block and then restore the default generator's state (`torch.random.fork_rng`)."""
    if not enabled:
        yield
        return
    state = get_rng_state()
    try:
        yield
    finally:
        set_rng_state(state)


def resolve(generator: Generator | None) -> Generator:
    """`generator`, or the default generator when None."""
    if _vmap.active:  # a draw inside vmap: randomness="error" refuses it
        _vmap.check_random()  # type: ignore[misc]
    if generator is None:
        return default_generator
    if not isinstance(generator, Generator):
        raise TypeError(f"generator must be a retrograd.Generator, not {type(generator).__name__}")
    return generator


public_class(Generator, "_C")  # `torch._C.Generator`, as PyTorch prints its type
