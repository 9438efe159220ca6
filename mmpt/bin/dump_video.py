"""``mmpt-dump-video``: the clips of a data dir's video.scp -> the compressed clip store (or raw .npy frames).

Example::

    mmpt-dump-video --nj 4 --fps 25 --size 224 data/train dump/video/train          # short-GOP H.264, first 10 s
    mmpt-dump-video --format npy --size 256 --num_frames 64 data/train dump/video/train   # raw uint8 frames

Writes ``video.scp`` (utt -> .mp4 of the store, or .npy of [T, H, W, 3]), ``video_shape``, ``excluded.txt``
(clips that cannot be used, with the reason) and the data dir's files for the clips that were dumped.
Re-running skips finished jobs; an interrupted h264 job resumes at the clip it had reached.
"""
from __future__ import annotations

import argparse
import sys
from typing import List, Optional

from mmpt.bin._jobs_cli import add_job_arguments, cli_main, dump_summary, job_options, parse_size, positive_int

PROG = "mmpt-dump-video"


def get_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data_dir", help="Kaldi data dir with video.scp")
    parser.add_argument("out_dir", help="dump dir, e.g. dump/video/train")
    parser.add_argument("--fps", type=float, default=25.0,
                        help="re-time clips to this frame rate; 0 keeps the native rate (default: %(default)s)")
    parser.add_argument("--size", type=parse_size, default=None,
                        help="N (shorter side, aspect kept) or HxW; default: native size")
    parser.add_argument("--format", choices=("h264", "npy"), default="h264",
                        help="h264: the compressed clip store; npy: raw uint8 frames (default: %(default)s)")
    parser.add_argument("--max_seconds", type=float, default=10.0,
                        help="h264: keep the first N seconds; 0 keeps all (default: %(default)s)")
    parser.add_argument("--crf", type=int, default=23,
                        help="h264: x264 quality, lower is better (default: %(default)s)")
    parser.add_argument("--gop_seconds", type=float, default=1.0,
                        help="h264: a keyframe every N seconds (default: %(default)s)")
    parser.add_argument("--preset", default="medium", help="h264: x264 preset (default: %(default)s)")
    parser.add_argument("--num_frames", type=positive_int, default=None, help="npy: frames per clip (default: all)")
    parser.add_argument("--stride", type=positive_int, default=1, help="npy: temporal stride (default: %(default)s)")
    add_job_arguments(parser)
    return parser


def _run(args: argparse.Namespace) -> int:
    from mmpt.features.video_dump import dump_video

    result = dump_video(
        args.data_dir, args.out_dir, fps=args.fps or None, size=args.size,
        num_frames=args.num_frames, stride=args.stride, format=args.format,
        max_seconds=args.max_seconds or None, crf=args.crf, gop_seconds=args.gop_seconds, preset=args.preset,
        **job_options(args),
    )
    print(dump_summary(result.out_dir, result, "clips"))
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    return cli_main(PROG, get_parser, _run, argv)


if __name__ == "__main__":
    sys.exit(main())
