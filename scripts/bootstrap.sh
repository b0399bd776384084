#!/usr/bin/env bash
# Installs what wamix needs to build and test when it is missing:
#   Debian packages: cmake, gcc, emscripten, chromium, and clang with its
#                    runtime libraries (libclang-rt-dev: libFuzzer and the sanitizers)
#   npm packages:    from package-lock.json
# With everything present it only checks, in well under two seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v cmake >/dev/null || need_apt+=(cmake)
command -v gcc >/dev/null || need_apt+=(gcc)
command -v make >/dev/null || need_apt+=(make)
command -v emcc >/dev/null || need_apt+=(emscripten)
command -v "${WAMIX_CHROMIUM:-/usr/bin/chromium}" >/dev/null || need_apt+=(chromium)
command -v clang >/dev/null || need_apt+=(clang)
# libFuzzer's runtime (Debian: libclang-rt-dev, which pulls the one matching clang)
if ! command -v clang >/dev/null || [[ ! -f "$(clang --print-resource-dir)/lib/linux/libclang_rt.fuzzer-$(uname -m).a" ]]; then
  need_apt+=(libclang-rt-dev)
fi

if ((${#need_apt[@]})); then
  echo "wamix bootstrap: installing ${need_apt[*]}"
  if [[ ! -f /etc/debian_version ]]; then
    echo "wamix bootstrap: this is not Debian, so nothing was installed." >&2
    echo "  Install these with your system's package manager, then run the command again:" >&2
    echo "  ${need_apt[*]} (Emscripten 3.1.6 or newer; Chromium at /usr/bin/chromium or set WAMIX_CHROMIUM;" >&2
    echo "  clang 14 or newer with its libFuzzer and sanitizer runtimes)" >&2
    exit 1
  fi
  sudo=()
  if [[ $(id -u) != 0 ]]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
      sudo=(sudo)
    else
      echo "wamix bootstrap: root is needed to install packages. Run this once, then try again:" >&2
      echo "  sudo apt-get update && sudo apt-get install -y ${need_apt[*]}" >&2
      exit 1
    fi
  fi
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# npm packages: reinstall when the lock file is newer than the last install.
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "wamix bootstrap: installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi
