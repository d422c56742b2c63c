"""MultiheadAttention and the Transformer's encoder stack, with PyTorch's parameters and masks (the decoder side
and the encoder-decoder `Transformer` are `transformer_decoder.py`).

PyTorch runs these through fused "fast path" kernels in eval mode; retrograd always
runs the plain maths, which gives the same numbers; where PyTorch's encoder would run on nested
tensors, the padded positions of its output are zeros here too, and where its fused attention
would run, a row whose every key is masked is NaN here too (its softmax of all -inf). (Its fused
encoder layer also reads a float mask as bool, nonzero = masked, so any other value than 0 and
-inf masks a key there: a PyTorch quirk not copied, such masks are added to the scores here.) The attention maths is in
`nn/functional/multihead_attention.py`.
"""

from __future__ import annotations

import copy
import warnings
from collections.abc import Callable
from typing import Any

from ... import ops
from ..._user_frames import warn_once
from ...dtypes import bool_, int64
from ...engine.grad_mode import is_grad_enabled
from ...ops.autocast_policy import active as _autocasting
from ...ops.shape.diagonals import triu
from ...tensor import Tensor
from .. import functional as F
from .. import init
from ..functional.multihead_attention import canonical_mask, none_or_dtype
from ..parameter import Parameter
from .container import ModuleList
from .dropout import Dropout
from .linear import Linear, NonDynamicallyQuantizableLinear
from .module import Module
from .normalization import LayerNorm

__all__ = ["MultiheadAttention", "TransformerEncoderLayer", "TransformerEncoder"]


