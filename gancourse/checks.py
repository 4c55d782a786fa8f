"""Input checks shared by the library: a wrong shape, type or range gets an error that says what was expected
and how to fix it. (A leaf module: it imports only torch, so networks, data and metrics may all use it.)"""
from __future__ import annotations

import math
import numbers

import torch


def check_images(x, channels, size, who):
    if not isinstance(x, torch.Tensor) or not torch.is_floating_point(x):
        raise TypeError(f"{who} takes a floating-point tensor of images; got "
                        f"{type(x).__name__}{'' if not isinstance(x, torch.Tensor) else ' of dtype ' + str(x.dtype)}. "
                        "Convert with x.float().")
    if x.dim() != 4 or x.shape[1] != channels or x.shape[2] != size or x.shape[3] != size:
        sides = f"{size}, {size}" if size > 0 else "side, side"
        raise ValueError(f"{who} expects images of shape (batch, {channels}, {sides}); got {tuple(x.shape)}. "
                         "Resize the images or build the network for this size and channel count.")


def check_latent(z, z_dim, who):
    if not isinstance(z, torch.Tensor) or not torch.is_floating_point(z):
        raise TypeError(f"{who} takes a floating-point latent tensor z, e.g. torch.randn(batch, {z_dim}); got "
                        f"{type(z).__name__}{' of dtype ' + str(z.dtype) if isinstance(z, torch.Tensor) else ''}.")
    if z.dim() not in (2, 4) or z.shape[1] != z_dim or (z.dim() == 4 and z.shape[2:] != (1, 1)):
        raise ValueError(f"{who} expects latent vectors of shape (batch, {z_dim}) or (batch, {z_dim}, 1, 1); "
                         f"got z of shape {tuple(z.shape)}.")


def check_labels(labels, n_classes, batch, who):
    """Class indices: an integer tensor of shape ``(batch,)`` with values in ``0 .. n_classes - 1``."""
    if not isinstance(labels, torch.Tensor) or labels.dtype not in (torch.int64, torch.int32, torch.uint8):
        raise TypeError(f"{who} takes labels, class indices, as an integer tensor (torch.long), e.g. "
                        "torch.tensor([0, 2]); "
                        f"got {type(labels).__name__}{' of dtype ' + str(labels.dtype) if isinstance(labels, torch.Tensor) else ''}.")
    if labels.shape != (batch,):
        raise ValueError(f"{who} needs labels with one class index per sample, shape ({batch},); got "
                         f"{tuple(labels.shape)}.")
    if batch and (labels.min() < 0 or labels.max() >= n_classes):
        raise ValueError(f"{who} was built for {n_classes} classes (indices 0 to {n_classes - 1}); got a class index "
                         f"{int(labels.min()) if labels.min() < 0 else int(labels.max())} in labels.")
    return labels.long()


def check_image_batch(x, name):
    """Refuse anything but a floating-point batch of images ``(batch, channels, height, width)``."""
    if not isinstance(x, torch.Tensor) or not torch.is_floating_point(x) or x.dim() != 4:
        shape = tuple(x.shape) if isinstance(x, torch.Tensor) else type(x).__name__
        raise ValueError(f"{name} must be a floating-point batch of images (batch, channels, height, width); "
                         f"got {shape}.")


def check_image_pair(a, b, what_a, what_b, fix):
    check_image_batch(a, what_a)
    check_image_batch(b, what_b)
    if a.shape[0] != b.shape[0] or a.shape[2:] != b.shape[2:]:
        raise ValueError(f"{what_a} {tuple(a.shape)} and {what_b} {tuple(b.shape)} do not match: they need the same "
                         f"batch size, height and width. {fix}")


# ---------------------------------------------------------------------------------------------- numbers
# Each check names the argument first ("k must be ...; got ..."), so the message says what was wrong and
# with which argument. A value that is not a number at all is a TypeError; a number that is not allowed
# (NaN, infinite, out of range, a fraction where a count is needed) is a ValueError.

def _plain_number(value):
    """``value`` as a Python number when it is one (NumPy scalars and one-element tensors included), else None."""
    if isinstance(value, torch.Tensor) and value.numel() == 1 and not value.is_complex():
        value = value.item()
    if isinstance(value, numbers.Real):
        return value
    return None


