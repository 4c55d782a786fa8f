"""Training and scoring a slice classifier: the downstream task that tells whether synthetic data helps.

    model = train_classifier(images, labels, n_classes=3, steps=600, seed=0)
    print(accuracy(model, held_out_images, held_out_labels))

With ``augment=True`` every batch gets classic augmentation (:func:`gancourse.augment.flip_and_shift`): the
baseline that GAN augmentation has to beat, as in Frid-Adar et al. {cite}`survey14`.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from .augment import flip_and_shift
from .devices import outputs_on_cpu
from .nets.checks import check_labels
from .nets.classifier import SliceClassifier


def train_classifier(images, labels, n_classes: int, *, steps: int = 600, batch_size: int = 64, lr: float = 1e-3,
                     augment: bool = True, seed: int = 0, width: int = 16, device=None) -> SliceClassifier:
    """A :class:`~gancourse.nets.classifier.SliceClassifier` trained with Adam and cross-entropy on
    ``images (N, C, S, S)`` and integer ``labels (N,)``; returned in evaluation mode, on ``device`` (the CPU
    when not given)."""
    if not isinstance(images, torch.Tensor) or images.dim() != 4:
        raise ValueError(f"images must be a tensor (N, channels, S, S); got "
                         f"{tuple(images.shape) if isinstance(images, torch.Tensor) else type(images).__name__}.")
    labels = check_labels(labels, n_classes, images.shape[0], "train_classifier")
    present = labels.unique().numel()
    if present < 2:
        raise ValueError(f"the labels hold a single class ({int(labels[0])}): a classifier needs at least two.")
    torch.manual_seed(seed)
    rng = torch.Generator().manual_seed(seed)
    device = torch.device(device) if device is not None else torch.device("cpu")
    model = SliceClassifier(n_classes, channels=images.shape[1], width=width).to(device)
    images, labels = images.to(device), labels.to(device)
    optimiser = torch.optim.Adam(model.parameters(), lr=lr)
    # The learning rate decays to zero (cosine), so the result does not depend on where the last step landed.
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimiser, T_max=steps)
    model.train()
    for _ in range(steps):
        index = torch.randint(0, images.shape[0], (min(batch_size, images.shape[0]),), generator=rng).to(device)
        x = images[index]
        if augment:
            x = flip_and_shift(x, rng)
        loss = F.cross_entropy(model(x), labels[index])
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        optimiser.step()
        schedule.step()
    return model.eval()


def predict(model, images, batch_size: int = 512) -> torch.Tensor:
    """The class each image is given (``argmax`` of the logits), in evaluation mode; computed wherever the
    model is, returned on the CPU."""
    return outputs_on_cpu(model, images, batch_size=batch_size).argmax(1)


def accuracy(model, images, labels) -> float:
    """The fraction of ``images`` the model puts in their ``labels``' class."""
    labels = check_labels(labels, model.n_classes, images.shape[0], "accuracy")
    return (predict(model, images) == labels).float().mean().item()
