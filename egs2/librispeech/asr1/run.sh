#!/usr/bin/env bash
# LibriSpeech ASR: ./run.sh [--stage N] [--stop_stage M] [any asr.sh option, e.g. --nj 8]
# The corpus root is LIBRISPEECH in db.sh (or the environment); see README.md.
set -euo pipefail

train_set=train_clean_100
valid_set=dev_clean
test_sets="test_clean test_other dev_other"

./asr.sh \
    --train_set "${train_set}" \
    --valid_set "${valid_set}" \
    --test_sets "${test_sets}" \
    --fbank_conf conf/fbank.yaml \
    "$@"
