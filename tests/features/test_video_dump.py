from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mmpt.data.datadir import DataDir, read_kv, write_kv
from mmpt.data.errors import DataDirError, VideoReadError
from mmpt.data.video import read_video
from mmpt.data.video_store import read_stored_clip
from mmpt.features.npy_scp import NpyScp
from mmpt.features.video_dump import dump_video

from .conftest import mtimes, write_mp4, write_video_datadir


@pytest.fixture
def clips(tmp_path: Path) -> Path:
    """Two clips (20 frames with audio, 30 frames without) and a missing file."""
    a = write_mp4(tmp_path / "a.mp4", 20, audio=True)
    b = write_mp4(tmp_path / "b.mp4", 30, audio=False)
    return write_video_datadir(tmp_path, {"clip-a": str(a), "clip-b": str(b), "clip-c": str(tmp_path / "gone.mp4")})


def test_video_dump_shapes_and_exclusions(clips: Path, tmp_path: Path):
    out = tmp_path / "dump"
    result = dump_video(clips, out, nj=2, fps=25, size=(32, 40), format="npy", progress=False)
    assert (result.num_done, result.num_excluded) == (2, 1)
    assert read_kv(out / "video_shape") == {"clip-a": "20,32,40,3", "clip-b": "30,32,40,3"}
    excluded = read_kv(out / "excluded.txt")
    assert list(excluded) == ["clip-c"] and "gone.mp4: file does not exist" in excluded["clip-c"]

    scp = NpyScp(out / "video.scp")
    assert list(scp) == ["clip-a", "clip-b"]
    assert all(Path(p).is_absolute() and p.endswith(".npy") for p in read_kv(out / "video.scp").values())
    for utt, src in (("clip-a", "a.mp4"), ("clip-b", "b.mp4")):
        arr = scp[utt]
        assert arr.dtype == np.uint8
        np.testing.assert_array_equal(arr, read_video(tmp_path / src, fps=25, size=(32, 40)))
    # frame i is grey level 8*i (up to the codec's error)
    assert abs(float(scp["clip-b"][10].mean()) - 80) < 6

    d = DataDir.load(out)
    assert d.utt_ids() == ["clip-a", "clip-b"] and set(d.text) == {"clip-a", "clip-b"}
    assert d.validate(check_files=True) == []


def test_sampling_options_and_rerun(clips: Path, tmp_path: Path):
    out = tmp_path / "dump"
    dump_video(clips, out, nj=1, size=16, num_frames=8, stride=2, format="npy", progress=False)
    # size=16 sets the shorter side: 48x64 -> 16x21
    assert read_kv(out / "video_shape") == {"clip-a": "8,16,21,3", "clip-b": "8,16,21,3"}
    watched = [out / "video.scp", out / "data" / "clip-a.npy", out / "log" / "video.1.done"]
    before = mtimes(watched)
    again = dump_video(clips, out, nj=1, size=16, num_frames=8, stride=2, format="npy", progress=False)
    assert again.up_to_date and mtimes(watched) == before
    dump_video(clips, out, nj=1, size=16, num_frames=4, stride=2, format="npy", progress=False)
    assert read_kv(out / "video_shape")["clip-a"] == "4,16,21,3"


def test_data_dir_without_video_scp(tmp_path: Path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "text").write_text("u1 HELLO\n")
    with pytest.raises(DataDirError, match="no video.scp"):
        dump_video(tmp_path / "data", tmp_path / "dump", progress=False)


def test_real_lrs3_clips(realdata: Path, tmp_path: Path):
    mp4s = sorted((realdata / "av" / "lrs3_test_spectre" / "test").glob("*/*.mp4"))[:2]
    data = write_video_datadir(tmp_path, {f"{p.parent.name}_{p.stem}": str(p) for p in mp4s})
    dump_video(data, tmp_path / "dump", nj=1, fps=25, size=(112, 112), num_frames=16, stride=1,
               format="npy", progress=False)
    shapes = read_kv(tmp_path / "dump" / "video_shape")
    assert len(shapes) == 2 and set(shapes.values()) == {"16,112,112,3"}


def test_cli_counts_clips_the_data_dir_does_not_hold_together(clips: Path, tmp_path: Path, capsys):
    from mmpt.bin.dump_video import main

    text = read_kv(clips / "text")
    write_kv(clips / "text", {k: v for k, v in text.items() if k != "clip-b"})  # clip-b has no transcript
    assert main([str(clips), str(tmp_path / "dump"), "--fps", "25", "--size", "32", "--no_progress"]) == 0
    assert "done: 1 of 3 clips, 2 excluded" in capsys.readouterr().out
    excluded = read_kv(tmp_path / "dump" / "excluded.txt")
    assert "[clip-b]: id not in the utterance list (text lacks it)" in excluded["clip-b"]
    assert "gone.mp4" in excluded["clip-c"]


