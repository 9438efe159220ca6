#!/usr/bin/env bash
# Create a speech-translation recipe for a new corpus, ESPnet style:
#
#   egs2/TEMPLATE/st1/setup.sh egs2/<corpus>/st1
#
# The new directory gets symlinks to the shared machinery (st.sh, scripts/, path.sh, db.sh), its own
# copies of the site settings (cmd.sh) and of conf/ (conf/fbank.yaml stays a link to mmpt/conf/fbank.yaml),
# a run.sh skeleton and a local/data.sh template that says what to write. An existing directory is never
# overwritten.
set -euo pipefail
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/../scripts/utils/new_recipe.sh"

new_recipe_init st1 "$@"
new_recipe_link st.sh
new_recipe_conf

new_recipe_run_sh st.sh "[--stage N] [--stop_stage M] [any st.sh option]" <<'RUN'
src_lang=en
tgt_lang=de
train_set=train            # data/<train_set>, written by local/data.sh
valid_set=dev
test_sets="test"

./st.sh \
    --src_lang "${src_lang}" \
    --tgt_lang "${tgt_lang}" \
    --train_set "${train_set}" \
    --valid_set "${valid_set}" \
    --test_sets "${test_sets}" \
    --fbank_conf conf/fbank.yaml \
    --st_config conf/train_st.yaml \
    --inference_configs conf/decode_st.yaml \
    "$@"
RUN

new_recipe_data_sh corpus <<'DATA'
# Data preparation of this recipe (stage 1 of st.sh runs it from the recipe directory).
#
# TO WRITE: turn the corpus, as distributed, into one Kaldi-style data directory per set named in
# run.sh (data/<train_set>, data/<valid_set>, data/<each test set>), each holding
#   wav.scp   <recording-id> <absolute audio path>    segments <utt-id> <recording-id> <start> <end>
#   utt2spk   <utt-id> <speaker-id>                   (spk2utt is derived from utt2spk)
#   text      <utt-id> <target translation>           (= text.tc.<tgt_lang>, true case)
#   text.lc.rm.<src_lang>  <utt-id> <source transcript, lower case, punctuation removed>
# sorted with LC_ALL=C, utterance ids prefixed by the speaker id. Put the parsing in a python module
# mmpt/corpora/<corpus>.py (see mmpt/corpora/must_c.py) that writes through mmpt.data.datadir.
DATA

new_recipe_done "--stage 1 --stop_stage 3"
