r"""Unsupervised anomaly detection (chapter 4.4): learn healthy anatomy only, then call anomalous what the model
cannot reproduce.

Three ways to get a healthy-looking version :math:`\hat x` of a test image :math:`x`; each detector's anomaly
map is the residual :math:`|x - \hat x|`:

* **AnoGAN** (Schlegl et al. 2017 {cite}`survey17`): a GAN trained on healthy images only; for a test image,
  :func:`latent_search` looks for the latent vector whose image is closest, by gradient descent on :math:`z`
  (the generator and discriminator stay fixed), minimising

  .. math:: \mathcal L(z) = (1 - \lambda)\, \underbrace{\textstyle\sum |x - G(z)|}_{R(z),\ \text{residual}}
            + \lambda\, \underbrace{\textstyle\sum |f(x) - f(G(z))|}_{D(z),\ \text{discrimination}}

  with :math:`f` an intermediate layer of the discriminator and :math:`\lambda = 0.1`, the paper's weights.
  The final :math:`\mathcal L` is the image's anomaly score. Hundreds of gradient steps per image.
* **f-AnoGAN** (Schlegl et al. 2019 {cite}`schlegl2019fanogan`): an encoder :math:`E` learns to invert the
  fixed generator on the healthy training images (:class:`EncoderTrainer`), with the "izi_f" loss

  .. math:: \mathcal L_{izi_f}(x) = \tfrac{1}{n}\lVert x - G(E(x))\rVert^2
            + \tfrac{\kappa}{n_d}\lVert f(x) - f(G(E(x)))\rVert^2 ,

  image, latent, image, plus the discriminator's features (:math:`n` pixels, :math:`n_d` features,
  :math:`\kappa = 1`); the search becomes one forward pass (:func:`encoder_search`), and the same loss per
  image is the anomaly score.
* **An autoencoder**, the baseline of Baur et al. {cite}`survey95`: encoder and decoder trained together to
  reproduce healthy images (:class:`AutoencoderTrainer`, an L1 loss, theirs); one forward pass too.

    search = latent_search(G, images, discriminator_features(D), steps=200)
    encoder_trainer = EncoderTrainer(E, G, discriminator_features(D), healthy_images); encoder_trainer.fit(seconds=30)
    fast = encoder_search(E, G, images, discriminator_features(D))
    maps = residual_map(images, search.reconstruction)

Images are on the generator's scale, [-1, 1].
"""
from __future__ import annotations

from dataclasses import dataclass, field

import torch

from ..checks import check_image_batch, check_number, check_value_range, check_whole_number
from ..devices import device_of, outputs_on_cpu
from ..train import Trainer


def discriminator_features(discriminator):
    """The function ``f(images) -> (B, n_d)``: the activations of the discriminator's last layer before its
    output (the layer AnoGAN and f-AnoGAN compare), for a network with a ``main`` stack of layers such as
    :class:`~gancourse.nets.dcgan.DCGANDiscriminator`. It runs the discriminator as it is (call
    ``.eval()`` first to use batch norm's running statistics; the searches and :class:`EncoderTrainer` do).
    f-AnoGAN took its features from a WGAN-GP critic without batch norm; with a batch-norm DCGAN
    discriminator, evaluation mode is what makes each image's features depend on that image alone."""
    main = getattr(discriminator, "main", None)
    if not isinstance(main, torch.nn.Sequential) or len(main) < 2:
        raise TypeError(f"discriminator_features needs a discriminator whose layers are a Sequential called main "
                        f"(a DCGANDiscriminator); got {type(discriminator).__name__}. Pass your own features "
                        "function f(images) -> (batch, n_features) instead.")
    body = main[:-1]  # everything but the last convolution, which makes the logit

    def features(images):
        return body(images).flatten(1)

    features.network = discriminator  # so that the search can put it in evaluation mode
    return features


