#!/usr/bin/env python
"""Training throughput and decoding speed of the ASR (CTC, frozen encoder) and ST models, per CPU core.

    tools/venv/bin/python tools/benchmarks/bench_asr_st.py [--seconds 20] [--utt_seconds 10] [--batch 8]
        [--scale cpu|paper] [--asr_exp egs2/librispeech/asr1/exp/asr_x] [--st_exp egs2/must_c/st1/exp/st_x]
        [--no-pin] [--threads 1]

Sections:

* training: forward + backward + Adam step of the recipes' models on batches of ``--batch`` utterances
  of ``--utt_seconds`` of 80-dim fbank (random features, 8 tokens per second), for about ``--seconds``;
  as utterances/s and audio-seconds/s. ASR: ``conf/train_asr_ctc_frozen.yaml`` of egs2/librispeech/asr1
  with the encoder frozen (in eval mode, no encoder gradients), i.e. the paper's fine-tuning; ST:
  ``conf/train_st.yaml`` of egs2/must_c/st1 (everything trained), i.e. mid-training. ``--scale paper``
  uses the ``conf/paper/`` configs (16-layer encoder).
* decoding: real-time factor (decoding seconds / audio seconds) of CTC greedy (batched), CTC prefix beam
  search (beam 10) and ST beam search (beam 5), on the test utterances. With ``--asr_exp``/``--st_exp``
  the trained models of those experiments decode their own ``dump/fbank/<first test set>``; otherwise
  randomly initialised models decode random features, where the beam searches run to their length limit
  (worst case: ``maxlenratio`` 0.3 for ST).

Torch runs ``--threads`` threads (1 by default) and, unless ``--no-pin``, the process is pinned to one CPU:
the figures are per core.
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any, Dict, List, Tuple

import numpy as np

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

import torch  # noqa: E402
import yaml  # noqa: E402

ROWS: List[Tuple[str, str, str]] = []
CHARS = list("abcdefghijklmnopqrstuvwxyz'") + ["<space>"]


def token_list() -> List[str]:
    return ["<blank>", "<unk>", *CHARS, "<sos/eos>"]


def load_conf(path: Path) -> Dict[str, Any]:
    return yaml.safe_load(path.read_text())


def build(task: Any, conf: Dict[str, Any], out: Path) -> Tuple[Any, Path, Path]:
    """Model of ``task`` from ``conf`` (char tokens, random init); saved as config.yaml + model.pth in ``out``."""
    from espnet2.utils.yaml_no_alias_safe_dump import yaml_no_alias_safe_dump

    out.mkdir(parents=True, exist_ok=True)
    cfg_in = out / "in.yaml"
    conf = {k: v for k, v in conf.items() if k not in ("init_param", "freeze_param")}
    cfg_in.write_text(yaml.safe_dump(conf))
    argv = ["--config", str(cfg_in), "--token_type", "char", "--token_list", "\n".join(token_list()),
            "--output_dir", str(out)]
    parser = task.get_parser()
    args = parser.parse_args(argv)
    args.token_list = token_list()
    if getattr(args, "src_token_list", "x") is None and task.__name__ == "STTask":
        args.src_token_list = token_list()
        args.src_token_type = "char"
    model = task.build_model(args)
    with open(out / "config.yaml", "w") as f:
        yaml_no_alias_safe_dump(vars(args), f, indent=4, sort_keys=False)
    torch.save(model.state_dict(), out / "model.pth")
    return model, out / "config.yaml", out / "model.pth"


def batch(n: int, frames: int, tokens: int, vocab: int) -> Dict[str, torch.Tensor]:
    g = torch.Generator().manual_seed(0)
    return {
        "speech": torch.randn(n, frames, 80, generator=g) * 3 + 8,
        "speech_lengths": torch.full((n,), frames, dtype=torch.long),
        "text": torch.randint(2, vocab - 1, (n, tokens), generator=g),
        "text_lengths": torch.full((n,), tokens, dtype=torch.long),
    }


def train_speed(name: str, model: Any, b: Dict[str, torch.Tensor], seconds: float, utt_seconds: float) -> None:
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.Adam(params, lr=1e-4)
    model.train()
    model(**b)[0].backward()  # warm-up
    opt.zero_grad()
    steps, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds or steps < 2:
        loss = model(**b)[0]
        loss.backward()
        opt.step()
        opt.zero_grad()
        steps += 1
    dt = time.perf_counter() - t0
    n = steps * b["speech"].shape[0]
    trainable = sum(p.numel() for p in params) / 1e6
    total = sum(p.numel() for p in model.parameters()) / 1e6
    ROWS.append((f"train {name}", f"{n / dt:.2f} utt/s, {n * utt_seconds / dt:.1f} audio-s/s",
                 f"{steps} steps of {b['speech'].shape[0]} x {utt_seconds:g} s; "
                 f"{trainable:.2f}M of {total:.2f}M parameters trained"))


def decode_rtf(name: str, decoder: Any, feats: List[np.ndarray], batch_size: int) -> None:
    decoder.recognize([feats[0][:200]])  # warm-up
    t0 = time.perf_counter()
    for i in range(0, len(feats), batch_size):
        decoder.recognize(feats[i: i + batch_size])
    dt = time.perf_counter() - t0
    audio = sum(f.shape[0] for f in feats) / 100.0
    ROWS.append((f"decode {name}", f"RTF {dt / audio:.4f}", f"{len(feats)} utterances, {audio:.1f} s of audio"))


def test_feats(exp: Any, n: int, frames: int) -> List[np.ndarray]:
    if exp is None:
        g = np.random.default_rng(0)
        return [(g.normal(size=(frames, 80)) * 3 + 8).astype(np.float32) for _ in range(n)]
    from mmpt.features.ark import load_scp

    recipe = exp.resolve().parents[1]
    scps = sorted((recipe / "dump" / "fbank").glob("*/feats.scp"))
    tests = [s for s in scps if "test" in s.parent.name or "tst" in s.parent.name] or scps
    feats = load_scp(tests[0])
    return [feats[k] for k in list(feats)[:n]]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seconds", type=float, default=20.0, help="time per training measurement")
    p.add_argument("--utt_seconds", type=float, default=10.0)
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--decode_utts", type=int, default=4)
    p.add_argument("--scale", choices=["cpu", "paper"], default="cpu")
    p.add_argument("--asr_exp", type=Path, default=None)
    p.add_argument("--st_exp", type=Path, default=None)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--no-pin", action="store_true")
    args = p.parse_args()
    logging.basicConfig(level=logging.WARNING)
    warnings.filterwarnings("ignore", category=FutureWarning)
    logging.getLogger("espnet.nets.beam_search").setLevel(logging.ERROR)  # length-limit warnings of random models
    if not args.no_pin and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    torch.set_num_threads(args.threads)

    from espnet2.tasks.st import STTask

    from mmpt.asr.frozen import keep_frozen_in_eval
    from mmpt.asr.recognizer import Recognizer
    from mmpt.st.translator import Translator
    from mmpt.tasks.asr import FrozenEncoderASRTask

    sub = "conf/paper" if args.scale == "paper" else "conf"
    asr_conf = load_conf(REPO / "egs2/librispeech/asr1" / sub / "train_asr_ctc_frozen.yaml")
    st_conf = load_conf(REPO / "egs2/must_c/st1" / sub / "train_st.yaml")
    frames = int(args.utt_seconds * 100)
    tokens = max(1, int(args.utt_seconds * 8))
    tmp = Path(tempfile.mkdtemp(prefix="bench_asr_st_"))

    asr, asr_cfg, asr_pth = build(FrozenEncoderASRTask, asr_conf, tmp / "asr")
    keep_frozen_in_eval(asr)
    for n, prm in asr.named_parameters():
        if n.startswith("encoder."):
            prm.requires_grad = False
    train_speed(f"ASR CTC, frozen encoder ({args.scale})", asr,
                batch(args.batch, frames, tokens, len(token_list())), args.seconds, args.utt_seconds)
    st, st_cfg, st_pth = build(STTask, st_conf, tmp / "st")
    train_speed(f"ST ({args.scale})", st, batch(args.batch, frames, tokens, len(token_list())), args.seconds,
                args.utt_seconds)
    del asr, st

    if args.asr_exp is not None:
        from mmpt.pack.layout import find_model_file

        asr_cfg, asr_pth = args.asr_exp / "config.yaml", find_model_file(args.asr_exp)
    feats = test_feats(args.asr_exp, args.decode_utts, frames)
    decode_rtf("ASR CTC greedy", Recognizer(asr_cfg, asr_pth, decoding="greedy"), feats, 16)
    decode_rtf("ASR CTC beam 10", Recognizer(asr_cfg, asr_pth, decoding="beam", beam_size=10), feats, 1)
    if args.st_exp is not None:
        from mmpt.pack.layout import find_model_file

        st_cfg, st_pth = args.st_exp / "config.yaml", find_model_file(args.st_exp)
    feats = test_feats(args.st_exp, args.decode_utts, frames)
    maxlen = 0.0 if args.st_exp is not None else 0.3
    decode_rtf(f"ST beam 5 (maxlenratio {maxlen})", Translator(st_cfg, st_pth, beam_size=5, maxlenratio=maxlen),
               feats, 1)

    print(f"\nASR/ST benchmark: torch {torch.__version__}, {torch.get_num_threads()} thread(s), "
          f"{'pinned to one CPU' if not args.no_pin else 'not pinned'}, scale {args.scale}, "
          f"{'trained' if args.asr_exp else 'random'} ASR / {'trained' if args.st_exp else 'random'} ST for decoding")
    width = max(len(r[0]) for r in ROWS)
    for name, value, note in ROWS:
        print(f"  {name:<{width}}  {value:<34} {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
