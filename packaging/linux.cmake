# Linux: a .deb for Debian 12 and later (and Ubuntu of the same Qt) and a portable .tar.gz of the same
# install tree (bin/ and share/; Qt, Vulkan and the other libraries come from the system, as for the .deb).
# Built and checked by scripts/package (`--check`: lintian, desktop-file-validate, appstreamcli, an install,
# run and purge in a clean Debian 12 root); the ctest test package_linux runs that (tests/packaging/linux.cmake).
include(GNUInstallDirs)

set(LANTERN_SCREENSHOT_URL "https://raw.githubusercontent.com/lanternapp/lantern/main/docs/screenshots")
# The Debian changelog wants the date as RFC 2822; GNU date turns the one release date into it.
execute_process(COMMAND date -u -R -d "${LANTERN_RELEASE_DATE}" OUTPUT_VARIABLE LANTERN_RELEASE_DATE_RFC2822
  OUTPUT_STRIP_TRAILING_WHITESPACE COMMAND_ERROR_IS_FATAL ANY)

set(LANTERN_LINUX_DIR ${CMAKE_CURRENT_SOURCE_DIR}/linux)
set(LANTERN_LINUX_OUT ${CMAKE_CURRENT_BINARY_DIR}/linux)
configure_file(${LANTERN_LINUX_DIR}/lantern.desktop.in ${LANTERN_LINUX_OUT}/${LANTERN_APP_ID}.desktop @ONLY)
configure_file(${LANTERN_LINUX_DIR}/lantern.metainfo.xml.in ${LANTERN_LINUX_OUT}/${LANTERN_APP_ID}.metainfo.xml @ONLY)
# The changelog and the manual pages, compressed as Debian policy (12.3, 12.7) asks: gzip -9, and without a
# timestamp (-n) so that rebuilds are identical.
foreach(doc changelog.in lantern.1 lantern-cli.1)
  string(REGEX REPLACE "\\.in$" "" name ${doc})
  configure_file(${LANTERN_LINUX_DIR}/${doc} ${LANTERN_LINUX_OUT}/${name} @ONLY)
  execute_process(COMMAND gzip -9nc ${LANTERN_LINUX_OUT}/${name} OUTPUT_FILE ${LANTERN_LINUX_OUT}/${name}.gz
    COMMAND_ERROR_IS_FATAL ANY)
endforeach()

install(FILES ${LANTERN_LINUX_OUT}/lantern.1.gz ${LANTERN_LINUX_OUT}/lantern-cli.1.gz
  DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${LANTERN_LINUX_OUT}/${LANTERN_APP_ID}.desktop DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
install(FILES ${LANTERN_LINUX_OUT}/${LANTERN_APP_ID}.metainfo.xml DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)
foreach(size 16 22 24 32 48 64 128 256 512)
  install(FILES ${LANTERN_ICON_DIR}/hicolor/${size}x${size}/lantern.png
    DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/${size}x${size}/apps RENAME ${LANTERN_APP_ID}.png)
endforeach()
install(FILES ${LANTERN_ICON_DIR}/lantern.svg
  DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps RENAME ${LANTERN_APP_ID}.svg)
# /usr/share/doc/<package>, not GNUInstallDirs' DOCDIR (share/doc/Lantern, after project()).
install(FILES ${LANTERN_LINUX_DIR}/copyright ${LANTERN_LINUX_OUT}/changelog.gz
  DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/${CPACK_PACKAGE_NAME})

set(CPACK_GENERATOR "TGZ")
find_program(DPKG_DEB dpkg-deb)
find_program(DPKG_SHLIBDEPS dpkg-shlibdeps)
if(DPKG_DEB AND DPKG_SHLIBDEPS)
  list(APPEND CPACK_GENERATOR "DEB")
endif()
set(CPACK_PACKAGE_FILE_NAME "lantern-${PROJECT_VERSION}-linux-${CMAKE_SYSTEM_PROCESSOR}")

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # lantern_0.1.0_amd64.deb
set(CPACK_DEBIAN_PACKAGE_SECTION "utils")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_COMPRESSION_TYPE "xz")
string(CONCAT CPACK_DEBIAN_PACKAGE_DESCRIPTION
  "Lantern runs language models in the GGUF format on this computer: chat with\n"
  "streaming answers, markdown, highlighted code and search of past conversations,\n"
  "and translation of text, documents and localization files. Nothing leaves the\n"
  "computer; Lantern needs no account and no network connection.\n"
  "\n"
  "The model runs on any Vulkan GPU, or on the CPU through Mesa's lavapipe.\n"
  "No model is included: put a GGUF file in Lantern's model folder, or open one\n"
  "from the model menu. The package also holds lantern-cli, the same engine on\n"
  "the command line.")
# dpkg-shlibdeps computes the libraries the binaries link (Qt, ICU, PCRE2, libzip, ...) and CPack appends
# them to the list below, which holds what no ELF header names:
#  - libvulkan1: the loader is opened with dlopen by Vulkan-Hpp's dynamic dispatcher, and a driver for it
#    (lavapipe, the CPU fallback, is in mesa-vulkan-drivers);
#  - the QML modules ui/ imports (QtQuick, .Controls with its Basic style and .Templates, .Layouts, .Window,
#    .Dialogs), those they import (QtQml, QtQml.Models, QtQml.WorkerScript) and Qt.labs.folderlistmodel, which
#    Qt Quick Dialogs' own file dialog imports where there is no native one (no platform theme);
#  - the SQLite driver of Qt SQL (the conversation store) and Qt's platform plugins (xcb, offscreen, ...);
#  - a font for fontconfig to find.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(LANTERN_DEB_DEPENDS
  "libvulkan1"
  "mesa-vulkan-drivers | vulkan-icd"
  "libqt6sql6-sqlite"
  "qt6-qpa-plugins"
  "qml6-module-qtquick"
  "qml6-module-qtquick-controls"
  "qml6-module-qtquick-templates"
  "qml6-module-qtquick-layouts"
  "qml6-module-qtquick-window"
  "qml6-module-qtquick-dialogs"
  "qml6-module-qt-labs-folderlistmodel"
  "qml6-module-qtqml"
  "qml6-module-qtqml-models"
  "qml6-module-qtqml-workerscript"
  "fonts-dejavu-core | fonts-liberation2 | fonts-noto-core")
list(JOIN LANTERN_DEB_DEPENDS ", " CPACK_DEBIAN_PACKAGE_DEPENDS)
# Code blocks are highlighted by kate-syntax-highlighter when it is there (plain text otherwise); qt6-wayland
# runs Lantern natively in a Wayland session (XWayland otherwise); xdg-utils opens links in the browser.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libkf5syntaxhighlighting-tools, qt6-wayland, xdg-utils")