@dataclass
class SearchResult:
    """What a search for each image's closest healthy version found: the latent vectors ``z``, the images
    ``G(z)`` (``reconstruction``), the anomaly score per image (``score``) and its two terms, the residual and
    feature losses per image; ``history``: the mean loss over the images at each step (latent search only)."""
    z: torch.Tensor
    reconstruction: torch.Tensor
    score: torch.Tensor
    residual_loss: torch.Tensor
    feature_loss: torch.Tensor
    history: list = field(default_factory=list)


class _Frozen:
    """Evaluation mode and no weight gradients for the given networks, restored on exit."""

    def __init__(self, *networks):
        self.networks = [n for n in networks if isinstance(n, torch.nn.Module)]

    def __enter__(self):
        self.state = [(n.training, [p.requires_grad for p in n.parameters()]) for n in self.networks]
        for n in self.networks:
            n.eval().requires_grad_(False)

    def __exit__(self, *exc):
        for n, (training, grads) in zip(self.networks, self.state):
            n.train(training)
            for p, g in zip(n.parameters(), grads):
                p.requires_grad_(g)


def _check_images(images, name="images"):
    check_image_batch(images, name)
    check_value_range(images, name)


def _latent_size(generator):
    z_dim = getattr(generator, "z_dim", None)
    if z_dim is None:
        raise ValueError("the generator has no z_dim attribute (the length of its latent vector); "
                         "use a DCGANGenerator or set generator.z_dim.")
    return z_dim


def latent_search(generator, images, features=None, *, weight: float = 0.1, steps: int = 200, lr: float = 0.05,
                  seed: int = 0, z_init=None) -> SearchResult:
    r"""AnoGAN's search: for each image, the latent vector whose generated image is closest.

    Minimises :math:`(1 - \lambda) \sum|x - G(z)| + \lambda \sum|f(x) - f(G(z))|` over ``z`` by Adam with
    rate ``lr`` for ``steps`` steps, all images at once. The batch changes nothing: each image's loss depends
    on its own ``z`` only (the networks are in evaluation mode) and Adam's state is per coordinate, so each
    ``z`` follows the path it would follow searched alone (to rounding). ``weight`` is :math:`\lambda` (0.1 in the paper); ``features`` is
    :math:`f` (:func:`discriminator_features`), or None for the residual alone (then ``weight`` must be 0).
    The start is ``z_init`` or a standard normal draw seeded with ``seed``."""
    _check_images(images)
    check_number(weight, "weight", low=0, high=1, hint=" (lambda: 0.1 in AnoGAN; 0 is the residual alone)")
    if features is None and weight > 0:
        raise ValueError("weight > 0 needs features: pass discriminator_features(D), or weight=0 for the "
                         "residual alone.")
    steps = check_whole_number(steps, "steps", minimum=0, hint=" (gradient steps on z; hundreds in the paper)")
    check_number(lr, "lr", low=0, low_open=True)
    z_dim, device = _latent_size(generator), device_of(generator)
    if z_init is None:
        z_init = torch.randn(images.shape[0], z_dim, generator=torch.Generator().manual_seed(seed))
    elif tuple(z_init.shape) != (images.shape[0], z_dim):
        raise ValueError(f"z_init must hold one latent vector per image, shape ({images.shape[0]}, {z_dim}); "
                         f"got {tuple(z_init.shape)}.")
    x = images.to(device)
    z = z_init.detach().clone().float().to(device).requires_grad_(True)
    optimizer = torch.optim.Adam([z], lr=lr)
    history = []
    with _Frozen(generator, getattr(features, "network", None)):
        target = features(x).detach() if weight > 0 else None

        def losses():
            fake = generator(z)
            residual = (x - fake).abs().flatten(1).sum(1)  # R(z), per image
            feature = ((target - features(fake)).abs().sum(1) if weight > 0
                       else torch.zeros_like(residual))  # D(z), per image
            return fake, residual, feature, (1 - weight) * residual + weight * feature

        for _ in range(steps):
            _, _, _, loss = losses()
            optimizer.zero_grad(set_to_none=True)
            loss.sum().backward()  # the sum: each z gets the gradient of its own image's loss
            optimizer.step()
            history.append(loss.mean().item())
        with torch.no_grad():
            fake, residual, feature, loss = losses()
    return SearchResult(z.detach().cpu(), fake.cpu(), loss.cpu(), residual.cpu(), feature.cpu(), history)


