"""Training steps on the stand-in CUDA device: same numbers as on the CPU, no host round trips.

The stand-in's arrays refuse implicit conversion to NumPy and count every device-to-host
transfer, so these tests fail on any `np.` call on device data and on any hidden `.item()`.
"""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg
import retrograd.nn as nn
import retrograd.nn.functional as F

pytestmark = pytest.mark.device


def mlp():
    return nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Dropout(0.0), nn.Linear(16, 4))


def cnn():
    return nn.Sequential(
        nn.Conv2d(2, 4, 3, padding=1),
        nn.BatchNorm2d(4),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(4 * 4 * 4, 4),
    )


class LSTMNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(10, 6)
        self.rnn = nn.LSTM(6, 8, batch_first=True)
        self.head = nn.Linear(8, 4)

    def forward(self, x):
        out, _ = self.rnn(self.emb(x))
        return self.head(out[:, -1])


class TransformerNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(10, 8)
        self.enc = nn.TransformerEncoder(
            nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0, batch_first=True), num_layers=1
        )
        self.norm = nn.LayerNorm(8)
        self.head = nn.Linear(8, 4)

    def forward(self, x):
        return self.head(F.gelu(self.norm(self.enc(self.emb(x)))).mean(1))


def batch(kind):
    g = np.random.default_rng(0)
    y = rg.tensor(g.integers(0, 4, size=6))
    if kind == "mlp":
        return rg.tensor(g.standard_normal((6, 8)), dtype=rg.float32), y
    if kind == "cnn":
        return rg.tensor(g.standard_normal((6, 2, 8, 8)), dtype=rg.float32), y
    return rg.tensor(g.integers(0, 10, size=(6, 5))), y


MODELS = {"mlp": mlp, "cnn": cnn, "lstm": LSTMNet, "transformer": TransformerNet}


def train(model, x, y, opt_cls, steps=2):
    opt = opt_cls(model.parameters(), lr=0.01)
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses, opt


@pytest.mark.parametrize("kind", sorted(MODELS))
@pytest.mark.parametrize("opt_cls", [rg.optim.SGD, rg.optim.AdamW], ids=["sgd", "adamw"])
def test_training_step_matches_cpu_without_host_transfers(cuda, kind, opt_cls):
    # Adam divides by the gradients' size, so it turns the rounding noise of near-zero gradients
    # into whole steps; the devices sum float32 differently (a tree on the GPU), so Adam runs in float64.
    dt = rg.float64 if opt_cls is rg.optim.AdamW else rg.float32
    rg.manual_seed(0)
    cpu_model = MODELS[kind]().to(dt)
    rg.manual_seed(0)
    dev_model = MODELS[kind]().to("cuda").to(dt)
    assert all(p.is_cuda for p in dev_model.parameters())
    x, y = batch(kind)
    x = x.to(dt) if x.is_floating_point() else x
    xd, yd = x.to("cuda"), y.cuda()
    cpu_losses, _ = train(cpu_model, x, y, opt_cls)
    cuda.clear()
    dev_losses, opt = train(dev_model, xd, yd, opt_cls)
    assert dict(cuda) == {"item": 2}, "only loss.item() may copy device data to the host"
    np.testing.assert_allclose(dev_losses, cpu_losses, rtol=1e-5, atol=1e-6)
    for p_cpu, p_dev in zip(cpu_model.parameters(), dev_model.parameters()):
        assert p_dev.is_cuda and p_dev.grad.is_cuda
        np.testing.assert_allclose(p_dev.detach().cpu().numpy(), p_cpu.detach().numpy(), rtol=1e-4, atol=1e-5)
    for state in opt.state.values():
        for value in state.values():
            if isinstance(value, rg.Tensor) and value.dim() > 0:
                assert value.is_cuda
