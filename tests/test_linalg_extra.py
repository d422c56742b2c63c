"""The torch.linalg functions added with complex support: errors, dtypes, refused derivatives."""

from __future__ import annotations

import sys

import numpy as np
import pytest

import retrograd as rg

try:
    import torch
except ImportError:
    torch = None


def test_eig_is_complex_and_reconstructs():
    A = rg.tensor(np.array([[0.0, -1.0], [1.0, 0.0]]))
    w, V = rg.linalg.eig(A)
    assert w.dtype is rg.complex128 and V.dtype is rg.complex128
    np.testing.assert_allclose(sorted(w.numpy().imag), [-1.0, 1.0])
    back = V @ (w.unsqueeze(-1) * rg.linalg.inv(V))
    np.testing.assert_allclose(back.numpy(), A.numpy(), atol=1e-12)
    assert rg.linalg.eigvals(rg.ones(2, 2)).dtype is rg.complex64


def test_lu_reconstructs_and_reports_zero_pivots():
    A = rg.tensor(np.random.default_rng(0).standard_normal((2, 4, 3)))
    P, L, U = rg.linalg.lu(A)
    np.testing.assert_allclose((P @ L @ U).numpy(), A.numpy(), atol=1e-12)
    singular = rg.zeros(3, 3)
    assert int(rg.linalg.lu_factor_ex(singular).info) == 1
    with pytest.raises(RuntimeError) as caught:  # PyTorch's TORCH_CHECK, not a LinAlgError
        rg.linalg.lu_factor(singular)
    assert type(caught.value) is RuntimeError
    assert rg.linalg.lu_factor(rg.eye(3)).pivots.dtype is rg.int32


def test_ex_variants_report_instead_of_raising():
    bad = rg.tensor([[1.0, 2.0], [2.0, 1.0]])
    assert int(rg.linalg.cholesky_ex(bad).info) == 2
    with pytest.raises(rg.linalg.LinAlgError):
        rg.linalg.cholesky_ex(bad, check_errors=True)
    assert int(rg.linalg.solve_ex(rg.zeros(2, 2), rg.ones(2, 1)).info) == 1


def _cholesky_ex_checked_message(m):
    """A GP kernel matrix batch whose second member lost positive-definiteness, checked."""
    batch = m.stack([m.eye(3, dtype=m.float64), -m.eye(3, dtype=m.float64)])
    with pytest.raises(m.linalg.LinAlgError) as caught:
        m.linalg.cholesky_ex(batch, upper=True, check_errors=True)
    return str(caught.value)


def test_cholesky_ex_check_errors_names_cholesky_ex():
    assert _cholesky_ex_checked_message(rg) == (
        "linalg.cholesky_ex: (Batch element 1): The factorization could not be completed because the input is not "
        "positive-definite (the leading minor of order 1 is not positive-definite)."
    )


def test_cholesky_ex_check_errors_message_vs_torch():
    if torch is None:
        pytest.skip("PyTorch is not installed")
    assert _cholesky_ex_checked_message(rg) == _cholesky_ex_checked_message(torch)


def _cholesky_ex_partly_failed_batch(m):
    """Multi-output GP kernels where one batch member lost positive-definiteness."""
    good = m.tensor([[4.0, 2.0], [2.0, 5.0]], dtype=m.float64)
    A = m.stack([good, -m.eye(2, dtype=m.float64), good.flip(0, 1)]).requires_grad_()
    L, info = m.linalg.cholesky_ex(A)
    L[0].sum().backward()
    return L[0].detach().numpy(), L[2].detach().numpy(), info.tolist(), A.grad[0].numpy()


def test_cholesky_ex_factors_the_good_members_of_a_failed_batch():
    L0, L2, info, grad0 = _cholesky_ex_partly_failed_batch(rg)
    np.testing.assert_allclose(L0, [[2.0, 0.0], [1.0, 2.0]])
    np.testing.assert_allclose(L2, [[np.sqrt(5.0), 0.0], [2 / np.sqrt(5.0), np.sqrt(4 - 0.8)]])
    assert info == [0, 1, 0]
    np.testing.assert_allclose(grad0, [[0.1875, 0.125], [0.125, 0.25]])
    failed = rg.linalg.cholesky_ex(rg.stack([rg.eye(2), -rg.eye(2)]), upper=True).L[1]
    assert bool(failed.isnan().all())  # retrograd's stand-in for LAPACK's partial factor


