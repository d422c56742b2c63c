"""`quasirandom.SobolEngine`: PyTorch's Sobol points, unscrambled and scrambled, point for point."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd
from retrograd.quasirandom import SobolEngine

pytest.importorskip("scipy")  # the direction numbers come from SciPy

try:
    import torch
except ImportError:
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")


def test_the_first_points_are_the_textbook_sobol_points():
    engine = SobolEngine(3)
    points = engine.draw(8).numpy()
    # dimension 0 is van der Corput's sequence; 1 and 2 follow x+1 and x^2+x+1
    assert points[:, 0].tolist() == [0.0, 0.5, 0.75, 0.25, 0.375, 0.875, 0.625, 0.125]
    assert points[:, 1].tolist() == [0.0, 0.5, 0.25, 0.75, 0.375, 0.875, 0.125, 0.625]
    assert points[:, 2].tolist() == [0.0, 0.5, 0.25, 0.75, 0.625, 0.125, 0.875, 0.375]
    assert points.dtype == np.float32 and engine.num_generated == 8
    # any 2**m points split [0, 1) into 2**m cells, one point each (the balance property)
    assert sorted((points[:, 1] * 8).astype(int).tolist()) == list(range(8))


def test_drawing_in_pieces_fast_forward_and_reset_give_the_same_sequence():
    whole = SobolEngine(5, scramble=True, seed=7).draw(20, dtype=retrograd.float64)
    engine = SobolEngine(5, scramble=True, seed=7)
    pieces = [engine.draw(1, dtype=retrograd.float64), engine.draw(6, dtype=retrograd.float64),
              engine.draw(13, dtype=retrograd.float64)]  # fmt: skip
    assert retrograd.equal(retrograd.cat(pieces), whole)
    skipped = SobolEngine(5, scramble=True, seed=7).fast_forward(11)
    assert retrograd.equal(skipped.draw(9, dtype=retrograd.float64), whole[11:])
    assert retrograd.equal(engine.reset().draw(4, dtype=retrograd.float64), whole[:4])
    out = retrograd.empty(0)
    assert engine.draw(2, out=out) is out and out.shape == (2, 5)


def test_bad_arguments_raise_pytorchs_errors():
    with pytest.raises(ValueError, match=r"Supported range of dimensionality for SobolEngine is \[1, 21201\]"):
        SobolEngine(0)
    engine = SobolEngine(2)
    engine.draw(3)
    with pytest.raises(ValueError, match="n=3\\+2\\*\\*2=7"):
        engine.draw_base2(2)
    assert repr(SobolEngine(4, scramble=True, seed=3)) == "SobolEngine(dimension=4, scramble=True, seed=3)"


@needs_torch
@pytest.mark.parametrize("dimension", [1, 2, 7, 40, 300])
@pytest.mark.parametrize("scramble", [False, True])
def test_points_match_pytorch(dimension, scramble):
    ours = SobolEngine(dimension, scramble=scramble, seed=5)
    theirs = torch.quasirandom.SobolEngine(dimension, scramble=scramble, seed=5)
    for n, dtype in ((1, "float32"), (7, "float64"), (24, "float32")):
        a = ours.draw(n, dtype=getattr(retrograd, dtype)).numpy()
        b = theirs.draw(n, dtype=getattr(torch, dtype)).numpy()
        assert a.dtype == b.dtype and np.array_equal(a, b)
    ours.fast_forward(27)  # 32 drawn + 27 + 5 more: 64, so 2**6 more keep the balance
    theirs.fast_forward(27)
    assert np.array_equal(ours.draw(5).numpy(), theirs.draw(5).numpy())
    assert np.array_equal(ours.draw_base2(6).numpy(), theirs.draw_base2(6).numpy())


@needs_torch
def test_unseeded_scrambling_draws_from_the_global_generator_as_pytorch():
    retrograd.manual_seed(11)
    torch.manual_seed(11)
    a = SobolEngine(3, scramble=True).draw(4).numpy()
    b = torch.quasirandom.SobolEngine(3, scramble=True).draw(4).numpy()
    assert np.array_equal(a, b)
    assert np.array_equal(retrograd.rand(3).numpy(), torch.rand(3).numpy())  # the same draws were used


def _empty_and_negative_draws(module):
    outcomes = []
    for drawn, n in [(0, 0), (0, -1), (2, 0), (2, -2)]:
        engine = module.quasirandom.SobolEngine(3, scramble=True, seed=0)
        if drawn:
            engine.draw(drawn)
        try:
            outcomes.append((tuple(engine.draw(n).shape), engine.num_generated))
        except RuntimeError as e:
            outcomes.append((str(e), engine.num_generated))
    return outcomes


def test_a_draw_of_no_points_is_empty_except_the_first():
    # PyTorch's kernel draws the points after the first: n - 1 of them on a fresh engine
    assert _empty_and_negative_draws(retrograd) == [
        ("Trying to create tensor with negative dimension -1: [-1, 3]", 0),
        ("Trying to create tensor with negative dimension -2: [-2, 3]", 0),
        ((0, 3), 2),
        ("Trying to create tensor with negative dimension -2: [-2, 3]", 2),
    ]


@needs_torch
def test_a_draw_of_no_points_as_pytorch():
    assert _empty_and_negative_draws(retrograd) == _empty_and_negative_draws(torch)


def _draws_in_other_dtypes(module):
    outcomes = []
    for name in ("float16", "bfloat16", "int64", "bool"):
        engine = module.quasirandom.SobolEngine(2, scramble=True, seed=1)
        try:
            outcomes.append(str(engine.draw(3, dtype=getattr(module, name)).dtype))
        except NotImplementedError as e:
            outcomes.append(str(e))
        outcomes.append(engine.num_generated)
    first = module.quasirandom.SobolEngine(2).draw(1, dtype=module.float16)  # the first point needs no kernel
    into_half = module.quasirandom.SobolEngine(2).draw(2, out=module.empty(0, dtype=module.float16))
    return outcomes, first.tolist(), into_half.tolist(), str(into_half.dtype).split(".")[-1]


def test_only_float_and_double_points_are_drawn():
    # the other dtypes had drawn garbage (NaN in float16); PyTorch's kernel refuses them
    refused = [f"\"_sobol_engine_draw\" not implemented for '{kind}'" for kind in ("Half", "BFloat16", "Long", "Bool")]
    assert _draws_in_other_dtypes(retrograd) == (
        [refused[0], 0, refused[1], 0, refused[2], 0, refused[3], 0],
        [[0.0, 0.0]], [[0.0, 0.0], [0.5, 0.5]], "float16",
    )


@needs_torch
def test_draws_in_other_dtypes_as_pytorch():
    assert _draws_in_other_dtypes(retrograd) == _draws_in_other_dtypes(torch)
