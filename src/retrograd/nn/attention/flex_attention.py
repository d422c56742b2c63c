"""`torch.nn.attention.flex_attention`: the names libraries import; flex attention itself is not in retrograd yet.

Hugging Face transformers imports `BlockMask`, `create_block_mask` and `flex_attention` when it
loads and uses them only for models configured with `attn_implementation="flex_attention"`;
`scaled_dot_product_attention` ("sdpa") and the eager path are the ones retrograd runs.
"""

from __future__ import annotations

from typing import Any, NamedTuple, NoReturn

__all__ = ["AuxRequest", "BlockMask", "create_block_mask", "flex_attention"]

_DEFAULT_SPARSE_BLOCK_SIZE = 128
_NO_FLEX = "retrograd has no flex_attention yet: use scaled_dot_product_attention with a boolean attn_mask"


def _unsupported(what: str) -> NoReturn:
    raise NotImplementedError(f"{what}: {_NO_FLEX}")


class AuxRequest(NamedTuple):
    """Which extra outputs `flex_attention` should return: the log-sum-exp, the row maxima."""

    lse: bool = False
    max_scores: bool = False


class BlockMask:
    """A block-sparse attention mask made by `create_block_mask`; constructing one raises."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        _unsupported("BlockMask")


def create_block_mask(mask_mod: Any, B: int | None, H: int | None, Q_LEN: int, KV_LEN: int, **kwargs: Any) -> NoReturn:  # noqa: N803
    """Not in retrograd yet: raises NotImplementedError."""
    _unsupported("create_block_mask")


def flex_attention(
    query: Any, key: Any, value: Any, score_mod: Any = None, block_mask: Any = None, **kwargs: Any
) -> NoReturn:
    """Not in retrograd yet: raises NotImplementedError."""
    _unsupported("flex_attention")
