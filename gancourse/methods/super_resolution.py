"""Super-resolution: a high-resolution image from a low-resolution one (the survey's Section 4.3.2), in 2-D and
through the slices of a volume.

* :func:`downsample` makes the low-resolution image: each low pixel is the mean of ``factor`` high ones along
  each axis downsampled (a box-shaped point spread function, as a thicker slice or a larger pixel averages the
  tissue it covers); ``along="rows"`` downsamples one axis only (the slice axis of a plane through a volume);
* :func:`bicubic` is the baseline: PyTorch's bicubic interpolation, cubic convolution with ``a = -0.75`` (the
  value PyTorch and OpenCV use; Keys recommended ``a = -0.5``), pixel centres aligned with :func:`downsample`'s;
* :class:`SuperResolutionTrainer` trains a network that starts from the bicubic image and adds a learned
  correction (residual learning): with the L1 loss alone, or SRGAN's recipe (Ledig et al. {cite}`survey80`):
  a content loss on a feature network (the book's domain encoder in place of VGG) and an adversarial loss,
  here beside the L1 loss;
* :func:`super_resolve` applies a trained network; :func:`through_plane` brings a volume of thick slices back
  to thin ones, with cubic interpolation along the slice axis and, given a network, its correction applied to
  each plane through the slices (coronal planes: ``(z, col)`` images).

    trainer = SuperResolutionTrainer(G, None, high_images, factor=2, seed=0)   # L1 only
    trainer.fit(seconds=10)
    estimate = super_resolve(G, downsample(test_images, 2), 2)
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from ..checks import check_image_batch, check_number, check_value_range, check_whole_number
from ..devices import outputs_on_cpu
from ..losses import l1_loss
from .refinement import RefinementTrainer

ALONG = ("both", "rows")


def _check(images, factor, along, who):
    check_image_batch(images, f"{who}: the images")
    factor = check_whole_number(factor, "factor", minimum=1, hint=" (the resolution factor, e.g. 2 or 4)")
    if along not in ALONG:
        raise ValueError(f"along is 'both' (rows and columns) or 'rows' (the slice axis of a plane); got {along!r}.")
    return factor


def downsample(images: torch.Tensor, factor: int, along: str = "both") -> torch.Tensor:
    """``(N, C, H, W)`` -> the mean of each ``factor x factor`` block (``along="both"``) or of each ``factor``
    rows (``along="rows"``). The sides downsampled must be divisible by ``factor``."""
    factor = _check(images, factor, along, "downsample")
    kernel = (factor, factor) if along == "both" else (factor, 1)
    if images.shape[-2] % kernel[0] or images.shape[-1] % kernel[1]:
        raise ValueError(f"downsample by {factor} needs sides divisible by {factor}; got "
                         f"{tuple(images.shape[-2:])}. Crop the images first.")
    return F.avg_pool2d(images, kernel)


def bicubic(images: torch.Tensor, factor: int, along: str = "both") -> torch.Tensor:
    """Upsample by ``factor`` with cubic convolution: the baseline, and every network's starting point. Along
    ``"rows"`` only the rows are interpolated (each column is a 1-D cubic interpolation)."""
    factor = _check(images, factor, along, "bicubic")
    size = (images.shape[-2] * factor, images.shape[-1] * (factor if along == "both" else 1))
    return F.interpolate(images, size=size, mode="bicubic", align_corners=False)


def _residual(generator, start):
    return start + generator(start)


def super_resolve(generator, low: torch.Tensor, factor: int, along: str = "both",
                  batch_size: int = 128) -> torch.Tensor:
    """A trained network's estimate of the high-resolution images of ``low`` (bicubic start + correction), in
    evaluation mode, ``batch_size`` at a time on the network's device; returned on the CPU."""
    return outputs_on_cpu(generator, bicubic(low, factor, along), batch_size=batch_size, apply=_residual)


def thick_slices(volumes: torch.Tensor, factor: int) -> torch.Tensor:
    """Volumes ``(N, 1, Z, Y, X)`` -> ``(N, 1, Z / factor, Y, X)``: each new slice the mean of ``factor`` thin
    ones (a slice ``factor`` times thicker)."""
    _check_volumes(volumes)
    factor = check_whole_number(factor, "factor", minimum=1)
    if volumes.shape[2] % factor:
        raise ValueError(f"thick_slices by {factor} needs a number of slices divisible by {factor}; got "
                         f"{volumes.shape[2]}.")
    return F.avg_pool3d(volumes, (factor, 1, 1))


