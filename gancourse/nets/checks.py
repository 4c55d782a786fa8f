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


def check_labels(labels, n_classes, batch, who):
    """Class indices: an integer tensor of shape ``(batch,)`` with values in ``0 .. n_classes - 1``."""
    if not isinstance(labels, torch.Tensor) or labels.dtype not in (torch.int64, torch.int32, torch.uint8):
        raise TypeError(f"{who} takes class indices as an integer tensor (torch.long), e.g. torch.tensor([0, 2]); "
                        f"got {type(labels).__name__}{' of dtype ' + str(labels.dtype) if isinstance(labels, torch.Tensor) else ''}.")
    if labels.shape != (batch,):
        raise ValueError(f"{who} needs one class index per sample, shape ({batch},); got {tuple(labels.shape)}.")
    if batch and (labels.min() < 0 or labels.max() >= n_classes):
        raise ValueError(f"{who} was built for {n_classes} classes (indices 0 to {n_classes - 1}); got a class index "
                         f"{int(labels.min()) if labels.min() < 0 else int(labels.max())}.")
    return labels.long()
