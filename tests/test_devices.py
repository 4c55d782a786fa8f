"""Training on another device: the trainers move networks and data there, inference comes back to the CPU.

The CUDA tests run only where a GPU is present (they are skipped in CI, which has none); the book's gpu
profile was checked on one (benchmarks/RESULTS.md)."""
import copy

import pytest
import torch

from gancourse.methods.supervised import predict, train_classifier
from gancourse.methods.cyclegan import CycleGANTrainer
from gancourse.devices import device_of, move_networks, outputs_on_cpu
from gancourse.metrics.domain import domain_features
from gancourse.losses.feature import FeatureLoss
from gancourse.nets import PatchDiscriminator, UNetGenerator
from gancourse.nets.resnet import ResNetGenerator
from gancourse.nets.dcgan import DCGANDiscriminator, DCGANGenerator
from gancourse.nets.segmenter import LesionSegmenter
from gancourse.methods.pix2pix import Pix2PixTrainer, translate
from gancourse.methods.gan import GANTrainer

cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")


def pairs(n=32, size=32, seed=0):
    g = torch.Generator().manual_seed(seed)
    condition = torch.rand(n, 1, size, size, generator=g) * 2 - 1
    return condition, -condition  # the task: invert the contrast


def test_device_of_and_move_networks_on_the_cpu():
    a, b = torch.nn.Linear(2, 2), torch.nn.Linear(2, 2)
    assert device_of(a) == torch.device("cpu") and device_of(torch.nn.ReLU()) == torch.device("cpu")
    assert move_networks(None, a, None, b) == torch.device("cpu")  # None entries (no discriminator) skipped
    assert move_networks("cpu", a) == torch.device("cpu")


def test_outputs_on_cpu_chunks_in_evaluation_mode_and_restores_the_mode():
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4), torch.nn.Dropout(0.5))
    net(torch.randn(16, 3))  # training mode: moves batch norm's running statistics away from their start
    x = torch.randn(10, 3)
    out = outputs_on_cpu(net, x, batch_size=3)  # chunks of 3, 3, 3, 1
    assert net.training and out.shape == (10, 4)
    net.eval()
    # evaluation mode: running statistics, no dropout (equal up to the rounding of a matrix product done in
    # chunks of another size; training mode would differ by tenths)
    assert torch.allclose(out, net(x).detach(), rtol=0, atol=1e-6)
    total = outputs_on_cpu(Add(), torch.ones(5, 2), torch.full((5, 2), 2.0), batch_size=2)
    assert torch.equal(total, torch.full((5, 2), 3.0))  # several inputs are chunked together


class Add(torch.nn.Module):
    """A network of two inputs and no parameters (it lives on the CPU)."""

    def forward(self, a, b):
        return a + b


def test_explicit_cpu_device_changes_nothing():
    condition, target = pairs()
    torch.manual_seed(0)
    G, D = UNetGenerator(1, 1, 32, width=4), PatchDiscriminator(2, width=4, n_layers=1)
    G2, D2 = copy.deepcopy(G), copy.deepcopy(D)
    torch.manual_seed(1)
    a = Pix2PixTrainer(G, D, condition, target, batch_size=4).fit(steps=3, progress=False)
    torch.manual_seed(1)
    b = Pix2PixTrainer(G2, D2, condition, target, batch_size=4, device="cpu").fit(steps=3, progress=False)
    assert a["loss_g"] == b["loss_g"] and a["loss_d"] == b["loss_d"]


@cuda
def test_pix2pix_on_the_gpu_matches_the_cpu_and_translates_back_to_the_cpu():
    condition, target = pairs()
    torch.manual_seed(0)
    G, D = UNetGenerator(1, 1, 32, width=4, dropout=False), PatchDiscriminator(2, width=4, n_layers=1)
    G_gpu, D_gpu = copy.deepcopy(G), copy.deepcopy(D)
    cpu = Pix2PixTrainer(G, D, condition, target, batch_size=4).fit(steps=5, progress=False)
    gpu = Pix2PixTrainer(G_gpu, D_gpu, condition, target, batch_size=4, device="cuda").fit(steps=5, progress=False)
    assert device_of(G_gpu).type == "cuda" and device_of(D_gpu).type == "cuda"
    assert gpu["loss_g"] == pytest.approx(cpu["loss_g"], rel=1e-3)
    out = translate(G_gpu, condition)
    assert out.device.type == "cpu"
    assert torch.allclose(out, translate(G, condition), atol=1e-3)


@cuda
def test_cyclegan_with_a_lesion_segmenter_trains_on_the_gpu():
    a, b = pairs()
    torch.manual_seed(0)
    nets = (ResNetGenerator(1, 1, width=4, n_blocks=1), ResNetGenerator(1, 1, width=4, n_blocks=1),
            PatchDiscriminator(1, width=4, n_layers=1, norm="instance"),
            PatchDiscriminator(1, width=4, n_layers=1, norm="instance"))
    masks = (a > 0.8).float()
    segmenter = LesionSegmenter(1, width=4)
    history = CycleGANTrainer(*nets, a, b, batch_size=2, lesion_masks_a=masks, segmenter=segmenter,
                              device="cuda").fit(steps=60, progress=False)
    assert all(device_of(net).type == "cuda" for net in (*nets, segmenter))
    assert len(history["loss_lesion"]) == 60 and history["loss_cycle"][-1] < history["loss_cycle"][0]


@cuda
def test_classifier_trains_on_the_gpu_and_predicts_on_the_cpu():
    g = torch.Generator().manual_seed(0)
    labels = torch.randint(0, 2, (128,), generator=g)
    images = torch.randn(128, 1, 16, 16, generator=g) * 0.1 + labels.view(-1, 1, 1, 1).float() - 0.5
    model = train_classifier(images, labels, 2, steps=100, device="cuda")
    assert device_of(model).type == "cuda"
    predicted = predict(model, images)
    assert predicted.device.type == "cpu" and (predicted == labels).float().mean() > 0.95


@cuda
def test_feature_loss_on_gpu_images_and_domain_features_from_gpu_tensors():
    images = torch.rand(4, 1, 64, 64) * 2 - 1
    loss = FeatureLoss(kind="style")
    gpu = images.cuda().requires_grad_(True)
    value = loss(gpu, gpu.flip(-1).detach())
    value.backward()
    assert value.device.type == "cuda" and gpu.grad is not None
    assert value.item() == pytest.approx(loss(images, images.flip(-1)).item(), rel=1e-3)
    assert domain_features(images.cuda()) == pytest.approx(domain_features(images), abs=1e-5)


@cuda
def test_gpu_checkpoint_resumes_on_the_cpu(tmp_path):
    data = torch.rand(64, 1, 32, 32) * 2 - 1

    def trainer(device, checkpoint=None):
        torch.manual_seed(0)
        return GANTrainer(DCGANGenerator(z_dim=8, width=4, image_size=32), DCGANDiscriminator(width=4, image_size=32),
                          data, batch_size=8, seed=0, device=device, checkpoint=checkpoint, checkpoint_every=5)

    on_gpu = trainer("cuda", tmp_path / "run.pt")
    on_gpu.fit(steps=5, progress=False)
    on_cpu = trainer("cpu").load(tmp_path / "run.pt")
    assert on_cpu.steps_done == 5 and device_of(on_cpu.G).type == "cpu"
    assert torch.allclose(on_cpu.sample(4), on_gpu.sample(4), atol=1e-4)
    on_cpu.fit(steps=8, progress=False)
    assert on_cpu.steps_done == 8
