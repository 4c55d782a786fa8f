"""What the book's networks share: the choice of normalisation layer, and the initialisation of Radford et
al. {cite}`survey6` that pix2pix and CycleGAN kept.

Normalisations, each computed over different values:

* ``batch``: each channel over the batch and the positions (DCGAN, pix2pix);
* ``layer``: each sample over all its channels and positions, with a learned scale and shift per channel
  (``GroupNorm(1, C)``); it never mixes samples, as a gradient-penalty critic needs;
* ``instance``: each sample and channel over the positions, without learned scale and shift (CycleGAN);
* ``none``.
"""
from torch import nn

NORMS = ("batch", "layer", "instance", "none")


def check_norm(kind: str, allowed=NORMS) -> str:
    """``kind`` if it is one of ``allowed``, else an error that lists them."""
    if kind not in allowed:
        raise ValueError(f"unknown norm {kind!r}: choose from {', '.join(allowed)}.")
    return kind


def norm_layer(kind: str, channels: int, allowed=NORMS) -> nn.Module:
    """The normalisation layer ``kind`` for ``channels`` channels (one of ``allowed``)."""
    check_norm(kind, allowed)
    if kind == "batch":
        return nn.BatchNorm2d(channels)
    if kind == "layer":
        return nn.GroupNorm(1, channels)
    if kind == "instance":
        return nn.InstanceNorm2d(channels, affine=False, track_running_stats=False)
    return nn.Identity()


def init_weights(module, std=0.02):
    """Convolution weights from N(0, 0.02) and biases 0; norm scales from N(1, 0.02) and shifts 0.
    Use as ``network.apply(init_weights)``."""
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d)):
        nn.init.normal_(module.weight, 0.0, std)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, (nn.BatchNorm2d, nn.GroupNorm)) and module.affine:
        nn.init.normal_(module.weight, 1.0, std)
        nn.init.zeros_(module.bias)
