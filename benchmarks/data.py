"""The workloads' shared data, drawn with NumPy from fixed seeds so every system starts alike."""

from __future__ import annotations

import numpy as np


def linear_params(rng: np.random.Generator, fan_in: int, fan_out: int) -> list[np.ndarray]:
    """W (fan_in, fan_out) then b (fan_out,), float32, uniform in +-1/sqrt(fan_in); the layer is x @ W + b."""
    k = 1.0 / np.sqrt(fan_in)
    weight = rng.uniform(-k, k, (fan_in, fan_out)).astype(np.float32)
    bias = rng.uniform(-k, k, (fan_out,)).astype(np.float32)
    return [weight, bias]


def conv_params(rng: np.random.Generator, c_in: int, c_out: int) -> list[np.ndarray]:
    """3x3 kernel (c_out, c_in, 3, 3) then bias (c_out,), float32, uniform in +-1/sqrt(c_in * 9)."""
    k = 1.0 / np.sqrt(c_in * 9)
    weight = rng.uniform(-k, k, (c_out, c_in, 3, 3)).astype(np.float32)
    bias = rng.uniform(-k, k, (c_out,)).astype(np.float32)
    return [weight, bias]


def mlp_data(seed: int, sizes: tuple[int, ...], batch: int) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """Parameters [W1, b1, W2, b2, ...], X (batch, sizes[0]) float32 and y (batch,) int64, in that order."""
    rng = np.random.default_rng(seed)
    params: list[np.ndarray] = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        params += linear_params(rng, fan_in, fan_out)
    x = rng.standard_normal((batch, sizes[0])).astype(np.float32)
    y = rng.integers(0, sizes[-1], size=batch)
    return params, x, y.astype(np.int64)


def cnn_flat_features(image: int) -> int:
    """Features after conv3x3 -> pool2 -> conv3x3 -> pool2 (16 channels): 400 for 28x28 images."""
    side = ((image - 2) // 2 - 2) // 2
    return 16 * side * side


def cnn_data(seed: int, batch: int, image: int = 28) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """W6's conv1 1->8, conv2 8->16, linear F->10 parameters, X (batch, 1, image, image), y (batch,)."""
    rng = np.random.default_rng(seed)
    params = conv_params(rng, 1, 8) + conv_params(rng, 8, 16) + linear_params(rng, cnn_flat_features(image), 10)
    x = rng.standard_normal((batch, 1, image, image)).astype(np.float32)
    y = rng.integers(0, 10, size=batch)
    return params, x, y.astype(np.int64)


def hessian_data(seed: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    """A (n, n) / sqrt(n) then x (n,), float64."""
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((n, n)) / np.sqrt(n)
    x = rng.standard_normal(n)
    return a, x


def analytic_hessian(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Hessian of sum(tanh(A @ x)): A.T @ diag(-2 t (1 - t^2)) @ A with t = tanh(A @ x)."""
    t = np.tanh(a @ x)
    return a.T @ ((-2.0 * t * (1.0 - t * t))[:, None] * a)
