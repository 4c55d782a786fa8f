"""Answers of chapter 3.4 (Markovian discriminators): the expected values and the build-it test."""
import torch
from torch import nn

from gancourse import exercises
from gancourse.exercises import Case
from gancourse.nets import DCGANDiscriminator, PatchDiscriminator, receptive_field


@exercises.value("3.4.1", what="the receptive field", tolerance=0)
def _dcgan_field():
    return receptive_field(DCGANDiscriminator(width=8, channels=5, image_size=64))


@exercises.value("3.4.2", what="the number of verdicts", tolerance=0)
def _verdicts():
    with torch.no_grad():
        return PatchDiscriminator(2, 8, n_layers=3)(torch.zeros(1, 2, 256, 256)).numel()


def _layers(network):
    """A network's convolutions as (kernel, stride) pairs, first layer first."""
    return [(m.kernel_size[0], m.stride[0]) for m in network.modules() if isinstance(m, nn.Conv2d)]


@exercises.function("3.4.3", what="your receptive field", forbid=('receptive_field',))
def _field_cases():
    networks = {f"PatchGAN with n_layers={n}": PatchDiscriminator(5, 8, n_layers=n) for n in (0, 1, 2, 3, 4)}
    networks["DCGAN discriminator for 128x128"] = DCGANDiscriminator(width=8, image_size=128)
    cases = [Case(name, (_layers(net),), receptive_field(net)) for name, net in networks.items()]
    # a chain with kernels of other sizes, so that a formula that assumes 4 everywhere fails
    chain = nn.Sequential(nn.Conv2d(1, 1, 7, 1), nn.Conv2d(1, 1, 3, 2), nn.Conv2d(1, 1, 5, 2), nn.Conv2d(1, 1, 1))
    cases.append(Case("convolutions of kernels 7, 3, 5, 1 and strides 1, 2, 2, 1", (_layers(chain),),
                      receptive_field(chain)))
    return cases
