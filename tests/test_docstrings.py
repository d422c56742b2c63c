"""Docstring coverage of the public API, and the docstrings' examples run as doctests.

Every public name that docs/api-coverage.md lists as present must have a docstring whose first
line is a summary (`NO_SUMMARY_YET` lists the known exceptions). The names in `FULL` (the most
used ones) must also have Args, Returns and a `>>>` example, and their examples must print exactly
what the docstring shows.
"""

from __future__ import annotations

import doctest
import importlib
import inspect
import sys
from pathlib import Path

import pytest

import retrograd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))  # not a package
import api_reference  # noqa: E402

# Public names known to lack a docstring (none now; a name added here must be documented soon).
NO_SUMMARY_YET: set[str] = set()

# The most used names: full docstrings (summary, Args, Returns, a `>>>` example run below).
# Each area lists names relative to its dotted prefix; a Tensor method that runs an op shares
# the op's docstring (`Tensor.sum` is `retrograd.sum`'s text).
FULL_BY_AREA = {
    "retrograd": """
        tensor as_tensor from_numpy zeros ones empty full arange linspace eye randn rand randint randperm
        zeros_like ones_like full_like randn_like rand_like manual_seed
        add sub mul div matmul mm bmm pow exp log sqrt abs neg clamp where maximum minimum sigmoid tanh relu
        sin cos eq gt allclose isclose einsum
        cat stack split chunk reshape permute transpose squeeze unsqueeze flatten
        sum mean std var max min argmax argmin topk sort argsort cumsum prod norm softmax log_softmax
        no_grad enable_grad set_grad_enabled save load compile
    """,
    "retrograd.Tensor": """
        backward item numpy tolist detach requires_grad_ retain_grad register_hook
        view reshape permute transpose squeeze unsqueeze flatten expand repeat contiguous clone to size zero_
        sum mean max min argmax softmax masked_fill index_select gather scatter_
    """,
    "retrograd.autograd": "grad backward Function functional.jacobian functional.hessian",
    "retrograd.func": "grad vmap jacrev jacfwd",
    "retrograd.nn": """
        Module Linear Conv2d ReLU Sequential CrossEntropyLoss MSELoss Embedding LSTM LayerNorm BatchNorm2d Dropout
        functional.relu functional.cross_entropy functional.mse_loss functional.softmax functional.linear
        functional.conv2d init.kaiming_uniform_ init.xavier_uniform_
    """,
    "retrograd.optim": "SGD Adam AdamW lr_scheduler.StepLR",
    "retrograd.utils.data": "DataLoader Dataset TensorDataset",
    "retrograd.linalg": "norm solve inv",
}
FULL = [f"{prefix}.{name}" for prefix, names in FULL_BY_AREA.items() for name in names.split()]
# more names with full docstrings, one dotted name per line, a file per area (tests/docstring_full/*.txt)
FULL += [
    line.strip()
    for listing in sorted((Path(__file__).parent / "docstring_full").glob("*.txt"))
    for line in listing.read_text().splitlines()
    if line.strip() and not line.startswith("#")
]

# Names that take no arguments although their signature says otherwise (nothing to put under Args).
NO_ARGS = {f"retrograd.{n}" for n in ("nn.Module", "utils.data.Dataset", "autograd.Function")}


def _resolve(dotted: str) -> object:
    module, _, rest = dotted.partition(".")
    obj: object = importlib.import_module(module)
    for part in rest.split(".") if rest else ():
        obj = getattr(obj, part)
    return obj


def public_names() -> list[str]:
    """Every name api-coverage.md lists as present, as a dotted retrograd path (the API reference's list)."""
    return api_reference.all_public_names()


def _documentable(obj: object) -> bool:
    """Functions, classes and properties carry docstrings; dtypes, devices and constants do not."""
    return inspect.isroutine(obj) or inspect.isclass(obj) or isinstance(obj, property)


