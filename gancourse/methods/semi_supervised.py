r"""The semi-supervised GAN of Salimans et al. {cite}`survey78`: a classifier with K classes that also learns from
unlabelled images, by rejecting generated ones.

The discriminator outputs K class logits :math:`l_1, \dots, l_K` and nothing else. Generated images are class
K+1, whose logit is fixed at 0 (one logit of a softmax is redundant: subtracting any :math:`f(x)` from all of
them changes nothing). Writing :math:`Z(x) = \sum_{k=1}^K e^{l_k(x)}`, the probabilities of the K+1 classes are

.. math::

    p(y = k \mid x) = \frac{e^{l_k}}{Z + 1}, \qquad p(y = K+1 \mid x) = \frac{1}{Z + 1}, \qquad
    D(x) = 1 - p(y = K+1 \mid x) = \frac{Z(x)}{Z(x) + 1} = \sigma\big(\log Z(x)\big),

so :math:`\log Z = \operatorname{logsumexp}_k l_k` is the logit of an ordinary real-or-fake discriminator.
The discriminator minimises

.. math::

    L = \underbrace{-\mathbb{E}_{x, y \sim \text{labelled}} \log p(y \mid x, y \le K)}_{\text{cross-entropy over
    the K classes}} \; \underbrace{- \,\mathbb{E}_{x \sim \text{unlabelled}} \log D(x)
    - \mathbb{E}_{z} \log\big(1 - D(G(z))\big)}_{\text{the GAN loss, } L_{unsupervised}} ,

and the generator either maximises :math:`\log D(G(z))` (the non-saturating loss of chapter 3.1) or, with
*feature matching*, minimises :math:`\lVert \mathbb{E}_x f(x) - \mathbb{E}_z f(G(z)) \rVert_2^2`, the distance
between the mean features of a real and a generated batch in an intermediate layer :math:`f` of the
discriminator. Salimans et al. found that feature matching gave the better classifiers and the worse samples.

    D = KPlusOneDiscriminator(n_classes=2, width=16, image_size=32)
    G = DCGANGenerator(z_dim=100, width=16, image_size=32)
    trainer = SemiSupervisedTrainer(D, G, labelled, labels, unlabelled, generator_loss="feature_matching")
    trainer.fit(seconds=10)
    baseline = SemiSupervisedTrainer(D2, None, labelled, labels)   # cross-entropy only: the same classifier

Every loss takes logits, never probabilities: :math:`\log D = \log Z - \operatorname{softplus}(\log Z)` and
:math:`\log(1 - D) = -\operatorname{softplus}(\log Z)` are computed without overflow.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from ..checks import check_labels, check_number, check_value_range, check_whole_number
from ..data.augment import flip_and_shift
from ..train import Trainer

GENERATOR_LOSSES = ("feature_matching", "nonsaturating")


def _check_logits(logits, who):
    if not isinstance(logits, torch.Tensor) or logits.dim() != 2:
        shape = tuple(logits.shape) if isinstance(logits, torch.Tensor) else type(logits).__name__
        raise ValueError(f"{who} takes class logits of shape (batch, K); got {shape}.")
    if logits.shape[1] < 2:
        raise ValueError(f"{who} needs K >= 2 class logits (the fake class K+1 is implied, not an output); got "
                         f"K = {logits.shape[1]}. Build the discriminator with n_classes >= 2.")
    return logits


def real_logit(logits: torch.Tensor) -> torch.Tensor:
    """``(B, K)`` class logits -> ``(B,)``: :math:`\\log Z(x)`, the logit of D(x) (``sigmoid`` of it is D(x))."""
    return torch.logsumexp(_check_logits(logits, "real_logit"), dim=1)


def real_probability(logits: torch.Tensor) -> torch.Tensor:
    """D(x) = Z / (Z + 1), the probability that each image is real rather than generated, ``(B,)``."""
    return torch.sigmoid(real_logit(logits))


def k_plus_one_log_probabilities(logits: torch.Tensor) -> torch.Tensor:
    """``(B, K)`` -> ``(B, K + 1)``: the log-softmax over the K class logits and a fake logit fixed at 0."""
    logits = _check_logits(logits, "k_plus_one_log_probabilities")
    return torch.cat([logits, logits.new_zeros(logits.shape[0], 1)], dim=1).log_softmax(dim=1)


def supervised_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """The cross-entropy of the labelled images over the K real classes: :math:`-\\log p(y \\mid x, y \\le K)`.
    (Conditioned on "real", the fake class drops out and this is the ordinary softmax cross-entropy.)"""
    logits = _check_logits(logits, "supervised_loss")
    labels = check_labels(labels, logits.shape[1], logits.shape[0], "supervised_loss")
    return F.cross_entropy(logits, labels)


def unsupervised_loss(real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
    """:math:`-\\mathbb{E}\\log D(x) - \\mathbb{E}\\log(1 - D(G(z)))` from the class logits of an unlabelled
    batch and a generated one."""
    lse_real = real_logit(real_logits)
    lse_fake = real_logit(fake_logits)
    minus_log_d_real = F.softplus(lse_real) - lse_real  # -log(Z / (Z + 1)) = log(1 + Z) - log Z
    minus_log_fake = F.softplus(lse_fake)  # -log(1 / (Z + 1)) = log(1 + Z)
    return minus_log_d_real.mean() + minus_log_fake.mean()


def nonsaturating_generator_loss(fake_logits: torch.Tensor) -> torch.Tensor:
    """:math:`-\\mathbb{E}\\log D(G(z))`: the generator wants its images judged real (chapter 3.1's loss)."""
    lse = real_logit(fake_logits)
    return (F.softplus(lse) - lse).mean()


def feature_matching_loss(real_features: torch.Tensor, fake_features: torch.Tensor) -> torch.Tensor:
    """:math:`\\lVert \\text{mean}(f_{real}) - \\text{mean}(f_{fake}) \\rVert_2^2` over batches of features
    ``(B, F)`` (any trailing shape is flattened); the two batches may differ in size."""
    for name, f in (("real_features", real_features), ("fake_features", fake_features)):
        if not isinstance(f, torch.Tensor) or f.dim() < 2 or f.shape[0] < 1:
            raise ValueError(f"feature_matching_loss takes {name} as a tensor (batch, features...); got "
                             f"{tuple(f.shape) if isinstance(f, torch.Tensor) else type(f).__name__}.")
    real, fake = real_features.flatten(1), fake_features.flatten(1)
    if real.shape[1] != fake.shape[1]:
        raise ValueError(f"feature_matching_loss compares features of one layer; got {real.shape[1]} real and "
                         f"{fake.shape[1]} fake features per image.")
    return ((real.mean(0) - fake.mean(0)) ** 2).sum()


class SemiSupervisedTrainer(Trainer):
    """Trains a :class:`~gancourse.nets.semi_supervised.KPlusOneDiscriminator` as a K-class classifier on
    ``labelled (N, C, S, S)`` images with ``labels (N,)``, and, when a ``generator`` is given, as the K+1-class
    discriminator of a semi-supervised GAN on ``unlabelled (M, C, S, S)`` images and generated ones.

    * ``generator=None``: cross-entropy on the labelled images only, the supervised baseline (same network,
      optimiser and batches of labelled images);
    * ``generator_loss``: ``"feature_matching"`` (on ``discriminator.features``) or ``"nonsaturating"``;
    * ``unsupervised_weight``: the weight of :func:`unsupervised_loss` in the discriminator's loss (1 in the
      paper); ``augment``: random flips and shifts of the labelled batches (for both ways of training).

    Images lie in [-1, 1] (the generator's tanh range). The history records ``loss_d``, ``loss_supervised``
    and, with a generator, ``loss_unsupervised``, ``loss_g``, ``d_real`` (mean D(x) on the unlabelled batch)
    and ``d_fake``.
    """

    hint = "Lower the learning rates, and check that the images lie in [-1, 1]."

    def __init__(self, discriminator, generator, labelled, labels, unlabelled=None, *,
                 generator_loss: str = "feature_matching", unsupervised_weight: float = 1.0, batch_size: int = 64,
                 lr_d: float = 1e-3, lr_g: float = 1e-3, betas=(0.5, 0.999), augment: bool = True, z_dim=None,
                 **loop):
        n_classes = getattr(discriminator, "n_classes", None)
        if not (isinstance(n_classes, int) and n_classes >= 2):
            raise ValueError(f"the discriminator must have n_classes >= 2 (K, the real classes); got {n_classes!r}.")
        for name, images in (("labelled", labelled), ("unlabelled", unlabelled)):
            if images is None and name == "unlabelled":
                continue
            if not isinstance(images, torch.Tensor) or images.dim() != 4:
                raise ValueError(f"{name} must be a tensor of images (N, channels, S, S); got "
                                 f"{tuple(images.shape) if isinstance(images, torch.Tensor) else type(images).__name__}.")
            check_value_range(images, f"the {name} images")
        labels = check_labels(labels, n_classes, labelled.shape[0], type(self).__name__)
        if generator is not None and unlabelled is None:
            raise ValueError("a semi-supervised GAN learns from unlabelled images: pass unlabelled=(M, C, S, S), "
                             "or generator=None for the supervised baseline.")
        if generator_loss not in GENERATOR_LOSSES:
            raise ValueError(f"unknown generator_loss {generator_loss!r}: choose from {', '.join(GENERATOR_LOSSES)}.")
        super().__init__(**loop)
        self.n_classes, self.generator_loss = n_classes, generator_loss
        self.D = self.add_network("discriminator", discriminator)
        self.G = self.add_network("generator", generator) if generator is not None else None
        self.labelled, self.labels = self.to_device(labelled), self.to_device(labels)
        self.unlabelled = self.to_device(unlabelled) if (unlabelled is not None and generator is not None) else None
        self.batch_size = check_whole_number(batch_size, "batch_size", minimum=1)
        self.unsupervised_weight = check_number(unsupervised_weight, "unsupervised_weight", low=0)
        self.augment = augment
        self.z_dim = z_dim if z_dim is not None else getattr(generator, "z_dim", None)
        if generator is not None and self.z_dim is None:
            raise ValueError("the generator has no z_dim attribute: pass z_dim= (the length of its latent vector).")
        self.opt_d = self.add_optimizer("discriminator", torch.optim.Adam(
            self.D.parameters(), lr=check_number(lr_d, "lr_d", low=0, low_open=True), betas=betas))
        if generator is not None:
            self.opt_g = self.add_optimizer("generator", torch.optim.Adam(
                self.G.parameters(), lr=check_number(lr_g, "lr_g", low=0, low_open=True), betas=betas))
        self.data_rng = self.add_rng("data", 0)
        self.latent_rng = self.add_rng("latent", 1)

    def _draw(self, pool, n):
        index = torch.randint(0, pool.shape[0], (n,), generator=self.data_rng).to(pool.device)
        return index, pool[index]

    def step(self):
        """One discriminator update (supervised + weighted unsupervised loss), then one generator update."""
        index, x = self._draw(self.labelled, min(self.batch_size, self.labelled.shape[0]))
        if self.augment:
            x = flip_and_shift(x, self.data_rng)
        loss_supervised = supervised_loss(self.D(x), self.labels[index])
        loss_d, record = loss_supervised, {}
        if self.G is not None:
            _, unlabelled = self._draw(self.unlabelled, self.batch_size)
            fake = self.G(torch.randn(self.batch_size, self.z_dim, generator=self.latent_rng).to(self.device))
            real_features = self.D.features(unlabelled)
            real_logits = self.D.classify(real_features)
            fake_logits = self.D(fake.detach())  # detach(): this update is the discriminator's only
            loss_unsupervised = unsupervised_loss(real_logits, fake_logits)
            loss_d = loss_supervised + self.unsupervised_weight * loss_unsupervised
            record = {"loss_unsupervised": loss_unsupervised.item(),
                      "d_real": torch.sigmoid(real_logit(real_logits)).mean().item(),
                      "d_fake": torch.sigmoid(real_logit(fake_logits)).mean().item()}
        self.opt_d.zero_grad(set_to_none=True)
        loss_d.backward()
        self.opt_d.step()
        if self.G is not None:
            if self.generator_loss == "feature_matching":
                # The real batch's mean features, from before the discriminator's update: a target, no gradient.
                loss_g = feature_matching_loss(real_features.detach(), self.D.features(fake))
            else:
                loss_g = nonsaturating_generator_loss(self.D(fake))
            self.opt_g.zero_grad(set_to_none=True)
            loss_g.backward()
            self.opt_g.step()
            record["loss_g"] = loss_g.item()
        return {"loss_d": loss_d.item(), "loss_supervised": loss_supervised.item(), **record}

    @torch.no_grad()
    def sample(self, n: int, seed: int = 1234) -> torch.Tensor:
        """``n`` generated images in evaluation mode, on the CPU (a fixed seed: the same latents every call)."""
        if self.G is None:
            raise ValueError("this trainer has no generator (the supervised baseline): nothing to sample.")
        n = check_whole_number(n, "n", minimum=1)
        z = torch.randn(n, self.z_dim, generator=torch.Generator().manual_seed(seed)).to(self.device)
        was_training = self.G.training
        self.G.eval()
        try:
            return torch.cat([self.G(chunk).cpu() for chunk in z.split(256)])
        finally:
            self.G.train(was_training)