def test_truncated_faststart_mp4_is_excluded_not_dumped_partly(tmp_path: Path):
    """An mp4 with its index at the front, cut in half, still opens and decodes about half its frames:
    the header's frame count tells it is truncated, so it is excluded with that reason."""
    whole = write_mp4(tmp_path / "whole.mp4", 100, audio=False, faststart=True)
    cut = tmp_path / "cut.mp4"
    data = whole.read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    assert read_video(whole).shape[0] == 100
    with pytest.raises(VideoReadError, match=r"truncated video: the header promises 100 frames, only \d+ could"):
        read_video(cut)
    with pytest.raises(VideoReadError, match="truncated video"):
        read_video(cut, fps=25, num_frames=100)  # re-timed and padded before: now refused
    assert read_video(cut, num_frames=4).shape[0] == 4  # the first frames are there: no full decode, no check
    data_dir = write_video_datadir(tmp_path, {"clip-cut": str(cut), "clip-whole": str(whole)})
    result = dump_video(data_dir, tmp_path / "dump", fps=25, size=16, progress=False)
    assert (result.num_done, result.num_excluded) == (1, 1)
    excluded = read_kv(tmp_path / "dump" / "excluded.txt")
    assert "cut.mp4" in excluded["clip-cut"] and "truncated" in excluded["clip-cut"]
    assert list(read_kv(tmp_path / "dump" / "video.scp")) == ["clip-whole"]


def test_truncated_faststart_mp4_audio_track_is_refused(tmp_path: Path):
    from mmpt.data.audio import load_audio
    from mmpt.data.errors import AudioReadError
    from mmpt.data.video import extract_audio

    whole = write_mp4(tmp_path / "whole.mp4", 100, audio=True, faststart=True)
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    assert extract_audio(whole).shape[0] >= 63000  # 4 s at 16 kHz
    with pytest.raises(AudioReadError, match="truncated"):
        load_audio(str(cut))


def test_store_dump_excludes_bad_clips_with_the_reason(clips: Path, tmp_path: Path):
    """The default format: the compressed store; corrupt and truncated clips are left out here, named."""
    good = read_kv(clips / "video.scp")
    corrupt = tmp_path / "corrupt.mp4"
    corrupt.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x13" * 4000)
    truncated = tmp_path / "truncated.mp4"
    data = (tmp_path / "b.mp4").read_bytes()
    truncated.write_bytes(data[: len(data) // 2])
    scp = {"clip-a": good["clip-a"], "clip-b": good["clip-b"], "clip-d": str(corrupt), "clip-e": str(truncated)}
    data_dir = write_video_datadir(tmp_path / "set2", scp)
    out = tmp_path / "store"
    result = dump_video(data_dir, out, nj=2, fps=25, size=(32, 40), progress=False)
    assert (result.num_done, result.num_excluded) == (2, 2)
    excluded = read_kv(out / "excluded.txt")
    assert set(excluded) == {"clip-d", "clip-e"}
    assert all("not a readable video/audio container" in excluded[u] for u in ("clip-d", "clip-e"))
    assert str(corrupt) in excluded["clip-d"]
    assert read_kv(out / "video_shape") == {"clip-a": "20,32,40,3", "clip-b": "30,32,40,3"}
    paths = read_kv(out / "video.scp")
    assert all(Path(p).is_absolute() and p.endswith(".mp4") for p in paths.values())
    for utt, src in (("clip-a", "a.mp4"), ("clip-b", "b.mp4")):
        frames = read_stored_clip(paths[utt])
        old = read_video(tmp_path / src, fps=25, size=(32, 40))
        assert frames.shape == old.shape
        assert np.abs(frames.astype(int) - old.astype(int)).mean() < 4
    assert DataDir.load(out).utt_ids() == ["clip-a", "clip-b"]
    assert not list((out / "data").glob("*.journal"))  # a finished dump keeps no journal
    with pytest.raises(ValueError, match="num_frames/stride"):
        dump_video(data_dir, out, fps=25, num_frames=8, progress=False)


def test_interrupted_store_dump_resumes_at_the_clip_it_reached(tmp_path: Path, monkeypatch):
    import mmpt.data.video_store as store

    srcs = {f"clip-{i}": str(write_mp4(tmp_path / f"{i}.mp4", 6 + i, audio=False)) for i in range(4)}
    data_dir = write_video_datadir(tmp_path, srcs)
    out = tmp_path / "store"
    real = store.encode_clip
    calls: list = []

    def dies_on_the_third(src, dst, options):
        calls.append(Path(src).name)
        if len(calls) == 3:
            raise RuntimeError("killed")  # not a data error: the job stops (as a killed or timed-out job)
        return real(src, dst, options)

    monkeypatch.setattr(store, "encode_clip", dies_on_the_third)
    with pytest.raises(Exception, match="killed"):
        dump_video(data_dir, out, nj=1, fps=25, size=(16, 16), progress=False)
    first = sorted((out / "data").glob("*.mp4"))
    assert len(first) == 2 and not (out / "video.scp").exists()
    before = mtimes(first)

    calls.clear()
    monkeypatch.setattr(store, "encode_clip", real)
    monkeypatch.setattr(store, "encode_clip", lambda s, d, o: (calls.append(Path(s).name), real(s, d, o))[1])
    result = dump_video(data_dir, out, nj=1, fps=25, size=(16, 16), progress=False)
    assert result.num_done == 4 and calls == ["2.mp4", "3.mp4"]  # the first two were not re-encoded
    assert mtimes(first) == before
    assert read_kv(out / "video_shape") == {f"clip-{i}": f"{6 + i},16,16,3" for i in range(4)}
    log = (out / "log" / "video.1.log").read_text()
    assert "resumed: 2 clips were done before" in log
