"""Training under torch.compile with dropout: a compiled MLP classifier with two Dropout layers
trained by a compiled step that returns `loss.item()`, then a VAE-style reparametrised sample, and
evaluation in eval mode. Dropout masks and noise must be the ones eager code draws."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
x = torch.randn(96, 10)
w_true = torch.randn(10, 3)
y = (x @ w_true + 0.1 * torch.randn(96, 3)).argmax(1)

model = nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Dropout(0.3), nn.Linear(32, 32), nn.ReLU(),
                      nn.Dropout(0.2), nn.Linear(32, 3))
opt = torch.optim.Adam(model.parameters(), lr=0.01)


@torch.compile(backend="aot_eager")
def train_step(xb, yb):
    opt.zero_grad()
    loss = F.cross_entropy(model(xb), yb)
    loss.backward()
    opt.step()
    return loss.item()


for epoch in range(5):
    total = 0.0
    for i in range(0, 96, 32):
        total += train_step(x[i : i + 32], y[i : i + 32])
    print(f"epoch {epoch}: mean loss {total / 3:.4f}")


@torch.compile(backend="aot_eager")
def sample(mu, log_var):
    std = torch.exp(0.5 * log_var)
    return mu + std * torch.randn_like(std)


mu = torch.zeros(2, 4)
log_var = torch.linspace(-2.0, 1.0, 8).reshape(2, 4)
print("samples", [round(v, 4) for v in sample(mu, log_var).flatten().tolist()])
print("samples", [round(v, 4) for v in sample(mu, log_var).flatten().tolist()])

model.eval()
evaluate = torch.compile(model, backend="aot_eager")
with torch.no_grad():
    accuracy = (evaluate(x).argmax(1) == y).float().mean().item()
print(f"accuracy {accuracy:.3f}")
print("next draw", round(torch.rand(1).item(), 6))