def _check_volumes(volumes):
    if not isinstance(volumes, torch.Tensor) or not torch.is_floating_point(volumes) or volumes.dim() != 5 \
            or volumes.shape[1] != 1:
        shape = tuple(volumes.shape) if isinstance(volumes, torch.Tensor) else type(volumes).__name__
        raise ValueError(f"expected single-channel volumes (N, 1, Z, Y, X); got {shape}.")


def coronal_planes(volumes: torch.Tensor) -> torch.Tensor:
    """``(N, 1, Z, Y, X)`` -> ``(N * Y, 1, Z, X)``: every plane through the slices at a fixed row, as images."""
    _check_volumes(volumes)
    n, _, z, y, x = volumes.shape
    return volumes.permute(0, 3, 1, 2, 4).reshape(n * y, 1, z, x)


def from_coronal_planes(planes: torch.Tensor, n: int) -> torch.Tensor:
    """The inverse of :func:`coronal_planes` for ``n`` volumes."""
    check_image_batch(planes, "the planes")
    y = planes.shape[0] // n
    return planes.reshape(n, y, 1, planes.shape[2], planes.shape[3]).permute(0, 2, 3, 1, 4)


def through_plane(thick: torch.Tensor, factor: int, generator=None) -> torch.Tensor:
    """Thin slices from thick ones ``(N, 1, Z, Y, X)``: cubic interpolation along the slice axis, plus, given a
    network trained on coronal planes (``along="rows"``), its correction of each plane."""
    planes = coronal_planes(thick)
    if generator is None:
        thin = bicubic(planes, factor, along="rows")
    else:
        thin = super_resolve(generator, planes, factor, along="rows")
    return from_coronal_planes(thin, thick.shape[0])


class SuperResolutionTrainer(RefinementTrainer):
    """Trains ``generator`` to bring ``high`` images ``(N, 1, H, W)`` in [-1, 1] back from their
    :func:`downsample`-d versions, starting from :func:`bicubic` (see the module's description).

    Without a discriminator and with ``feature_weight=0``: the L1 network. With both: SRGAN's recipe,
    ``L1 + feature_weight * content + adversarial_weight * adversarial`` (non-saturating by default; the
    discriminator judges high-resolution images alone, as SRGAN's does). Adam with ``lr`` (generator) and
    ``lr_d`` (discriminator), betas (0.5, 0.999). The history records ``loss_g``, its terms and ``loss_d``."""

    hint = "Lower lr or adversarial_weight, and check that the images lie in [-1, 1]."

    def __init__(self, generator, discriminator, high, factor: int, *, along: str = "both",
                 feature_weight: float = 0.0, adversarial_weight: float = 0.01, batch_size: int = 16,
                 lr: float = 1e-3, lr_d: float = 2e-4, loss: str = "nonsaturating", **loop):
        check_image_batch(high, "the high-resolution images")
        check_value_range(high, "the high-resolution images")
        self.factor = _check(high, factor, along, "SuperResolutionTrainer")
        super().__init__(generator, discriminator, feature_weight=feature_weight, batch_size=batch_size, lr=lr,
                         lr_d=lr_d, loss=loss, **loop)
        self.high = self.to_device(high)
        self.start = bicubic(downsample(self.high, self.factor, along), self.factor, along)
        self.feature_weight = check_number(feature_weight, "feature_weight", low=0)
        self.adversarial_weight = check_number(adversarial_weight, "adversarial_weight", low=0)

    def step(self):
        index = self.batch_index(self.high.shape[0])
        real = self.high[index]
        output = _residual(self.generator, self.start[index])
        terms = {"l1": l1_loss(output, real)}
        fake = output.clamp(-1, 1)  # the feature network and the discriminator see images in [-1, 1]
        if self.feature is not None:
            terms["feature"] = self.feature_weight * self.feature(fake, real)
        adversarial, record = self.adversarial_update(real, fake)
        if adversarial is not None:
            terms["adversarial"] = self.adversarial_weight * adversarial
        loss_g = sum(terms.values())
        self.generator_update(loss_g)
        return {"loss_g": loss_g.item(), **record, **{name: value.item() for name, value in terms.items()}}
