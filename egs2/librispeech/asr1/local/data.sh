#!/usr/bin/env bash
# LibriSpeech data preparation: data/<split> (dev_clean, test_clean, train_clean_100, ...) for each
# requested split present under ${LIBRISPEECH}/LibriSpeech. An absent split is reported and skipped;
# it is an error when none of them exists.
set -euo pipefail
. scripts/utils/options.sh

splits="dev-clean dev-other test-clean test-other train-clean-100 train-clean-360 train-other-500"
nj=4            # threads reading the flac headers (utt2dur)

help_message=$(cat <<HELP
Usage: local/data.sh [--splits "<split> ..."] [--nj N]
  --splits  LibriSpeech splits to prepare, as test-clean or test_clean, separated by spaces or commas
            (default: ${splits})
  --nj      threads reading flac headers (default: ${nj})
The corpus is \${LIBRISPEECH}/LibriSpeech/<split>/<reader>/<chapter>/ (LIBRISPEECH from db.sh).
HELP
)
parse_local_options "$@"

root=${LIBRISPEECH}/LibriSpeech
if [ ! -d "${root}" ] && [ "$(basename "${LIBRISPEECH}")" = LibriSpeech ] && [ -d "${LIBRISPEECH}" ]; then
    root=${LIBRISPEECH}   # LIBRISPEECH names the LibriSpeech/ directory itself
fi
if [ ! -d "${root}" ]; then
    log "Error: ${root} does not exist. Download LibriSpeech from https://www.openslr.org/12, unpack it"
    log "  (tar xzf test-clean.tar.gz ... gives LibriSpeech/<split>/) and set LIBRISPEECH in db.sh"
    log "  or the environment to the directory that holds LibriSpeech/."
    exit 1
fi

log "Preparing LibriSpeech splits (${splits}) from ${root}"
# shellcheck disable=SC2086
python -m mmpt.corpora.librispeech --root "${root}" --splits ${splits//,/ } --out data --nj "${nj}"
log "Successfully finished data preparation"
