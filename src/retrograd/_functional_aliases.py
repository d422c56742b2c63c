"""The `nn.functional` ops PyTorch also has at top level, with the top-level signatures.

`torch.conv2d`, `torch.layer_norm`, `torch.dropout`, ... are the ATen ops behind
`torch.nn.functional`; several take their arguments in ATen's order and spelling, which differs
from `F.*`: `torch.dropout(input, p, train)` is positional, `torch.embedding(weight, indices)`
takes the weight first, `torch.batch_norm` puts the affine weight before the running statistics,
and the losses take `reduction` as ATen's number (0 none, 1 mean, 2 sum; PyTorch's binding
returns the unreduced loss when it is not passed). Each function here is the `F.*` op it names,
called with those arguments. Loaded on first use with `retrograd.nn` (see the package `__init__`).
"""

from __future__ import annotations

from typing import Any

from .nn import functional as F
from .nn.functional import _embedding_bag_aten as _bags
from .nn.functional import (
    adaptive_avg_pool1d,
    avg_pool1d,
    bilinear,
    channel_shuffle,
    conv1d,
    conv2d,
    conv3d,
    conv_transpose1d,
    conv_transpose2d,
    conv_transpose3d,
    cosine_similarity,
    pairwise_distance,
    pixel_shuffle,
    pixel_unshuffle,
    rms_norm,
)
from .nn.functional import ctc as _ctc
from .nn.functional import dropouts as _dropouts
from .tensor import Tensor

__all__ = [
    "adaptive_avg_pool1d", "adaptive_max_pool1d", "alpha_dropout", "alpha_dropout_", "avg_pool1d", "batch_norm",
    "bilinear", "binary_cross_entropy_with_logits", "channel_shuffle", "conv1d", "conv2d", "conv3d",
    "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "cosine_embedding_loss", "cosine_similarity",
    "ctc_loss", "dropout", "dropout_", "embedding", "embedding_bag", "feature_alpha_dropout", "feature_alpha_dropout_",
    "feature_dropout", "feature_dropout_", "group_norm", "hinge_embedding_loss", "instance_norm", "kl_div",
    "layer_norm", "margin_ranking_loss", "max_pool1d", "max_pool1d_with_indices", "max_pool2d", "max_pool3d",
    "pairwise_distance", "pixel_shuffle", "pixel_unshuffle", "poisson_nll_loss", "rms_norm", "triplet_margin_loss",
]  # fmt: skip


def _reduction(reduction: int) -> str:
    """ATen's reduction number as `F.*`'s word: 1 mean, 2 sum, anything else none (as PyTorch's kernels)."""
    return {1: "mean", 2: "sum"}.get(reduction, "none")


# --- normalization -------------------------------------------------------------------------------


def batch_norm(
    input: Tensor,
    weight: Tensor | None,
    bias: Tensor | None,
    running_mean: Tensor | None,
    running_var: Tensor | None,
    training: bool,
    momentum: float,
    eps: float,
    cudnn_enabled: bool,
) -> Tensor:
    """Batch normalization in ATen's argument order: the affine weight and bias before the running statistics.

    Each channel (dim 1) is normalized with the batch's mean and biased variance while
    `training`, else with the running statistics, then scaled by `weight` and shifted by `bias`.
    This is `F.batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)`.

    Args:
        input (Tensor): (N, C) or (N, C, *), floating point.
        weight (Tensor or None): a (C,) scale, or None for 1.
        bias (Tensor or None): a (C,) shift, or None for 0.
        running_mean (Tensor or None): a (C,) estimate, updated in place while training; None keeps none.
        running_var (Tensor or None): a (C,) estimate of the (unbiased) variance, updated like `running_mean`.
        training (bool): use the batch's statistics (and update the running ones) rather than the running ones.
        momentum (float): the weight of the new batch in the running averages.
        eps (float): added to the variance before the square root.
        cudnn_enabled (bool): a backend hint of PyTorch's, without effect here.

    Returns:
        Tensor: `input`'s shape and dtype.

    Examples:
        >>> x = retrograd.tensor([[1.0, 10.0], [3.0, 20.0]])
        >>> retrograd.batch_norm(x, None, None, None, None, True, 0.1, 1e-5, False)
        tensor([[-1.0000, -1.0000],
                [ 1.0000,  1.0000]])
        >>> mean, var = retrograd.zeros(2), retrograd.ones(2)
        >>> w, b = retrograd.tensor([1.0, 2.0]), retrograd.tensor([0.0, 1.0])
        >>> retrograd.batch_norm(x, w, b, mean, var, True, 0.5, 1e-5, False)
        tensor([[-1.0000, -1.0000],
                [ 1.0000,  3.0000]])
        >>> mean, var
        (tensor([1.0000, 7.5000]), tensor([ 1.5000, 25.5000]))
    """
    return F.batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)


