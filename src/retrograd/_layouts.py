"""PyTorch's layout and memory-format objects: `torch.strided`, `torch.channels_last`, ...

retrograd has four layouts: dense (`strided`), `sparse_coo` (a tensor of indices and values,
backend/sparse.py) and the compressed `sparse_csr` and `sparse_csc` (backend/sparse_compressed.py);
these objects exist so that code passing `layout=torch.strided` runs and prints what PyTorch
prints. The memory formats are honoured:
the functions below give the strides `channels_last` (N, C, H, W) and `channels_last_3d`
(N, C, D, H, W) ask for and PyTorch's tests of a tensor's strides; `ops.kernels.placement`
builds arrays laid out so.
"""

from __future__ import annotations

from typing import TypeVar

from ._display_name import package_name

_C = TypeVar("_C", bound="_NamedConstant")

__all__ = [
    "layout", "strided", "sparse_coo", "sparse_csr", "sparse_csc", "sparse_bsr", "sparse_bsc", "memory_format",
    "contiguous_format", "channels_last", "channels_last_3d",
    "preserve_format", "legacy_contiguous_format",
]  # fmt: skip


class _NamedConstant:
    """One of a fixed set of named values, printed `torch.<name>` and pickled by name."""

    __slots__ = ("_name",)
    _name: str

    def __new__(cls, *args: object, **kwargs: object) -> _NamedConstant:
        raise TypeError(f"cannot create '{package_name()}.{cls.__name__}' instances")

    @classmethod
    def _make(cls: type[_C], name: str) -> _C:
        """The one instance called `name` (PyTorch users never create these)."""
        value = object.__new__(cls)
        value._name = name
        return value

    def __repr__(self) -> str:
        return package_name() + "." + self._name

    def __reduce__(self) -> str:
        return self._name  # pickled as this module's global of that name


class layout(_NamedConstant):
    """How a tensor's elements are stored: `retrograd.strided` (dense) or `retrograd.sparse_coo`.

    The class exists for `layout=` arguments and `isinstance` checks; its values are module
    constants and it cannot be instantiated.

    Args:
        *args: refused, as is any keyword: use the module constants.

    Returns:
        (layout): never; constructing one raises TypeError.

    Examples:
        >>> retrograd.ones(2).layout
        retrograd.strided
        >>> isinstance(retrograd.strided, retrograd.layout)
        True
    """

    __slots__ = ()


class memory_format(_NamedConstant):
    """The order a new tensor's dims are laid out in memory (`memory_format=` of `clone`, `to`, ...).

    Its values are module constants: `contiguous_format` (row-major; what retrograd always makes),
    `channels_last`, `channels_last_3d` and `preserve_format`; the class cannot be instantiated.

    Args:
        *args: refused, as is any keyword: use the module constants.

    Returns:
        (memory_format): never; constructing one raises TypeError.

    Examples:
        >>> retrograd.contiguous_format, isinstance(retrograd.channels_last, retrograd.memory_format)
        (retrograd.contiguous_format, True)
        >>> retrograd.ones(2, 3).clone(memory_format=retrograd.contiguous_format).is_contiguous()
        True
    """

    __slots__ = ()


strided = layout._make("strided")
sparse_coo = layout._make("sparse_coo")  # a tensor whose data is a backend.sparse.SparseCOO
sparse_csr = layout._make("sparse_csr")  # ... a backend.sparse_compressed.SparseCompressed by rows
sparse_csc = layout._make("sparse_csc")  # ... by columns
sparse_bsr = layout._make("sparse_bsr")  # (block layouts: named only, no tensor has them)
sparse_bsc = layout._make("sparse_bsc")
contiguous_format = memory_format._make("contiguous_format")
channels_last = memory_format._make("channels_last")
channels_last_3d = memory_format._make("channels_last_3d")
preserve_format = memory_format._make("preserve_format")
legacy_contiguous_format = contiguous_format  # PyTorch's is the same object


# --- memory formats: the strides each one asks for, and the tests PyTorch makes of strides ---------

_CHANNELS_LAST_RANK = {"channels_last": 4, "channels_last_3d": 5}


def format_name(fn: str, value: object) -> str:
    """'channels_last' for `retrograd.channels_last` (or PyTorch's own object); PyTorch's TypeError else."""
    if isinstance(value, memory_format):
        return value._name
    if type(value).__name__ == "memory_format":  # PyTorch's, from code that mixes both libraries
        return str(value).rpartition(".")[2]
    raise TypeError(f"{fn}(): argument 'memory_format' must be torch.memory_format, not {type(value).__name__}")


