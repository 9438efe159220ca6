#!/usr/bin/env bash
# LRS3 data preparation for the positive control (supervised CTC on the LRS3 transcripts):
#   data/{pretrain,trainval,test,train,valid}  exactly the sets of the pre-training recipe (local/lrs3_clips.sh
#                                              is egs2/lrs3/pt1/local/data.sh: the same clips, the same
#                                              held-out validation clips), so the encoder sees the audio
#                                              the pre-training saw, now with its transcripts
#   then the transcripts of train, valid and test in LibriSpeech's form (upper case, apostrophes inside
#   words, no other punctuation; python -m mmpt.bin.normalize_text), like the fine-tuning's
# Options are those of local/lrs3_clips.sh (--train_splits, --valid_split, --valid_percent, --nj).
set -euo pipefail
. scripts/utils/log.sh

if [ ! -x local/lrs3_clips.sh ]; then
    log "Error: local/lrs3_clips.sh (a link to the pre-training recipe's ../../pt1/local/data.sh) is missing"
    exit 1
fi
local/lrs3_clips.sh "$@"
. ./path.sh
sets=(train valid)
[ -f data/test/text ] && sets+=(test)
log "Transcripts of ${sets[*]} in LibriSpeech's form"
python -m mmpt.bin.normalize_text "${sets[@]/#/data/}"
log "Successfully finished data preparation"