def instance_norm(
    input: Tensor,
    weight: Tensor | None,
    bias: Tensor | None,
    running_mean: Tensor | None,
    running_var: Tensor | None,
    use_input_stats: bool,
    momentum: float,
    eps: float,
    cudnn_enabled: bool,
) -> Tensor:
    """Instance normalization in ATen's argument order: each (sample, channel) slice normalized on its own.

    With `use_input_stats` every slice `input[n, c]` gets zero mean and unit (biased) variance,
    then the per-channel `weight` and `bias` apply. This is
    `F.instance_norm(input, running_mean, running_var, weight, bias, use_input_stats, momentum, eps)`.

    Args:
        input (Tensor): (N, C, *), floating point.
        weight (Tensor or None): a (C,) scale, or None for 1.
        bias (Tensor or None): a (C,) shift, or None for 0.
        running_mean (Tensor or None): a (C,) average of the slices' means, updated in place; None keeps none.
        running_var (Tensor or None): a (C,) average of the slices' variances, updated like `running_mean`.
        use_input_stats (bool): normalize with each slice's statistics rather than the running ones.
        momentum (float): the weight of the new statistics in the running averages.
        eps (float): added to the variance before the square root.
        cudnn_enabled (bool): a backend hint of PyTorch's, without effect here.

    Returns:
        Tensor: `input`'s shape and dtype.

    Examples:
        >>> x = retrograd.tensor([[[1.0, 3.0], [2.0, 6.0]]])
        >>> retrograd.instance_norm(x, None, None, None, None, True, 0.1, 1e-5, False)
        tensor([[[-1.0000,  1.0000],
                 [-1.0000,  1.0000]]])
        >>> w, b = retrograd.tensor([1.0, 2.0]), retrograd.tensor([0.0, 1.0])
        >>> retrograd.instance_norm(x, w, b, None, None, True, 0.1, 1e-5, False)
        tensor([[[-1.0000,  1.0000],
                 [-1.0000,  3.0000]]])
    """
    return F.instance_norm(input, running_mean, running_var, weight, bias, use_input_stats, momentum, eps)


def layer_norm(
    input: Tensor,
    normalized_shape: Any,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-05,
    cudnn_enable: bool = True,
) -> Tensor:
    """Layer normalization over the trailing `normalized_shape` dims, then `* weight + bias`.

    The same as `F.layer_norm`, plus PyTorch's backend flag `cudnn_enable`.

    Args:
        input (Tensor): (*, *normalized_shape), floating point.
        normalized_shape (int or sequence of int): the trailing dims each slice is normalized over.
        weight (Tensor, optional): a scale of shape `normalized_shape` (default: none).
        bias (Tensor, optional): a shift of shape `normalized_shape` (default: none).
        eps (float): added to the variance before the square root (default 1e-5).
        cudnn_enable (bool): a backend hint of PyTorch's, without effect here (default True).

    Returns:
        Tensor: `input`'s shape; each slice has zero mean and unit (biased) variance before the affine map.

    Examples:
        >>> x = retrograd.tensor([[1.0, 2.0, 3.0], [2.0, 2.0, 2.0]])
        >>> retrograd.layer_norm(x, [3])
        tensor([[-1.2247,  0.0000,  1.2247],
                [ 0.0000,  0.0000,  0.0000]])
        >>> retrograd.layer_norm(x, [3], retrograd.full((3,), 2.0), retrograd.ones(3))
        tensor([[-1.4495,  1.0000,  3.4495],
                [ 1.0000,  1.0000,  1.0000]])
    """
    return F.layer_norm(input, normalized_shape, weight, bias, eps)


def group_norm(
    input: Tensor,
    num_groups: int,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-05,
    cudnn_enabled: bool = True,
) -> Tensor:
    """Group normalization: the channels split into `num_groups` groups, each normalized per sample.

    The same as `F.group_norm`, plus PyTorch's backend flag `cudnn_enabled`.

    Args:
        input (Tensor): (N, C, *), floating point, with C divisible by `num_groups`.
        num_groups (int): how many groups of consecutive channels share their statistics.
        weight (Tensor, optional): a (C,) per-channel scale (default: none).
        bias (Tensor, optional): a (C,) per-channel shift (default: none).
        eps (float): added to the variance before the square root (default 1e-5).
        cudnn_enabled (bool): a backend hint of PyTorch's, without effect here (default True).

    Returns:
        Tensor: `input`'s shape and dtype.

    Examples:
        >>> x = retrograd.tensor([[[1.0], [3.0], [2.0], [2.0]]])
        >>> retrograd.group_norm(x, 2)
        tensor([[[-1.0000],
                 [ 1.0000],
                 [ 0.0000],
                 [ 0.0000]]])
        >>> w, b = retrograd.tensor([1.0, 1.0, 2.0, 2.0]), retrograd.tensor([0.0, 0.0, 1.0, 1.0])
        >>> retrograd.group_norm(x, 2, w, b)
        tensor([[[-1.0000],
                 [ 1.0000],
                 [ 1.0000],
                 [ 1.0000]]])
    """
    return F.group_norm(input, num_groups, weight, bias, eps)


