#!/usr/bin/env bash
# Create a speech-translation recipe for a new corpus, ESPnet style:
#
#   egs2/TEMPLATE/st1/setup.sh egs2/<corpus>/st1
#
# The new directory gets symlinks to the shared machinery (st.sh, scripts/, path.sh), its own copies of
# the site settings (cmd.sh, db.sh) and of conf/, a run.sh skeleton and a local/data.sh template that
# says what to write. An existing directory is never overwritten.
set -euo pipefail

log() {
    local fname=${BASH_SOURCE[1]##*/}
    echo -e "$(date '+%Y-%m-%dT%H:%M:%S') (${fname}:${BASH_LINENO[0]}:${FUNCNAME[1]}) $*" >&2
}

if [ $# -ne 1 ] || [ "$1" = --help ] || [ "$1" = -h ]; then
    echo "Usage: $0 <new-recipe-dir>    e.g. $0 egs2/mycorpus/st1" >&2
    [ $# -eq 1 ] && exit 0
    exit 1
fi
target=$1
if [ -e "${target}" ] || [ -L "${target}" ]; then
    log "Error: ${target} already exists; refusing to overwrite it (remove it or choose another name)"
    exit 1
fi

template_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)   # egs2/TEMPLATE/st1
egs_template=$(cd "${template_dir}/.." && pwd)                # egs2/TEMPLATE
main_root=$(cd "${egs_template}/../.." && pwd)

relpath() {
    if realpath -s --relative-to=/ / >/dev/null 2>&1; then
        realpath -s --relative-to="$2" "$1"
    else
        python3 -c 'import os, sys; print(os.path.relpath(sys.argv[1], sys.argv[2]))' "$1" "$2"
    fi
}

mkdir -p "${target}/conf" "${target}/local"
target=$(cd "${target}" && pwd)

ln -s "$(relpath "${template_dir}/st.sh" "${target}")" "${target}/st.sh"
ln -s "$(relpath "${egs_template}/scripts" "${target}")" "${target}/scripts"
ln -s "$(relpath "${egs_template}/common/path.sh" "${target}")" "${target}/path.sh"
cp "${egs_template}/common/cmd.sh" "${egs_template}/common/db.sh" "${target}/"
cp -R "${template_dir}/conf/." "${target}/conf/"

cat > "${target}/run.sh" <<'EOF'
#!/usr/bin/env bash
# Run the recipe: ./run.sh [--stage N] [--stop_stage M] [any st.sh option]
set -euo pipefail

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
EOF

cat > "${target}/local/data.sh" <<'EOF'
#!/usr/bin/env bash
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
set -euo pipefail
. scripts/utils/log.sh

help_message="Usage: local/data.sh"
. scripts/utils/parse_options.sh
. ./path.sh
. ./db.sh

log "Error: $(pwd)/local/data.sh is still the template: write the data preparation of this corpus."
exit 1
EOF
chmod +x "${target}/run.sh" "${target}/local/data.sh"

if [ "$(cd "${target}/../../.." && pwd)" != "${main_root}" ]; then
    log "Warning: ${target} is not egs2/<corpus>/<task> of ${main_root}: path.sh will not find mmpt;"
    log "  export MMPT_ROOT=${main_root} before running it."
fi
log "Created ${target}. Next: write local/data.sh, set the corpus root in db.sh, the set names in run.sh,"
log "  then run: cd ${target} && ./run.sh --stage 1 --stop_stage 3"
