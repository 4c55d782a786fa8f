"""Label-to-image synthesis with lesions: pix2pix whose pixel loss does not overlook the lesion.

Shin et al. {cite}`shin2018medical` render brain MR images from label maps with a lesion (tumour) mask, then
edit the masks to make new labelled cases. With pix2pix's loss as it is, the lesion is easy to lose: a
lesion covers well under 1 % of a slice, so the L1 term, averaged over every pixel, barely changes whether
the generator paints it or not, and a generator trained for minutes paints it faintly. Jiang et al.'s
tumour-aware loss {cite}`survey27` answers the same problem in CycleGAN. Its simplest form here: weight the
L1 distance of every pixel inside the lesion mask by ``lesion_weight``,

    L1_w = mean over pixels of  w(p) |G(c)(p) - x(p)|,   w(p) = lesion_weight inside the mask, 1 elsewhere,

where the mask is the condition's channel ``mask_channel`` (the last by default), in [-1, 1] like the rest
of the condition: a pixel is in the lesion where that channel is above 0. ``lesion_weight=1`` is pix2pix.

    trainer = LesionWeightedPix2PixTrainer(G, D, condition, target, lesion_weight=20)
    trainer.fit(seconds=60)
"""
from __future__ import annotations

from ..checks import check_number, check_whole_number
from .pix2pix import Pix2PixTrainer


class LesionWeightedPix2PixTrainer(Pix2PixTrainer):
    """:class:`~gancourse.methods.pix2pix.Pix2PixTrainer` with the L1 term weighted ``lesion_weight`` times
    inside the lesion mask that channel ``mask_channel`` of the condition holds. Everything else (the
    discriminator, the adversarial loss, ``l1_weight``, the optimisers) is pix2pix's."""

    def __init__(self, generator, discriminator, condition, target, *, lesion_weight: float = 20.0,
                 mask_channel: int = -1, **options):
        super().__init__(generator, discriminator, condition, target, **options)
        self.lesion_weight = check_number(lesion_weight, "lesion_weight", low=1,
                                          hint=" (1 is plain pix2pix; 10 to 50 makes a small lesion count)")
        channels = condition.shape[1]
        self.mask_channel = check_whole_number(mask_channel, "mask_channel", minimum=-channels,
                                               maximum=channels - 1, hint=" (the condition's lesion mask channel)")
        values = condition[:, self.mask_channel]
        if not bool(((values == -1) | (values == 1)).all()):
            raise ValueError(f"channel {mask_channel} of the condition must be a lesion mask mapped to [-1, 1] "
                             "(only -1 and 1), e.g. to_gan_range(mask); it holds other values. Put the mask in "
                             "that channel or say which channel holds it with mask_channel=.")

    def pixel_loss(self, fake, real, condition):
        lesion = (condition[:, self.mask_channel:][:, :1] > 0).float()  # (B, 1, H, W), 1 inside a lesion
        weight = 1 + (self.lesion_weight - 1) * lesion  # broadcast over the output channels
        return (weight * (fake - real).abs()).mean()
