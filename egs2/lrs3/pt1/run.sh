#!/usr/bin/env bash
# LRS3 audio-visual pre-training: ./run.sh [--stage N] [--stop_stage M] [any pt.sh option]
# The corpus root is LRS3 in db.sh (or the environment); see README.md.
#
#   ./run.sh                                        # MAE, CPU-sized config (conf/cpu/mae.yaml)
#   ./run.sh --pt_method clr                        # CLR (conf/cpu/clr.yaml); mae_clr: both (Eq. 4)
#   ./run.sh --conf_scale paper --ngpu 4            # the paper's sizes (conf/paper/mae.yaml) on 4 GPUs
# The packed encoder for the ST and ASR recipes: exp/pt_<method>_<scale>/packed
set -euo pipefail

train_set=train     # pretrain + trainval without the validation clips (local/data.sh)
valid_set=valid     # 5 % of trainval, held out

./pt.sh \
    --train_set "${train_set}" \
    --valid_set "${valid_set}" \
    --fbank_conf conf/fbank.yaml \
    --video_fps 25 \
    --pt_method mae \
    --conf_scale cpu \
    "$@"
