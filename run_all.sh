#!/usr/bin/env bash
# The main job: install what is missing, write the embedded corpus, then run every recipe stage that exists.
#
#   ./run_all.sh                          # embedded corpus, preset mini, everything
#   ./run_all.sh --preset tiny            # the small corpus the tests use (minutes)
#   ./run_all.sh --stage 2 --stop_stage 2 # only the LibriSpeech data/feature stages
#   ./run_all.sh --db /data/corpora ...   # a directory with the REAL corpora in the embedded corpus's
#                                         # arrangement (<db>/librispeech/LibriSpeech, <db>/must_c/en-de, ...)
#
# Stages:
#   0  tools/install.sh (a no-op when up to date)
#   1  mmpt-synth: the embedded corpus in the real layouts under <db> (skipped with --synth false)
#   2  egs2/librispeech/asr1 stages 1-3: data prep, fbank dump, CMVN statistics
# Re-running reuses finished work: every step skips what it already did.
set -euo pipefail

log() { echo -e "$(date '+%Y-%m-%dT%H:%M:%S') (run_all.sh:${BASH_LINENO[0]}) $*"; }

stage=0
stop_stage=100
preset=mini
seed=0
nj=$(nproc 2>/dev/null || echo 2)
synth=true
db=
help_message="Usage: $0 [--stage N] [--stop_stage M] [--preset tiny|mini|small] [--seed N] [--nj N] [--db DIR] [--synth true|false]"

main_root=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "${main_root}/egs2/TEMPLATE/scripts/utils/parse_options.sh"

db=${db:-${main_root}/db/embedded_${preset}_seed${seed}}
db=$(mkdir -p "${db}" && cd "${db}" && pwd)
python="${main_root}/tools/venv/bin/python"
export LIBRISPEECH="${db}/librispeech" MUSTC="${db}/must_c" LRS3="${db}/lrs3" VOXCELEB2="${db}/voxceleb2" \
    KINETICS600="${db}/kinetics600" SPEECH_COMMANDS="${db}/speech_commands" \
    FLUENT_SPEECH_COMMANDS="${db}/fluent_speech_commands" LIBRIMIX="${db}/librimix"

t_start=$(date +%s)
if [ "${stage}" -le 0 ] && [ "${stop_stage}" -ge 0 ]; then
    log "Stage 0: install (tools/install.sh)"
    bash "${main_root}/tools/install.sh"
fi

if [ "${stage}" -le 1 ] && [ "${stop_stage}" -ge 1 ] && [ "${synth}" = true ]; then
    log "Stage 1: embedded corpus, preset ${preset}, seed ${seed} -> ${db}"
    "${python}" -m mmpt.bin.synth --out "${db}" --preset "${preset}" --seed "${seed}" --nj "${nj}"
fi

if [ "${stage}" -le 2 ] && [ "${stop_stage}" -ge 2 ]; then
    log "Stage 2: LibriSpeech data prep, fbank dump and CMVN (egs2/librispeech/asr1 stages 1-3)"
    (cd "${main_root}/egs2/librispeech/asr1" && ./run.sh --stage 1 --stop_stage 3 --nj "${nj}")
fi

log "Finished in $(( $(date +%s) - t_start )) s"
