#!/usr/bin/env bash
# LRS3 data preparation for pre-training:
#   data/{pretrain,trainval,test}   one data directory per split present (python -m mmpt.corpora.lrs3)
#   data/valid                      --valid_percent % of the clips of --valid_split, drawn at random (seed 0)
#   data/train                      the --train_splits combined, without the clips of data/valid (when
#                                   --valid_split is one of them)
# Clips without an audio track are in data/<split>/video_only/ (not used here); excluded clips are listed
# in data/<split>/excluded.txt. Running it again rewrites nothing when the corpus did not change.
set -euo pipefail
. scripts/utils/options.sh

train_splits="pretrain trainval"   # splits combined into data/train
valid_split=trainval               # split the validation clips are held out from
valid_percent=5                    # % of ${valid_split} held out as data/valid (at least one clip)
nj=4                               # threads probing the clips

help_message=$(cat <<HELP
Usage: local/data.sh [--train_splits "pretrain trainval"] [--valid_split trainval] [--valid_percent 5] [--nj N]
  --train_splits   LRS3 splits combined into data/train (default: ${train_splits})
  --valid_split    split from which data/valid is drawn, and held out of data/train when it is one of
                   --train_splits (default: ${valid_split})
  --valid_percent  share of --valid_split held out, in % (default: ${valid_percent})
  --nj             threads probing the clips (default: ${nj})
The corpus is \${LRS3}/{pretrain,trainval,test}/<video_id>/<NNNNN>.{mp4,txt} (LRS3 from db.sh).
HELP
)
parse_local_options "$@"

train_splits=${train_splits//,/ }
if ! [[ "${valid_percent}" =~ ^[0-9]+([.][0-9]+)?$ ]] || awk -v p="${valid_percent}" 'BEGIN {exit !(p <= 0 || p >= 100)}'; then
    log "Error: --valid_percent must be a number in (0, 100), got '${valid_percent}'"
    exit 2
fi
if [ ! -d "${LRS3}" ]; then
    log "Error: ${LRS3} does not exist. Get LRS3 from https://www.robots.ox.ac.uk/~vgg/data/lip_reading/lrs3.html,"
    log "  unpack it (pretrain/, trainval/, test/) and set LRS3 in db.sh or the environment to that directory."
    exit 1
fi

splits=$(printf '%s\n' ${train_splits} "${valid_split}" test | awk '!seen[$0]++' | tr '\n' ' ')
log "Preparing LRS3 splits (${splits}) from ${LRS3}"
# shellcheck disable=SC2086
python -m mmpt.corpora.lrs3 --root "${LRS3}" --splits ${splits} --out data --nj "${nj}"
for split in ${train_splits} ${valid_split}; do
    if [ ! -f "data/${split}/wav.scp" ]; then
        log "Error: data/${split} was not prepared (split absent from ${LRS3}, or no clip with audio);"
        log "  choose the splits to train on with --local_data_opts \"--train_splits '...'\""
        exit 1
    fi
done

num=$(wc -l < "data/${valid_split}/utt2spk")
num_valid=$(awk -v n="${num}" -v p="${valid_percent}" 'BEGIN {v = int(n * p / 100); print (v < 1 ? 1 : v)}')
if [ "${num_valid}" -ge "${num}" ]; then
    log "Error: data/${valid_split} has ${num} clip(s): too few to hold ${num_valid} out for validation"
    exit 1
fi
log "Holding out ${num_valid} of the ${num} clips of data/${valid_split} as data/valid"
python -m mmpt.bin.datadir subset --random "${num_valid}" --seed 0 "data/${valid_split}" data/valid

# data/train = the training splits without the validation clips.
mkdir -p data/local
rest=data/local/${valid_split}_train
cut -d' ' -f1 data/valid/utt2spk > data/local/valid.ids
cut -d' ' -f1 "data/${valid_split}/utt2spk" | grep -vxF -f data/local/valid.ids > "${rest}.ids"
rm -rf "${rest}"
python -m mmpt.bin.datadir subset --utt-list "${rest}.ids" "data/${valid_split}" "${rest}"
parts=()
for split in ${train_splits}; do
    [ "${split}" = "${valid_split}" ] && parts+=("${rest}") || parts+=("data/${split}")
done
python -m mmpt.bin.datadir combine data/train "${parts[@]}"
log "Successfully finished data preparation"