def test_cholesky_ex_good_members_of_a_failed_batch_vs_torch():
    if torch is None:
        pytest.skip("PyTorch is not installed")
    for ours, theirs in zip(_cholesky_ex_partly_failed_batch(rg), _cholesky_ex_partly_failed_batch(torch)):
        np.testing.assert_allclose(ours, theirs, atol=1e-12)


def test_ldl_refuses_derivatives_like_pytorch():
    A = rg.tensor([[2.0, 1.0], [1.0, 3.0]], requires_grad=True)
    LD, piv = rg.linalg.ldl_factor(A)
    with pytest.raises(RuntimeError, match="derivative for aten::linalg_ldl_factor_ex is not implemented"):
        LD.sum().backward()


def test_argument_errors():
    with pytest.raises(RuntimeError, match="must have at least 2 dimensions"):
        rg.linalg.solve_triangular(rg.eye(2), rg.ones(2), upper=True)
    with pytest.raises(RuntimeError, match="^Unknown Complex ScalarType for Long$"):  # PyTorch 2.13's words
        rg.linalg.eig(rg.ones(2, 2, dtype=rg.int64))
    with pytest.raises(RuntimeError, match="Expected a strictly positive integer for 'ind'"):
        rg.linalg.tensorinv(rg.eye(4), ind=0)
    with pytest.raises(RuntimeError, match="input.shape\\[-2\\] must be greater than or equal to input.shape\\[-1\\]"):
        rg.linalg.householder_product(rg.ones(2, 3), rg.ones(2))


def test_upper_cholesky_reads_the_upper_triangle():
    # LAPACK's 'U' factorization never reads below the diagonal: a non-symmetric input shows which
    # triangle was used (PyTorch: the upper one for upper=True, the lower one otherwise)
    a = rg.tensor([[4.0, 1.0], [3.0, 5.0]], dtype=rg.float64)
    upper, lower = rg.linalg.cholesky(a, upper=True), rg.linalg.cholesky(a)
    np.testing.assert_allclose(upper.numpy(), [[2.0, 0.5], [0.0, np.sqrt(5 - 0.25)]])
    np.testing.assert_allclose(lower.numpy(), [[2.0, 0.0], [1.5, np.sqrt(5 - 2.25)]])
    np.testing.assert_array_equal(rg.linalg.cholesky_ex(a, upper=True).L.numpy(), upper.numpy())
    z = rg.tensor([[4.0, 1 + 2j], [9.0, 6.0]], dtype=rg.complex128)
    u = rg.linalg.cholesky(z, upper=True)
    assert "-0.j" not in repr(u)  # zeros print as PyTorch's +0.j
    np.testing.assert_allclose(u.numpy(), [[2.0, 0.5 + 1j], [0.0, np.sqrt(6 - 1.25)]])


def test_cdist_switches_to_the_matrix_product_past_25_rows_as_pytorch():
    # ‖a‖² - 2a·b + ‖b‖² by one product: fast, and it loses digits to cancellation, so a point's
    # distance to itself can be far from 0 (PyTorch prints 0.0884 here too); up to 25 rows, and with
    # donot_use_mm_for_euclid_dist, distances come from the differences and are exact there
    rg.manual_seed(0)
    x = rg.rand(40, 3, requires_grad=True)
    far = x * 10 + 100
    by_products = rg.cdist(far, far)
    assert by_products.diagonal()[0].item() == pytest.approx(0.0883883461356163)
    assert type(by_products.grad_fn).__name__ == "ViewBackward0"
    assert type(by_products.grad_fn.next_functions[0][0]).__name__ == "EuclideanDistBackward0"
    direct = rg.cdist(far, far, compute_mode="donot_use_mm_for_euclid_dist")
    assert (direct.diagonal() == 0).all()
    assert type(rg.cdist(far[:25], far[:25]).grad_fn).__name__ == "CdistBackward0"
    assert (rg.cdist(far[:25], far[:25]).diagonal() == 0).all()
    by_products.sum().backward()
    if torch is not None:
        t = torch.tensor(x.detach().numpy(), requires_grad=True)
        theirs = torch.cdist(t * 10 + 100, t * 10 + 100)
        np.testing.assert_allclose(by_products.detach().numpy(), theirs.detach().numpy(), rtol=1e-6, atol=1e-6)
        theirs.sum().backward()
        np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=1e-4, atol=2e-2)


