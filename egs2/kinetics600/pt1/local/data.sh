#!/usr/bin/env bash
# Kinetics-600 data preparation for pre-training:
#   data/{train,validate}   one data directory per split (python -m mmpt.corpora.kinetics600): train trains,
#                           validate validates (add test with --splits "train validate test")
# Kinetics clips carry ambient sound, not speech; their labels are kept in utt2category (unused here).
# Clips missing from disk (common: videos vanish from YouTube) are counted and listed in
# data/<split>/excluded.txt; clips without an audio track (also common) are in data/<split>/video_only/
# and are not used by the audio-visual pre-training. Running it again rewrites nothing when the corpus
# did not change.
set -euo pipefail
. scripts/utils/options.sh

splits="train validate"   # Kinetics-600 splits to prepare
nj=4                      # threads probing the clips

help_message=$(cat <<HELP
Usage: local/data.sh [--splits "train validate"] [--nj N]
  --splits  splits to prepare, separated by spaces or commas (default: ${splits})
  --nj      threads probing the clips (default: ${nj})
The corpus is \${KINETICS600}/{train,validate,test}.csv and \${KINETICS600}/<split>/<label>/<id>_<start>_<end>.mp4
(KINETICS600 from db.sh).
HELP
)
parse_local_options "$@"

if [ ! -d "${KINETICS600}" ]; then
    log "Error: ${KINETICS600} does not exist. Get Kinetics-600 (clips and the train/validate/test csv files,"
    log "  e.g. with https://github.com/cvdfoundation/kinetics-dataset) and set KINETICS600 in db.sh or the"
    log "  environment to the directory holding them."
    exit 1
fi

log "Preparing Kinetics-600 splits (${splits}) from ${KINETICS600}"
# shellcheck disable=SC2086
python -m mmpt.corpora.kinetics600 --root "${KINETICS600}" --splits ${splits//,/ } --out data --nj "${nj}"
log "Successfully finished data preparation"
