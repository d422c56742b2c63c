"""Variable-length sequences for the recurrent layers: padding, packing and PackedSequence.

A packed batch stores its time steps one after another, each holding only the
sequences still running at that step: `data` is (sum(batch_sizes), *) and
`batch_sizes[t]` says how many sequences step t holds. The sequences are sorted
longest first (`sorted_indices` maps the sorted order back to the caller's).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

import numpy as np

from ... import ops
from ..._display_name import package_class
from ...dtypes import int64
from ...engine.numpy_errors import broadcast_mismatch
from ...ops.kernels.arg_types import check_elements
from ...ops.shape import packed as _packed
from ...tensor import Tensor

__all__ = [
    "PackedSequence",
    "invert_permutation",
    "pack_padded_sequence",
    "pad_packed_sequence",
    "pad_sequence",
    "unpad_sequence",
    "pack_sequence",
    "unpack_sequence",
]


class _PackedFields(NamedTuple):
    data: Tensor
    batch_sizes: Tensor
    sorted_indices: Tensor | None
    unsorted_indices: Tensor | None


class PackedSequence(_PackedFields):
    """A batch of variable-length sequences packed step by step (made by pack_padded_sequence / pack_sequence).

    Args:
        data (Tensor): the time steps' rows stacked, (Σ lengths, *).
        batch_sizes (Tensor, optional): int64 (T,), how many sequences are still running at each step.
        sorted_indices (Tensor, optional): the batch order used for packing (by decreasing length).
        unsorted_indices (Tensor, optional): its inverse, to restore the caller's order.

    Returns:
        (PackedSequence): a named tuple (data, batch_sizes, sorted_indices, unsorted_indices) that the RNN modules
            accept as input.

    Examples:
        >>> padded = retrograd.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 0.0]])
        >>> packed = nn.utils.rnn.pack_padded_sequence(padded, [3, 2], batch_first=True)
        >>> packed.data, packed.batch_sizes
        (tensor([1., 4., 2., 5., 3.]), tensor([2, 2, 1]))
        >>> output, h_n = nn.RNN(1, 2)(nn.utils.rnn.PackedSequence(packed.data[:, None], packed.batch_sizes))
        >>> type(output).__name__, output.data.shape
        ('PackedSequence', retrograd.Size([5, 2]))
    """

    def __new__(
        cls,
        data: Any,
        batch_sizes: Tensor | None = None,
        sorted_indices: Tensor | None = None,
        unsorted_indices: Tensor | None = None,
    ) -> PackedSequence:
        if unsorted_indices is None:
            unsorted_indices = invert_permutation(sorted_indices)
        if batch_sizes is None:  # PackedSequence((data, batch_sizes), ...)
            if not (isinstance(data, (list, tuple)) and len(data) == 2):
                raise AssertionError("Expected data to be a list or tuple of length 2")
            data, batch_sizes = data
        elif batch_sizes.device.type != "cpu":
            raise ValueError(
                "batch_sizes should always be on CPU. Instances of PackedSequence should never be created manually. "
                "They should be instantiated by functions like pack_sequence and pack_padded_sequences in "
                "nn.utils.rnn. https://pytorch.org/docs/stable/nn.html#torch.nn.utils.rnn.pack_sequence"
            )
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def _with(self, convert: Any, indices_too: bool = False) -> PackedSequence:
        keep = (lambda t: t) if not indices_too else (lambda t: None if t is None else convert(t))
        return type(self)(convert(self.data), self.batch_sizes, keep(self.sorted_indices), keep(self.unsorted_indices))

    def to(self, *args: Any, **kwargs: Any) -> PackedSequence:
        """`data.to(...)`; the indices follow data to its device, batch_sizes stays on the CPU."""
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self
        return type(self)(
            data,
            self.batch_sizes,
            *(None if t is None else t.to(data.device) for t in (self.sorted_indices, self.unsorted_indices)),
        )

    def cpu(self, *args: Any, **kwargs: Any) -> PackedSequence:
        return self.to("cpu")

    def pin_memory(self) -> PackedSequence:
        return self

    def double(self) -> PackedSequence:
        return self._with(lambda t: t.double())

    def float(self) -> PackedSequence:
        return self._with(lambda t: t.float())

    def half(self) -> PackedSequence:
        return self._with(lambda t: t.half())

    def long(self) -> PackedSequence:
        return self._with(lambda t: t.long())

    def int(self) -> PackedSequence:
        return self._with(lambda t: t.int())

    def short(self) -> PackedSequence:
        return self._with(lambda t: t.short())

    def char(self) -> PackedSequence:
        return self._with(lambda t: t.char())

    def byte(self) -> PackedSequence:
        return self._with(lambda t: t.byte())

    @property
    def is_cuda(self) -> bool:
        return self.data.is_cuda

    def is_pinned(self) -> bool:
        return False


def invert_permutation(permutation: Tensor | None) -> Tensor | None:
    """The inverse permutation (None stays None): out[permutation[i]] = i.

    Args:
        permutation (Tensor, optional): a 1-D int64 permutation.

    Returns:
        Tensor: the inverse permutation (None for None).

    Examples:
        >>> nn.utils.rnn.invert_permutation(retrograd.tensor([2, 0, 1]))
        tensor([1, 2, 0])
    """
    if permutation is None:
        return None
    out = ops.empty_like(permutation)
    out.scatter_(0, permutation, ops.arange(permutation.numel(), device=permutation.device))
    return out


def _lengths_list(lengths: Any) -> list[int]:
    return [int(v) for v in lengths.tolist()]


def _batch_sizes(lengths: list[int]) -> list[int]:
    """How many of the (sorted, longest first) sequences run at each step."""
    for i, n in enumerate(lengths):
        if n <= 0:
            raise RuntimeError(
                "Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0"
            )
        if i and n > lengths[i - 1]:
            raise RuntimeError(
                "`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can pass "
                "`enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep this requirement "
                "if you do not need ONNX exportability."
            )
    # lengths past the input's steps are not refused: PyTorch packs the steps there are (data then
    # holds fewer rows than the batch sizes count)
    return [sum(1 for n in lengths if n > t) for t in range(lengths[0] if lengths else 0)]


def pack_padded_sequence(
    input: Tensor, lengths: Tensor | list[int], batch_first: bool = False, enforce_sorted: bool = True
) -> PackedSequence:
    """Pack a padded batch (T, B, *) (or (B, T, *) with batch_first) of sequences with the given lengths.

    Args:
        input (Tensor): (T, B, *) or (B, T, *) padded sequences.
        lengths (Tensor or list of int): each sequence's length (on the CPU).
        batch_first (bool): the batch dim comes first (default False).
        enforce_sorted (bool): require lengths in decreasing order; if False they are sorted and the order
            remembered (default True).

    Returns:
        PackedSequence: the time steps' data stacked, with `batch_sizes` per step.

    Examples:
        >>> padded = retrograd.tensor([[1.0, 2.0, 3.0], [4.0, 0.0, 0.0]])
        >>> packed = nn.utils.rnn.pack_padded_sequence(padded, [3, 1], batch_first=True)
        >>> packed.data, packed.batch_sizes
        (tensor([1., 4., 2., 3.]), tensor([2, 1, 1]))
    """
    if isinstance(lengths, Tensor):
        lengths = lengths.to(dtype=int64)
    else:
        lengths = ops.as_tensor(lengths, dtype=int64)
    sorted_indices = None
    if not enforce_sorted:
        lengths, sorted_indices = ops.sort(lengths, descending=True)
        input = input.index_select(0 if batch_first else 1, sorted_indices)
    batch = 0 if batch_first else 1
    if lengths.dim() != 1:
        raise RuntimeError(  # PyTorch's lengths are an int64 CPU tensor by now, whatever they came as
            f"'lengths' argument should be a 1D CPU int64 tensor, but got {lengths.dim()}D cpu Long tensor"
        )
    if lengths.numel() != input.size(batch):
        raise RuntimeError(
            f"Expected `len(lengths)` to be equal to batch_size, but got {lengths.numel()} "
            f"(batch_size={input.size(batch)})"
        )
    sizes = _batch_sizes(_lengths_list(lengths))
    data = _packed.pack_padded(input, sizes=tuple(sizes), batch_first=batch_first)
    return PackedSequence(data, ops.tensor(sizes, dtype=int64), sorted_indices, None)


def pad_packed_sequence(
    sequence: PackedSequence, batch_first: bool = False, padding_value: float = 0.0, total_length: int | None = None
) -> tuple[Tensor, Tensor]:
    """Undo pack_padded_sequence: (padded (T, B, *) or (B, T, *), lengths int64) in the caller's batch order.

    Args:
        sequence (PackedSequence): a packed batch.
        batch_first (bool): return (B, T, *) instead of (T, B, *) (default False).
        padding_value (float): the fill (default 0).
        total_length (int, optional): pad to this length T instead of the longest sequence's.

    Returns:
        tuple: (padded tensor, int64 lengths (B,)), in the original batch order.

    Examples:
        >>> packed = nn.utils.rnn.pack_sequence([retrograd.tensor([1.0, 2.0]), retrograd.tensor([3.0])])
        >>> nn.utils.rnn.pad_packed_sequence(packed, batch_first=True, total_length=3)
        (tensor([[1., 2., 0.],
                [3., 0., 0.]]), tensor([2, 1]))
    """
    sizes = _lengths_list(sequence.batch_sizes)
    steps = len(sizes)
    if total_length is not None:
        if total_length < steps:
            raise ValueError(
                "Expected total_length to be at least the length of the longest sequence in input, but got "
                f"total_length={total_length} and max sequence length being {steps}"
            )
        steps = total_length
    data = sequence.data
    if sum(sizes) > data.size(0):
        _packed.refuse_short(sizes, data.shape)
    batch = sizes[0] if sizes else 0
    padded = ops.full((steps, batch, *data.shape[1:]), padding_value, dtype=data.dtype, device=data.device)
    offset = 0
    for t, n in enumerate(sizes):  # each step copied in, as PyTorch's kernel (its node: CopySlices)
        padded[t, :n] = data[offset : offset + n]
        offset += n
    if batch_first:
        padded = padded.transpose(0, 1)
    lengths = ops.tensor([sum(1 for n in sizes if n > b) for b in range(batch)], dtype=int64)
    if sequence.unsorted_indices is not None:
        padded = padded.index_select(0 if batch_first else 1, sequence.unsorted_indices)
        lengths = lengths[sequence.unsorted_indices]
    return padded, lengths


def pad_sequence(
    sequences: Tensor | Iterable[Tensor],
    batch_first: bool = False,
    padding_value: float = 0.0,
    padding_side: str = "right",
) -> Tensor:
    """Stack sequences (L_i, *) into (T, B, *) (or (B, T, *)), padding each to the longest with padding_value.

    Args:
        sequences (list of Tensor): tensors (L_i, *) with the same trailing dims.
        batch_first (bool): return (B, T, *) instead of (T, B, *) (default False).
        padding_value (float): the fill (default 0).
        padding_side (str): `'right'` (default) or `'left'`.

    Returns:
        Tensor: (T, B, *) or (B, T, *), T the longest length.

    Examples:
        >>> seqs = [retrograd.tensor([1.0, 2.0, 3.0]), retrograd.tensor([4.0])]
        >>> nn.utils.rnn.pad_sequence(seqs)
        tensor([[1., 4.],
                [2., 0.],
                [3., 0.]])
        >>> nn.utils.rnn.pad_sequence(seqs, batch_first=True, padding_value=-1.0, padding_side='left')
        tensor([[ 1.,  2.,  3.],
                [-1., -1.,  4.]])
    """
    if not isinstance(sequences, Iterable):
        raise RuntimeError(
            f"pad_sequence: Expected iterable for input sequences, but got arg of type: {type(sequences)}"
        )
    seqs = list(sequences)
    if not seqs:
        raise RuntimeError("received an empty list of sequences")
    if padding_side not in ("left", "right"):
        raise RuntimeError(f"Expected padding_side to be one of left or right, but got {padding_side}.")
    check_elements(seqs)
    if seqs[0].dim() == 0:  # PyTorch's kernel takes the trailing sizes from the first sequence's
        raise RuntimeError("ArrayRef: invalid slice, N = 1; size = 0")
    longest = max(s.size(0) for s in seqs)
    first = seqs[0]  # the output is made like it (`new_full`): its trailing sizes and dtype
    tail = tuple(first.shape[1:])
    batch_dim = 0 if batch_first else 1
    shape = (len(seqs), longest, *tail) if batch_first else (longest, len(seqs), *tail)
    out = ops.full(shape, padding_value, dtype=first.dtype, device=first.device)
    # each sequence is copied into its slot, as PyTorch does (a graph's node is CopySlices)
    for i, s in enumerate(seqs):
        s = _as_step_rows(s, tail)
        start = 0 if padding_side == "right" else longest - s.size(0)
        out.select(batch_dim, i).narrow(0, start, s.size(0)).copy_(s)
    return out


def _as_step_rows(seq: Tensor, tail: tuple[int, ...]) -> Tensor:
    """`seq` as (L, *tail), L its length: PyTorch copies each sequence into its slot of the output,
    so one whose trailing sizes differ from the first's is broadcast to them, or is an error."""
    slot = (seq.size(0), *tail)
    if tuple(seq.shape) == slot:
        return seq
    mismatch = broadcast_mismatch([slot, tuple(seq.shape)])
    if mismatch is not None:
        raise mismatch
    broadcast = np.broadcast_shapes(slot, tuple(seq.shape))
    if broadcast != slot:
        raise RuntimeError(f"output with shape {list(slot)} doesn't match the broadcast shape {list(broadcast)}")
    return seq.expand(slot)


