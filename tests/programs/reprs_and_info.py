"""What programs print about tensors: sizes, dtypes, named results, grad_fn chains, limits."""

import torch
import torch.nn as nn

torch.manual_seed(0)
x = torch.randn(3, 4)
print(x.size(), x.shape[1:], x.dtype, x.double().dtype, torch.long, torch.half)
print(x.max(dim=1))
print(torch.sort(torch.tensor([3, 1, 2])))
print(torch.zeros(2, 2, dtype=torch.float16), torch.arange(3, dtype=torch.int32))
print(torch.finfo(torch.float32).eps, torch.finfo(torch.float16).max, torch.iinfo(torch.int64).max)
print(torch.finfo(torch.float64))
w = torch.randn(4, 2, requires_grad=True)
y = (x @ w).relu().sum()
print(y, y.grad_fn.name(), y.grad_fn.next_functions[0][0].name())
y.backward()
print(w.grad.shape, w.grad.dtype, w.requires_grad, w.grad.requires_grad)
print(nn.ParameterDict({"p": nn.Parameter(torch.zeros(3))}))
lin = nn.Linear(4, 2)
print([(n, p.shape) for n, p in lin.named_parameters()])
print(torch.tensor([[1.0, 2.0]]).numpy().dtype, type(torch.tensor(2).item()))
