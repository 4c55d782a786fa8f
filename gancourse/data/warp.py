"""Warping images by displacement fields: the spatial transformer of registration (chapter 4.6).

A *displacement field* ``u`` of shape ``(N, 2, H, W)`` gives, for every pixel ``p`` of the output, where to
read the input: ``warped(p) = image(p + u(p))``. Channel 0 is the shift along the columns (x), channel 1
along the rows (y), both **in pixels**. Reading at ``p + u(p)`` (a *backward* map) is what makes warping a
differentiable resampling: Jaderberg et al.'s spatial transformer {cite}`jaderberg2015spatial` samples the
input bilinearly at those points (``torch.nn.functional.grid_sample``), so a loss on the warped image sends
gradients to ``u``, and through it to the network that predicted it (VoxelMorph {cite}`balakrishnan2019voxelmorph`).

* :func:`warp`: images, bilinear (or nearest);
* :func:`warp_labels`: label maps, either nearest (labels stay labels) or one-hot bilinear then the most
  likely label, which moves boundaries by fractions of a pixel;
* :func:`compose`: the one field that does ``v`` and then ``u``;
* :func:`random_displacement`: a smooth random field (random values on a coarse grid, interpolated): the
  known, true deformation the chapter's pairs are made with.

``grid_sample`` works in normalised coordinates, -1 and 1 at the centres of the corner pixels
(``align_corners=True``), so a shift of ``d`` pixels is ``2 d / (side - 1)`` there. Outside the image the
border's value is repeated (``padding_mode="border"``): the simulator's border is air.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from ..checks import check_image_batch, check_number, check_whole_number


def _check_field(displacement, name="displacement"):
    if (not isinstance(displacement, torch.Tensor) or not torch.is_floating_point(displacement)
            or displacement.dim() != 4 or displacement.shape[1] != 2):
        shape = tuple(displacement.shape) if isinstance(displacement, torch.Tensor) else type(displacement).__name__
        raise ValueError(f"{name} must be a floating-point field of shape (batch, 2, height, width), channel 0 the "
                         f"shift along x (columns) and channel 1 along y (rows), in pixels; got {shape}.")
    if not torch.isfinite(displacement).all():
        raise ValueError(f"{name} contains NaN or infinite values; a diverged network or optimiser made it.")


def _check_match(image, displacement):
    if image.shape[0] != displacement.shape[0] or image.shape[2:] != displacement.shape[2:]:
        raise ValueError(f"the images {tuple(image.shape)} and the displacement {tuple(displacement.shape)} must have "
                         "the same batch size, height and width: one field per image, one vector per pixel.")


def identity_grid(height: int, width: int, device=None, dtype=torch.float32) -> torch.Tensor:
    """Pixel coordinates ``(2, H, W)``: channel 0 the column index x, channel 1 the row index y. A pixel ``p``
    of the warped image reads the input at ``identity_grid + u``."""
    height = check_whole_number(height, "height", minimum=1)
    width = check_whole_number(width, "width", minimum=1)
    y, x = torch.meshgrid(torch.arange(height, device=device, dtype=dtype),
                          torch.arange(width, device=device, dtype=dtype), indexing="ij")
    return torch.stack([x, y])


def _sampling_grid(displacement):
    """Where each output pixel reads, in grid_sample's normalised coordinates: (N, H, W, 2), x first."""
    n, _, h, w = displacement.shape
    points = identity_grid(h, w, displacement.device, displacement.dtype) + displacement  # (N, 2, H, W) pixels
    scale = torch.tensor([2 / max(w - 1, 1), 2 / max(h - 1, 1)], device=displacement.device,
                         dtype=displacement.dtype).view(1, 2, 1, 1)
    return (points * scale - 1).permute(0, 2, 3, 1)


