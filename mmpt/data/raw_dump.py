"""Raw-waveform dump of a Kaldi data dir for espnet2's ``sound`` loader (ESPnet's ``--feats_type raw``).

espnet2 reads a ``wav.scp`` of type ``sound`` with soundfile: one whole audio file per utterance, no Kaldi
pipes, no ``segments``, no video containers. ``dump_raw(data/x, dump/raw/x)`` writes

* ``wav.scp``: the data dir's own file where soundfile reads it whole at the target rate and mono (nothing
  copied); otherwise the utterance as :mod:`mmpt.data.audio` reads it (a pipe, a video's audio track, a
  segment, another rate resampled, several channels down-mixed) written as 16-bit WAV to
  ``<out>/data/<utt>.wav``. Every utterance is decoded once, so a truncated or corrupt file is found here;
* ``utt2num_samples``: samples per utterance, which is espnet2's ``speech_shape`` file;
* ``text``, ``utt2spk``, ``spk2utt`` of the kept utterances, and ``excluded.txt``: every utterance whose
  audio could not be read, with the reason (also logged, and counted in the result).

Re-running with unchanged inputs does nothing (``.stamp``: a hash of the data dir's files and the rate).
"""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Optional, Union

import soundfile as sf

from mmpt.data.audio import CONTAINER_EXTENSIONS, is_pipe, read_audio, write_wav
from mmpt.data.datadir import DataDir, read_kv, write_kv
from mmpt.data.errors import AudioReadError, DataDirError, DataError

logger = logging.getLogger(__name__)

PathLike = Union[str, Path]
STAMP_VERSION = "1"
INPUT_FILES = ("wav.scp", "segments", "text", "utt2spk")


@dataclass(frozen=True)
class RawDumpResult:
    """What :func:`dump_raw` did: utterances of the data dir, referenced as they are, written, excluded."""

    out_dir: Path
    num_utts: int
    num_referenced: int
    num_written: int
    num_excluded: int
    up_to_date: bool


def _stamp(data_dir: Path, sample_rate: int) -> str:
    h = hashlib.sha256(f"{STAMP_VERSION} {sample_rate}".encode())
    for name in INPUT_FILES:
        f = data_dir / name
        h.update(name.encode() + b"\0" + (f.read_bytes() if f.is_file() else b"<absent>") + b"\0")
    return h.hexdigest()


def _readable_as_is(spec: str, segmented: bool, sample_rate: int) -> Optional[Path]:
    """The file of ``spec`` when espnet2 can read it as the utterance itself, else None."""
    if segmented or is_pipe(spec):
        return None
    path = Path(spec.strip())
    if path.suffix.lower() in CONTAINER_EXTENSIONS or not path.is_file():
        return None
    try:
        info = sf.info(str(path))
    except Exception:  # libsndfile refuses it (e.g. a SPHERE variant mmpt parses itself): decode and write
        return None
    if int(info.samplerate) != sample_rate or int(info.channels) != 1:
        return None
    return path.resolve()


def dump_raw(data_dir: PathLike, out_dir: PathLike, sample_rate: int = 16000) -> RawDumpResult:
    """Write the raw dump of ``data_dir`` to ``out_dir`` (see the module docstring).

    Raises:
        DataDirError naming ``data_dir`` when it has no ``wav.scp`` or no utterance has readable audio.
    """
    data_dir, out = Path(data_dir), Path(out_dir)
    d = DataDir.load(data_dir)
    if d.wav_scp is None:
        raise DataDirError(data_dir, "no wav.scp")
    utts = d.utt_ids()
    stamp = _stamp(data_dir, sample_rate)
    stamp_file = out / ".stamp"
    if stamp_file.is_file() and stamp_file.read_text().strip() == stamp and (out / "wav.scp").is_file():
        kept = read_kv(out / "wav.scp")
        excluded = read_kv(out / "excluded.txt") if (out / "excluded.txt").is_file() else {}
        written = sum(1 for v in kept.values() if Path(v).parent == (out / "data").resolve())
        return RawDumpResult(out, len(utts), len(kept) - written, written, len(excluded), True)

    stamp_file.unlink(missing_ok=True)
    (out / "data").mkdir(parents=True, exist_ok=True)
    where = str(data_dir / "wav.scp")
    wav_scp: Dict[str, str] = {}
    num_samples: Dict[str, str] = {}
    excluded: Dict[str, str] = {}
    written = 0
    for utt in utts:
        try:
            try:
                spec, start, end = d.audio_spec(utt)
            except KeyError:
                raise DataDirError(where, "utterance (or its recording) is not in wav.scp", utt) from None
            wav, _ = read_audio(spec, start=start, end=end, target_sr=sample_rate, where=where, key=utt)
            if wav.size == 0:
                raise AudioReadError(where, "no samples", utt)
            path = _readable_as_is(spec, d.segments is not None, sample_rate)
            if path is None:
                path = write_wav(out / "data" / f"{utt}.wav", wav, sample_rate).resolve()
                written += 1
            wav_scp[utt] = str(path)
            num_samples[utt] = str(int(wav.shape[0]))
        except DataError as exc:
            logger.warning("%s: excluded: %s", utt, exc)
            excluded[utt] = str(exc)
    write_kv(out / "excluded.txt", excluded)
    if not wav_scp:
        raise DataDirError(data_dir, f"none of its {len(utts)} utterances has readable audio "
                                     f"(reasons in {out / 'excluded.txt'})")

    keep = set(wav_scp)
    dump = DataDir(
        wav_scp=wav_scp,
        text=None if d.text is None else {u: t for u, t in d.text.items() if u in keep},
        utt2spk=None if d.utt2spk is None else {u: s for u, s in d.utt2spk.items() if u in keep},
        extra={"utt2num_samples": num_samples},
    )
    dump.write(out)
    if excluded:
        logger.warning("%s: %d of %d utterances excluded (see %s)", data_dir, len(excluded), len(utts),
                       out / "excluded.txt")
    stamp_file.write_text(stamp + "\n")
    return RawDumpResult(out, len(utts), len(wav_scp) - written, written, len(excluded), False)
