"""Conditioning, the pixel losses of pix2pix and CycleGAN, the history pool and the feature losses."""
import pytest
import torch

from gancourse.losses.feature import FeatureLoss, gram_matrix
from gancourse.methods.history_pool import HistoryPool
from gancourse.losses import cycle_loss, identity_loss, l1_loss
from gancourse.methods.pix2pix import stack_condition


def test_stack_condition_puts_the_condition_first_along_channels():
    condition, image = torch.zeros(2, 4, 8, 8), torch.ones(2, 1, 8, 8)
    stacked = stack_condition(condition, image)
    assert stacked.shape == (2, 5, 8, 8) and stacked[:, :4].eq(0).all() and stacked[:, 4].eq(1).all()


def test_mismatched_condition_and_unpaired_sets_are_refused():
    with pytest.raises(ValueError, match="same batch size, height and width.*its own condition"):
        stack_condition(torch.zeros(2, 4, 16, 16), torch.zeros(2, 1, 8, 8))
    with pytest.raises(ValueError, match="paired images.*cycle loss"):
        l1_loss(torch.zeros(3, 1, 8, 8), torch.zeros(5, 1, 8, 8))
    with pytest.raises(ValueError, match=r"batch of images \(batch, channels, height, width\); got \(8, 8\)"):
        cycle_loss(torch.zeros(8, 8), torch.zeros(8, 8))


def test_pixel_losses_by_hand():
    a = torch.tensor([0.0, 1.0, -1.0, 0.5]).view(1, 1, 2, 2)
    b = torch.tensor([0.5, 1.0, 1.0, 0.0]).view(1, 1, 2, 2)
    by_hand = (0.5 + 0 + 2 + 0.5) / 4
    assert l1_loss(a, b).item() == pytest.approx(by_hand)
    assert cycle_loss(a, b).item() == pytest.approx(by_hand)
    assert identity_loss(a, b).item() == pytest.approx(by_hand)


def test_history_pool_fills_then_mixes_old_and_new():
    pool = HistoryPool(size=4, seed=0)
    first = torch.arange(4.0).view(4, 1, 1, 1)
    assert torch.equal(pool.query(first), first)  # filling up: the new images come back as they are
    new = torch.full((200, 1, 1, 1), 100.0)
    out = pool.query(new)
    old = (out < 100).sum().item()
    assert old == 4  # each stored image is handed out at most once before it is replaced by a new one
    assert {v.item() for v in torch.stack(pool.images).flatten()} == {100.0}
    assert torch.equal(HistoryPool(size=0).query(new), new)
    with pytest.raises(ValueError, match="pool size"):
        HistoryPool(size=-1)


def test_history_pool_draws_half_from_the_history_once_full():
    pool = HistoryPool(size=50, seed=1)
    pool.query(torch.zeros(50, 1, 2, 2))
    returned_old = 0
    for step in range(1, 41):
        batch = torch.full((10, 1, 2, 2), float(step))
        returned_old += (pool.query(batch)[:, 0, 0, 0] != step).sum().item()
    assert 0.4 < returned_old / 400 < 0.6


def test_gram_matrix_by_hand():
    x = torch.tensor([[1.0, 2.0], [3.0, 4.0]]).view(1, 2, 1, 2)  # 2 channels, 2 positions
    expected = torch.tensor([[1 + 4, 3 + 8], [3 + 8, 9 + 16]]) / 2
    assert torch.allclose(gram_matrix(x)[0], expected)


def test_feature_losses_with_a_given_feature_network():
    features = lambda x: [x, 2 * x]  # noqa: E731  two "layers"
    a, b = torch.randn(3, 1, 4, 4), torch.randn(3, 1, 4, 4)
    mse = ((a - b) ** 2).mean()
    assert FeatureLoss(features)(a, b).item() == pytest.approx(((mse + 4 * mse) / 2).item(), rel=1e-5)
    # style ignores where things are: a shuffled image has the same Gram matrix
    shuffled = a.flatten(2)[:, :, torch.randperm(16)].view_as(a)
    assert FeatureLoss(features, kind="style")(a, shuffled).item() == pytest.approx(0, abs=1e-6)
    assert FeatureLoss(features)(a, shuffled).item() > 0
    with pytest.raises(ValueError, match="'content' or 'style'"):
        FeatureLoss(features, kind="texture")


def test_default_feature_loss_uses_the_domain_encoder_and_passes_gradients():
    from gancourse.data import BrainSimulator, to_gan_range
    slices = to_gan_range(BrainSimulator(32, seed=0).sample(4).t1)
    loss = FeatureLoss()
    assert loss(slices, slices).item() == 0
    noisy = (slices + 0.3 * torch.randn_like(slices)).clamp(-1, 1).requires_grad_(True)
    value = loss(noisy, slices)
    value.backward()
    assert value.item() > 0 and noisy.grad.abs().sum() > 0
