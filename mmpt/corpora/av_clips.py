"""What the audio-visual corpus parsers (LRS3, VoxCeleb2, Kinetics-600) share: probing clips and writing
their Kaldi-style data directories.

A corpus parser finds its clips (:class:`Clip`: utterance id, mp4 path, speaker, optional transcript or
category) and hands them to :func:`prepare_clips`, which

* probes every clip with PyAV (threads): an unreadable clip, one without a video stream or without
  frames is excluded (``unreadable_video`` / ``empty_video``);
* separates the clips **without an audio track** (``probe_video(...).has_audio`` False): they cannot go
  into an audio-visual data directory (``wav.scp`` would point at nothing), so they are counted, logged,
  listed in ``excluded.txt`` as ``no_audio`` and written to the video-only data directory
  ``<out_dir>/video_only/`` (``video.scp``, ``utt2spk``, ``utt2dur``, plus ``text``/``utt2category`` when
  present), which video-only pre-training can use;
* writes ``<out_dir>/``: ``wav.scp`` (the clip itself: :func:`mmpt.data.audio.load_audio` decodes the
  audio track of a container and resamples it to 16 kHz), ``video.scp`` (the same path), ``utt2spk``,
  ``spk2utt``, ``utt2dur`` (seconds of video, from the container header), ``text`` / ``utt2category`` when
  the corpus has them, and ``excluded.txt`` (one line per excluded clip or metadata line:
  ``category<TAB>file<TAB>key<TAB>reason``).

Transcripts and categories are all-or-nothing per data directory, so that the directory validates: when no
clip has one the file is simply not written (the directory is then for pre-training only, logged); when
only some clips have one, the others are excluded with the category ``no_transcript`` / ``no_label``.

Re-running on the same input rewrites nothing: files are replaced only when their bytes change.
"""
from __future__ import annotations

import logging
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from mmpt.corpora import common
from mmpt.corpora.common import Exclusion, find_files, fmt_seconds, sync_dir
from mmpt.data.errors import DataError

# Exclusion and find_files are re-exported for the clip corpora (lrs3, voxceleb2, kinetics600)
__all__ = ["Clip", "ClipsResult", "Exclusion", "VIDEO_ONLY_DIR", "find_files", "has_space", "prepare_clips",
           "probe_all"]

logger = logging.getLogger(__name__)

# How many exclusions of one data directory are logged one by one; all of them go to excluded.txt.
MAX_LOGGED = 30
VIDEO_ONLY_DIR = "video_only"
_OWNED_FILES = ("wav.scp", "video.scp", "text", "utt2spk", "spk2utt", "utt2dur", "utt2category", "excluded.txt")


@dataclass
class Clip:
    """One clip found in a corpus layout. ``text``/``category`` are None when the corpus has none for it."""

    utt: str
    video: str  # absolute path of the mp4
    spk: str
    text: Optional[str] = None
    category: Optional[str] = None


@dataclass
class ClipsResult(common.ExclusionCounts):
    """What :func:`prepare_clips` wrote for one data directory."""

    name: str
    out_dir: Path
    num_utts: int
    num_speakers: int
    duration: float  # seconds of audio-visual clips
    num_video_only: int
    has_text: bool
    has_category: bool
    text_expected: bool = False
    exclusions: List[Exclusion] = field(default_factory=list)
    changed: List[str] = field(default_factory=list)

    def summary(self) -> str:
        dur = f"{self.duration / 3600:.2f} h" if self.duration >= 360 else f"{self.duration:.1f} s"
        excl = self.excluded_summary()
        state = f"updated {', '.join(self.changed)}" if self.changed else "unchanged"
        extra = []
        if self.text_expected and not self.has_text:
            extra.append("no text")
        if self.num_video_only:
            extra.append(f"{self.num_video_only} video-only clips in {VIDEO_ONLY_DIR}/")
        more = f" ({'; '.join(extra)})" if extra else ""
        return (f"{self.name} -> {self.out_dir}: {self.num_utts} clips, {self.num_speakers} speakers, {dur}"
                f"{more}; excluded: {excl} ({state})")


def has_space(name: str) -> bool:
    return any(c.isspace() for c in name)


def probe_all(paths: Sequence[str], nj: int = 4) -> Dict[str, object]:
    """path -> :class:`~mmpt.data.video.VideoInfo`, or the :class:`DataError` that probing raised."""
    from mmpt.data.video import probe_video  # lazily: keeps ``--help`` fast

    def probe(p: str) -> Tuple[str, object]:
        try:
            return p, probe_video(p)
        except DataError as e:
            return p, e

    with ThreadPoolExecutor(max_workers=max(1, nj)) as pool:
        return dict(pool.map(probe, paths))