# --- dropout: (input, p, train), all positional ------------------------------------------------------


def _check_p(p: float) -> None:
    if p < 0 or p > 1:
        raise RuntimeError(f"dropout probability has to be between 0 and 1, but got {p}")


def dropout(input: Tensor, p: float, train: bool) -> Tensor:
    """Zero each element with probability `p` and scale the rest by 1 / (1 - p), while `train`.

    `F.dropout` with the three arguments positional and required.

    Args:
        input (Tensor): any shape, floating point.
        p (float): the probability of zeroing an element, in [0, 1].
        train (bool): apply the dropout; when False `input` comes back unchanged.

    Returns:
        Tensor: `input`'s shape; the kept elements are rescaled so the expectation is unchanged.

    Examples:
        >>> _ = retrograd.manual_seed(0)
        >>> x = retrograd.ones(8)
        >>> retrograd.dropout(x, 0.5, True)
        tensor([0., 0., 2., 0., 0., 0., 2., 2.])
        >>> retrograd.dropout(x, 0.5, False)
        tensor([1., 1., 1., 1., 1., 1., 1., 1.])
    """
    _check_p(p)
    return F.dropout(input, p, train)


def dropout_(input: Tensor, p: float, train: bool) -> Tensor:
    """`retrograd.dropout` written into `input`: zero elements with probability `p`, rescale the rest.

    Args:
        input (Tensor): any shape, floating point; overwritten with the result.
        p (float): the probability of zeroing an element, in [0, 1].
        train (bool): apply the dropout; when False `input` is left as it is.

    Returns:
        Tensor: `input` itself.

    Examples:
        >>> _ = retrograd.manual_seed(0)
        >>> x = retrograd.ones(6)
        >>> retrograd.dropout_(x, 0.5, True) is x
        True
        >>> x
        tensor([0., 0., 2., 0., 0., 0.])
    """
    _check_p(p)
    return F.dropout(input, p, train, inplace=True)


def feature_dropout(input: Tensor, p: float, train: bool) -> Tensor:
    """Zero whole channels of each sample with probability `p` and scale the rest by 1 / (1 - p), while `train`.

    One draw per `input[n, c]`: a channel is kept or dropped as a whole (as in `F.dropout2d`).

    Args:
        input (Tensor): (N, C, *), floating point; dim 1 holds the channels.
        p (float): the probability of zeroing a channel, in [0, 1].
        train (bool): apply the dropout; when False `input` comes back unchanged.

    Returns:
        Tensor: `input`'s shape.

    Examples:
        >>> _ = retrograd.manual_seed(0)
        >>> retrograd.feature_dropout(retrograd.ones(1, 3, 2), 0.5, True)
        tensor([[[0., 0.],
                 [0., 0.],
                 [2., 2.]]])
    """
    _check_p(p)
    return _dropouts._feature_dropout(input, p, train, False)


def feature_dropout_(input: Tensor, p: float, train: bool) -> Tensor:
    """`retrograd.feature_dropout` written into `input`: whole channels zeroed with probability `p`.

    Args:
        input (Tensor): (N, C, *), floating point; overwritten with the result.
        p (float): the probability of zeroing a channel, in [0, 1].
        train (bool): apply the dropout; when False `input` is left as it is.

    Returns:
        Tensor: `input` itself.

    Examples:
        >>> _ = retrograd.manual_seed(0)
        >>> x = retrograd.ones(1, 4, 1)
        >>> retrograd.feature_dropout_(x, 0.5, True) is x
        True
        >>> x.flatten()
        tensor([0., 0., 2., 0.])
    """
    _check_p(p)
    return _dropouts._feature_dropout(input, p, train, True)


def alpha_dropout(input: Tensor, p: float, train: bool) -> Tensor:
    """Dropout for SELU networks: dropped elements take SELU's negative limit, keeping mean 0 and variance 1.

    While `train`, each element is dropped with probability `p`; then an affine map restores zero
    mean and unit variance for inputs that have them (as `F.alpha_dropout`).

    Args:
        input (Tensor): any shape, floating point.
        p (float): the probability of dropping an element, in [0, 1].
        train (bool): apply the dropout; when False `input` comes back unchanged.

    Returns:
        Tensor: `input`'s shape.

    Examples:
        >>> _ = retrograd.manual_seed(0)
        >>> retrograd.alpha_dropout(retrograd.ones(4), 0.5, True)
        tensor([-0.7792, -0.7792,  1.6656, -0.7792])
    """
    _check_p(p)
    return F.alpha_dropout(input, p, train)


