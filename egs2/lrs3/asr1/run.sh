#!/usr/bin/env bash
# Positive control of the frozen-encoder study (issue 11): the pre-training's encoder architecture trained
# with supervised CTC on the LRS3 transcripts (the audio the pre-training sees), then packed like a
# pre-trained encoder for the LibriSpeech fine-tuning (egs2/librispeech/asr1) and SUPERB.
#   ./run.sh [--stage N] [--stop_stage M] [any asr.sh option]
#   -> exp/asr_<tag>/packed   (egs2/librispeech/asr1/run.sh --pretrained_encoder <that>)
# The corpus root is LRS3 in db.sh (or the environment). The paper-sized encoder:
#   ./run.sh --asr_config conf/paper/train_asr_ctc_encoder.yaml --ngpu 1
set -euo pipefail

train_set=train     # pretrain + trainval without the validation clips: the pre-training's data/train
valid_set=valid     # 5 % of trainval, held out (the pre-training's data/valid)
test_sets="test"

./asr.sh \
    --train_set "${train_set}" \
    --valid_set "${valid_set}" \
    --test_sets "${test_sets}" \
    --fbank_conf conf/fbank.yaml \
    --nbpe 300 \
    --bpemode unigram \
    --asr_config conf/train_asr_ctc_encoder.yaml \
    --freeze_encoder false \
    --inference_configs conf/decode_asr_greedy.yaml \
    --inference_model valid.loss.ave.pth \
    "$@"
