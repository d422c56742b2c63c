"""A small CNN on random 'images': DataLoader, Adadelta, StepLR, dropout, state_dict save and load."""

import os
import tempfile

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.optim.lr_scheduler import StepLR
from torch.utils.data import DataLoader, TensorDataset


class SmallNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3, 1)
        self.conv2 = nn.Conv2d(4, 8, 3, 1)
        self.drop = nn.Dropout(0.25)
        self.fc = nn.Linear(8 * 5 * 5, 5)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = self.drop(torch.flatten(x, 1))
        return F.log_softmax(self.fc(x), dim=1)


rng = np.random.RandomState(7)
images = torch.from_numpy(rng.rand(96, 1, 14, 14).astype(np.float32))
labels = torch.from_numpy(rng.randint(0, 5, size=96))
torch.manual_seed(11)
loader = DataLoader(TensorDataset(images, labels), batch_size=32, shuffle=True)
model = SmallNet()
print(model)
opt = torch.optim.Adadelta(model.parameters(), lr=1.0)
sched = StepLR(opt, step_size=1, gamma=0.7)
for epoch in range(2):
    model.train()
    for i, (x, y) in enumerate(loader):
        opt.zero_grad()
        loss = F.nll_loss(model(x), y)
        loss.backward()
        opt.step()
        print(f"epoch {epoch} batch {i} [{i * len(x)}/{len(loader.dataset)}] loss {loss.item():.4f}")
    sched.step()
    print("lr", sched.get_last_lr())
model.eval()
with torch.no_grad():
    out = model(images)
    pred = out.argmax(dim=1, keepdim=True)
    print("correct", pred.eq(labels.view_as(pred)).sum().item(), "of", len(labels))
path = os.path.join(tempfile.mkdtemp(), "small.pt")
torch.save(model.state_dict(), path)
state = torch.load(path)
print(sorted(state), state["fc.weight"].shape)
again = SmallNet()
print(again.load_state_dict(state))
print(torch.equal(again(images[:4]), model(images[:4])))
