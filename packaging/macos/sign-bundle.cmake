# CPACK_PRE_BUILD_SCRIPTS step on macOS (set by ../macos.cmake): signs Lantern.app in CPack's staging folder
# before the DragNDrop .dmg is made, because the install step rewrote the binaries (install_name_tool) and
# arm64 Macs refuse to run unsigned code.
#   LANTERN_CODESIGN_IDENTITY unset or "-": ad-hoc signature (no Developer ID; Gatekeeper warns on first open).
#   LANTERN_CODESIGN_IDENTITY="Developer ID Application: ...": hardened runtime, secure timestamp and
#   lantern.entitlements, as notarization requires (the CI job then notarizes and staples the .dmg).
cmake_minimum_required(VERSION 3.25)
set(stage "${CPACK_TEMPORARY_INSTALL_DIRECTORY}")
if(NOT stage)
  set(stage "${CPACK_TEMPORARY_DIRECTORY}")
endif()
file(GLOB_RECURSE apps LIST_DIRECTORIES true "${stage}/*.app")
list(FILTER apps INCLUDE REGEX "\\.app$")
if(NOT apps)
  message(FATAL_ERROR "sign-bundle: no .app under ${stage}")
endif()
set(identity "$ENV{LANTERN_CODESIGN_IDENTITY}")
foreach(app IN LISTS apps)
  if(identity STREQUAL "" OR identity STREQUAL "-")
    set(args --force --deep --sign -)
  else()
    set(args --force --deep --options runtime --timestamp
      --entitlements ${CMAKE_CURRENT_LIST_DIR}/lantern.entitlements --sign ${identity})
  endif()
  execute_process(COMMAND codesign ${args} ${app} COMMAND_ERROR_IS_FATAL ANY)
  execute_process(COMMAND codesign --verify --deep --strict --verbose=2 ${app} COMMAND_ERROR_IS_FATAL ANY)
  message(STATUS "signed ${app} (${args})")
endforeach()
