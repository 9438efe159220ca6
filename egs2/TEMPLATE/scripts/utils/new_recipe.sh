#!/usr/bin/env bash
# Shared steps of the TEMPLATE/<task>/setup.sh scripts, which create a recipe directory ESPnet style.
# Source it from a setup.sh, then:
#
#   new_recipe_init <task> "$@"     usage and checks; sets target (absolute, created), template_dir
#                                   (TEMPLATE/<task>), egs_template (TEMPLATE), main_root (the checkout)
#   new_recipe_link <stage script>  links <stage script>, scripts/, path.sh and db.sh; copies cmd.sh
#   new_recipe_conf [SRC_DIR]       copies SRC_DIR (default TEMPLATE/<task>/conf) into conf/: files are
#                                   copied, symlinks (configs owned elsewhere) re-linked from the target
#   link_to FILE LINK               LINK -> FILE, relative, FILE's symlinks resolved first
#   relpath TARGET FROM_DIR         TARGET relative to FROM_DIR (symlinks kept as they are, so that a
#                                   recipe links to the TEMPLATE of its own checkout)
#   new_recipe_run_sh <stage script> <usage>   writes run.sh: the header, then stdin (sets and options)
#   new_recipe_data_sh <noun> [<option defaults> <help message>]
#                                   writes the local/data.sh template: stdin (its comment header: what to
#                                   write), then a stub that parses its options and stops with a message
#                                   ("... the data preparation of this <noun>")
#   new_recipe_done <stages>        makes run.sh and local/data.sh executable and says what to do next
#
# An existing directory is never overwritten.

# shellcheck source=log.sh
. "$(dirname "${BASH_SOURCE[0]}")/log.sh"

relpath() {
    if realpath -s --relative-to=/ / >/dev/null 2>&1; then
        realpath -s --relative-to="$2" "$1"
    else
        python3 -c 'import os, sys; print(os.path.relpath(sys.argv[1], sys.argv[2]))' "$1" "$2"
    fi
}

link_to() {
    ln -s "$(relpath "$(readlink -f "$1")" "$(dirname "$2")")" "$2"
}

new_recipe_init() {
    local task=$1
    shift
    if [ $# -ne 1 ] || [ "$1" = --help ] || [ "$1" = -h ]; then
        echo "Usage: $0 <new-recipe-dir>    e.g. egs2/mycorpus/${task}" >&2
        [ $# -eq 1 ] && exit 0
        exit 1
    fi
    target=$1
    if [ -e "${target}" ] || [ -L "${target}" ]; then
        log "Error: ${target} already exists; refusing to overwrite it (remove it or choose another name)"
        exit 1
    fi
    egs_template=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
    template_dir=${egs_template}/${task}
    main_root=$(cd "${egs_template}/../.." && pwd)
    mkdir -p "${target}/conf" "${target}/local"
    target=$(cd "${target}" && pwd)
}

new_recipe_link() {
    ln -s "$(relpath "${template_dir}/$1" "${target}")" "${target}/$1"
    ln -s "$(relpath "${egs_template}/scripts" "${target}")" "${target}/scripts"
    ln -s "$(relpath "${egs_template}/common/path.sh" "${target}")" "${target}/path.sh"
    ln -s "$(relpath "${egs_template}/common/db.sh" "${target}")" "${target}/db.sh"
    cp "${egs_template}/common/cmd.sh" "${target}/"
}

new_recipe_conf() {
    local src=${1:-${template_dir}/conf} path rel
    while IFS= read -r -d '' path; do
        rel=${path#"${src}"/}
        mkdir -p "$(dirname "${target}/conf/${rel}")"
        if [ -L "${path}" ]; then
            link_to "${path}" "${target}/conf/${rel}"
        else
            cp "${path}" "${target}/conf/${rel}"
        fi
    done < <(find "${src}" \( -type f -o -type l \) -print0 | sort -z)
}

new_recipe_run_sh() {
    {
        echo "#!/usr/bin/env bash"
        echo "# Run the recipe: ./run.sh $2"
        echo "set -euo pipefail"
        echo
        cat
    } > "${target}/run.sh"
}

new_recipe_data_sh() {
    local defaults=${2:-} help=${3:-"Usage: local/data.sh"}
    {
        echo "#!/usr/bin/env bash"
        cat
        echo "set -euo pipefail"
        echo ". scripts/utils/log.sh"
        echo
        [ -n "${defaults}" ] && echo "${defaults}"
        echo "help_message=\"${help//\"/\\\"}\""
        echo ". scripts/utils/parse_options.sh"
        echo ". ./path.sh"
        echo ". ./db.sh"
        echo
        echo "log \"Error: \$(pwd)/local/data.sh is still the template: write the data preparation of this $1.\""
        echo "exit 1"
    } > "${target}/local/data.sh"
}

new_recipe_done() {
    chmod +x "${target}/run.sh" "${target}/local/data.sh"
    if [ "$(cd "${target}/../../.." && pwd)" != "${main_root}" ]; then
        log "Warning: ${target} is not egs2/<corpus>/<task> of ${main_root}: path.sh will not find mmpt"
        log "  (nor will links into mmpt/ resolve); export MMPT_ROOT=${main_root} before running it."
    fi
    log "Created ${target}. Next: write local/data.sh and the set names in run.sh, set the corpus root in"
    log "  TEMPLATE/common/db.sh (db.sh links there) or the environment, then run: cd ${target} && ./run.sh $1"
}
