"""How big a network is: its number of trainable parameters."""
from torch import nn


def count_parameters(network: nn.Module) -> int:
    """The number of trainable parameters (weights and biases) of ``network``."""
    if not isinstance(network, nn.Module):
        raise TypeError(f"count_parameters takes a network, a torch.nn.Module; got {type(network).__name__}.")
    return sum(p.numel() for p in network.parameters() if p.requires_grad)
