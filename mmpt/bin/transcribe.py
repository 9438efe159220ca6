"""``mmpt-transcribe``: transcribe audio files or the audio tracks of video files with a trained ASR model.

    mmpt-transcribe --model_dir egs2/librispeech/asr1/exp/asr_x talk.mp4
    mmpt-transcribe --asr_train_config exp/asr_x/config.yaml --asr_model_file exp/asr_x/valid.loss.ave.pth \\
        --fbank_conf conf/fbank.yaml --decoding beam a.flac b.wav

One file: prints its transcript. Several: one ``<file><TAB><transcript>`` line each. A file that cannot be
read is reported on stderr (the exit status is then 1) and the others are still transcribed.
"""
from __future__ import annotations

import argparse
import contextlib
import logging
import sys
from pathlib import Path
from typing import List, Optional

from mmpt.data.errors import DataError
from mmpt.denormals import flush_denormals

PROG = "mmpt-transcribe"


def get_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=PROG, description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("files", nargs="+", help="audio or video files")
    p.add_argument("--model_dir", default="", help="ASR experiment dir (config.yaml + model file)")
    p.add_argument("--asr_train_config", default="")
    p.add_argument("--asr_model_file", default="")
    p.add_argument("--fbank_conf", default="", help="default: fbank.yaml beside the config")
    p.add_argument("--decoding", choices=["greedy", "beam"], default="greedy")
    p.add_argument("--beam_size", type=int, default=10)
    p.add_argument("--chunk_seconds", type=float, default=30.0, help="longer audio is decoded in pieces")
    p.add_argument("--ngpu", type=int, default=0)
    return p


def main(argv: Optional[List[str]] = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = get_parser().parse_args(argv)
    flush_denormals()
    # stdout carries only transcripts: what espnet prints while loading (e.g. about flash attention) goes
    # to stderr
    with contextlib.redirect_stdout(sys.stderr):
        code = _load(args)
    if not isinstance(code, int):
        return _transcribe(args, code)
    return code


def _load(args: argparse.Namespace):
    """The Transcriber, or an exit status when it cannot be built."""
    from mmpt.asr.recognizer import _device
    from mmpt.asr.transcribe import Transcriber
    from mmpt.pack.layout import find_model_file

    try:
        if args.model_dir:
            config = args.asr_train_config or str(Path(args.model_dir) / "config.yaml")
            model = args.asr_model_file or str(find_model_file(args.model_dir))
        elif args.asr_train_config and args.asr_model_file:
            config, model = args.asr_train_config, args.asr_model_file
        else:
            print(f"{PROG}: error: give --model_dir, or --asr_train_config and --asr_model_file", file=sys.stderr)
            return 2
        return Transcriber(config, model, fbank_conf=args.fbank_conf or None, decoding=args.decoding,
                           beam_size=args.beam_size, device=_device(args.ngpu), chunk_seconds=args.chunk_seconds)
    except DataError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 1


def _transcribe(args: argparse.Namespace, t) -> int:
    failed = 0
    for f in args.files:
        try:
            text = t(f)
        except DataError as exc:
            print(f"{PROG}: error: {exc}", file=sys.stderr)
            failed += 1
            continue
        print(text if len(args.files) == 1 else f"{f}\t{text}", flush=True)
    if failed:
        print(f"{PROG}: {failed} of {len(args.files)} file(s) could not be transcribed", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