# float32 points against float64 centroids (a k-means written with torch.from_numpy data): PyTorch
# refuses rather than promote, with the error of the path it takes (its kernel reads x2 as x1's
# type; past 25 rows, the matrix product); with nothing to compute the result has x1's dtype
_CDIST_DTYPES = {
    "mixed": (lambda m: m.cdist(m.ones(3, 2), m.ones(4, 2, dtype=m.float64)),
              RuntimeError, "expected scalar type Float but found Double"),
    "mixed p=1": (lambda m: m.cdist(m.ones(3, 2, dtype=m.float64), m.ones(4, 2), p=1),
                  RuntimeError, "expected scalar type Double but found Float"),
    "mixed by products": (lambda m: m.cdist(m.ones(30, 2, dtype=m.float64), m.ones(40, 2)),
                          RuntimeError, "expected m1 and m2 to have the same dtype, but got: double != float"),
    "half": (lambda m: m.cdist(m.ones(3, 2, dtype=m.float16), m.ones(4, 2)),
             NotImplementedError, "\"cdist\" not implemented for 'Half'"),
    "bfloat16": (lambda m: m.cdist(m.ones(3, 2, dtype=m.bfloat16), m.ones(4, 2, dtype=m.bfloat16)),
                 NotImplementedError, "\"cdist\" not implemented for 'BFloat16'"),
    "no rows": (lambda m: m.cdist(m.ones(0, 2), m.ones(4, 2, dtype=m.float64)).dtype, None, "float32"),
    "no columns": (lambda m: m.cdist(m.ones(3, 0), m.ones(40, 0, dtype=m.float64)).dtype, None, "float32"),
    # batches of kernel inputs that do not broadcast: the batch dims are compared, never the rows
    "batches": (lambda m: m.cdist(m.ones(2, 3, 4), m.ones(3, 5, 4)), RuntimeError,
                "The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0"),
    "batches, p=1": (lambda m: m.cdist(m.ones(5, 2, 3, 4), m.ones(3, 5, 4), p=1), RuntimeError,
                     "The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 1"),
    "batches before dtypes": (lambda m: m.cdist(m.ones(2, 3, 4), m.ones(3, 5, 4, dtype=m.float64)), RuntimeError,
                              "The size of tensor a (2) must match the size of tensor b (3) at non-singleton "
                              "dimension 0"),
}


def _cdist_outcome(m, case):
    call, error, expected = _CDIST_DTYPES[case]
    if error is None:
        return str(call(m)).split(".")[-1]
    with pytest.raises(error) as caught:
        call(m)
    return str(caught.value).split("\n")[0]


@pytest.mark.parametrize("case", list(_CDIST_DTYPES))
def test_cdist_of_mixed_or_half_dtypes_refuses_as_pytorch(case):
    if case == "bfloat16" and not rg.dtypes.HAS_BFLOAT16:
        pytest.skip("no ml_dtypes")
    assert _cdist_outcome(rg, case) == _CDIST_DTYPES[case][2]


@pytest.mark.parametrize("case", list(_CDIST_DTYPES))
def test_cdist_of_mixed_or_half_dtypes_vs_torch(case):
    if torch is None:
        pytest.skip("PyTorch is not installed")
    assert _cdist_outcome(torch, case) == _CDIST_DTYPES[case][2]


def _cdist_zero_grads(m, p):
    """x2's gradient where cdist is flat (p=0 everywhere, p=inf off the largest coordinate)."""
    x1 = m.tensor([[0.0, 1.0, -2.0], [1.0, 0.5, 3.0]], dtype=m.float64)
    x2 = (x1 + m.tensor([1.0, 2.0, 3.0], dtype=m.float64)).requires_grad_()
    (grad,) = m.autograd.grad(m.cdist(x1, x2, p=p).sum(), x2)
    return grad


@pytest.mark.parametrize("p", [0.0, float("inf")])
def test_cdist_zero_gradients_are_positive_zeros(p):
    # x2's rule mirrors x1's rather than negating it, so flat spots print 0., not -0.; for
    # p=inf each pair's gradient is the sign of its largest coordinate of x2 - x1, there only
    grad = _cdist_zero_grads(rg, p)
    expected = [[0.0, 1.0, 1.0], [0.0, 0.0, 2.0]] if p else [[0.0, 0.0, 0.0]] * 2
    np.testing.assert_array_equal(grad.numpy(), expected)
    assert not np.signbit(grad.numpy()).any()
    assert "-0." not in repr(grad)


