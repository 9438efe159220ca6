#!/usr/bin/env bash
# LibriSpeech ASR: ./run.sh [--stage N] [--stop_stage M] [any asr.sh option, e.g. --nj 8]
# The corpus root is LIBRISPEECH in db.sh (or the environment); see README.md.
#
# CTC on a frozen pre-trained (or mid-trained) encoder:
#   ./run.sh --pretrained_encoder ../../lrs3/pt1/exp/pt_mae_cpu/packed
#   ./run.sh --pretrained_encoder ../../must_c/st1/exp/st_<tag>/packed
set -euo pipefail

train_set=train_clean_100
valid_set=dev_clean
test_sets="test_clean test_other dev_other"

asr_config=conf/train_asr_ctc_frozen.yaml
inference_configs="conf/decode_asr_greedy.yaml conf/decode_asr_beam.yaml"

./asr.sh \
    --train_set "${train_set}" \
    --valid_set "${valid_set}" \
    --test_sets "${test_sets}" \
    --fbank_conf conf/fbank.yaml \
    --nbpe 300 \
    --bpemode unigram \
    --asr_config "${asr_config}" \
    --inference_configs "${inference_configs}" \
    --inference_model valid.loss.ave.pth \
    "$@"
