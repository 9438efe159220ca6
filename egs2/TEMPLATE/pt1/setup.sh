#!/usr/bin/env bash
# Create an audio-visual pre-training recipe for a new corpus, ESPnet style:
#
#   egs2/TEMPLATE/pt1/setup.sh egs2/<corpus>/pt1
#
# The new directory gets symlinks to the shared machinery (pt.sh, scripts/, path.sh, db.sh) and to the
# configurations it shares (conf/fbank.yaml -> mmpt/conf/fbank.yaml, conf/paper/{mae,clr,mae_clr}.yaml ->
# mmpt/conf/pretrain/paper/: replace a link by a file to change it), its own copies of the site settings
# (cmd.sh) and of conf/cpu/*.yaml (from mmpt/conf/pretrain/cpu/), a run.sh skeleton and a local/data.sh
# template that says what to write. An existing directory is never overwritten.
set -euo pipefail
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/../scripts/utils/new_recipe.sh"

new_recipe_init pt1 "$@"

conf_src=${main_root}/mmpt/conf
for f in "${conf_src}/fbank.yaml" "${conf_src}"/pretrain/{cpu,paper}/{mae,clr,mae_clr}.yaml; do
    if [ ! -f "${f}" ]; then
        rm -r "${target}"
        log "Error: ${f} is missing: this is not a complete mmpt checkout"
        exit 1
    fi
done
new_recipe_link pt.sh
mkdir -p "${target}/conf/cpu" "${target}/conf/paper"
link_to "${conf_src}/fbank.yaml" "${target}/conf/fbank.yaml"
cp "${conf_src}"/pretrain/cpu/*.yaml "${target}/conf/cpu/"
for conf in "${conf_src}"/pretrain/paper/*.yaml; do
    link_to "${conf}" "${target}/conf/paper/$(basename "${conf}")"
done

new_recipe_run_sh pt.sh "[--stage N] [--stop_stage M] [any pt.sh option, e.g. --pt_method clr]" <<'EOF'
train_set=train            # data/<train_set>, written by local/data.sh
valid_set=valid

./pt.sh \
    --train_set "${train_set}" \
    --valid_set "${valid_set}" \
    --fbank_conf conf/fbank.yaml \
    --pt_method mae \
    --conf_scale cpu \
    "$@"
EOF

new_recipe_data_sh corpus <<'EOF'
# Data preparation of this recipe (stage 1 of pt.sh runs it from the recipe directory).
#
# TO WRITE: turn the corpus, as distributed, into one Kaldi-style data directory per set named in
# run.sh (data/<train_set>, data/<valid_set>), each holding
#   wav.scp    <utt-id> <absolute path of the clip>   (the audio is decoded from the container)
#   video.scp  <utt-id> <absolute path of the clip>
#   utt2spk    <utt-id> <speaker or source-video id>  (spk2utt is derived from utt2spk)
# sorted with LC_ALL=C. Put the parsing in a python module mmpt/corpora/<corpus>.py that hands its clips
# to mmpt.corpora.av_clips.prepare_clips (see mmpt/corpora/lrs3.py): it probes every clip, excludes bad
# ones with a count and a message naming the file, moves clips without audio to <set>/video_only/, and
# rewrites nothing when run twice. Call it here as
#   python -m mmpt.corpora.<corpus> --root "${CORPUS}" --out data
# with the corpus root defined in db.sh; make a validation set with
#   python -m mmpt.bin.datadir subset --random <N> data/<split> data/valid
# pt.sh validates the data directories afterwards.
EOF

new_recipe_done "--stage 1 --stop_stage 4"
