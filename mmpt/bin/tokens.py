"""Sentencepiece token units for espnet2 training (stages "token list" and "shape files" of the recipes).

``train``: a sentencepiece model on the texts of one or more ``utt text`` files and its espnet2 token list::

    python -m mmpt.bin.tokens train --text dump/fbank/train/text --nbpe 5000 --bpemode unigram \\
        --out_dir data/token_list/bpe_unigram5000
    -> <out_dir>/bpe.model, bpe.vocab, tokens.txt   (skipped when the texts and options did not change)

``shapes``: espnet2 shape files (``utt <num tokens>,<vocab>``) of texts, for ``--*_shape_file``::

    python -m mmpt.bin.tokens shapes --bpemodel <dir>/bpe.model --token_list <dir>/tokens.txt \\
        --pair dump/fbank/train/text=exp/asr_stats/train/text_shape.bpe --pair ...
"""
from __future__ import annotations

import argparse
import hashlib
import json
import logging
import sys
from pathlib import Path
from typing import List, Optional

from mmpt.data.errors import DataError

logger = logging.getLogger(__name__)
PROG = "python -m mmpt.bin.tokens"


def _fingerprint(files: List[Path], options: dict) -> str:
    h = hashlib.sha256(json.dumps(options, sort_keys=True).encode())
    for f in files:
        h.update(str(f).encode() + b"\0" + f.read_bytes())
    return h.hexdigest()


def cmd_train(args: argparse.Namespace) -> int:
    from mmpt.text.tokens import iter_sentences, token_list_from_model, train_sentencepiece, write_token_list

    out = Path(args.out_dir)
    texts = [Path(t) for t in args.text]
    for t in texts:
        if not t.is_file():
            raise DataError(t, "text file not found (run the feature dump stage first)")
    options = {"nbpe": args.nbpe, "bpemode": args.bpemode, "character_coverage": args.character_coverage,
               "user_defined_symbols": args.user_defined_symbols, "version": 1}
    stamp = _fingerprint(texts, options)
    model, tokens, stamp_file = out / "bpe.model", out / "tokens.txt", out / ".stamp"
    if model.is_file() and tokens.is_file() and stamp_file.is_file() and stamp_file.read_text().strip() == stamp:
        print(f"{out}: up to date ({len(tokens.read_text(encoding='utf-8').splitlines())} tokens)")
        return 0
    stamp_file.unlink(missing_ok=True)
    sentences = iter_sentences(texts)
    train_sentencepiece(sentences, out / "bpe", args.nbpe, args.bpemode, args.character_coverage,
                        args.user_defined_symbols)
    token_list = token_list_from_model(model)
    write_token_list(token_list, tokens)
    stamp_file.write_text(stamp + "\n")
    print(f"{out}: {args.bpemode} model, {len(token_list)} tokens from {len(sentences)} sentences")
    return 0


def cmd_shapes(args: argparse.Namespace) -> int:
    from mmpt.data.datadir import write_kv
    from mmpt.text.tokens import read_text, read_token_list, text_shapes

    vocab = len(read_token_list(args.token_list))
    for pair in args.pair:
        if "=" not in pair:
            raise DataError(pair, "expected --pair <text file>=<shape file>")
        src, dst = (Path(p) for p in pair.split("=", 1))
        shapes = text_shapes(read_text(src), args.bpemodel, vocab)
        if not shapes:
            raise DataError(src, "no utterance in the text file")
        dst.parent.mkdir(parents=True, exist_ok=True)
        write_kv(dst, shapes)
        print(f"{dst}: {len(shapes)} utterances")
    return 0


def get_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=PROG, description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    t = sub.add_parser("train", help="train a sentencepiece model and write its token list")
    t.add_argument("--text", action="append", required=True, help="utt-text file (repeatable)")
    t.add_argument("--out_dir", required=True)
    t.add_argument("--nbpe", type=int, required=True, help="vocabulary size (soft limit)")
    t.add_argument("--bpemode", default="unigram", choices=["unigram", "bpe", "char", "word"])
    t.add_argument("--character_coverage", type=float, default=1.0)
    t.add_argument("--user_defined_symbols", nargs="*", default=[])
    t.set_defaults(func=cmd_train)
    s = sub.add_parser("shapes", help="token-count shape files of texts")
    s.add_argument("--bpemodel", required=True)
    s.add_argument("--token_list", required=True)
    s.add_argument("--pair", action="append", required=True, help="<text file>=<shape file> (repeatable)")
    s.set_defaults(func=cmd_shapes)
    return p


def main(argv: Optional[List[str]] = None) -> int:
    from mmpt.bin._jobs_cli import run_subcommand

    return run_subcommand(PROG, get_parser, argv, status=1)

if __name__ == "__main__":
    sys.exit(main())
