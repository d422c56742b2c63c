"""Where a G2 step's GPU time goes: the CUDA kernels of one retrograd step, by total time.

PyTorch's profiler (CUPTI) sees every kernel in the process, CuPy's included, so it can
profile retrograd on CuPy as well as torch itself. Usage on a GPU machine:
    python benchmarks/gpu/profile_step.py [retrograd|torch]
"""

from __future__ import annotations

import sys
import time

import torch
from torch.profiler import ProfilerActivity, profile

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from workloads import mlp_step  # noqa: E402


def main() -> None:
    name = sys.argv[1] if len(sys.argv) > 1 else "retrograd"
    if name == "torch":
        lib = torch
        lib.backends.cuda.matmul.allow_tf32 = False
    else:
        import retrograd as lib
    mlp_step(lib, (1024, 4096, 4096, 10), 1024, 5, 1)  # warm: kernels compiled, memory pooled
    torch.cuda.synchronize()
    with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA]) as prof:
        t0 = time.perf_counter()
        mlp_step(lib, (1024, 4096, 4096, 10), 1024, 0, 5)
        wall = (time.perf_counter() - t0) / 5
    events = [e for e in prof.key_averages() if e.device_type.name == "CUDA" or e.self_device_time_total > 0]
    events.sort(key=lambda e: -e.self_device_time_total)
    total = sum(e.self_device_time_total for e in events) / 5
    launches = sum(e.count for e in events) / 5
    print(f"{name}: {wall * 1e3:.2f} ms/step wall, {total / 1e3:.2f} ms/step of kernels, {launches:.0f} kernels/step")
    for e in events[:18]:
        print(f"  {e.self_device_time_total / 5 / 1e3:7.3f} ms  x{e.count / 5:5.1f}  {e.key[:90]}")


if __name__ == "__main__":
    main()
