"""The 32-bit Mersenne Twister (mt19937) as PyTorch's CPU generator runs it: seeding, draws, state.

The twist and tempering are the standard mt19937 ones, so the raw draws come from
NumPy's `MT19937` bit generator (C speed, in bulk); this module seeds it the way
PyTorch does (the low 32 bits of the seed through the reference `init_genrand`) and
translates its position to PyTorch's `left`/`next` counters for the state bytes.
"""

from __future__ import annotations

import numpy as np

N = 624  # words of state
_INIT_MULTIPLIER = 1812433253


def seeded_key(seed: int) -> np.ndarray:
    """The 624-word state `init_genrand` builds from the low 32 bits of `seed`."""
    key = np.empty(N, dtype=np.uint32)
    word = seed & 0xFFFFFFFF
    for i in range(N):
        key[i] = word
        word = (_INIT_MULTIPLIER * (word ^ (word >> 30)) + i + 1) & 0xFFFFFFFF
    return key


class MersenneTwister:
    """An mt19937 stream: `u32(n)` and `u64(n)` return the next draws as PyTorch's
    `random()` and `random64()` would (a 64-bit draw is two 32-bit ones, high word first)."""

    __slots__ = ("_bits", "_fresh")

    def __init__(self, seed: int) -> None:
        self._bits = np.random.MT19937(0)
        self.reseed(seed)

    def reseed(self, seed: int) -> None:
        """Restart from `seed` (only its low 32 bits matter, as in PyTorch)."""
        self._set_key(seeded_key(seed), N)
        self._fresh = True  # PyTorch reports next=0 until the first draw

    def _set_key(self, key: np.ndarray, pos: int) -> None:
        self._bits.state = {"bit_generator": "MT19937", "state": {"key": key, "pos": pos}}

    def u32(self, n: int) -> np.ndarray:
        """The next `n` 32-bit outputs (uint32)."""
        if n <= 0:
            return np.empty(0, dtype=np.uint32)
        self._fresh = False
        return self._bits.random_raw(n).astype(np.uint32)

    def u64(self, n: int) -> np.ndarray:
        """The next `n` 64-bit draws (uint64), each from two 32-bit outputs, high word first."""
        if n <= 0:
            return np.empty(0, dtype=np.uint64)
        self._fresh = False
        raw = self._bits.random_raw(2 * n)
        return (raw[0::2] << np.uint64(32)) | raw[1::2]

    def counters(self) -> tuple[np.ndarray, int, int]:
        """(state words, left, next) in PyTorch's terms: `left - 1` outputs remain before the next twist."""
        state = self._bits.state["state"]
        key, pos = np.asarray(state["key"], dtype=np.uint32), int(state["pos"])
        if pos >= N:
            return key, 1, 0 if self._fresh else N
        return key, N + 1 - pos, pos

    def restore(self, key: np.ndarray, left: int, next_: int) -> None:
        """Continue from PyTorch's (state words, left, next)."""
        self._set_key(np.asarray(key, dtype=np.uint32), N if left == 1 else next_)
        self._fresh = left == 1 and next_ == 0
