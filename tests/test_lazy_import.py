"""`import retrograd` loads only what tensors and autograd need; the rest loads on first use.

Guards the import-time win (ops families, linalg, nn, ... are not imported until asked for) and
that the lazily loaded names are the same objects as before: `retrograd.<op>`, `ops.<op>`, the
families' `__all__`, and the generated table of where each op lives.
"""

from __future__ import annotations

import importlib
import inspect
import os
import subprocess
import sys

import pytest

import retrograd
import retrograd.ops as ops
from retrograd.ops._export_table import MODULES

SRC = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src")

# modules a bare `import retrograd` must not load (each costs milliseconds nobody asked for)
NOT_AT_IMPORT = [
    "retrograd.nn", "retrograd.optim", "retrograd.linalg", "retrograd.fft", "retrograd.special",
    "retrograd.ops.linalg.composite", "retrograd.ops.linalg.decompositions", "retrograd.ops.linalg.spectral",
    "retrograd.ops.elementwise.pointwise", "retrograd.ops.activation.piecewise", "retrograd.ops.sorting",
    "retrograd.ops.spectral", "retrograd.ops.windows", "retrograd.ops.indexing.subscript",
    "retrograd.ops.reduction.statistics", "retrograd.ops.searching",
    "retrograd.random", "retrograd._generator", "retrograd._cpu_sampling", "retrograd._random_draw",
    "numpy.random", "secrets", "hashlib", "retrograd.return_types", "retrograd._filecheck", "retrograd.backends",
    "retrograd.testing",
]  # fmt: skip