def warp(image: torch.Tensor, displacement: torch.Tensor, mode: str = "bilinear") -> torch.Tensor:
    """``image`` ``(N, C, H, W)`` warped by ``displacement`` ``(N, 2, H, W)`` (pixels):
    ``out(p) = image(p + u(p))``, interpolated bilinearly (``mode="nearest"`` for the nearest pixel)."""
    check_image_batch(image, "the images to warp")
    _check_field(displacement)
    _check_match(image, displacement)
    if mode not in ("bilinear", "nearest"):
        raise ValueError(f"mode is 'bilinear' (images) or 'nearest'; got {mode!r}.")
    grid = _sampling_grid(displacement.to(image.dtype))
    return F.grid_sample(image, grid, mode=mode, padding_mode="border", align_corners=True)


def warp_labels(labels: torch.Tensor, displacement: torch.Tensor, n_classes: int | None = None,
                how: str = "one-hot") -> torch.Tensor:
    """Integer label maps ``(N, H, W)`` warped by ``displacement``, returned as integer maps.

    ``how="nearest"``: each pixel takes the label of the nearest input pixel. ``how="one-hot"``: each label's
    indicator is warped bilinearly and each pixel takes the label with the largest share (ties go to the lower
    label), which follows a boundary moved by a fraction of a pixel. ``n_classes`` defaults to the largest
    label plus one."""
    if not isinstance(labels, torch.Tensor) or labels.dim() != 3 or torch.is_floating_point(labels):
        shape = tuple(labels.shape) if isinstance(labels, torch.Tensor) else type(labels).__name__
        raise ValueError(f"labels must be an integer tensor of label maps (batch, height, width); got {shape}"
                         f"{' of floats: round them and convert with .long()' if isinstance(labels, torch.Tensor) and torch.is_floating_point(labels) else ''}.")
    _check_field(displacement)
    _check_match(labels.unsqueeze(1), displacement)
    if labels.numel() and labels.min() < 0:
        raise ValueError(f"labels must be 0 or more; got {int(labels.min())}.")
    if how == "nearest":
        return warp(labels.unsqueeze(1).to(displacement.dtype), displacement, mode="nearest")[:, 0].round().long()
    if how != "one-hot":
        raise ValueError(f"how is 'one-hot' or 'nearest'; got {how!r}.")
    n_classes = int(labels.max()) + 1 if n_classes is None else check_whole_number(n_classes, "n_classes", minimum=1)
    if labels.numel() and labels.max() >= n_classes:
        raise ValueError(f"a label {int(labels.max())} is not below n_classes={n_classes}.")
    one_hot = F.one_hot(labels.long(), n_classes).permute(0, 3, 1, 2).to(displacement.dtype)
    return warp(one_hot, displacement).argmax(dim=1)


def compose(u: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """The field that warps like ``v`` first and then ``u``: ``warp(warp(x, v), u) ~ warp(x, compose(u, v))``.
    Pixel ``p`` reads ``p + u(p)`` of the image warped by ``v``, which read at ``q + v(q)``, so the composition
    is ``u(p) + v(p + u(p))``: ``v`` resampled where ``u`` points."""
    _check_field(u, "u")
    _check_field(v, "v")
    if u.shape != v.shape:
        raise ValueError(f"u {tuple(u.shape)} and v {tuple(v.shape)} must have the same shape.")
    return u + warp(v, u)


def random_displacement(n: int, size: int, *, max_pixels: float = 4.0, control: int = 5,
                        generator: torch.Generator | None = None) -> torch.Tensor:
    """``n`` smooth random fields ``(n, 2, size, size)`` in pixels: normal values on a ``control x control``
    grid, interpolated bicubically, each field scaled so that its longest vector is ``max_pixels``.
    A coarse grid gives a smooth field; too long vectors on too fine a grid fold it (see
    :func:`gancourse.metrics.registration.folded_fraction`)."""
    n = check_whole_number(n, "n", minimum=1)
    size = check_whole_number(size, "size", minimum=4)
    check_number(max_pixels, "max_pixels", low=0, hint=" (the longest displacement, in pixels)")
    control = check_whole_number(control, "control", minimum=2, hint=" (the coarse grid's side)")
    coarse = torch.randn(n, 2, control, control, generator=generator)
    field = F.interpolate(coarse, size=(size, size), mode="bicubic", align_corners=True)
    longest = field.norm(dim=1).flatten(1).max(dim=1).values.clamp(min=1e-8)
    return field * (max_pixels / longest).view(n, 1, 1, 1)
