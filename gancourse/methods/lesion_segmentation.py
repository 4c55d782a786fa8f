"""Training a lesion segmenter on labelled images: the downstream task that tells whether synthetic
labelled cases help.

Shin et al. {cite}`shin2018medical` and Frid-Adar et al. {cite}`survey14` judge synthetic medical images by
what they do for a network trained on them. Here that network segments lesions: images ``(N, C, H, W)`` in
[-1, 1] and 0/1 lesion masks ``(N, 1, H, W)``. Lesions cover a few pixels of a slice, so the loss is the
binary cross-entropy (a gradient for every pixel) plus the soft Dice loss of the lesion class,
``1 - (2 sum p y + 1) / (sum p + sum y + 1)`` over the batch, which does not let the many background pixels
drown the few lesion pixels. With ``augment=True`` every batch gets classic augmentation (random flips and
shifts, the same for image and mask), the baseline synthetic data has to beat.

    model = train_lesion_segmenter(images, masks, steps=400, seed=0)
    predicted = segment_lesions(model, test_images)        # 0/1 masks
"""
from __future__ import annotations


import torch
import torch.nn.functional as F

from ..checks import check_image_batch, check_number, check_value_range, check_whole_number
from ..data.augment import flip_and_shift
from ..devices import outputs_on_cpu
from ..losses.segmentation import soft_dice_loss
from ..nets.segmenter import LesionSegmenter
from ..train import Trainer, cosine_rate


class LesionSegmenterTrainer(Trainer):
    """Trains ``model`` (one logit per pixel, ``(B, 1, H, W)``) on ``images`` and ``masks`` with cross-entropy
    plus soft Dice and Adam; the rate follows a cosine from ``lr`` to 0 over ``steps``. The history records
    ``loss``."""

    hint = "Lower lr, and check that the images lie in [-1, 1] and the masks hold 0s and 1s."

    def __init__(self, model, images, masks, *, steps: int, batch_size: int = 16, lr: float = 5e-3,
                 augment: bool = True, **loop):
        check_image_batch(images, "the images")
        check_value_range(images, "the images")
        if not isinstance(masks, torch.Tensor) or masks.shape != (images.shape[0], 1) + images.shape[2:]:
            raise ValueError(f"masks must be a tensor (N, 1, H, W) with one mask per image, shape "
                             f"{(images.shape[0], 1) + tuple(images.shape[2:])}; got "
                             f"{tuple(masks.shape) if isinstance(masks, torch.Tensor) else type(masks).__name__}.")
        if not bool(((masks == 0) | (masks == 1)).all()):
            raise ValueError("masks must hold only 0s and 1s; threshold them first, e.g. (masks > 0.5).float().")
        super().__init__(**loop)
        self.model = self.add_network("model", model)
        self.images, self.masks = self.to_device(images), self.to_device(masks.float())
        self.planned_steps = check_whole_number(steps, "steps", minimum=1)
        self.batch_size = min(check_whole_number(batch_size, "batch_size", minimum=1), images.shape[0])
        self.lr, self.augment = check_number(lr, "lr", low=0, low_open=True), augment
        self.optimizer = self.add_optimizer("model", torch.optim.Adam(model.parameters(), lr=self.lr))
        self.batches = self.add_rng("batches")

    def step(self):
        for group in self.optimizer.param_groups:
            group["lr"] = cosine_rate(self.lr, self.steps_done, self.planned_steps)
        index = torch.randint(0, self.images.shape[0], (self.batch_size,), generator=self.batches)
        x, y = self.images[index.to(self.device)], self.masks[index.to(self.device)]
        if self.augment:  # image and mask stacked, so that both get the same flip and shift
            both = flip_and_shift(torch.cat([x, y], dim=1), self.batches)
            x, y = both[:, :-1], both[:, -1:]
        logits = self.model(x)
        loss = F.binary_cross_entropy_with_logits(logits, y) + soft_dice_loss(logits, y)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.optimizer.step()
        return {"loss": loss.item()}


def train_lesion_segmenter(images, masks, *, steps: int = 400, batch_size: int = 16, lr: float = 5e-3,
                    augment: bool = True, seed: int = 0, width: int = 16, device=None,
                    progress: bool = False) -> LesionSegmenter:
    """A :class:`~gancourse.nets.segmenter.LesionSegmenter` trained for ``steps`` steps by
    :class:`LesionSegmenterTrainer`; returned in evaluation mode."""
    with torch.random.fork_rng(devices=[]):  # the initial weights from the seed; the global state unchanged
        torch.manual_seed(seed)
        model = LesionSegmenter(in_channels=images.shape[1] if isinstance(images, torch.Tensor) else 1,
                                width=width)
    trainer = LesionSegmenterTrainer(model, images, masks, steps=steps, batch_size=batch_size, lr=lr, augment=augment,
                               seed=seed, device=device)
    trainer.fit(steps=steps, progress=progress)
    return model.eval()


def segment_lesions(model, images, threshold: float = 0.5, batch_size: int = 256) -> torch.Tensor:
    """0/1 masks ``(N, 1, H, W)``: where the model's lesion probability exceeds ``threshold``."""
    probability = torch.sigmoid(outputs_on_cpu(model, images, batch_size=batch_size))
    return (probability > check_number(threshold, "threshold", low=0, high=1)).float()
