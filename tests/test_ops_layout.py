"""The layout of `retrograd.ops`: public names reachable as before, each op made in one place."""

from __future__ import annotations

import ast
import collections
import importlib
import inspect
import os
import pkgutil
import types

import retrograd
import retrograd.ops as ops
from retrograd.engine.primitive import defined
from retrograd.ops import rules

PACKAGES = ("activation", "elementwise", "indexing", "linalg", "reduction", "shape", "sparse", "spectral")


def _modules() -> list:
    return [importlib.import_module(i.name) for i in pkgutil.walk_packages(ops.__path__, "retrograd.ops.")]


def test_public_names_reach_the_top_level() -> None:
    assert len(ops.__all__) == len(set(ops.__all__))
    for name in ops.__all__:
        assert inspect.unwrap(getattr(retrograd, name)) is getattr(ops, name), name  # its public face


def test_packages_gather_their_modules() -> None:
    gathered = []
    for pkg_name in PACKAGES:
        pkg = importlib.import_module(f"retrograd.ops.{pkg_name}")
        assert len(pkg.__all__) == len(set(pkg.__all__)), pkg_name
        for name in pkg.__all__:
            assert getattr(pkg, name) is getattr(ops, name), (pkg_name, name)
        gathered += pkg.__all__
    # single-module families (creation, copying, sorting, ...); rules, nn_support, flat_groups,
    # autocast_policy and embeddings are tools (for the layers above), not ops
    tools = tuple(
        vars(ops).get(name) for name in ("rules", "nn_support", "flat_groups", "autocast_policy", "embeddings")
    )
    flat = [n for m in vars(ops).values() if isinstance(m, types.ModuleType) and not hasattr(m, "__path__")
            and m not in tools for n in getattr(m, "__all__", ())]
    assert set(gathered) | set(flat) == set(ops.__all__)


def test_underscore_only_on_modules_without_public_names() -> None:
    for module in _modules():
        leaf = module.__name__.rsplit(".", 1)[1]
        if leaf.startswith("_"):
            assert not getattr(module, "__all__", []), module.__name__


def _code_lines(path: str) -> int:
    """Lines of a source file, not counting docstrings: documentation does not make a file too big."""
    with open(path, encoding="utf-8") as f:
        source = f.read()
    documented = set()
    for node in ast.walk(ast.parse(source)):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            value = body[0].value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                documented.update(range(value.lineno, value.end_lineno + 1))
    return sum(1 for n in range(1, source.count("\n") + 2) if n not in documented)


def test_files_stay_small() -> None:
    # split by meaning, not length; but an ops file past ~400 lines of code holds more than one job
    for module in _modules():
        assert _code_lines(module.__file__) <= 410, module.__name__


def test_each_op_made_in_one_file() -> None:
    rules.load_all()
    files = collections.defaultdict(set)
    for prim, sites in defined():
        sites = [s for s in sites if not s[0].startswith("<")] or sites  # not a doctest's or a REPL's frame
        made = sites[-1] if sites[-1][2] == "<module>" else sites[0]
        files[prim.name].add(os.path.normpath(made[0]))
    twice = {name: sorted(paths) for name, paths in files.items() if len(paths) > 1}
    assert not twice
