"""Score every decoding of an experiment and write its ``RESULTS.md`` (ESPnet style).

``score_experiment(exp_dir, ref_dir, sets, metric)`` finds ``<exp_dir>/decode_*/<set>/text``, scores it
against ``<ref_dir>/<set>/<ref_name>`` (WER with alignments or BLEU), writes
``<exp_dir>/decode_*/<set>/score_{wer,bleu}/result.txt`` (and ``result.json``: the numbers) and returns
the table rows; ``write_results`` turns them into ``RESULTS.md`` with the environment, the training
set-up and the real-time factors.
"""
from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Union

import yaml

from mmpt.data.datadir import read_kv
from mmpt.data.errors import DataError
from mmpt.report.environment import environment_block

logger = logging.getLogger(__name__)

PathLike = Union[str, Path]
METRICS = ("wer", "bleu")


@dataclass
class Row:
    decode: str  # decode dir name
    dataset: str
    numbers: Dict[str, Any]
    rtf: Optional[float]
    result_file: Path


def _read_map(path: Path) -> Dict[str, str]:
    if not path.is_file():
        raise DataError(path, "file not found")
    return read_kv(path) if path.stat().st_size else {}


def score_experiment(
    exp_dir: PathLike, ref_dir: PathLike, sets: Sequence[str], metric: str = "wer", ref_name: str = "text",
) -> List[Row]:
    """Score ``<exp_dir>/decode_*/<set>/text`` for every set; missing decodings are reported and skipped."""
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {METRICS}")
    exp, refs_root = Path(exp_dir), Path(ref_dir)
    rows: List[Row] = []
    decode_dirs = sorted(d for d in exp.glob("decode_*") if d.is_dir())
    if not decode_dirs:
        raise DataError(exp, "no decode_* directory: run the decoding stage first")
    for d in decode_dirs:
        for s in sets:
            hyp_file = d / s / "text"
            if not hyp_file.is_file():
                logger.warning("%s: no decoding of %s (skipped)", d, s)
                continue
            ref_file = refs_root / s / ref_name
            refs, hyps = _read_map(ref_file), _read_map(hyp_file)
            if metric == "wer":
                from mmpt.scoring.wer import char_errors, score_wer, wer_table, write_result, write_utt_errors

                res = score_wer(refs, hyps, where=str(hyp_file))
                out = write_result(res, d / s / "score_wer", ref_file=str(ref_file), hyp_file=str(hyp_file))
                chars = char_errors(refs, hyps)
                write_utt_errors(res, chars, out.parent)
                numbers = wer_table(res)
                n_chars = sum(c[1] for c in chars.values())
                numbers["cer"] = 100.0 * sum(c[0] for c in chars.values()) / max(n_chars, 1)
            else:
                from mmpt.scoring.bleu import score_bleu
                from mmpt.scoring.bleu import write_result as write_bleu

                b = score_bleu(refs, hyps, where=str(hyp_file))
                out = write_bleu(b, d / s / "score_bleu", ref_file=str(ref_file), hyp_file=str(hyp_file))
                numbers = {"snt": len(b.pairs), "bleu": b.bleu, "chrf": b.chrf, "signature": b.bleu_signature}
            stats_file = d / s / "decode_stats.yaml"
            rtf = None
            if stats_file.is_file():
                rtf = (yaml.safe_load(stats_file.read_text()) or {}).get("rtf")
            # the numbers for programs (result tables): <score dir>/result.json
            (out.parent / "result.json").write_text(
                json.dumps({"metric": metric, "decode": d.name, "dataset": s, **numbers, "rtf": rtf}, indent=1) + "\n")
            rows.append(Row(d.name, s, numbers, rtf, out))
    if not rows:
        raise DataError(exp, f"no decoding of the sets {' '.join(sets)} under decode_*/")
    return rows