@pytest.mark.parametrize("p", [0.0, 1.0, 2.0, 3.0, float("inf")])
def test_cdist_gradients_and_their_signs_vs_torch(p):
    if torch is None:
        pytest.skip("PyTorch is not installed")
    ours, theirs = _cdist_zero_grads(rg, p).numpy(), _cdist_zero_grads(torch, p).numpy()
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)
    np.testing.assert_array_equal(np.signbit(ours), np.signbit(theirs))


def _deprecated_calls(m):
    A = m.tensor([[2.0, 1.0], [0.0, 4.0]])
    b = m.tensor([[4.0], [8.0]])
    return [lambda: m.triangular_solve(b, A), lambda: m.cholesky(A @ A.mT), lambda: m.lu(A), lambda: m.qr(A),
            lambda: m.chain_matmul(A, A), lambda: m.lu_solve(b, *m.linalg.lu_factor(A))]


def test_deprecated_solvers_warn(monkeypatch):
    monkeypatch.setattr(sys.modules["retrograd._user_frames"], "_warned_once", set())  # as in a new process
    with pytest.warns(UserWarning, match=r"^torch.triangular_solve is deprecated in favor of torch.linalg.solve_tri"):
        assert rg.triangular_solve(
            rg.tensor([[4.0], [8.0]]), rg.tensor([[2.0, 1.0], [0.0, 4.0]])
        ).solution.tolist() == [
            [1.0],
            [2.0],
        ]


@pytest.mark.skipif(torch is None, reason="needs PyTorch")
def test_deprecation_warnings_match_pytorch(monkeypatch):
    import warnings

    monkeypatch.setattr(sys.modules["retrograd._user_frames"], "_warned_once", set())  # as in a new process
    for ours, theirs in zip(_deprecated_calls(rg), _deprecated_calls(torch)):
        with warnings.catch_warnings(record=True) as mine:
            warnings.simplefilter("always")
            ours()
        with warnings.catch_warnings(record=True) as reference:
            warnings.simplefilter("always")
            theirs()
        if not reference:  # PyTorch warns once a process: an earlier test may have seen it
            continue
        text = str(reference[0].message).split(" (Triggered internally")[0]
        assert [str(w.message) for w in mine] == [text]



_DEPRECATED_ONCE = {  # PyTorch's TORCH_WARN_ONCE: a GP loop calling torch.cholesky warns on its first call only
    "cholesky": lambda m, A: m.cholesky(A),
    "Tensor.cholesky": lambda m, A: A.cholesky(),
    "qr": lambda m, A: m.qr(A),
    "lu": lambda m, A: m.lu(A),
    "lu_solve": lambda m, A: m.lu_solve(A, *m.linalg.lu_factor(A)),
    "triangular_solve": lambda m, A: m.triangular_solve(A, A),
    "chain_matmul": lambda m, A: m.chain_matmul(A, A),
    "meshgrid": lambda m, A: m.meshgrid(A[0], A[1]),
}


@pytest.mark.parametrize("name", list(_DEPRECATED_ONCE))
def test_deprecated_linear_algebra_warns_once_per_process(name, monkeypatch):
    import warnings

    monkeypatch.setattr(sys.modules["retrograd._user_frames"], "_warned_once", set())  # as in a new process
    A = rg.eye(2) * 2
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(3):
            _DEPRECATED_ONCE[name](rg, A)
    assert len(caught) == 1
    assert caught[0].filename == __file__
    if name == "lu":  # the whole of PyTorch's text, with its replacements
        assert str(caught[0].message).endswith(
            "should be replaced with\nLU, pivots, info = torch.linalg.lu_factor_ex(A, compute_pivots)"
        )

# --- dist: PyTorch's promoted dtype, and its error for integer operands ------------------------------


