"""W10 (GPT-style TransformerEncoder language model) and W11 (2-layer LSTM language model) steps.

Both build their model from `m.nn` with the same code for every library, overwrite every entry of
`state_dict()` in its order with `uniform(-0.1, 0.1)` float32 from a seeded NumPy generator, then
draw the input tokens and the targets from the same generator (workloads.md, W10 and W11).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np

from .workloads import Compile, Step, maybe_compiled


@dataclass(frozen=True)
class GptSizes:
    """W10's sizes: vocabulary, batch, context, model width, heads, feed-forward width, layers."""

    vocab: int = 65
    batch: int = 16
    context: int = 32
    width: int = 64
    heads: int = 4
    feedforward: int = 256
    layers: int = 2


@dataclass(frozen=True)
class LstmSizes:
    """W11's sizes: vocabulary, sequence length, batch, embedding, hidden, layers."""

    vocab: int = 1000
    sequence: int = 35
    batch: int = 20
    embedding: int = 64
    hidden: int = 128
    layers: int = 2


def gpt_sizes(quick: bool) -> GptSizes:
    """W10's sizes (tiny when quick)."""
    return GptSizes(vocab=17, batch=2, context=8, width=16, feedforward=32) if quick else GptSizes()


def lstm_sizes(quick: bool) -> LstmSizes:
    """W11's sizes (tiny when quick)."""
    return LstmSizes(vocab=50, sequence=5, batch=3, embedding=8, hidden=16) if quick else LstmSizes()


def randomize_state(m: ModuleType, model: Any, rng: np.random.Generator) -> None:
    """Replace every state_dict entry, in its order, by uniform(-0.1, 0.1) float32 from `rng`."""
    state = {
        k: m.from_numpy(rng.uniform(-0.1, 0.1, tuple(v.shape)).astype(np.float32))
        for k, v in model.state_dict().items()
    }
    model.load_state_dict(state)


def gpt_model(m: ModuleType, s: GptSizes) -> Any:
    """Token + position embedding, pre-norm TransformerEncoder with a causal mask, final LayerNorm, head."""
    nn = m.nn

    class Gpt(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.token = nn.Embedding(s.vocab, s.width)
            self.position = nn.Embedding(s.context, s.width)
            layer = nn.TransformerEncoderLayer(
                s.width, nhead=s.heads, dim_feedforward=s.feedforward, dropout=0.0, batch_first=True, norm_first=True
            )
            self.encoder = nn.TransformerEncoder(layer, s.layers, enable_nested_tensor=False)
            self.norm = nn.LayerNorm(s.width)
            self.head = nn.Linear(s.width, s.vocab)
            self.register_buffer("positions", m.arange(s.context), persistent=False)
            self.register_buffer(
                "mask", m.triu(m.full((s.context, s.context), float("-inf")), diagonal=1), persistent=False
            )

        def forward(self, tokens: Any) -> Any:
            h = self.token(tokens) + self.position(self.positions)
            h = self.encoder(h, mask=self.mask, is_causal=True)
            return self.head(self.norm(h))

    return Gpt()


def w10_gpt(m: ModuleType, quick: bool = False, compile_fn: Compile = None, whole_step: bool = False) -> Step:
    """W10: zero_grad(set_to_none), forward, cross-entropy over all positions, backward, AdamW step, item.

    `whole_step`: a compiled system compiles the step but `item()`, the optimizer's step included
    (a variant; the workload compiles the model alone)."""
    s = gpt_sizes(quick)
    rng = np.random.default_rng(10)
    model = gpt_model(m, s)
    randomize_state(m, model, rng)
    tokens = m.from_numpy(rng.integers(0, s.vocab, (s.batch, s.context)))
    targets = m.from_numpy(rng.integers(0, s.vocab, (s.batch, s.context))).reshape(-1)
    optimizer = m.optim.AdamW(model.parameters(), lr=1e-3)
    forward = model if whole_step else maybe_compiled(model, compile_fn)
    cross_entropy = m.nn.functional.cross_entropy

    def step() -> Any:
        optimizer.zero_grad(set_to_none=True)
        loss = cross_entropy(forward(tokens).reshape(-1, s.vocab), targets)
        loss.backward()
        optimizer.step()
        return loss

    return _item_after(maybe_compiled(step, compile_fn) if whole_step else step)


def _item_after(step: Callable[[], Any]) -> Step:
    return lambda: step().item()


def lstm_model(m: ModuleType, s: LstmSizes) -> Any:
    """Embedding, 2-layer LSTM (sequence first, zero initial state), linear head."""
    nn = m.nn

    class LstmLm(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embedding = nn.Embedding(s.vocab, s.embedding)
            self.lstm = nn.LSTM(s.embedding, s.hidden, num_layers=s.layers)
            self.head = nn.Linear(s.hidden, s.vocab)

        def forward(self, tokens: Any) -> Any:
            output, _ = self.lstm(self.embedding(tokens))
            return self.head(output)

    return LstmLm()


def w11_lstm(m: ModuleType, quick: bool = False, compile_fn: Compile = None, whole_step: bool = False) -> Step:
    """W11: zero_grad, forward, cross-entropy, backward, clip_grad_norm_(0.25), SGD lr 1.0, item
    (`whole_step` as in W10)."""
    s = lstm_sizes(quick)
    rng = np.random.default_rng(11)
    model = lstm_model(m, s)
    randomize_state(m, model, rng)
    tokens = m.from_numpy(rng.integers(0, s.vocab, (s.sequence, s.batch)))
    targets = m.from_numpy(rng.integers(0, s.vocab, (s.sequence, s.batch))).reshape(-1)
    params = list(model.parameters())
    optimizer = m.optim.SGD(params, lr=1.0)
    forward = model if whole_step else maybe_compiled(model, compile_fn)
    cross_entropy = m.nn.functional.cross_entropy
    clip = m.nn.utils.clip_grad_norm_

    def step() -> Any:
        optimizer.zero_grad(set_to_none=True)
        loss = cross_entropy(forward(tokens).reshape(-1, s.vocab), targets)
        loss.backward()
        clip(params, 0.25)
        optimizer.step()
        return loss

    return _item_after(maybe_compiled(step, compile_fn) if whole_step else step)


def w10_compiled_step(m: ModuleType, quick: bool = False, compile_fn: Compile = None) -> Step:
    """W10 with the whole step compiled, AdamW's step included (measured only)."""
    return w10_gpt(m, quick, compile_fn, whole_step=True)


def w11_compiled_step(m: ModuleType, quick: bool = False, compile_fn: Compile = None) -> Step:
    """W11 with the whole step compiled, clipping and SGD's step included (measured only)."""
    return w11_lstm(m, quick, compile_fn, whole_step=True)
