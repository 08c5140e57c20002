# lantern_configure_info_plist(<output> VERSION <v> APP_ID <id> [EXECUTABLE <name>] [MACOS_MINIMUM <v>])
# Writes Lantern.app's Info.plist from Info.plist.in. Used by ../macos.cmake (the real bundle) and by the
# package_macos test (tests/packaging/macos.cmake), which checks the result on every system.
set(LANTERN_INFO_PLIST_TEMPLATE ${CMAKE_CURRENT_LIST_DIR}/Info.plist.in)
# Qt 6.8, the oldest Qt the macOS job builds with, supports macOS 12 and newer.
set(LANTERN_MACOS_MINIMUM_DEFAULT "12.0")

function(lantern_configure_info_plist output)
  cmake_parse_arguments(P "" "VERSION;APP_ID;EXECUTABLE;MACOS_MINIMUM" "" ${ARGN})
  if(NOT P_VERSION OR NOT P_APP_ID)
    message(FATAL_ERROR "lantern_configure_info_plist: VERSION and APP_ID are required")
  endif()
  set(LANTERN_VERSION ${P_VERSION})
  set(LANTERN_APP_ID ${P_APP_ID})
  set(LANTERN_BUNDLE_EXECUTABLE ${P_EXECUTABLE})
  if(NOT LANTERN_BUNDLE_EXECUTABLE)
    set(LANTERN_BUNDLE_EXECUTABLE Lantern)
  endif()
  set(LANTERN_MACOS_MINIMUM ${P_MACOS_MINIMUM})
  if(NOT LANTERN_MACOS_MINIMUM)
    set(LANTERN_MACOS_MINIMUM ${LANTERN_MACOS_MINIMUM_DEFAULT})
  endif()
  configure_file(${LANTERN_INFO_PLIST_TEMPLATE} ${output} @ONLY)
endfunction()

# As a script: cmake -DOUTPUT=<file> -DVERSION=<v> -DAPP_ID=<id> -P info-plist.cmake
if(CMAKE_SCRIPT_MODE_FILE STREQUAL CMAKE_CURRENT_LIST_FILE)
  lantern_configure_info_plist(${OUTPUT} VERSION ${VERSION} APP_ID ${APP_ID})
endif()