def alpha_dropout_(input: Tensor, p: float, train: bool) -> Tensor:
    """`retrograd.alpha_dropout` written into `input`: SELU-style dropout that keeps mean and variance.

    Args:
        input (Tensor): any shape, floating point; overwritten with the result.
        p (float): the probability of dropping an element, in [0, 1].
        train (bool): apply the dropout; when False `input` is left as it is.

    Returns:
        Tensor: `input` itself.

    Examples:
        >>> _ = retrograd.manual_seed(0)
        >>> x = retrograd.ones(6)
        >>> retrograd.alpha_dropout_(x, 0.5, True) is x
        True
        >>> x
        tensor([-0.7792, -0.7792,  1.6656, -0.7792, -0.7792, -0.7792])
    """
    _check_p(p)
    return F.alpha_dropout(input, p, train, inplace=True)


def feature_alpha_dropout(input: Tensor, p: float, train: bool) -> Tensor:
    """Alpha dropout of whole channels: one draw per `input[n, c]`, while `train`.

    Dropped channels take SELU's negative limit before the affine map that keeps mean 0 and
    variance 1 (as `F.feature_alpha_dropout`).

    Args:
        input (Tensor): (N, C, *), floating point; dim 1 holds the channels.
        p (float): the probability of dropping a channel, in [0, 1].
        train (bool): apply the dropout; when False `input` comes back unchanged.

    Returns:
        Tensor: `input`'s shape.

    Examples:
        >>> _ = retrograd.manual_seed(0)
        >>> retrograd.feature_alpha_dropout(retrograd.ones(1, 3, 2), 0.5, True)
        tensor([[[-0.7792, -0.7792],
                 [-0.7792, -0.7792],
                 [ 1.6656,  1.6656]]])
    """
    _check_p(p)
    return F.feature_alpha_dropout(input, p, train)


def feature_alpha_dropout_(input: Tensor, p: float, train: bool) -> Tensor:
    """`retrograd.feature_alpha_dropout` written into `input`: alpha dropout of whole channels.

    Args:
        input (Tensor): (N, C, *), floating point; overwritten with the result.
        p (float): the probability of dropping a channel, in [0, 1].
        train (bool): apply the dropout; when False `input` is left as it is.

    Returns:
        Tensor: `input` itself.

    Examples:
        >>> _ = retrograd.manual_seed(0)
        >>> x = retrograd.ones(1, 4, 1)
        >>> retrograd.feature_alpha_dropout_(x, 0.5, True) is x
        True
        >>> x.flatten()
        tensor([-0.7792, -0.7792,  1.6656, -0.7792])
    """
    _check_p(p)
    return F.feature_alpha_dropout(input, p, train, inplace=True)


# --- lookups and pooling ---------------------------------------------------------------------------


def embedding(
    weight: Tensor, indices: Tensor, padding_idx: int = -1, scale_grad_by_freq: bool = False, sparse: bool = False
) -> Tensor:
    """Look up rows of the table `weight` (V, D) at integer `indices` (*), giving (*, D).

    ATen's order and conventions: the table comes first, and a negative `padding_idx` means no
    padding row (`F.embedding(indices, weight, ...)` is the usual spelling).

    Args:
        weight (Tensor): the table, (V, D).
        indices (Tensor): integer row numbers in [0, V), any shape (*).
        padding_idx (int): a row whose gradient stays zero; negative for none (default -1).
        scale_grad_by_freq (bool): divide each row's gradient by how often it occurs in `indices` (default False).
        sparse (bool): accepted for compatibility; the gradient is dense (default False).

    Returns:
        Tensor: (*, D), `weight`'s dtype.

    Examples:
        >>> table = retrograd.arange(6.0).reshape(3, 2)
        >>> retrograd.embedding(table, retrograd.tensor([[2, 0], [1, 1]]))
        tensor([[[4., 5.],
                 [0., 1.]],
        <BLANKLINE>
                [[2., 3.],
                 [2., 3.]]])
    """
    return F.embedding(
        indices, weight, padding_idx if padding_idx >= 0 else None, None, 2.0, scale_grad_by_freq, sparse
    )