def _dist_outcomes(m):
    f = m.tensor([1.5, 2.5])  # exact in bfloat16 and float16: the mixed pairs' distances are 0
    pairs = [(f.bfloat16(), f), (f, f.bfloat16()), (f.half(), f.bfloat16()), (f, m.tensor([1, 2])),
             (m.tensor([1, 2]), f), (f.double(), f), (m.tensor([1, 2]), m.tensor([1, 3]))]
    seen = []
    for x, y in pairs:
        try:
            d = m.dist(x, y)
            seen.append((str(d.dtype).split(".")[-1], round(d.item(), 4)))
        except RuntimeError as e:
            seen.append(str(e))
    return seen


def test_dist_takes_the_promoted_dtype():
    assert _dist_outcomes(rg) == [
        ("float32", 0.0), ("float32", 0.0), ("float32", 0.0), ("float32", 0.7071), ("float32", 0.7071),
        ("float64", 0.0), "norm(): input dtype should be either floating point or complex. Got Long instead.",
    ]


@pytest.mark.pytorch
def test_dist_dtypes_match_pytorch():
    torch = pytest.importorskip("torch")
    assert _dist_outcomes(rg) == _dist_outcomes(torch)


@pytest.mark.parametrize("name", ["dot", "vdot"])
def test_dot_and_vdot_dtype_error_both_say_dot(name):
    message = r"^dot : expected both vectors to have same dtype, but found Float and Double$"
    with pytest.raises(RuntimeError, match=message):
        getattr(rg, name)(rg.ones(3), rg.ones(3, dtype=rg.float64))
    if torch is not None:
        with pytest.raises(RuntimeError, match=r"^dot : expected both vectors"):
            getattr(torch, name)(torch.ones(3), torch.ones(3, dtype=torch.float64))


def test_linalg_error_is_named_as_pytorch_names_it():
    # torch.linalg.LinAlgError is torch._C._LinAlgError: `type(e).__name__` reads "_LinAlgError".
    with pytest.raises(rg.linalg.LinAlgError) as info:
        rg.linalg.cholesky(-rg.eye(2))
    assert type(info.value).__name__ == "_LinAlgError"
    assert isinstance(info.value, RuntimeError)
    assert repr(info.value).startswith("_LinAlgError('linalg.cholesky: The factorization")


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
def test_linalg_error_name_vs_torch():
    names = []
    for m in (torch, rg):
        try:
            m.linalg.cholesky(-m.eye(2))
        except m.linalg.LinAlgError as e:
            names.append((type(e).__name__, type(e).__qualname__, repr(e)))
    assert names[0] == names[1]


def _solve_errors(m):
    """solve and solve_ex on singular batches and vector right-hand sides: PyTorch's messages."""
    singular = m.stack([m.eye(3), m.zeros(3, 3)])
    calls = [
        lambda: m.linalg.solve(singular, m.ones(2, 3)),
        lambda: m.linalg.solve_ex(singular, m.ones(3), check_errors=True),
        lambda: m.linalg.solve(singular[1:], m.ones(4, 3, 1)),  # A's own batch index, not B's
        lambda: m.linalg.solve(m.stack([singular, singular.flip(0)]), m.ones(3)),  # flattened batch index
        lambda: m.linalg.solve(singular[1], m.ones(3)),
        lambda: m.linalg.solve(m.eye(3), m.ones(3), left=False),  # a vector B is a column: XA = B fails
        lambda: m.linalg.solve(m.eye(3).expand(2, 3, 3), m.ones(2, 3), left=False),
        lambda: m.linalg.solve(m.eye(3), m.tensor(1.0)),
        lambda: m.linalg.solve(m.eye(3).expand(3, 3, 3), m.ones(4, 3, 1)),  # B's batch size named first
    ]
    errors = []
    for call in calls:
        with pytest.raises(RuntimeError) as info:
            call()
        errors.append(f"{type(info.value).__name__}: {info.value}")
    return errors


def test_solve_errors_name_the_batch_element_and_the_equation():
    singular = "The solver failed because the input matrix is singular."
    assert _solve_errors(rg) == [
        f"_LinAlgError: torch.linalg.solve: (Batch element 1): {singular}",
        f"_LinAlgError: torch.linalg.solve_ex: (Batch element 1): {singular}",
        f"_LinAlgError: torch.linalg.solve: (Batch element 0): {singular}",
        f"_LinAlgError: torch.linalg.solve: (Batch element 1): {singular}",
        f"_LinAlgError: torch.linalg.solve: {singular}",
        "RuntimeError: linalg.solve: Incompatible shapes of A and B for the equation XA = B (3x3 and 3x1)",
        "RuntimeError: linalg.solve: Incompatible shapes of A and B for the equation XA = B (3x3 and 3x1)",
        "RuntimeError: linalg.solve: The input tensor B must have at least 2 dimensions.",
        "RuntimeError: The size of tensor a (4) must match the size of tensor b (3) at non-singleton dimension 0",
    ]


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
def test_solve_errors_vs_torch():
    assert _solve_errors(rg) == _solve_errors(torch)


