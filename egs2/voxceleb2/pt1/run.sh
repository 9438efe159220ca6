#!/usr/bin/env bash
# VoxCeleb2 audio-visual pre-training: ./run.sh [--stage N] [--stop_stage M] [any pt.sh option]
# The corpus root is VOXCELEB2 in db.sh (or the environment); see README.md.
#
#   ./run.sh                                        # MAE, CPU-sized config (conf/cpu/mae.yaml)
#   ./run.sh --pt_method clr                        # CLR (conf/cpu/clr.yaml); mae_clr: both (Eq. 4)
#   ./run.sh --conf_scale paper --ngpu 4            # the paper's sizes (conf/paper/mae.yaml) on 4 GPUs
# The packed encoder for the ST and ASR recipes: exp/pt_<method>_<scale>/packed
set -euo pipefail

train_set=dev       # the VoxCeleb2 dev split
valid_set=valid     # at most 1000 clips of the test split (local/data.sh --num_valid)

./pt.sh \
    --train_set "${train_set}" \
    --valid_set "${valid_set}" \
    --fbank_conf conf/fbank.yaml \
    --video_fps 25 \
    --pt_method mae \
    --conf_scale cpu \
    "$@"
