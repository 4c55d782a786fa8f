"""The receptive field of a chain of convolutions: how many input pixels one output sees."""
from torch import nn


def receptive_field(network: nn.Module) -> int:
    """The side, in input pixels, of the patch that one output of a chain of convolutions sees.

    Walks the network's convolutions from the last to the first: an output that sees ``r`` positions of a
    layer's output sees ``(r - 1) * stride + kernel`` positions of its input. (Valid for networks that are a
    plain chain of convolutions, such as :class:`PatchDiscriminator`.)
    """
    convolutions = [m for m in network.modules() if isinstance(m, nn.Conv2d)]
    if not convolutions:
        raise ValueError("receptive_field needs a network with convolution layers.")
    side = 1
    for conv in reversed(convolutions):
        side = (side - 1) * conv.stride[0] + (conv.kernel_size[0] - 1) * conv.dilation[0] + 1
    return side