def _singular_batch_solve(m):
    """A batched Newton step where one Hessian of three is singular: solve_ex's result, info and
    the gradient of the invertible member's solution."""
    A = m.tensor([np.eye(3) * 2, np.zeros((3, 3)), np.diag([1.0, 1.0, 0.0])], requires_grad=True)
    b = m.tensor([[1.0, 2.0, 3.0]] * 3, dtype=m.float64, requires_grad=True)
    result, info = m.linalg.solve_ex(A, b)
    result[0].sum().backward()
    finite = lambda t: t.detach().nan_to_num(7.0, 8.0, 9.0).tolist()  # noqa: E731 (nan != nan)
    return finite(result), info.tolist(), finite(A.grad[0]), finite(b.grad)


def test_solve_ex_keeps_the_invertible_members_of_a_singular_batch():
    result, info, grad_a, grad_b = _singular_batch_solve(rg)
    # the invertible member solved (it was NaN with the rest); the singular ones as LAPACK's getrs
    # leaves them (a zero last pivot: inf there, nan above it); nan -> 7, inf -> 8 here
    assert result == [[0.5, 1.0, 1.5], [7.0, 7.0, 8.0], [7.0, 7.0, 8.0]] and info == [0, 1, 3]
    # x = A⁻¹b with A = 2I: d(Σx)/db = ½, d(Σx)/dA = -A⁻ᵀ 1 xᵀ = -½ xᵀ in every row (the
    # singular members' rows of b get NaN through their zero pivots, as in PyTorch)
    assert grad_b == [[0.5] * 3, [7.0] * 3, [7.0] * 3] and grad_a == [[-0.25, -0.5, -0.75]] * 3


def test_solve_ex_of_a_matrix_singular_to_rounding_reports_instead_of_raising():
    rng = np.random.default_rng(0)
    _, a = rng.standard_normal((2, 4, 4))
    a[:, 2] = 2 * a[:, 0] - a[:, 1]  # singular: NumPy's LAPACK LU meets an exact zero pivot, retrograd's
    A = rg.tensor(a)  # (and PyTorch's, of Aᵀ) a tiny one: info 0 there, and solve_ex raised
    result, info = rg.linalg.solve_ex(A, rg.ones(4, dtype=rg.float64))
    assert result.shape == (4,) and int(info) == int(rg.linalg.lu_factor_ex(A).info)


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
def test_solve_ex_of_a_singular_batch_vs_torch():
    assert _singular_batch_solve(rg) == _singular_batch_solve(torch)


def test_vecdot_conjugates_complex_x():
    x = rg.tensor([[1j, 2.0], [1 + 1j, -1j]])
    y = rg.tensor([1j, 1 - 1j])
    # Σ conj(x)·y: (-i)(i) + 2(1 - i) = 3 - 2i;  (1 - i)(i) + (i)(1 - i) = 2 + 2i
    assert rg.linalg.vecdot(x, y).tolist() == [3 - 2j, 2 + 2j]
    with pytest.raises(RuntimeError, match="Expected a floating point or complex tensor as input. Got Long"):
        rg.linalg.vecdot(rg.tensor([1]), rg.tensor([1]))


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
def test_vecdot_complex_vs_torch():
    x, y = np.array([[1j, 2.0], [1 + 1j, -1j]]), np.array([1j, 1 - 1j])
    theirs = torch.linalg.vecdot(torch.tensor(x), torch.tensor(y))
    ours = rg.linalg.vecdot(rg.tensor(x), rg.tensor(y))
    assert ours.tolist() == theirs.tolist() and str(ours.dtype).split(".")[1] == str(theirs.dtype).split(".")[1]


