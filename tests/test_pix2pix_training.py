"""The pix2pix training loop, the coarse condition and the realism measures, against hand-computed values."""
import numpy as np
import pytest
import torch

from gancourse.nets import PatchDiscriminator, UNetGenerator
from gancourse.methods.pix2pix import Pix2PixTrainer, coarsen, translate
from gancourse.metrics.realism import fine_texture, high_frequency_energy, intensity_spread


def test_coarsen_averages_blocks_and_keeps_the_mean():
    maps = torch.arange(16.0).view(1, 1, 4, 4)
    coarse = coarsen(maps, 2)
    assert coarse.shape == maps.shape
    assert torch.nn.functional.avg_pool2d(maps, 2).flatten().tolist() == [2.5, 4.5, 10.5, 12.5]  # by hand
    assert coarse.mean().item() == pytest.approx(maps.mean().item())
    assert torch.equal(coarsen(maps, 1), maps)
    with pytest.raises(ValueError, match="divides the image side"):
        coarsen(maps, 3)


def test_realism_measures_against_numpy():
    rng = np.random.default_rng(0)
    images = torch.tensor(rng.normal(size=(2, 1, 6, 6)), dtype=torch.float32)
    mask = torch.zeros_like(images, dtype=torch.bool)
    mask[:, :, 1:5, 1:5] = True
    assert intensity_spread(images, mask) == pytest.approx(np.std(images.numpy()[mask.numpy()], ddof=1), rel=1e-5)
    padded = np.pad(images.numpy(), ((0, 0), (0, 0), (1, 1), (1, 1)))
    local = np.array([[[np.std(padded[n, 0, y:y + 3, x:x + 3], ddof=1) for x in range(6)] for y in range(6)]
                      for n in range(2)])[:, None]
    assert fine_texture(images, mask) == pytest.approx(local[mask.numpy()].mean(), rel=1e-5)


def test_high_frequency_energy_of_pure_cosines():
    x = torch.arange(8.0)
    fast = torch.cos(2 * np.pi * 0.375 * x).expand(8, 8).reshape(1, 1, 8, 8)  # 3/8 cycle per pixel
    slow = torch.cos(2 * np.pi * 0.125 * x).expand(8, 8).reshape(1, 1, 8, 8)
    # NumPy's full 2-D spectrum: the fast cosine's power sits at +-3/8; the half spectrum keeps one of them
    full = np.abs(np.fft.fft2(fast[0, 0].numpy())) ** 2
    assert high_frequency_energy(fast) == pytest.approx(full.sum() / 2, rel=1e-5)
    assert high_frequency_energy(slow) == pytest.approx(0.0, abs=1e-6)
    with pytest.raises(ValueError, match=r"single-channel images \(N, 1, H, W\)"):
        high_frequency_energy(torch.zeros(8, 8))


def small_task(n=32, seed=0):
    g = torch.Generator().manual_seed(seed)
    condition = torch.rand(n, 2, 32, 32, generator=g) * 2 - 1
    target = condition[:, :1].clone()  # translate the first channel: a task L1 learns quickly
    return condition, target


def test_l1_only_training_learns_and_leaves_no_discriminator():
    torch.manual_seed(0)
    condition, target = small_task()
    G = UNetGenerator(2, 1, 32, width=8)
    before = (translate(G, condition) - target).abs().mean().item()
    trainer = Pix2PixTrainer(G, None, condition, target, batch_size=8, lr=2e-3)
    history = trainer.fit(steps=100, progress=False)
    after = (translate(G, condition) - target).abs().mean().item()
    assert history["step"][-1] == 100 and "loss_d" not in history and after < 0.6 * before
    assert trainer.discriminator is None and set(trainer.networks) == {"generator"}


def test_pix2pix_trains_the_discriminator_and_adds_the_weighted_l1():
    torch.manual_seed(0)
    condition, target = small_task()
    G, D = UNetGenerator(2, 1, 32, width=8), PatchDiscriminator(3, width=8, n_layers=1)
    d_before = [p.detach().clone() for p in D.parameters()]
    history = Pix2PixTrainer(G, D, condition, target, batch_size=8, l1_weight=100).fit(steps=3, progress=False)
    assert len(history["loss_d"]) == 3 and any(not torch.equal(a, b) for a, b in zip(d_before, D.parameters()))
    # 100 x L1 of an untrained U-Net on [-1, 1] targets is tens; the adversarial part is about 1
    assert 10 < history["loss_g"][0] < 200


def test_unpaired_sets_and_missing_budgets_are_refused():
    condition, target = small_task()
    G = UNetGenerator(2, 1, 32, width=8)
    with pytest.raises(ValueError, match="pix2pix needs pairs.*CycleGAN"):
        Pix2PixTrainer(G, None, condition[:3], target[:5])
    with pytest.raises(ValueError, match="give steps= .* or seconds="):
        Pix2PixTrainer(G, None, condition, target).fit()


def test_colour_difference_in_cielab_units():
    from gancourse.metrics.realism import colour_difference

    white, black = torch.ones(1, 3, 8, 8), torch.zeros(1, 3, 8, 8)
    assert colour_difference(white, black) == pytest.approx(100.0, rel=1e-6)  # L* 100 against 0
    assert colour_difference(white, white) == 0.0
    grey = torch.full((1, 3, 8, 8), 0.5)
    from skimage.color import rgb2lab  # the reference: scikit-image's conversion of one pixel
    expected = np.linalg.norm(rgb2lab(np.full((1, 1, 3), 0.5)) - rgb2lab(np.zeros((1, 1, 3))))
    assert colour_difference(grey, black) == pytest.approx(expected, rel=1e-6)
    with pytest.raises(ValueError, match=r"two RGB batches \(N, 3, H, W\)"):
        colour_difference(torch.zeros(1, 1, 8, 8), torch.zeros(1, 1, 8, 8))


def test_two_labs_show_the_same_tissue_in_other_colours():
    from skimage.color import rgb2hed

    from gancourse.data.stains import stain_labs

    lab_a, lab_b = stain_labs(seed=0)
    again, _ = stain_labs(seed=0)
    assert lab_a.shape == lab_b.shape == (512, 512, 3) and np.array_equal(lab_a, again)
    assert 0 <= lab_a.min() and lab_a.max() <= 1
    # the same tissue: the luminance of the two labs is strongly correlated ...
    correlation = np.corrcoef(lab_a.mean(-1).ravel(), lab_b.mean(-1).ravel())[0, 1]
    assert correlation > 0.8
    # ... but the colours differ, and so does the DAB amount colour deconvolution reads back (uneven strength)
    assert np.abs(lab_a - lab_b).mean() > 0.03
    assert not np.allclose(rgb2hed(lab_a)[..., 2], rgb2hed(lab_b)[..., 2], atol=0.01)
    with pytest.raises(ValueError, match="strength"):
        stain_labs(strength=2)
