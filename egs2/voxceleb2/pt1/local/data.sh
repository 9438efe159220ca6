#!/usr/bin/env bash
# VoxCeleb2 data preparation for pre-training:
#   data/{dev,test}   one data directory per split present (python -m mmpt.corpora.voxceleb2); dev trains
#   data/valid        --num_valid clips of data/test drawn at random (seed 0; all of them when it has fewer)
# Clips without an audio track are in data/<split>/video_only/ (not used here); excluded clips are listed
# in data/<split>/excluded.txt. Running it again rewrites nothing when the corpus did not change.
set -euo pipefail
. scripts/utils/options.sh

num_valid=1000     # clips of test used for validation
nj=4               # threads probing the clips

help_message=$(cat <<HELP
Usage: local/data.sh [--num_valid N] [--nj N]
  --num_valid  clips of the test split drawn at random as data/valid (default: ${num_valid})
  --nj         threads probing the clips (default: ${nj})
The corpus is \${VOXCELEB2}/{dev,test}/mp4/id<NNNNN>/<video_id>/<NNNNN>.mp4 (VOXCELEB2 from db.sh), with
vox2_meta.csv beside dev/ and test/ when available.
HELP
)
parse_local_options "$@"

if ! [[ "${num_valid}" =~ ^[0-9]+$ ]] || [ "${num_valid}" -lt 1 ]; then
    log "Error: --num_valid must be a positive integer, got '${num_valid}'"
    exit 2
fi
if [ ! -d "${VOXCELEB2}" ]; then
    log "Error: ${VOXCELEB2} does not exist. Get VoxCeleb2 (vox2_dev_mp4, vox2_test_mp4) from"
    log "  https://www.robots.ox.ac.uk/~vgg/data/voxceleb/vox2.html, unpack it (dev/mp4/, test/mp4/) and set"
    log "  VOXCELEB2 in db.sh or the environment to that directory."
    exit 1
fi

log "Preparing VoxCeleb2 splits (dev test) from ${VOXCELEB2}"
python -m mmpt.corpora.voxceleb2 --root "${VOXCELEB2}" --splits dev test --out data --nj "${nj}"
for split in dev test; do
    if [ ! -f "data/${split}/wav.scp" ]; then
        log "Error: data/${split} was not prepared (split absent from ${VOXCELEB2}, or no clip with audio)"
        exit 1
    fi
done
log "Drawing at most ${num_valid} clips of data/test as data/valid"
python -m mmpt.bin.datadir subset --random "${num_valid}" --seed 0 data/test data/valid
log "Successfully finished data preparation"