def embedding_bag(
    weight: Tensor,
    indices: Tensor,
    offsets: Tensor,
    scale_grad_by_freq: bool = False,
    mode: int = 0,
    sparse: bool = False,
    per_sample_weights: Tensor | None = None,
    include_last_offset: bool = False,
    padding_idx: int | None = None,
) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    """Sum, mean or maximum of bags of rows of `weight` (V, D), with the integer results ATen's backward reads.

    ATen's order and conventions: the table first, `mode` as a number, the bags only as 1-D
    `indices` split at `offsets`, and a negative `padding_idx` counting from the end
    (`F.embedding_bag(input, weight, offsets, ...)` is the usual spelling and returns the bags only).

    Args:
        weight (Tensor): the table, (V, D), floating point.
        indices (Tensor): 1-D int64 or int32 row numbers in [0, V), (P,).
        offsets (Tensor): 1-D, where each bag starts in `indices`; the first is 0.
        scale_grad_by_freq (bool): divide each row's gradient by how often it occurs (default False).
        mode (int): 0 sum (default), 1 mean, 2 max.
        sparse (bool): give the weight a sparse COO gradient (default False).
        per_sample_weights (Tensor, optional): (P,) a weight per index, mode 0 only.
        include_last_offset (bool): `offsets` ends with the end of the last bag (default False).
        padding_idx (int, optional): a row that counts in no bag.

    Returns:
        tuple: `(output, offset2bag, bag_size, max_indices)`: the bags (B, D); each position's bag
        (P,), empty for mode 0 on float32/float16/bfloat16 rows without padding; each bag's size
        without padding (B,), zeros for mode 0; for mode 2 the row of each maximum (B, D), else
        `bag_size` again.

    Examples:
        >>> table = retrograd.arange(12.0).reshape(4, 3)
        >>> out, offset2bag, bag_size, max_indices = retrograd.embedding_bag(
        ...     table, retrograd.tensor([0, 1, 3]), retrograd.tensor([0, 1]), mode=2)
        >>> out
        tensor([[ 0.,  1.,  2.],
                [ 9., 10., 11.]])
        >>> offset2bag, bag_size
        (tensor([0, 1, 1]), tensor([1, 2]))
        >>> max_indices
        tensor([[0, 0, 0],
                [3, 3, 3]])
    """
    return _bags.embedding_bag_results(
        weight, indices, offsets, scale_grad_by_freq, mode, sparse, per_sample_weights, include_last_offset,
        padding_idx,
    )  # fmt: skip


def max_pool1d(
    input: Tensor, kernel_size: Any, stride: Any = (), padding: Any = 0, dilation: Any = 1, ceil_mode: bool = False
) -> Tensor:
    """Max pooling over the last dim: the maximum of each window of `kernel_size` elements.

    Args:
        input (Tensor): (N, C, L) or (C, L).
        kernel_size (int or tuple of int): the window size.
        stride (int or tuple of int): the step between windows; empty `()` (the default) means `kernel_size`.
        padding (int or tuple of int): implicit -inf padding on both sides (default 0).
        dilation (int or tuple of int): the spacing between a window's elements (default 1).
        ceil_mode (bool): round the output length up rather than down, so a partial window at the end counts.

    Returns:
        Tensor: (N, C, L_out) or (C, L_out), `input`'s dtype.

    Examples:
        >>> x = retrograd.tensor([[[1.0, 3.0, 2.0, 5.0, 4.0]]])
        >>> retrograd.max_pool1d(x, 2)
        tensor([[[3., 5.]]])
        >>> retrograd.max_pool1d(x, 3, 1, 1)
        tensor([[[3., 3., 5., 5., 5.]]])
    """
    return F.max_pool1d(input, kernel_size, stride or None, padding, dilation, ceil_mode)


def max_pool1d_with_indices(
    input: Tensor, kernel_size: Any, stride: Any = (), padding: Any = 0, dilation: Any = 1, ceil_mode: bool = False
) -> tuple[Tensor, Tensor]:
    """`retrograd.max_pool1d` and, for each maximum, its position along the pooled dim.

    Args:
        input (Tensor): (N, C, L) or (C, L).
        kernel_size (int or tuple of int): the window length.
        stride (int or tuple of int): the step between windows; `()` (the default) means `kernel_size`.
        padding (int or tuple of int): implicit -inf padding at both ends (default 0).
        dilation (int or tuple of int): the gap between a window's elements (default 1).
        ceil_mode (bool): round the output length up, keeping a partial last window (default False).

    Returns:
        tuple[Tensor, Tensor]: the maxima (N, C, L_out) and their int64 indices into L, the same shape.

    Examples:
        >>> x = retrograd.tensor([[[1.0, 3.0, 2.0, 5.0, 4.0]]])
        >>> retrograd.max_pool1d_with_indices(x, 2)
        (tensor([[[3., 5.]]]), tensor([[[1, 3]]]))
    """
    return F.max_pool1d(input, kernel_size, stride or None, padding, dilation, ceil_mode, return_indices=True)


def max_pool2d(
    input: Tensor, kernel_size: Any, stride: Any = (), padding: Any = 0, dilation: Any = 1, ceil_mode: bool = False
) -> Tensor:
    """2-D max pooling: the maximum of each `kernel_size` window over the last two dims.

    Args:
        input (Tensor): (N, C, H, W) or (C, H, W).
        kernel_size (int or tuple of int): the window's (height, width), or one int for both.
        stride (int or tuple of int): the step between windows; `()` (the default) means `kernel_size`.
        padding (int or tuple of int): implicit -inf padding on each side of H and W (default 0).
        dilation (int or tuple of int): the spacing between a window's elements (default 1).
        ceil_mode (bool): round each output size up, so partial windows at the end count (default False).

    Returns:
        Tensor: (N, C, H_out, W_out) or (C, H_out, W_out), `input`'s dtype.

    Examples:
        >>> x = retrograd.arange(16.0).reshape(1, 4, 4)
        >>> retrograd.max_pool2d(x, 2)
        tensor([[[ 5.,  7.],
                 [13., 15.]]])
        >>> retrograd.max_pool2d(x, 3, stride=1)
        tensor([[[10., 11.],
                 [14., 15.]]])
    """
    return F.max_pool2d(input, kernel_size, stride or None, padding, dilation, ceil_mode)


