"""Measure how much of PyTorch's public API retrograd has, area by area.

Reads the installed PyTorch's public names (what users call: functions, classes, Tensor
methods), drops the kinds retrograd does not aim at (the rules are `EXCLUDED_*` below, each with
its reason), and checks each remaining name on retrograd. It writes two files:

- `docs/api-coverage.md`: per area, the counts and the names retrograd has and lacks;
- `src/retrograd/_torch_names.py`: the lacking names, by the retrograd module they would live
  in, so a missing name raises an AttributeError that points to the page (no torch import at
  run time).

    python tools/api_coverage.py          # rewrite both files (needs PyTorch)
    python tools/api_coverage.py --check  # exit 1 if either file is out of date
    python tools/api_coverage.py --summary  # print the per-area counts only
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import sys
import types
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "api-coverage.md"
NAMES_MODULE = ROOT / "src" / "retrograd" / "_torch_names.py"


@dataclass(frozen=True)
class Area:
    """One part of PyTorch's API: where its names live in torch and in retrograd."""

    title: str
    torch_path: str  # "torch.nn.functional", or "torch.Tensor" for the methods
    submodules: tuple[str, ...] = ()  # their names count too, written "graph.Node"


AREAS = [
    Area("Top-level functions", "torch"),
    Area("Tensor methods", "torch.Tensor"),
    Area("nn", "torch.nn"),
    Area("nn.functional", "torch.nn.functional"),
    Area("nn.init", "torch.nn.init"),
    Area("nn.utils", "torch.nn.utils", ("rnn", "parametrize", "parametrizations", "prune", "stateless")),
    Area("optim", "torch.optim"),
    Area("lr_scheduler", "torch.optim.lr_scheduler"),
    Area("linalg", "torch.linalg"),
    Area("fft", "torch.fft"),
    Area("signal.windows", "torch.signal.windows"),
    Area("special", "torch.special"),
    Area("autograd", "torch.autograd", ("graph", "forward_ad", "grad_mode", "functional", "profiler")),
    Area("utils.data", "torch.utils.data"),
    Area("distributions", "torch.distributions"),
    Area("testing", "torch.testing"),
]

# --- exclusion rules: what users do not call, or what retrograd does not aim at ------------------