class MultiheadAttention(Module):
    """Attention over `num_heads` heads of size embed_dim // num_heads.

    query (L, N, E), key (S, N, kdim), value (S, N, vdim), or (N, L, E) ... with batch_first,
    or unbatched (L, E); returns ((L, N, E), weights (N, L, S) averaged over heads, or None).

    Args:
        embed_dim (int): E, the query's (and output's) feature size.
        num_heads (int): the number of heads; E must divide by it.
        dropout (float): dropout on the attention weights (default 0).
        bias (bool): learn the projections' biases (default True).
        add_bias_kv (bool): append a learned bias step to the keys and values (default False).
        add_zero_attn (bool): append a step of zeros to the keys and values (default False).
        kdim (int, optional): the keys' feature size (default E).
        vdim (int, optional): the values' feature size (default E).
        batch_first (bool): inputs and outputs are (N, L, E) instead of (L, N, E) (default False).
        device (str or device, optional): where the parameters live.
        dtype (dtype, optional): the parameters' dtype (default float32).

    Returns:
        (MultiheadAttention): a module; `mha(query, key, value, key_padding_mask=None, need_weights=True,
            attn_mask=None, average_attn_weights=True, is_causal=False)` gives `(output, weights)`: output like
            `query`, weights (N, L, S) averaged over heads (per head with `average_attn_weights=False`), or None.

    Examples:
        >>> mha = nn.MultiheadAttention(embed_dim=8, num_heads=2, batch_first=True)
        >>> x = retrograd.randn(3, 5, 8)
        >>> out, weights = mha(x, x, x)
        >>> out.shape, weights.shape
        (retrograd.Size([3, 5, 8]), retrograd.Size([3, 5, 5]))
        >>> weights.sum(dim=-1).allclose(retrograd.ones(3, 5))
        True
        >>> mha(x, x, x, need_weights=False)[1] is None
        True
    """

    bias_k: Parameter | None
    bias_v: Parameter | None

    def __init__(self, embed_dim: int, num_heads: int, dropout: float = 0.0, bias: bool = True,
                 add_bias_kv: bool = False, add_zero_attn: bool = False, kdim: int | None = None,
                 vdim: int | None = None, batch_first: bool = False, device: Any = None, dtype: Any = None) -> None:
        if embed_dim <= 0 or num_heads <= 0:
            raise ValueError(
                f"embed_dim and num_heads must be greater than 0, got embed_dim={embed_dim} and "
                f"num_heads={num_heads} instead"
            )
        super().__init__()
        self.embed_dim = embed_dim
        self.kdim = kdim if kdim is not None else embed_dim
        self.vdim = vdim if vdim is not None else embed_dim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.num_heads, self.dropout, self.batch_first = num_heads, dropout, batch_first
        self.head_dim = embed_dim // num_heads
        if self.head_dim * num_heads != embed_dim:
            raise AssertionError("embed_dim must be divisible by num_heads")
        new = lambda *shape: Parameter(ops.empty(shape, dtype=dtype, device=device))  # noqa: E731
        if self._qkv_same_embed_dim:
            self.in_proj_weight = new(3 * embed_dim, embed_dim)
            for name in ("q_proj_weight", "k_proj_weight", "v_proj_weight"):
                self.register_parameter(name, None)
        else:
            self.q_proj_weight = new(embed_dim, embed_dim)
            self.k_proj_weight = new(embed_dim, self.kdim)
            self.v_proj_weight = new(embed_dim, self.vdim)
            self.register_parameter("in_proj_weight", None)
        if bias:
            self.in_proj_bias = new(3 * embed_dim)
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = NonDynamicallyQuantizableLinear(embed_dim, embed_dim, bias=bias, device=device, dtype=dtype)
        if add_bias_kv:
            self.bias_k, self.bias_v = new(1, 1, embed_dim), new(1, 1, embed_dim)
        else:
            self.bias_k = self.bias_v = None
        self.add_zero_attn = add_zero_attn
        self._reset_parameters()

    def _reset_parameters(self) -> None:
        """Xavier-uniform projections, zero biases, Xavier-normal bias_k/bias_v (PyTorch's defaults)."""
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(self.in_proj_weight)
        else:
            for w in (self.q_proj_weight, self.k_proj_weight, self.v_proj_weight):
                init.xavier_uniform_(w)
        if self.in_proj_bias is not None:
            init.constant_(self.in_proj_bias, 0.0)
            init.constant_(self.out_proj.bias, 0.0)
        for b in (self.bias_k, self.bias_v):
            if b is not None:
                init.xavier_normal_(b)

    def forward(self, query: Tensor, key: Tensor, value: Tensor, key_padding_mask: Tensor | None = None,
                need_weights: bool = True, attn_mask: Tensor | None = None, average_attn_weights: bool = True,
                is_causal: bool = False) -> tuple[Tensor, Tensor | None]:
        """Bool masks are True where attention is NOT allowed; float masks are added to the scores."""
        # PyTorch's fused eval kernel takes masked rows through the weights' softmax, so a row with
        # every key masked gives NaN with need_weights=False too (as it does with weights)
        with_weights = need_weights or ((key_padding_mask is not None or attn_mask is not None)
                                        and self._fast_path(query, key, value, key_padding_mask, attn_mask))
        key_padding_mask = canonical_mask(key_padding_mask, "key_padding_mask", none_or_dtype(attn_mask),
                                          "attn_mask", query.dtype)
        attn_mask = canonical_mask(attn_mask, "attn_mask", None, "", query.dtype, check_other=False)
        batched = query.dim() == 3
        if self.batch_first and batched:
            query, key, value = _time_major(query, key, value)
        separate: dict[str, Any] = {} if self._qkv_same_embed_dim else {
            "use_separate_proj_weight": True, "q_proj_weight": self.q_proj_weight,
            "k_proj_weight": self.k_proj_weight, "v_proj_weight": self.v_proj_weight,
        }
        out, weights = F.multi_head_attention_forward(
            query, key, value, self.embed_dim, self.num_heads, self.in_proj_weight, self.in_proj_bias,
            self.bias_k, self.bias_v, self.add_zero_attn, self.dropout, self.out_proj.weight, self.out_proj.bias,
            training=self.training, key_padding_mask=key_padding_mask, need_weights=with_weights,
            attn_mask=attn_mask, average_attn_weights=average_attn_weights, is_causal=is_causal, **separate,
        )
        if self.batch_first and batched:
            out = out.transpose(1, 0)
        return out, weights if need_weights else None

    def _fast_path(self, query: Tensor, key: Tensor, value: Tensor, key_padding_mask: Tensor | None,
                   attn_mask: Tensor | None) -> bool:
        """Whether PyTorch would run its fused kernel (`_native_multi_head_attention`): eval-mode
        batch-first self-attention (one tensor) without bias_k/v, zero attention, float masks or
        anything that records a gradient."""
        if any(m is not None and m.is_floating_point() for m in (key_padding_mask, attn_mask)):
            return False
        if query.dim() != 3 or not (query is key is value) or self.training or not self.batch_first:
            return False
        if self.in_proj_weight is None or self.in_proj_bias is None or self.num_heads % 2:
            return False
        if query.dtype != self.in_proj_weight.dtype or query.dtype != self.in_proj_bias.dtype:
            return False
        if self.bias_k is not None or self.bias_v is not None or self.add_zero_attn or _autocasting[0]:
            return False
        tensors = (query, self.in_proj_weight, self.in_proj_bias, self.out_proj.weight, self.out_proj.bias)
        return not (is_grad_enabled() and any(t is not None and t.requires_grad for t in tensors))

    def merge_masks(self, attn_mask: Tensor | None, key_padding_mask: Tensor | None,
                    query: Tensor) -> tuple[Tensor | None, int | None]:
        """One (N, heads, L, L) mask from attn_mask and key_padding_mask, and its type (1 padding, 2 full)."""
        mask_type, merged = None, None
        if key_padding_mask is not None:
            mask_type, merged = 1, key_padding_mask
        if attn_mask is not None:
            batch_size, seq_len, _ = query.shape
            mask_type = 2
            if attn_mask.dim() == 3:
                merged = attn_mask.view(batch_size, -1, seq_len, seq_len)
            else:
                merged = attn_mask.view(1, 1, seq_len, seq_len).expand(batch_size, self.num_heads, -1, -1)
            if key_padding_mask is not None:
                padding = key_padding_mask.view(batch_size, 1, 1, seq_len).expand(-1, self.num_heads, -1, -1)
                merged = merged + padding
        return merged, mask_type


