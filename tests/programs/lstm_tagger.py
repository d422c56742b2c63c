"""An LSTM part-of-speech tagger on two toy sentences, printing scores like the NLP tutorials."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(5)
sentences = [("a cat sees the bird".split(), "D N V D N".split()), ("birds see cats".split(), "N V N".split())]
words = {}
for s, _ in sentences:
    for w in s:
        words.setdefault(w, len(words))
tags = {"D": 0, "N": 1, "V": 2}


class Tagger(nn.Module):
    def __init__(self, vocab, emb, hidden, ntags):
        super().__init__()
        self.emb = nn.Embedding(vocab, emb)
        self.lstm = nn.LSTM(emb, hidden, bidirectional=True)
        self.out = nn.Linear(2 * hidden, ntags)

    def forward(self, idx):
        e = self.emb(idx).view(len(idx), 1, -1)
        h, _ = self.lstm(e)
        return F.log_softmax(self.out(h.view(len(idx), -1)), dim=1)


def encode(seq, table):
    return torch.tensor([table[t] for t in seq], dtype=torch.long)


model = Tagger(len(words), 5, 4, len(tags))
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.5)
with torch.no_grad():
    print(model(encode(sentences[0][0], words)))
for epoch in range(60):
    total = 0.0
    for s, t in sentences:
        model.zero_grad()
        loss = F.nll_loss(model(encode(s, words)), encode(t, tags))
        loss.backward()
        opt.step()
        total += loss.item()
    if epoch % 20 == 19:
        print(epoch, f"{total:.4f}")
with torch.no_grad():
    scores = model(encode(sentences[0][0], words))
print(scores.argmax(dim=1).tolist(), scores.max(dim=1).values.shape)
h0 = torch.zeros(2, 1, 4)
out, (hn, cn) = model.lstm(model.emb(encode(["cat"], words)).view(1, 1, -1), (h0, h0))
print(out.shape, hn.shape, cn.shape)
