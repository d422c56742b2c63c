"""`torch.version`: the versions a program can read, e.g. `torch.version.cuda` to pick a GPU path.

retrograd is not built against CUDA, ROCm or XPU (GPUs are reached through CuPy, see
`retrograd.cuda`), so those are None, as in PyTorch's CPU builds.
"""

__all__ = ["__version__", "cuda", "debug", "git_version", "hip", "rocm", "xpu"]

__version__ = "0.1.0"
cuda: str | None = None
hip: str | None = None
rocm: str | None = None
xpu: str | None = None
debug = False
git_version = "Unknown"
