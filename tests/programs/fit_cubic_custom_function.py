"""Fit a cubic to cos(x) with a hand-written autograd Function and manual parameter updates."""

import math

import torch


class Cube(torch.autograd.Function):
    """x³ with its derivative written out by hand."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x * x

    @staticmethod
    def backward(ctx, grad_out):
        (x,) = ctx.saved_tensors
        return grad_out * 3 * x * x


torch.manual_seed(3)
xs = torch.linspace(-1.5, 1.5, 300)
target = torch.cos(xs)
coeffs = [torch.randn((), requires_grad=True) for _ in range(4)]
step = 2e-4
for it in range(400):
    c0, c1, c2, c3 = coeffs
    pred = c0 + c1 * xs + c2 * xs**2 + c3 * Cube.apply(xs)
    loss = (pred - target).pow(2).sum()
    if it % 100 == 99:
        print(it, f"{loss.item():.4f}")
    loss.backward()
    with torch.no_grad():
        for c in coeffs:
            c -= step * c.grad
            c.grad = None
print("coefficients:", [f"{c.item():.3f}" for c in coeffs])
print(loss.grad_fn is not None, coeffs[0].is_leaf, xs.shape, xs.dtype)
print(math.isfinite(loss.item()))
