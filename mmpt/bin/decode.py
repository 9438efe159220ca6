"""Decode fbank feature sets with a trained ASR (CTC greedy / beam) or ST (beam) model.

    python -m mmpt.bin.decode --task asr --train_config exp/asr_x/config.yaml \\
        --model_file exp/asr_x/valid.loss.ave.pth \\
        --decode_config conf/decode_asr_greedy.yaml --decode_config conf/decode_asr_beam.yaml \\
        --set 'dump/fbank/test_clean/feats.scp=exp/asr_x/decode_{tag}/test_clean' --set ...

Each --decode_config decodes every --set; ``{tag}`` in an output dir is the config's name without
``.yaml`` and a leading ``decode_`` (asr_greedy, asr_beam). Without --decode_config the defaults and
command-line options make one decoding (tag ``default``). Decode config keys (yaml; command-line options
override them): decoding (asr: greedy | beam), beam_size, penalty, batch_size (greedy batches),
maxlenratio, minlenratio (st). Writes per set text, token, score, decode_stats.yaml (real-time factor);
an unchanged set is skipped. The model is loaded once per decode config.
"""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import yaml

from mmpt.data.errors import DataError
from mmpt.denormals import flush_denormals

PROG = "python -m mmpt.bin.decode"
DEFAULTS: Dict[str, Any] = {"decoding": "greedy", "beam_size": 10, "penalty": 0.0, "batch_size": 16,
                            "maxlenratio": 0.0, "minlenratio": 0.0}


def get_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=PROG, description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--task", choices=["asr", "st"], required=True)
    p.add_argument("--train_config", required=True)
    p.add_argument("--model_file", required=True)
    p.add_argument("--decode_config", action="append", default=[], help="yaml with the keys above (repeatable)")
    p.add_argument("--set", dest="sets", action="append", required=True, help="<feats.scp>=<out dir> (repeatable)")
    p.add_argument("--ngpu", type=int, default=0)
    p.add_argument("--num_threads", type=int, default=0, help="torch threads (0: torch's default)")
    p.add_argument("--frame_shift_ms", type=float, default=10.0, help="for the audio duration in the RTF")
    for k, v in DEFAULTS.items():
        p.add_argument(f"--{k}", type=type(v), default=None, help=f"(default {v})")
    return p


def config_tag(path: str) -> str:
    stem = Path(path).name
    for suffix in (".yaml", ".yml"):
        if stem.endswith(suffix):
            stem = stem[: -len(suffix)]
    return stem[len("decode_"):] if stem.startswith("decode_") and stem != "decode_" else stem


def decode_options(args: argparse.Namespace, decode_config: str) -> Dict[str, Any]:
    opts = dict(DEFAULTS)
    if args.task == "st":
        opts["decoding"] = "beam"
    if decode_config:
        path = Path(decode_config)
        if not path.is_file():
            raise DataError(path, "decode config not found")
        conf = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        unknown = sorted(set(conf) - set(DEFAULTS))
        if unknown:
            raise DataError(path, f"unknown decode option(s) {unknown}; known: {sorted(DEFAULTS)}")
        opts.update(conf)
    for k in DEFAULTS:
        if getattr(args, k) is not None:
            opts[k] = getattr(args, k)
    if args.task == "st" and opts["decoding"] != "beam":
        raise DataError(decode_config or "<options>", "ST decoding is beam search only (decoding: beam)")
    return opts


def _decode(args: argparse.Namespace, opts: Dict[str, Any], pairs: List[Tuple[Path, Path]]) -> None:
    """Decode ``pairs`` with one set of options; the model is loaded only when a set needs decoding."""
    from mmpt.asr.decode import decode_set, fingerprint
    from mmpt.asr.recognizer import _device

    stamps = {scp: fingerprint([args.train_config, args.model_file], {**opts, "task": args.task}, scp)
              for scp, _ in pairs}
    todo = [out for scp, out in pairs
            if not ((out / ".done").is_file() and (out / ".done").read_text().strip() == stamps[scp])]
    decoder = None
    if todo:
        device = _device(args.ngpu)
        if args.task == "asr":
            from mmpt.asr.recognizer import Recognizer

            decoder = Recognizer(args.train_config, args.model_file, decoding=opts["decoding"],
                                 beam_size=opts["beam_size"], penalty=opts["penalty"], device=device)
        else:
            from mmpt.st.translator import Translator

            decoder = Translator(args.train_config, args.model_file, beam_size=opts["beam_size"],
                                 penalty=opts["penalty"], maxlenratio=opts["maxlenratio"],
                                 minlenratio=opts["minlenratio"], device=device)
    for scp, out in pairs:
        stats = decode_set(decoder, scp, out, batch_size=opts["batch_size"],
                           frame_shift_s=args.frame_shift_ms / 1000.0, stamp=stamps[scp])
        state = "up to date" if stats.up_to_date else "decoded"
        print(f"{out}: {state}: {stats.utterances} utterances, {stats.audio_seconds:.1f} s of audio, "
              f"RTF {stats.rtf:.4f} ({stats.decoding}, {stats.threads} threads, {stats.device})", flush=True)


def main(argv: Optional[List[str]] = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    args = get_parser().parse_args(argv)
    flush_denormals()
    for name in ("espnet", "espnet2"):  # the beam search logs every hypothesis at INFO
        logging.getLogger(name).setLevel(logging.WARNING)
    # ... and warns about every hypothesis that reaches the length limit (maxlenratio)
    logging.getLogger("espnet.nets.beam_search").setLevel(logging.ERROR)
    import torch

    from mmpt.asr.decode import parse_pairs

    try:
        if args.num_threads > 0:
            torch.set_num_threads(args.num_threads)
        for conf in args.decode_config or [""]:
            tag = config_tag(conf) if conf else "default"
            opts = decode_options(args, conf)
            pairs = parse_pairs([s.replace("{tag}", tag) for s in args.sets])
            _decode(args, opts, pairs)
    except DataError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
