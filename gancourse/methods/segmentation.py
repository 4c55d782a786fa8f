"""Supervised segmentation, the baseline of chapter 4.2: a segmenter trained on images and their label maps
with the Dice and cross-entropy losses, on the book's one loop.

    trainer = SegmentationTrainer(unet, images, labels, seed=0)
    trainer.fit(seconds=30)
    predicted = segment(unet, test_images)  # (N, H, W) class indices

:class:`SegmentationTrainer` draws ``batch_size`` pairs per step and minimises
:func:`gancourse.losses.segmentation.dice_cross_entropy` with Adam. The adversarial methods of
:mod:`~gancourse.methods.adversarial_segmentation` and :mod:`~gancourse.methods.domain_adaptation` subclass
it: they add a term to :meth:`SegmentationTrainer.segmenter_loss` and train an adversary beside it in
:meth:`SegmentationTrainer.adversary_step`.
"""
from __future__ import annotations

import torch

from ..checks import check_image_batch, check_number, check_value_range, check_whole_number
from ..devices import outputs_on_cpu
from ..losses.segmentation import dice_cross_entropy
from ..train import Trainer


def check_label_maps(labels, images, n_classes, who):
    """Refuse label maps that are not ``(N, H, W)`` class indices in ``0 .. n_classes - 1`` for ``images``."""
    if not isinstance(labels, torch.Tensor) or labels.dtype not in (torch.int64, torch.int32, torch.uint8):
        raise TypeError(f"{who} takes label maps of class indices as an integer tensor (N, H, W); got "
                        f"{type(labels).__name__}"
                        f"{' of dtype ' + str(labels.dtype) if isinstance(labels, torch.Tensor) else ''}. "
                        "A float mask converts with mask.long().")
    if labels.shape != images.shape[:1] + images.shape[2:]:
        raise ValueError(f"{who} needs one label map per image, of the image's size: images "
                         f"{tuple(images.shape)} want labels of shape {tuple(images.shape[:1] + images.shape[2:])}"
                         f"; got {tuple(labels.shape)}. (Squeeze a channel dimension of 1.)")
    if labels.min() < 0 or labels.max() >= n_classes:
        raise ValueError(f"{who}: the segmenter has {n_classes} classes (0 to {n_classes - 1}) but the labels "
                         f"run from {int(labels.min())} to {int(labels.max())}.")
    return labels.long()


class SegmentationTrainer(Trainer):
    """Trains ``segmenter`` (images ``(B, C, H, W)`` to logits ``(B, K, H, W)``, with an ``n_classes``
    attribute) on ``images (N, C, H, W)`` in [-1, 1] and ``labels (N, H, W)``. Adam with ``lr``.

    The history records ``loss_seg`` (Dice + cross-entropy) and ``loss`` (what the segmenter minimised:
    the same for the baseline, plus the adversarial term in the subclasses)."""

    hint = "Lower lr, and check that the images lie in [-1, 1]."

    def __init__(self, segmenter, images, labels, *, batch_size: int = 16, lr: float = 1e-3, **loop):
        check_image_batch(images, "the images")
        check_value_range(images, "the images")
        n_classes = getattr(segmenter, "n_classes", None)
        if n_classes is None:
            raise ValueError("the segmenter must say how many classes it outputs (an n_classes attribute, as "
                             "gancourse.nets.SegmentationUNet has).")
        labels = check_label_maps(labels, images, n_classes, type(self).__name__)
        super().__init__(**loop)
        self.segmenter = self.add_network("segmenter", segmenter)
        self.n_classes = n_classes
        self.images, self.labels = self.to_device(images), labels.to(self.device)
        self.batch_size = min(check_whole_number(batch_size, "batch_size", minimum=1), images.shape[0])
        self.lr = check_number(lr, "lr", low=0, low_open=True)
        self.opt_s = self.add_optimizer("segmenter", torch.optim.Adam(segmenter.parameters(), lr=self.lr))
        self.batches = self.add_rng("batches")

    def batch(self):
        """``batch_size`` images and their label maps, drawn with replacement."""
        index = torch.randint(0, self.images.shape[0], (self.batch_size,), generator=self.batches).to(self.device)
        return self.images[index], self.labels[index]

    def segmenter_loss(self, x, y, logits):
        """What the segmenter minimises, and the values to record. The baseline: Dice + cross-entropy."""
        loss_seg = dice_cross_entropy(logits, y)
        return loss_seg, {"loss_seg": loss_seg.item()}

    def adversary_step(self, x, y, logits):
        """Train the adversary one step on this batch (``logits`` detached); return values to record.
        The baseline has none."""
        return {}

    def step(self):
        x, y = self.batch()
        logits = self.segmenter(x)
        record = self.adversary_step(x, y, logits.detach())  # first the adversary, as pix2pix does
        loss, values = self.segmenter_loss(x, y, logits)
        self.opt_s.zero_grad(set_to_none=True)
        loss.backward()
        self.opt_s.step()
        return {"loss": loss.item(), **values, **record}


def segment(segmenter, images, batch_size: int = 256) -> torch.Tensor:
    """The class of each pixel (``argmax`` of the logits), ``(N, H, W)``, in evaluation mode, on the CPU."""
    check_image_batch(images, "the images")
    return outputs_on_cpu(segmenter, images, batch_size=batch_size).argmax(1)
