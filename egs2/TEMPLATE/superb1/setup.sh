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

log() {
    local fname=${BASH_SOURCE[1]##*/}
    echo -e "$(date '+%Y-%m-%dT%H:%M:%S') (${fname}:${BASH_LINENO[0]}:${FUNCNAME[1]}) $*" >&2
}

if [ $# -ne 1 ] || [ "$1" = --help ] || [ "$1" = -h ]; then
    echo "Usage: $0 <new-recipe-dir>    e.g. $0 egs2/mycorpus/superb1" >&2
    [ $# -eq 1 ] && exit 0
    exit 1
fi
target=$1
if [ -e "${target}" ] || [ -L "${target}" ]; then
    log "Error: ${target} already exists; refusing to overwrite it (remove it or choose another name)"
    exit 1
fi

template_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)   # egs2/TEMPLATE/superb1
egs_template=$(cd "${template_dir}/.." && pwd)                # egs2/TEMPLATE
main_root=$(cd "${egs_template}/../.." && pwd)

# relpath TARGET FROM_DIR: TARGET relative to FROM_DIR, both absolute, symlinks in them kept as they are.
relpath() {
    if realpath -s --relative-to=/ / >/dev/null 2>&1; then
        realpath -s --relative-to="$2" "$1"
    else
        python3 -c 'import os, sys; print(os.path.relpath(sys.argv[1], sys.argv[2]))' "$1" "$2"
    fi
}

mkdir -p "${target}/conf/paper" "${target}/conf/cpu" "${target}/local"
target=$(cd "${target}" && pwd)

ln -s "$(relpath "${template_dir}/superb.sh" "${target}")" "${target}/superb.sh"
ln -s "$(relpath "${egs_template}/scripts" "${target}")" "${target}/scripts"
ln -s "$(relpath "${egs_template}/common/path.sh" "${target}")" "${target}/path.sh"
cp "${egs_template}/common/cmd.sh" "${egs_template}/common/db.sh" "${target}/"
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
chmod +x "${target}/run.sh" "${target}/local/data.sh"

if [ "$(cd "${target}/../../.." && pwd)" != "${main_root}" ]; then
    log "Warning: ${target} is not egs2/<name>/<task> of ${main_root}: path.sh will not find mmpt"
    log "  and the conf/paper links may not resolve; export MMPT_ROOT=${main_root} before running it."
fi
log "Created ${target}. Next: write local/data.sh, set the corpus roots in db.sh,"
log "  then run: cd ${target} && ./run.sh --upstream_ckpt <checkpoint> --stage 1 --stop_stage 1"