def unpad_sequence(padded_sequences: Tensor, lengths: Tensor, batch_first: bool = False) -> list[Tensor]:
    """Split a padded batch back into the list of its sequences (L_i, *).

    Args:
        padded_sequences (Tensor): (T, B, *) or (B, T, *).
        lengths (Tensor or list of int): each sequence's length.
        batch_first (bool): the batch dim comes first (default False).

    Returns:
        list of Tensor: the B sequences (L_i, *).

    Examples:
        >>> padded = retrograd.tensor([[1.0, 2.0, 3.0], [4.0, 0.0, 0.0]])
        >>> nn.utils.rnn.unpad_sequence(padded, retrograd.tensor([3, 1]), batch_first=True)
        [tensor([1., 2., 3.]), tensor([4.])]
    """
    if not batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    return [seq[:n] for seq, n in zip(padded_sequences, _lengths_list(lengths), strict=True)]


def pack_sequence(sequences: list[Tensor], enforce_sorted: bool = True) -> PackedSequence:
    """Pack a list of sequences (L_i, *): pad_sequence then pack_padded_sequence.

    Args:
        sequences (list of Tensor): tensors (L_i, *) with the same trailing dims.
        enforce_sorted (bool): require lengths in decreasing order (default True).

    Returns:
        PackedSequence: the sequences packed step by step.

    Examples:
        >>> seqs = [retrograd.tensor([1.0]), retrograd.tensor([2.0, 3.0])]
        >>> packed = nn.utils.rnn.pack_sequence(seqs, enforce_sorted=False)
        >>> packed.data, packed.batch_sizes, packed.sorted_indices
        (tensor([2., 1., 3.]), tensor([2, 1]), tensor([1, 0]))
    """
    lengths = ops.as_tensor([v.size(0) for v in sequences])
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences: PackedSequence) -> list[Tensor]:
    """The list of sequences a PackedSequence holds, in the caller's order.

    Args:
        packed_sequences (PackedSequence): a packed batch.

    Returns:
        list of Tensor: the sequences (L_i, *), in the order they were packed from.

    Examples:
        >>> seqs = [retrograd.tensor([1.0]), retrograd.tensor([2.0, 3.0])]
        >>> nn.utils.rnn.unpack_sequence(nn.utils.rnn.pack_sequence(seqs, enforce_sorted=False))
        [tensor([1.]), tensor([2., 3.])]
    """
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)


package_class(PackedSequence)  # `torch.nn.utils.rnn.PackedSequence` under the alias
