"""Expected values of Getting started's exercises (chapter 0)."""
from gancourse import exercises
from gancourse.data import TISSUES, signal
from gancourse.data.brain import SEQUENCES
from gancourse.exercises import Case

#: The four tasks of exercise 0.1, in the order the chapter lists them, and the survey's category of each.
TASKS = {
    "a CT slice computed from the same patient's MR slice": "image to image",
    "new lesion patches drawn from random vectors to enlarge a rare class": "latent to image",
    "a low-dose CT made to look like a normal-dose one": "image to image",
    "a generator that makes brain slices from noise": "latent to image",
}


@exercises.value("0.1", what="your list of categories")
def _categories():
    return list(TASKS.values())


@exercises.value("0.2", what="the T2-weighted signal of grey matter")
def _grey_matter_t2():
    return signal("gm", "t2")


@exercises.function("0.3", what="your signal(tissue, contrast)", forbid=("signal",))
def _signal_cases():
    return [Case(f"{tissue} in {contrast}", (tissue, contrast), signal(tissue, contrast))
            for tissue in TISSUES for contrast in (*SEQUENCES, "ct")]


@exercises.value("0.4", what="the share of subjects with a lesion", tolerance=0.1, absolute=0.1)
def _lesion_share():
    return 0.3  # the simulator's lesion_prob; the check allows for the sampling noise of 400 subjects


@exercises.value("0.5", what="the brightest tissue in CT")
def _brightest_in_ct():
    return max(TISSUES, key=lambda tissue: TISSUES[tissue]["hu"])
