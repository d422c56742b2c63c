"""TransformerDecoderLayer, TransformerDecoder and Transformer (encoder-decoder), with PyTorch's parameters.

The encoder side is `transformer.py`'s; the decoder layer adds attention over the
encoder's output ("memory") between its self-attention and feed-forward blocks.
`Transformer` builds both stacks (each closed by a LayerNorm) and re-initialises
every matrix with xavier_uniform_, in PyTorch's order, so a seeded model starts
from the same weights.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from ...tensor import Tensor
from .. import functional as F
from .. import init
from .container import ModuleList
from .dropout import Dropout
from .linear import Linear
from .module import Module
from .normalization import LayerNorm
from .transformer import (
    MultiheadAttention,
    TransformerEncoder,
    TransformerEncoderLayer,
    _detect_is_causal_mask,
    _generate_square_subsequent_mask,
    _get_activation_fn,
)

__all__ = ["TransformerDecoderLayer", "TransformerDecoder", "Transformer"]


class TransformerDecoderLayer(Module):
    """Self-attention, attention over `memory`, then a feed-forward block; each with dropout, residual, LayerNorm.

    Post-norm (default): x = norm1(x + sa(x)); x = norm2(x + mha(x, memory)); x = norm3(x + ff(x)).
    With norm_first each block reads the normalised x and is added to x. tgt (T, N, E), memory (S, N, E)
    ((N, ·, E) with batch_first).

    Args:
        d_model (int): the embedding size E.
        nhead (int): the number of attention heads; E must divide by it.
        dim_feedforward (int): the hidden size of the feed-forward block (default 2048).
        dropout (float): the dropout rate everywhere in the layer (default 0.1).
        activation (str or callable): the feed-forward activation, `'relu'` (default), `'gelu'` or a callable.
        layer_norm_eps (float): the LayerNorms' eps (default 1e-5).
        batch_first (bool): inputs and outputs are (N, L, E) instead of (L, N, E) (default False).
        norm_first (bool): apply LayerNorm before each block (pre-norm) instead of after the residual (default False).
        bias (bool): learn biases in the Linear and LayerNorm layers (default True).
        device (str or device, optional): where the parameters live.
        dtype (dtype, optional): the parameters' dtype (default float32).

    Returns:
        (TransformerDecoderLayer): a module; `layer(tgt, memory, tgt_mask=None, memory_mask=None,
            tgt_key_padding_mask=None, memory_key_padding_mask=None, tgt_is_causal=False, memory_is_causal=False)`
            maps tgt (T, N, E) to the same shape.

    Examples:
        >>> layer = nn.TransformerDecoderLayer(d_model=8, nhead=2, dim_feedforward=16, batch_first=True)
        >>> tgt, memory = retrograd.randn(3, 4, 8), retrograd.randn(3, 6, 8)
        >>> layer(tgt, memory).shape
        retrograd.Size([3, 4, 8])
    """

    def __init__(self, d_model: int, nhead: int, dim_feedforward: int = 2048, dropout: float = 0.1,
                 activation: str | Callable[[Tensor], Tensor] = F.relu, layer_norm_eps: float = 1e-5,
                 batch_first: bool = False, norm_first: bool = False, bias: bool = True, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__()
        kw = {"device": device, "dtype": dtype}
        self.self_attn = MultiheadAttention(d_model, nhead, dropout=dropout, batch_first=batch_first, bias=bias, **kw)
        self.multihead_attn = MultiheadAttention(
            d_model, nhead, dropout=dropout, batch_first=batch_first, bias=bias, **kw
        )
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, **kw)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, **kw)
        self.norm_first = norm_first
        self.norm1 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw)
        self.norm2 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw)
        self.norm3 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw)
        self.dropout1 = Dropout(dropout)
        self.dropout2 = Dropout(dropout)
        self.dropout3 = Dropout(dropout)
        self.activation = _get_activation_fn(activation) if isinstance(activation, str) else activation

    def forward(self, tgt: Tensor, memory: Tensor, tgt_mask: Tensor | None = None, memory_mask: Tensor | None = None,
                tgt_key_padding_mask: Tensor | None = None, memory_key_padding_mask: Tensor | None = None,
                tgt_is_causal: bool = False, memory_is_causal: bool = False) -> Tensor:
        """tgt_mask (T, T), memory_mask (T, S); key padding masks (N, T) and (N, S), True = ignored."""
        x = tgt
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), tgt_mask, tgt_key_padding_mask, tgt_is_causal)
            x = x + self._mha_block(self.norm2(x), memory, memory_mask, memory_key_padding_mask, memory_is_causal)
            x = x + self._ff_block(self.norm3(x))
        else:
            x = self.norm1(x + self._sa_block(x, tgt_mask, tgt_key_padding_mask, tgt_is_causal))
            x = self.norm2(x + self._mha_block(x, memory, memory_mask, memory_key_padding_mask, memory_is_causal))
            x = self.norm3(x + self._ff_block(x))
        return x

    def _sa_block(self, x: Tensor, attn_mask: Tensor | None, key_padding_mask: Tensor | None,
                  is_causal: bool = False) -> Tensor:
        x = self.self_attn(x, x, x, attn_mask=attn_mask, key_padding_mask=key_padding_mask, is_causal=is_causal,
                           need_weights=False)[0]
        return self.dropout1(x)

    def _mha_block(self, x: Tensor, mem: Tensor, attn_mask: Tensor | None, key_padding_mask: Tensor | None,
                   is_causal: bool = False) -> Tensor:
        x = self.multihead_attn(x, mem, mem, attn_mask=attn_mask, key_padding_mask=key_padding_mask,
                                is_causal=is_causal, need_weights=False)[0]
        return self.dropout2(x)

    def _ff_block(self, x: Tensor) -> Tensor:
        x = self.linear2(self.dropout(self.activation(self.linear1(x))))
        return self.dropout3(x)


class TransformerDecoder(Module):
    """`num_layers` deep copies of `decoder_layer` applied in turn to tgt (with memory), then the optional `norm`.

    Args:
        decoder_layer (TransformerDecoderLayer): the layer to copy (each copy has its own parameters).
        num_layers (int): how many copies to stack.
        norm (Module, optional): applied to the last layer's output.

    Returns:
        (TransformerDecoder): a module; `decoder(tgt, memory, tgt_mask=None, memory_mask=None,
            tgt_key_padding_mask=None, memory_key_padding_mask=None, tgt_is_causal=None, memory_is_causal=False)`
            maps tgt to the same shape.

    Examples:
        >>> layer = nn.TransformerDecoderLayer(d_model=8, nhead=2, dim_feedforward=16)
        >>> decoder = nn.TransformerDecoder(layer, num_layers=2)
        >>> decoder(retrograd.randn(4, 3, 8), retrograd.randn(6, 3, 8)).shape
        retrograd.Size([4, 3, 8])
    """

    def __init__(self, decoder_layer: Module, num_layers: int, norm: Module | None = None) -> None:
        super().__init__()
        self.layers = ModuleList([copy.deepcopy(decoder_layer) for _ in range(num_layers)])
        self.num_layers = num_layers
        self.norm = norm

    def forward(self, tgt: Tensor, memory: Tensor, tgt_mask: Tensor | None = None, memory_mask: Tensor | None = None,
                tgt_key_padding_mask: Tensor | None = None, memory_key_padding_mask: Tensor | None = None,
                tgt_is_causal: bool | None = None, memory_is_causal: bool = False) -> Tensor:
        """Masks as for TransformerDecoderLayer; tgt_is_causal None: detected from tgt_mask."""
        batch_first = self.layers[0].self_attn.batch_first
        seq_len = tgt.size(0) if tgt.dim() == 2 else tgt.size(1 if batch_first else 0)
        tgt_is_causal = _detect_is_causal_mask(tgt_mask, tgt_is_causal, seq_len)
        output = tgt
        for layer in self.layers:
            output = layer(output, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                           tgt_key_padding_mask=tgt_key_padding_mask,
                           memory_key_padding_mask=memory_key_padding_mask, tgt_is_causal=tgt_is_causal,
                           memory_is_causal=memory_is_causal)
        if self.norm is not None:
            output = self.norm(output)
        return output


class Transformer(Module):
    """The encoder-decoder Transformer ("Attention Is All You Need"): encoder(src) is the decoder's memory.

    src (S, N, E), tgt (T, N, E) ((N, ·, E) with batch_first); returns (T, N, E).

    Args:
        d_model (int): the embedding size E (default 512).
        nhead (int): the number of attention heads (default 8).
        num_encoder_layers (int): the encoder's depth (default 6).
        num_decoder_layers (int): the decoder's depth (default 6).
        dim_feedforward (int): the hidden size of the feed-forward blocks (default 2048).
        dropout (float): the dropout rate (default 0.1).
        activation (str or callable): the feed-forward activation, `'relu'` (default), `'gelu'` or a callable.
        custom_encoder (Module, optional): used instead of the default encoder.
        custom_decoder (Module, optional): used instead of the default decoder.
        layer_norm_eps (float): the LayerNorms' eps (default 1e-5).
        batch_first (bool): inputs and outputs are (N, L, E) instead of (L, N, E) (default False).
        norm_first (bool): pre-norm layers (default False).
        bias (bool): learn biases in the Linear and LayerNorm layers (default True).
        device (str or device, optional): where the parameters live.
        dtype (dtype, optional): the parameters' dtype (default float32).

    Returns:
        (Transformer): a module; `model(src, tgt, src_mask=None, tgt_mask=None, memory_mask=None,
            src_key_padding_mask=None, tgt_key_padding_mask=None, memory_key_padding_mask=None, src_is_causal=None,
            tgt_is_causal=None, memory_is_causal=False)` gives tgt's shape (T, N, E).

    Examples:
        >>> model = nn.Transformer(d_model=8, nhead=2, num_encoder_layers=1, num_decoder_layers=1, dim_feedforward=16,
        ...                        batch_first=True)
        >>> src, tgt = retrograd.randn(2, 6, 8), retrograd.randn(2, 4, 8)
        >>> mask = nn.Transformer.generate_square_subsequent_mask(4)
        >>> model(src, tgt, tgt_mask=mask).shape
        retrograd.Size([2, 4, 8])
        >>> mask
        tensor([[0., -inf, -inf, -inf],
                [0., 0., -inf, -inf],
                [0., 0., 0., -inf],
                [0., 0., 0., 0.]])
    """

    def __init__(self, d_model: int = 512, nhead: int = 8, num_encoder_layers: int = 6,
                 num_decoder_layers: int = 6, dim_feedforward: int = 2048, dropout: float = 0.1,
                 activation: str | Callable[[Tensor], Tensor] = F.relu, custom_encoder: Any = None,
                 custom_decoder: Any = None, layer_norm_eps: float = 1e-5, batch_first: bool = False,
                 norm_first: bool = False, bias: bool = True, device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        kw = {"device": device, "dtype": dtype}
        layer_args = (d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps, batch_first, norm_first,
                      bias)
        if custom_encoder is not None:
            self.encoder = custom_encoder
        else:
            encoder_layer = TransformerEncoderLayer(*layer_args, **kw)
            encoder_norm = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw)
            self.encoder = TransformerEncoder(encoder_layer, num_encoder_layers, encoder_norm)
        if custom_decoder is not None:
            self.decoder = custom_decoder
        else:
            decoder_layer = TransformerDecoderLayer(*layer_args, **kw)
            decoder_norm = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw)
            self.decoder = TransformerDecoder(decoder_layer, num_decoder_layers, decoder_norm)
        self._reset_parameters()
        self.d_model = d_model
        self.nhead = nhead
        self.batch_first = batch_first

    def forward(self, src: Tensor, tgt: Tensor, src_mask: Tensor | None = None, tgt_mask: Tensor | None = None,
                memory_mask: Tensor | None = None, src_key_padding_mask: Tensor | None = None,
                tgt_key_padding_mask: Tensor | None = None, memory_key_padding_mask: Tensor | None = None,
                src_is_causal: bool | None = None, tgt_is_causal: bool | None = None,
                memory_is_causal: bool = False) -> Tensor:
        """Encode src, then decode tgt against it; masks as for the encoder and decoder."""
        is_batched = src.dim() == 3
        if is_batched and src.size(0 if self.batch_first else 1) != tgt.size(0 if self.batch_first else 1):
            raise RuntimeError("the batch number of src and tgt must be equal")
        if src.size(-1) != self.d_model or tgt.size(-1) != self.d_model:
            raise RuntimeError("the feature number of src and tgt must be equal to d_model")
        memory = self.encoder(src, mask=src_mask, src_key_padding_mask=src_key_padding_mask, is_causal=src_is_causal)
        return self.decoder(tgt, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                            tgt_key_padding_mask=tgt_key_padding_mask,
                            memory_key_padding_mask=memory_key_padding_mask, tgt_is_causal=tgt_is_causal,
                            memory_is_causal=memory_is_causal)

    @staticmethod
    def generate_square_subsequent_mask(sz: int, device: Any = None, dtype: Any = None) -> Tensor:
        """(sz, sz) float mask: -inf above the diagonal (future positions), 0 elsewhere."""
        return _generate_square_subsequent_mask(sz, device=device, dtype=dtype)

    def _reset_parameters(self) -> None:
        for p in self.parameters():
            if p.dim() > 1:
                init.xavier_uniform_(p)
