"""No public function accepts an argument and ignores it.

For every public function and method (the top-level namespace, `linalg`, `nn.functional`,
`autograd`, `func`, `nn.init`, `fft`, `special`, the classes of `nn`, `optim` and `utils.data`,
and `Tensor`),
each parameter must be read somewhere in the function's body. A function whose body only
raises, or a parameter listed in `EXEMPT` with the reason, is the exception.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import textwrap

import retrograd

MODULES = [
    "retrograd", "retrograd.linalg", "retrograd.nn.functional", "retrograd.autograd", "retrograd.func",
    "retrograd.nn.init", "retrograd.nn", "retrograd.optim", "retrograd.utils.data", "retrograd.fft",
    "retrograd.special",
]  # fmt: skip

# "qualified name": {parameter: why it may go unread}
EXEMPT = {
    "Tensor.__init__": {"args": "Tensor.__new__ reads them", "kwargs": "Tensor.__new__ reads them"},
    "Tensor.type": {"non_blocking": "CPU copies are synchronous: PyTorch ignores it on CPU too"},
    "TensorMethods.copy_": {"non_blocking": "CPU copies are synchronous: PyTorch ignores it on CPU too"},
    "Tensor.cuda": {"non_blocking": "copies here are synchronous: the same values, PyTorch only may return earlier"},
    "compile": {"isolate_recompiles": "every call site keeps its own cache already (recompiles are always isolated)"},
    "load": {"mmap": "the file is read into memory either way: the same tensors, mmap only saves memory"},
    # torch's top-level norms take a flag that picks cuDNN's kernel: the same values either way
    **{name: {"cudnn_enabled": "picks PyTorch's cuDNN kernel, which gives the same values"}
       for name in ("batch_norm", "group_norm", "instance_norm")},
    "layer_norm": {"cudnn_enable": "picks PyTorch's cuDNN kernel, which gives the same values"},
    "nn._LazyConvMixin.initialize_parameters": {
        "args": "the forward's other arguments (output_size) do not shape the parameters, as in PyTorch",
        "kwargs": "the forward's other arguments do not shape the parameters, as in PyTorch",
    },
    "nn.UninitializedParameter.__init__": {
        "requires_grad": "__new__ reads it", "device": "__new__ reads it", "dtype": "__new__ reads it",
    },
    "nn.UninitializedBuffer.__init__": {
        "requires_grad": "__new__ reads it", "device": "__new__ reads it", "dtype": "__new__ reads it",
        "persistent": "UninitializedBuffer.__new__ reads it",
    },
    "nn.Identity.__init__": {
        "args": "PyTorch's Identity ignores them too",
        "kwargs": "PyTorch's Identity ignores them",
    },
    "sort": {"stable": "sorting is always stable, one of the orders stable=False allows"},
    "argsort": {"stable": "sorting is always stable, one of the orders stable=False allows"},
    "topk": {"sorted": "results are always sorted, one of the orders sorted=False allows"},
    "unique": {"sorted": "values always come out sorted, as PyTorch's CPU kernel gives them whatever `sorted` says"},
    "scalar_like": {"t": "internal helper kept for its callers (not a PyTorch name)"},
    **{
        f"nn.functional.{pool}_with_indices": {"return_indices": "PyTorch's signature; always returns indices"}
        for pool in (
            "max_pool1d",
            "max_pool2d",
            "max_pool3d",
            "adaptive_max_pool1d",
            "adaptive_max_pool2d",
            "adaptive_max_pool3d",
            "fractional_max_pool2d",
            "fractional_max_pool3d",
        )
    },  # fmt: skip
    "expand_copy": {"implicit": "a mark for PyTorch's tracer: the expansion is the same either way"},
    "nn.functional.embedding": {"sparse": "no sparse tensors: the gradient has the same values, dense"},
    "func.jacrev": {"_preallocate_and_copy": "PyTorch's private speed switch; same results either way"},
    "autograd.FunctionCtx.apply": {"wanted": "engine protocol: custom functions compute every gradient"},
    "autograd.Function.__init__": {
        "args": "instantiating a Function only warns, as PyTorch's: its arguments are never used",
        "kwargs": "instantiating a Function only warns, as PyTorch's: its arguments are never used",
    },
    # no sparse tensors: `masked` only changes how sparse inputs are checked
    "autograd.gradcheck": {"masked": "no sparse tensors: it only concerns sparse inputs"},
}


def _unread(fn) -> list[str]:
    try:
        source = textwrap.dedent(inspect.getsource(fn))
    except (OSError, TypeError):
        return []
    node = ast.parse(source).body[0]
    if not isinstance(node, ast.FunctionDef):
        return []
    body = [s for s in node.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    if all(isinstance(s, ast.Raise) for s in body):
        return []  # refuses every call
    a = node.args
    params = [p.arg for p in a.posonlyargs + a.args + a.kwonlyargs]
    params += [p.arg for p in (a.vararg, a.kwarg) if p is not None]
    read = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
    return [p for p in params if p not in read and p not in ("self", "cls")]


def _public_names():
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        prefix = module_name.removeprefix("retrograd").lstrip(".")
        prefix = prefix + "." if prefix else ""
        for name in getattr(module, "__all__", dir(module)):
            obj = getattr(module, name, None)
            if not name.startswith("_") and obj is not None:
                yield prefix, name, obj


def _public_functions():
    """(qualified name, function): module functions first, then the methods of public classes."""
    seen = set()  # code objects: a method made from an op (`Tensor.sum`) shares the op's code
    for prefix, name, face in _public_names():
        obj = inspect.unwrap(face) if callable(face) else face  # (a public face: the function it hands to)
        if inspect.isfunction(obj) and obj.__code__ not in seen:
            seen.add(obj.__code__)
            yield prefix + name, obj
    for prefix, _, obj in _public_names():
        if not (inspect.isclass(obj) and obj.__module__.startswith("retrograd")):
            continue
        owner = "" if obj is retrograd.Tensor else prefix
        for klass in obj.__mro__:
            if not klass.__module__.startswith("retrograd"):
                continue
            for attr, fn in vars(klass).items():
                public = not attr.startswith("_") or attr == "__init__"
                if inspect.isfunction(fn) and public and fn.__code__ not in seen:
                    seen.add(fn.__code__)
                    yield f"{owner}{klass.__name__}.{attr}", fn


def test_no_public_function_ignores_an_argument():
    import retrograd._functional_aliases as lazy  # top-level names loaded on first use: check them too

    for alias in lazy.__all__:
        getattr(retrograd, alias)
    found = {}
    for name, fn in _public_functions():
        unread = [p for p in _unread(fn) if p not in EXEMPT.get(name, {})]
        if unread:
            found[name] = unread
    assert found == {}
