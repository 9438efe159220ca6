#!/usr/bin/env bash
# MuST-C v1 data preparation for audio-only pre-training (the domain control of the mid-training):
# data/<split>.en-<tgt> from ${MUSTC}/en-<tgt>/data/<split>/ by the ST recipe's data preparation
# (local/must_c_st.sh is egs2/must_c/st1/local/data.sh: the same segments, the same exclusions), then every
# transcript and translation is removed: this pre-training sees the audio and nothing else (wav.scp, segments, utt2spk).
set -euo pipefail
. scripts/utils/options.sh

tgt_lang=de
splits="train dev"

help_message=$(cat <<HELP
Usage: local/data.sh [--tgt_lang de|it|nl] [--splits "train dev"]
  --tgt_lang  the direction whose English audio is used: \${MUSTC}/en-<tgt_lang>/ (MUSTC from db.sh) (default: ${tgt_lang})
  --splits    MuST-C splits to prepare, separated by spaces or commas (default: ${splits})
HELP
)
parse_local_options "$@"

if [ ! -x local/must_c_st.sh ]; then
    log "Error: local/must_c_st.sh (a link to the ST recipe's ../../st1/local/data.sh) is missing"
    exit 1
fi
local/must_c_st.sh --tgt_lang "${tgt_lang}" --splits "${splits}"
for split in ${splits//,/ }; do
    # no labels in a pre-training set
    rm -f "data/${split}.en-${tgt_lang}"/text "data/${split}.en-${tgt_lang}"/text.*
done
log "Successfully finished data preparation"