def max_pool3d(
    input: Tensor, kernel_size: Any, stride: Any = (), padding: Any = 0, dilation: Any = 1, ceil_mode: bool = False
) -> Tensor:
    """3-D max pooling: the maximum of each `kernel_size` window over the last three dims.

    Args:
        input (Tensor): (N, C, D, H, W) or (C, D, H, W).
        kernel_size (int or tuple of int): the window's (depth, height, width), or one int for all three.
        stride (int or tuple of int): the step between windows; `()` (the default) means `kernel_size`.
        padding (int or tuple of int): implicit -inf padding on each side of D, H and W (default 0).
        dilation (int or tuple of int): the spacing between a window's elements (default 1).
        ceil_mode (bool): round each output size up, keeping partial windows at the end (default False).

    Returns:
        Tensor: (N, C, D_out, H_out, W_out) or (C, D_out, H_out, W_out), `input`'s dtype.

    Examples:
        >>> x = retrograd.arange(16.0).reshape(1, 1, 2, 2, 4)
        >>> retrograd.max_pool3d(x, (1, 2, 2))
        tensor([[[[[ 5.,  7.]],
        <BLANKLINE>
                  [[13., 15.]]]]])
        >>> retrograd.max_pool3d(x, 2).flatten()
        tensor([13., 15.])
    """
    return F.max_pool3d(input, kernel_size, stride or None, padding, dilation, ceil_mode)


def adaptive_max_pool1d(input: Tensor, output_size: Any) -> tuple[Tensor, Tensor]:
    """Adaptive max pooling over the last dim to `output_size` windows, with the maxima's positions.

    The windows are chosen so that `output_size` of them cover the input; unlike
    `F.adaptive_max_pool1d`, the top-level op always returns the indices too.

    Args:
        input (Tensor): (N, C, L) or (C, L).
        output_size (int or tuple of one int): L_out, the number of windows.

    Returns:
        tuple[Tensor, Tensor]: the maxima (N, C, L_out) and their int64 positions along L.

    Examples:
        >>> x = retrograd.tensor([[[1.0, 3.0, 2.0, 5.0, 4.0]]])
        >>> retrograd.adaptive_max_pool1d(x, 2)
        (tensor([[[3., 5.]]]), tensor([[[1, 3]]]))
    """
    return F.adaptive_max_pool1d(input, output_size, return_indices=True)


# --- losses: reduction is ATen's number ------------------------------------------------------------


def binary_cross_entropy_with_logits(
    input: Tensor, target: Tensor, weight: Tensor | None = None, pos_weight: Tensor | None = None, reduction: int = 0
) -> Tensor:
    """Binary cross entropy of `sigmoid(input)` against `target`, computed stably from the logits.

    Per element: `-w * (pos_weight * target * log(sigmoid(input)) + (1 - target) * log(1 - sigmoid(input)))`.

    Args:
        input (Tensor): logits, any shape, floating point.
        target (Tensor): probabilities in [0, 1], `input`'s shape.
        weight (Tensor, optional): a per-element rescaling that broadcasts to `input` (default: none).
        pos_weight (Tensor, optional): the weight of the positive term, broadcasting along the last dim (default: none).
        reduction (int): ATen's code: 0 none (the default), 1 mean, 2 sum.

    Returns:
        Tensor: `input`'s shape for reduction 0, else a scalar.

    Examples:
        >>> logits, target = retrograd.tensor([0.0, 2.0, -1.0]), retrograd.tensor([1.0, 1.0, 0.0])
        >>> retrograd.binary_cross_entropy_with_logits(logits, target)
        tensor([0.6931, 0.1269, 0.3133])
        >>> retrograd.binary_cross_entropy_with_logits(logits, target, reduction=1)
        tensor(0.3778)
    """
    return F.binary_cross_entropy_with_logits(
        input, target, weight, reduction=_reduction(reduction), pos_weight=pos_weight
    )


def cosine_embedding_loss(
    input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0, reduction: int = 0
) -> Tensor:
    """Cosine embedding loss: pull pairs labelled 1 together, push pairs labelled -1 below `margin`.

    Per row: `1 - cos(x1, x2)` where `target` is 1, `max(0, cos(x1, x2) - margin)` where it is -1.

    Args:
        input1 (Tensor): (N, D) or (D,).
        input2 (Tensor): the same shape as `input1`.
        target (Tensor): (N,) or (), of 1 and -1.
        margin (float): the similarity below which dissimilar pairs cost nothing, in [-1, 1] (default 0).
        reduction (int): ATen's code: 0 none (the default), 1 mean, 2 sum.

    Returns:
        Tensor: (N,) for reduction 0, else a scalar.

    Examples:
        >>> a = retrograd.tensor([[1.0, 0.0], [0.0, 1.0]])
        >>> b = retrograd.tensor([[1.0, 1.0], [1.0, 0.0]])
        >>> retrograd.cosine_embedding_loss(a, b, retrograd.tensor([1, -1]))
        tensor([0.2929, 0.0000])
        >>> retrograd.cosine_embedding_loss(a, b, retrograd.tensor([1, -1]), -0.5, 1)
        tensor(0.3964)
    """
    return F.cosine_embedding_loss(input1, input2, target, margin, reduction=_reduction(reduction))


