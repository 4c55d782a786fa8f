"""The history of generated images that CycleGAN's discriminators learn from (Shrivastava et al.
{cite}`shrivastava2017learning`, used by Zhu et al. {cite}`survey10`).

A discriminator that only ever sees the generator's latest images can chase it around in circles; showing
it a mix of new and older fakes damps that oscillation. The pool keeps up to 50 past images. Asked for a
batch, it returns each new image as is while it is filling up; once full, for each new image it returns,
with probability one half, a stored old one (putting the new one in its place), otherwise the new one.
"""
from __future__ import annotations

import torch


class HistoryPool:
    """``pool.query(fakes)`` -> a batch of the same shape, mixing ``fakes`` with up to ``size`` older ones."""

    def __init__(self, size: int = 50, seed: int = 0):
        if not isinstance(size, int) or size < 0:
            raise ValueError(f"the pool size is a whole number >= 0 (50 in CycleGAN; 0 turns the pool off); "
                             f"got {size!r}.")
        self.size = size
        self.images: list[torch.Tensor] = []
        self.rng = torch.Generator().manual_seed(seed)

    def query(self, fakes: torch.Tensor) -> torch.Tensor:
        if self.size == 0:
            return fakes
        out = []
        for image in fakes.detach():  # the pool stores images, not the graph that made them
            if len(self.images) < self.size:
                self.images.append(image.clone())
                out.append(image)
            elif torch.rand(1, generator=self.rng).item() < 0.5:
                index = int(torch.randint(0, self.size, (1,), generator=self.rng))
                out.append(self.images[index])
                self.images[index] = image.clone()
            else:
                out.append(image)
        return torch.stack(out)

    def state_dict(self) -> dict:
        """The stored images and the random stream, for a checkpoint."""
        return {"images": [image.cpu() for image in self.images], "rng": self.rng.get_state()}

    def load_state_dict(self, state: dict, device=None) -> None:
        """Restore what :meth:`state_dict` returned, the images on ``device`` (where the translations are)."""
        self.images = [image.to(device) if device is not None else image for image in state["images"]]
        self.rng.set_state(state["rng"])
