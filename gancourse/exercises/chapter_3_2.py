"""Answers of chapter 3.2 (DCGAN): the expected values and the build-it test, kept out of the notebook."""
import torch
from torch import nn

from gancourse import exercises
from gancourse.exercises import Case
from gancourse.metrics import frechet_distance
from gancourse.metrics.domain import domain_features
from gancourse.nets import DCGANDiscriminator


@exercises.value("3.2.1", what="the output side", tolerance=0)
def _output_side():
    layer = nn.ConvTranspose2d(1, 1, kernel_size=4, stride=2, padding=1)
    return layer(torch.zeros(1, 1, 8, 8)).shape[-1]


@exercises.value("3.2.2", what="the number of weights of the first convolution", tolerance=0)
def _first_weights(*, width):
    return DCGANDiscriminator(width=width, image_size=32).main[0].weight.numel()


@exercises.value("3.2.3", what="your answer")
def _copies_score_worse(*, real_features, train_images, repeats):
    copies = train_images[:20].repeat(repeats, 1, 1, 1)
    varied = train_images[:len(copies)]
    return bool(frechet_distance(real_features, domain_features(copies))
                > frechet_distance(real_features, domain_features(varied)))


def with_weights_of(reference: nn.Module, inputs: torch.Tensor):
    """``extract`` for a built network: copy ``reference``'s parameters and buffers into the learner's network,
    in order (they must have the same shapes: same layers, same order, biases where the reference has them),
    then return its output on ``inputs`` as one logit per image. A string (never a match) when they differ."""
    def extract(network, args):
        if not isinstance(network, nn.Module):
            return f"a {type(network).__name__}, not a network"
        theirs = list(network.parameters()) + list(network.buffers())
        ours = list(reference.parameters()) + list(reference.buffers())
        if [tuple(t.shape) for t in theirs] != [tuple(t.shape) for t in ours]:
            return "layers whose weights differ in number or shape from the library's"
        with torch.no_grad():
            for mine, library in zip(theirs, ours):
                mine.copy_(library)
            try:
                return network.train()(inputs).reshape(-1)
            except Exception as error:  # the learner's network: report, do not crash the check cell
                return f"an error in the forward pass ({type(error).__name__})"
    return extract


@exercises.function("3.2.4", what="your DCGAN discriminator", forbid=('DCGANDiscriminator',))
def _discriminator_cases():
    cases = []
    for width, size in [(8, 32), (4, 64), (16, 16)]:
        torch.manual_seed(size)
        reference = DCGANDiscriminator(width=width, image_size=size)
        inputs = torch.rand(4, 1, size, size) * 2 - 1
        with torch.no_grad():
            expected = reference.train().main(inputs).reshape(-1)
        cases.append(Case(f"width {width}, {size}x{size} images", (width, size), expected,
                          extract=with_weights_of(reference, inputs)))
    return cases
