"""Expected values and reference cases of chapter 4.4's exercises (unsupervised anomaly detection)."""
import torch

from gancourse import exercises
from gancourse.exercises import Case
from gancourse.methods.anomaly import discriminator_features, latent_search
from gancourse.metrics.detection import best_dice
from gancourse.nets.dcgan import DCGANDiscriminator, DCGANGenerator


@exercises.function("4.4.1", what="your best achievable Dice", tolerance=1e-6, forbid=("best_dice",))
def _best_dice_cases():
    stream = torch.Generator().manual_seed(0)
    labels = (torch.rand(400, generator=stream) < 0.1).float()
    scores = torch.rand(400, generator=stream) + 0.5 * labels
    tied = torch.round(scores * 4) / 4  # few distinct values: ties must share a threshold
    perfect = labels * 2.0
    cases = [("400 pixels, lesions scoring higher on average", scores, labels),
             ("the same with scores rounded to quarters (ties)", tied, labels),
             ("a perfect map", perfect, labels)]
    # '>' instead of '>=', or a Dice without P (lesion pixels) in the denominator, fail the first two cases
    return [Case(label, (s, y), best_dice(s, y)[0]) for label, s, y in cases]


@exercises.function("4.4.2", what="your AnoGAN loss per image", tolerance=1e-5,
                    forbid=("latent_search",))
def _anogan_cases():
    torch.manual_seed(0)
    G, D = DCGANGenerator(8, 8, 1, 8).eval(), DCGANDiscriminator(8, 1, 8).eval()
    f = discriminator_features(D)
    stream = torch.Generator().manual_seed(1)
    cases = []
    for label, n, weight in [("3 images, lambda 0.1", 3, 0.1), ("2 images, lambda 0.5", 2, 0.5),
                             ("1 image, lambda 0 (the residual alone)", 1, 0.0)]:
        x = torch.rand(n, 1, 8, 8, generator=stream) * 2 - 1
        z = torch.randn(n, 8, generator=stream)
        with torch.no_grad():
            fake, fx, ffake = G(z), f(x), f(G(z))
        # steps=0: the loss the search scores at its starting point z
        expected = latent_search(G, x, f, weight=weight, steps=0, z_init=z).score
        cases.append(Case(label, (x, fake, fx, ffake, weight), expected))
    return cases


@exercises.value("4.4.3", what="the best Dice of a random anomaly map", tolerance=0.1, absolute=0.002)
def _random_best_dice(lesion_mask, brain):
    # precision is the lesion fraction p at every threshold, so Dice = 2pr / (p + r) grows with the recall r:
    # the best is calling every pixel a lesion, r = 1. The absolute tolerance rejects p itself (half of it).
    p = float(lesion_mask[brain.bool()].float().mean())
    return 2 * p / (1 + p)
