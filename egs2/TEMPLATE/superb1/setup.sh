#!/usr/bin/env bash
# Create a SUPERB recipe directory, ESPnet style:
#
#   egs2/TEMPLATE/superb1/setup.sh egs2/<name>/superb1
#
# The new directory gets symlinks to the shared machinery (superb.sh, scripts/, path.sh, db.sh), its own
# copies of the site settings (cmd.sh) and of conf/ (conf/paper/*.yaml stay links to mmpt's SUPERB configs:
# replace a link by a file to change it), a run.sh skeleton and a local/data.sh template that says what to
# write. An existing directory is never overwritten. egs2/superb/superb1 is the complete recipe (KS, IC,
# PR, SD from Speech Commands, Fluent Speech Commands, LibriSpeech, Libri2Mix).
set -euo pipefail
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/../scripts/utils/new_recipe.sh"

new_recipe_init superb1 "$@"
new_recipe_link superb.sh
new_recipe_conf   # conf/paper/*.yaml: links to mmpt/superb/configs/<downstream>/config.yaml

new_recipe_run_sh superb.sh "--upstream_ckpt <checkpoint> [--stage N] [--stop_stage M] [any superb.sh option]" <<'RUN'
tasks="ks ic pr sd"

./superb.sh \
    --tasks "${tasks}" \
    --conf_scale paper \
    "$@"
RUN

new_recipe_data_sh recipe 'tasks="ks ic pr sd"
datadir=data
nj=4' 'Usage: local/data.sh [--tasks "ks ic pr sd"] [--datadir data] [--nj N]' <<'DATA'
# Data preparation of this recipe (stage 1 of superb.sh runs it as
#   local/data.sh --tasks "<tasks>" --datadir <datadir> --nj <nj> <local_data_opts>).
#
# TO WRITE: for each task asked for, what s3prl reads (see egs2/superb/superb1/local/data.sh, which does it
# for the SUPERB corpora with mmpt.corpora and mmpt.superb.prepare):
#   ks: <datadir>/ks/{train,valid,test} (Kaldi data dirs) and <datadir>/ks/s3prl/speech_commands{,_test_set}_v0.01/
#   ic: <datadir>/ic/{train,valid,test} and <datadir>/ic/s3prl/data/{train,valid,test}_data.csv
#   pr: <datadir>/pr/<split>/ and <datadir>/pr/csv/{train,dev,test}.csv, lexicon.txt, phones.txt
#   sd: <datadir>/sd/{train,dev,test} with wav.scp, segments, utt2spk, reco2dur and rttm
DATA

new_recipe_done "--upstream_ckpt <checkpoint> --stage 1 --stop_stage 1"