def _phase_outcomes(m):
    """What backward says for losses that do / do not depend on the phases of complex vectors."""
    rng = np.random.default_rng(5)
    a = m.from_numpy(rng.standard_normal((4, 4)))
    z = m.from_numpy(rng.standard_normal((4, 4)) + 1j * rng.standard_normal((4, 4)))

    def eig_real(x):
        return m.linalg.eig(x)[1].real.sum()

    def eig_abs(x):
        return (m.linalg.eig(x)[1].abs() ** 2).sum()

    def eigh_complex(x):
        return m.linalg.eigh(x + x.mH)[1].real.sum()

    def svd_u(x):
        return m.linalg.svd(x, full_matrices=False)[0].real.sum()

    def svd_vh(x):
        return m.linalg.svd(x)[2].imag.sum()

    def svd_product(x):
        U, _, Vh = m.linalg.svd(x, full_matrices=False)
        return (U @ Vh).real.sum()

    outcomes = []
    for loss, x in [(eig_real, a), (eig_abs, a), (eigh_complex, z), (svd_u, z), (svd_vh, z), (svd_product, z)]:
        x = x.clone().requires_grad_()
        try:
            loss(x).backward()
            outcomes.append((loss.__name__, "ok"))
        except RuntimeError as e:
            outcomes.append((loss.__name__, str(e)))
    return outcomes


_EIG_PHASE = ("The eigenvectors in the complex case are specified up to multiplication by e^{i phi}. "
              "The specified loss function depends on this quantity, so it is ill-defined.")
_SVD_PHASE = ("svd_backward: The singular vectors in the complex case are specified up to multiplication by "
              "e^{i phi}. The specified loss function depends on this phase term, making it ill-defined.")


def test_a_loss_that_sees_the_phase_of_complex_vectors_is_refused():
    # eigenvectors and singular vectors are unique only up to e^{iφ}: Re V depends on φ, |V| does not
    assert _phase_outcomes(rg) == [
        ("eig_real", "linalg_eig_backward: " + _EIG_PHASE),
        ("eig_abs", "ok"),
        ("eigh_complex", "linalg_eigh_backward: " + _EIG_PHASE),
        ("svd_u", _SVD_PHASE),
        ("svd_vh", _SVD_PHASE),
        ("svd_product", "ok"),
    ]


def test_a_nan_gradient_of_eigenvectors_is_refused_as_phase_dependent():
    a = rg.tensor([[1.0, 2.0], [3.0, -1.0]], dtype=rg.float64, requires_grad=True)
    V = rg.linalg.eig(a)[1]
    with pytest.raises(RuntimeError, match="^linalg_eig_backward: The eigenvectors"):
        (V.abs().sum() * float("nan")).backward()


def test_phase_dependent_losses_vs_torch():
    torch = pytest.importorskip("torch")
    assert _phase_outcomes(rg) == _phase_outcomes(torch)


def _mixed_triangular_solves(m):
    A = m.tensor([[2.0, 1.0], [0.0, 4.0]])
    B = m.tensor([[4.0], [8.0]], dtype=m.float64)
    return [
        (str(r.dtype).split(".")[-1], r.flatten().tolist())
        for r in (
            m.linalg.solve_triangular(A, B, upper=True),
            m.linalg.solve_triangular(A.double(), B.float(), upper=True),
            m.linalg.solve_triangular(A.expand(3, 2, 2), B, upper=True)[1:2],
            m.linalg.solve_triangular(A, B.mT, upper=True, left=False),
            m.linalg.solve_triangular(A.to(m.complex64), B, upper=False, unitriangular=True),
        )
    ]


def test_solve_triangular_solves_in_the_dtype_of_A():
    assert _mixed_triangular_solves(rg) == [
        ("float32", [1.0, 2.0]),
        ("float64", [1.0, 2.0]),
        ("float32", [1.0, 2.0]),
        ("float32", [2.0, 1.5]),
        ("complex64", [4 + 0j, 8 + 0j]),
    ]
    A = rg.eye(2, requires_grad=True)
    B = rg.ones(2, 1, dtype=rg.float64, requires_grad=True)
    rg.linalg.solve_triangular(A, B, upper=True).sum().backward()
    assert (A.grad.dtype, B.grad.dtype) == (rg.float32, rg.float64)


def test_solve_triangular_mixed_dtypes_vs_torch():
    torch = pytest.importorskip("torch")
    assert _mixed_triangular_solves(rg) == _mixed_triangular_solves(torch)


