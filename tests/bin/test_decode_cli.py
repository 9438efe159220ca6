"""Decode options: config files, tags of the output directories, errors."""
from __future__ import annotations

from pathlib import Path

import pytest

from mmpt.bin.decode import config_tag, decode_options, get_parser
from mmpt.data.errors import DataError


def _args(*extra: str):
    return get_parser().parse_args(["--task", "asr", "--train_config", "c", "--model_file", "m", "--set", "a=b",
                                    *extra])


def test_tags():
    assert config_tag("conf/decode_asr_greedy.yaml") == "asr_greedy"
    assert config_tag("conf/beam10.yml") == "beam10"


def test_options(tmp_path: Path):
    conf = tmp_path / "decode_beam.yaml"
    conf.write_text("decoding: beam\nbeam_size: 4\n")
    opts = decode_options(_args("--beam_size", "2"), str(conf))
    assert opts["decoding"] == "beam" and opts["beam_size"] == 2  # the command line wins
    assert decode_options(_args(), "")["decoding"] == "greedy"
    conf.write_text("beam: 3\n")
    with pytest.raises(DataError, match="unknown decode option"):
        decode_options(_args(), str(conf))
    st = get_parser().parse_args(["--task", "st", "--train_config", "c", "--model_file", "m", "--set", "a=b",
                                  "--decoding", "greedy"])
    with pytest.raises(DataError, match="beam search only"):
        decode_options(st, "")
