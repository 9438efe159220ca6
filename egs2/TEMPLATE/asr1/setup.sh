#!/usr/bin/env bash
# Create an ASR recipe for a new corpus, ESPnet style:
#
#   egs2/TEMPLATE/asr1/setup.sh egs2/<corpus>/asr1
#
# The new directory gets symlinks to the shared machinery (asr.sh, scripts/, path.sh, db.sh), its own
# copies of the site settings (cmd.sh) and of conf/ (conf/fbank.yaml stays a link to mmpt/conf/fbank.yaml:
# replace the link by a file to change it), a run.sh skeleton and a local/data.sh template that says what
# to write. An existing directory is never overwritten.
set -euo pipefail
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/../scripts/utils/new_recipe.sh"

new_recipe_init asr1 "$@"
new_recipe_link asr.sh
new_recipe_conf

new_recipe_run_sh asr.sh "[--stage N] [--stop_stage M] [any asr.sh option]" <<'RUN'
train_set=train            # data/<train_set>, written by local/data.sh
valid_set=dev
test_sets="test"

./asr.sh \
    --train_set "${train_set}" \
    --valid_set "${valid_set}" \
    --test_sets "${test_sets}" \
    --fbank_conf conf/fbank.yaml \
    "$@"
RUN

new_recipe_data_sh corpus <<'DATA'
# Data preparation of this recipe (stage 1 of asr.sh runs it from the recipe directory).
#
# TO WRITE: turn the corpus, as distributed, into one Kaldi-style data directory per set named in
# run.sh (data/<train_set>, data/<valid_set>, data/<each test set>), each holding
#   wav.scp  <utt-id> <absolute audio path>        text     <utt-id> <transcript>
#   utt2spk  <utt-id> <speaker-id>                 (spk2utt is derived from utt2spk)
# sorted with LC_ALL=C, utterance ids prefixed by the speaker id. Put the parsing in a python module
# mmpt/corpora/<corpus>.py (see mmpt/corpora/librispeech.py) that writes through mmpt.data.datadir,
# excludes bad entries with a count and a message naming the file, and is idempotent; call it here as
#   python -m mmpt.corpora.<corpus> --root "${CORPUS}" --out data
# with the corpus root defined in db.sh. asr.sh validates the data directories afterwards.
DATA

new_recipe_done "--stage 1 --stop_stage 3"
