"""How a DTensor's data lies over a device mesh dimension: `Shard(dim)`, `Replicate()`, `Partial()`.

These are plain values with PyTorch's reprs, equality and hashing, so code that builds or
compares placements (sharding plans, checkpoint readers) runs; retrograd has no DTensor to
place yet (see `retrograd.distributed.tensor`).
"""

from __future__ import annotations

__all__ = ["Placement", "Shard", "Replicate", "Partial"]


class Placement:
    """The base of the placement kinds; asks which kind a placement is."""

    __slots__ = ()

    def is_shard(self, dim: int | None = None) -> bool:
        """Whether this is a `Shard` (on `dim`, when given); a `_StridedShard` is not."""
        return False

    def is_replicate(self) -> bool:
        """Whether this is `Replicate()`."""
        return False

    def is_partial(self, reduce_op: str | None = None) -> bool:
        """Whether this is a `Partial` (with `reduce_op`, when given)."""
        return False


class Shard(Placement):
    """Tensor dimension `dim` split into even chunks over the mesh dimension, the last ones smaller.

    Examples:
        >>> Shard(0), str(Shard(1))
        (Shard(dim=0), 'S(1)')
    """

    __slots__ = ("dim",)

    def __init__(self, dim: int) -> None:
        self.dim = dim

    def is_shard(self, dim: int | None = None) -> bool:
        return dim is None or dim == self.dim

    @staticmethod
    def local_shard_size_and_offset(curr_local_size: int, num_chunks: int, rank: int) -> tuple[int, int]:
        """The size and start of chunk `rank` of `num_chunks` ceil-sized chunks of `curr_local_size`."""
        full_chunk = -(-curr_local_size // num_chunks)
        offset = min(full_chunk * rank, curr_local_size)
        return min(full_chunk, curr_local_size - offset), offset

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.dim == self.dim  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash(("Shard", self.dim))

    def __repr__(self) -> str:
        return f"Shard(dim={self.dim})"

    def __str__(self) -> str:
        return f"S({self.dim})"


class _StridedShard(Placement):
    """A shard taken as one chunk from each of `split_factor` groups along `dim` (FSDP over TP)."""

    __slots__ = ("dim", "split_factor")

    def __init__(self, dim: int, split_factor: int) -> None:
        self.dim = dim
        self.split_factor = split_factor

    def __eq__(self, other: object) -> bool:
        return (
            type(other) is _StridedShard and other.dim == self.dim and other.split_factor == self.split_factor
        )

    def __hash__(self) -> int:
        return hash(("_StridedShard", self.dim, self.split_factor))

    def __repr__(self) -> str:
        return f"_StridedShard(dim={self.dim}, sf={self.split_factor})"

    def __str__(self) -> str:
        return f"_S({self.dim}, {self.split_factor})"


class Replicate(Placement):
    """The whole tensor on every rank of the mesh dimension."""

    __slots__ = ()

    def is_replicate(self) -> bool:
        return True

    def __eq__(self, other: object) -> bool:
        return type(other) is Replicate

    def __hash__(self) -> int:
        return hash("Replicate")

    def __repr__(self) -> str:
        return "Replicate()"

    def __str__(self) -> str:
        return "R"


class Partial(Placement):
    """Each rank holds a partial value; the tensor is their reduction with `reduce_op` ("sum", ...)."""

    __slots__ = ("reduce_op",)

    def __init__(self, reduce_op: str = "sum") -> None:
        self.reduce_op = reduce_op

    def is_partial(self, reduce_op: str | None = None) -> bool:
        return reduce_op is None or reduce_op == self.reduce_op

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Partial) and other.reduce_op == self.reduce_op

    def __hash__(self) -> int:
        return hash(("Partial", self.reduce_op))

    def __repr__(self) -> str:
        return f"Partial({self.reduce_op})"

    def __str__(self) -> str:
        return f"P({self.reduce_op})"

