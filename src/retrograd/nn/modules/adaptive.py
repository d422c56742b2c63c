"""AdaptiveLogSoftmaxWithLoss: the efficient softmax of Grave et al. (2016) for many classes.

The classes are split by `cutoffs` into a frequent shortlist and tail clusters. The head scores
the shortlist and one entry per cluster; a target in cluster i has log p = head's log p of the
cluster + the cluster's own log-softmax at its position. Each cluster projects the input to
in_features // div_value^(i+1) features first.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from ...ops.creation import zeros
from ...ops.shape.slicing import cat
from ...tensor import Tensor
from .. import functional as F
from .container import ModuleList, Sequential
from .linear import Linear
from .module import Module

__all__ = ["AdaptiveLogSoftmaxWithLoss"]


class _ASMoutput(NamedTuple):
    """What forward returns: each example's target log-probability, and the mean negative one."""

    output: Tensor
    loss: Tensor


class AdaptiveLogSoftmaxWithLoss(Module):
    """Adaptive softmax over `n_classes` (frequent classes first), as `torch.nn.AdaptiveLogSoftmaxWithLoss`.

    forward((N, in_features), (N,) targets) -> (output (N,), loss); also (in_features,) with a
    0-d target. `log_prob` gives (N, n_classes); `predict` the most likely class.

    Args:
        in_features (int): the input's feature size.
        n_classes (int): the number of classes, sorted most frequent first.
        cutoffs (sequence of int): increasing class indices in (0, n_classes) that split the classes into the head
            and the tail clusters.
        div_value (float): each tail cluster's projection is `div_value` times smaller than the last (default 4).
        head_bias (bool): learn a bias in the head's Linear (default False).
        device (str or device, optional): where the parameters live.
        dtype (dtype, optional): the parameters' dtype (default float32).

    Returns:
        (AdaptiveLogSoftmaxWithLoss): a module; `asm(input, target)` with input (N, in_features) and target (N,)
            gives `(output, loss)`: each target's log-probability (N,) and their negative mean; `log_prob(input)`
            gives all (N, n_classes), `predict(input)` the argmax.

    Examples:
        >>> asm = nn.AdaptiveLogSoftmaxWithLoss(16, 10, cutoffs=[4, 8])
        >>> x, target = retrograd.randn(3, 16), retrograd.tensor([0, 5, 9])
        >>> out = asm(x, target)
        >>> out.output.shape, out.loss.shape
        (retrograd.Size([3]), retrograd.Size([]))
        >>> asm.log_prob(x).exp().sum(dim=1).allclose(retrograd.ones(3))
        True
        >>> asm.predict(x).shape
        retrograd.Size([3])
    """

    def __init__(self, in_features: int, n_classes: int, cutoffs: Sequence[int], div_value: float = 4.0,
                 head_bias: bool = False, device: Any = None, dtype: Any = None) -> None:  # fmt: skip
        super().__init__()
        cutoffs = list(cutoffs)
        if len(cutoffs) == 0:
            raise ValueError("cutoffs should be a sequence of length larger than 0")
        if (
            cutoffs != sorted(cutoffs)
            or min(cutoffs) <= 0
            or max(cutoffs) > n_classes - 1
            or len(set(cutoffs)) != len(cutoffs)
            or any(int(c) != c for c in cutoffs)
        ):
            raise ValueError(
                "cutoffs should be a sequence of unique, positive integers sorted in an increasing order, "
                "where each value is between 1 and n_classes-1"
            )
        self.in_features = in_features
        self.n_classes = n_classes
        self.cutoffs = cutoffs + [n_classes]
        self.div_value = div_value
        self.head_bias = head_bias
        self.shortlist_size = self.cutoffs[0]
        self.n_clusters = len(self.cutoffs) - 1
        self.head_size = self.shortlist_size + self.n_clusters
        self.head = Linear(in_features, self.head_size, bias=head_bias, device=device, dtype=dtype)
        self.tail = ModuleList()
        for i in range(self.n_clusters):
            hidden = int(in_features // (div_value ** (i + 1)))
            size = self.cutoffs[i + 1] - self.cutoffs[i]
            self.tail.append(
                Sequential(
                    Linear(in_features, hidden, bias=False, device=device, dtype=dtype),
                    Linear(hidden, size, bias=False, device=device, dtype=dtype),
                )
            )

    def reset_parameters(self) -> None:
        """Re-draw the head and every cluster's projections."""
        self.head.reset_parameters()
        for projection in self.tail:
            for layer in projection.children():
                layer.reset_parameters()

    def _check_shapes(self, input: Tensor, target: Tensor) -> None:
        if target.dim() == 1:
            if input.size(0) != target.size(0):
                raise RuntimeError("Input and target should have the same size in the batch dimension.")
            if input.dim() != 2:
                raise RuntimeError(
                    f"1D target tensor expects 2D input tensors, but found inputs with size {input.size()}"
                )
        elif target.dim() == 0:
            if input.dim() != 1:
                raise RuntimeError(
                    f"0D target tensor expects 1D input tensors, but found inputs with size {input.size()}"
                )
        else:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")

    def forward(self, input_: Tensor, target_: Tensor) -> _ASMoutput:
        self._check_shapes(input_, target_)
        batched = target_.dim() > 0
        input = input_ if batched else input_.unsqueeze(0)
        target = target_ if batched else target_.unsqueeze(0)
        output = zeros(target.size(0), dtype=input.dtype, device=input.device)
        head_index = target.clone()  # the head's entry each example reads: its class, or its cluster's
        used = 0
        bounds = [0] + self.cutoffs
        for i in range(len(bounds) - 1):
            low, high = bounds[i], bounds[i + 1]
            in_cluster = (target >= low) & (target < high)
            rows = in_cluster.nonzero().reshape(-1)
            if rows.numel() == 0:
                continue
            used += rows.numel()
            if i == 0:
                continue
            head_index = head_index.index_fill(0, rows, self.shortlist_size + i - 1)
            cluster_logprob = F.log_softmax(self.tail[i - 1](input.index_select(0, rows)), dim=1)
            local = cluster_logprob.gather(1, (target[in_cluster] - low).unsqueeze(1)).squeeze(1)
            output = output.index_copy(0, rows, local)
        if used != target.size(0):
            raise RuntimeError(
                f"Target values should be in [0, {self.n_classes - 1}], but values in range "
                f"[{target.min().item()}, {target.max().item()}] were found. "
            )
        head_logprob = F.log_softmax(self.head(input), dim=1)
        output = output + head_logprob.gather(1, head_index.unsqueeze(1)).squeeze(1)
        loss = (-output).mean()
        return _ASMoutput(output if batched else output.squeeze(0), loss)

    def _full_log_prob(self, input: Tensor, head_output: Tensor) -> Tensor:
        """(N, n_classes) log-probabilities from the input and the head's output."""
        head_logprob = F.log_softmax(head_output, dim=1)
        parts = [head_logprob[:, : self.shortlist_size]]
        for i in range(self.n_clusters):
            cluster_logprob = F.log_softmax(self.tail[i](input), dim=1)
            parts.append(cluster_logprob + head_logprob[:, self.shortlist_size + i].unsqueeze(1))
        return cat(parts, dim=1)

    def log_prob(self, input: Tensor) -> Tensor:
        """Log-probabilities of every class: (N, in_features) -> (N, n_classes)."""
        return self._full_log_prob(input, self.head(input))

    def predict(self, input: Tensor) -> Tensor:
        """The most likely class of each example: (N, in_features) -> (N,)."""
        head_output = self.head(input)
        output = head_output.argmax(dim=1)
        outside = output >= self.shortlist_size
        if not bool(outside.any()):  # the shortlist wins everywhere: the head decides alone
            return output
        if bool(outside.all()):
            return self._full_log_prob(input, head_output).argmax(dim=1)
        full = self._full_log_prob(input[outside], head_output[outside]).argmax(dim=1)
        output[outside] = full
        return output
