"""Expected values and reference cases of chapter 5.2's exercises (the literature, interactive)."""
import re

from gancourse import exercises, literature
from gancourse.exercises import Case

# strings beyond the tables' cells, for rules the tables never trigger (each names what it tests)
_EXTRA_TEXTS = [
    "PatchGAN discriminator",                  # Markovian by 'patchgan'
    "auxiliary classifier GAN",                # AC-GAN by its name written out
    "Wasserstein GAN with gradient penalty",   # WGAN by 'wasserstein'
    "least squares GAN",                       # LSGAN written out
    "DCGAN generator, conditional critic",     # conditional before DCGAN
    "dcgan",                                   # lower case: the rules ignore case
]


@exercises.function("5.2.1", what="your family rule", forbid=("family", "families"))
def _family_cases():
    cases = []
    for row in literature.load():
        text = f"{row['architecture']} {row['losses']}".strip()
        refs = ", ".join(map(str, row["refs"]))
        cases.append(Case(f"Table {row['table']}, [{refs}]: {text!r}", (text,), literature.family(text)))
    cases += [Case(repr(text), (text,), literature.family(text)) for text in _EXTRA_TEXTS]
    return cases


@exercises.value("5.2.2", what="the number of rows of Tables 4-10 whose architecture names a U-Net")
def _unet_rows():
    rows = literature.select(literature.load(), table=range(4, 11))
    return sum("u-net" in row["architecture"].lower() for row in rows)


def _reported(performance: str, name: str) -> float:
    match = re.search(rf"{name}\s*=\s*([0-9.]+)", performance)
    return float(match.group(1))


@exercises.value("5.2.3", what="the F-score implied by [64]'s precision and recall")
def _implied_f_score():
    (row,) = [r for r in literature.load() if r["refs"] == (64,)]
    precision, recall = (_reported(row["performance"], n) for n in ("Precision", "Recall"))
    return 2 * precision * recall / (precision + recall)


@exercises.function("5.2.4", what="your papers-per-application count",
                    forbid=("papers", "count", "select"))
def _papers_per_application_cases():
    rows = literature.load()

    def expected(subset):
        return {a: literature.papers(literature.select(subset, application=a))
                for a in literature.APPLICATIONS if literature.select(subset, application=a)}

    synthesis = [r for r in rows if r["table"] <= 3]   # rows of two papers: counting rows gives 26, not 28
    twice = rows[:5] + rows[:5]                         # the same rows twice: a paper counts once
    cases = [("all 75 rows", rows), ("the rows of Tables 1-3", synthesis),
             ("the first five rows, each given twice", twice), ("no rows", [])]
    return [Case(label, (subset,), expected(subset)) for label, subset in cases]
