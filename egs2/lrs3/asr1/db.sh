# Where the corpora are. Each root is the directory that holds the corpus as distributed (see each
# recipe's README.md for the expected layout). Set them here for your site, or from the environment:
#   LIBRISPEECH=/data/corpora ./run.sh
# A relative path is relative to the recipe directory ("downloads" is where recipes put what they fetch).
LIBRISPEECH=${LIBRISPEECH:-downloads}               # holds LibriSpeech/<split>/...    (openslr.org/12)
MUSTC=${MUSTC:-downloads}                           # holds en-de/, en-it/, en-nl/ (MuST-C v1)
LRS3=${LRS3:-downloads}                             # holds pretrain/, trainval/, test/
VOXCELEB2=${VOXCELEB2:-downloads}                   # holds dev/mp4/, test/mp4/
KINETICS600=${KINETICS600:-downloads}               # holds train/, val/, test/ (+ annotation csv)
SPEECH_COMMANDS=${SPEECH_COMMANDS:-downloads}       # holds speech_commands_v0.01/, speech_commands_test_set_v0.01/
FLUENT_SPEECH_COMMANDS=${FLUENT_SPEECH_COMMANDS:-downloads}  # holds fluent_speech_commands_dataset/
LIBRIMIX=${LIBRIMIX:-downloads}                     # holds Libri2Mix/ (SUPERB speaker diarization)
