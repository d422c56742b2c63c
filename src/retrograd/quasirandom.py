"""Quasi-random numbers: `SobolEngine`, PyTorch's Sobol sequence generator, point for point.

A Sobol sequence fills the unit cube more evenly than random draws (low discrepancy), which
makes it the usual start for Bayesian optimisation and quasi-Monte Carlo integration. Each
dimension has a table of 30 direction numbers, built from a primitive polynomial and Joe and
Kuo's initial numbers (their D(6) table, up to dimension 21201, which SciPy ships and retrograd
reads). Point i+1 is point i with one direction number XOR-ed in, chosen by the lowest zero bit
of i (a Gray code), so every point is a 30-bit integer per dimension, divided by 2^30.

Scrambling (Owen's): the direction numbers are multiplied by a random lower-triangular bit matrix
and the sequence is shifted by a random bit vector, both drawn as PyTorch draws them, so a seeded
scrambled engine gives PyTorch's points too.

    >>> engine = SobolEngine(dimension=3)
    >>> engine.draw(4)
    tensor([[0.0000, 0.0000, 0.0000],
            [0.5000, 0.5000, 0.5000],
            [0.7500, 0.2500, 0.2500],
            [0.2500, 0.7500, 0.7500]])
"""

from __future__ import annotations

import functools
import os

import numpy as np

from . import dtypes as _dt
from .ops.from_data import tensor
from .random import randint
from .tensor import Tensor

__all__ = ["SobolEngine"]


@functools.cache
def _direction_tables() -> tuple[np.ndarray, np.ndarray]:
    """Joe and Kuo's primitive polynomials and initial direction numbers, as SciPy ships them."""
    try:
        import scipy
    except ImportError:
        raise ImportError(
            "retrograd.quasirandom.SobolEngine reads Joe and Kuo's direction numbers from SciPy, which is not "
            "installed: pip install 'retrograd[special]'"
        ) from None
    with np.load(os.path.join(os.path.dirname(scipy.__file__), "stats", "_sobol_direction_numbers.npz")) as tables:
        return tables["poly"], tables["vinit"]


def _direction_numbers(dimension: int, bits: int) -> np.ndarray:
    """The (dimension, bits) direction numbers, column j scaled to bit (bits - 1 - j) of a point."""
    poly, vinit = _direction_tables()
    v = np.zeros((dimension, bits), np.int64)
    v[0] = 1  # the first dimension is the van der Corput sequence
    for d in range(1, dimension):
        p = int(poly[d])
        degree = p.bit_length() - 1
        v[d, :degree] = vinit[d, :degree]
        for j in range(degree, bits):  # the polynomial's recurrence
            new = int(v[d, j - degree])
            for k in range(degree):
                if (p >> (degree - 1 - k)) & 1:
                    new ^= int(v[d, j - k - 1]) << (k + 1)
            v[d, j] = new
    return v << np.arange(bits - 1, -1, -1, dtype=np.int64)


def _scrambled(v: np.ndarray, ltm: np.ndarray) -> np.ndarray:
    """Direction numbers `v` multiplied, over GF(2), by the lower-triangular bit matrices `ltm`
    (one per dimension, its diagonal set to 1)."""
    bits = v.shape[1]
    ltm = ltm.copy()
    ltm[:, np.arange(bits), np.arange(bits)] = 1
    rows = (ltm << np.arange(bits - 1, -1, -1, dtype=np.int64)).sum(-1)  # each row as an integer
    places = np.arange(bits, dtype=np.int64)
    row_bits = (rows[:, :, None] >> places) & 1  # (dimension, row, bit)
    v_bits = (v[:, :, None] >> places) & 1  # (dimension, column, bit)
    parity = np.einsum("drk,djk->djr", row_bits, v_bits) % 2
    return (parity << np.arange(bits - 1, -1, -1, dtype=np.int64)).sum(-1)


def _lowest_zero_bits(counts: np.ndarray) -> np.ndarray:
    """For each count, the position of its lowest zero bit (which direction number comes next)."""
    return np.log2(~counts & (counts + 1)).astype(np.int64)