def _doc(dotted: str) -> str:
    owner, _, last = dotted.rpartition(".")
    parent = _resolve(owner)
    obj = inspect.getattr_static(parent, last) if isinstance(parent, type) else getattr(parent, last)
    if not isinstance(obj, property):
        obj = getattr(parent, last)  # Tensor methods resolve to their op on first use
    if not _documentable(obj):
        return "(data)"
    if isinstance(obj, type):
        return obj.__dict__.get("__doc__") or ""  # a class's own docstring, not its base's
    return obj.__doc__ or ""


def takes_no_arguments(dotted: str) -> bool:
    """Whether a callable (a class: its constructor) has no parameters besides `self`, so no Args section."""
    if dotted in NO_ARGS:
        return True
    obj = _resolve(dotted)
    try:
        params = inspect.signature(obj).parameters  # a class: its constructor's, without self
    except (TypeError, ValueError):
        return False
    return not [p for p in params if p != "self"]


def is_full(dotted: str) -> bool:
    """Whether a name's docstring has what FULL asks for: Args (if it takes any), Returns, a `>>>` example."""
    doc = inspect.cleandoc(_doc(dotted))
    has_args = "\nArgs:\n" in doc or takes_no_arguments(dotted)
    return has_args and "\nReturns:\n" in doc and "\nExamples:\n" in doc and ">>> " in doc


def coverage() -> tuple[int, int, int]:
    """(names with a full docstring, names with a summary, public names that carry docstrings).

    Over api-coverage.md's list, less the data names (dtypes, constants, layouts), which are
    objects without docstrings of their own."""
    names = [n for n in public_names() if _doc(n) != "(data)"]
    full = sum(is_full(n) for n in names)
    summaries = sum(bool(_doc(n).strip()) for n in names)
    return full, summaries, len(names)


def test_coverage_report():
    full, summaries, total = coverage()
    print(f"docstrings: {full}/{total} public names with Args + Returns + example, {summaries}/{total} with a summary")
    assert full >= len(FULL)


def test_every_public_name_is_full():
    """Every public function, class and method: summary, Args, Returns and an example (issue 16)."""
    lacking = [n for n in public_names() if _doc(n) != "(data)" and not is_full(n)]
    assert not lacking, f"public names without a full docstring: {lacking}"


def _examples_beyond_full() -> list[str]:
    """Public names outside FULL whose docstring text FULL's names do not already run."""
    seen = {_doc(n) for n in FULL}
    names = []
    for n in public_names():
        doc = _doc(n)
        if doc != "(data)" and ">>> " in doc and doc not in seen:
            seen.add(doc)
            names.append(n)
    return names


def test_every_public_name_has_a_summary():
    names = public_names()
    missing = [n for n in names if not _doc(n).strip() and n not in NO_SUMMARY_YET]
    with_summary = len(names) - len(missing) - len(NO_SUMMARY_YET)
    print(f"summaries: {with_summary}/{len(names)}")
    assert not missing, f"public names without a docstring: {missing}"
    assert len(names) > 1400  # the page was read


def test_exemptions_are_still_needed():
    assert all(not _doc(n).strip() for n in NO_SUMMARY_YET), "document it, then drop it from NO_SUMMARY_YET"


@pytest.mark.parametrize("dotted", FULL)
def test_full_docstring(dotted):
    doc = inspect.cleandoc(_doc(dotted))
    assert doc.splitlines()[0].strip(), "a one-line summary first"
    sections = ("\nReturns:\n", "\nExamples:\n")
    if not takes_no_arguments(dotted):
        sections = ("\nArgs:\n", *sections)
    for section in sections:
        assert section in doc, f"{dotted} lacks {section.strip()}"
    assert ">>> " in doc


@pytest.mark.parametrize("dotted", FULL + _examples_beyond_full())
def test_docstring_examples(dotted):
    """The example prints exactly what the docstring shows (seeded where it draws random numbers)."""
    import retrograd.nn as nn
    import retrograd.nn.functional as F

    retrograd.manual_seed(0)
    test = doctest.DocTestParser().get_doctest(
        _doc(dotted), {"retrograd": retrograd, "nn": nn, "F": F}, dotted, None, 0
    )
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    out: list[str] = []
    runner.run(test, out=out.append)
    assert runner.failures == 0, "".join(out)
    assert test.examples
