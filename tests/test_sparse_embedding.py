"""nn.Embedding(sparse=True): a sparse COO gradient of the rows looked up, and the optimizers
that take one (SGD, Adagrad, SparseAdam) or refuse it with PyTorch's errors."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg

from .torch_machine import assert_pytorch_bits

try:
    import torch
except ImportError:
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="needs PyTorch")


def test_gradient_is_sparse_with_one_entry_per_position():
    w = rg.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], requires_grad=True)
    out = rg.nn.functional.embedding(rg.tensor([[2, 0], [2, 1]]), w, sparse=True)
    assert type(out.grad_fn).__name__ == "EmbeddingBackward0"
    (out * rg.tensor([1.0, 10.0])).sum().backward()
    g = w.grad
    assert g.is_sparse and g.layout is rg.sparse_coo and not g.is_coalesced()
    assert g._indices().tolist() == [[2, 0, 2, 1]]
    assert g._values().tolist() == [[1.0, 10.0]] * 4
    assert g.to_dense().tolist() == [[1.0, 10.0], [1.0, 10.0], [2.0, 20.0]]


def test_padding_rows_are_dropped_and_one_entry_is_coalesced():
    w = rg.ones(4, 2, requires_grad=True)
    rg.nn.functional.embedding(rg.tensor([3, 0, 3]), w, padding_idx=3, sparse=True).sum().backward()
    assert w.grad._indices().tolist() == [[0]] and w.grad.is_coalesced()
    w.grad = None
    rg.nn.functional.embedding(rg.tensor([3]), w, padding_idx=3, sparse=True).sum().backward()
    assert w.grad._nnz() == 0 and tuple(w.grad._values().shape) == (0, 2)


def test_scale_grad_by_freq_is_refused_at_backward():
    w = rg.ones(4, 2, requires_grad=True)
    out = rg.nn.functional.embedding(rg.tensor([1, 1]), w, scale_grad_by_freq=True, sparse=True)
    with pytest.raises(RuntimeError, match="scale_grad_by_freq not supported with sparse gradients"):
        out.sum().backward()


def test_sparse_into_dense_gradient_accumulates_in_place():
    w = rg.ones(3, 2, requires_grad=True)
    w.grad = rg.zeros(3, 2)
    before = w.grad
    rg.nn.functional.embedding(rg.tensor([0, 0, 2]), w, sparse=True).sum().backward()
    assert w.grad is before and not w.grad.is_sparse
    assert w.grad.tolist() == [[2.0, 2.0], [0.0, 0.0], [1.0, 1.0]]


def _train(m, make_opt, steps=3):
    m.manual_seed(1)
    emb = m.nn.Embedding(7, 3, sparse=True, padding_idx=6)
    opt = make_opt(m, emb.parameters())
    for _ in range(steps):
        opt.zero_grad()
        (emb(m.randint(0, 7, (4, 3))) ** 2).sum().backward()
        opt.step()
    return emb.weight.detach().numpy().copy()


OPTIMIZERS = {
    "SGD": lambda m, ps: m.optim.SGD(ps, lr=0.5),
    "SGD-maximize": lambda m, ps: m.optim.SGD(ps, lr=0.1, maximize=True),
    "SGD-momentum": lambda m, ps: m.optim.SGD(ps, lr=0.1, momentum=0.9, dampening=0.1),
    "SGD-nesterov": lambda m, ps: m.optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True, maximize=True),
    "Adagrad": lambda m, ps: m.optim.Adagrad(ps, lr=0.5, lr_decay=0.01),
    "SparseAdam": lambda m, ps: m.optim.SparseAdam(ps, lr=0.05),
    "SparseAdam-maximize": lambda m, ps: m.optim.SparseAdam(ps, lr=0.05, maximize=True),
}


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_optimizers_update_only_the_rows_used(name):
    rg.manual_seed(1)
    start = rg.nn.Embedding(7, 3, sparse=True, padding_idx=6).weight.detach().numpy().copy()
    w = _train(rg, OPTIMIZERS[name])
    assert np.array_equal(w[6], start[6])  # the padding row never moves
    assert not np.array_equal(w, start)


def test_sparse_adam_first_step_by_hand():
    w = rg.nn.Parameter(rg.tensor([[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]]))
    opt = rg.optim.SparseAdam([w], lr=0.1)
    rg.nn.functional.embedding(rg.tensor([0, 0]), w, sparse=True).sum().backward()
    opt.step()
    # one step of Adam moves a coordinate by lr (the gradient 2 on row 0 only)
    np.testing.assert_allclose(w.detach().numpy(), [[0.9, 0.9], [2.0, 2.0], [3.0, 3.0]], rtol=1e-6)
    assert opt.state[w]["step"] == 1 and opt.state[w]["exp_avg"].tolist()[1] == [0.0, 0.0]


@needs_torch
@pytest.mark.pytorch
@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_optimizers_match_pytorch(name):
    assert_pytorch_bits(_train(rg, OPTIMIZERS[name]), _train(torch, OPTIMIZERS[name]))


REFUSALS = {
    "Adam": (lambda m, ps: m.optim.Adam(ps), "Adam does not support sparse gradients, please consider SparseAdam"),
    "AdamW": (lambda m, ps: m.optim.AdamW(ps), "Adam does not support sparse gradients, please consider SparseAdam"),
    "RMSprop": (lambda m, ps: m.optim.RMSprop(ps), "RMSprop does not support sparse gradients"),
    "NAdam": (lambda m, ps: m.optim.NAdam(ps), "NAdam does not support sparse gradients"),
    "SGD-decay": (lambda m, ps: m.optim.SGD(ps, lr=0.1, weight_decay=0.1), r"add\(sparse, dense\) is not supported"),
    "Adagrad-decay": (lambda m, ps: m.optim.Adagrad(ps, weight_decay=0.1), "weight_decay option is not compatible"),
}


@pytest.mark.parametrize("name", list(REFUSALS))
def test_other_optimizers_refuse_sparse_gradients(name):
    make, message = REFUSALS[name]
    emb = rg.nn.Embedding(4, 2, sparse=True)
    opt = make(rg, emb.parameters())
    emb(rg.tensor([0, 1])).sum().backward()
    before = emb.weight.detach().clone()
    with pytest.raises(RuntimeError, match=message):
        opt.step()
    assert rg.equal(emb.weight, before)


def test_sparse_adam_refuses_dense_gradients():
    w = rg.nn.Parameter(rg.ones(2))
    (w * 2).sum().backward()
    with pytest.raises(RuntimeError, match="SparseAdam does not support dense gradients"):
        rg.optim.SparseAdam([w]).step()


def test_word2vec_style_training_matches_pytorch_losses():
    def run(m):
        m.manual_seed(0)
        center, context = m.nn.Embedding(20, 8, sparse=True), m.nn.Embedding(20, 8, sparse=True)
        opt = m.optim.SparseAdam(list(center.parameters()) + list(context.parameters()), lr=0.05)
        losses = []
        c, o = m.randint(0, 20, (16,)), m.randint(0, 20, (16, 3))
        for _ in range(5):
            score = (center(c).unsqueeze(1) * context(o)).sum(-1)
            loss = m.nn.functional.binary_cross_entropy_with_logits(score, m.ones(16, 3))
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        return losses

    ours = run(rg)
    assert ours[-1] < ours[0]
    if torch is not None:
        np.testing.assert_allclose(ours, run(torch), rtol=1e-5)


def test_check_invariants_false_skips_the_index_bounds_check():
    with pytest.raises(RuntimeError, match="size is inconsistent with indices"):
        rg.sparse_coo_tensor([[5]], [1.0], (2,))
    s = rg.sparse_coo_tensor([[5]], [1.0], (2,), check_invariants=False)
    assert s._nnz() == 1 and s.shape == (2,)


def _bag_run(m, mode, weighted):
    m.manual_seed(0)
    bag = m.nn.EmbeddingBag(6, 3, mode=mode, sparse=True, padding_idx=5)
    psw = m.rand(7, requires_grad=True) if weighted else None
    out = bag(m.tensor([1, 2, 5, 4, 1, 3, 5]), m.tensor([0, 3, 5]), per_sample_weights=psw)
    (out * m.arange(3.0)).sum().backward()
    g = bag.weight.grad
    return g, (None if psw is None else psw.grad)


@pytest.mark.parametrize(("mode", "weighted"), [("sum", False), ("sum", True), ("mean", False)])
def test_embedding_bag_sparse_gradient(mode, weighted):
    g, psw_grad = _bag_run(rg, mode, weighted)
    assert g.is_sparse and g._indices().tolist() == [[1, 2, 4, 1, 3]]  # the padding positions dropped
    if mode == "sum" and not weighted:  # each position gets its bag's output gradient, (0, 1, 2) per feature
        assert g._values().tolist() == [[0.0, 1.0, 2.0]] * 5
    if torch is not None:
        t_g, t_psw = _bag_run(torch, mode, weighted)
        assert g._indices().tolist() == t_g._indices().tolist()
        np.testing.assert_array_equal(g._values().numpy(), t_g._values().numpy())
        if weighted:
            np.testing.assert_array_equal(psw_grad.numpy(), t_psw.numpy())


def test_embedding_bag_sparse_refuses_scale_grad_by_freq():
    bag = rg.nn.EmbeddingBag(6, 3, mode="sum", sparse=True, scale_grad_by_freq=True)
    with pytest.raises(RuntimeError, match="scale_grad_by_freq not supported with sparse gradients"):
        bag(rg.tensor([[1, 1]])).sum().backward()


def test_sgd_momentum_keeps_a_sparse_buffer():
    w = rg.nn.Parameter(rg.zeros(3, 1))
    opt = rg.optim.SGD([w], lr=1.0, momentum=0.5)
    for rows in ([0, 0], [2]):
        opt.zero_grad()
        rg.nn.functional.embedding(rg.tensor(rows), w, sparse=True).sum().backward()
        opt.step()
    buf = opt.state[w]["momentum_buffer"]
    # b1 = g1 (two entries of row 0); b2 = 0.5 * b1 + g2, merged as if sorted, so not coalesced
    assert buf.is_sparse and not buf.is_coalesced()
    assert buf._indices().tolist() == [[0, 0, 2]] and buf._values().tolist() == [[0.5], [0.5], [1.0]]
    assert w.detach().tolist() == [[-3.0], [0.0], [-1.0]]


def test_zero_grad_keeping_sparse_gradients_empties_them():
    emb = rg.nn.Embedding(4, 2, sparse=True)
    opt = rg.optim.SGD(emb.parameters(), lr=0.1)
    emb(rg.tensor([1, 3])).sum().backward()
    grad = emb.weight.grad
    opt.zero_grad(set_to_none=False)
    assert emb.weight.grad is grad and grad.is_sparse and grad._nnz() == 0
    assert tuple(grad._indices().shape) == (1, 0) and tuple(grad._values().shape) == (0, 2)
    emb(rg.tensor([2, 2])).sum().backward()  # the next gradient's entries, as they come
    assert emb.weight.grad._indices().tolist() == [[2, 2]] and not emb.weight.grad.is_coalesced()


@needs_torch
@pytest.mark.pytorch
def test_zero_grad_keeping_sparse_gradients_matches_pytorch():
    def run(m):
        m.manual_seed(3)
        emb = m.nn.Embedding(5, 2, sparse=True)
        opt = m.optim.SGD(emb.parameters(), lr=0.1, momentum=0.9)
        for rows in ([1, 3], [3, 3, 0], [4]):
            opt.zero_grad(set_to_none=False)
            (emb(m.tensor(rows)) ** 2).sum().backward()
            opt.step()
        g = emb.weight.grad
        return g._indices().tolist(), g._values().tolist(), emb.weight.detach().numpy().copy()

    ours, theirs = run(rg), run(torch)
    assert ours[:2] == theirs[:2]
    np.testing.assert_array_equal(ours[2], theirs[2])


def test_embedding_bag_sparse_gradient_has_an_entry_per_position():
    w = rg.ones(5, 2, requires_grad=True)
    out = rg.nn.functional.embedding_bag(
        rg.tensor([1, 2, 4, 2, 0]), w, rg.tensor([0, 2]), mode="mean", sparse=True, padding_idx=2
    )
    (out * rg.tensor([[1.0], [6.0]])).sum().backward()
    g = w.grad
    assert g.is_sparse and not g.is_coalesced() and g._indices().tolist() == [[1, 4, 0]]  # padding dropped
    assert g._values().tolist() == [[1.0, 1.0], [3.0, 3.0], [3.0, 3.0]]  # bag 1 holds 2 non-padding rows
    w.grad = None
    psw = rg.tensor([2.0, 3.0, 4.0], requires_grad=True)
    rg.nn.functional.embedding_bag(rg.tensor([3, 3, 1]), w, rg.tensor([0]), mode="sum", sparse=True,
                                   per_sample_weights=psw).sum().backward()
    assert w.grad._indices().tolist() == [[3, 3, 1]]
    assert w.grad._values().tolist() == [[2.0, 2.0], [3.0, 3.0], [4.0, 4.0]]
    assert psw.grad.tolist() == [2.0, 2.0, 2.0]


def test_embedding_bag_sparse_refuses_scale_grad_by_freq_at_backward():
    bag = rg.nn.EmbeddingBag(4, 2, mode="sum", sparse=True, scale_grad_by_freq=True)
    out = bag(rg.tensor([[1, 1]]))
    with pytest.raises(RuntimeError, match="scale_grad_by_freq not supported with sparse gradients"):
        out.sum().backward()


@needs_torch
@pytest.mark.pytorch
@pytest.mark.parametrize("mode", ["sum", "mean"])
def test_embedding_bag_sparse_training_matches_pytorch(mode):
    def run(m):
        m.manual_seed(4)
        bag = m.nn.EmbeddingBag(9, 3, mode=mode, sparse=True, padding_idx=0)
        opt = m.optim.SGD(bag.parameters(), lr=0.1, momentum=0.5)
        for _ in range(3):
            opt.zero_grad()
            (bag(m.randint(0, 9, (12,)), m.tensor([0, 5, 5, 9])) ** 2).sum().backward()
            opt.step()
        g = bag.weight.grad
        return g._indices().tolist(), g._values().detach().numpy(), bag.weight.detach().numpy()

    ours, theirs = run(rg), run(torch)
    assert ours[0] == theirs[0]
    np.testing.assert_array_equal(ours[1], theirs[1])
    np.testing.assert_array_equal(ours[2], theirs[2])


@pytest.mark.parametrize("kw", [{"mode": "sum"}, {"mode": "mean", "padding_idx": 2}, {"mode": "sum", "psw": True}])
def test_embedding_bag_sparse_gradients_equal_the_dense_ones_to_second_order(kw):
    # gradcheck refuses sparse gradients of dense inputs (as PyTorch's does), so the sparse
    # rule is held to the dense one, itself gradchecked in tests/ops
    kw = dict(kw)
    rg.manual_seed(0)
    psw = rg.rand(6, dtype=rg.float64, requires_grad=True) if kw.pop("psw", False) else None
    grads = []
    for sparse in (True, False):
        w = rg.randn(5, 3, dtype=rg.float64, generator=rg.Generator().manual_seed(1), requires_grad=True)
        out = rg.nn.functional.embedding_bag(rg.tensor([1, 2, 4, 2, 0, 3]), w, rg.tensor([0, 2, 2]), sparse=sparse,
                                             per_sample_weights=psw, **kw)
        (g,) = rg.autograd.grad((out**3).sum(), w, create_graph=True)
        (gg,) = rg.autograd.grad((g.to_dense() ** 2).sum(), w)
        grads.append((g.to_dense().detach().numpy(), gg.to_dense().numpy()))
    assert grads[0][0].any()
    np.testing.assert_allclose(grads[0][0], grads[1][0], rtol=1e-12)
    np.testing.assert_allclose(grads[0][1], grads[1][1], rtol=1e-12)


def test_gradcheck_refuses_a_sparse_gradient_as_pytorch():
    w = rg.randn(4, 2, dtype=rg.float64, requires_grad=True)
    with pytest.raises(RuntimeError, match="grad is incorrect layout"):
        rg.autograd.gradcheck(lambda w: rg.nn.functional.embedding(rg.tensor([1, 3, 1]), w, sparse=True), (w,))


def _sparse_parameter_steps(m):
    a = m.sparse_coo_tensor(m.tensor([[0, 1, 2], [1, 2, 0]]), m.tensor([1.0, 2.0, 3.0]), (3, 3),
                            check_invariants=True, requires_grad=True)
    opt = m.optim.SGD([a], lr=0.5, momentum=0.9)
    for _ in range(2):
        opt.zero_grad()
        m.sparse.mm(a, m.ones(3, 2)).pow(2).sum().backward()  # a sparse gradient at a's entries
        opt.step()
    out = (a._indices().tolist(), a._values().tolist(), a.is_coalesced())
    opt.zero_grad()
    (a @ m.ones(3, 2)).sum().backward()  # a dense gradient
    with pytest.raises(RuntimeError, match=r"add\(sparse, dense\) is not supported"):
        opt.step()
    return out


def test_sgd_steps_a_sparse_parameter():
    indices, values, coalesced = _sparse_parameter_steps(rg)
    # g = 4v per entry; a = v - 0.5 g = -v, then b = 0.9 (4v) - 4v = -0.4v and a = -v + 0.2v
    assert indices == [[0, 1, 2], [1, 2, 0]] and not coalesced
    np.testing.assert_allclose(values, [-0.8, -1.6, -2.4], rtol=1e-6)


@needs_torch
@pytest.mark.pytorch
def test_sgd_steps_a_sparse_parameter_as_pytorch():
    assert _sparse_parameter_steps(rg) == _sparse_parameter_steps(torch)


def test_two_lookups_sum_their_sparse_gradients_as_pytorch_kernel_does():
    # A `.sum()` gradient is a broadcast (non-contiguous) array: PyTorch's sparse add then lays
    # the entries end to end (the later lookup's gradient arrives first and is the first operand);
    # contiguous values (a product's or a mean's gradient) are merged by index instead.
    emb = rg.nn.Embedding(6, 2, sparse=True)
    (emb(rg.tensor([1, 3])).sum() + 2 * emb(rg.tensor([3, 5])).sum()).backward()
    g = emb.weight.grad
    assert g._indices().tolist() == [[1, 3, 3, 5]] and not g.is_coalesced()
    assert g._values().tolist() == [[1.0, 1.0], [1.0, 1.0], [2.0, 2.0], [2.0, 2.0]]
    emb(rg.tensor([0])).sum().backward()  # into the kept gradient: its entries, then the new ones
    assert emb.weight.grad._indices().tolist() == [[1, 3, 3, 5, 0]]
    emb.weight.grad = None
    (emb(rg.tensor([1, 3])).pow(2).sum() + emb(rg.tensor([3, 5])).mean()).backward()
    assert emb.weight.grad._indices().tolist() == [[1, 3, 5]]


def test_sparse_sum_of_broadcast_values_concatenates_until_entries_outnumber_elements():
    s = rg.sparse_coo_tensor(rg.tensor([[2, 0]]), rg.ones(1, 2).expand(2, 2), (3, 2))
    t = rg.sparse_coo_tensor(rg.tensor([[1, 0]]), rg.tensor([[1.0, 2.0], [3.0, 4.0]]), (3, 2))
    out = s + t
    assert out._indices().tolist() == [[2, 0, 1, 0]] and not out.is_coalesced()
    assert t.add(s, alpha=2)._values().tolist() == [[1.0, 2.0], [3.0, 4.0], [2.0, 2.0], [2.0, 2.0]]
    assert (out + t)._indices().tolist() == [[1, 0, 2, 0, 1, 0]]  # contiguous values: merged
    three = s + s + s
    assert three._indices().tolist() == [[2, 0, 2, 0, 2, 0]] and not three.is_coalesced()
    four = three + s  # 8 entries > 6 elements: coalesced (though flagged so only below two entries)
    assert not four.is_coalesced() and four._indices().tolist() == [[0, 2]]
    assert four._values().tolist() == [[4.0, 4.0], [4.0, 4.0]]


@needs_torch
def test_sparse_sum_of_broadcast_values_matches_pytorch():
    def sums(m):
        s = m.sparse_coo_tensor(m.tensor([[2, 0]]), m.ones(1, 2).expand(2, 2), (3, 2))
        t = m.sparse_coo_tensor(m.tensor([[1, 0]]), m.tensor([[1.0, 2.0], [3.0, 4.0]]), (3, 2))
        outs = [s + t, t.add(s, alpha=2), t - s, s + t + t, s + s + s, s + s + s + s]
        return [(o._indices().tolist(), o._values().tolist(), o.is_coalesced()) for o in outs]

    assert sums(rg) == sums(torch)


@needs_torch
@pytest.mark.parametrize("first", ["sum", "pow", "mean", "scaled"])
@pytest.mark.parametrize("second", ["sum", "pow", "mean", "scaled"])
def test_sparse_gradient_entries_of_repeated_lookups_match_pytorch(first, second):
    ups = {
        "sum": lambda t: t.sum(), "pow": lambda t: t.pow(2).sum(),
        "mean": lambda t: t.mean(), "scaled": lambda t: (t * 2).sum(),
    }
    grads = []
    for m in (rg, torch):
        emb = m.nn.Embedding(7, 3, sparse=True)
        with m.no_grad():
            emb.weight.copy_(m.arange(21.0).reshape(7, 3) / 7)
        (ups[first](emb(m.tensor([1, 3, 3]))) + ups[second](emb(m.tensor([[5, 1]])))).backward()
        ups[second](emb(m.tensor([0, 6]))).backward()
        g = emb.weight.grad
        grads.append((g._indices().tolist(), g._values().tolist(), g.is_coalesced()))
    assert grads[0] == grads[1]


def _duplicates(n=200, rows=13, seed=0):
    rng = np.random.default_rng(seed)
    return rng.integers(0, rows, n), (rng.standard_normal((n, 10)) * 10).astype(np.float32)


def test_coalesce_adds_duplicates_one_after_another():
    # 1e8 + 1 rounds back to 1e8 in float32: added in entry order the run gives 1, pairwise 0
    s = rg.sparse_coo_tensor(rg.tensor([[0, 1, 0, 0, 0]]), rg.tensor([[1e8], [5.0], [1.0], [-1e8], [1.0]]), (2, 1))
    assert s.coalesce().values().tolist() == [[1.0], [5.0]]


def test_coalesce_adds_duplicates_in_the_order_sort_leaves_them():
    # PyTorch's coalesce sorts the indices with Tensor.sort (unstable past 16 entries) and adds each
    # run of equal ones in the order the sort left them: a sparse embedding gradient's rows
    index, values = _duplicates()
    got = rg.sparse_coo_tensor(rg.from_numpy(index[None]), rg.from_numpy(values), (13, 10)).coalesce()
    order = rg.from_numpy(index).sort().indices.numpy()
    expected = {}
    for j in order:
        expected[index[j]] = values[j].copy() if index[j] not in expected else expected[index[j]] + values[j]
    assert got.indices().tolist() == [sorted(expected)]
    assert np.array_equal(got.values().numpy(), np.stack([expected[k] for k in sorted(expected)]))


@needs_torch
@pytest.mark.parametrize("n", [40, 200, 5000])
def test_coalesce_of_duplicates_bitwise_vs_torch(n):
    index, values = _duplicates(n, seed=n)
    ours, theirs = (lib.sparse_coo_tensor(lib.from_numpy(index[None]), lib.from_numpy(values), (13, 10),
                                          check_invariants=False).coalesce() for lib in (rg, torch))
    assert np.array_equal(ours.values().numpy(), theirs.values().numpy())
    assert np.array_equal(ours.indices().numpy(), theirs.indices().numpy())


@needs_torch
def test_sparse_gradient_of_two_lookups_coalesces_as_torch():
    index, weights = _duplicates(96, seed=1)
    grads = []
    for lib in (rg, torch):
        lib.manual_seed(0)
        emb = lib.nn.Embedding(13, 10, sparse=True)
        context, negatives = lib.from_numpy(index[:16]), lib.from_numpy(index[16:].reshape(16, 5))
        near, far = lib.from_numpy(weights[:16]), lib.from_numpy(weights[16:].reshape(16, 5, 10))
        ((emb(context) * near).sum() + (emb(negatives) * far).sum()).backward()
        grads.append(emb.weight.grad.coalesce().values().numpy())
    assert np.array_equal(*grads)
