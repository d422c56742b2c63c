"""Training steps under torch.compile that call the optimizer: AdamW with gradient clipping in
one compiled step, then gradient accumulation over micro-batches with a compiled backward and
SGD with momentum stepping between them; losses, an accuracy and the optimizer's step count."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
x = torch.randn(96, 8)
y = (x[:, :4].sum(1) > 0).long()
model = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 2))
opt = torch.optim.AdamW(model.parameters(), lr=0.01)


def train_step(xb, yb):
    opt.zero_grad()
    logits = model(xb)
    loss = F.cross_entropy(logits, yb)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    return loss, (logits.argmax(1) == yb).float().mean()


step = torch.compile(train_step, backend="aot_eager")
for epoch in range(4):
    for i in range(0, 96, 32):
        loss, acc = step(x[i : i + 32], y[i : i + 32])
    print(f"epoch {epoch}: loss {loss.item():.4f} acc {acc.item():.3f}")
print("adamw steps", int(opt.state[model[0].weight]["step"].item()))

sgd = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)


def micro_step(xb, yb):
    loss = F.cross_entropy(model(xb), yb) / 3
    loss.backward()
    return loss


micro = torch.compile(micro_step, backend="aot_eager")
for epoch in range(3):
    sgd.zero_grad()
    total = sum(micro(x[i : i + 32], y[i : i + 32]).item() for i in range(0, 96, 32))
    sgd.step()
    print(f"accumulated epoch {epoch}: loss {total:.4f} grad norm {model[0].weight.grad.norm().item():.4f}")
