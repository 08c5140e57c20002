# package_linux: scripts/package --check on this build tree. It makes the .deb and .tar.gz with cpack, runs
# lintian (no errors), desktop-file-validate and appstreamcli on them, and in a clean Debian 12 root
# (debootstrap, cached under package-check/) installs the .deb with apt, finds lavapipe with lantern-cli,
# gets an answer from lantern-cli run and from the GUI (lantern --smoke-test, offscreen), finds the menu
# entry and icons, and purges the package to nothing. Needs root, the network (the Debian mirror) and the
# tools ./scripts/test installs (lintian debootstrap desktop-file-utils appstream); without one it fails.
# Built binaries are packaged as they are: ctest does not rebuild them.
# Measured on 2 cores: about 75 s with an empty cache (debootstrap ~30 s, apt ~20 s), 45 s after.
if(UNIX AND NOT APPLE)
  add_test(NAME package_linux COMMAND ${PROJECT_SOURCE_DIR}/scripts/package ${CMAKE_BINARY_DIR} --check)
  set_tests_properties(package_linux PROPERTIES LABELS package TIMEOUT 1200)
endif()