def _time_major(query: Tensor, key: Tensor, value: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    """(N, L, E) -> (L, N, E) for all three, keeping `query is key is value` where it holds."""
    q = query.transpose(1, 0)
    k = q if key is query else key.transpose(1, 0)
    v = k if value is key else value.transpose(1, 0)
    return q, k, v


def _get_activation_fn(activation: str) -> Callable[[Tensor], Tensor]:
    if activation == "relu":
        return F.relu
    if activation == "gelu":
        return F.gelu
    raise RuntimeError(f"activation should be relu/gelu, not {activation}")


def _generate_square_subsequent_mask(sz: int, device: Any = None, dtype: Any = None) -> Tensor:
    """(sz, sz) float mask: -inf above the diagonal (future positions), 0 elsewhere."""
    return triu(ops.full((sz, sz), float("-inf"), dtype=dtype, device=device), diagonal=1)


def _detect_is_causal_mask(mask: Tensor | None, is_causal: bool | None = None, size: int | None = None) -> bool:
    """`is_causal` if given; otherwise whether `mask` equals the causal mask of its size."""
    if is_causal is None and mask is not None:
        sz = size if size is not None else mask.size(-2)
        causal = _generate_square_subsequent_mask(sz, device=mask.device, dtype=mask.dtype)
        return tuple(mask.size()) == tuple(causal.size()) and bool((mask == causal).all())
    return is_causal is True



def _is_module(obj: Any, name: str) -> bool:
    from . import activation as modules_activation

    cls = getattr(modules_activation, name, None)
    return cls is not None and isinstance(obj, cls)


class TransformerEncoderLayer(Module):
    """Self-attention then a feed-forward block, each with dropout, a residual and LayerNorm.

    Post-norm (default): x = norm1(x + sa(x)); x = norm2(x + ff(x)). With norm_first:
    x = x + sa(norm1(x)); x = x + ff(norm2(x)). src (L, N, E), (N, L, E) with batch_first, or (L, E).

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
        (TransformerEncoderLayer): a module; `layer(src, src_mask=None, src_key_padding_mask=None, is_causal=False)`
            maps (L, N, E) (or (N, L, E) with batch_first, or (L, E)) to the same shape.

    Examples:
        >>> layer = nn.TransformerEncoderLayer(d_model=8, nhead=2, dim_feedforward=16, batch_first=True)
        >>> layer(retrograd.randn(3, 5, 8)).shape
        retrograd.Size([3, 5, 8])
        >>> layer.self_attn.num_heads, layer.linear1
        (2, Linear(in_features=8, out_features=16, bias=True))
    """

    def __init__(self, d_model: int, nhead: int, dim_feedforward: int = 2048, dropout: float = 0.1,
                 activation: str | Callable[[Tensor], Tensor] = F.relu, layer_norm_eps: float = 1e-5,
                 batch_first: bool = False, norm_first: bool = False, bias: bool = True, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__()
        kw = {"device": device, "dtype": dtype}
        self.self_attn = MultiheadAttention(d_model, nhead, dropout=dropout, bias=bias, batch_first=batch_first, **kw)
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, **kw)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, **kw)
        self.norm_first = norm_first
        self.norm1 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw)
        self.norm2 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw)
        self.dropout1 = Dropout(dropout)
        self.dropout2 = Dropout(dropout)
        if isinstance(activation, str):
            activation = _get_activation_fn(activation)
        if activation is F.relu or _is_module(activation, "ReLU"):
            self.activation_relu_or_gelu = 1
        elif activation is F.gelu or _is_module(activation, "GELU"):
            self.activation_relu_or_gelu = 2
        else:
            self.activation_relu_or_gelu = 0
        self.activation = activation

    def forward(self, src: Tensor, src_mask: Tensor | None = None, src_key_padding_mask: Tensor | None = None,
                is_causal: bool = False) -> Tensor:
        """src_mask (L, L) or (N·nhead, L, L); src_key_padding_mask (N, L), True/-inf = ignored key."""
        src_key_padding_mask = canonical_mask(src_key_padding_mask, "src_key_padding_mask",
                                              none_or_dtype(src_mask), "src_mask", src.dtype)
        src_mask = canonical_mask(src_mask, "src_mask", None, "", src.dtype, check_other=False)
        # PyTorch's fused eval kernel takes masked rows through the weights' softmax: a row with
        # every key masked is NaN there (its composed path gives zeros)
        fused = (src_mask is not None or src_key_padding_mask is not None) and self._fast_path(src)
        x = src
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), src_mask, src_key_padding_mask, is_causal, fused)
            x = x + self._ff_block(self.norm2(x))
        else:
            x = self.norm1(x + self._sa_block(x, src_mask, src_key_padding_mask, is_causal, fused))
            x = self.norm2(x + self._ff_block(x))
        return x

    def _fast_path(self, src: Tensor) -> bool:
        """Whether PyTorch would run this layer as its fused kernel (`_transformer_encoder_layer_fwd`)."""
        attn = self.self_attn
        if src.dim() != 3 or self.training or not attn.batch_first or attn.in_proj_bias is None:
            return False
        if not attn._qkv_same_embed_dim or not self.activation_relu_or_gelu or self.norm1.eps != self.norm2.eps:
            return False
        if attn.num_heads % 2 or _autocasting[0]:
            return False
        if any(m._forward_hooks or m._forward_pre_hooks for m in self.modules()):
            return False
        return not (is_grad_enabled() and (src.requires_grad or any(p.requires_grad for p in self.parameters())))

    def _sa_block(self, x: Tensor, attn_mask: Tensor | None, key_padding_mask: Tensor | None,
                  is_causal: bool = False, fused: bool = False) -> Tensor:
        x = self.self_attn(x, x, x, attn_mask=attn_mask, key_padding_mask=key_padding_mask, need_weights=fused,
                           is_causal=is_causal)[0]
        return self.dropout1(x)

    def _ff_block(self, x: Tensor) -> Tensor:
        x = self.linear2(self.dropout(self.activation(self.linear1(x))))
        return self.dropout2(x)


