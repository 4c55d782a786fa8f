"""Input checks shared by the networks: a wrong shape gets an error that says what was expected."""
import torch


def check_images(x, channels, size, who):
    if not isinstance(x, torch.Tensor) or not torch.is_floating_point(x):
        raise TypeError(f"{who} takes a floating-point tensor of images; got "
                        f"{type(x).__name__}{'' if not isinstance(x, torch.Tensor) else ' of dtype ' + str(x.dtype)}. "
                        "Convert with x.float().")
    if x.dim() != 4 or x.shape[1] != channels or x.shape[2] != size or x.shape[3] != size:
        raise ValueError(f"{who} expects images of shape (batch, {channels}, {size}, {size}); got {tuple(x.shape)}. "
                         "Resize the images or build the network for this size and channel count.")


def check_latent(z, z_dim, who):
    if not isinstance(z, torch.Tensor) or not torch.is_floating_point(z):
        raise TypeError(f"{who} takes a floating-point latent tensor, e.g. torch.randn(batch, {z_dim}).")
    if z.dim() not in (2, 4) or z.shape[1] != z_dim or (z.dim() == 4 and z.shape[2:] != (1, 1)):
        raise ValueError(f"{who} expects latent vectors of shape (batch, {z_dim}) or (batch, {z_dim}, 1, 1); "
                         f"got {tuple(z.shape)}.")
