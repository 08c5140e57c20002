# The Windows build that Debian can make and check (../shared/notes/installers.md §4): the engine and
# lantern-cli cross-compiled with mingw-w64, CPack's NSIS installer and ZIP from that tree, and the installer
# run under Wine. Sourced by scripts/package-windows, after scripts/lib/setup.sh (say, die, LANTERN_ROOT).
#
# Wine proves that the PE files link, load their DLLs and run, and that the NSIS script installs, registers
# and uninstalls; it says nothing about Windows' own drivers. The Qt app is built and deployed only by
# .github/workflows/windows.yml (MSVC, Qt >= 6.5).

# PCRE2 has no mingw package in Debian: its source comes from Debian's archive, checked against the
# SHA-256 in Debian's signed pcre2_10.42-1.dsc, and is cached in the build folder.
LANTERN_PCRE2_VERSION=10.42
LANTERN_PCRE2_URL="http://deb.debian.org/debian/pool/main/p/pcre2/pcre2_${LANTERN_PCRE2_VERSION}.orig.tar.gz"
LANTERN_PCRE2_SHA256=c33b418e3b936ee3153de2c61cc638e7e4fe3156022a5c77d0711bcbb9d64f1f
LANTERN_MINGW_TOOLCHAIN="$LANTERN_ROOT/cmake/toolchains/mingw-w64-x86_64.cmake"
# DLLs every Windows (and Wine) has; anything else a shipped .exe/.dll imports must be shipped beside it.
LANTERN_WINDOWS_SYSTEM_DLLS="kernel32.dll msvcrt.dll user32.dll advapi32.dll shell32.dll ole32.dll ws2_32.dll bcrypt.dll"