def _eig_of_nonfinite(m):
    outcomes = []  # (eigvals: PyTorch returns LAPACK's nan-filled values, retrograd refuses as eig does)
    for dtype in (m.float32, m.float64):
        for bad in (float("nan"), float("inf")):
            try:
                m.linalg.eig(m.tensor([[1.0, bad], [0.0, 1.0]], dtype=dtype))
            except RuntimeError as e:
                outcomes.append((type(e).__name__, isinstance(e, m.linalg.LinAlgError), str(e)))
    return outcomes


def test_eig_of_nan_or_inf_is_a_plain_runtime_error():
    message = "torch.linalg.eig: input tensor should not contain infs or NaNs."
    assert _eig_of_nonfinite(rg) == [("RuntimeError", False, message)] * 4


def test_eig_of_nan_or_inf_vs_torch():
    torch = pytest.importorskip("torch")
    assert _eig_of_nonfinite(rg) == _eig_of_nonfinite(torch)


def _distance_tie_grads(m):
    """Gradients of cdist and pdist where the ∞-norm ties (|d| = 1 twice) and with p = 0."""
    a = m.tensor([[0.0, 0.0, 0.0], [1.0, -1.0, 0.5]], dtype=m.float64, requires_grad=True)
    b = m.tensor([[2.0, 2.0, 0.0]], dtype=m.float64)
    inf = float("inf")
    (c_inf,) = m.autograd.grad(m.cdist(a, b, p=inf).sum(), a)
    (p_inf,) = m.autograd.grad(m.pdist(a, p=inf).sum(), a)
    (p_zero,) = m.autograd.grad(m.pdist(a, p=0).sum(), a)
    return c_inf.tolist(), p_inf.tolist(), p_zero.tolist(), type(m.pdist(a).grad_fn).__name__


def test_distance_kernels_give_each_tied_entry_the_whole_gradient():
    # PyTorch's cdist/pdist backward is sign(d)·[|d| = ‖d‖∞] (vector_norm shares a tie instead);
    # pdist with p = 0 has a zero gradient, and its node is PdistBackward0
    c_inf, p_inf, p_zero, node = _distance_tie_grads(rg)
    assert c_inf == [[-1.0, -1.0, 0.0], [0.0, -1.0, 0.0]]
    assert p_inf == [[-1.0, 1.0, 0.0], [1.0, -1.0, 0.0]]
    assert p_zero == [[0.0] * 3] * 2
    assert node == "PdistBackward0"


def test_distance_tie_gradients_vs_torch():
    if torch is None:
        pytest.skip("PyTorch is not installed")
    assert _distance_tie_grads(rg) == _distance_tie_grads(torch)


def _tensordot_size_one(lib):
    """A contracted dim of size 1 on one side broadcasts: the other side's dim is summed out (PyTorch's quirk)."""
    a = lib.arange(6.0, dtype=lib.float64).reshape(2, 3).requires_grad_()
    b = (lib.arange(4.0, dtype=lib.float64) + 1).reshape(1, 4).requires_grad_()
    r = lib.tensordot(a, b, dims=([1], [0]))
    r.pow(2).sum().backward()
    x = lib.tensordot(lib.ones(2, 1), lib.arange(12.0).reshape(3, 4), dims=([1], [0]))
    return [tuple(r.shape), r.tolist(), a.grad.tolist(), b.grad.tolist(), tuple(x.shape), x.tolist()]


def test_tensordot_broadcasts_a_contracted_dim_of_size_one():
    shape, r, a_grad, _, xshape, x = _tensordot_size_one(rg)
    assert shape == (2, 4) and r == [[3.0, 6.0, 9.0, 12.0], [12.0, 24.0, 36.0, 48.0]]  # (sum of a's row) * b
    assert a_grad[0] == [2 * (3 + 12 + 27 + 48)] * 3  # d/da_ij of sum_l (s_i b_l)^2 = 2 s_i sum_l b_l^2
    assert xshape == (2, 4) and x[0] == [12.0, 15.0, 18.0, 21.0]
    with pytest.raises(RuntimeError, match="contracted dimensions need to match, but first has size 3 in dim 1"):
        rg.tensordot(rg.ones(2, 3), rg.ones(2, 4), dims=([1], [0]))


def test_tensordot_size_one_vs_torch():
    torch = pytest.importorskip("torch")
    assert _tensordot_size_one(rg) == _tensordot_size_one(torch)
