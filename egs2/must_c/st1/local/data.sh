#!/usr/bin/env bash
# MuST-C v1 data preparation: data/<split>.en-<tgt> (train, dev, tst-COMMON) from
# ${MUSTC}/en-<tgt>/data/<split>/{wav/*.wav, txt/<split>.{yaml,en,<tgt>}}: talk-level wavs cut into
# segments by the yaml; text = target (true case), text.lc.rm.en = source (lower case, no punctuation).
set -euo pipefail
. scripts/utils/options.sh

tgt_lang=de
splits="train dev tst-COMMON"

help_message=$(cat <<HELP
Usage: local/data.sh [--tgt_lang de|it|nl] [--splits "train dev tst-COMMON"]
  --tgt_lang  target language: the corpus is \${MUSTC}/en-<tgt_lang>/ (MUSTC from db.sh) (default: ${tgt_lang})
  --splits    MuST-C splits to prepare, separated by spaces or commas (default: ${splits})
HELP
)
parse_local_options "$@"

if [ ! -d "${MUSTC}/en-${tgt_lang}" ] && [ "$(basename "${MUSTC}")" != "en-${tgt_lang}" ]; then
    log "Error: ${MUSTC}/en-${tgt_lang} does not exist. Download MuST-C v1 en-${tgt_lang} from"
    log "  https://ict.fbk.eu/must-c/ (MUSTC_v1.0_en-${tgt_lang}.tar.gz), unpack it (it gives en-${tgt_lang}/)"
    log "  and set MUSTC in db.sh or the environment to the directory that holds en-${tgt_lang}/."
    exit 1
fi

log "Preparing MuST-C en-${tgt_lang} splits (${splits}) from ${MUSTC}"
# shellcheck disable=SC2086
python -m mmpt.corpora.must_c --root "${MUSTC}" --tgt_lang "${tgt_lang}" --splits ${splits//,/ } --out data
log "Successfully finished data preparation"
