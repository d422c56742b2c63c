"""`torch.nn.utils._expanded_weights`: ExpandedWeight, the parameter stand-in behind per-sample gradients.

`call_for_per_sample_grads` (`_per_sample_grad.py`) runs a module with each trainable parameter
replaced by an `ExpandedWeight`. The layers that PyTorch supports (linear, conv1d/2d/3d, embedding,
layer_norm, group_norm, instance_norm) meet it through `__torch_function__`; their backward gives
the input its usual gradient and writes each example's gradient of the weight into
`orig_weight.grad_sample` (batch first), leaving `orig_weight.grad` alone. Any other function
raises, as PyTorch's. One rule serves every layer: each example's weight gradient is the vjp of
that layer on the example alone (`func.vmap` over `func.vjp`), which is exact because these layers
treat the examples of a batch independently.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ... import conv1d, conv2d, conv3d
from ...autograd.function import Function
from ...func import vjp, vmap
from ...tensor import Tensor
from .. import functional as F

__all__ = ["ExpandedWeight"]

HANDLED_FUNCTIONS: tuple[Callable[..., Any], ...] = (
    F.linear,
    conv1d,
    conv2d,
    conv3d,
    F.embedding,
    F.layer_norm,
    F.group_norm,
    F.instance_norm,
)


class ExpandedWeight(Tensor):
    """A parameter seen by one batch of `batch_size` examples, whose layers record per-example gradients.

    Examples:
        >>> w = retrograd.nn.Parameter(retrograd.ones(2, 3))
        >>> ew = ExpandedWeight(w, 4, "sum")
        >>> ew.shape, ew.batch_size
        (retrograd.Size([2, 3]), 4)
    """

    def __new__(cls, orig_weight: Tensor, batch_size: int, loss_reduction: str) -> ExpandedWeight:
        if not isinstance(orig_weight, Tensor):
            raise RuntimeError(f"Can only make Expanded Weights of Tensors, got {type(orig_weight).__name__}")
        if not orig_weight.requires_grad:
            raise RuntimeError("Can only build ExpandedWeights objects of tensors that requires_grad")
        return Tensor._make_subclass(cls, orig_weight, True)  # type: ignore[return-value]

    def __init__(self, orig_weight: Tensor, batch_size: int, loss_reduction: str) -> None:
        self.batch_size = batch_size
        self.batch_first = True
        self.allow_smaller_batches = False
        self.orig_weight = orig_weight
        self.loss_reduction = loss_reduction

    @classmethod
    def __torch_function__(cls, func: Any, types: Any, args: tuple = (), kwargs: dict | None = None) -> Any:
        kwargs = kwargs or {}
        if func in HANDLED_FUNCTIONS:
            return _PerSampleGrad.apply(func, tuple(kwargs), *args, *kwargs.values())
        raise RuntimeError(f"Expanded Weights encountered but cannot handle function {func.__name__}")

    @property
    def dtype(self) -> Any:  # type: ignore[override]
        return self.orig_weight.dtype

    @property  # type: ignore[misc]
    def data(self) -> Tensor:  # type: ignore[override]
        return self.orig_weight.data

    @property
    def shape(self) -> Any:  # type: ignore[override]
        return self.orig_weight.shape

    @property
    def device(self) -> Any:  # type: ignore[override]
        return self.orig_weight.device

    @property
    def is_cuda(self) -> bool:  # type: ignore[override]
        return self.orig_weight.is_cuda

    def data_ptr(self) -> int:
        return self.orig_weight.data_ptr()

    def get_device(self) -> int:
        return self.orig_weight.get_device()

    def set_allow_smaller_batches(self, is_allow_smaller_batches: bool) -> None:
        self.allow_smaller_batches = is_allow_smaller_batches

    def set_batch_first(self, is_batch_first: bool = True) -> None:
        self.batch_first = is_batch_first


def _unexpanded(func: Any, args: tuple) -> tuple:
    """`args` with each ExpandedWeight as its original weight, after PyTorch's checks of the batch."""
    x = args[0]
    if isinstance(x, ExpandedWeight):
        raise RuntimeError(
            "Expanded Weights do not support inputs that are also ExpandedWeights. "
            f"Input must be a Tensor, got {type(x).__name__} in function {func.__name__}"
        )
    if not isinstance(x, Tensor):
        raise RuntimeError(
            "Expanded Weights requires a Tensor as the first input to get the batch dimension, "
            f"got {type(x).__name__} in function {func.__name__}"
        )
    if x.dim() == 0:
        raise RuntimeError(
            f"Expanded Weights requires a batch dimension but got an input of size 0 in function {func.__name__}"
        )
    for a in args:
        if isinstance(a, ExpandedWeight) and a.batch_size != x.shape[0]:
            raise RuntimeError(
                "Expected ExpandedWeights to have batch size matching input but got "
                f"input batch size of {x.shape[0]} with ExpandedWeight of batch size {a.batch_size}"
            )
    return tuple(a.orig_weight.detach() if isinstance(a, ExpandedWeight) else a for a in args)


