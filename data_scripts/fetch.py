"""Fetch a public data set and prepare it into the files the chapters read (``GANCOURSE_DATA``).

    python data_scripts/fetch.py list
    python data_scripts/fetch.py ixi --modalities t1 t2 --size 64 --dest DIR
    python data_scripts/fetch.py medmnist --subset organamnist --size 64 --dest DIR
    python data_scripts/fetch.py msd-brain --size 64 --dest DIR

Then run a chapter with ``GANCOURSE_DATA=ixi`` (or ``medmnist:organamnist``) and ``GANCOURSE_DATA_DIR=DIR``.
Downloads resume where they stopped (run the same command again) and are checked against the checksums in
the entries below before anything is extracted (``download.py``); what each checksum's source is, and what
is checked where none exists, is in data_scripts/README.md. Nothing in the book's default path calls this.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import sys
import tarfile
import tempfile
import zlib
from pathlib import Path

import nibabel as nib
import numpy as np
from tqdm.auto import tqdm

sys.path.insert(0, str(Path(__file__).resolve().parent))
from download import extract, fetch  # noqa: E402

try:
    import gancourse  # noqa: F401
except ImportError:  # run from a clone without installing it: use the clone's library
    sys.path.insert(1, str(Path(__file__).resolve().parents[1]))

from gancourse.data.axial import BELOW_TOP_MM, FOV_MM, axial_slices, head_grid, normalise  # noqa: E402
from gancourse.data.public import IXI_SPLIT_CODES, ixi_file, medmnist_file  # noqa: E402

HERE = Path(__file__).resolve().parent
IXI = {
    "page": "https://brain-development.org/ixi-dataset/",
    "base_url": "http://biomedic.doc.ic.ac.uk/brain-development/downloads/IXI",
    "licence": "CC BY-SA 3.0",
    "citation": "IXI - Information eXtraction from Images (EPSRC GR/S21533/02), https://brain-development.org/"
                "ixi-dataset/",
    # Not published by IXI: the MD5s TorchIO pins for the same files (torchio/datasets/ixi.py, IXI.md5_dict).
    "md5": {"t1": "34901a0593b41dd19c1a1f746eac2d58", "t2": "e3140d78730ecdd32ba92da48c0a9aaa",
            "pd": "88ecd9d1fa33cb4a2278183b42ffd749"},
}
MSD_BRAIN = {
    "page": "http://medicaldecathlon.com/",
    "url": "https://msd-for-monai.s3-us-west-2.amazonaws.com/Task01_BrainTumour.tar",
    # Not published by the Decathlon: the MD5 MONAI pins (monai/apps/datasets.py, DecathlonDataset.md5).
    "md5": "240a19d752f0d9e9101544901065d872",
    "licence": "CC BY-SA 4.0",
    "citation": "Antonelli et al., The Medical Segmentation Decathlon, Nature Communications 13, 4128 (2022); "
                "Simpson et al., arXiv:1902.09063 (2019); the BraTS data: Menze et al., IEEE TMI 34 (2015)",
    "channels": ("flair", "t1", "t1gd", "t2"),  # the 4th axis of imagesTr/BRATS_*.nii.gz (its dataset.json)
}
MEDMNIST = json.loads((HERE / "medmnist.json").read_text())
MEDMNIST_CITATION = ("Yang et al., MedMNIST v2 - A large-scale lightweight benchmark for 2D and 3D biomedical "
                     "image classification, Scientific Data 10, 41 (2023)")
MEDMNIST_KEYS = [f"{split}_{what}" for split in ("train", "val", "test") for what in ("images", "labels")]
IXI_NAME = re.compile(r"^(IXI\d{3}-[A-Za-z]+-\d{4})-(T1|T2|PD)\.nii\.gz$")


def _save_npz(path: Path, **arrays):
    """Written beside its final name, then renamed: an interrupted run never leaves half a file."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".npz")
    os.close(handle)
    try:
        np.savez_compressed(temporary, **arrays)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # as a plainly written file would be (mkstemp makes it private)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return path


