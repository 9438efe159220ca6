#!/usr/bin/env bash
# Continued MAE on the MuST-C audio, without labels and without video: the domain control of the
# mid-training (does translation help, or only more in-domain audio?).
#   ./run.sh --tgt_lang de|it|nl --init_exp <pre-training experiment> [--pt_tag <name>] [any pt.sh option]
# e.g. ./run.sh --tgt_lang it --init_exp ../../lrs3/pt1/exp/pt_mae_cpu --pt_tag lrs3_cpu_en-it
#   -> exp/pt_mae_<pt_tag>/packed  (egs2/librispeech/asr1/run.sh --pretrained_encoder <that>)
#
# Number of updates: the training segments of the ST mid-training (train.en-<tgt>, same data preparation),
# its batch_type / batch_size / batch_bins / accum_grad and its max_epoch, read from --st_config (default:
# the ST recipe's conf/train_st.yaml), so that the control takes as many updates on the same audio as the
# mid-training. Options given in --pt_args come after them and win (pass the ST's --max_epoch there when
# the mid-training got one on its command line).
set -euo pipefail

tgt_lang=de
st_config=../st1/conf/train_st.yaml
pt_args=
pt_tag=
args=()
while [ $# -gt 0 ]; do
    case "$1" in
        --tgt_lang|--tgt-lang) tgt_lang=${2:-}; shift 2 ;;
        --st_config|--st-config) st_config=${2:-}; shift 2 ;;
        --pt_args|--pt-args) pt_args=${2:-}; shift 2 ;;
        --pt_tag|--pt-tag) pt_tag=${2:-}; shift 2 ;;
        *) args+=("$1"); shift ;;
    esac
done
case "${tgt_lang}" in
    de|it|nl) ;;
    *) echo "run.sh: --tgt_lang must be de, it or nl (the paper's MuST-C directions), got '${tgt_lang}'" >&2; exit 2 ;;
esac
if [ ! -f "${st_config}" ]; then
    echo "run.sh: the ST training config ${st_config} does not exist (give --st_config)" >&2
    exit 1
fi
# the batching and epochs of the mid-training, as espnet2 options
match=$(. ./path.sh && python -m mmpt.bin.config_options "${st_config}" \
    --keys batch_type batch_size batch_bins accum_grad max_epoch)

./pt.sh \
    --local_data_opts "--tgt_lang ${tgt_lang}" \
    --train_set "train.en-${tgt_lang}" \
    --valid_set "dev.en-${tgt_lang}" \
    --fbank_conf conf/fbank.yaml \
    --pt_method mae \
    --conf_scale cpu \
    --audio_only true \
    --pt_tag "${pt_tag:-cpu_en-${tgt_lang}}" \
    --pt_args "${match} ${pt_args}" \
    "${args[@]}"
