"""torch.sparse.check_sparse_tensor_invariants: the switch of the sparse constructors' index checks,
and PyTorch's once-per-process warning while a program has set neither it nor `check_invariants`."""

from __future__ import annotations

import subprocess
import sys
import warnings

import pytest

import retrograd as rg
from retrograd.ops.sparse import invariants

try:
    import torch
except ImportError:
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="needs PyTorch")

I, V = [[0, 1], [1, 0]], [1.0, 2.0]


@pytest.fixture
def fresh_switch(monkeypatch):
    """The switch as a new process has it: never set, the warning not yet given."""
    monkeypatch.setattr(invariants, "_switch", None)
    monkeypatch.setattr(invariants, "_warned", False)


def _warnings_of(make) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        make()
    return [str(w.message) for w in caught]


def test_first_unset_call_warns_once(fresh_switch):
    first = _warnings_of(lambda: rg.sparse_coo_tensor(I, V, (2, 2)))
    assert len(first) == 1 and first[0].startswith("Sparse invariant checks are implicitly disabled.")
    assert _warnings_of(lambda: rg.sparse_coo_tensor(I, V, (2, 2))) == []


def test_explicit_argument_or_switch_keeps_quiet(fresh_switch):
    assert _warnings_of(lambda: rg.sparse_coo_tensor(I, V, (2, 2), check_invariants=False)) == []
    rg.sparse.check_sparse_tensor_invariants.disable()
    assert _warnings_of(lambda: rg.sparse_coo_tensor(I, V, (2, 2))) == []
    assert not rg.sparse.check_sparse_tensor_invariants.is_enabled()


def test_warning_names_the_callers_line(fresh_switch):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rg.sparse_coo_tensor(I, V)
    assert caught[0].filename == __file__


def test_switch_as_context_manager_and_decorator(fresh_switch):
    switch = rg.sparse.check_sparse_tensor_invariants
    with switch():
        assert switch.is_enabled()
        with switch(False):
            assert not switch.is_enabled()
        assert switch.is_enabled()
    assert not switch.is_enabled()

    @switch()
    def inside() -> bool:
        return switch.is_enabled()

    assert inside() and not switch.is_enabled()
    manager = switch()
    with manager, pytest.raises(RuntimeError, match="already activated"), manager:
        pass


def test_disabled_switch_skips_the_bounds_check(fresh_switch):
    rg.sparse.check_sparse_tensor_invariants.disable()
    s = rg.sparse_coo_tensor([[0, 3]], [1.0, 2.0], (2,))  # index 3 past size 2: not checked
    assert s._nnz() == 2
    with pytest.raises(RuntimeError, match="size is inconsistent with indices"):
        rg.sparse_coo_tensor([[0, 3]], [1.0, 2.0], (2,), check_invariants=True)


def test_loading_a_checkpoint_does_not_warn(fresh_switch, tmp_path):
    path = tmp_path / "adj.pt"
    rg.save(rg.sparse_coo_tensor(I, V, (2, 2), check_invariants=True), path)
    assert _warnings_of(lambda: rg.load(path)) == []


_PROGRAM = """
import warnings, torch
warnings.simplefilter("always")
i, v = torch.tensor([[0, 1], [1, 0]]), torch.tensor([1.0, 2.0])
with warnings.catch_warnings(record=True) as w:
    torch.sparse_coo_tensor(i, v, (2, 2), check_invariants=False)
    torch.sparse_coo_tensor(i, v, (2, 2))
    torch.sparse_coo_tensor(i, v)
print(len(w), str(w[0].message).split("  (Triggered")[0] if w else "")
print(torch.sparse.check_sparse_tensor_invariants.is_enabled())
with torch.sparse.check_sparse_tensor_invariants():
    print(torch.sparse.check_sparse_tensor_invariants.is_enabled())
"""


@needs_torch
@pytest.mark.pytorch
def test_warning_and_switch_match_pytorch(tmp_path):
    script = tmp_path / "prog.py"
    script.write_text(_PROGRAM)

    def run(*launcher: str) -> str:
        done = subprocess.run([sys.executable, *launcher, str(script)], capture_output=True, text=True, check=True)
        return done.stdout

    assert run("-m", "retrograd", "run") == run()
    assert run().startswith("1 Sparse invariant checks are implicitly disabled.")


def test_adagrad_on_a_sparse_gradient_gives_the_warning(fresh_switch):
    emb = rg.nn.Embedding(4, 2, sparse=True)
    opt = rg.optim.Adagrad(emb.parameters())
    emb(rg.tensor([1, 2])).sum().backward()
    (message,) = _warnings_of(opt.step)  # PyTorch's Adagrad builds its update with torch.sparse_coo_tensor
    assert message.startswith("Sparse invariant checks are implicitly disabled.")
    assert _warnings_of(lambda: rg.sparse_coo_tensor(I, V, (2, 2))) == []
