#!/usr/bin/env bash
# MuST-C v1 data preparation for audio-only pre-training (the domain control of the mid-training):
# data/<split>.en-<tgt> from ${MUSTC}/en-<tgt>/data/<split>/ by the same code as the ST recipe
# (python -m mmpt.corpora.must_c: the same segments, the same exclusions), then every transcript and
# translation is removed: this pre-training sees the audio and nothing else (wav.scp, segments, utt2spk).
set -euo pipefail
. scripts/utils/log.sh

tgt_lang=de
splits="train dev"

help_message=$(cat <<HELP
Usage: local/data.sh [--tgt_lang de|it|nl] [--splits "train dev"]
  --tgt_lang  the direction whose English audio is used: \${MUSTC}/en-<tgt_lang>/ (MUSTC from db.sh) (default: ${tgt_lang})
  --splits    MuST-C splits to prepare, separated by spaces or commas (default: ${splits})
HELP
)
. scripts/utils/parse_options.sh
if [ $# -ne 0 ]; then
    log "Error: unexpected argument(s): $*"
    exit 2
fi
. ./path.sh
. ./db.sh

if [ ! -d "${MUSTC}/en-${tgt_lang}" ] && [ "$(basename "${MUSTC}")" != "en-${tgt_lang}" ]; then
    log "Error: ${MUSTC}/en-${tgt_lang} does not exist. Download MuST-C v1 en-${tgt_lang} from"
    log "  https://ict.fbk.eu/must-c/ (MUSTC_v1.0_en-${tgt_lang}.tar.gz), unpack it (it gives en-${tgt_lang}/)"
    log "  and set MUSTC in db.sh or the environment to the directory that holds en-${tgt_lang}/."
    exit 1
fi

splits=${splits//,/ }
log "Preparing the audio of MuST-C en-${tgt_lang} splits (${splits}) from ${MUSTC}"
# shellcheck disable=SC2086
python -m mmpt.corpora.must_c --root "${MUSTC}" --tgt_lang "${tgt_lang}" --splits ${splits} --out data
for split in ${splits}; do
    # no labels in a pre-training set
    rm -f "data/${split}.en-${tgt_lang}"/text "data/${split}.en-${tgt_lang}"/text.*
done
log "Successfully finished data preparation"