def check_ixi_archive(archive: Path, modality: str) -> int:
    """Read every member to its end, through gzip's CRC (a truncated or corrupt archive fails), and check the
    members' names; return the number of volumes."""
    try:
        with tarfile.open(archive) as tar:
            names = []
            for member in tqdm(tar, desc=f"checking {archive.name}", unit="file", leave=False):
                if member.isfile():
                    names.append(member.name)
                    with gzip.GzipFile(fileobj=tar.extractfile(member)) as volume:
                        while volume.read(1 << 22):
                            pass
            end = tar.offset  # where the two zero blocks that end a tar must be: tarfile stops quietly
        with open(archive, "rb") as handle:  # at a cut-off header, so a cut at a member's end needs this
            handle.seek(end)
            marker = handle.read(1024)
        if len(marker) < 1024 or marker.strip(b"\0"):
            raise EOFError(f"no end-of-archive marker after the last complete member ({len(names)} of them)")
    except (tarfile.TarError, EOFError, OSError, zlib.error) as error:
        raise ValueError(f"{archive} is not a complete tar archive ({error}); delete it and fetch "
                         "again.") from error
    wrong = [n for n in names if not (IXI_NAME.match(Path(n).name) and n.endswith(f"-{modality.upper()}.nii.gz"))]
    if wrong or not names:
        raise ValueError(f"{archive} holds {len(names)} files, {len(wrong)} of them not named like IXI's "
                         f"IXI002-Guys-0828-{modality.upper()}.nii.gz (e.g. {wrong[:2]}): not IXI's archive.")
    return len(names)


def _volume(path: Path):
    """A NIfTI volume and its affine, after checking its header (3-D, usable affine) and its voxels."""
    try:
        image = nib.load(path)
        data = np.asarray(image.dataobj, dtype=np.float32)
    except Exception as error:
        raise ValueError(f"{path} is not a readable NIfTI file ({type(error).__name__}: {error}).") from error
    if data.ndim == 4 and data.shape[-1] == 1:
        data = data[..., 0]
    if data.ndim not in (3, 4) or not np.isfinite(image.affine).all() or \
            abs(np.linalg.det(image.affine[:3, :3])) < 1e-6:
        raise ValueError(f"{path}: shape {data.shape} and affine {image.affine.tolist()} are not a volume with "
                         "a usable header.")
    return data, image.affine


def _n_slices(size: int) -> int:
    """Slices between the two heights of BELOW_TOP_MM, as far apart as the pixels are wide."""
    return int(round((BELOW_TOP_MM[0] - BELOW_TOP_MM[1]) / (FOV_MM / size))) + 1


def _split(index: int) -> int:
    """Subjects in their sorted order: 8 of 10 train, then one val, one test."""
    return IXI_SPLIT_CODES["val"] if index % 10 == 8 else IXI_SPLIT_CODES["test"] if index % 10 == 9 else 0