# Name parts ("_"-separated) that mark hardware-vendor kernels and backends.
EXCLUDED_VENDOR_PARTS = {
    "cudnn",
    "miopen",
    "mkldnn",
    "fbgemm",
    "nnpack",
    "vulkan",
    "mps",
    "xla",
    "ipu",
    "hpu",
    "xpu",
    "mtia",
    "mkl",
    "openmp",
    "lapack",
    "cupti",
    "nvtx",
    "itt",
    "nvprof",
    "hip",
    "lazy",
    "ort",
    "dlpack",
    "cudagraph",
}
# Name parts that mark sparse layouts.
EXCLUDED_SPARSE_PARTS = {
    "sparse",
    "coo",
    "csr",
    "csc",
    "bsr",
    "bsc",
    "crow",
    "ccol",
    "nnz",
    "coalesce",
    "coalesced",
    "spmm",
    "smm",
    "hsmm",
    "dsmm",
    "saddmm",
    "sspaddmm",
    "hspmm",
    "dense",
    "jagged",
    "nested",
}
# Name prefixes/parts that mark quantization.
EXCLUDED_QUANT_PREFIXES = (
    "quant",
    "dequant",
    "qint",
    "quint",
    "qscheme",
    "q_",
    "fake_quant",
    "int_repr",
    "choose_qparams",
)
EXCLUDED_QUANT_PARTS = {"quantized", "per_channel", "per_tensor", "qparams"}
# TorchScript/JIT, compiler, dispatcher and build internals that sit at the top level.
EXCLUDED_JIT = {
    "AggregationType",
    "AliasDb",
    "Argument",
    "ArgumentSpec",
    "BenchmarkConfig",
    "BenchmarkExecutionStats",
    "Block",
    "CallStack",
    "Capsule",
    "ClassType",
    "Code",
    "CompilationUnit",
    "CompleteArgumentSpec",
    "ConcreteModuleType",
    "ConcreteModuleTypeBuilder",
    "DeepCopyMemoTable",
    "DeserializationStorageContext",
    "DispatchKey",
    "DispatchKeySet",
    "ErrorReport",
    "ExcludeDispatchKeyGuard",
    "ExecutionPlan",
    "FatalError",
    "FileCheck",
    "FunctionSchema",
    "Future",
    "Gradient",
    "Graph",
    "GraphExecutorState",
    "IODescriptor",
    "InferredType",
    "JITException",
    "LiteScriptModule",
    "LockingLogger",
    "LoggerBase",
    "ModuleDict",
    "Node",
    "NoopLogger",
    "OperatorInfo",
    "PRIVATE_OPS",
    "ParameterDict",
    "BufferDict",
    "PyTorchFileReader",
    "PyTorchFileWriter",
    "ScriptClass",
    "ScriptClassFunction",
    "ScriptDict",
    "ScriptDictIterator",
    "ScriptDictKeyIterator",
    "ScriptFunction",
    "ScriptList",
    "ScriptListIterator",
    "ScriptMethod",
    "ScriptModule",
    "ScriptModuleSerializer",
    "ScriptObject",
    "ScriptObjectProperty",
    "SerializationStorageContext",
    "StaticModule",
    "Tag",
    "ThroughputBenchmark",
    "TracingState",
    "Use",
    "Value",
    "DisableTorchFunction",
    "DisableTorchFunctionSubclass",
    "TYPE_CHECKING",
    "USE_GLOBAL_DEPS",
    "USE_RTLD_GLOBAL_WITH_LIBTORCH",
    "classproperty",
    "compiled_with_cxx11_abi",
    "fork",
    "wait",
    "get_file_path",
    "import_ir_module",
    "import_ir_module_from_buffer",
    "merge_type_from_type_comment",
    "parse_ir",
    "parse_schema",
    "parse_type_comment",
    "unify_type_list",
    "prepare_multiprocessing_environment",
    "cond",
    "while_loop",
    "autocast_decrement_nesting",
    "autocast_increment_nesting",
    "hash_tensor",
    "thread_safe_generator",
    "segment_reduce",
    "SUM",
    "AVG",
    "is_distributed",
    # kernels behind modules and autograd formulas (users call the module or the functional form)
    "batch_norm_backward_elemt",
    "batch_norm_backward_reduce",
    "batch_norm_elemt",
    "batch_norm_gather_stats",
    "batch_norm_gather_stats_with_counts",
    "batch_norm_stats",
    "batch_norm_update_stats",
    "constant_pad_nd",
    "conv_tbc",
    "convolution",
    "norm_except_dim",
    "affine_grid_generator",
    "grid_sampler_2d",
    "grid_sampler_3d",
    "grid_sampler",
    "embedding_renorm_",
    "rnn_relu",
    "rnn_relu_cell",
    "rnn_tanh",
    "rnn_tanh_cell",
    "gru",
    "gru_cell",
    "lstm",
    "lstm_cell",
    "slice_inverse",
    "frobenius_norm",
    "unsafe_chunk",
    "unsafe_split",
    "unsafe_split_with_sizes",
    "is_vulkan_available",
    "from_file",
}
# Removed from torch and Tensor (calling them raises an error naming the torch.linalg replacement).
EXCLUDED_REMOVED = {"eig", "lstsq", "matrix_rank", "solve", "symeig"}
# Internals, removed names and deprecated forms in any area (besides the top level's list above).
EXCLUDED_ANYWHERE = {
    # GPU low-precision matmul kernels and their enums, kernel entry points
    "scaled_mm",
    "scaled_grouped_mm",
    "grouped_mm",
    "ScalingType",
    "SwizzleType",
    "conv_tbc",
    "native_channel_shuffle",
    "hash_tensor",
    "unsafe_chunk",
    "unsafe_split",
    "unsafe_split_with_sizes",
    "slice_inverse",
    "is_maia",
    "to_padded_tensor",
    "assert_int_or_pair",
    "GRID_SAMPLE_INTERPOLATION_MODES",
    "GRID_SAMPLE_PADDING_MODES",
    # sparse tensors' components (`values`, `indices`, ...)
    "indices",
    "values",
    "row_indices",
    "col_indices",
    # legacy Variable flags that raise when used
    "reinforce",
    "volatile",
    # the profiler's and the data pipes' internals (torchdata's DataPipes are deprecated)
    "EnforceUnique",
    "MemRecordsAcc",
    "KinetoStepTracker",
    "DFIterDataPipe",
    "DataChunk",
    "IterDataPipe",
    "MapDataPipe",
    "argument_validation",
    "functional_datapipe",
    "guaranteed_datapipes_determinism",
    "non_deterministic",
    "runtime_validation",
    "runtime_validation_disabled",
    # CUDA-stream and compiler knobs of autograd.graph
    "set_override_stale_capture_stream",
    "set_warn_on_accumulate_grad_stream_mismatch",
    "region_activation_memory_budget",
}
# Low-bit and float8 dtypes with no NumPy counterpart.
EXCLUDED_DTYPES = {
    "bits16",
    "bits1x8",
    "bits2x4",
    "bits4x2",
    "bits8",
    "float4_e2m1fn_x2",
    "float8_e4m3fn",
    "float8_e4m3fnuz",
    "float8_e5m2",
    "float8_e5m2fnuz",
    "float8_e8m0fnu",
    "int1",
    "int2",
    "int3",
    "int4",
    "int5",
    "int6",
    "int7",
    "uint1",
    "uint2",
    "uint3",
    "uint4",
    "uint5",
    "uint6",
    "uint7",
    "bit",
}
# Names that Python's machinery or typing put in a module, not PyTorch's API.
EXCLUDED_HELPERS = {
    "Any",
    "Callable",
    "Optional",
    "Union",
    "List",
    "Tuple",
    "Dict",
    "Sequence",
    "Iterable",
    "Iterator",
    "TypeVar",
    "Generic",
    "overload",
    "annotations",
    "warnings",
    "math",
    "torch",
    "Tensor",
    "DType",
    "Number",
    "boolean_dispatch",
    "handle_torch_function",
    "has_torch_function",
    "has_torch_function_unary",
    "has_torch_function_variadic",
    "BroadcastingList1",
    "BroadcastingList2",
    "BroadcastingList3",
    "deprecated",
    "TypeAlias",
    "ParamSpec",
    "Concatenate",
    "Literal",
    "cast",
    "importlib",
    "inf",
    "nan",
    "reproducibility_notes",
    "sparse_support_notes",
    "tf32_notes",
    "TYPE_CHECKING",
    "dtype",
    "device",
    "Size",
    "Mapping",
    "Generator",
}