def izi_f_loss(images, reconstruction, features=None, kappa: float = 1.0, per_image: bool = False):
    r"""f-AnoGAN's izi_f loss: :math:`\frac1n\lVert x - \hat x\rVert^2 + \frac{\kappa}{n_d}
    \lVert f(x) - f(\hat x)\rVert^2` (means over pixels and features), for the batch (mean over images) or
    ``per_image``. Returns ``(loss, residual term, feature term)``. ``images`` and ``reconstruction`` must have
    the same shape (one reconstruction per image: a batch of 1 would otherwise be broadcast against all)."""
    if tuple(images.shape) != tuple(reconstruction.shape):
        raise ValueError(f"images {tuple(images.shape)} and reconstruction {tuple(reconstruction.shape)} must have "
                         "the same shape: one reconstruction per image, e.g. generator(encoder(images)).")
    check_number(kappa, "kappa", low=0, hint=" (the feature term's weight: 1 in f-AnoGAN; 0 is the pixels alone)")
    residual = ((images - reconstruction) ** 2).flatten(1).mean(1)
    if features is not None and kappa > 0:
        feature = ((features(images) - features(reconstruction)) ** 2).mean(1)
    else:
        feature = torch.zeros_like(residual)
    loss = residual + kappa * feature
    if per_image:
        return loss, residual, feature
    return loss.mean(), residual.mean(), feature.mean()


@torch.no_grad()
def encoder_search(encoder, generator, images, features=None, *, kappa: float = 1.0,
                   batch_size: int = 256) -> SearchResult:
    """f-AnoGAN's one-pass search: ``z = E(x)``, ``G(z)``, and the izi_f loss per image as the anomaly score
    (networks in evaluation mode; results on the CPU)."""
    _check_images(images)
    check_number(kappa, "kappa", low=0, hint=" (the feature term's weight: 1 in f-AnoGAN)")
    if kappa > 0 and features is None:
        raise ValueError("kappa > 0 needs features: pass discriminator_features(D), or kappa=0.")
    z = outputs_on_cpu(encoder, images, batch_size=batch_size)
    fake = outputs_on_cpu(generator, z, batch_size=batch_size).contiguous()
    device = device_of(generator)
    with _Frozen(getattr(features, "network", None)):
        parts = [izi_f_loss(x.to(device), f.to(device), features, kappa, per_image=True)
                 for x, f in zip(images.split(batch_size), fake.split(batch_size))]
    loss, residual, feature = (torch.cat([p[i] for p in parts]).cpu() for i in range(3))
    return SearchResult(z, fake, loss, residual, feature)


