#!/usr/bin/env python
"""CTC head training on cached frozen-encoder outputs vs the encoder run at every step, per CPU core.

    tools/venv/bin/python tools/benchmarks/bench_cached_head.py [--seconds 20] [--utt_seconds 10] [--batch 8]
        [--scale cpu|paper] [--epochs 30] [--no-pin] [--threads 1]

The model is the ASR recipe's (egs2/librispeech/asr1 ``conf/train_asr_ctc_frozen.yaml``, or ``conf/paper/``
with ``--scale paper``). Rows:

* ``train on the fly``: forward + backward + Adam step of the fine-tuning model with its encoder frozen
  (eval mode, no encoder gradients) on batches of ``--batch`` utterances of ``--utt_seconds`` of fbank:
  what stage 6 runs with ``--cache_encoder false``;
* ``train cached, last`` / ``train cached, all``: the same head (``postencoder`` + CTC) on the encoder's
  outputs ([T', D], and every layer [T', L * D] through the ``layer_sum`` weights), the model stage 6
  builds with ``--cache_encoder true`` (``--encoder_layers last|all``);
* ``dump last`` / ``dump all``: the one-off cost, per utterance, of mmpt.bin.dump_encoded's work: the frozen
  encoder on one utterance at a time plus writing the ark (mmpt.features.ark).

Then the speed-up of a head training step, and of a whole training of ``--epochs`` epochs including the
dump (the dump is paid once per pack, and shared by every seed and every head that uses that pack).
Random features and weights: speed does not depend on them. Data loading is not measured (a cached
utterance is [T/4, D] float32 instead of [T, 80], smaller for D < 320).
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

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
import torch  # noqa: E402
from bench_asr_st import batch, build, load_conf, token_list  # noqa: E402

ROWS: List[Tuple[str, str, str]] = []


def train_rate(model: Any, b: Dict[str, torch.Tensor], seconds: float) -> Tuple[float, int]:
    """(utterances per second, steps) of forward + backward + Adam step on batch ``b``."""
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.Adam(params, lr=1e-4)
    model.train()
    model(**b)[0].backward()  # warm-up
    opt.zero_grad()
    steps, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds or steps < 2:
        model(**b)[0].backward()
        opt.step()
        opt.zero_grad()
        steps += 1
    return steps * b["speech"].shape[0] / (time.perf_counter() - t0), steps


def dump_rate(encoder: Any, layers: str, feats: List[np.ndarray], out: Path) -> float:
    """Utterances per second of encoding one at a time and writing the ark."""
    from mmpt.features.ark import ArkWriter

    encoder.encode(feats[0][:200], layers)  # warm-up
    t0 = time.perf_counter()
    with ArkWriter(out / f"{layers}.ark", out / f"{layers}.scp") as writer, torch.inference_mode():
        for i, f in enumerate(feats):
            writer.write(f"utt{i}", encoder.encode(f, layers))
    return len(feats) / (time.perf_counter() - t0)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seconds", type=float, default=20.0, help="time per training measurement")
    p.add_argument("--utt_seconds", type=float, default=10.0)
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--dump_utts", type=int, default=16)
    p.add_argument("--epochs", type=int, default=30, help="for the whole-training estimate (recipe: max_epoch)")
    p.add_argument("--scale", choices=["cpu", "paper"], default="cpu")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--no-pin", action="store_true")
    args = p.parse_args()
    logging.basicConfig(level=logging.WARNING)
    warnings.filterwarnings("ignore", category=FutureWarning)
    if not args.no_pin and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    torch.set_num_threads(args.threads)

    from mmpt.asr.encoder_outputs import FrozenEncoder
    from mmpt.asr.frozen import keep_frozen_in_eval
    from mmpt.asr.train_config import make_cached_train_config
    from mmpt.tasks.asr import FrozenEncoderASRTask

    sub = "conf/paper" if args.scale == "paper" else "conf"
    conf = load_conf(REPO / "egs2/librispeech/asr1" / sub / "train_asr_ctc_frozen.yaml")
    conf.pop("normalize", None)  # no statistics file here; global MVN costs nothing next to the encoder
    frames = int(args.utt_seconds * 100)
    tokens = max(1, int(args.utt_seconds * 8))
    vocab = len(token_list())
    tmp = Path(tempfile.mkdtemp(prefix="bench_cached_head_"))

    online, _, _ = build(FrozenEncoderASRTask, conf, tmp / "online")
    keep_frozen_in_eval(online)
    online.encoder.requires_grad_(False)
    fb = batch(args.batch, frames, tokens, vocab)
    frozen = FrozenEncoder(online.encoder, None, int(conf["input_size"]))
    n_states = frozen.num_states("all")
    dim = frozen.output_size

    rates: Dict[str, float] = {}
    rate, steps = train_rate(online, fb, args.seconds)
    rates["online"] = rate
    ROWS.append(("train on the fly", f"{rate:.2f} utt/s, {rate * args.utt_seconds:.1f} audio-s/s",
                 f"{steps} steps of {args.batch} x {args.utt_seconds:g} s"))
    feats = [x.numpy() for x in fb["speech"]]
    for layers in ("last", "all"):
        n = 1 if layers == "last" else n_states
        cached, _, _ = build(FrozenEncoderASRTask, make_cached_train_config(
            conf, {"num_layers": n, "dim": dim, "input_size": n * dim}), tmp / f"cached_{layers}")
        enc = torch.stack([torch.from_numpy(frozen.encode(f, layers)) for f in feats])
        cb = {**fb, "speech": enc, "speech_lengths": torch.full((len(feats),), enc.size(1), dtype=torch.long)}
        rate, steps = train_rate(cached, cb, args.seconds)
        rates[layers] = rate
        ROWS.append((f"train cached, {layers}", f"{rate:.2f} utt/s, {rate * args.utt_seconds:.1f} audio-s/s",
                     f"{steps} steps; input [{enc.size(1)}, {n} x {dim}]; speed-up x{rate / rates['online']:.1f}"))
    dump_feats = [feats[i % len(feats)] for i in range(args.dump_utts)]
    for layers in ("last", "all"):
        rate = dump_rate(frozen, layers, dump_feats, tmp)
        rates[f"dump_{layers}"] = rate
        size = sum(f.stat().st_size for f in tmp.glob(f"{layers}.ark")) / args.dump_utts
        ROWS.append((f"dump {layers}", f"{rate:.2f} utt/s, {rate * args.utt_seconds:.1f} audio-s/s",
                     f"{args.dump_utts} utterances, {size / 1e3:.0f} kB each "
                     f"(fbank: {frames * 80 * 4 / 1e3:.0f} kB)"))
    for layers in ("last", "all"):
        # seconds per utterance for a whole training of E epochs: E / online, vs 1 / dump + E / cached
        e = args.epochs
        online_s = e / rates["online"]
        cached_s = 1 / rates[f"dump_{layers}"] + e / rates[layers]
        ROWS.append((f"{e} epochs, {layers}", f"x{online_s / cached_s:.1f} faster",
                     f"{online_s:.2f} s/utt on the fly vs {cached_s:.2f} s/utt cached (dump included)"))

    print(f"\nCached-head benchmark: torch {torch.__version__}, {torch.get_num_threads()} thread(s), "
          f"{'pinned to one CPU' if not args.no_pin else 'not pinned'}, scale {args.scale}, "
          f"encoder {conf['encoder']} {len(online.encoder.encoders)} blocks x {dim}, head "
          f"{conf.get('postencoder')} {conf.get('postencoder_conf', {}).get('num_blocks', '-')} block(s)")
    width = max(len(r[0]) for r in ROWS)
    for name, value, note in ROWS:
        print(f"  {name:<{width}}  {value:<34} {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
