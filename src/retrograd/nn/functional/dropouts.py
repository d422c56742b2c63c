"""torch.nn.functional's dropouts: dropout, dropout1d/2d/3d, alpha_dropout, feature_alpha_dropout.

Dropout draws its mask from retrograd's generator (seeded by
`retrograd.manual_seed`) and scales kept values by 1/(1-p).
"""

from __future__ import annotations

import math
import warnings

from ... import ops as _ops
from ... import random as _random
from ..._user_frames import frames_up
from ...engine import inplace as _inplace
from ...engine.vmap_hook import hook as _vmap
from ...engine.vmap_hook import random_draw
from ...ops.kernels.arg_types import tensor_arg
from ...tensor import Tensor

__all__ = [
    "dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "feature_alpha_dropout",
]


# --- dropout ---------------------------------------------------------------------------------


def _check_p(p: float) -> None:
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _keep_draws(input: Tensor, shape: tuple, p: float) -> Tensor:
    """0/1 Bernoulli(1 - p) draws of `shape` in input's dtype, from the default generator
    (PyTorch's `bernoulli_(1 - p)` on a new tensor: one 64-bit uniform per element)."""
    if _vmap.active:
        return random_draw(lambda s: _ops.empty(s, dtype=input.dtype, device=input.device).bernoulli_(1.0 - p), shape)
    if tuple(shape) == tuple(input.shape):  # as PyTorch: laid out as the input
        template = _ops.empty_like(input)
    else:  # feature dropout's (N, C, 1, ...) mask
        template = _ops.empty(shape, dtype=input.dtype, device=input.device)
    if input.is_cpu and not input.is_sparse:  # (a new tensor, which retrograd.compile records as a draw)
        return _random.filled_like(template, "bernoulli", 1.0 - p)
    return template.bernoulli_(1.0 - p)


def _keep_mask(input: Tensor, shape: tuple, p: float) -> Tensor:
    """Bernoulli(1 - p) samples of `shape`, scaled by 1/(1 - p) (all zeros when p = 1)."""
    if p == 1.0:  # PyTorch draws nothing here (no random op, even inside vmap)
        return _ops.zeros(shape, dtype=input.dtype, device=input.device)
    mask = _keep_draws(input, shape, p)
    if p < 1.0:
        mask.div_(1.0 - p)  # PyTorch divides by 1 - p in the input's dtype
    return mask


