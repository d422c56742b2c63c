"""`retrograd.backends`: the switches and queries of PyTorch's `torch.backends`.

retrograd computes with NumPy on the CPU: CUDA, cuDNN and MPS report unavailable, and
their switches are recorded (so programs that set them run) but change nothing.
"""

from . import cpu, cuda, cudnn, mkl, mkldnn, mps, openmp, opt_einsum

__all__ = ["cpu", "cuda", "cudnn", "mkl", "mkldnn", "mps", "openmp", "opt_einsum"]
