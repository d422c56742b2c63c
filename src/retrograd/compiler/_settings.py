"""What `torch._dynamo.config` and `torch._inductor.config` share: `patch`, and the inductor
settings programs set (PyTorch's defaults), which `compile(options=...)` accepts as well.

The inductor settings say how PyTorch generates its kernels (autotuning, fusion, caches, CUDA
graphs, debug traces); the code here has no such choices, so they are kept and change nothing.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

__all__ = ["INDUCTOR_DEFAULTS", "patch"]

# name (a section's settings as "section.name") -> PyTorch's default
INDUCTOR_DEFAULTS: dict[str, Any] = {
    "coordinate_descent_tuning": False, "coordinate_descent_check_all_directions": False,
    "fx_graph_cache": True, "fx_graph_remote_cache": None, "autotune_local_cache": True,
    "epilogue_fusion": True, "max_autotune": False, "max_autotune_pointwise": False, "max_autotune_gemm": False,
    "max_autotune_gemm_backends": "ATEN,TRITON,CPP", "conv_1x1_as_mm": False, "freezing": False,
    "fallback_random": False, "shape_padding": True, "aggressive_fusion": False, "force_fuse_int_mm_with_mul": False,
    "use_mixed_mm": True, "cpp_wrapper": False, "benchmark_kernel": False, "debug": False, "compile_threads": 2,
    "split_reductions": True, "permute_fusion": False, "layout_optimization": True, "keep_output_stride": True,
    "implicit_fallbacks": True, "size_asserts": True, "nan_asserts": False, "unroll_reductions_threshold": 8,
    "developer_warnings": False, "emulate_precision_casts": False, "allow_buffer_reuse": True,
    "b2b_gemm_pass": False, "group_fusion": False, "pattern_matcher": True, "reorder_for_locality": True,
    "use_fast_math": False,
    "triton.cudagraphs": False, "triton.cudagraph_trees": True, "triton.unique_kernel_names": True,
    "triton.descriptive_names": "original_aten", "triton.max_tiles": None,
    "trace.enabled": False, "trace.graph_diagram": False,
    "cpp.simdlen": None, "cpp.threads": -1,
    "cuda.arch": None,
}  # fmt: skip


def _resolve(config: Any, name: str) -> tuple[Any, str]:
    """The object that holds a (dotted) setting, and its last name."""
    *sections, last = name.split(".")
    for section in sections:
        config = getattr(config, section)
    return config, last


@contextlib.contextmanager
def _patched(config: Any, changes: dict[str, Any]) -> Iterator[None]:
    places = {name: _resolve(config, name) for name in changes}
    before = {name: getattr(holder, last) for name, (holder, last) in places.items()}  # unknown names raise here
    try:
        for name, value in changes.items():
            holder, last = places[name]
            setattr(holder, last, value)
        yield
    finally:
        for name, value in before.items():
            holder, last = places[name]
            setattr(holder, last, value)


def patch(config: Any, arg1: str | dict[str, Any] | None, arg2: Any, kwargs: dict[str, Any]) -> Any:
    """A context manager and decorator that changes settings of `config` and restores them:
    `patch("name", value)`, `patch(name=value, ...)` or `patch({"name": value})`."""
    changes = dict(kwargs)
    if isinstance(arg1, dict):
        changes.update(arg1)
    elif arg1 is not None:
        if arg2 is None:
            raise AssertionError("second argument must be passed when the first is a string")
        changes[arg1] = arg2
    return _patched(config, changes)
