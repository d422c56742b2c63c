"""trapezoid and cumulative_trapezoid computed as PyTorch composes them.

The constant-spacing integral is dx * (sum - half of each end), not a sum of averaged pairs, so
its rounding and its node (MulBackward1) are PyTorch's; sample points give (pairs * widths)
summed then halved (DivBackward1). Bool samples, complex or bool spacings, a 0-d `y` and a
wrong number of sample points are refused with PyTorch's errors; so are diff's misfit
`prepend`/`append`.
"""

import numpy as np
import pytest

import retrograd as rg

Y = [1.0, 2.0, 4.0, 7.0]
X = [0.0, 1.0, 3.0, 4.0]


def _calls(m):
    y = m.tensor(Y, requires_grad=True)
    x = m.tensor(X)
    return [
        m.trapezoid(y),
        m.trapezoid(y, dx=0.5),
        m.trapezoid(y, x),
        m.cumulative_trapezoid(y),
        m.cumulative_trapezoid(y, x),
        m.cumulative_trapezoid(y, dx=2),
    ]


def test_values_and_nodes():
    results = _calls(rg)
    assert [r.tolist() for r in results] == [10.0, 5.0, 13.0, [1.5, 4.5, 10.0], [1.5, 7.5, 13.0], [3.0, 9.0, 20.0]]
    names = [type(r.grad_fn).__name__ for r in results]
    assert names == ["MulBackward1"] * 2 + ["DivBackward1", "CumsumBackward0", "DivBackward1", "CumsumBackward0"]


def test_lower_dim_x_lines_up_with_trailing_dims():
    y = rg.ones(2, 3, 4)
    x = rg.arange(12.0).reshape(3, 4)
    assert rg.trapezoid(y, x).tolist() == [[3.0] * 3] * 2
    assert rg.trapezoid(y, x, dim=1).tolist() == [[8.0] * 4] * 2
    assert rg.cumulative_trapezoid(y, x)[0, 0].tolist() == [1.0, 2.0, 3.0]


def test_empty_and_integer_samples():
    empty = rg.trapezoid(rg.zeros(2, 0, dtype=rg.int32))
    assert empty.dtype == rg.int32 and empty.tolist() == [0, 0]
    running = rg.cumulative_trapezoid(rg.zeros(2, 0, dtype=rg.int32))
    assert running.dtype == rg.float32 and running.shape == (2, 0)
    assert rg.trapezoid(rg.tensor([1, 2, 4]), dx=2).item() == 9.0


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda m: m.trapezoid(m.tensor([True, False])), RuntimeError, "received a bool input for `y`"),
        (
            lambda m: m.cumulative_trapezoid(m.tensor([1.0, 2.0]), m.tensor([True, False])),
            RuntimeError,
            "received a bool input for `x` or `y`",
        ),
        (lambda m: m.trapezoid(m.tensor([1.0, 2.0]), dx=1j), RuntimeError, "we only support dx as a real number"),
        (lambda m: m.cumulative_trapezoid(m.tensor([1.0, 2.0]), dx=True), RuntimeError, "only support dx as a real"),
        (
            lambda m: m.trapezoid(m.tensor([1.0, 2.0]), m.tensor([1.0, 2.0, 3.0])),
            RuntimeError,
            "There must be one `x` value for each sample point",
        ),
        (lambda m: m.trapezoid(m.tensor(3.0)), IndexError, "Dimension specified as -1 but tensor has no dimensions"),
        (
            lambda m: m.trapezoid(m.tensor([1.0]), m.tensor([1.0]), dx=2.0),
            TypeError,
            "received an invalid combination of arguments - got (Tensor, Tensor, dx=float)",
        ),
    ],
)
def test_refusals(call, error, message):
    with pytest.raises(error) as info:
        call(rg)
    assert message in str(info.value)


def test_calls_match_pytorch():
    torch = pytest.importorskip("torch")
    for ours, theirs in zip(_calls(rg), _calls(torch)):
        assert ours.tolist() == theirs.tolist()
        assert type(ours.grad_fn).__name__ == type(theirs.grad_fn).__name__
    torch.manual_seed(0)
    y = torch.randn(5, 37)
    ours = rg.tensor(y.numpy())
    assert rg.trapezoid(ours, dx=0.1).tolist() == pytest.approx(torch.trapezoid(y, dx=0.1).tolist(), abs=1e-6)
    x = torch.rand(37).cumsum(0)
    ours_running = rg.cumulative_trapezoid(ours, rg.tensor(x.numpy()))
    assert ours_running.numpy() == pytest.approx(torch.cumulative_trapezoid(y, x).numpy(), abs=1e-5)


def test_refusals_match_pytorch():
    torch = pytest.importorskip("torch")
    for call, _, _ in test_refusals.pytestmark[0].args[1]:
        with pytest.raises(Exception) as ours:
            call(rg)
        with pytest.raises(Exception) as theirs:
            call(torch)
        assert (type(ours.value), str(ours.value)) == (type(theirs.value), str(theirs.value))


def _diff_extra_errors(m):
    x = m.ones(3, 4)
    outcomes = []
    for kw in (
        {"prepend": m.ones(2, 3)}, {"append": m.ones(4)}, {"prepend": m.ones(2, 4, 1)}, {"append": 1.0},
        {"prepend": [1.0]}, {"prepend": m.ones(3, 2), "dim": 0}, {"prepend": m.tensor(1.0)},
        {"append": np.ones((3, 1))},
    ):
        try:
            m.diff(x, **kw)
            outcomes.append("ok")
        except (RuntimeError, TypeError) as e:
            outcomes.append((type(e).__name__, str(e)))
    try:
        m.diff(m.tensor(1.0), prepend=2.0)  # the argument's type is refused before the 0-d input
    except (RuntimeError, TypeError) as e:
        outcomes.append((type(e).__name__, str(e)))
    return outcomes


def test_diff_checks_prepend_and_append_in_pytorchs_words():
    same_dims = "diff expects prepend or append to be the same dimension as input"
    shape = ("diff expects the shape of tensor to prepend or append to match that of input except along the "
             "differencing dimension; input.size({0}) = {1}, but got tensor.size({0}) = {2}")
    assert _diff_extra_errors(rg) == [
        ("RuntimeError", shape.format(0, 3, 2)),
        ("RuntimeError", same_dims),
        ("RuntimeError", same_dims),
        ("TypeError", "diff(): argument 'append' must be Tensor, not float"),
        ("TypeError", "diff(): argument 'prepend' must be Tensor, not list"),
        ("RuntimeError", shape.format(1, 4, 2)),
        ("RuntimeError", same_dims),
        ("TypeError", "diff(): argument 'append' must be Tensor, not numpy.ndarray"),
        ("TypeError", "diff(): argument 'prepend' must be Tensor, not float"),
    ]


def test_diff_prepend_and_append_errors_vs_torch():
    torch = pytest.importorskip("torch")
    assert _diff_extra_errors(rg) == _diff_extra_errors(torch)