class _PerSampleGrad(Function):
    """One supported layer called with ExpandedWeights: the usual output; per-example weight gradients."""

    @staticmethod
    def forward(ctx: Any, func: Any, names: tuple, *args: Any) -> Any:
        plain = _unexpanded(func, args)
        ctx.func, ctx.names, ctx.args, ctx.plain = func, names, args, plain
        return _call(func, names, plain)

    @staticmethod
    def backward(ctx: Any, grad_output: Tensor) -> tuple:
        func, names, args, plain = ctx.func, ctx.names, ctx.args, ctx.plain
        if func is F.instance_norm and _kw(names, plain, "use_input_stats", True):
            plain = _with(names, plain, running_mean=None, running_var=None)  # stats were updated in forward
        wanted = [i for i, a in enumerate(args) if i > 0 and isinstance(a, ExpandedWeight)]
        grads: list[Any] = [None] * len(args)
        plain_wanted = [i for i, need in enumerate(ctx.needs_input_grad[2:]) if need and i not in wanted]
        if plain_wanted:  # the input (and any plain tensor that requires grad): the layer's own gradient
            _, back = vjp(
                lambda *ts: _call(func, names, _put(plain, plain_wanted, ts)), *(plain[i] for i in plain_wanted)
            )
            for i, g in zip(plain_wanted, back(grad_output), strict=True):
                grads[i] = g

        def one_example(x: Tensor, g: Tensor) -> tuple:
            at_x = _put(plain, [0], (x.unsqueeze(0),))
            _, back = vjp(lambda *ws: _call(func, names, _put(at_x, wanted, ws)), *(plain[i] for i in wanted))
            return back(g.unsqueeze(0))  # type: ignore[no-any-return]

        per_example = vmap(one_example)(plain[0], grad_output) if wanted else ()
        for i, gs in zip(wanted, per_example, strict=True):
            _add_grad_sample(args[i], gs)
        return (None, None, *grads)


def _call(func: Any, names: tuple, args: tuple) -> Any:
    split = len(args) - len(names)
    return func(*args[:split], **dict(zip(names, args[split:], strict=True)))


def _put(args: tuple, positions: list[int], values: tuple) -> tuple:
    out = list(args)
    for i, v in zip(positions, values, strict=True):
        out[i] = v
    return tuple(out)


def _kw(names: tuple, args: tuple, name: str, default: Any) -> Any:
    return args[len(args) - len(names) + names.index(name)] if name in names else default


def _with(names: tuple, args: tuple, **values: Any) -> tuple:
    split = len(args) - len(names)
    return args[:split] + tuple(values.get(n, a) for n, a in zip(names, args[split:], strict=True))


def _add_grad_sample(ew: ExpandedWeight, grad_sample: Tensor) -> None:
    """Add one layer call's per-example gradients (times the batch for a mean loss) to `grad_sample`."""
    if ew.loss_reduction == "mean":
        grad_sample = grad_sample * ew.batch_size
    weight = ew.orig_weight
    previous = getattr(weight, "grad_sample", None)
    weight.grad_sample = grad_sample if previous is None else previous + grad_sample  # type: ignore[attr-defined]
