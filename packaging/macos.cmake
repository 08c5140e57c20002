# macOS: Lantern.app in a DragNDrop .dmg (../shared/notes/installers.md §0, §6). Included by CMakeLists.txt on
# APPLE after app/, so the `lantern` target exists. Built and tested only by .github/workflows/macos.yml;
# what can be checked elsewhere (Info.plist, entitlements, icon) is the package_macos test.
#
#   Lantern.app/Contents/
#     Info.plist                       macos/Info.plist.in, version from project()
#     MacOS/Lantern, MacOS/lantern-cli, MacOS/lantern-engine
#     Frameworks/                      Qt (macdeployqt, via Qt's deploy script), libvulkan.1.dylib, libMoltenVK.dylib
#     PlugIns/, Resources/qml/         Qt plugins and QML modules (macdeployqt)
#     Resources/lantern.icns
#     Resources/vulkan/icd.d/MoltenVK_icd.json   library_path ../../../Frameworks/libMoltenVK.dylib
#
# The Vulkan loader and MoltenVK come from -DLANTERN_MOLTENVK_DIR / -DLANTERN_VULKAN_LOADER_DIR (Homebrew's
# molten-vk and vulkan-loader prefixes, or the LunarG SDK's macOS folder) or from the default search paths.
# Signing happens in CPack's staging folder (macos/sign-bundle.cmake): ad-hoc unless the environment names
# a Developer ID in LANTERN_CODESIGN_IDENTITY.
include(${CMAKE_CURRENT_LIST_DIR}/macos/info-plist.cmake)

set(CPACK_GENERATOR "DragNDrop")
set(CPACK_DMG_VOLUME_NAME "Lantern ${PROJECT_VERSION}")
set(CPACK_PACKAGE_FILE_NAME "Lantern-${PROJECT_VERSION}-macOS-${CMAKE_SYSTEM_PROCESSOR}")
set(CPACK_PRE_BUILD_SCRIPTS ${CMAKE_CURRENT_LIST_DIR}/macos/sign-bundle.cmake)

if(NOT TARGET lantern)
  return()  # LANTERN_BUILD_UI=OFF: the .dmg holds only what app/ installs
endif()

set(LANTERN_MACOS_MINIMUM ${LANTERN_MACOS_MINIMUM_DEFAULT} CACHE STRING "LSMinimumSystemVersion of Lantern.app")
set(lantern_plist ${CMAKE_CURRENT_BINARY_DIR}/Info.plist)
lantern_configure_info_plist(${lantern_plist} VERSION ${PROJECT_VERSION} APP_ID ${LANTERN_APP_ID}
  EXECUTABLE Lantern MACOS_MINIMUM ${LANTERN_MACOS_MINIMUM})

# The icon is a bundle resource of the target defined in app/: source properties are per directory, so
# they are set in the target's directory (TARGET_DIRECTORY).
set(lantern_icns ${LANTERN_ICON_DIR}/lantern.icns)
target_sources(lantern PRIVATE ${lantern_icns})
set_source_files_properties(${lantern_icns} TARGET_DIRECTORY lantern PROPERTIES MACOSX_PACKAGE_LOCATION Resources)
set_target_properties(lantern PROPERTIES
  MACOSX_BUNDLE ON
  OUTPUT_NAME Lantern
  MACOSX_BUNDLE_INFO_PLIST ${lantern_plist}
  MACOSX_BUNDLE_GUI_IDENTIFIER ${LANTERN_APP_ID}
  MACOSX_BUNDLE_BUNDLE_NAME Lantern
  MACOSX_BUNDLE_BUNDLE_VERSION ${PROJECT_VERSION}
  MACOSX_BUNDLE_SHORT_VERSION_STRING ${PROJECT_VERSION}
  MACOSX_BUNDLE_ICON_FILE lantern.icns
  INSTALL_RPATH "@executable_path/../Frameworks")
foreach(tool lantern-cli lantern-engine)
  if(TARGET ${tool})
    set_target_properties(${tool} PROPERTIES INSTALL_RPATH "@executable_path/../Frameworks")
  endif()
endforeach()

# Qt frameworks, plugins and QML modules into the bundle (macdeployqt). The deploy API takes this form from
# Qt 6.5 on (OUTPUT_SCRIPT); the macOS job builds with Homebrew's Qt, which is newer. The qmldir option makes
# macdeployqt scan ui/ for imports too, since the QML module is a static library linked into the app.
if(Qt6_VERSION VERSION_GREATER_EQUAL 6.5 AND APPLE)
  qt_generate_deploy_qml_app_script(TARGET lantern OUTPUT_SCRIPT lantern_deploy_script
    DEPLOY_TOOL_OPTIONS "-qmldir=${PROJECT_SOURCE_DIR}/ui")
  install(SCRIPT ${lantern_deploy_script})
else()
  message(WARNING "Qt ${Qt6_VERSION}: no deploy API (needs 6.5); Lantern.app will not contain Qt")
endif()

# The Vulkan loader, MoltenVK and its ICD json, after macdeployqt (install rules run in order).
set(LANTERN_MOLTENVK_DIR "" CACHE PATH "Prefix holding lib/libMoltenVK.dylib and the MoltenVK ICD json")
set(LANTERN_VULKAN_LOADER_DIR "" CACHE PATH "Prefix holding lib/libvulkan.1.dylib")
find_library(LANTERN_MOLTENVK_LIBRARY NAMES MoltenVK HINTS ${LANTERN_MOLTENVK_DIR}/lib ${LANTERN_MOLTENVK_DIR}/macOS/lib)
find_file(LANTERN_VULKAN_LOADER libvulkan.1.dylib
  HINTS ${LANTERN_VULKAN_LOADER_DIR}/lib ${LANTERN_VULKAN_LOADER_DIR}/macOS/lib PATH_SUFFIXES lib)
# Homebrew's molten-vk puts the json under etc/vulkan/icd.d (its library_path points into its lib/); the
# LunarG SDK under share/vulkan/icd.d. Only the json's other fields are kept; library_path is rewritten.
find_file(LANTERN_MOLTENVK_ICD MoltenVK_icd.json
  HINTS ${LANTERN_MOLTENVK_DIR} ${LANTERN_MOLTENVK_DIR}/macOS
  PATH_SUFFIXES etc/vulkan/icd.d share/vulkan/icd.d lib/MoltenVK/icd)
foreach(v LANTERN_MOLTENVK_LIBRARY LANTERN_VULKAN_LOADER LANTERN_MOLTENVK_ICD)
  if(NOT ${v})
    message(FATAL_ERROR "${v} not found: install molten-vk and vulkan-loader (Homebrew) or the LunarG SDK and "
      "pass -DLANTERN_MOLTENVK_DIR=... -DLANTERN_VULKAN_LOADER_DIR=...")
  endif()
endforeach()
install(CODE "
  set(APP \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/Lantern.app\")
  set(VULKAN_LOADER \"${LANTERN_VULKAN_LOADER}\")
  set(MOLTENVK \"${LANTERN_MOLTENVK_LIBRARY}\")
  set(MOLTENVK_ICD \"${LANTERN_MOLTENVK_ICD}\")
  include(\"${CMAKE_CURRENT_LIST_DIR}/macos/bundle-vulkan.cmake\")")