def prepare_ixi(raw: Path, modalities, size: int, dest: Path) -> Path:
    """Axial slices of every subject that has all ``modalities``: the first one's head sets the grid (in mm),
    the others are sampled at the same mm through their own affines (an alignment by the headers, not a
    registration), each normalised by its head's 99.5th percentile. Writes ``ixi_<size>.npz``."""
    found = {}
    for modality in modalities:
        for path in sorted((raw / modality).rglob("*.nii.gz")):
            match = IXI_NAME.match(path.name)
            if match:
                found.setdefault(match.group(1), {})[modality] = path
    subjects = sorted(s for s, files in found.items() if len(files) == len(modalities))
    if not subjects:
        raise FileNotFoundError(f"no subject in {raw} has all of {modalities} (IXI names like "
                                "IXI002-Guys-0828-T1.nii.gz); fetch the archives first.")
    arrays = {m: [] for m in modalities}
    subject_index, split, level = [], [], []
    n_slices = _n_slices(size)
    for k, subject in enumerate(tqdm(subjects, desc=f"IXI slices at {size} px", unit="subject")):
        volumes = {m: _volume(found[subject][m]) for m in modalities}
        grid = head_grid(*volumes[modalities[0]], size=size, n_slices=n_slices)
        for m, (data, affine) in volumes.items():
            arrays[m].append(normalise(axial_slices(data, affine, grid)).astype(np.float16))
        subject_index += [k] * n_slices
        split += [_split(k)] * n_slices
        level += list(np.linspace(0, 1, n_slices))
    skipped = len(found) - len(subjects)
    print(f"{len(subjects)} subjects with {' and '.join(modalities)}; {skipped} without all of them skipped")
    path = _save_npz(ixi_file(dest, size), subjects=np.array(subjects), subject=np.array(subject_index, np.int32),
                     split=np.array(split, np.int8), level=np.array(level, np.float32),
                     **{m: np.concatenate(arrays[m]) for m in modalities})
    (dest / f"ixi_{size}.json").write_text(json.dumps(
        {"licence": IXI["licence"], "citation": IXI["citation"], "modalities": list(modalities),
         "size": size, "fov_mm": FOV_MM, "below_top_mm": BELOW_TOP_MM, "subjects": len(subjects),
         "alignment": f"{modalities[0]} sets the grid; the others are resampled by their NIfTI affines "
                      "(a rigid physical-space alignment from the headers, not an image registration)",
         "skull_stripped": False}, indent=1))
    return path


def fetch_ixi(dest, modalities=("t1", "t2"), size: int = 64, base_url: str = IXI["base_url"],
              pinned: bool = True) -> Path:
    dest = Path(dest)
    for modality in modalities:
        name = f"IXI-{modality.upper()}.tar"
        checksum = f"md5:{IXI['md5'][modality]}" if pinned else None
        archive = fetch(f"{base_url}/{name}", checksum, dest / "downloads" / name)
        count = check_ixi_archive(archive, modality)
        print(f"{name}: {'MD5 as TorchIO pins it, ' if pinned else ''}complete tar of {count} volumes")
        extract(archive, dest / "raw" / modality)
    return prepare_ixi(dest / "raw", list(modalities), size, dest)


def fetch_medmnist(dest, subset: str, size: int = 64, base_url: str | None = None) -> Path:
    """MedMNIST's own ``.npz`` (the chapters read it as it is), checked against the MD5 its package lists."""
    if subset not in MEDMNIST["subsets"]:
        raise ValueError(f"unknown MedMNIST subset {subset!r}; one of {', '.join(MEDMNIST['subsets'])}.")
    entry = MEDMNIST["subsets"][subset]
    if str(size) not in entry["files"]:
        raise ValueError(f"{subset} comes in sizes {', '.join(entry['files'])}; got {size}.")
    file = entry["files"][str(size)]
    url = file["url"] if base_url is None else f"{base_url}/{file['url'].rsplit('/', 1)[1]}"
    path = fetch(url, f"md5:{file['md5']}", medmnist_file(dest, subset, size))
    with np.load(path, allow_pickle=False) as data:
        missing = [k for k in MEDMNIST_KEYS if k not in data]
    if missing:
        raise ValueError(f"{path} lacks {missing}: not a MedMNIST file.")
    (Path(dest) / f"{subset}_info.json").write_text(json.dumps(
        {"label": entry["label"], "license": entry["license"], "task": entry["task"],
         "citation": MEDMNIST_CITATION, "md5": file["md5"], "source": MEDMNIST["source"]},
        indent=1, ensure_ascii=False))
    return path