def excluded(name: str, area: Area) -> str | None:
    """Why `name` is not counted, or None when it is."""
    if name.startswith("_"):
        return "private"
    parts = set(name.lower().split("_"))
    if parts & EXCLUDED_VENDOR_PARTS:
        return "vendor kernel or backend"
    if parts & EXCLUDED_SPARSE_PARTS or name.endswith("Storage") and name != "UntypedStorage":
        return "sparse layouts and legacy storages"
    low = name.lower()
    if low.startswith(EXCLUDED_QUANT_PREFIXES) or any(p in low for p in EXCLUDED_QUANT_PARTS):
        return "quantization"
    if area.torch_path == "torch":
        if name in EXCLUDED_JIT or name.startswith(("Script", "sym_", "Sym")) or name.endswith("Type"):
            return "TorchScript, compiler and kernel internals"
        if name.startswith(("native_", "get_autocast_", "set_autocast_", "is_autocast_", "fused_")):
            return "TorchScript, compiler and kernel internals"
        if name in EXCLUDED_DTYPES:
            return "low-bit dtypes"
    if area.torch_path in ("torch", "torch.Tensor") and name in EXCLUDED_REMOVED:
        return "removed from PyTorch"
    if name in EXCLUDED_ANYWHERE:
        return "kernel internals, removed or deprecated names"
    if area.torch_path == "torch.nn.init" and not name.endswith("_") and hasattr(_torch_module(area), name + "_"):
        return "deprecated alias of the in-place initialiser"
    if area.torch_path != "torch" and name in EXCLUDED_HELPERS:
        return "a helper imported into the module"
    return None


# --- reading PyTorch -------------------------------------------------------------------------


def _torch_module(area: Area) -> types.ModuleType:
    return importlib.import_module(area.torch_path)


def _module_names(module: types.ModuleType, area: Area) -> list[str]:
    """A module's public names: `__all__` where it lists them, else what `dir` shows from torch."""
    listed = getattr(module, "__all__", None)
    if listed is not None and module.__name__ != "torch":  # torch.__all__ leaves out e.g. `unique`
        names = list(listed)
    else:
        names = [n for n in dir(module) if _defined_in_torch(getattr(module, n, None))]
    return sorted(n for n in set(names) if not isinstance(getattr(module, n, None), types.ModuleType))


def _defined_in_torch(value: object) -> bool:
    if isinstance(value, types.ModuleType):
        return False
    origin = getattr(value, "__module__", None) if (callable(value) or inspect.isclass(value)) else "torch"
    if origin is None:  # builtins of torch._C carry no module; dtypes and constants neither
        return True
    return origin.startswith("torch") and not origin.startswith(("torch._jit_internal", "torch.overrides", "typing"))


def torch_names(area: Area) -> list[str]:
    """The counted names of an area, submodule names written "graph.Node"."""
    import torch

    if area.torch_path == "torch.Tensor":
        names = sorted(n for n in dir(torch.Tensor) if not n.startswith("_"))
    else:
        module = importlib.import_module(area.torch_path)
        names = _module_names(module, area)
        for sub in area.submodules:
            names += [f"{sub}.{n}" for n in _module_names(importlib.import_module(f"{area.torch_path}.{sub}"), area)]
    return [n for n in names if excluded(n.split(".")[-1], area) is None]


# --- reading retrograd ------------------------------------------------------------------------


