#!/usr/bin/env bash
# log MESSAGE...: print "<time> (<file>:<line>:<function>) MESSAGE" to stderr.
# Source it from recipe scripts: . scripts/utils/log.sh
log() {
    local fname=${BASH_SOURCE[1]##*/}
    echo -e "$(date '+%Y-%m-%dT%H:%M:%S') (${fname}:${BASH_LINENO[0]}:${FUNCNAME[1]}) $*" >&2
}
