"""The dump of frozen-encoder outputs: values, exclusions, layers, idempotence and resumption."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from mmpt.asr.encoder_outputs import FrozenEncoder
from mmpt.data.datadir import read_kv
from mmpt.data.errors import DataError
from mmpt.features.ark import load_scp
from mmpt.features.encoded_dump import dump_encoded, encoded_meta, encoded_root, read_meta, write_meta
from mmpt.pack.read import load_pretrained
from tests.asr.frozen_pack import ENCODER_CONF, make_pack, write_fbank_dump

# frames per utterance: spk2-tiny is too short for conv2d sub-sampling (< 7), spk2-long is over max_frames
LENGTHS = {"spk1-a": 40, "spk1-b": 57, "spk1-c": 33, "spk2-tiny": 5, "spk2-long": 130, "spk2-d": 64}


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    root = tmp_path_factory.mktemp("enc")
    return make_pack(root / "pack"), write_fbank_dump(root / "fbank" / "train", LENGTHS)


def test_outputs_are_the_frozen_encoders_and_bad_utterances_are_named(inputs, tmp_path: Path):
    pack, fbank = inputs
    res = dump_encoded(pack, fbank, tmp_path / "last", max_frames=100, progress=False)
    assert (res.num_utts, res.num_done) == (6, 4)
    reasons = dict(read_kv(tmp_path / "last" / "excluded.txt"))
    assert set(reasons) == {"spk2-tiny", "spk2-long"}
    assert "too short" in reasons["spk2-tiny"] and "130 frames > max_frames 100" in reasons["spk2-long"]

    enc = FrozenEncoder.from_pretrained(load_pretrained(pack))
    fb, out = load_scp(fbank / "feats.scp"), load_scp(tmp_path / "last" / "feats.scp")
    assert sorted(out) == ["spk1-a", "spk1-b", "spk1-c", "spk2-d"]
    shapes = read_kv(tmp_path / "last" / "feats_shape")
    for utt in out:
        x = out[utt]
        assert x.dtype == np.float32 and x.shape == (((LENGTHS[utt] - 1) // 2 - 1) // 2, 16)
        assert shapes[utt] == f"{x.shape[0]},16"
        np.testing.assert_allclose(x, enc.encode(fb[utt], "last"), rtol=1e-5, atol=1e-6)
    # the data files follow the dumped utterances
    assert sorted(read_kv(tmp_path / "last" / "text")) == sorted(out)
    assert read_kv(tmp_path / "last" / "utt2num_frames")["spk1-b"] == str(out["spk1-b"].shape[0])

    # all layers: input layer + 2 blocks, the last block being the encoder output
    dump_encoded(pack, fbank, tmp_path / "all", layers="all", progress=False)
    allx = load_scp(tmp_path / "all" / "feats.scp")
    assert "spk2-long" in allx  # no max_frames here
    for utt in out:
        assert allx[utt].shape == (out[utt].shape[0], 3 * 16)
        np.testing.assert_allclose(allx[utt][:, -16:], out[utt], rtol=1e-5, atol=1e-6)
        assert not np.allclose(allx[utt][:, :16], allx[utt][:, 16:32])


def test_rerun_is_a_no_op_and_an_interrupted_dump_resumes(inputs, tmp_path: Path):
    pack, fbank = inputs
    out = tmp_path / "dump"
    # two jobs, run one after the other here (job processes are the fbank tests' business: mmpt.features.jobs)
    first = dump_encoded(pack, fbank, out, nj=2, progress=False, max_workers=1)
    assert not first.up_to_date and first.num_done == 5
    arks = sorted((out / "data").glob("*.ark"))
    assert len(arks) == 2
    mtimes = {p: p.stat().st_mtime_ns for p in arks}
    before = load_scp(out / "feats.scp")
    before = {u: before[u] for u in before}

    again = dump_encoded(pack, fbank, out, nj=2, progress=False, max_workers=1)
    assert again.up_to_date and again.num_done == 5 and again.excluded == first.excluded
    assert {p: p.stat().st_mtime_ns for p in arks} == mtimes

    # interrupted after job 1: only job 2 runs again, and the result is the same
    (out / ".done").unlink()
    (out / "log" / "encoded.2.done").unlink()
    (out / "feats.scp").unlink()
    resumed = dump_encoded(pack, fbank, out, nj=2, progress=False, max_workers=1)
    assert not resumed.up_to_date and resumed.num_done == 5
    assert arks[0].stat().st_mtime_ns == mtimes[arks[0]] and arks[1].stat().st_mtime_ns != mtimes[arks[1]]
    after = load_scp(out / "feats.scp")
    assert sorted(after) == sorted(before)
    for utt in before:
        np.testing.assert_array_equal(after[utt], before[utt])


def test_root_names_the_pack_and_the_layers(inputs, tmp_path: Path):
    pack, _ = inputs
    last, alls = encoded_meta(pack, "last"), encoded_meta(pack, "all")
    assert (last["num_layers"], last["dim"], last["input_size"]) == (1, 16, 16)
    assert (alls["num_layers"], alls["input_size"]) == (ENCODER_CONF["num_blocks"] + 1, 48)
    assert last["fingerprint"] == alls["fingerprint"]
    assert encoded_root(last, tmp_path) != encoded_root(alls, tmp_path)
    write_meta(alls, tmp_path / "r")
    assert read_meta(tmp_path / "r") == alls
    # other weights: another fingerprint, so another directory
    other = make_pack(tmp_path / "other", seed=1)
    assert encoded_meta(other, "last")["fingerprint"] != last["fingerprint"]
    with pytest.raises(DataError, match="layers"):
        encoded_meta(pack, "middle")
    with pytest.raises(DataError, match="not a dump of encoder outputs"):
        read_meta(tmp_path)
    cfg = yaml.safe_load((pack / "config.yaml").read_text())
    assert cfg["encoder"] == last["encoder"] == "conformer"
