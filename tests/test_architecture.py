"""The package's architecture rules, checked: imports point down the layers, the core imports at the top.

The layers are the import-linter contract in pyproject.toml (`lint-imports` checks them in CI);
these tests check that every module is in a layer, that the core has no function-level imports
of retrograd modules, and run the contract where import-linter is installed.
"""

from __future__ import annotations

import ast
import pathlib
import shutil
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "retrograd"
CORE = ("engine", "autograd", "tensor.py", "tensor_methods.py", "_printing.py", "_op_method.py")


def _layers() -> list[list[str]]:
    tomllib = pytest.importorskip("tomllib")
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    (contract,) = [c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers"]
    return [[m.strip() for m in layer.replace("|", ":").split(":")] for layer in contract["layers"]]


def test_every_top_level_module_is_in_a_layer():
    listed = {m for layer in _layers() for m in layer}
    modules = {
        "retrograd." + (p.stem if p.is_file() else p.name)
        for p in PACKAGE.iterdir()
        if (p.suffix == ".py" and p.name != "__init__.py") or (p.is_dir() and (p / "__init__.py").exists())
    }
    assert sorted(modules - listed) == [], "add these modules to a layer in pyproject.toml"


def _function_level_imports(path: pathlib.Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for sub in ast.walk(node):
                relative = isinstance(sub, ast.ImportFrom) and (
                    sub.level > 0 or (sub.module or "").startswith("retrograd")
                )
                absolute = isinstance(sub, ast.Import) and any(a.name.startswith("retrograd") for a in sub.names)
                if relative or absolute:
                    found.append(f"{path.relative_to(PACKAGE)}:{sub.lineno}")
    return found


def test_core_has_no_function_level_imports():
    files = [p for p in PACKAGE.rglob("*.py") if str(p.relative_to(PACKAGE)).startswith(CORE)]
    assert files
    assert [hit for p in files for hit in _function_level_imports(p)] == []


def test_import_layers_contract():
    lint = shutil.which("lint-imports") or str(pathlib.Path(sys.executable).parent / "lint-imports")
    if not pathlib.Path(lint).exists():
        pytest.skip("import-linter is not installed")
    done = subprocess.run([lint], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:]


def test_layers_picture_is_current():
    script = str(ROOT / "tools" / "layers_svg.py")
    done = subprocess.run([sys.executable, script, "--check"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


# --- the layers above the ops use the public Tensor API --------------------------------------

PUBLIC_API_PACKAGES = ("nn", "optim", "utils", "viz", "demo", "distributions")
TENSOR_INTERNALS = ("_data", "_make")  # the NumPy array behind a tensor, and the unchecked wrapper
# nn/parameter.py builds Parameters: a Parameter is a Tensor subclass sharing its source's array,
# so it has to wrap that array itself (Parameter._make(data._data)), as the ops layer does for results.
PUBLIC_API_EXEMPT = {"nn/parameter.py"}


def _tensor_internals_used(path: pathlib.Path, root: pathlib.Path = PACKAGE) -> list[str]:
    """`file:line: code` for each `._data` / `._make` access, or getattr/setattr/hasattr naming one."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        hit = isinstance(node, ast.Attribute) and node.attr in TENSOR_INTERNALS
        hit = hit or (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("getattr", "setattr", "hasattr")
            and any(isinstance(a, ast.Constant) and a.value in TENSOR_INTERNALS for a in node.args[1:2])
        )
        if hit:
            found.append((node.lineno, f"{path.relative_to(root)}:{node.lineno}: {ast.unparse(node)}"))
    return [text for _, text in sorted(found)]


def test_upper_layers_use_the_public_tensor_api():
    """nn, optim, utils, viz, demo and distributions never read a tensor's array or call Tensor._make."""
    assert all((PACKAGE / name).is_file() for name in PUBLIC_API_EXEMPT)
    files = [
        p
        for package in PUBLIC_API_PACKAGES
        for p in sorted((PACKAGE / package).rglob("*.py"))
        if str(p.relative_to(PACKAGE)) not in PUBLIC_API_EXEMPT
    ]
    assert len(files) > 50
    assert [hit for p in files for hit in _tensor_internals_used(p)] == []


def test_the_public_api_scan_finds_internals(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("a = t._data\nb = Tensor._make(a)\nc = getattr(t, '_data', None)\nd = t.data.shape\n")
    hits = _tensor_internals_used(sample, tmp_path)
    assert [hit.split(": ")[0] for hit in hits] == ["sample.py:1", "sample.py:2", "sample.py:3"]
