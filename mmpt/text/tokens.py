"""Sub-word units with ``sentencepiece``: model training, the espnet2 token list, token-count shapes.

The token list follows ESPnet's convention (``<blank>`` first, ``<unk>`` second, ``<sos/eos>`` last; the
sentencepiece pieces in between, in the model's order), so ``espnet2``'s ``TokenIDConverter`` and
``SentencepiecesTokenizer`` read it unchanged (``--token_list``, ``--bpemodel``, ``--token_type bpe``).
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Dict, Iterable, List, Mapping, Sequence, Union

from mmpt.data.errors import DataError

logger = logging.getLogger(__name__)

PathLike = Union[str, Path]
BLANK = "<blank>"
UNK = "<unk>"
SOS_EOS = "<sos/eos>"
MODEL_TYPES = ("unigram", "bpe", "char", "word")


def read_text(path: PathLike) -> Dict[str, str]:
    """``utt text...`` lines -> {utt: text} (the text may be empty); DataError names the file on problems."""
    path = Path(path)
    if not path.is_file():
        raise DataError(path, "text file not found")
    out: Dict[str, str] = {}
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip():
                continue
            parts = line.split(maxsplit=1)
            utt = parts[0]
            if utt in out:
                raise DataError(path, f"line {lineno}: duplicated utterance id", key=utt)
            out[utt] = parts[1].strip() if len(parts) > 1 else ""
    return out


def train_sentencepiece(
    sentences: Sequence[str],
    model_prefix: PathLike,
    vocab_size: int,
    model_type: str = "unigram",
    character_coverage: float = 1.0,
    user_defined_symbols: Sequence[str] = (),
) -> Path:
    """Train ``<model_prefix>.model`` (+ ``.vocab``) on ``sentences``; returns the model path.

    ``vocab_size`` is a soft limit (``hard_vocab_limit=false``): a corpus too small for it gets the largest
    vocabulary it supports, with a warning giving the size reached.
    """
    import sentencepiece as spm

    if model_type not in MODEL_TYPES:
        raise ValueError(f"model_type must be one of {MODEL_TYPES}, got {model_type!r}")
    sentences = [s for s in sentences if s.strip()]
    if not sentences:
        raise DataError(str(model_prefix), "no non-empty sentence to train the sentencepiece model on")
    prefix = Path(model_prefix)
    prefix.parent.mkdir(parents=True, exist_ok=True)
    kwargs = dict(
        sentence_iterator=iter(sentences),
        model_prefix=str(prefix),
        vocab_size=int(vocab_size),
        model_type=model_type,
        character_coverage=character_coverage,
        input_sentence_size=100_000_000,
        num_threads=1,  # deterministic output
        unk_id=0,
        bos_id=-1,
        eos_id=-1,
        unk_surface="<unk>",
        minloglevel=2,
    )
    if model_type in ("unigram", "bpe"):
        kwargs["hard_vocab_limit"] = False
    if user_defined_symbols:
        kwargs["user_defined_symbols"] = list(user_defined_symbols)
    try:
        spm.SentencePieceTrainer.train(**kwargs)
    except RuntimeError as exc:
        raise DataError(str(prefix) + ".model", f"sentencepiece training failed: {exc}") from None
    model = prefix.with_name(prefix.name + ".model")
    size = spm.SentencePieceProcessor(model_file=str(model)).get_piece_size()
    if model_type in ("unigram", "bpe") and size < vocab_size:
        logger.warning("%s: the training text supports %d pieces, fewer than the %d asked for", model, size,
                       vocab_size)
    logger.info("%s: %s model with %d pieces from %d sentences", model, model_type, size, len(sentences))
    return model


def token_list_from_model(model: PathLike) -> List[str]:
    """``<blank>``, ``<unk>``, every normal/user-defined piece of the model, ``<sos/eos>``."""
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_file=str(model))
    pieces = []
    for i in range(sp.get_piece_size()):
        if sp.is_unknown(i) or sp.is_control(i):
            continue
        piece = sp.id_to_piece(i)
        if piece in (BLANK, UNK, SOS_EOS):
            continue
        pieces.append(piece)
    return [BLANK, UNK, *pieces, SOS_EOS]


def write_token_list(tokens: Sequence[str], path: PathLike) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("".join(t + "\n" for t in tokens), encoding="utf-8")
    tmp.replace(path)
    return path


def read_token_list(path: PathLike) -> List[str]:
    path = Path(path)
    if not path.is_file():
        raise DataError(path, "token list not found")
    return [line.rstrip("\n") for line in path.read_text(encoding="utf-8").splitlines()]


def text_shapes(texts: Mapping[str, str], model: PathLike, vocab_size: int) -> Dict[str, str]:
    """espnet2 shape file lines ``utt <num tokens>,<vocab size>`` of each text under ``model``."""
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_file=str(model))
    return {utt: f"{len(sp.encode(text, out_type=str))},{vocab_size}" for utt, text in texts.items()}


def iter_sentences(paths: Iterable[PathLike]) -> List[str]:
    """The texts (2nd field on) of every ``utt text`` file in ``paths``, in file order."""
    out: List[str] = []
    for p in paths:
        out.extend(read_text(p).values())
    return out