def fetch_msd_brain(dest, size: int = 64, url: str = MSD_BRAIN["url"]) -> Path:
    """The Decathlon's brain tumour task (484 training cases: FLAIR, T1, T1 with gadolinium, T2, tumour labels
    1 oedema, 2 non-enhancing, 3 enhancing), as axial slices with a lesion mask (any label > 0)."""
    dest = Path(dest)
    archive = fetch(url, f"md5:{MSD_BRAIN['md5']}", dest / "downloads" / "Task01_BrainTumour.tar")
    root = extract(archive, dest / "raw" / "msd-brain") / "Task01_BrainTumour"
    cases = sorted((root / "imagesTr").glob("BRATS_*.nii.gz"))
    arrays, masks, subject = {c: [] for c in MSD_BRAIN["channels"]}, [], []
    n_slices = _n_slices(size)
    for k, path in enumerate(tqdm(cases, desc=f"MSD brain slices at {size} px", unit="case")):
        data, affine = _volume(path)
        label, label_affine = _volume(root / "labelsTr" / path.name)
        grid = head_grid(data[..., 0], affine, size=size, n_slices=n_slices, below_top_mm=(95.0, 15.0))
        for c, channel in enumerate(MSD_BRAIN["channels"]):
            arrays[channel].append(normalise(axial_slices(data[..., c], affine, grid)).astype(np.float16))
        masks.append(axial_slices(label, label_affine, grid, order=0) > 0)
        subject += [k] * n_slices
    return _save_npz(dest / f"msd_brain_{size}.npz", subjects=np.array([p.name for p in cases]),
                     subject=np.array(subject, np.int32), lesion_mask=np.concatenate(masks),
                     split=np.array([_split(s) for s in subject], np.int8),
                     **{c: np.concatenate(v) for c, v in arrays.items()})


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="the data sets, their licences and citations")
    ixi = commands.add_parser("ixi", help="IXI T1/T2/PD brain MRI (CC BY-SA 3.0)")
    ixi.add_argument("--modalities", nargs="+", default=["t1", "t2"], choices=["t1", "t2", "pd"])
    ixi.add_argument("--unpinned", action="store_true",
                     help="skip the MD5s TorchIO pins (IXI publishes none); tar and NIfTI checks still run")
    medmnist = commands.add_parser("medmnist", help="a MedMNIST v2 subset (CC BY 4.0; DermaMNIST CC BY-NC 4.0)")
    medmnist.add_argument("--subset", required=True, choices=sorted(MEDMNIST["subsets"]))
    commands.add_parser("msd-brain", help="Medical Segmentation Decathlon Task01, brain tumours (CC BY-SA 4.0)")
    for command in commands.choices.values():
        if command.prog.endswith("list"):
            continue
        command.add_argument("--size", type=int, default=64, help="image side in pixels")
        command.add_argument("--dest", type=Path, required=True, help="folder for downloads and prepared files")
    args = parser.parse_args(argv)
    if args.command == "list":
        print(f"ixi: {IXI['page']} ({IXI['licence']}); {IXI['citation']}")
        print(f"medmnist:<subset>: {MEDMNIST['record']} ({', '.join(sorted(MEDMNIST['subsets']))}); "
              f"{MEDMNIST_CITATION}")
        print(f"msd-brain: {MSD_BRAIN['page']} ({MSD_BRAIN['licence']}); {MSD_BRAIN['citation']}")
        return
    args.dest.mkdir(parents=True, exist_ok=True)
    try:
        if args.command == "ixi":
            path = fetch_ixi(args.dest, args.modalities, args.size, pinned=not args.unpinned)
            setting = "ixi"
        elif args.command == "medmnist":
            path, setting = fetch_medmnist(args.dest, args.subset, args.size), f"medmnist:{args.subset}"
        else:
            path, setting = fetch_msd_brain(args.dest, args.size), None
    except (ConnectionError, ValueError, FileNotFoundError) as error:
        sys.exit(f"fetch.py {args.command}: {error}")
    print(f"ready: {path}")
    if setting:
        print(f"run a chapter on it with GANCOURSE_DATA={setting} GANCOURSE_DATA_DIR={args.dest}")


if __name__ == "__main__":
    main()
