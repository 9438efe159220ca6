#!/usr/bin/env bash
# MuST-C v1 speech translation (mid-training, paper section 3.2):
#   ./run.sh --tgt_lang de|it|nl [--stage N] [--stop_stage M] [any st.sh option]
# The corpus root is MUSTC in db.sh (or the environment); see README.md.
#
# Mid-training a pre-trained encoder, then packing it for the ASR recipe:
#   ./run.sh --tgt_lang it --pretrained_encoder ../../lrs3/pt1/exp/pt_mae_cpu/packed
#   -> exp/st_<tag>/packed  (egs2/librispeech/asr1/run.sh --pretrained_encoder <that>)
set -euo pipefail

tgt_lang=de
# The target language names the data directories, so it is read here (st.sh gets it too).
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
    case "${args[i]}" in
        --tgt_lang|--tgt-lang) tgt_lang=${args[i + 1]:-} ;;
        --tgt_lang=*|--tgt-lang=*) tgt_lang=${args[i]#*=} ;;
    esac
done
case "${tgt_lang}" in
    de|it|nl) ;;
    *) echo "run.sh: --tgt_lang must be de, it or nl (the paper's MuST-C directions), got '${tgt_lang}'" >&2; exit 2 ;;
esac

train_set=train.en-${tgt_lang}
valid_set=dev.en-${tgt_lang}
test_sets="dev.en-${tgt_lang} tst-COMMON.en-${tgt_lang}"

./st.sh \
    --src_lang en \
    --tgt_lang "${tgt_lang}" \
    --src_case lc.rm \
    --tgt_case tc \
    --local_data_opts "--tgt_lang ${tgt_lang}" \
    --train_set "${train_set}" \
    --valid_set "${valid_set}" \
    --test_sets "${test_sets}" \
    --fbank_conf conf/fbank.yaml \
    --tgt_nbpe 500 \
    --src_nbpe 500 \
    --st_config conf/train_st.yaml \
    --inference_configs conf/decode_st.yaml \
    --inference_model valid.acc.ave.pth \
    "$@"
