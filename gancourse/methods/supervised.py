"""Training and scoring a slice classifier: the downstream task that tells whether synthetic data helps.

    model = train_classifier(images, labels, n_classes=3, steps=600, seed=0)
    print(accuracy(model, held_out_images, held_out_labels))

:class:`ClassifierTrainer` is the step (a batch, cross-entropy, Adam) on the book's one loop; the learning
rate decays to zero along a cosine over the planned ``steps``, so the result does not depend on where the
last step landed. With ``augment=True`` every batch gets classic augmentation
(:func:`gancourse.data.augment.flip_and_shift`): the baseline that GAN augmentation has to beat, as in
Frid-Adar et al. {cite}`survey14`.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from ..checks import check_labels
from ..data.augment import flip_and_shift
from ..devices import outputs_on_cpu
from ..nets.classifier import SliceClassifier
from ..checks import check_number, check_value_range, check_whole_number
from ..train import Trainer, cosine_rate


class ClassifierTrainer(Trainer):
    """Trains ``model`` (logits ``(B, n_classes)``) on ``images (N, C, S, S)`` in [-1, 1] and integer
    ``labels (N,)`` with cross-entropy and Adam; the rate follows a cosine from ``lr`` to 0 over ``steps``.
    The history records ``loss``."""

    hint = "Lower lr, and check that the images lie in [-1, 1]."

    def __init__(self, model, images, labels, *, steps: int, batch_size: int = 64, lr: float = 1e-3,
                 augment: bool = True, **loop):
        if not isinstance(images, torch.Tensor) or images.dim() != 4:
            raise ValueError(f"images must be a tensor (N, channels, S, S); got "
                             f"{tuple(images.shape) if isinstance(images, torch.Tensor) else type(images).__name__}.")
        check_value_range(images, "the images")
        n_classes = getattr(model, "n_classes", None)
        labels = check_labels(labels, n_classes if n_classes is not None else int(labels.max()) + 1,
                              images.shape[0], type(self).__name__)
        if labels.unique().numel() < 2:
            raise ValueError(f"the labels hold a single class ({int(labels[0])}): a classifier needs at least two.")
        super().__init__(**loop)
        self.model = self.add_network("model", model)
        self.images, self.labels = self.to_device(images), self.to_device(labels)
        self.planned_steps = check_whole_number(steps, "steps", minimum=1)
        self.batch_size = min(check_whole_number(batch_size, "batch_size", minimum=1), images.shape[0])
        self.lr, self.augment = check_number(lr, "lr", low=0, low_open=True), augment
        self.optimizer = self.add_optimizer("model", torch.optim.Adam(model.parameters(), lr=self.lr))
        self.batches = self.add_rng("batches")

    def step(self):
        for group in self.optimizer.param_groups:
            group["lr"] = cosine_rate(self.lr, self.steps_done, self.planned_steps)
        index = torch.randint(0, self.images.shape[0], (self.batch_size,), generator=self.batches).to(self.device)
        x = self.images[index]
        if self.augment:
            x = flip_and_shift(x, self.batches)
        loss = F.cross_entropy(self.model(x), self.labels[index])
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.optimizer.step()
        return {"loss": loss.item()}


def train_classifier(images, labels, n_classes: int, *, steps: int = 600, batch_size: int = 64, lr: float = 1e-3,
                     augment: bool = True, seed: int = 0, width: int = 16, device=None,
                     progress: bool = False) -> SliceClassifier:
    """A :class:`~gancourse.nets.classifier.SliceClassifier` trained for ``steps`` steps by
    :class:`ClassifierTrainer`; returned in evaluation mode, on ``device`` (the CPU when not given)."""
    check_whole_number(n_classes, "n_classes", minimum=2)
    torch.manual_seed(seed)  # the network's initial weights
    model = SliceClassifier(n_classes, channels=images.shape[1] if isinstance(images, torch.Tensor) else 1,
                            width=width)
    trainer = ClassifierTrainer(model, images, labels, steps=steps, batch_size=batch_size, lr=lr, augment=augment,
                                seed=seed, device=device)
    trainer.fit(steps=steps, progress=progress)
    return model.eval()


def predict(model, images, batch_size: int = 512) -> torch.Tensor:
    """The class each image is given (``argmax`` of the logits), in evaluation mode; computed wherever the
    model is, returned on the CPU."""
    return outputs_on_cpu(model, images, batch_size=batch_size).argmax(1)


def accuracy(model, images, labels) -> float:
    """The fraction of ``images`` the model puts in their ``labels``' class."""
    labels = check_labels(labels, model.n_classes, images.shape[0], "accuracy")
    return (predict(model, images) == labels).float().mean().item()
