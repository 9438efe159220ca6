"""Shape files of an audio-visual pre-training set (pt1/pt.sh stage 4).

    python -m mmpt.bin.av_shapes <feats_shape> <video_shape | ""> <out dir>

espnet2's dataset reads every data file for every key of the shape file: the shapes written to
<out dir>/{speech,video}_shape list only the clips present in both dumps (one dump may have excluded a clip
the other kept); with no video shape file (audio alone) speech_shape lists every clip and no video_shape
is left. A file whose content would not change is not rewritten.
"""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Dict, List, Optional, Sequence

PROG = "python -m mmpt.bin.av_shapes"
log = logging.getLogger("pt.sh")


class ShapeError(Exception):
    """No clip to train on."""


def _write_shape(path: Path, table: Dict[str, str], keys: Sequence[str]) -> bool:
    from mmpt.data.files import write_if_changed

    return write_if_changed(path, "".join(f"{k} {table[k]}\n" for k in keys))


def write_shapes(speech_file: Path, video_file: Optional[Path], out: Path) -> str:
    """Write the shape files into ``out``; returns the summary line the recipe prints."""
    from mmpt.data.datadir import read_kv

    speech = read_kv(speech_file)
    if video_file is None:
        if not speech:
            raise ShapeError(f"{speech_file} lists no utterance")
        out.mkdir(parents=True, exist_ok=True)
        (out / "video_shape").unlink(missing_ok=True)
        written = _write_shape(out / "speech_shape", speech, sorted(speech))
        return f"{out}: {len(speech)} utterances with audio ({'written: speech_shape' if written else 'up to date'})"
    video = read_kv(video_file)
    both = sorted(set(speech) & set(video))
    for table, path, other in ((speech, speech_file, video_file), (video, video_file, speech_file)):
        alone = sorted(set(table) - set(both))
        if alone:
            log.warning("%d clip(s) of %s are not in %s and are left out of training, e.g. %s",
                        len(alone), path, other, alone[0])
    if not both:
        raise ShapeError(f"{speech_file} and {video_file} have no utterance in common")
    out.mkdir(parents=True, exist_ok=True)
    written = [name for name, table in (("speech_shape", speech), ("video_shape", video))
               if _write_shape(out / name, table, both)]
    state = f"written: {' '.join(written)}" if written else "up to date"
    return f"{out}: {len(both)} clips with audio and video ({state})"


def get_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=PROG, description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("feats_shape", type=Path, help="the fbank dump's feats_shape")
    p.add_argument("video_shape", help='the video dump\'s video_shape ("": audio alone)')
    p.add_argument("out", type=Path, help="where speech_shape (and video_shape) go")
    return p


def main(argv: Optional[List[str]] = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s pt.sh: %(message)s")
    args = get_parser().parse_args(argv)
    from mmpt.data.errors import DataError

    video = Path(args.video_shape) if args.video_shape else None
    try:
        summary = write_shapes(args.feats_shape, video, args.out)
    except (ShapeError, DataError) as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