def retrograd_place(area: Area, dotted: str) -> tuple[str, str, bool]:
    """(the retrograd module the name would live in, the first missing part, whether it is there)."""
    import retrograd

    if area.torch_path == "torch.Tensor":
        return "Tensor", dotted, hasattr(retrograd.Tensor, dotted)
    where = "retrograd" + area.torch_path[len("torch") :]
    parts = where.split(".")[1:] + dotted.split(".")
    obj: object = retrograd
    path = "retrograd"
    for part in parts:
        if not hasattr(obj, part):
            return path, part, False
        obj = getattr(obj, part)
        path += "." + part
    return path, dotted, True


# --- writing ----------------------------------------------------------------------------------


def measure() -> list[tuple[Area, list[str], list[str], dict[str, set[str]]]]:
    """For each area: names retrograd has, names it lacks, and the lacking names by module."""
    results = []
    for area in AREAS:
        have, lack, by_module = [], [], {}
        for name in torch_names(area):
            module, part, present = retrograd_place(area, name)
            (have if present else lack).append(name)
            if not present:
                by_module.setdefault(module, set()).add(part)
        results.append((area, have, lack, by_module))
    return results


def _percent(have: int, total: int) -> str:
    return f"{100 * have / total:.0f}%" if total else "-"


def render_page(results: list, torch_version: str) -> str:
    lines = [
        "# PyTorch API coverage",
        "",
        f"Generated by `python tools/api_coverage.py` against PyTorch {torch_version}; do not edit.",
        "CI fails while this page is out of date. It counts what users call: private names, TorchScript",
        "and compiler internals, quantization, sparse layouts and vendor kernels are left out",
        "(the rules are in the script). A name listed under *missing* raises an AttributeError that",
        "points here.",
        "",
        "| Area | PyTorch names | retrograd has | missing | coverage |",
        "|---|---:|---:|---:|---:|",
    ]
    total_have = total = 0
    for area, have, lack, _ in results:
        n = len(have) + len(lack)
        total_have, total = total_have + len(have), total + n
        link = f"[{area.title}](#{_anchor(area.title)})"
        lines.append(f"| {link} | {n} | {len(have)} | {len(lack)} | {_percent(len(have), n)} |")
    lines.append(f"| **all** | {total} | {total_have} | {total - total_have} | {_percent(total_have, total)} |")
    for area, have, lack, _ in results:
        lines += ["", f"## {area.title}", "", f"`{area.torch_path}`: {len(have)} of {len(have) + len(lack)}.", ""]
        lines.append("**Missing:** " + (", ".join(f"`{n}`" for n in lack) if lack else "none."))
        lines += ["", "**Has:** " + (", ".join(f"`{n}`" for n in have) if have else "none.")]
    return "\n".join(lines) + "\n"


def _anchor(title: str) -> str:
    return "".join(c for c in title.lower().replace(" ", "-") if c.isalnum() or c in "-_")


def render_names(results: list, torch_version: str) -> str:
    merged: dict[str, set[str]] = {}
    for *_, by_module in results:
        for module, names in by_module.items():
            merged.setdefault(module, set()).update(names)
    body = "".join(f'    "{module}": (\n{_wrapped(sorted(merged[module]))}    ),\n' for module in sorted(merged))
    return (
        f"# Generated by tools/api_coverage.py from PyTorch {torch_version}; do not edit.\n"
        '"""PyTorch names retrograd does not have yet, by the retrograd module (or `Tensor`) they belong in."""\n\n'
        "MISSING: dict[str, str] = {\n" + body + "}\n"
    )


def _wrapped(names: list[str], width: int = 100) -> str:
    """Names as adjacent string literals of about `width` characters, one per line."""
    lines, line = [], ""
    for name in names:
        if line and len(line) + len(name) > width:
            lines.append(line)
            line = ""
        line += name + " "
    lines.append(line)
    return "".join(f'        "{text}"\n' for text in lines)


def summary(results: list) -> str:
    rows = []
    for area, have, lack, _ in results:
        n = len(have) + len(lack)
        rows.append(f"{area.title:22} {len(have):4} / {n:4}  {_percent(len(have), n):>4}")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the committed files are out of date")
    parser.add_argument("--summary", action="store_true", help="print the per-area counts only")
    args = parser.parse_args(argv)
    import torch

    version = torch.__version__.split("+")[0]
    results = measure()
    if args.summary:
        print(summary(results))
        return 0
    outputs = {PAGE: render_page(results, version), NAMES_MODULE: render_names(results, version)}
    if args.check:
        stale = [p for p, text in outputs.items() if not p.exists() or p.read_text() != text]
        for p in stale:
            print(f"{p.relative_to(ROOT)} is out of date: run python tools/api_coverage.py", file=sys.stderr)
        return 1 if stale else 0
    for p, text in outputs.items():
        p.write_text(text)
    print(summary(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
