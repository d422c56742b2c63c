"""A whole training step under torch.compile: clear the gradients, forward, loss, backward and a
hand-written SGD update with momentum-free weight decay, called for a few epochs on a toy
two-moons-like problem; then evaluation with the compiled model and a recompile on a new batch size."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
n = 64
angle = torch.rand(n) * math.pi
upper = torch.stack([torch.cos(angle), torch.sin(angle)], 1)
lower = torch.stack([1 - torch.cos(angle), 0.5 - torch.sin(angle)], 1)
x = torch.cat([upper, lower]) + 0.05 * torch.randn(2 * n, 2)
y = torch.cat([torch.zeros(n, dtype=torch.long), torch.ones(n, dtype=torch.long)])

model = nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 16), nn.Tanh(), nn.Linear(16, 2))
params = list(model.parameters())


def train_step(xb, yb, lr=0.5, decay=1e-4):
    model.zero_grad()
    loss = F.cross_entropy(model(xb), yb)
    loss.backward()
    with torch.no_grad():
        for p in params:
            p.mul_(1 - lr * decay)
            p.sub_(lr * p.grad)
    return loss


step = torch.compile(train_step, backend="aot_eager")
for epoch in range(6):
    for i in range(0, 2 * n, 32):
        loss = step(x[i : i + 32], y[i : i + 32])
    print(f"epoch {epoch}: loss {loss.item():.4f}")

evaluate = torch.compile(model, backend="aot_eager")
with torch.no_grad():
    accuracy = (evaluate(x).argmax(1) == y).float().mean().item()
    print(f"accuracy {accuracy:.3f}")
    print(f"first rows {evaluate(x[:3]).softmax(1).round(decimals=3).tolist()}")
print("grad norms", [round(p.grad.norm().item(), 4) for p in params])
print("weight versions advanced:", all(p._version > 0 for p in params))
