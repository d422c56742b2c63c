"""parameters_to_vector and vector_to_parameters, as torch.nn.utils.convert_parameters."""

from __future__ import annotations

from collections.abc import Iterable

from ...ops.queries import typename
from ...tensor import Tensor

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def parameters_to_vector(parameters: Iterable[Tensor]) -> Tensor:
    """All parameters flattened and concatenated into one 1-D tensor.

    Args:
        parameters (iterable of Tensor): the parameters, e.g. `model.parameters()`.

    Returns:
        Tensor: 1-D, their elements in order.

    Examples:
        >>> layer = nn.Linear(2, 1)
        >>> _ = layer.weight.data.fill_(1.0), layer.bias.data.fill_(2.0)
        >>> nn.utils.parameters_to_vector(layer.parameters())
        tensor([1., 1., 2.], grad_fn=<CatBackward0>)
    """
    from ...ops.shape import cat

    return cat([p.reshape(-1) for p in parameters])


def vector_to_parameters(vec: Tensor, parameters: Iterable[Tensor]) -> None:
    """Make each parameter's data a view of the next slice of `vec` (shared memory, no copy).

    Args:
        vec (Tensor): 1-D, as many elements as the parameters hold together.
        parameters (iterable of Tensor): the parameters to overwrite, in order.

    Returns:
        None: each parameter's `.data` becomes a view of `vec`, so it takes vec's dtype.

    Examples:
        >>> layer = nn.Linear(2, 1)
        >>> nn.utils.vector_to_parameters(retrograd.tensor([1.0, 2.0, 3.0]), layer.parameters())
        >>> layer.weight.data, layer.bias.data
        (tensor([[1., 2.]]), tensor([3.]))
    """
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {typename(vec)}")  # "numpy.ndarray", as PyTorch
    offset = 0
    for p in parameters:
        n = p.numel()
        # PyTorch rebinds each parameter's data to a view of vec (no copy): the parameters then
        # share vec's memory and take its dtype, and later writes into vec move them.
        p.data = vec[offset : offset + n].view_as(p).data
        offset += n
