"""A brain MRI simulator built on a real template: an unlimited, seeded stream of distinct subjects.

Each simulated subject is the MNI152 template (see :mod:`gancourse.data.template`) with

* a smooth random deformation (a random affine map plus a coarse random displacement field), so that no
  two heads have the same shape;
* a head around the brain: a band of cerebrospinal fluid, the skull and the scalp, each of random thickness;
* optional synthetic lesions (ellipses or ellipsoids inside the brain), with their masks. The lesion is a
  marker made to show in every contrast, not one real disease: its long T1 and T2 make it dark in T1 and
  bright in T2, as vasogenic oedema is; its 65 HU make it hyperdense in CT (grey matter 40, white matter 28),
  as fresh blood is (real oedema is slightly hypodense in CT);
* the images of that anatomy in several contrasts (T1- and T2-weighted MR, CT in Hounsfield units), each
  with the artefacts of its modality: for MR a random gain and gamma, a smooth multiplicative bias field
  {cite}`sled1998nonparametric` and Rician noise {cite}`gudbjartsson1995rician`; for CT Gaussian noise.
  Noise is set for 1.8 mm pixels and shrinks for larger ones, which average more tissue, as real
  low-resolution images are less noisy.

Contrasts from tissue maps
--------------------------
Inside the brain the T1 image is the template's own (real) T1 intensity. Everything else is computed from
the tissue probability maps: each tissue has the parameters in :data:`TISSUES`, and a voxel's value is the
sum over tissues of (tissue fraction x tissue value), which models partial volume. The MR value of a tissue
is the spin-echo signal equation

    S = PD * (1 - exp(-TR / T1)) * exp(-TE / T2)

{cite}`bernstein2004handbook`, with representative 1.5 T relaxation times of the kind the BrainWeb simulator
uses {cite}`kwan1999mri`, for a T1-weighted sequence (TR 500 ms, TE 15 ms) and a T2-weighted one
(TR 4000 ms, TE 100 ms). The CT value is the tissue's typical attenuation in Hounsfield units
{cite}`buzug2008computed`. Cortical bone has almost no MR signal but the highest CT value: in MR the skull is
as dark as air, in CT it is the brightest thing in the image, which is what makes MR-to-CT translation hard.

Intensity ranges
----------------
MR images (``t1``, ``t2``) are float tensors in [0, 1] (the scalp's fat near 0.9, air near 0); ``ct`` is in
Hounsfield units, clipped to [-1024, 3071]. :mod:`gancourse.data.intensity` maps [0, 1] to the [-1, 1] of a tanh
generator, :func:`ct_to_unit` maps Hounsfield units to [0, 1].
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass, fields, replace

import torch
import torch.nn.functional as F

from ..checks import check_number, check_whole_number
from .template import PAD_MM, VOLUME_CENTER_ABOVE_BRAIN_MM, load_template

# Raise when the images change: the shipped domain encoder was trained on them, and a test then asks for it
# to be trained again (gancourse/metrics/domain.py).
SIMULATOR_VERSION = 1
# Larger requests are rendered in chunks of this many pixels (1,024 slices of 128x128, 4,096 of 64x64), so
# that the temporaries of rendering (about 200 bytes per pixel) stay near 3 GB, within a Colab machine.
CHUNK_PIXELS = 2 ** 24

#: Label values of the tissue label map.
LABELS = {"background": 0, "csf": 1, "grey_matter": 2, "white_matter": 3}

#: Tissue parameters: T1 and T2 relaxation times (ms), proton density (relative), CT attenuation (HU).
TISSUES = {
    "air":    dict(t1=1.0,    t2=1.0,   pd=0.0,  hu=-1000.0),
    "scalp":  dict(t1=350.0,  t2=70.0,  pd=0.9,  hu=-50.0),   # fat under the skin dominates its MR signal
    "skull":  dict(t1=300.0,  t2=1.0,   pd=0.05, hu=1000.0),  # cortical bone: no MR signal, dense in CT
    "csf":    dict(t1=2569.0, t2=329.0, pd=1.0,  hu=8.0),
    "gm":     dict(t1=833.0,  t2=83.0,  pd=0.86, hu=40.0),
    "wm":     dict(t1=500.0,  t2=70.0,  pd=0.77, hu=28.0),
    # A synthetic lesion made to be visible in every contrast, not one real disease: dark in T1 and bright in
    # T2 like vasogenic oedema; in CT 25-37 HU above grey and white matter (hyperdense), like fresh blood or a
    # dense tumour, where real oedema would be slightly darker than brain.
    "lesion": dict(t1=1500.0, t2=250.0, pd=0.92, hu=65.0),
}
SEQUENCES = {"t1": dict(tr=500.0, te=15.0), "t2": dict(tr=4000.0, te=100.0)}
#: The contrasts the simulator renders: MR T1, MR T2 and CT.
CONTRASTS = ("t1", "t2", "ct")
HU_RANGE = (-1024.0, 3071.0)
NOISE_REFERENCE_MM = 1.8  # the voxel size the noise levels below are set for (a 128-pixel slice)

# MNI z (mm) of the lowest and highest axial level the 2-D slices are drawn from: from the temporal lobes
# and the top of the cerebellum to the upper convexity. `levels=(0, 1)` spans this range.
LEVEL_MNI_Z = (-30.0, 50.0)
TEMPLATE_ORIGIN_Z_MM = -72.0  # MNI z of the template's first axial slice


def signal(tissue: str, contrast: str, parameters: dict | None = None) -> float:
    """The spin-echo signal of a tissue in an MR contrast (arbitrary units) or its CT value (HU).

    ``parameters`` replaces the tissue's row of :data:`TISSUES` (keys ``t1``, ``t2``, ``pd``, ``hu``)."""
    p = TISSUES[tissue] if parameters is None else parameters
    if contrast == "ct":
        return p["hu"]
    seq = SEQUENCES[contrast]
    return p["pd"] * (1 - math.exp(-seq["tr"] / p["t1"])) * math.exp(-seq["te"] / p["t2"])


