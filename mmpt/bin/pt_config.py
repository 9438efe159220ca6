"""Checks of a pre-training config for pt1/pt.sh.

    python -m mmpt.bin.pt_config info <config.yaml>
        "<objective> <video_encoder_conf.image_size>" (the objective, or its older name model_conf.pt_method)
    python -m mmpt.bin.pt_config check_init <init config.yaml> <init model .pth> <config.yaml> <fbank.yaml>
        whether a pre-training can continue from another one (same architecture and objective, an MAE
        decoder in the model, the same features); prints the statistics file of the one continued
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import List, Optional, Tuple

PROG = "python -m mmpt.bin.pt_config"
ARCHITECTURE_KEYS = ("input_size", "encoder", "encoder_conf", "video_encoder_conf", "mae_decoder_conf")


class ConfigError(Exception):
    """A config that the recipe cannot use (the message says why)."""


def config_info(path: str) -> Tuple[str, int]:
    """The objective a pre-training config trains and its video frame size (224 when unset)."""
    import yaml

    from mmpt.pretrain.objectives.config_name import objective_of

    try:
        with open(path, encoding="utf-8") as f:
            cfg = yaml.safe_load(f) or {}
        method = objective_of(cfg, where=path)
    except (OSError, yaml.YAMLError, ValueError) as exc:
        raise ConfigError(f"{path}: not a readable pre-training config ({exc})") from exc
    return method, (cfg.get("video_encoder_conf") or {}).get("image_size", 224)


def check_init(init_cfg: Path, model: Path, pt_config: Path, fbank: Path) -> str:
    """The statistics file of the pre-training ``init_cfg`` when ``pt_config`` can continue it from ``model``."""
    from mmpt.asr.train_config import fbank_differences
    from mmpt.pack.load import load_config, load_state_dict
    from mmpt.pack.read import load_pretrained
    from mmpt.pretrain.objectives.config_name import objective_of

    a, b = load_config(init_cfg), load_config(pt_config)
    for key in ARCHITECTURE_KEYS:
        if a.get(key) != b.get(key):
            raise ConfigError(f"{init_cfg} has another {key} than {pt_config}: {a.get(key)} != {b.get(key)}")
    if objective_of(a, str(init_cfg)) != objective_of(b, str(pt_config)):
        raise ConfigError(f"{init_cfg} was trained with another objective than {pt_config}")
    if not any(k.startswith("mae_decoder.") for k in load_state_dict(model)):
        raise ConfigError(f"{model} holds no MAE decoder (an --encoder_only pack?): give the pre-training experiment")
    init_fbank = init_cfg.parent / "fbank.yaml"
    if not init_fbank.is_file():
        raise ConfigError(f"{init_fbank} is missing: cannot check that the features are the pre-training's")
    diff = fbank_differences(fbank, init_fbank)
    if diff:
        raise ConfigError(f"{fbank} differs from the features of {init_cfg.parent}: " + "; ".join(diff))
    return str(load_pretrained(init_cfg).stats_file)


def get_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=PROG, description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("info", help="objective and video frame size").add_argument("config")
    init = sub.add_parser("check_init", help="can the config continue that pre-training?")
    for name in ("init_config", "init_model", "config", "fbank_conf"):
        init.add_argument(name, type=Path)
    return p


def main(argv: Optional[List[str]] = None) -> int:
    args = get_parser().parse_args(argv)
    from mmpt.data.errors import DataError

    try:
        if args.command == "info":
            method, size = config_info(args.config)
            print(method, size)
        else:
            print(check_init(args.init_config, args.init_model, args.config, args.fbank_conf))
    except (ConfigError, DataError) as exc:
        print(f"Error: {exc}" if args.command == "check_init" else str(exc), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
