#!/usr/bin/env bash
# SUPERB on the frozen mmpt encoder: ./run.sh --upstream_ckpt <checkpoint> [--stage N] [--stop_stage M]
#                                            [--tasks "ks ic pr sd"] [--conf_scale auto|paper|cpu] [--ngpu 0|1] [any superb.sh option]
# Corpus roots: SPEECH_COMMANDS, FLUENT_SPEECH_COMMANDS, LIBRISPEECH, LIBRIMIX in db.sh (or the environment);
# see README.md. Examples:
#   ./run.sh --upstream_ckpt ../../lrs3/pt1/exp/pt_mae_cpu/packed                  # a pre-training pack
#   ./run.sh --upstream_ckpt ../../librispeech/asr1/exp/asr_<tag>/valid.loss.ave.pth
#   ./run.sh --upstream_ckpt <ckpt> --tasks "ks ic" --conf_scale cpu         # short runs on a CPU
set -euo pipefail

tasks="ks ic pr sd"

./superb.sh \
    --tasks "${tasks}" \
    --conf_scale auto \
    "$@"