def _channels_last_order(rank: int) -> tuple[int, ...]:
    """The dims of an (N, C, [D,] H, W) tensor from the fastest-moving: C, W, H, [D,] N."""
    return (1, *range(rank - 1, 1, -1), 0)


def channels_last_strides(shape: tuple[int, ...], name: str) -> tuple[int, ...]:
    """PyTorch's strides (in elements) for `shape` laid out as `channels_last` or `channels_last_3d`.

    As PyTorch, a dim of size 0 makes the strides of the dims after it in memory 0: (2, 0, 4, 5)
    gives (0, 1, 0, 0). RuntimeError when the rank is not the format's (4, or 5 for the 3d one).
    """
    rank = _CHANNELS_LAST_RANK[name]
    if len(shape) != rank:
        raise RuntimeError(f"required rank {rank} tensor to use {name} format")
    strides, step = [0] * rank, 1
    for d in _channels_last_order(rank):
        strides[d] = step
        step *= shape[d]
    return tuple(strides)


def is_contiguous_as(shape: tuple[int, ...], strides: tuple[int, ...], name: str) -> bool:
    """PyTorch's `is_contiguous(memory_format=name)`: the dims of size other than 1 packed in the
    format's order (any tensor without elements is contiguous, but not channels-last contiguous
    unless its strides say so); False for a channels-last format of another rank."""
    if name in _CHANNELS_LAST_RANK:
        if len(shape) != _CHANNELS_LAST_RANK[name]:
            return False
        order: tuple[int, ...] = _channels_last_order(len(shape))
    else:
        if 0 in shape:
            return True
        order = tuple(range(len(shape) - 1, -1, -1))
    expected = 1
    for d in order:
        if shape[d] != 1:
            if strides[d] != expected:
                return False
            expected *= shape[d]
    return True


def suggested_format(shape: tuple[int, ...], strides: tuple[int, ...]) -> str:
    """PyTorch's `suggest_memory_format()`: the channels-last format whose order the strides follow
    (gaps allowed, ambiguous size-1 cases counted as contiguous), else 'contiguous_format'."""
    rank = len(shape)
    if rank not in (4, 5) or strides[1] == 0:
        return "contiguous_format"
    low = 0
    for d in _channels_last_order(rank):
        if shape[d] == 0 or strides[d] < low:
            return "contiguous_format"
        if d == 0 and low == strides[1]:  # N111-like: PyTorch falls back to contiguous
            return "contiguous_format"
        low = strides[d] * shape[d] if shape[d] > 1 else strides[d]
    return "channels_last" if rank == 4 else "channels_last_3d"


def _later(shape: tuple[int, ...], operands: list[tuple[int, ...]], d0: int, d1: int) -> int:
    """> 0: dim `d0` goes outside `d1` in memory; < 0: inside; 0: either. The first operand whose
    strides at the two dims are both nonzero and differ decides; equal strides put the longer dim outside."""
    for strides in operands:
        s0, s1 = strides[d0], strides[d1]
        if s0 == 0 or s1 == 0:
            continue
        if s0 != s1:
            return 1 if s0 > s1 else -1
        if shape[d0] > shape[d1]:
            return 1
    return 0


def memory_order(shape: tuple[int, ...], operands: list[tuple[int, ...]]) -> list[int]:
    """The dims from the innermost in memory to the outermost, as PyTorch's TensorIterator orders
    them by its operands' strides: an insertion sort from the last dim, keeping ties in place."""
    order = list(range(len(shape)))[::-1]
    for i in range(1, len(order)):
        j = i
        for k in range(i - 1, -1, -1):
            c = _later(shape, operands, order[k], order[j])
            if c > 0:
                order[k], order[j] = order[j], order[k]
                j = k
            elif c < 0:
                break
    return order


def dims_by_stride(shape: tuple[int, ...], strides: tuple[int, ...]) -> tuple[tuple[int, ...], bool]:
    """The dims from the one that steps furthest in memory to the one that steps least, as PyTorch
    orders them (`Tensor.dim_order`): row-major and channels-last tensors by their format, else
    `memory_order`. Also whether that order is ambiguous: two neighbours it could not tell apart."""
    rank = len(shape)
    if rank <= 1:
        return tuple(range(rank)), False
    contiguous = is_contiguous_as(shape, strides, "contiguous_format")
    channels_last = is_contiguous_as(shape, strides, "channels_last")
    if contiguous != channels_last:
        return (tuple(range(rank)) if contiguous else (0, *range(2, rank), 1)), False
    order = memory_order(shape, [strides])
    ambiguous = any(_later(shape, [strides], order[i], order[i + 1]) != -1 for i in range(rank - 1))
    return tuple(reversed(order)), ambiguous
