"""Op table: `fft` (all 22 functions of torch.fft) on real and complex signals.

Complex signals are built from two real inputs with `complex`; complex results are
returned as `view_as_real` pairs so every check compares real numbers. Variants cover
the three normalisations, zero-padding and trimming (`n`, `s`), chosen dims, and odd
and even output lengths of the real-output transforms (which weigh paired bins twice).
"""

from __future__ import annotations

import numpy as np

from .harness import OpCase, inputs_of, rand

no_grad = dict(grad=False, gradgrad=False)


def case(name, fn, makers, ref=None, **kw):
    return OpCase("fft." + name, fn, inputs_of(*makers), ref, **kw)


def pairs(c):
    return np.stack([np.real(c), np.imag(c)], -1)


def cplx(name, shape, ref=None, variant="", **kwargs):
    """A complex-to-anything transform of the complex signal a + ib; complex results as pairs."""

    def fn(m, a, b):
        out = getattr(m.fft, name)(m.complex(a, b), **kwargs)
        return m.view_as_real(out.resolve_conj()) if out.is_complex() else out

    def np_ref(a, b):
        out = ref(a + 1j * b, **kwargs)
        return pairs(out) if np.iscomplexobj(out) else out

    return case(name, fn, [rand(*shape), rand(*shape)], np_ref if ref else None, variant=variant)


def real(name, shape, ref=None, variant="", **kwargs):
    """A transform of the real signal a; complex results as pairs."""

    def fn(m, a):
        out = getattr(m.fft, name)(a, **kwargs)
        return m.view_as_real(out.resolve_conj()) if out.is_complex() else out

    def np_ref(a):
        out = ref(a, **kwargs)
        return pairs(out) if np.iscomplexobj(out) else out

    return case(name, fn, [rand(*shape)], np_ref if ref else None, variant=variant)


F = np.fft
CASES = [
    cplx("fft", (2, 5), F.fft),
    cplx("fft", (2, 5), F.fft, "n_pad_ortho", n=7, norm="ortho"),
    case("fft", lambda m, a, b: m.view_as_real(m.fft.fft(m.complex(a, b), n=3, dim=0, norm="forward")),
         [rand(4, 3), rand(4, 3)], lambda a, b: pairs(F.fft(a + 1j * b, n=3, axis=0, norm="forward")),
         variant="dim0_trim_forward"),
    real("fft", (6,), F.fft, "real"),
    cplx("ifft", (2, 5), F.ifft),
    cplx("ifft", (2, 5), F.ifft, "n_forward", n=4, norm="forward"),
    cplx("fft2", (3, 4), F.fft2),
    cplx("fft2", (2, 3, 4), F.fft2, "s_ortho", s=(4, 3), norm="ortho"),
    cplx("ifft2", (3, 4), F.ifft2),
    cplx("fftn", (2, 3, 4), F.fftn),
    case("fftn", lambda m, a, b: m.view_as_real(m.fft.fftn(m.complex(a, b), s=(5, 2), dim=(0, 2))),
         [rand(2, 3, 4), rand(2, 3, 4)], lambda a, b: pairs(F.fftn(a + 1j * b, s=(5, 2), axes=(0, 2))),
         variant="dims_s"),
    cplx("ifftn", (2, 3, 4), F.ifftn, "ortho", norm="ortho"),
    real("rfft", (2, 6), F.rfft),
    real("rfft", (2, 5), F.rfft, "n_odd_ortho", n=7, norm="ortho"),
    case("rfft", lambda m, a: m.view_as_real(m.fft.rfft(a, dim=0, norm="forward")), [rand(4, 3)],
         lambda a: pairs(F.rfft(a, axis=0, norm="forward")), variant="dim0_forward"),
    cplx("irfft", (2, 4), F.irfft),
    cplx("irfft", (2, 4), F.irfft, "n_odd", n=7),
    cplx("irfft", (2, 4), F.irfft, "n_trim_ortho", n=4, norm="ortho"),
    cplx("irfft", (3,), F.irfft, "n_even_forward", n=6, norm="forward"),
    real("rfft2", (3, 4), F.rfft2),
    cplx("irfft2", (3, 4), F.irfft2),
    cplx("irfft2", (3, 4), F.irfft2, "s_odd", s=(3, 5)),
    real("rfftn", (2, 3, 4), F.rfftn, "ortho", norm="ortho"),
    cplx("irfftn", (2, 3, 3), F.irfftn),
    cplx("hfft", (2, 4), F.hfft),
    cplx("hfft", (2, 4), F.hfft, "n_odd_ortho", n=5, norm="ortho"),
    real("ihfft", (2, 6), F.ihfft),
    real("ihfft", (2, 5), F.ihfft, "forward", norm="forward"),
    cplx("hfft2", (3, 4)),
    real("ihfft2", (3, 4)),
    cplx("hfftn", (2, 3, 3), variant="ortho", norm="ortho"),
    real("ihfftn", (2, 3, 4)),
    case("fftfreq", lambda m: m.fft.fftfreq(5), [], lambda: F.fftfreq(5), **no_grad),
    case("fftfreq", lambda m: m.fft.fftfreq(6, 0.5, dtype=m.float64), [], lambda: F.fftfreq(6, 0.5),
         variant="d_dtype", **no_grad),
    case("rfftfreq", lambda m: m.fft.rfftfreq(5, 2.0), [], lambda: F.rfftfreq(5, 2.0), **no_grad),
    real("fftshift", (3, 4), F.fftshift),
    case("fftshift", lambda m, a: m.fft.fftshift(a, dim=1), [rand(3, 5)], lambda a: F.fftshift(a, axes=1),
         variant="dim"),
    real("ifftshift", (3, 5), F.ifftshift),
]


def hann(m, n):
    return m.tensor(np.hanning(n) + 0.1)


CASES += [
    OpCase("stft", lambda m, x: m.view_as_real(m.stft(x, 8, hop_length=3, window=hann(m, 8), return_complex=True)),
           inputs_of(rand(2, 30))),
    OpCase("stft", lambda m, x: m.stft(x, 6, window=hann(m, 4), win_length=4, center=False, normalized=True,
                                       return_complex=False), inputs_of(rand(25)), variant="real_pairs_normalized"),
    OpCase("stft", lambda m, x: m.view_as_real(m.stft(x, 8, window=hann(m, 8), pad_mode="constant", onesided=False,
                                                      return_complex=True)), inputs_of(rand(20)), variant="twosided"),
    OpCase("istft", lambda m, a, b: m.istft(m.complex(a, b), 8, hop_length=2, window=hann(m, 8), length=20),
           inputs_of(rand(5, 11), rand(5, 11))),
    OpCase("istft", lambda m, a, b: m.view_as_real(m.istft(m.complex(a, b), 4, window=hann(m, 4), onesided=False,
                                                           return_complex=True, center=False)),
           inputs_of(rand(4, 6), rand(4, 6)), variant="twosided_complex"),
]