def _loaded_after(code: str) -> set[str]:
    env = {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", "")}
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys; print('\\n'.join(sys.modules))"],
        env=env, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return set(out.split())


def test_import_leaves_the_heavy_parts_unloaded() -> None:
    loaded = _loaded_after("import retrograd")
    assert sorted(loaded & set(NOT_AT_IMPORT)) == []
    assert sum(m.startswith("retrograd.ops.") for m in loaded) < 40


def test_first_use_loads_the_family() -> None:
    loaded = _loaded_after("import retrograd; retrograd.svd; retrograd.tensor([1.0]).exp()")
    assert {"retrograd.ops.linalg.composite", "retrograd.ops.elementwise.pointwise"} <= loaded
    assert "retrograd.nn" not in loaded


def test_names_reach_their_ops() -> None:
    for module, names in MODULES.items():
        defining = importlib.import_module(f"retrograd.ops.{module}")
        for name in names:
            assert getattr(ops, name) is getattr(defining, name), name
            # the top level hands out the function's public face (its `__torch_function__` check)
            assert inspect.unwrap(getattr(retrograd, name)) is getattr(defining, name), name
    assert ops.__all__ == [name for names in MODULES.values() for name in names]
    assert set(ops.__all__) <= set(dir(retrograd)) and set(ops.__all__) <= set(dir(ops))
    assert callable(retrograd.tensor) and ops.legacy_new is importlib.import_module("retrograd.ops.legacy").legacy_new


def test_submodules_are_reachable_as_attributes() -> None:
    assert ops.elementwise.arithmetic.add is ops.add
    assert isinstance(ops.spectral.__all__, list) and callable(ops.spectral.stft)
    assert retrograd.linalg.det is importlib.import_module("retrograd.linalg").det
    with pytest.raises(AttributeError):
        ops.no_such_op  # noqa: B018
    with pytest.raises(AttributeError):
        ops.elementwise.no_such_op  # noqa: B018


def test_star_import_gives_every_op() -> None:
    namespace: dict[str, object] = {}
    exec("from retrograd.ops import *", namespace)
    assert set(ops.__all__) <= set(namespace)


def test_export_table_is_up_to_date() -> None:
    sys.path.insert(0, os.path.join(os.path.dirname(SRC), "tools"))
    try:
        import ops_exports
    finally:
        sys.path.pop(0)
    assert ops_exports.table() == MODULES, "run `PYTHONPATH=src python tools/ops_exports.py`"


def test_random_loads_on_first_use() -> None:
    # a Tensor method that draws numbers loads retrograd.random (and only then its generator)
    loaded = _loaded_after("import retrograd; retrograd.ones(2).sum(); retrograd.zeros(2).uniform_()")
    assert {"retrograd.random", "retrograd._generator", "numpy.random"} <= loaded
    loaded = _loaded_after("import retrograd; retrograd.tensor([0.5]).bernoulli()")
    assert "retrograd.random" in loaded


def test_random_names_are_the_modules() -> None:
    random = importlib.import_module("retrograd.random")
    assert list(retrograd._RANDOM) == random.__all__
    for name in random.__all__:
        assert inspect.unwrap(getattr(retrograd, name)) is inspect.unwrap(getattr(random, name)), name
    assert retrograd.random is random and retrograd.default_generator is random.default_generator
    assert set(random.__all__) <= set(dir(retrograd))


def test_nn_loads_what_is_used() -> None:
    loaded = _loaded_after("import retrograd; retrograd.nn.functional.cross_entropy")
    assert "retrograd.nn.functional.classification_loss" in loaded
    unused = {"retrograd.nn.modules", "retrograd.nn.parallel", "retrograd.distributed", "retrograd.nn.functional.ctc"}
    assert sorted(loaded & unused) == []
    assert "retrograd.nn.modules.linear" in _loaded_after("import retrograd.nn as nn; nn.Linear")


def test_nn_names_are_the_modules() -> None:
    import retrograd.nn as nn
    import retrograd.nn.functional as F
    from retrograd.nn._export_table import FUNCTIONAL, LAYERS

    modules = importlib.import_module("retrograd.nn.modules")
    assert list(LAYERS) == modules.__all__ and set(LAYERS) <= set(nn.__all__) <= set(dir(nn))
    for name in nn.__all__:
        assert getattr(nn, name) is not None, name
    assert nn.Linear is modules.Linear and nn.Parameter is importlib.import_module("retrograd.nn.parameter").Parameter
    for section, names in FUNCTIONAL.items():
        defining = importlib.import_module(f"retrograd.nn.functional.{section}")
        assert getattr(F, section) is defining
        for name in names:
            assert inspect.unwrap(getattr(F, name)) is getattr(defining, name), name
    assert set(F.__all__) <= set(dir(F))
    namespace: dict[str, object] = {}
    exec("from retrograd.nn.functional import *; from retrograd.nn import *", namespace)
    assert set(F.__all__) | set(nn.__all__) <= set(namespace)


def test_nn_export_table_is_up_to_date() -> None:
    sys.path.insert(0, os.path.join(os.path.dirname(SRC), "tools"))
    try:
        import nn_exports
    finally:
        sys.path.pop(0)
    assert nn_exports.render() == open(nn_exports.TABLE, encoding="utf-8").read(), (
        "run `PYTHONPATH=src python tools/nn_exports.py`"
    )


def test_a_training_step_loads_only_its_ops() -> None:
    # relu does not bring the generator (rrelu, which draws, lives apart), cross_entropy not the
    # normalization kernels, and `from retrograd import <submodule>` inside retrograd not `backends`
    loaded = _loaded_after(
        "import retrograd, retrograd.nn.functional as F\n"
        "x = retrograd.ones(4, 3, requires_grad=True)\n"
        "F.cross_entropy(retrograd.relu(x), retrograd.tensor([0, 1, 2, 0])).backward()"
    )
    assert "retrograd.ops.activation.piecewise" in loaded
    unused = {"retrograd._generator", "retrograd._cpu_sampling", "numpy.random", "retrograd.backends",
              "retrograd.ops.fused.normalization", "retrograd.ops.activation.randomized_relu"}  # fmt: skip
    assert sorted(loaded & unused) == []


def test_lazily_loaded_modules_answer_as_attributes() -> None:
    import retrograd.testing

    assert retrograd.return_types.max.__name__ == "max"
    assert retrograd.testing.FileCheck is importlib.import_module("retrograd._filecheck").FileCheck
    assert inspect.unwrap(retrograd.rrelu) is importlib.import_module("retrograd.ops.activation.randomized_relu").rrelu
    with pytest.raises(AttributeError, match="has no attribute 'no_such_name'"):
        retrograd.testing.no_such_name  # noqa: B018
    with pytest.warns(UserWarning, match="'has_cuda' is deprecated"):
        assert retrograd.has_cuda is False