def check_whole_number(value, name: str, *, minimum: int | None = None, maximum: int | None = None,
                       hint: str = "") -> int:
    """``value`` as an int (any integer type, NumPy's included), or an error that names ``name``: a
    TypeError when it is not a number, a ValueError when it is not whole (2.5, NaN, True) or out of range."""
    number = _plain_number(value)
    if number is None:
        raise TypeError(f"{name} must be a whole number{_whole_range_text(minimum, maximum)}{hint}; got {value!r} "
                        f"(a {type(value).__name__}).")
    if isinstance(number, bool) or not isinstance(number, numbers.Integral) or not (
            (minimum is None or number >= minimum) and (maximum is None or number <= maximum)):
        raise ValueError(f"{name} must be a whole number{_whole_range_text(minimum, maximum)}{hint}; got {value!r}.")
    return int(number)


def check_number(value, name: str, *, low: float | None = None, high: float | None = None,
                 low_open: bool = False, high_open: bool = False, hint: str = "") -> float:
    """``value`` as a float, or an error that names ``name``: a TypeError when it is not a number, a
    ValueError when it is NaN, infinite, or outside ``[low, high]`` (``(low, ...`` with ``low_open``)."""
    number = _plain_number(value)
    text = _range_text(low, high, low_open, high_open)
    if number is None or isinstance(number, bool):
        error = TypeError if number is None else ValueError
        raise error(f"{name} must be a finite number{text}{hint}; got {value!r}"
                    f"{f' (a {type(value).__name__})' if number is None else ''}.")
    ok = math.isfinite(number) and (low is None or (number > low if low_open else number >= low)) and (
        high is None or (number < high if high_open else number <= high))
    if not ok:
        raise ValueError(f"{name} must be a finite number{text}{hint}; got {value!r}.")
    return float(number)


def _whole_range_text(minimum, maximum):
    if minimum is not None and maximum is not None:
        return f" between {minimum} and {maximum}"
    return _range_text(minimum, maximum)


def _range_text(low, high, low_open=False, high_open=False):
    if low is not None and high is not None:
        return f" in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
    if low is not None:
        return f" {'>' if low_open else '>='} {low:g}"
    if high is not None:
        return f" {'<' if high_open else '<='} {high:g}"
    return ""


# ---------------------------------------------------------------------------------------------- tensors
def as_tensor(x, name: str, what: str = "a tensor or an array of numbers") -> torch.Tensor:
    """``x`` as a tensor (arrays and nested lists of numbers are converted), or a TypeError naming ``name``."""
    if isinstance(x, torch.Tensor):
        return x
    if isinstance(x, (str, bytes)) or x is None:
        raise TypeError(f"{name} must be {what}; got {type(x).__name__}.")
    try:
        tensor = torch.as_tensor(x)
    except (TypeError, ValueError, RuntimeError) as error:
        raise TypeError(f"{name} must be {what}; got {type(x).__name__} ({error}).") from None
    return tensor


def check_finite(x: torch.Tensor, name: str, fix: str = "remove or repair those values first") -> None:
    """A ValueError naming ``name`` when the tensor ``x`` holds NaN or infinite values."""
    if (torch.is_floating_point(x) or x.is_complex()) and not bool(torch.isfinite(x).all()):
        bad = int((~torch.isfinite(x)).sum())
        kinds = " and ".join(k for k, has in (("NaN", bool(torch.isnan(x).any())),
                                              ("infinite", bool(torch.isinf(x).any()))) if has)
        raise ValueError(f"{name} contains {bad} {kinds} value{'s' if bad > 1 else ''} (of {x.numel()}); {fix}.")


def check_not_empty(x: torch.Tensor, name: str) -> None:
    """A ValueError naming ``name`` when the tensor ``x`` holds no value (or no sample: a batch of 0)."""
    if x.numel() == 0:
        raise ValueError(f"{name} is empty (shape {tuple(x.shape)}); it needs at least one sample.")


def check_value_range(images: torch.Tensor, name: str, low: float = -1.0, high: float = 1.0) -> None:
    """Refuse images with NaN or infinite values, or values outside ``[low, high]`` (with 5 % slack)."""
    if not torch.is_floating_point(images):
        raise ValueError(f"{name} must hold floating-point images; got dtype {images.dtype}. Convert with .float() "
                         f"and scale into [{low:g}, {high:g}].")
    if images.numel() == 0:
        raise ValueError(f"{name} is empty (shape {tuple(images.shape)}).")
    if not torch.isfinite(images).all():
        raise ValueError(f"{name} contains NaN or infinite values; remove or repair those images.")
    lo, hi = float(images.min()), float(images.max())
    slack = 0.05 * (high - low)
    if lo < low - slack or hi > high + slack:
        raise ValueError(f"{name} must lie in [{low:g}, {high:g}], the range of a generator that ends in tanh; got "
                         f"values in [{lo:.4g}, {hi:.4g}]. Map images in [0, 1] with gancourse.data.to_gan_range; "
                         f"8-bit images (0-255) divide by 255 first.")