def ctc_loss(
    log_probs: Tensor,
    targets: Tensor,
    input_lengths: Any,
    target_lengths: Any,
    blank: int = 0,
    reduction: int = 0,
    zero_infinity: bool = False,
) -> Tensor:
    """The CTC loss with ATen's reduction number; `F.ctc_loss` is this op with the reduction's word.

    Each sample's `-log p(target | log_probs)`, summed over its alignments; 'mean' divides each
    loss by its target length (at least 1) before averaging over the batch.

    Args:
        log_probs (Tensor): (T, N, C) or (T, C), log_softmax over the C classes (float32 or float64).
        targets (Tensor): (N, S) padded, or all targets concatenated (Σ target_lengths,).
        input_lengths (Tensor or tuple of ints): (N,), each input's length <= T.
        target_lengths (Tensor or tuple of ints): (N,), each target's length; both lengths of one kind.
        blank (int): the blank label (default 0).
        reduction (int): ATen's code: 0 none (the default, as PyTorch's binding reads its signature), 1 mean, 2 sum.
        zero_infinity (bool): replace infinite losses and their gradients by 0 (default False).

    Returns:
        Tensor: (N,) for reduction 0 ((), unbatched), else a scalar.

    Examples:
        >>> log_probs = retrograd.full((3, 1, 2), 0.5).log()
        >>> retrograd.ctc_loss(log_probs, retrograd.tensor([[1]]), [3], [1])
        tensor([0.2877])
        >>> retrograd.ctc_loss(log_probs, retrograd.tensor([[1, 1]]), [3], [2], reduction=1)
        tensor(1.0397)
    """
    arguments = (log_probs, targets, input_lengths, target_lengths, blank, reduction, zero_infinity)
    given = max(i for i, (value, default) in enumerate(zip(arguments, _CTC_DEFAULTS)) if value is not default)
    _ctc._check_overload(arguments[: given + 1])  # PyTorch's TypeError names what was passed
    return _ctc.checked_ctc_loss(
        log_probs, targets, input_lengths, target_lengths, int(blank), _reduction(reduction), zero_infinity
    )


_CTC_DEFAULTS = (None, None, None, None, 0, 0, False)


def hinge_embedding_loss(input: Tensor, target: Tensor, margin: float = 1.0, reduction: int = 0) -> Tensor:
    """Hinge embedding loss: `input` itself where `target` is 1, `max(0, margin - input)` where it is -1.

    Args:
        input (Tensor): distances (or other non-negative scores), any shape.
        target (Tensor): 1 or -1 for each element, `input`'s shape.
        margin (float): the distance dissimilar pairs should exceed (default 1).
        reduction (int): ATen's code: 0 none (the default), 1 mean, 2 sum.

    Returns:
        Tensor: `input`'s shape for reduction 0, else a scalar.

    Examples:
        >>> d = retrograd.tensor([0.3, 2.0, 0.5])
        >>> retrograd.hinge_embedding_loss(d, retrograd.tensor([1, -1, -1]))
        tensor([0.3000, 0.0000, 0.5000])
        >>> retrograd.hinge_embedding_loss(d, retrograd.tensor([1, -1, -1]), 1.0, 2)
        tensor(0.8000)
    """
    return F.hinge_embedding_loss(input, target, margin, reduction=_reduction(reduction))


def kl_div(input: Tensor, target: Tensor, reduction: int = 0, *, log_target: bool = False) -> Tensor:
    """Pointwise Kullback-Leibler divergence `target * (log(target) - input)`, `input` being log-probabilities.

    With ATen's reduction codes, 1 averages over all elements (`F.kl_div`'s "mean", not its
    "batchmean"), without `F.kl_div`'s warning about it.

    Args:
        input (Tensor): log-probabilities, any shape.
        target (Tensor): probabilities (log-probabilities if `log_target`), `input`'s shape.
        reduction (int): 0 none (the default), 1 mean over all elements, 2 sum.
        log_target (bool): `target` is given as log-probabilities, keyword only (default False).

    Returns:
        Tensor: `input`'s shape for reduction 0, else a scalar.

    Examples:
        >>> p, q = retrograd.tensor([0.25, 0.75]), retrograd.tensor([0.5, 0.5])
        >>> retrograd.kl_div(p.log(), q)
        tensor([ 0.3466, -0.2027])
        >>> retrograd.kl_div(p.log(), q, 2)
        tensor(0.1438)
        >>> retrograd.kl_div(p.log(), q.log(), 1, log_target=True)
        tensor(0.0719)
    """
    loss = F.kl_div(input, target, reduction="none", log_target=log_target)
    word = _reduction(reduction)
    return loss.mean() if word == "mean" else loss.sum() if word == "sum" else loss


