"""Chapter 4.6's measures against hand-computed values and direct computations, and its trainer."""
import math

import numpy as np
import pytest
import torch

from gancourse.data.warp import warp
from gancourse.methods.registration import (RegistrationTrainer, iterative_registration, make_pairs, misaligned,
                                            pretrain_discriminator, register, smoothness)
from gancourse.metrics.registration import (endpoint_error, folded_fraction, jacobian_determinant, local_ncc,
                                            mutual_information, tissue_dice)
from gancourse.nets.displacement import DisplacementUNet
from gancourse.nets import PatchDiscriminator


def _affine_field(matrix, size=9):
    """u(p) = (A - I) p for pixel coordinates p = (x, y): the map p -> A p."""
    y, x = torch.meshgrid(torch.arange(size, dtype=torch.float64), torch.arange(size, dtype=torch.float64),
                          indexing="ij")
    a = torch.tensor(matrix, dtype=torch.float64) - torch.eye(2, dtype=torch.float64)
    return torch.stack([a[0, 0] * x + a[0, 1] * y, a[1, 0] * x + a[1, 1] * y]).unsqueeze(0)


def test_jacobian_of_an_affine_field_is_its_determinant_everywhere():
    matrix = [[1.2, 0.3], [-0.1, 0.9]]
    det = jacobian_determinant(_affine_field(matrix))
    assert torch.allclose(det, torch.full_like(det, 1.2 * 0.9 - 0.3 * -0.1))  # 1.11, edges included (linear)
    assert folded_fraction(_affine_field(matrix)).item() == 0


def test_folding_is_detected_where_the_field_turns_the_image_over():
    # x -> -0.5 x on the left half (a mirror: the determinant is -0.5 there), the identity on the right
    size = 12
    u = torch.zeros(1, 2, size, size, dtype=torch.float64)
    x = torch.arange(size, dtype=torch.float64)
    u[0, 0] = torch.where(x < 6, -1.5 * x, torch.zeros_like(x)).expand(size, size)
    det = jacobian_determinant(u)
    assert det[0, :, 1:5].eq(-0.5).all() and det[0, :, 7:].eq(1).all()
    fraction = folded_fraction(u).item()
    # columns 0-4 (one-sided and central differences inside the mirror) fold; column 5's central difference
    # spans the kink: (0 - (-1.5*4)) / 2 = 3, so 1 + 3 > 0, and column 6 (from -7.5 to 0): 1 + 3.75 > 0
    assert fraction == pytest.approx(5 / 12)


def test_endpoint_error_by_hand():
    u, true = torch.zeros(2, 2, 2, 2), torch.zeros(2, 2, 2, 2)
    u[0, 0], u[0, 1] = 3.0, 4.0  # length 5 everywhere in pair 0
    u[1, 0, 0, 0] = 1.0  # one pixel of four off by 1 in pair 1
    assert endpoint_error(u, true).tolist() == pytest.approx([5.0, 0.25])
    mask = torch.tensor([[[True, False], [False, False]]] * 2)
    assert endpoint_error(u, true, mask).tolist() == pytest.approx([5.0, 1.0])


def test_local_ncc_is_one_for_identical_images_and_equals_a_direct_window_computation():
    stream = torch.Generator().manual_seed(0)
    a = torch.rand(2, 1, 15, 15, generator=stream, dtype=torch.float64)
    b = 0.5 * a + 0.3 * torch.rand(2, 1, 15, 15, generator=stream, dtype=torch.float64)
    assert local_ncc(a, a, 5, eps=1e-12).tolist() == pytest.approx([1.0, 1.0], abs=1e-9)
    assert local_ncc(a, -2 * a, 5, eps=1e-12).tolist() == pytest.approx([1.0, 1.0], abs=1e-9)  # sign ignored (no offset: the zeros beyond the border stay zeros)
    # a direct computation with NumPy, zeros beyond the border
    w, r = 5, 2
    pa, pb = (np.pad(t[:, 0].numpy(), ((0, 0), (r, r), (r, r))) for t in (a, b))
    expected = np.zeros((2, 15, 15))
    for n in range(2):
        for i in range(15):
            for j in range(15):
                x, y = pa[n, i:i + w, j:j + w].ravel(), pb[n, i:i + w, j:j + w].ravel()
                cov = ((x - x.mean()) * (y - y.mean())).sum()
                expected[n, i, j] = cov ** 2 / (((x - x.mean()) ** 2).sum() * ((y - y.mean()) ** 2).sum() + 1e-5)
    assert local_ncc(a, b, w).numpy() == pytest.approx(expected.mean(axis=(1, 2)), rel=1e-9)