# Every program the Windows checks need, or a failure naming the missing ones (./scripts/test installs them).
lantern_windows_require_tools() {
  local missing=() tool
  for tool in cmake ninja pkg-config x86_64-w64-mingw32-g++-posix x86_64-w64-mingw32-objdump \
    x86_64-w64-mingw32-windres glslangValidator spirv-val makensis cpack wine wineserver xvfb-run unzip curl sha256sum; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
  done
  ((${#missing[@]} == 0)) || die "missing tools: ${missing[*]} (Debian packages: ${LANTERN_PACKAGING_DEB_PACKAGES[*]}; ./scripts/test installs them)"
  # The lavapipe ICD for winevulkan to reach.
  [[ -f /usr/share/vulkan/icd.d/lvp_icd.x86_64.json ]] || die "lavapipe is missing (Debian package mesa-vulkan-drivers)"
}

# lantern_windows_pcre2 DEPS: PCRE2 (8-bit, JIT, as a DLL like vcpkg's) built for mingw and installed in DEPS.
lantern_windows_pcre2() {
  local deps="$1" work="$1/../pcre2"
  if [[ -f "$deps/lib/pkgconfig/libpcre2-8.pc" && -f "$deps/bin/libpcre2-8.dll" ]]; then
    return 0
  fi
  mkdir -p "$work"
  local tarball="$work/pcre2_${LANTERN_PCRE2_VERSION}.orig.tar.gz"
  if ! echo "$LANTERN_PCRE2_SHA256  $tarball" | sha256sum -c --status 2>/dev/null; then
    say "Fetching PCRE2 $LANTERN_PCRE2_VERSION source from Debian's archive"
    curl -fsSL --retry 3 -o "$tarball.part" "$LANTERN_PCRE2_URL" || die "could not download $LANTERN_PCRE2_URL"
    echo "$LANTERN_PCRE2_SHA256  $tarball.part" | sha256sum -c --status ||
      die "$LANTERN_PCRE2_URL: SHA-256 is not Debian's ($LANTERN_PCRE2_SHA256)"
    mv "$tarball.part" "$tarball"
  fi
  say "Building PCRE2 $LANTERN_PCRE2_VERSION for mingw"
  rm -rf "$work/src" "$work/build"
  mkdir -p "$work/src"
  tar -xzf "$tarball" -C "$work/src" --strip-components=1
  cmake -S "$work/src" -B "$work/build" -G Ninja -DCMAKE_TOOLCHAIN_FILE="$LANTERN_MINGW_TOOLCHAIN" \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$deps" -DBUILD_SHARED_LIBS=ON -DBUILD_STATIC_LIBS=OFF \
    -DPCRE2_SUPPORT_JIT=ON -DPCRE2_BUILD_PCRE2GREP=OFF -DPCRE2_BUILD_TESTS=OFF >"$work/configure.log" ||
    die "PCRE2 configure failed: $work/configure.log"
  ninja -C "$work/build" install >"$work/build.log" || die "PCRE2 build failed: $work/build.log"
}

# lantern_windows_build BUILD: configure (once) and build the engine-only tree with -Werror.
lantern_windows_build() {
  local build="$1"
  lantern_windows_pcre2 "$build/deps"
  if [[ ! -f "$build/build.ninja" ]]; then
    cmake -S "$LANTERN_ROOT" -B "$build" -G Ninja -DCMAKE_TOOLCHAIN_FILE="$LANTERN_MINGW_TOOLCHAIN" \
      -DCMAKE_BUILD_TYPE=Release -DLANTERN_ENGINE_ONLY=ON -DLANTERN_WERROR=ON -DLANTERN_MINGW_DEPS="$build/deps" \
      >"$build/configure.log" || die "configure failed: $build/configure.log"
  fi
  say "Cross-building lantern-cli.exe"
  ninja -C "$build" -j"${LANTERN_JOBS:-$(nproc)}" >"$build/build.log" || { tail -40 "$build/build.log"; die "build failed: $build/build.log"; }
}

# lantern_windows_package BUILD: the NSIS installer and the ZIP in BUILD/packages.
lantern_windows_package() {
  local build="$1"
  say "CPack: NSIS installer and ZIP"
  rm -rf "$build/packages"
  (cd "$build" && cpack -G "NSIS;ZIP" -B "$build/packages" >"$build/cpack.log" 2>&1) ||
    { tail -40 "$build/cpack.log"; die "cpack failed: $build/cpack.log"; }
}

# lantern_windows_check_imports DIR: every .exe/.dll in DIR imports only DLLs shipped in DIR or Windows' own,
# never vulkan-1.dll (winevulkan or the driver provides the loader at run time; Vulkan-Hpp loads it itself).
lantern_windows_check_imports() {
  local dir="$1" f dll
  for f in "$dir"/*.exe "$dir"/*.dll; do
    while read -r dll; do
      dll="${dll,,}"
      [[ "$dll" != vulkan-1.dll ]] || die "$(basename "$f") imports vulkan-1.dll: the loader must be loaded at run time"
      [[ " $LANTERN_WINDOWS_SYSTEM_DLLS " == *" $dll "* ]] && continue
      ls "$dir" | grep -qixF "$dll" ||
        die "$(basename "$f") imports $dll, which is neither shipped in $(basename "$dir") nor part of Windows"
    done < <(x86_64-w64-mingw32-objdump -p "$f" | sed -n 's/^\s*DLL Name: //p')
  done
  [[ ! -e "$dir/vulkan-1.dll" ]] || die "vulkan-1.dll is shipped in $dir: the driver provides it"
}

# wine with the private prefix; output without carriage returns.
lantern_wine() { wine "$@" 2>/dev/null | tr -d '\r'; return "${PIPESTATUS[0]}"; }

# lantern_windows_model_run EXE: when the default model is installed (scripts/lib/setup.sh), a greedy answer
# from EXE under Wine: the GGUF mapped with MapViewOfFile, PCRE2's tokenizer, every shader through winevulkan.
# With LANTERN_NATIVE_CLI (the Linux lantern-cli; the test passes it) the two answers must be the same bytes.
lantern_windows_model_run() {
  local exe="$1" model="$LANTERN_MODELS_DIR/$LANTERN_DEFAULT_MODEL"
  if [[ ! -f "$model" ]]; then
    say "No $LANTERN_DEFAULT_MODEL in $LANTERN_MODELS_DIR: the model run under Wine is left out"
    return 0
  fi
  local args=(run -p "What is the capital of France?" -n 16 --greedy) win native
  say "lantern-cli.exe run on $LANTERN_DEFAULT_MODEL (greedy) under Wine"
  win="$(lantern_wine "$exe" "${args[@]}" -m "$(winepath -w "$model" 2>/dev/null)" 2>/dev/null)" ||
    die "lantern-cli.exe run failed under Wine: $win"
  [[ -n "$win" ]] || die "lantern-cli.exe run printed nothing"
  printf '  %s\n' "$win"
  if [[ -n "${LANTERN_NATIVE_CLI:-}" ]]; then
    native="$("$LANTERN_NATIVE_CLI" "${args[@]}" -m "$model" 2>/dev/null)" || die "$LANTERN_NATIVE_CLI run failed"
    [[ "$win" == "$native" ]] || die "lantern-cli.exe answered '$win', the Linux lantern-cli '$native'"
    say "Same answer as the Linux lantern-cli"
  fi
}

LANTERN_UNINSTALL_KEY='HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall\Lantern'

# lantern_windows_wine_checks BUILD VERSION: the portable ZIP and the installer under Wine (needs $DISPLAY:
# winevulkan reaches the host's Vulkan through winex11, which needs an X server; Xvfb is enough).
lantern_windows_wine_checks() {
  local build="$1" version="$2"
  # No Mono/Gecko prompts; no winedbg: a crash fails at once with its message instead of waiting in a debugger.
  export WINEPREFIX="$build/wine" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=;winedbg.exe=d"
  export WINEARCH=win64
  [[ -n "${DISPLAY:-}" ]] || die "no X display for Wine (run under xvfb-run -a)"
  local exe zip
  exe="$(ls "$build"/packages/Lantern-"$version"-win64.exe)" || die "no NSIS installer in $build/packages"
  zip="$(ls "$build"/packages/Lantern-"$version"-win64.zip)" || die "no ZIP in $build/packages"

  say "Wine prefix $WINEPREFIX"
  rm -rf "$WINEPREFIX"
  wine wineboot -i >/dev/null 2>&1 || die "wineboot failed"
  wineserver -w  # a prefix still being set up would answer with half its registry

  say "Portable ZIP: contents, imports, lantern-cli.exe version"
  rm -rf "$build/zip"
  unzip -q "$zip" -d "$build/zip"
  local top="$build/zip/Lantern-$version-win64"
  for f in bin/lantern-cli.exe bin/libpcre2-8.dll bin/libstdc++-6.dll bin/libgcc_s_seh-1.dll bin/libwinpthread-1.dll lantern.ico; do
    [[ -f "$top/$f" ]] || die "ZIP lacks $f"
  done
  lantern_windows_check_imports "$top/bin"
  local out
  out="$(lantern_wine "$top/bin/lantern-cli.exe" version)" || die "lantern-cli.exe version failed under Wine: $out"
  [[ "$out" == "lantern-cli $version" ]] || die "lantern-cli.exe version printed '$out', expected 'lantern-cli $version'"

  say "NSIS installer: silent install"
  local dir='C:\LanternTest' unixdir="$WINEPREFIX/drive_c/LanternTest"
  lantern_wine "$exe" /S "/D=$dir" >/dev/null || die "the installer exited with $?"
  wineserver -w
  for f in bin/lantern-cli.exe bin/libpcre2-8.dll bin/libstdc++-6.dll bin/libwinpthread-1.dll Uninstall.exe lantern.ico; do
    [[ -f "$unixdir/$f" ]] || die "not installed: $dir\\$f"
  done
  [[ ! -e "$unixdir/bin/vulkan-1.dll" ]] || die "the installer shipped vulkan-1.dll"
  local key
  key="$(lantern_wine reg query "$LANTERN_UNINSTALL_KEY")" || die "no uninstall key $LANTERN_UNINSTALL_KEY"
  grep -Eq "DisplayName\s+REG_SZ\s+Lantern" <<<"$key" || die "uninstall key without DisplayName Lantern: $key"
  grep -Eq "DisplayVersion\s+REG_SZ\s+$version\$" <<<"$key" || die "uninstall key's DisplayVersion is not $version: $key"
  grep -Eq 'UninstallString\s+REG_SZ\s+"?C:\\LanternTest\\Uninstall\.exe"?$' <<<"$key" ||
    die "uninstall key's UninstallString is not $dir\\Uninstall.exe: $key"
  local menu
  menu="$(find "$WINEPREFIX/drive_c" -path '*Start Menu/Programs/Lantern/Uninstall.lnk' | head -1)"
  [[ -n "$menu" ]] || die "no Start-menu folder Lantern with Uninstall.lnk"

  say "Installed lantern-cli.exe: version and devices (winevulkan -> lavapipe)"
  out="$(lantern_wine "$dir\\bin\\lantern-cli.exe" version)" || die "installed lantern-cli.exe version failed: $out"
  [[ "$out" == "lantern-cli $version" ]] || die "installed lantern-cli.exe version printed '$out'"
  out="$(lantern_wine "$dir\\bin\\lantern-cli.exe" devices 2>&1)" || die "lantern-cli.exe devices failed under Wine: $out"
  grep -q "llvmpipe" <<<"$out" || die "lantern-cli.exe devices did not list lavapipe (llvmpipe): $out"
  printf '%s\n' "$out" | sed -n '1,2p'
  lantern_windows_model_run "$dir\\bin\\lantern-cli.exe"

  say "NSIS installer: silent uninstall"
  # The uninstaller copies itself to %TEMP% and returns at once (so that it can delete itself); the copy
  # is a Wine process like any other, so wineserver -w waits for it to finish.
  lantern_wine "$dir\\Uninstall.exe" /S >/dev/null || die "the uninstaller exited with $?"
  wineserver -w
  [[ ! -e "$unixdir" ]] || die "uninstall left $dir: $(cd "$unixdir" && find . | head -20 | tr '\n' ' ')"
  if lantern_wine reg query "$LANTERN_UNINSTALL_KEY" >/dev/null; then
    die "uninstall left the registry key $LANTERN_UNINSTALL_KEY"
  fi
  [[ ! -e "$menu" ]] || die "uninstall left the Start-menu entry $menu"
  say "Windows checks passed: ZIP, silent install (files, key, Start menu), lantern-cli version, devices and model run, silent uninstall"
}