def _write_dir(out_dir: Path, clips: Sequence[Clip], durations: Dict[str, float], with_audio: bool,
               with_text: bool, with_category: bool, exclusions: Sequence[Exclusion]) -> List[str]:
    """Write one data directory (atomically per file, only what changed); returns the changed names."""
    from mmpt.data.datadir import DataDir  # lazily: keeps ``--help`` fast

    d = DataDir(
        wav_scp={c.utt: c.video for c in clips} if with_audio else None,
        video_scp={c.utt: c.video for c in clips},
        utt2spk={c.utt: c.spk for c in clips},
        text={c.utt: c.text or "" for c in clips} if with_text else None,
    )
    d.extra["utt2dur"] = {c.utt: fmt_seconds(durations[c.utt]) for c in clips}
    if with_category:
        d.extra["utt2category"] = {c.utt: c.category or "" for c in clips}
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{out_dir.name}.", dir=out_dir.parent) as tmp:
        d.write(Path(tmp))
        common.write_exclusions(Path(tmp), exclusions)
        changed = sync_dir(Path(tmp), out_dir, _OWNED_FILES)
    if changed:
        # split<n>/ of an older version of this data would silently feed stale lists to parallel jobs.
        for stale in sorted(out_dir.glob("split*")):
            if stale.is_dir():
                shutil.rmtree(stale)
    return changed


def prepare_clips(name: str, clips: Sequence[Clip], out_dir: Path, exclusions: Optional[List[Exclusion]] = None,
                  nj: int = 4, expect_text: bool = False) -> ClipsResult:
    """Probe ``clips`` and write the data directory ``out_dir`` (and ``out_dir/video_only`` when some clips
    have no audio). ``exclusions`` are what the corpus parser already left out (missing files, bad
    metadata lines); they are listed in ``excluded.txt`` with the ones found here.

    ``expect_text``: the corpus normally has transcripts (a set without any is then logged).
    Raises DataError when no clip is left (audio-visual or video-only); nothing is written then.
    """
    exclusions = list(exclusions or [])
    seen: Dict[str, Clip] = {}
    for c in clips:
        if c.utt in seen:
            exclusions.append(Exclusion("duplicate_id", c.video, f"same utterance id as {seen[c.utt].video}; "
                                        "kept the first", c.utt))
            continue
        seen[c.utt] = c
    clips = [seen[u] for u in sorted(seen)]

    infos = probe_all([c.video for c in clips], nj=nj)
    av_clips: List[Clip] = []
    video_only: List[Clip] = []
    durations: Dict[str, float] = {}
    for c in clips:
        info = infos[c.video]
        if isinstance(info, DataError):
            exclusions.append(Exclusion("unreadable_video", info.where, info.problem, c.utt))
            continue
        if info.num_frames <= 0 or info.duration <= 0:  # type: ignore[attr-defined]
            exclusions.append(Exclusion("empty_video", c.video, "the video stream has no frames", c.utt))
            continue
        durations[c.utt] = float(info.duration)  # type: ignore[attr-defined]
        if info.has_audio:  # type: ignore[attr-defined]
            av_clips.append(c)
        else:
            video_only.append(c)
            exclusions.append(Exclusion("no_audio", c.video, "no audio track: not in the audio-visual set, "
                                        f"listed in {VIDEO_ONLY_DIR}/ for video-only use", c.utt))

    usable = av_clips + video_only
    with_text = any(c.text is not None for c in usable)
    with_category = any(c.category is not None for c in usable)

    def keep(c: Clip) -> bool:
        if with_text and c.text is None:
            exclusions.append(Exclusion("no_transcript", c.video, "no transcript while other clips of this "
                                        "set have one", c.utt))
            return False
        if with_category and c.category is None:
            exclusions.append(Exclusion("no_label", c.video, "no class label while other clips of this set "
                                        "have one", c.utt))
            return False
        return True

    av_clips = [c for c in av_clips if keep(c)]
    video_only = [c for c in video_only if keep(c)]
    if not usable:
        common.log_exclusions(name, exclusions, out_dir, MAX_LOGGED)
        raise DataError(out_dir, f"{name}: no usable clip ({len(exclusions)} excluded)")
    if expect_text and not with_text:
        logger.info("%s: no clip has a transcript: no text file (the set serves pre-training only)", name)
    common.log_exclusions(name, exclusions, out_dir, MAX_LOGGED)

    changed: List[str] = []
    if av_clips:
        changed = _write_dir(out_dir, av_clips, durations, True, with_text, with_category, exclusions)
    else:
        logger.warning("%s: no clip has an audio track; only %s/ is written", name, VIDEO_ONLY_DIR)
        out_dir.mkdir(parents=True, exist_ok=True)
        changed = sync_dir(out_dir / ".none", out_dir, _OWNED_FILES)  # nothing new: removes stale files
        common.write_exclusions(out_dir, exclusions)
    vo_dir = out_dir / VIDEO_ONLY_DIR
    if video_only:
        changed += [f"{VIDEO_ONLY_DIR}/{n}" for n in
                    _write_dir(vo_dir, video_only, durations, False, with_text, with_category, [])]
    elif vo_dir.is_dir():
        shutil.rmtree(vo_dir)
        changed.append(f"{VIDEO_ONLY_DIR}/")
    return ClipsResult(
        name=name, out_dir=out_dir, num_utts=len(av_clips), num_speakers=len({c.spk for c in av_clips}),
        duration=sum(durations[c.utt] for c in av_clips), num_video_only=len(video_only),
        has_text=with_text, has_category=with_category, text_expected=expect_text, exclusions=exclusions,
        changed=changed,
    )