class EncoderTrainer(Trainer):
    """Trains ``encoder`` to invert a fixed, trained ``generator`` on healthy ``images`` with the izi_f loss
    (f-AnoGAN's training, the GAN already trained). Adam with ``lr``; the generator and the ``features``'
    discriminator stay fixed, in evaluation mode. The history records ``loss``, ``residual``, ``feature``."""

    hint = "Lower lr, and check that the images lie in [-1, 1], the generator's range."

    def __init__(self, encoder, generator, features, images, *, kappa: float = 1.0, batch_size: int = 64,
                 lr: float = 1e-3, **loop):
        _check_images(images, "the healthy training images")
        super().__init__(**loop)
        self.kappa = check_number(kappa, "kappa", low=0, hint=" (1 in f-AnoGAN; 0 is izi, the pixels alone)")
        if self.kappa > 0 and features is None:
            raise ValueError("kappa > 0 needs features: pass discriminator_features(D), or kappa=0 (izi).")
        _latent_size(generator)
        self.encoder = self.add_network("encoder", encoder)
        self.generator, self.features = generator.to(self.device), features
        if features is not None and isinstance(getattr(features, "network", None), torch.nn.Module):
            features.network.to(self.device)
        self.images = self.to_device(images)
        self.batch_size = check_whole_number(batch_size, "batch_size", minimum=1)
        self.opt = self.add_optimizer("encoder", torch.optim.Adam(
            encoder.parameters(), lr=check_number(lr, "lr", low=0, low_open=True), betas=(0.5, 0.999)))
        self.batches = self.add_rng("batches")

    def step(self):
        index = torch.randint(0, self.images.shape[0], (self.batch_size,), generator=self.batches)
        x = self.images[index.to(self.device)]
        with _Frozen(self.generator, getattr(self.features, "network", None)):
            # gradients flow through the fixed G and f into E only (their weights do not require them)
            loss, residual, feature = izi_f_loss(x, self.generator(self.encoder(x)), self.features, self.kappa)
            self.opt.zero_grad(set_to_none=True)
            loss.backward()
            self.opt.step()
        return {"loss": loss.item(), "residual": residual.item(), "feature": feature.item()}


class AutoencoderTrainer(Trainer):
    """Trains ``autoencoder`` to reproduce healthy ``images``: the mean absolute error (L1, as Baur et al.),
    Adam with ``lr``. The history records ``loss``."""

    hint = "Lower lr, and check that the images lie in [-1, 1]."

    def __init__(self, autoencoder, images, *, batch_size: int = 64, lr: float = 1e-3, **loop):
        _check_images(images, "the healthy training images")
        super().__init__(**loop)
        self.autoencoder = self.add_network("autoencoder", autoencoder)
        self.images = self.to_device(images)
        self.batch_size = check_whole_number(batch_size, "batch_size", minimum=1)
        self.opt = self.add_optimizer("autoencoder", torch.optim.Adam(
            autoencoder.parameters(), lr=check_number(lr, "lr", low=0, low_open=True), betas=(0.5, 0.999)))
        self.batches = self.add_rng("batches")

    def step(self):
        index = torch.randint(0, self.images.shape[0], (self.batch_size,), generator=self.batches)
        x = self.images[index.to(self.device)]
        loss = (self.autoencoder(x) - x).abs().mean()
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        self.opt.step()
        return {"loss": loss.item()}


def reconstruct(autoencoder, images, batch_size: int = 256) -> torch.Tensor:
    """The autoencoder's reconstructions of ``images``, in evaluation mode, on the CPU."""
    _check_images(images)
    return outputs_on_cpu(autoencoder, images, batch_size=batch_size).contiguous()


def residual_map(images, reconstruction, mask=None) -> torch.Tensor:
    """The anomaly map :math:`|x - \\hat x|` per pixel, zero outside ``mask`` when one is given (0/1 or
    booleans, the shape of ``images``, channel axis included)."""
    check_image_batch(images, "images")
    check_image_batch(reconstruction, "reconstruction")
    if images.shape != reconstruction.shape:
        raise ValueError(f"images {tuple(images.shape)} and reconstruction {tuple(reconstruction.shape)} must have "
                         "the same shape: one reconstruction per image.")
    residual = (images - reconstruction.to(images.device)).abs()
    if mask is not None and tuple(mask.shape) != tuple(images.shape):
        # a (B, H, W) mask against (B, 1, H, W) images would broadcast to (B, B, H, W) without a word
        raise ValueError(f"mask {tuple(mask.shape)} must have the shape of images {tuple(images.shape)}: add the "
                         "channel axis with mask.unsqueeze(1).")
    return residual if mask is None else residual * mask.to(residual.dtype)