def test_tissue_dice_by_hand():
    fixed = torch.tensor([[[1, 1, 2, 2], [0, 0, 3, 3]]])
    warped = torch.tensor([[[1, 2, 2, 2], [0, 0, 3, 3]]])
    # csf 2*1/(1+2), grey matter 2*2/(3+2), white matter 1
    assert tissue_dice(warped, fixed).item() == pytest.approx((2 / 3 + 4 / 5 + 1) / 3)


def test_the_network_starts_near_the_identity_and_checks_its_input():
    net = DisplacementUNet(4, 2)
    u = net(torch.rand(3, 2, 16, 16))
    assert u.shape == (3, 2, 16, 16) and u.abs().max() < 1e-3
    with pytest.raises(ValueError, match="divisible by 4"):
        net(torch.rand(1, 2, 18, 18))
    with pytest.raises(ValueError, match="batch, 2"):
        net(torch.rand(1, 1, 16, 16))


def _pairs(n=24, size=16, seed=0, max_pixels=1.5):
    stream = torch.Generator().manual_seed(seed)
    blobs = torch.nn.functional.avg_pool2d(torch.rand(n, 1, size + 6, size + 6, generator=stream), 7, 1)
    blobs = (blobs - blobs.amin((2, 3), keepdim=True)) / (blobs.amax((2, 3), keepdim=True)
                                                         - blobs.amin((2, 3), keepdim=True))
    labels = (blobs[:, 0] * 3.99).long()
    return make_pairs(blobs, labels, max_pixels=max_pixels, control=3, seed=seed)


def test_pairs_are_aligned_by_their_true_field():
    pairs = _pairs()
    assert torch.allclose(warp(pairs.moving, pairs.true), pairs.fixed)
    assert (pairs.fixed - pairs.moving).abs().mean() > 1e-3


def test_one_step_minimises_the_weighted_sum_of_its_terms():
    pairs = _pairs()
    torch.manual_seed(0)
    net, D = DisplacementUNet(4, 2), PatchDiscriminator(2, width=4, n_layers=1, norm="none")
    torch.nn.init.normal_(net.flow.weight, std=0.05)  # a field far enough from zero for every term to count
    trainer = RegistrationTrainer(net, D, pairs.fixed, pairs.moving, true=pairs.true, similarity="mse",
                                  smoothness_weight=0.3, adversarial_weight=0.2, batch_size=4, seed=5)
    import copy
    before = copy.deepcopy(net)
    record = trainer.step()
    index = torch.randint(0, 24, (4,), generator=torch.Generator().manual_seed(5))
    fixed, moving = pairs.fixed[index], pairs.moving[index]
    u = before(torch.cat([moving, fixed], 1))
    warped = warp(moving, u)
    with torch.no_grad():  # the discriminator has stepped first
        adversarial = torch.nn.functional.softplus(-D(torch.cat([fixed, warped], 1))).mean()
        expected = ((warped - fixed) ** 2).mean() + 0.3 * smoothness(u) + 0.2 * adversarial
    assert record["loss_r"] == pytest.approx(expected.item(), rel=1e-5)
    assert set(record) == {"loss_r", "similarity", "smoothness", "loss_d"}


def test_training_and_iterative_registration_reduce_the_error():
    pairs = _pairs(n=16, max_pixels=2.0)
    start = endpoint_error(torch.zeros_like(pairs.true), pairs.true).mean()
    u = iterative_registration(pairs.fixed, pairs.moving, similarity="mse", smoothness_weight=0.01, steps=80,
                               lr=0.1, grid_step=2)
    assert endpoint_error(u, pairs.true).mean() < 0.7 * start
    results = []
    for _ in range(2):
        torch.manual_seed(1)
        net = DisplacementUNet(4, 2)
        RegistrationTrainer(net, None, pairs.fixed, pairs.moving, similarity="mse", smoothness_weight=1e-3,
                            lr=3e-3, batch_size=8, seed=2).fit(steps=50, progress=False)
        results.append(register(net, pairs.fixed, pairs.moving))
    assert torch.equal(results[0], results[1])
    # the network, trained on the image error alone, lowers it on its training pairs
    before = ((pairs.moving - pairs.fixed) ** 2).mean()
    assert ((warp(pairs.moving, results[0]) - pairs.fixed) ** 2).mean() < 0.9 * before