def _apply_mask(input: Tensor, mask: Tensor, inplace: bool) -> Tensor:
    if inplace:
        return _inplace.apply(input, lambda t: t * mask)
    return input * mask


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero each element with probability `p` and scale the rest by 1/(1-p); identity when not training.

    Args:
        input (Tensor): any shape.
        p (float): the probability of dropping each element (default 0.5).
        training (bool): apply the dropout; if False the input passes unchanged (default True).
        inplace (bool): overwrite `input` and return it (default False).

    Returns:
        Tensor: `input`'s shape; in training the kept values are rescaled so the expectation is unchanged.

    Examples:
        >>> _ = retrograd.manual_seed(0)
        >>> x = retrograd.ones(8)
        >>> F.dropout(x, 0.5)
        tensor([0., 0., 2., 0., 0., 0., 2., 2.])
        >>> F.dropout(x, 0.5, training=False)
        tensor([1., 1., 1., 1., 1., 1., 1., 1.])
    """
    _check_p(p)
    tensor_arg("dropout", "input", 1, input)  # even when not training: PyTorch's kernel is called
    if p == 0 or not training or input.numel() == 0:
        return input
    return _apply_mask(input, _keep_mask(input, input.shape, p), inplace)


def _feature_dropout(input: Tensor, p: float, training: bool, inplace: bool) -> Tensor:
    """One draw per (sample, channel) of an (N, C, *) input, broadcast over the rest."""
    if input.dim() < 2:
        raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
    if p == 0 or not training or input.numel() == 0:
        return input
    shape = input.shape[:2] + (1,) * (input.dim() - 2)
    return _apply_mask(input, _keep_mask(input, shape, p), inplace)


def _unbatched(input: Tensor, batched: bool, p: float, training: bool, inplace: bool) -> Tensor:
    if batched:
        return _feature_dropout(input, p, training, inplace)
    if inplace:
        # the mask is drawn for the (1, C, ...) view and applied to input in place
        mask_shape = (1,) + input.shape[:1] + (1,) * (input.dim() - 1)
        if p == 0 or not training or input.numel() == 0:
            return input
        return _apply_mask(input, _keep_mask(input, mask_shape, p).squeeze(0), True)
    return _feature_dropout(input.unsqueeze(0), p, training, False).squeeze(0)


def dropout1d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole channels of (N, C, L) or (C, L) inputs with probability `p`.

    Args:
        input (Tensor): (N, C, L) or (C, L).
        p (float): the probability of dropping whole channels (default 0.5).
        training (bool): apply the dropout; if False the input passes unchanged (default True).
        inplace (bool): overwrite `input` and return it (default False).

    Returns:
        Tensor: `input`'s shape; in training the kept values are rescaled so the expectation is unchanged.

    Examples:
        >>> _ = retrograd.manual_seed(0)
        >>> F.dropout1d(retrograd.ones(1, 4, 3), 0.5)
        tensor([[[0., 0., 0.],
                 [0., 0., 0.],
                 [2., 2., 2.],
                 [0., 0., 0.]]])
    """
    _check_p(p)
    nd = input.dim()
    if nd not in (2, 3):
        raise RuntimeError(
            f"dropout1d: Expected 2D or 3D input, but received a {nd}D input. Note that dropout1d exists to "
            "provide channel-wise dropout on inputs with 1 spatial dimension, a channel dimension, and an "
            "optional batch dimension (i.e. 2D or 3D inputs)."
        )
    return _unbatched(input, nd == 3, p, training, inplace)


def _feature_warning(name: str, nd: int, spatial: int) -> None:
    lo, hi = spatial + 1, spatial + 2
    warnings.warn(
        f"{name}: Received a {nd}-D input to {name}, which is deprecated and will result in an error in a "
        f"future release. To retain the behavior and silence this warning, please use dropout instead. Note "
        f"that {name} exists to provide channel-wise dropout on inputs with {spatial} spatial dimensions, a "
        f"channel dimension, and an optional batch dimension (i.e. {lo}D or {hi}D inputs).",
        UserWarning,
        stacklevel=frames_up(3),
    )


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole channels of (N, C, H, W) inputs (a 3-D input is treated as (N, C, L), with a warning).

    Args:
        input (Tensor): (N, C, H, W) or (C, H, W).
        p (float): the probability of dropping whole channels (default 0.5).
        training (bool): apply the dropout; if False the input passes unchanged (default True).
        inplace (bool): overwrite `input` and return it (default False).

    Returns:
        Tensor: `input`'s shape; in training the kept values are rescaled so the expectation is unchanged.

    Examples:
        >>> _ = retrograd.manual_seed(0)
        >>> F.dropout2d(retrograd.ones(1, 4, 1, 2), 0.5)
        tensor([[[[0., 0.]],
        <BLANKLINE>
                 [[0., 0.]],
        <BLANKLINE>
                 [[2., 2.]],
        <BLANKLINE>
                 [[0., 0.]]]])
    """
    _check_p(p)
    nd = input.dim()
    if nd not in (3, 4):
        _feature_warning("dropout2d", nd, 2)
    if nd == 3:
        warnings.warn(
            "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout behavior is "
            "desired - input is interpreted as shape (N, C, L), where C is the channel dim. This behavior will "
            "change in a future release to interpret the input as one without a batch dimension, i.e. shape "
            "(C, H, W). To maintain the 1D channel-wise dropout behavior, please switch to using dropout1d "
            "instead.",
            UserWarning,
            stacklevel=frames_up(2),
        )
    return _feature_dropout(input, p, training, inplace)


def dropout3d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole channels of (N, C, D, H, W) or (C, D, H, W) inputs.

    Args:
        input (Tensor): (N, C, D, H, W) or (C, D, H, W).
        p (float): the probability of dropping whole channels (default 0.5).
        training (bool): apply the dropout; if False the input passes unchanged (default True).
        inplace (bool): overwrite `input` and return it (default False).

    Returns:
        Tensor: `input`'s shape; in training the kept values are rescaled so the expectation is unchanged.

    Examples:
        >>> _ = retrograd.manual_seed(0)
        >>> F.dropout3d(retrograd.ones(1, 3, 1, 1, 2), 0.5)
        tensor([[[[[0., 0.]]],
        <BLANKLINE>
        <BLANKLINE>
                 [[[0., 0.]]],
        <BLANKLINE>
        <BLANKLINE>
                 [[[2., 2.]]]]])
    """
    _check_p(p)
    nd = input.dim()
    if nd not in (4, 5):
        _feature_warning("dropout3d", nd, 3)
    return _unbatched(input, nd == 5, p, training, inplace)


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _alpha(input: Tensor, shape: tuple, p: float, training: bool, inplace: bool) -> Tensor:
    """Alpha dropout: dropped values become SELU's saturation, then an affine fix keeps mean and variance."""
    if p == 0 or not training or input.numel() == 0:
        return input
    if p == 1:
        return input.mul_(0) if inplace else input * 0
    alpha = _SELU_ALPHA * _SELU_SCALE
    a = 1.0 / math.sqrt((alpha * alpha * p + 1) * (1 - p))
    keep = _keep_draws(input, shape, p)
    b = (keep - 1) * (alpha * a) + alpha * a * p  # dropped values land on -alpha·a·(1 - p)
    keep = keep * a
    if inplace:
        return _inplace.apply(input, lambda t: t * keep + b)
    return input * keep + b


def alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False, inplace: bool = False) -> Tensor:
    """Dropout for SELU networks: keeps zero mean and unit variance.

    Args:
        input (Tensor): any shape.
        p (float): the probability of dropping each element (to SELU's negative saturation, then an affine fix)
            (default 0.5).
        training (bool): apply the dropout; if False the input passes unchanged (default False).
        inplace (bool): overwrite `input` and return it (default False).

    Returns:
        Tensor: `input`'s shape; in training the kept values are rescaled so the expectation is unchanged.

    Examples:
        >>> _ = retrograd.manual_seed(0)
        >>> F.alpha_dropout(retrograd.zeros(6), 0.5, training=True)
        tensor([-0.7792, -0.7792,  0.7792, -0.7792, -0.7792, -0.7792])
        >>> F.alpha_dropout(retrograd.zeros(2), 0.5)
        tensor([0., 0.])
    """
    _check_p(p)
    return _alpha(input, input.shape, p, training, inplace)


def feature_alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False, inplace: bool = False) -> Tensor:
    """Alpha dropout of whole channels of an (N, C, *) input.

    Args:
        input (Tensor): (N, C, *).
        p (float): the probability of dropping whole channels (to SELU's negative saturation, then an affine fix)
            (default 0.5).
        training (bool): apply the dropout; if False the input passes unchanged (default False).
        inplace (bool): overwrite `input` and return it (default False).

    Returns:
        Tensor: `input`'s shape; in training the kept values are rescaled so the expectation is unchanged.

    Examples:
        >>> _ = retrograd.manual_seed(0)
        >>> F.feature_alpha_dropout(retrograd.zeros(1, 4, 2), 0.5, training=True)
        tensor([[[-0.7792, -0.7792],
                 [-0.7792, -0.7792],
                 [ 0.7792,  0.7792],
                 [-0.7792, -0.7792]]])
    """
    _check_p(p)
    if input.dim() < 2:
        raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
    shape = input.shape[:2] + (1,) * (input.dim() - 2)
    return _alpha(input, shape, p, training, inplace)
