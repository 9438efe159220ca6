#!/usr/bin/env bash
# Install what mmpt needs, idempotently: Debian packages (espeak-ng, sox, libsox-dev), and tools/venv with
# the pinned Python stack and mmpt itself in editable mode. Re-running with nothing changed is a no-op.
#
# Environment:
#   MMPT_TORCH_SPEC       torch build to install first (default: "torch==2.8.0 torchaudio==2.8.0").
#                         A GPU user may pick another, e.g. "torch==2.8.0+cu128 torchaudio==2.8.0+cu128"
#                         together with MMPT_TORCH_INDEX_URL=https://download.pytorch.org/whl/cu128
#   MMPT_TORCH_INDEX_URL  extra index to find that build in (default: none, PyPI)
#   MMPT_PYTHON           interpreter for the venv (default: python3)
#   MMPT_SKIP_APT=1       do not try to install Debian packages (only check and print the command)
set -euo pipefail

log() { echo -e "$(date '+%Y-%m-%dT%H:%M:%S') (install.sh) $*" >&2; }

tools_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
main_root=$(cd "${tools_dir}/.." && pwd)
venv="${tools_dir}/venv"
python=${MMPT_PYTHON:-python3}
torch_spec=${MMPT_TORCH_SPEC:-"torch==2.8.0 torchaudio==2.8.0"}
torch_index=${MMPT_TORCH_INDEX_URL:-}
apt_pkgs=(espeak-ng sox libsox-dev)

# ---------------------------------------------------------------- Debian packages
missing=()
for pkg in "${apt_pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "${pkg}" 2>/dev/null | grep -q "install ok installed" || missing+=("${pkg}")
done
if [ ${#missing[@]} -gt 0 ]; then
    cmd="apt-get update && apt-get install -y ${missing[*]}"
    if [ "$(id -u)" -eq 0 ] && [ "${MMPT_SKIP_APT:-0}" != 1 ] && command -v apt-get >/dev/null; then
        log "installing Debian packages: ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
    else
        log "WARNING: missing Debian packages: ${missing[*]}"
        log "  install them as root with: ${cmd}"
        log "  (espeak-ng is needed to synthesise the embedded corpus; sox/libsox by s3prl's keyword spotting)"
    fi
else
    log "Debian packages present: ${apt_pkgs[*]}"
fi

# ---------------------------------------------------------------- Python venv
# The stamp records what the venv was built from; when it matches, there is nothing to do.
stamp_src=$(cat "${tools_dir}/requirements.txt" "${main_root}/setup.py"; echo "${torch_spec}|${torch_index}")
stamp=$(printf '%s' "${stamp_src}" | sha256sum | cut -d' ' -f1)
if [ -f "${venv}/.mmpt-stamp" ] && [ "$(cat "${venv}/.mmpt-stamp")" = "${stamp}" ] \
        && "${venv}/bin/python" -c "import mmpt, torch, torchaudio, espnet2" 2>/dev/null; then
    log "tools/venv is up to date (delete ${venv}/.mmpt-stamp to force a re-install)"
    exit 0
fi

if [ ! -x "${venv}/bin/python" ]; then
    log "creating ${venv} with $(${python} --version 2>&1)"
    "${python}" -m venv "${venv}"
fi
pip=("${venv}/bin/python" -m pip)
# espnet==202511 pins setuptools<74; pip<25 keeps the legacy editable install that setup.py needs.
"${pip[@]}" install -q --upgrade "pip<25" "setuptools<74" wheel

log "installing ${torch_spec}"
# shellcheck disable=SC2086
if [ -n "${torch_index}" ]; then
    "${pip[@]}" install -q --extra-index-url "${torch_index}" ${torch_spec}
else
    "${pip[@]}" install -q ${torch_spec}
fi

log "installing the pinned stack (tools/requirements.txt)"
# Keep the chosen torch: constrain it to what is installed now.
constraints=$(mktemp)
trap 'rm -f "${constraints}"' EXIT
"${pip[@]}" list --format=freeze 2>/dev/null | grep -E '^(torch|torchaudio)==' > "${constraints}"
"${pip[@]}" install -q -c "${constraints}" -r "${tools_dir}/requirements.txt"

log "installing mmpt (editable)"
"${pip[@]}" install -q --no-deps --no-build-isolation -e "${main_root}"

"${venv}/bin/python" -c "import mmpt, torch, torchaudio, espnet2; print('torch', torch.__version__)" >&2
echo "${stamp}" > "${venv}/.mmpt-stamp"
log "done: activate with 'source tools/venv/bin/activate' or use egs2/*/*/path.sh"
