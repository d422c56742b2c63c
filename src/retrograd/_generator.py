"""retrograd's random generator: `Generator`, seeding and state (re-exported by `random`).

Every `Generator` wraps NumPy's `np.random.Generator(np.random.PCG64(seed))`.
Results are reproducible after `manual_seed` (same seed, same calls, same
numbers), but they are not PyTorch's numbers: PyTorch draws from a Mersenne
Twister (mt19937) with its own transforms, which retrograd does not reproduce.
State tensors (`get_rng_state`) are retrograd's own 56-byte PCG64 encoding, not
PyTorch's 5056-byte one.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterator
from typing import Any

import numpy as np

from .backend import as_device
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
    "numpy_rng",
]

_DEFAULT_SEED = 67280421310721  # PyTorch's default initial seed
_STATE_FIELDS = (16, 16, 8, 8, 8)  # bytes of: state, inc, has_uint32, uinteger, initial seed
_STATE_SIZE = sum(_STATE_FIELDS)


def _seed_value(seed: int) -> int:
    """A seed in [-2**63, 2**64) as an unsigned 64-bit value (negative seeds wrap, like PyTorch)."""
    if not -(2**63) <= seed < 2**64:
        raise ValueError("Overflow when unpacking long long")
    return seed % 2**64


class Generator:
    """A seeded source of random numbers (PCG64): `Generator().manual_seed(0)` is a fixed stream."""

    __slots__ = ("_rng", "_seed", "device")

    def __init__(self, device: Any = "cpu") -> None:
        self.device = as_device(device)
        self.manual_seed(_DEFAULT_SEED)

    def manual_seed(self, seed: int) -> Generator:
        """Restart the stream from `seed`; returns this generator."""
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
            raise RuntimeError(f"manual_seed expected a long, but got {type(seed).__name__}")
        self._seed = _seed_value(int(seed))
        self._rng = np.random.Generator(np.random.PCG64(self._seed))
        return self

    def seed(self) -> int:
        """Reseed from the operating system's entropy; returns the new seed."""
        value = secrets.randbits(64)
        self.manual_seed(value)
        return value

    def initial_seed(self) -> int:
        """The seed the current stream started from."""
        return self._seed

    def get_state(self) -> Tensor:
        """The generator's state as a 1-D uint8 tensor (for `set_state`)."""
        s = self._rng.bit_generator.state
        pcg = s["state"]
        values = (pcg["state"], pcg["inc"], s["has_uint32"], s["uinteger"], self._seed)
        pairs = zip(values, _STATE_FIELDS, strict=True)
        raw = b"".join(int(v).to_bytes(n, "little") for v, n in pairs)
        return Tensor._make(np.frombuffer(raw, dtype=np.uint8).copy())

    def set_state(self, new_state: Tensor) -> Generator:
        """Restore a state from `get_state`; returns this generator."""
        if not isinstance(new_state, Tensor) or new_state._data.dtype != np.uint8:
            raise TypeError("RNG state must be a torch.ByteTensor")
        raw = new_state._data.tobytes()
        if len(raw) != _STATE_SIZE:
            raise RuntimeError(
                f"Expected a PCG64 state of size {_STATE_SIZE} but found the input RNG state size to be {len(raw)}"
            )
        values, at = [], 0
        for n in _STATE_FIELDS:
            values.append(int.from_bytes(raw[at : at + n], "little"))
            at += n
        state, inc, has_uint32, uinteger, seed = values
        self._rng.bit_generator.state = {
            "bit_generator": "PCG64",
            "state": {"state": state, "inc": inc},
            "has_uint32": has_uint32,
            "uinteger": uinteger,
        }
        self._seed = seed
        return self


default_generator = Generator()


def manual_seed(seed: int) -> Generator:
    """Seed the default generator (negative seeds wrap to 64 bits); returns it."""
    return default_generator.manual_seed(int(seed))


def seed() -> int:
    """Seed the default generator non-deterministically; returns the seed."""
    return default_generator.seed()


def initial_seed() -> int:
    """The seed the default generator's stream started from."""
    return default_generator.initial_seed()


def get_rng_state() -> Tensor:
    """The default generator's state as a uint8 tensor."""
    return default_generator.get_state()


def set_rng_state(new_state: Tensor) -> None:
    """Restore the default generator's state from `get_rng_state()`."""
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


def numpy_rng(generator: Generator | None) -> np.random.Generator:
    """The NumPy generator behind `generator` (the default generator when None)."""
    if generator is None:
        return default_generator._rng
    if not isinstance(generator, Generator):
        raise TypeError(f"generator must be a retrograd.Generator, not {type(generator).__name__}")
    return generator._rng
