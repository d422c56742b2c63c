"""What sparse COO tensors refuse, with PyTorch's errors: products of mismatched dtypes, a
contiguous copy, reshape, their (absent) storage; and zeros_like/empty_like, which give an empty
sparse tensor of the same size."""

from __future__ import annotations

import pytest

import retrograd as rg

try:
    import torch
except ImportError:
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="needs PyTorch")


def _s(m):
    return m.sparse_coo_tensor(m.tensor([[0, 1], [1, 0]]), m.tensor([1.0, 2.0]), (2, 2), check_invariants=True)


REFUSALS = {
    "sparse.mm": lambda m, s: m.sparse.mm(s, m.ones(2, 2, dtype=m.float64)),
    "mm": lambda m, s: m.mm(s, m.ones(2, 2, dtype=m.float64)),
    "matmul": lambda m, s: s @ m.ones(2, 2, dtype=m.float64),
    "mv": lambda m, s: s.mv(m.ones(2, dtype=m.float64)),
    "contiguous": lambda m, s: s.contiguous(),
    "clone channels_last": lambda m, s: m.sparse_coo_tensor(m.zeros(4, 0, dtype=m.int64), m.zeros(0), (1, 1, 1, 1))
    .clone(memory_format=m.channels_last),
    "reshape": lambda m, s: s.reshape(4),
    "flatten": lambda m, s: s.flatten(),
    "tolist": lambda m, s: s.tolist(),
    "data_ptr": lambda m, s: s.data_ptr(),
    "ones_like": lambda m, s: m.ones_like(s),
    "to_dense dtype": lambda m, s: s.to_dense(dtype=m.float64),
    "values of dense": lambda m, s: m.ones(2).values(),
    "sparse.sum of dense": lambda m, s: m.sparse.sum(m.ones(2)),
    "size of another length": lambda m, s: m.sparse_coo_tensor(m.tensor([[0, 1]]), m.ones(2, 2), (3, 3, 3)),
}
MESSAGES = {
    "sparse.mm": "expected scalar type Float but found Double",
    "mm": "expected scalar type Float but found Double",
    "matmul": "expected scalar type Float but found Double",
    "mv": "expected scalar type Float but found Double",
    "contiguous": "unsupported memory format option Contiguous",
    "clone channels_last": "unsupported memory format option ChannelsLast",
    "reshape": "reshape is not implemented for sparse tensors",
    "flatten": "reshape is not implemented for sparse tensors",
    "tolist": "Cannot access data pointer of Tensor that doesn't have storage",
    "data_ptr": "Cannot access data pointer of Tensor that doesn't have storage",
    "ones_like": "Could not run 'aten::fill_.Scalar' with arguments from the 'SparseCPU' backend",
    "to_dense dtype": "dtype argument is not supported by sparse_to_dense",
    "values of dense": "values expected sparse tensor layout but got Strided",
    "sparse.sum of dense": "coalesce expected sparse coordinate tensor layout but got Strided",
    "size of another length": (
        "'len(size) == sparse_dim + dense_dim' is not satisfied: len(size) = 3, sparse_dim = 1, dense_dim = 1"
    ),
}


@pytest.mark.parametrize("name", list(REFUSALS))
def test_refusals(name):
    kind = NotImplementedError if name == "ones_like" else RuntimeError
    with pytest.raises(kind) as caught:
        REFUSALS[name](rg, _s(rg))
    assert str(caught.value).startswith(MESSAGES[name])


@needs_torch
@pytest.mark.pytorch
@pytest.mark.parametrize("name", list(REFUSALS))
def test_refusals_match_pytorch(name):
    with pytest.raises(Exception) as theirs:
        REFUSALS[name](torch, _s(torch))
    with pytest.raises(type(theirs.value)) as ours:
        REFUSALS[name](rg, _s(rg))
    assert str(theirs.value).startswith(str(ours.value).split(" This could be")[0])


def test_zeros_like_and_empty_like_are_empty_sparse_tensors():
    s = rg.sparse_coo_tensor([[0, 2]], [[1.0, 2.0], [3.0, 4.0]], (3, 2), check_invariants=True)
    for make in (rg.zeros_like, rg.empty_like):
        z = make(s)
        assert z.is_sparse and z.shape == (3, 2) and z._nnz() == 0 and z.sparse_dim() == 1 and z.is_coalesced()
        assert tuple(z._values().shape) == (0, 2) and z.dtype is rg.float32
    z = rg.zeros_like(s, dtype=rg.float64, requires_grad=True)
    assert z.dtype is rg.float64 and z.requires_grad and z.is_leaf
    assert not s.is_contiguous()


def test_half_precision_sparse_tensors_densify():
    s = _s(rg).half()
    assert s.dtype is rg.float16 and s.to_dense().tolist() == [[0.0, 1.0], [2.0, 0.0]]


def test_sparse_embedding_gradient_norm_refusal_is_not_chained():
    """clip_grad_norm_ over nn.Embedding(sparse=True) gradients: PyTorch's NotImplementedError,
    without the dense forward's internal refusal shown as its context."""
    emb = rg.nn.Embedding(4, 2, sparse=True)
    emb(rg.tensor([1, 2])).sum().backward()
    missing = "'aten::linalg_vector_norm' with arguments from the 'SparseCPU'"
    with pytest.raises(NotImplementedError, match=missing) as e:
        rg.nn.utils.clip_grad_norm_(emb.parameters(), 1.0)
    assert e.value.__suppress_context__ and e.value.__cause__ is None


@needs_torch
def test_sparse_embedding_gradient_norm_refusal_vs_torch():
    types = []
    for m in (torch, rg):
        emb = m.nn.Embedding(4, 2, sparse=True)
        emb(m.tensor([1, 2])).sum().backward()
        with pytest.raises(Exception) as e:
            m.nn.utils.clip_grad_norm_(emb.parameters(), 1.0)
        types.append((type(e.value), str(e.value).split(". ")[0]))
    assert types[1] == types[0]
