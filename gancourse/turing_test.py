"""A visual Turing test: can an observer tell real images from generated ones?

Chuquicusma et al. {cite}`survey15` showed radiologists a shuffled mix of real and generated lung-nodule
patches and asked which were which. :class:`TuringTest` is that experiment's bookkeeping: it draws
``n`` images, half real and half generated, in a seeded random order, records each answer, and scores the
observer with a confidence interval (:func:`gancourse.metrics.two_sample.wilson_interval`) and the p-value of
guessing (:func:`~gancourse.metrics.two_sample.binomial_p_value`). An accuracy whose interval contains 0.5
means this observer could not tell, *with this many images*; 20 images cannot show a small difference.

* :func:`turing_test_widget` lets a reader play it in a notebook (ipywidgets 7 or 8, a Python kernel needed);
* :meth:`TuringTest.play` lets any function play it, e.g. a classifier: the book's automated observer.

    test = TuringTest(real, generated, n=20, seed=0)
    turing_test_widget(test)          # in a notebook: the reader answers
    TuringTest(real, generated).play(lambda image: my_rule(image))   # a function answers
"""
from __future__ import annotations

import io

import numpy as np
import torch

from .checks import check_whole_number
from .metrics.two_sample import binomial_p_value, wilson_interval


class TuringTest:
    """``n`` images (half from ``real``, half from ``generated``, each ``(N, C, H, W)`` or ``(N, H, W)``)
    in a seeded random order. Answer them in turn with :meth:`answer`; :meth:`score` says how well."""

    def __init__(self, real, generated, n: int = 20, seed: int = 0):
        n = check_whole_number(n, "n", minimum=2, hint=" (images to show; an even number, half of them real)")
        if n % 2:
            raise ValueError(f"n must be even, half real and half generated; got {n}.")
        sets = []
        for images, name in ((real, "real"), (generated, "generated")):
            if not isinstance(images, torch.Tensor) or images.dim() not in (3, 4):
                raise ValueError(f"{name} must be a tensor of images (N, C, H, W) or (N, H, W); got "
                                 f"{tuple(images.shape) if isinstance(images, torch.Tensor) else type(images).__name__}.")
            if len(images) < n // 2:
                raise ValueError(f"{name} holds {len(images)} images; a test of n={n} shows {n // 2} of each. "
                                 "Give more images or a smaller n.")
            sets.append(images.detach().cpu().float().reshape(len(images), -1, *images.shape[-2:]))
        if sets[0].shape[1:] != sets[1].shape[1:]:
            raise ValueError(f"real and generated images must have the same shape; got {tuple(sets[0].shape[1:])} "
                             f"and {tuple(sets[1].shape[1:])}. A shape alone would give them away.")
        generator = torch.Generator().manual_seed(check_whole_number(seed, "seed", minimum=0))
        picked = [s[torch.randperm(len(s), generator=generator)[: n // 2]] for s in sets]
        order = torch.randperm(n, generator=generator)
        self.images = torch.cat(picked)[order]  # (n, C, H, W)
        self.is_generated = [bool(i >= n // 2) for i in order.tolist()]  # the truth, hidden from the observer
        self.answers: list[bool] = []  # True: the observer said "generated"

    @property
    def n(self) -> int:
        return len(self.images)

    @property
    def done(self) -> bool:
        return len(self.answers) == self.n

    def current(self) -> torch.Tensor:
        """The image the observer is asked about now, ``(C, H, W)``."""
        if self.done:
            raise RuntimeError("the test is finished: every image has been answered. Read score().")
        return self.images[len(self.answers)]

    def answer(self, says_generated: bool) -> bool:
        """Record the answer to the current image ("generated": True, "real": False); returns whether it was
        right."""
        if not isinstance(says_generated, (bool, np.bool_)):
            raise TypeError(f"an answer is True (generated) or False (real); got {says_generated!r}.")
        self.current()  # refuses an answer after the last image
        self.answers.append(bool(says_generated))
        return self.answers[-1] == self.is_generated[len(self.answers) - 1]

    def score(self, confidence: float = 0.95) -> dict:
        """``correct`` of ``answered``, ``accuracy``, its Wilson interval ``low``-``high``, and ``p_value``,
        the chance of doing at least this well by guessing."""
        answered = len(self.answers)
        if answered == 0:
            raise ValueError("no image has been answered yet: answer some first.")
        correct = sum(a == t for a, t in zip(self.answers, self.is_generated))
        low, high = wilson_interval(correct, answered, confidence)
        return {"correct": correct, "answered": answered, "accuracy": correct / answered, "low": low,
                "high": high, "p_value": binomial_p_value(correct, answered)}

    def play(self, observer) -> dict:
        """Let ``observer(image) -> True if it thinks the image generated`` answer every remaining image;
        returns :meth:`score`."""
        if not callable(observer):
            raise TypeError(f"observer must be a function of one image (C, H, W) returning True for 'generated'; "
                            f"got {type(observer).__name__}.")
        while not self.done:
            self.answer(bool(observer(self.current())))
        return self.score()


def score_text(score: dict) -> str:
    """A score as one sentence."""
    return (f"{score['correct']} of {score['answered']} right ({100 * score['accuracy']:.0f} %, 95 % interval "
            f"{100 * score['low']:.0f}-{100 * score['high']:.0f} %); a guesser does at least this well with "
            f"probability {score['p_value']:.2g}")


def _png(image, value_range) -> bytes:
    import matplotlib.pyplot as plt

    array = image.numpy()
    array = array[0] if array.shape[0] == 1 else np.moveaxis(array, 0, -1)
    buffer = io.BytesIO()
    plt.imsave(buffer, array, cmap="gray", vmin=value_range[0], vmax=value_range[1], format="png")
    return buffer.getvalue()


def turing_test_widget(test: TuringTest, value_range=(-1, 1), width: int = 256):
    """An ipywidgets panel that shows ``test``'s images one at a time with two buttons, "real" and
    "generated", and the score with its interval at the end. Uses only widgets that ipywidgets 7 and 8 both
    have (Image, Button, HTML, boxes)."""
    import ipywidgets as widgets

    if not isinstance(test, TuringTest):
        raise TypeError(f"turing_test_widget takes a TuringTest; got {type(test).__name__}.")
    image = widgets.Image(format="png", width=width)
    real_button = widgets.Button(description="real", button_style="info")
    fake_button = widgets.Button(description="generated", button_style="warning")
    status = widgets.HTML()

    def show():
        if test.done:
            image.layout.visibility = "hidden"
            real_button.disabled = fake_button.disabled = True
            status.value = f"<b>Finished.</b> {score_text(test.score())}."
            return
        image.value = _png(test.current(), value_range)
        status.value = f"image {len(test.answers) + 1} of {test.n}: real or generated?"

    def on_click(button):
        test.answer(button is fake_button)
        show()

    real_button.on_click(on_click)
    fake_button.on_click(on_click)
    show()
    return widgets.VBox([status, image, widgets.HBox([real_button, fake_button])])
