#!/usr/bin/env bash
# Create a SUPERB recipe directory, ESPnet style:
#
#   egs2/TEMPLATE/superb1/setup.sh egs2/<name>/superb1
#
# The new directory gets symlinks to the shared machinery (superb.sh, scripts/, path.sh), its own copies of
# the site settings (cmd.sh, db.sh) and of conf/ (conf/paper/*.yaml stay links to mmpt's SUPERB configs:
# replace a link by a file to change it), a run.sh skeleton and a local/data.sh template that says what to
# write. An existing directory is never overwritten. egs2/superb/superb1 is the complete recipe (KS, IC,
# PR, SD from Speech Commands, Fluent Speech Commands, LibriSpeech, Libri2Mix).
set -euo pipefail
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/../scripts/utils/new_recipe.sh"

new_recipe_init superb1 "$@"
new_recipe_link superb.sh
mkdir -p "${target}/conf/paper" "${target}/conf/cpu"
cp "${template_dir}"/conf/cpu/*.yaml "${target}/conf/cpu/"
for conf in "${template_dir}"/conf/paper/*.yaml; do   # links to mmpt/superb/configs/<downstream>/config.yaml
    ln -s "$(relpath "$(readlink -f "${conf}")" "${target}/conf/paper")" "${target}/conf/paper/$(basename "${conf}")"
done

cat > "${target}/run.sh" <<'RUN'
#!/usr/bin/env bash
# Run the recipe: ./run.sh --upstream_ckpt <checkpoint> [--stage N] [--stop_stage M] [any superb.sh option]
set -euo pipefail

tasks="ks ic pr sd"

./superb.sh \
    --tasks "${tasks}" \
    --conf_scale paper \
    "$@"
RUN

cat > "${target}/local/data.sh" <<'DATA'
#!/usr/bin/env bash
# Data preparation of this recipe (stage 1 of superb.sh runs it as
#   local/data.sh --tasks "<tasks>" --datadir <datadir> --nj <nj> <local_data_opts>).
#
# TO WRITE: for each task asked for, what s3prl reads (see egs2/superb/superb1/local/data.sh, which does it
# for the SUPERB corpora with mmpt.corpora and mmpt.superb.prepare):
#   ks: <datadir>/ks/{train,valid,test} (Kaldi data dirs) and <datadir>/ks/s3prl/speech_commands{,_test_set}_v0.01/
#   ic: <datadir>/ic/{train,valid,test} and <datadir>/ic/s3prl/data/{train,valid,test}_data.csv
#   pr: <datadir>/pr/<split>/ and <datadir>/pr/csv/{train,dev,test}.csv, lexicon.txt, phones.txt
#   sd: <datadir>/sd/{train,dev,test} with wav.scp, segments, utt2spk, reco2dur and rttm
set -euo pipefail
. scripts/utils/log.sh

tasks="ks ic pr sd"
datadir=data
nj=4
help_message="Usage: local/data.sh [--tasks \"ks ic pr sd\"] [--datadir data] [--nj N]"
. scripts/utils/parse_options.sh
. ./path.sh
. ./db.sh

log "Error: $(pwd)/local/data.sh is still the template: write the data preparation of this recipe."
exit 1
DATA

new_recipe_done "--upstream_ckpt <checkpoint> --stage 1 --stop_stage 1"
