# package_windows: what of the Windows installer Debian can prove (scripts/package-windows, which uses
# scripts/lib/windows.sh). The engine and lantern-cli are cross-compiled with mingw-w64 (PCRE2 built from
# Debian's source archive, cached), CPack makes the NSIS installer and the ZIP from that tree, and under Wine
# (private prefix, Xvfb): the ZIP's lantern-cli.exe prints the version, the installer installs silently (files,
# uninstall registry key, Start-menu folder), the installed lantern-cli.exe prints the version and lists
# lavapipe through winevulkan and, when the default model is installed, answers a greedy prompt with the same
# bytes as this build's Linux lantern-cli, every PE imports only shipped or Windows DLLs and never vulkan-1.dll, and the
# silent uninstall removes the files, the key and the Start-menu entry. A missing tool (mingw-w64, nsis,
# wine, xvfb, ...: ./scripts/test installs them) fails the test.
#
# The cross build lives beside this build folder (<build>-mingw), never inside the shared one. About 3 minutes
# on 2 cores from nothing (2.5 of them the cross build), 1.5 minutes when the PCRE2 build is cached.
add_test(NAME package_windows
  COMMAND bash ${PROJECT_SOURCE_DIR}/scripts/package-windows ${CMAKE_BINARY_DIR}-mingw)
set_tests_properties(package_windows PROPERTIES LABELS package TIMEOUT 1500 PROCESSORS 2
  ENVIRONMENT "LANTERN_NATIVE_CLI=$<TARGET_FILE:lantern-cli>")
