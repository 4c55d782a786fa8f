"""Where networks and tensors live: the CPU or a GPU.

The trainers take ``device=`` as :class:`~gancourse.train.GANTrainer` does; given, the networks are moved
there and the training images copied there once (they fit: a chapter's data set is a few hundred MB at
most). Inference helpers such as :func:`gancourse.pix2pix_training.translate` send each chunk to wherever
the network is and bring the result back to the CPU, where the metrics and plots expect it.
"""
from __future__ import annotations

import torch


def device_of(module: torch.nn.Module) -> torch.device:
    """The device of a network's first parameter (the CPU for a network without parameters)."""
    for parameter in module.parameters():
        return parameter.device
    return torch.device("cpu")


def move_networks(device, *modules) -> torch.device:
    """Move every module given (``None`` entries are skipped) to ``device``; without a device, to where the
    first one already is. Returns the device."""
    device = torch.device(device) if device is not None else device_of(modules[0])
    for module in modules:
        if module is not None:
            module.to(device)
    return device