def margin_ranking_loss(
    input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0, reduction: int = 0
) -> Tensor:
    """Margin ranking loss `max(0, -target * (input1 - input2) + margin)`: is the right one ranked higher?

    Args:
        input1 (Tensor): scores, any shape.
        input2 (Tensor): scores that broadcast with `input1`.
        target (Tensor): 1 where `input1` should rank higher, -1 where `input2` should.
        margin (float): by how much the right score should lead (default 0).
        reduction (int): ATen's code: 0 none (the default), 1 mean, 2 sum.

    Returns:
        Tensor: the broadcast shape for reduction 0, else a scalar.

    Examples:
        >>> x1, x2 = retrograd.tensor([1.0, 2.0, 3.0]), retrograd.tensor([2.0, 2.0, 1.0])
        >>> retrograd.margin_ranking_loss(x1, x2, retrograd.tensor([1.0, -1.0, 1.0]))
        tensor([1., 0., 0.])
        >>> retrograd.margin_ranking_loss(x1, x2, retrograd.tensor([1.0, -1.0, 1.0]), 0.5, 1)
        tensor(0.6667)
    """
    return F.margin_ranking_loss(input1, input2, target, margin, reduction=_reduction(reduction))


def poisson_nll_loss(input: Tensor, target: Tensor, log_input: bool, full: bool, eps: float, reduction: int) -> Tensor:
    """Negative log likelihood of `target` counts under a Poisson distribution of rate `input`.

    `exp(input) - target * input` when `log_input`, else `input - target * log(input + eps)`;
    `full` adds Stirling's approximation of `log(target!)` where `target > 1`. All arguments are
    required, in ATen's order.

    Args:
        input (Tensor): the rate (or its log, if `log_input`), any shape.
        target (Tensor): the observed counts, `input`'s shape.
        log_input (bool): `input` is the log of the rate.
        full (bool): include the Stirling term, making the loss a true negative log likelihood.
        eps (float): keeps `log(input + eps)` finite when `log_input` is False.
        reduction (int): ATen's code: 0 none, 1 mean, 2 sum.

    Returns:
        Tensor: `input`'s shape for reduction 0, else a scalar.

    Examples:
        >>> log_rate, counts = retrograd.tensor([0.0, 1.0]), retrograd.tensor([1.0, 3.0])
        >>> retrograd.poisson_nll_loss(log_rate, counts, True, False, 1e-8, 0)
        tensor([ 1.0000, -0.2817])
        >>> retrograd.poisson_nll_loss(log_rate, counts, True, True, 1e-8, 0)
        tensor([1.0000, 1.4824])
        >>> retrograd.poisson_nll_loss(retrograd.tensor([1.0, 2.0]), counts, False, False, 1e-8, 1)
        tensor(0.4603)
    """
    return F.poisson_nll_loss(input, target, log_input, full, eps=eps, reduction=_reduction(reduction))


def triplet_margin_loss(
    anchor: Tensor,
    positive: Tensor,
    negative: Tensor,
    margin: float = 1.0,
    p: float = 2.0,
    eps: float = 1e-06,
    swap: bool = False,
    reduction: int = 0,
) -> Tensor:
    """Triplet margin loss `max(0, d(anchor, positive) - d(anchor, negative) + margin)` with the p-norm distance.

    Args:
        anchor (Tensor): (N, D) or (D,).
        positive (Tensor): `anchor`'s shape, examples that should lie close to it.
        negative (Tensor): `anchor`'s shape, examples that should lie at least `margin` further away.
        margin (float): the gap wanted between the two distances (default 1).
        p (float): the norm of the distance (default 2).
        eps (float): added to the differences before the norm, for stability (default 1e-6).
        swap (bool): use the smaller of d(anchor, negative) and d(positive, negative) (default False).
        reduction (int): ATen's code: 0 none (the default), 1 mean, 2 sum.

    Returns:
        Tensor: (N,) for reduction 0, else a scalar.

    Examples:
        >>> anchor = retrograd.tensor([[0.0, 0.0], [1.0, 1.0]])
        >>> positive = retrograd.tensor([[0.0, 1.0], [1.0, 1.0]])
        >>> negative = retrograd.tensor([[3.0, 4.0], [1.0, 1.5]])
        >>> retrograd.triplet_margin_loss(anchor, positive, negative)
        tensor([0.0000, 0.5000])
        >>> retrograd.triplet_margin_loss(anchor, positive, negative, 1.0, 1.0, 1e-6, False, 1)
        tensor(0.2500)
    """
    return F.triplet_margin_loss(anchor, positive, negative, margin, p, eps, swap, reduction=_reduction(reduction))