def _setup(exp: Path) -> str:
    cfg_file = exp / "config.yaml"
    if not cfg_file.is_file():
        return ""
    cfg = yaml.safe_load(cfg_file.read_text(encoding="utf-8")) or {}
    enc = cfg.get("encoder_conf") or {}
    encoded = exp / "encoded.yaml"  # the head was trained on cached outputs of a frozen encoder
    if encoded.is_file():
        meta = yaml.safe_load(encoded.read_text(encoding="utf-8")) or {}
        parts = [f"- frozen encoder: `{meta.get('pretrained_encoder')}` (`{meta.get('encoder')}`, outputs cached "
                 f"once per utterance: {meta.get('layers')} layers, {meta.get('num_layers')} x {meta.get('dim')} "
                 f"dims, through `{cfg.get('encoder')}`)"]
    else:
        parts = [f"- encoder: `{cfg.get('encoder')}` ({enc.get('num_blocks', '?')} blocks, "
                 f"{enc.get('output_size', '?')} dims)"]
    if cfg.get("init_param"):
        parts.append(f"- initialised from: `{', '.join(map(str, cfg['init_param']))}`")
    parts.append(f"- frozen: `{', '.join(cfg.get('freeze_param') or []) or 'nothing'}`")
    if cfg.get("postencoder"):
        parts.append(f"- head: `{cfg['postencoder']}` {cfg.get('postencoder_conf') or {}}")
    if cfg.get("decoder"):
        parts.append(f"- decoder: `{cfg['decoder']}` {cfg.get('decoder_conf') or {}}")
    parts.append(f"- token type: `{cfg.get('token_type')}`, {len(cfg.get('token_list') or [])} tokens")
    parts.append(f"- max_epoch: `{cfg.get('max_epoch')}`, normalize: `{cfg.get('normalize')}` "
                 f"{(cfg.get('normalize_conf') or {}).get('stats_file', '')}")
    return "\n".join(parts)


def write_results(exp_dir: PathLike, rows: Sequence[Row], metric: str, out: Optional[PathLike] = None) -> Path:
    """Write ``RESULTS.md`` (default ``<exp_dir>/RESULTS.md``); returns its path."""
    exp = Path(exp_dir)
    out_path = Path(out) if out else exp / "RESULTS.md"
    lines = ["<!-- Generated by mmpt.scoring.results: do not edit by hand -->", "# RESULTS",
             environment_block(), "", f"## {exp.name}", _setup(exp), ""]
    if metric == "wer":
        lines += ["### WER", "", "|dataset|Snt|Wrd|Corr|Sub|Del|Ins|Err|S.Err|CER|RTF|",
                  "|---|---|---|---|---|---|---|---|---|---|---|"]
        for r in rows:
            n = r.numbers
            lines.append(f"|{r.decode}/{r.dataset}|{n['snt']}|{n['wrd']}|{n['corr']:.1f}|{n['sub']:.1f}|"
                         f"{n['del']:.1f}|{n['ins']:.1f}|{n['err']:.1f}|{n['serr']:.1f}|{n.get('cer', math.nan):.1f}|"
                         f"{'' if r.rtf is None else f'{r.rtf:.4f}'}|")
    else:
        lines += ["### BLEU", "", "|dataset|Snt|BLEU|chrF|RTF|", "|---|---|---|---|---|"]
        for r in rows:
            n = r.numbers
            lines.append(f"|{r.decode}/{r.dataset}|{n['snt']}|{n['bleu']:.2f}|{n['chrf']:.2f}|"
                         f"{'' if r.rtf is None else f'{r.rtf:.4f}'}|")
        sigs = sorted({r.numbers["signature"] for r in rows})
        lines += ["", "sacrebleu signature: " + "; ".join(f"`{s}`" for s in sigs)]
    lines += ["", "Per-utterance details: `<decode dir>/<dataset>/score_" + metric + "/result.txt`.", ""]
    out_path.write_text("\n".join(lines), encoding="utf-8")
    return out_path