@dataclass
class BrainBatch:
    """What the simulator returns for a batch of ``n`` subjects (2-D: ``(n, 1, S, S)``; 3-D: ``(n, 1, S, S, S)``).

    ``t1``, ``t2``: MR images in [0, 1]; ``ct``: Hounsfield units (each ``None`` unless asked for);
    ``labels``: integer tissue labels (:data:`LABELS`), shape ``(n, S, S)`` or ``(n, S, S, S)``;
    ``tissue``: tissue fractions ``(n, 4, ...)`` in label order; ``lesion_mask``: ``(n, 1, ...)`` 0/1 floats;
    ``has_lesion``: ``(n,)`` bools; ``level``: ``(n,)`` axial level in [0, 1] (2-D only, else ``None``).
    """

    labels: torch.Tensor
    tissue: torch.Tensor
    lesion_mask: torch.Tensor
    has_lesion: torch.Tensor
    level: torch.Tensor | None = None
    t1: torch.Tensor | None = None
    t2: torch.Tensor | None = None
    ct: torch.Tensor | None = None

    def to(self, device) -> "BrainBatch":
        return replace(self, **{f.name: getattr(self, f.name).to(device) for f in fields(self)
                                if getattr(self, f.name) is not None})

    def __len__(self):
        return self.labels.shape[0]


