"""`retrograd.return_types` holds every named tuple an op returns, and the `<name>_out` types of
results written into `out=` tensors, by the names `torch.return_types` uses."""

import pytest

import retrograd
from retrograd import return_types


def test_each_result_type_is_named_in_the_module():
    A = retrograd.tensor([[4.0, 1.0], [2.0, 3.0]])
    results = {
        "_lu_with_info": retrograd.lu(A, get_infos=True),
        "lu_unpack": retrograd.lu_unpack(*retrograd.linalg.lu_factor(A)),
        "triangular_solve": retrograd.triangular_solve(A, A.triu()),
        "geqrf": retrograd.geqrf(A),
        "linalg_eig": retrograd.linalg.eig(A),
        "linalg_lu": retrograd.linalg.lu(A),
        "linalg_lu_factor": retrograd.linalg.lu_factor(A),
        "linalg_lu_factor_ex": retrograd.linalg.lu_factor_ex(A),
        "linalg_solve_ex": retrograd.linalg.solve_ex(A, A),
        "linalg_ldl_factor": retrograd.linalg.ldl_factor(A @ A.T),
        "linalg_ldl_factor_ex": retrograd.linalg.ldl_factor_ex(A @ A.T),
        "max": A.max(0),
    }
    for name, result in results.items():
        assert type(result) is getattr(return_types, name), name


def test_out_forms_are_named_and_listed():
    assert return_types.max_out is return_types.max.out_variant
    assert return_types.linalg_lu_factor_out.__name__ == "linalg_lu_factor_out"
    assert not hasattr(return_types, "histogramdd_out") and not hasattr(return_types, "_lu_with_info_out")
    assert return_types.sort in return_types.all_return_types
    assert return_types.sort_out in return_types.all_return_types
    out = (retrograd.empty(0), retrograd.empty(0, dtype=retrograd.int64))
    assert type(retrograd.sort(retrograd.tensor([2.0, 1.0]), out=out)) is return_types.sort_out


def test_public_names_match_pytorch():
    torch = pytest.importorskip("torch")
    ours = {n for n in dir(return_types) if isinstance(getattr(return_types, n), type)
            and issubclass(getattr(return_types, n), tuple) and not n.startswith("__")}
    theirs = {n for n in dir(torch.return_types) if isinstance(getattr(torch.return_types, n), type)}
    internal = {n for n in theirs if n.startswith("_") and n != "_lu_with_info"}  # private kernels' results
    assert theirs - internal - {"SequenceKey"} <= ours
    assert {n for n in ours if not n.startswith("_")} <= theirs


def test_structseq_sizes_are_class_attributes():
    # PyTorch's return types are structseqs; MONAI's MetaTensor loops over `range(ret.n_fields)`
    kind = return_types.max
    assert (kind.n_fields, kind.n_sequence_fields, kind.n_unnamed_fields) == (2, 2, 0)
    assert return_types.linalg_lstsq.n_fields == 4 and return_types.aminmax.n_fields == 2
    assert return_types.sort_out.n_fields == 2
    result = retrograd.tensor([[3.0, 1.0], [0.0, 2.0]]).sort(dim=1)
    assert [result[i].tolist() for i in range(result.n_fields)] == [[[1.0, 3.0], [0.0, 2.0]], [[1, 0], [0, 1]]]


def test_subclass_torch_function_reads_n_fields():
    class Tagged(retrograd.Tensor):
        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            ret = super().__torch_function__(func, types, args, kwargs or {})
            if isinstance(ret, tuple) and hasattr(ret, "n_fields"):
                for i in range(ret.n_fields):
                    ret[i].tag = "seen"
            return ret

    values, indices = retrograd.tensor([[1.0, 5.0, 3.0]]).as_subclass(Tagged).topk(2)
    assert values.tolist() == [[5.0, 3.0]] and indices.tolist() == [[1, 2]]
    assert type(values) is Tagged and values.tag == "seen" and indices.tag == "seen"


def test_structseq_sizes_match_pytorch():
    torch = pytest.importorskip("torch")
    for kind in return_types.all_return_types:
        theirs = getattr(torch.return_types, kind.__name__)
        for attr in ("n_fields", "n_sequence_fields", "n_unnamed_fields"):
            assert getattr(kind, attr) == getattr(theirs, attr), (kind.__name__, attr)