def _why_not_sparsity_fast_path(layer: Module) -> str:
    """PyTorch's reason (for its warning) why nested tensors cannot be used with this layer, or ''."""
    name = "encoder_layer"
    if not isinstance(layer, TransformerEncoderLayer):
        return f"{name} was not TransformerEncoderLayer"
    attn = layer.self_attn
    checks = [
        (layer.norm_first, f"{name}.norm_first was True"),
        (not attn.batch_first,
         f"{name}.self_attn.batch_first was not True(use batch_first for better inference performance)"),
        (not attn._qkv_same_embed_dim, f"{name}.self_attn._qkv_same_embed_dim was not True"),
        (attn.in_proj_bias is None, f"{name}.self_attn was passed bias=False"),
        (not layer.activation_relu_or_gelu, f"{name}.activation_relu_or_gelu was not True"),
        (layer.norm1.eps != layer.norm2.eps, f"{name}.norm1.eps was not equal to {name}.norm2.eps"),
        (attn.num_heads % 2 == 1, f"{name}.self_attn.num_heads is odd"),
    ]
    return next((why for failed, why in checks if failed), "")


class TransformerEncoder(Module):
    """`num_layers` deep copies of `encoder_layer` applied in turn, then the optional `norm`.

    Args:
        encoder_layer (TransformerEncoderLayer): the layer to copy (each copy has its own parameters).
        num_layers (int): how many copies to stack.
        norm (Module, optional): applied to the last layer's output.
        enable_nested_tensor (bool): accepted for PyTorch compatibility; padded batches are computed densely
            (default True).
        mask_check (bool): check the masks as PyTorch does (default True).

    Returns:
        (TransformerEncoder): a module; `encoder(src, mask=None, src_key_padding_mask=None, is_causal=None)` maps
            src to the same shape.

    Examples:
        >>> layer = nn.TransformerEncoderLayer(d_model=8, nhead=2, dim_feedforward=16)
        >>> encoder = nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)
        >>> len(encoder.layers)
        2
        >>> encoder(retrograd.randn(5, 3, 8)).shape
        retrograd.Size([5, 3, 8])
    """

    def __init__(self, encoder_layer: Module, num_layers: int, norm: Module | None = None,
                 enable_nested_tensor: bool = True, mask_check: bool = True) -> None:
        super().__init__()
        self.layers = ModuleList([copy.deepcopy(encoder_layer) for _ in range(num_layers)])
        self.num_layers = num_layers
        self.norm = norm
        self.enable_nested_tensor = enable_nested_tensor
        self.use_nested_tensor = enable_nested_tensor
        self.mask_check = mask_check
        why_not = _why_not_sparsity_fast_path(encoder_layer)
        if enable_nested_tensor and why_not:
            warnings.warn(
                f"enable_nested_tensor is True, but self.use_nested_tensor is False because {why_not}", stacklevel=2
            )
            self.use_nested_tensor = False

    def forward(self, src: Tensor, mask: Tensor | None = None, src_key_padding_mask: Tensor | None = None,
                is_causal: bool | None = None) -> Tensor:
        """src (L, N, E) (or (N, L, E) with batch_first, or (L, E)); mask (L, L); src_key_padding_mask (N, L)."""
        padded = self._nested_padding(src, mask, src_key_padding_mask)
        if padded is not None:  # PyTorch's nested tensors keep the unpadded tokens: a float mask's values play no part
            src_key_padding_mask = padded
        src_key_padding_mask = canonical_mask(src_key_padding_mask, "src_key_padding_mask", none_or_dtype(mask),
                                              "mask", src.dtype)
        mask = canonical_mask(mask, "mask", None, "", src.dtype, check_other=False)
        batch_first = self.layers[0].self_attn.batch_first
        seq_len = src.size(0) if src.dim() == 2 else src.size(1 if batch_first else 0)
        is_causal = _detect_is_causal_mask(mask, is_causal, seq_len)
        output = src
        for layer in self.layers:
            output = layer(output, src_mask=mask, is_causal=is_causal, src_key_padding_mask=src_key_padding_mask)
        if padded is not None:  # PyTorch's nested tensors come back padded with zeros
            output = output.masked_fill(padded.unsqueeze(-1) if batch_first else padded.t().unsqueeze(-1), 0.0)
        if self.norm is not None:
            output = self.norm(output)
        return output

    def _nested_padding(self, src: Tensor, mask: Tensor | None, padding_mask: Tensor | None) -> Tensor | None:
        """The padded positions (N, L) where PyTorch's eval-mode fast path runs on nested tensors, else None.

        Its conditions: nested tensors enabled, eval mode, batched input, a padding mask and no
        attention mask, the padding left-aligned (when `mask_check`), and no gradient to record.
        """
        if not self.use_nested_tensor or self.layers[0].training or src.dim() != 3:
            return None
        if padding_mask is None or mask is not None:
            return None
        if is_grad_enabled() and (src.requires_grad or any(p.requires_grad for p in self.layers[0].parameters())):
            return None
        pad = padding_mask if padding_mask.dtype == bool_ else padding_mask != 0  # (PyTorch: logical_not)
        if self.mask_check:  # left-aligned: each row's kept tokens come first
            keep = (~pad).to(int64)
            if not bool((keep[:, 1:] <= keep[:, :-1]).all()):
                return None
        warn_once(  # once per process, as PyTorch's TORCH_WARN_ONCE when it builds the nested tensor
            "nested tensor: prototype",
            "The PyTorch API of nested tensors is in prototype stage and will change in the near future. We recommend "
            "specifying layout=torch.jagged when constructing a nested tensor, as this layout receives active "
            "development, has better operator coverage, and works with torch.compile.",
        )
        return pad
