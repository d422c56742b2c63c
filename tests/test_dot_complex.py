"""dot and vdot on complex vectors: vdot conjugates its first argument; both gradients follow
PyTorch's convention (the partner conjugated)."""

import pytest

import retrograd


@pytest.mark.parametrize("name", ["dot", "vdot"])
def test_complex_value_and_grad_match_torch(name):
    torch = pytest.importorskip("torch")
    a, b = [1 + 2j, 3 - 1j], [2 - 1j, 1j]
    results = []
    for m in (retrograd, torch):
        x, y = m.tensor(a, requires_grad=True), m.tensor(b, requires_grad=True)
        out = getattr(m, name)(x, y)
        (out.real + 2 * out.imag).backward()
        results.append([complex(out.item()), *x.grad.tolist(), *y.grad.tolist()])
    assert results[0] == pytest.approx(results[1])


def test_vdot_conjugates_the_first_argument():
    a = retrograd.tensor([1 + 2j, 3 - 1j])
    assert retrograd.vdot(a, a).item() == 15
