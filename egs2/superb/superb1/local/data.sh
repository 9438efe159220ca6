#!/usr/bin/env bash
# SUPERB data preparation (stage 1 of superb.sh runs it from the recipe directory).
#
# Per task, the corpus is parsed into Kaldi data directories by mmpt.corpora (bad files excluded, counted and
# listed in <set>/excluded.txt), then what s3prl reads is made from those directories (mmpt.superb.prepare):
#   ks: ${SPEECH_COMMANDS}        -> data/ks/{train,valid,test}, data/ks/s3prl/speech_commands{,_test_set}_v0.01/
#   ic: ${FLUENT_SPEECH_COMMANDS} -> data/ic/{train,valid,test}, data/ic/s3prl/data/{train,valid,test}_data.csv
#   pr: ${LIBRISPEECH}            -> data/pr/<split>/ (train-clean-100, dev-clean, test-clean),
#                                    data/pr/csv/{train,dev,test}.csv, data/pr/lexicon.txt (espeak-ng), phones.txt
#   sd: ${LIBRIMIX}               -> data/sd/{train,dev,test} (with rttm)
# The corpus roots come from db.sh (or the environment). Re-running rewrites nothing that is up to date.
set -euo pipefail
. scripts/utils/options.sh

tasks="ks ic pr sd"
datadir=data
nj=4
ks_version=v0.01            # Speech Commands version (SUPERB: v0.01)
pr_train=train-clean-100    # LibriSpeech splits of PR
pr_dev=dev-clean
pr_test=test-clean
pr_lang=en                  # espeak-ng language of the PR lexicon
sd_rttm_dir=                # s3prl's per-source RTTMs, when Libri2Mix has no mixture-level RTTM

help_message=$(cat <<HELP
Usage: local/data.sh [--tasks "ks ic pr sd"] [--datadir data] [--nj N] [--ks_version v0.01]
                     [--pr_train train-clean-100] [--pr_dev dev-clean] [--pr_test test-clean] [--pr_lang en]
                     [--sd_rttm_dir DIR]
Corpus roots (db.sh or the environment): SPEECH_COMMANDS (holds speech_commands_v0.01/ and
speech_commands_test_set_v0.01/), FLUENT_SPEECH_COMMANDS (holds fluent_speech_commands_dataset/),
LIBRISPEECH (holds LibriSpeech/), LIBRIMIX (holds Libri2Mix/).
HELP
)
parse_local_options "$@"

# need_dir VAR HINT: the corpus root VAR must exist.
need_dir() {
    if [ ! -d "${!1}" ]; then
        log "Error: $1=${!1} does not exist. $2"
        log "  Set $1 in db.sh or the environment (see README.md)."
        exit 1
    fi
}

for task in ${tasks}; do
    case "${task}" in
        ks)
            need_dir SPEECH_COMMANDS "Download http://download.tensorflow.org/data/speech_commands_${ks_version}.tar.gz and speech_commands_test_set_${ks_version}.tar.gz."
            log "KS: Speech Commands ${ks_version} from ${SPEECH_COMMANDS}"
            python -m mmpt.corpora.speech_commands --root "${SPEECH_COMMANDS}" --version "${ks_version}" --out "${datadir}/ks"
            python -m mmpt.superb.prepare ks --data "${datadir}/ks" --out "${datadir}/ks/s3prl"
            ;;
        ic)
            need_dir FLUENT_SPEECH_COMMANDS "Fluent Speech Commands is distributed by fluent.ai on request."
            log "IC: Fluent Speech Commands from ${FLUENT_SPEECH_COMMANDS}"
            python -m mmpt.corpora.fluent_speech_commands --root "${FLUENT_SPEECH_COMMANDS}" --out "${datadir}/ic"
            python -m mmpt.superb.prepare ic --root "${FLUENT_SPEECH_COMMANDS}" --data "${datadir}/ic" --out "${datadir}/ic/s3prl"
            ;;
        pr)
            root=${LIBRISPEECH}/LibriSpeech
            if [ ! -d "${root}" ] && [ "$(basename "${LIBRISPEECH}")" = LibriSpeech ]; then
                root=${LIBRISPEECH}   # LIBRISPEECH names the LibriSpeech/ directory itself
            fi
            if [ ! -d "${root}" ]; then
                log "Error: ${root} does not exist. Download ${pr_train}, ${pr_dev} and ${pr_test} from"
                log "  https://www.openslr.org/12 and set LIBRISPEECH (db.sh or the environment) to the directory"
                log "  holding LibriSpeech/."
                exit 1
            fi
            log "PR: LibriSpeech ${pr_train} / ${pr_dev} / ${pr_test} from ${root}"
            # shellcheck disable=SC2046
            python -m mmpt.corpora.librispeech --root "${root}" \
                --splits $(printf '%s\n' "${pr_train}" "${pr_dev}" "${pr_test}" | LC_ALL=C sort -u) \
                --out "${datadir}/pr" --nj "${nj}"
            python -m mmpt.superb.prepare pr --train "${datadir}/pr/${pr_train//-/_}" \
                --dev "${datadir}/pr/${pr_dev//-/_}" --test "${datadir}/pr/${pr_test//-/_}" \
                --out "${datadir}/pr" --lang "${pr_lang}" --nj "${nj}"
            ;;
        sd)
            need_dir LIBRIMIX "Generate Libri2Mix (16 kHz, max mode) with s3prl's LibriMix fork."
            log "SD: Libri2Mix from ${LIBRIMIX}"
            python -m mmpt.corpora.librimix --root "${LIBRIMIX}" --out "${datadir}/sd" \
                ${sd_rttm_dir:+--rttm_dir "${sd_rttm_dir}"}
            ;;
        *)
            log "Error: unknown task '${task}'; choose among ks ic pr sd"
            exit 2
            ;;
    esac
done
log "Successfully finished data preparation (${tasks})"