class BrainSimulator:
    """A seeded stream of simulated subjects: 2-D axial slices with :meth:`sample`, 3-D heads with :meth:`volumes`.

    Parameters
    ----------
    size: image side in pixels (16 to 256; the book uses 32, 64 and 128).
    seed: the stream's seed. The same seed and the same sequence of calls give the same subjects;
        use different seeds for training and held-out sets.
    contrasts: which images to compute, from ``("t1", "t2", "ct")`` (labels and tissue maps always come).
    lesion_prob: probability that a subject has lesions; ``max_lesions``: at most this many per subject.
    levels: ``(low, high)`` in [0, 1], the range of axial levels slices are drawn from (0: temporal lobes,
        1: upper convexity). A narrower range means fewer anatomical modes.
    fov_mm: the square field of view of a slice (and the cube of a volume), centred on the head, in mm
        (at most 1000; the head is about 200 mm wide).
    deformation: scale of the random shape variation (0: every subject has the template's shape, 1: the
        default; at most 10, beyond which the random scaling could mirror the head).
    skull_stripped: keep only the brain in the images (air outside), as brain MRI pipelines usually do
        before synthesis or segmentation; labels and tissue maps are unchanged.
    lesion_contrast: how far the lesion's tissue parameters are from white matter's: 1 (the default) is the
        simulator's lesion, 0 gives it white matter's parameters (anomalous only by its place and shape), values
        in between blend the two. It changes no random draw: the same seed gives the same subjects and masks.
    """

    def __init__(self, size: int = 64, *, seed: int = 0, contrasts=("t1",), lesion_prob: float = 0.0,
                 max_lesions: int = 1, levels=(0.0, 1.0), fov_mm: float = 232.0, deformation: float = 1.0,
                 skull_stripped: bool = False, lesion_contrast: float = 1.0):
        size = check_whole_number(size, "size", minimum=16, maximum=256, hint=" (pixels)")
        seed = check_whole_number(seed, "seed", hint=" (any integer of at most 64 bits)")
        if not -2 ** 63 <= seed < 2 ** 64:
            raise ValueError(f"seed must fit in 64 bits; got {seed}.")
        contrasts = _check_contrasts(contrasts)
        check_number(lesion_prob, "lesion_prob", low=0, high=1, hint=" (a probability)")
        max_lesions = check_whole_number(max_lesions, "max_lesions", minimum=1, hint=" (lesions per subject)")
        low, high = _check_levels(levels)
        check_number(fov_mm, "fov_mm", low=0, low_open=True, high=1000,
                     hint=" (the field of view in mm; 232 by default)")
        check_number(deformation, "deformation", low=0, high=10, hint=" (0: the template's shape, 1: the default)")
        if skull_stripped not in (True, False):
            raise TypeError(f"skull_stripped must be True or False; got {skull_stripped!r}.")
        self.size, self.contrasts, self.lesion_prob = size, tuple(contrasts), lesion_prob
        self.max_lesions, self.levels, self.fov_mm, self.deformation = max_lesions, (low, high), fov_mm, deformation
        self.skull_stripped = skull_stripped
        check_number(lesion_contrast, "lesion_contrast", low=0, high=1,
                     hint=" (1: the simulator's lesion, 0: white matter's parameters)")
        self.lesion_contrast = lesion_contrast
        self._lesion = {k: lesion_contrast * v + (1 - lesion_contrast) * TISSUES["wm"][k]
                        for k, v in TISSUES["lesion"].items()}
        self.generator = torch.Generator().manual_seed(seed)
        self._template = load_template()
        self._center_xy = torch.tensor(self._template["center_xy"])  # where the head is, in mm
        self._z_of_level = [(z - TEMPLATE_ORIGIN_Z_MM + PAD_MM[2]) for z in LEVEL_MNI_Z]  # level 0, 1 -> z mm

    # ------------------------------------------------------------------ random numbers
    def _uniform(self, shape, low, high):
        return torch.rand(shape, generator=self.generator) * (high - low) + low

    def _normal(self, shape, std=1.0):
        return torch.randn(shape, generator=self.generator) * std

    # ------------------------------------------------------------------ geometry
    def _smooth_field(self, n, channels, control, out_shape, std):
        """A smooth random field: random values on a coarse control grid, interpolated to ``out_shape``."""
        coarse = self._normal((n, channels) + (control,) * len(out_shape), std)
        mode = "bilinear" if len(out_shape) == 2 else "trilinear"
        return F.interpolate(coarse, size=out_shape, mode=mode, align_corners=True)

    def _sample_points(self, n, out_shape, spacing_mm, center_z=None):
        """Physical positions (mm, from the stack's corner) of every output pixel after a random deformation.

        ``out_shape`` is ``(S, S)`` for slices or ``(S, S, S)`` for volumes (then ``center_z`` is the
        volume's centre). Returns ``(n, *out_shape, dims)`` positions ordered x, y[, z].
        """
        dims = len(out_shape)
        axes = [(torch.arange(s, dtype=torch.float32) - (s - 1) / 2) * spacing_mm for s in out_shape]
        grids = torch.meshgrid(*axes, indexing="ij")  # 2-D: (row=y, col=x); 3-D: (z, y, x)
        u = torch.stack(grids[::-1], dim=-1)  # (..., dims) ordered x, y[, z]

        d = self.deformation
        angle = self._uniform((n,), -0.15, 0.15) * d  # radians, about +-9 degrees
        scale = 1 + self._uniform((n, dims), -0.08, 0.08) * d
        cos, sin = torch.cos(angle), torch.sin(angle)
        matrix = torch.zeros(n, dims, dims)
        matrix[:, 0, 0], matrix[:, 0, 1], matrix[:, 1, 0], matrix[:, 1, 1] = cos, -sin, sin, cos
        if dims == 3:
            matrix[:, 2, 2] = 1.0
        matrix = matrix * scale[:, None, :]  # rotate after an anisotropic scaling
        shift = self._uniform((n, dims), -4.0, 4.0) * d
        flat = u.reshape(-1, dims)
        points = torch.einsum("nij,pj->npi", matrix, flat).reshape((n,) + tuple(out_shape) + (dims,))
        displacement = self._smooth_field(n, dims, 4 if dims == 3 else 5, tuple(out_shape), 3.0 * d)
        points = points + displacement.movedim(1, -1) + shift.view((n,) + (1,) * dims + (dims,))
        points[..., 0] += self._center_xy[0]
        points[..., 1] += self._center_xy[1]
        if dims == 3:
            points[..., 2] += center_z
        return points

    def _resample(self, base, points, spacing_mm):
        """Sample a ``(1, C, Z, Y, X)`` stack at physical points with one trilinear ``grid_sample``.

        The stack's border is air far from the brain, so points beyond it take the border's values.
        """
        _, channels, depth, height, width = base.shape
        extent = torch.tensor([width, height, depth]) * spacing_mm
        n = points.shape[0]
        grid = (2 * points / extent - 1).reshape(1, n * points.shape[1], *points.shape[2:])
        out = F.grid_sample(base, grid, mode="bilinear", padding_mode="border", align_corners=False)
        return out.reshape(channels, n, *points.shape[1:-1]).transpose(0, 1)  # (n, C, D, H, W)

    # ------------------------------------------------------------------ public API
    def sample(self, n: int) -> BrainBatch:
        """The next ``n`` subjects of the stream, as 2-D axial slices of ``size x size`` pixels."""
        n = self._check_n(n)
        # (A chunk draws its random numbers as one request would, so a request of at most one chunk is
        # unchanged by chunking and a larger one equals consecutive requests of one chunk each.)
        per_chunk = max(1, CHUNK_PIXELS // self.size ** 2)
        if n > per_chunk:
            return _concatenate([self.sample(min(per_chunk, n - done)) for done in range(0, n, per_chunk)])
        spacing = self.fov_mm / self.size
        pool = max(1, int(spacing / 1.5))
        z0, z1 = (int(math.floor(z)) for z in self._z_of_level)
        slab = _slab(pool, z0, z1 + 1)  # (Z, C, Y, X), one 1 mm axial slice per z
        level = self._uniform((n,), *self.levels)
        index = torch.round(level * (z1 - z0)).long()
        points = self._sample_points(n, (self.size, self.size), spacing)
        # One bilinear 2-D resampling of each subject's slice, batched (parallel over subjects).
        _, channels, height, width = slab.shape
        extent = torch.tensor([width * float(pool), height * float(pool)])
        grid = 2 * points / extent - 1
        maps = F.grid_sample(slab[index], grid, mode="bilinear", padding_mode="border", align_corners=False)
        batch = self._render(maps, spacing)
        batch.level = level
        return batch

    def volumes(self, n: int, size: int | None = None) -> BrainBatch:
        """The next ``n`` subjects as 3-D volumes of ``size`` cubed voxels (``size``: 16 to 256, defaults to the
        simulator's)."""
        n = self._check_n(n)
        size = self.size if size is None else check_whole_number(size, "size", minimum=16, maximum=256,
                                                                  hint=" (voxels per side)")
        spacing = self.fov_mm / size
        pool = max(1, int(spacing / 1.5))
        base = _volume_base(pool)
        z_lo, z_hi = self._template["brain_z"]
        # the head reaches higher than the brain (template.grid_affine places the volume in MNI space alike)
        center_z = (z_lo + z_hi + 1) / 2.0 + VOLUME_CENTER_ABOVE_BRAIN_MM
        points = self._sample_points(n, (size, size, size), spacing, center_z=center_z)
        maps = self._resample(base, points, float(pool))
        return self._render(maps, spacing)

    def _check_n(self, n) -> int:
        try:
            return check_whole_number(n, "n", minimum=1)
        except (TypeError, ValueError) as error:
            raise type(error)(f"n, the number of subjects, must be a positive integer; got {n!r}.") from None

    # ------------------------------------------------------------------ anatomy and contrasts
    def _render(self, maps, spacing_mm) -> BrainBatch:
        n = maps.shape[0]
        # Noise is set for 1.8 mm voxels; a larger voxel averages more of them. Averaging k independent
        # values divides the noise by sqrt(k): in-plane for a 1 mm thick slice, in all three axes for a volume.
        noise_scale = (NOISE_REFERENCE_MM / spacing_mm) ** (1.5 if maps.dim() == 5 else 1.0)
        t1_template, gm, wm, csf, dist = maps.unbind(dim=1)
        gm, wm, csf, dist = gm.unsqueeze(1), wm.unsqueeze(1), csf.unsqueeze(1), dist.unsqueeze(1)
        brain = (gm + wm + csf).clamp(max=1)
        outside = 1 - brain

        # The head around the brain: bands of distance, each of random thickness (mm), with 1 mm soft edges.
        shape = (n, 1) + (1,) * (maps.dim() - 2)
        csf_band = self._uniform(shape, 1.0, 3.0)
        skull_band = csf_band + self._uniform(shape, 4.0, 8.0)
        scalp_band = skull_band + self._uniform(shape, 3.0, 7.0)
        inside = lambda edge: (edge - dist + 0.5).clamp(0, 1)  # noqa: E731 - 1 inside the band's outer edge
        extra_csf = outside * inside(csf_band)
        skull = outside * (inside(skull_band) - inside(csf_band))
        scalp = outside * (inside(scalp_band) - inside(skull_band))
        air = (outside - extra_csf - skull - scalp).clamp(min=0)

        lesion = self._lesions(gm + wm, spacing_mm)
        keep = 1 - lesion
        # (tissue whose parameters apply, its fraction map, whether the template's real T1 covers it)
        fractions = [("air", air, False), ("scalp", scalp, False), ("skull", skull, False),
                     ("csf", extra_csf, False), ("csf", csf, True), ("gm", gm, True), ("wm", wm, True)]
        fractions = [(name, f * keep, real) for name, f, real in fractions] + [("lesion", lesion, False)]

        tissue = torch.cat([air + scalp + skull, csf + extra_csf, gm, wm], dim=1)  # label order of LABELS
        labels = _argmax_channels(tissue)
        batch = BrainBatch(labels=labels, tissue=tissue, lesion_mask=(lesion > 0.5).float(),
                           has_lesion=(lesion > 0.5).flatten(1).any(dim=1))
        if "t1" in self.contrasts or "t2" in self.contrasts:
            bias = self._bias_field(n, maps.shape[2:])
        for contrast in self.contrasts:
            if contrast == "ct":
                image = self._ct(fractions, shape, noise_scale)
                if self.skull_stripped:
                    image = brain * image + (1 - brain) * TISSUES["air"]["hu"]
            else:
                real_t1 = t1_template.unsqueeze(1) * keep if contrast == "t1" else None
                image = self._mr(contrast, fractions, real_t1, bias, shape, noise_scale)
                if self.skull_stripped:
                    image = brain * image
            setattr(batch, contrast, image)
        return batch

    def _mr(self, contrast, fractions, real_t1, bias, shape, noise_scale):
        image = 0
        for name, fraction, covered_by_template in fractions:
            if real_t1 is not None and covered_by_template:
                continue  # inside the brain the T1 image is the template's own, real intensity
            jitter = self._uniform(shape, 0.93, 1.07)  # each tissue's signal varies a little between subjects
            image = image + fraction * self._signal(name, contrast) * jitter
        if real_t1 is not None:
            # The template's white matter (0.87) is put at the model's white-matter signal, so that the
            # real brain and the modelled head share one intensity scale.
            image = image + real_t1 * (signal("wm", "t1") / 0.87)
        reference = signal("scalp", "t1") if contrast == "t1" else signal("csf", "t2")
        image = image / reference * 0.9  # the brightest tissue near 0.9
        gain = self._uniform(shape, 0.9, 1.1)
        gamma = self._uniform(shape, 0.85, 1.15)
        image = (image.clamp(min=0) ** gamma) * gain * bias
        sigma = self._uniform(shape, 0.01, 0.035) * noise_scale
        noise_real, noise_imag = self._normal(image.shape) * sigma, self._normal(image.shape) * sigma
        image = torch.sqrt((image + noise_real) ** 2 + noise_imag ** 2)  # magnitude of complex data: Rician
        return image.clamp(0, 1)

    def _ct(self, fractions, shape, noise_scale):
        image = 0
        for name, fraction, _ in fractions:
            hu = self._signal(name, "ct")
            if name == "skull":
                hu = self._uniform(shape, 700.0, 1400.0)  # bone density varies between subjects
            elif name != "air":
                hu = hu + self._uniform(shape, -4.0, 4.0)
            image = image + fraction * hu
        image = image + self._normal(image.shape, 1.0) * self._uniform(shape, 3.0, 10.0) * noise_scale
        return image.clamp(*HU_RANGE)

    def _signal(self, name, contrast):
        return signal(name, contrast, self._lesion if name == "lesion" else None)

    def _bias_field(self, n, spatial):
        """A smooth multiplicative field around 1 (+-20 % at most), as a receive coil's sensitivity gives."""
        field = self._smooth_field(n, 1, 3, tuple(spatial), 0.08)
        return torch.exp(field.clamp(-0.2, 0.2))

    def _lesions(self, parenchyma, spacing_mm):
        """Soft ellipses (2-D) or ellipsoids (3-D) placed in grey or white matter, as a fraction map."""
        n, spatial = parenchyma.shape[0], parenchyma.shape[2:]
        lesion = torch.zeros_like(parenchyma)
        if self.lesion_prob == 0:
            return lesion
        has = self._uniform((n,), 0, 1) < self.lesion_prob
        count = torch.randint(1, self.max_lesions + 1, (n,), generator=self.generator)
        axes = [(torch.arange(s, dtype=torch.float32) - (s - 1) / 2) * spacing_mm for s in spatial]
        coords = torch.stack(torch.meshgrid(*axes, indexing="ij"), dim=0)  # (dims, ...)
        weights = (parenchyma.flatten(1) > 0.8).float() + 1e-6
        for k in range(self.max_lesions):
            active = (has & (count > k)).float().view((n,) + (1,) * (len(spatial) + 1))
            centre_index = torch.multinomial(weights, 1, generator=self.generator).squeeze(1)
            centre = coords.flatten(1)[:, centre_index].T  # (n, dims)
            radii = self._uniform((n, len(spatial)), 4.0, 11.0)
            offset = coords.unsqueeze(0) - centre.view((n, len(spatial)) + (1,) * len(spatial))
            if len(spatial) == 2:  # a random orientation for the ellipse
                angle = self._uniform((n,), 0, math.pi).view(n, 1, 1)
                a = offset[:, 0] * torch.cos(angle) + offset[:, 1] * torch.sin(angle)
                b = -offset[:, 0] * torch.sin(angle) + offset[:, 1] * torch.cos(angle)
                offset = torch.stack([a, b], dim=1)
            radius = torch.sqrt(((offset / radii.view((n, len(spatial)) + (1,) * len(spatial))) ** 2).sum(1))
            blob = torch.sigmoid((1 - radius) * 6).unsqueeze(1)
            lesion = torch.maximum(lesion, blob * active)
        return lesion * (parenchyma > 0.3).float()


def _check_contrasts(contrasts):
    if isinstance(contrasts, str):
        raise TypeError(f"contrasts is a tuple of contrast names, e.g. ({contrasts!r},); got the string {contrasts!r}.")
    try:
        contrasts = tuple(contrasts)
    except TypeError:
        raise TypeError(f"contrasts must be a tuple of names from {CONTRASTS}; got {contrasts!r}.") from None
    unknown = [c for c in contrasts if c not in CONTRASTS]
    if unknown:
        raise ValueError(f"contrasts holds unknown contrast(s) {unknown}: choose from {CONTRASTS}.")
    return contrasts


def _check_levels(levels):
    """``(low, high)`` with 0 <= low <= high <= 1, as given."""
    rule = "levels must be (low, high) with 0 <= low <= high <= 1"
    try:
        low, high = levels
    except TypeError:
        raise TypeError(f"{rule}; got {levels!r}.") from None
    except ValueError:
        raise ValueError(f"{rule}: two numbers; got {levels!r}.") from None
    for value in (low, high):
        check_number(value, "levels", hint=" (each of low and high)")
    if not 0.0 <= low <= high <= 1.0:
        raise ValueError(f"{rule}, got {levels}.")
    return low, high


def _concatenate(batches) -> BrainBatch:
    """One batch holding the subjects of several, in order."""
    return BrainBatch(**{f.name: None if getattr(batches[0], f.name) is None
                         else torch.cat([getattr(b, f.name) for b in batches]) for f in fields(BrainBatch)})


# The template at each output resolution, shared by all simulators (low-pass filtering before resampling
# keeps it from aliasing).
@functools.lru_cache(maxsize=8)
def _slab(pool, z_first, z_last):
    """Axial slices ``z_first..z_last`` of the stack, averaged in-plane over ``pool`` x ``pool`` voxels."""
    slab = load_template()["stack"][z_first: z_last + 1]
    if pool > 1:
        slab = F.avg_pool2d(slab, pool, ceil_mode=True)
    return slab.contiguous()


@functools.lru_cache(maxsize=4)
def _volume_base(pool):
    """The whole stack averaged over ``pool``-voxel cubes, as ``(1, C, Z, Y, X)``."""
    volume = load_template()["stack"].permute(1, 0, 2, 3).unsqueeze(0)
    if pool > 1:
        volume = F.avg_pool3d(volume, pool, ceil_mode=True)
    return volume.contiguous()


def _argmax_channels(x: torch.Tensor) -> torch.Tensor:
    """Index of the largest channel, by max-and-compare (several times faster than ``argmax`` on CPU)."""
    best = x.amax(dim=1, keepdim=True)
    is_best = x >= best
    labels = torch.zeros(x.shape[:1] + x.shape[2:], dtype=torch.long)
    for channel in range(x.shape[1] - 1, -1, -1):  # lowest index wins ties
        labels = torch.where(is_best[:, channel], torch.tensor(channel), labels)
    return labels