def test_bad_inputs_are_refused():
    pairs = _pairs(n=4)
    net = DisplacementUNet(4, 2)
    with pytest.raises(ValueError, match="nothing to align"):
        RegistrationTrainer(net, None, pairs.fixed, pairs.moving, similarity=None)
    with pytest.raises(ValueError, match="true="):
        RegistrationTrainer(net, PatchDiscriminator(2, 4, 1), pairs.fixed, pairs.moving)
    with pytest.raises(ValueError, match="similarity"):
        RegistrationTrainer(net, None, pairs.fixed, pairs.moving, similarity="ssd")
    with pytest.raises(ValueError, match="same batch size"):
        RegistrationTrainer(net, None, pairs.fixed, pairs.moving[:2])
    with pytest.raises(ValueError, match="odd"):
        local_ncc(pairs.fixed, pairs.moving, 4)
    with pytest.raises(ValueError, match="same shape"):
        endpoint_error(torch.zeros(1, 2, 4, 4), torch.zeros(1, 2, 4, 5))
    with pytest.raises(ValueError, match="at least one"):
        endpoint_error(torch.zeros(1, 2, 4, 4), torch.zeros(1, 2, 4, 4), torch.zeros(1, 4, 4, dtype=torch.bool))
    assert math.isfinite(folded_fraction(pairs.true).sum().item())


def test_mutual_information_matches_scikit_learn_on_binned_values():
    from sklearn.metrics import mutual_info_score
    stream = torch.Generator().manual_seed(3)
    bins = 8
    ia = torch.randint(0, bins, (2, 1, 12, 12), generator=stream)
    ib = (ia * 3 + torch.randint(0, 3, ia.shape, generator=stream)) % bins  # related, not a function, not linear
    centres = lambda i: i.double() / (bins - 1)  # noqa: E731 (values exactly at the bin centres)
    # a window far narrower than a bin: each pixel falls in its own bin, the plain histogram MI (nats)
    mi = mutual_information(centres(ia), centres(ib), bins=bins, sigma=1e-3)
    for k in range(2):
        expected = mutual_info_score(ia[k].flatten().numpy(), ib[k].flatten().numpy())
        assert mi[k].item() == pytest.approx(expected, abs=1e-9)
    # an image with itself: its entropy; with a constant image: 0
    same = mutual_information(centres(ia), centres(ia), bins=bins, sigma=1e-3)[0].item()
    p = np.bincount(ia[0].flatten().numpy(), minlength=bins) / 144
    assert same == pytest.approx(-(p[p > 0] * np.log(p[p > 0])).sum(), abs=1e-9)
    assert mutual_information(centres(ia), torch.zeros_like(centres(ia)), bins=bins, sigma=1e-3).abs().max() < 1e-9
    # smooth windows: differentiable
    a = torch.rand(1, 1, 8, 8, requires_grad=True)
    mutual_information(a, torch.rand(1, 1, 8, 8)).sum().backward()
    assert torch.isfinite(a.grad).all() and a.grad.abs().sum() > 0


def test_misaligned_pairs_and_a_pretrained_discriminator():
    pairs = _pairs(n=32, max_pixels=1.0)
    stream = torch.Generator().manual_seed(0)
    assert torch.allclose(misaligned(pairs.moving, pairs.true, 0.0, stream), pairs.fixed)  # no error: aligned
    off = misaligned(pairs.moving, pairs.true, 3.0, stream)
    assert (off - pairs.fixed).abs().mean() > 1e-3
    torch.manual_seed(0)
    D = PatchDiscriminator(2, width=8, n_layers=1, norm="none")
    losses = pretrain_discriminator(D, pairs.fixed, pairs.moving, pairs.true, max_pixels=4.0, steps=60,
                                    batch_size=16, lr=3e-3, seed=1)
    assert len(losses) == 60
    assert np.mean(losses[-10:]) < np.mean(losses[:5])  # it learns to tell aligned from misaligned
    with pytest.raises(ValueError, match="steps= or seconds="):
        pretrain_discriminator(D, pairs.fixed, pairs.moving, pairs.true, max_pixels=4.0)


def test_a_frozen_discriminator_stays_as_it_is_and_mi_trains():
    pairs = _pairs(n=8)
    torch.manual_seed(0)
    D = PatchDiscriminator(2, width=4, n_layers=1, norm="none")
    before = {k: v.clone() for k, v in D.state_dict().items()}
    trainer = RegistrationTrainer(DisplacementUNet(4, 2), D, pairs.fixed, pairs.moving, true=pairs.true,
                                  similarity="mi", batch_size=4, train_discriminator=False, seed=0)
    record = trainer.step()
    assert "loss_d" not in record and record["similarity"] < 0  # minus the MI
    assert all(torch.equal(before[k], v) for k, v in D.state_dict().items())
    trainer = RegistrationTrainer(DisplacementUNet(4, 2), D, pairs.fixed, pairs.moving, true=pairs.true,
                                  similarity=None, batch_size=4, max_pixels=2.0, seed=0)
    assert math.isfinite(trainer.step()["loss_d"])