class SobolEngine:
    """A generator of (scrambled) Sobol sequences in up to 21201 dimensions.

    Args:
        dimension (int): the number of dimensions, 1 to 21201.
        scramble (bool): scramble the sequence (a random linear matrix and digital shift).
        seed (int, optional): the scrambling's seed; None draws it from the global generator.

    Returns:
        SobolEngine: `draw(n)` gives the next n points as an (n, dimension) tensor in [0, 1).

    Examples:
        >>> SobolEngine(2, scramble=True, seed=0).draw(2)
        tensor([[0.4751, 0.5925],
                [0.5788, 0.0371]])
    """

    MAXBIT = 30
    MAXDIM = 21201

    def __init__(self, dimension: int, scramble: bool = False, seed: int | None = None) -> None:
        if dimension > self.MAXDIM or dimension < 1:
            raise ValueError(f"Supported range of dimensionality for SobolEngine is [1, {self.MAXDIM}]")
        self.seed = seed
        self.scramble = scramble
        self.dimension = dimension
        state = _direction_numbers(dimension, self.MAXBIT)
        if scramble:
            state, shift = self._scramble(state)
        else:
            shift = np.zeros(dimension, np.int64)
        self.sobolstate = tensor(state)
        self.shift = tensor(shift)
        self.quasi = self.shift.clone()
        self._first_point = (self.quasi / 2**self.MAXBIT).reshape(1, -1)  # in the default dtype, as PyTorch
        self.num_generated = 0

    def _scramble(self, state: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        from ._generator import Generator

        g = None if self.seed is None else Generator().manual_seed(self.seed)
        shift_bits = randint(2, (self.dimension, self.MAXBIT), generator=g)._data
        shift = shift_bits @ (np.int64(1) << np.arange(self.MAXBIT, dtype=np.int64))
        ltm = np.tril(randint(2, (self.dimension, self.MAXBIT, self.MAXBIT), generator=g)._data)
        return _scrambled(state, ltm), shift

    def _advance(self, n: int, start: int) -> np.ndarray:
        """The next n points' integers, from the `start`-th step of the Gray code on."""
        steps = self.sobolstate._data[:, _lowest_zero_bits(np.arange(start, start + n, dtype=np.int64))].T
        points = np.bitwise_xor.accumulate(np.concatenate([self.quasi._data[None], steps]), axis=0)[1:]
        if n:
            self.quasi = tensor(points[-1])
        return points

    def draw(self, n: int = 1, out: Tensor | None = None, dtype: _dt.dtype | None = None) -> Tensor:
        """The next `n` points, an (n, dimension) tensor (written into `out` if given).

        Args:
            n (int): how many points.
            out (Tensor, optional): a tensor to resize and write the points into.
            dtype (dtype, optional): a floating dtype (default: the default dtype).

        Returns:
            Tensor: the points, each coordinate in [0, 1).
        """
        dtype = _dt.get_default_dtype() if dtype is None else dtype
        rows = n - 1 if self.num_generated == 0 else n  # PyTorch's kernel makes the points after the first
        if rows < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {rows}: [{rows}, {self.dimension}]")
        if self.num_generated == 0:
            first = self._first_point.to(dtype)
            result = first if n == 1 else _cat_rows(first, self._points(n - 1, 0, dtype))
        else:
            result = self._points(n, self.num_generated - 1, dtype)
        self.num_generated += n
        if out is not None:
            out.resize_as_(result).copy_(result)
            return out
        return result

    def _points(self, n: int, start: int, dtype: _dt.dtype) -> Tensor:
        if dtype not in (_dt.float32, _dt.float64):  # PyTorch's kernel has float and double only
            raise NotImplementedError(f"\"_sobol_engine_draw\" not implemented for '{dtype.kind_name}'")
        # the integers are converted to `dtype` first, then scaled by 2^-30 (exact), as PyTorch's kernel
        scaled = self._advance(n, start).astype(dtype.np) * np.asarray(1.0 / 2**self.MAXBIT, dtype.np)
        return tensor(scaled.reshape(n, self.dimension), dtype=dtype)

    def draw_base2(self, m: int, out: Tensor | None = None, dtype: _dt.dtype | None = None) -> Tensor:
        """The next 2**m points; the total drawn must stay a power of 2 (the sequence's balance).

        Args:
            m (int): the power of 2.
            out (Tensor, optional): a tensor to write the points into.
            dtype (dtype, optional): a floating dtype.

        Returns:
            Tensor: a (2**m, dimension) tensor.
        """
        n = 2**m
        total_n = self.num_generated + n
        if total_n & (total_n - 1) != 0:
            raise ValueError(
                "The balance properties of Sobol' points require n to be a power of 2. "
                f"{self.num_generated} points have been previously generated, then: "
                f"n={self.num_generated}+2**{m}={total_n}. If you still want to do this, please use "
                "'SobolEngine.draw()' instead."
            )
        return self.draw(n=n, out=out, dtype=dtype)

    def reset(self) -> SobolEngine:
        """Back to the first point (the scrambling is kept)."""
        self.quasi = self.shift.clone()
        self.num_generated = 0
        return self

    def fast_forward(self, n: int) -> SobolEngine:
        """Skip `n` points, as if they had been drawn."""
        self._advance(n - 1 if self.num_generated == 0 else n, max(self.num_generated - 1, 0))
        self.num_generated += n
        return self

    def __repr__(self) -> str:
        parts = [f"dimension={self.dimension}"]
        if self.scramble:
            parts.append("scramble=True")
        if self.seed is not None:
            parts.append(f"seed={self.seed}")
        return f"{type(self).__name__}({', '.join(parts)})"


def _cat_rows(first: Tensor, rest: Tensor) -> Tensor:
    from .ops.shape.join import cat

    return cat((first, rest), dim=-2)
