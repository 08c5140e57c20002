# Windows: an NSIS installer and a portable ZIP (../shared/notes/installers.md §0, §3, §4). Included by
# CMakeLists.txt on WIN32 after app/, so lantern-cli (and lantern, with the UI) exist.
#
#   <install dir>\                 C:\Program Files\Lantern by default
#     bin\lantern.exe              the app, with Qt's DLLs, plugins and QML modules beside it (windeployqt)
#     bin\lantern-cli.exe
#     bin\*.dll                    the other DLLs they import (PCRE2, ICU, ...; the compiler's runtime for mingw)
#     Uninstall.exe
#   HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall\Lantern   (Apps & features; removed on uninstall)
#   Start menu: Lantern\Lantern.lnk -> bin\lantern.exe
#
# vulkan-1.dll is never shipped: it is the Vulkan loader that the GPU driver installs, and a copy of ours
# would hide the driver's newer one. Built by .github/workflows/windows.yml (MSVC, Qt >= 6.5) and, engine only,
# by scripts/package-windows on Debian (mingw-w64; the package_windows test installs it under Wine).
set(CPACK_GENERATOR "NSIS;ZIP")
set(CPACK_PACKAGE_FILE_NAME "Lantern-${PROJECT_VERSION}-win64")
set(CPACK_PACKAGE_INSTALL_REGISTRY_KEY "Lantern")
set(CPACK_NSIS_DISPLAY_NAME "Lantern")
set(CPACK_NSIS_PACKAGE_NAME "Lantern")
set(CPACK_NSIS_INSTALL_ROOT "$PROGRAMFILES64")
# A 64-bit installer: it writes the 64-bit registry view and $PROGRAMFILES64 without redirection, and runs
# under a 64-bit-only Wine (Debian's wine64 without wine32), which is how scripts/package-windows tests it.
set(CPACK_NSIS_DEFINES "  Unicode true\n  Target amd64-unicode")
set(CPACK_NSIS_ENABLE_UNINSTALL_BEFORE_INSTALL ON)
set(CPACK_NSIS_UNINSTALL_NAME "Uninstall")
set(CPACK_NSIS_MANIFEST_DPI_AWARE ON)
set(CPACK_NSIS_URL_INFO_ABOUT ${CPACK_PACKAGE_HOMEPAGE_URL})
set(CPACK_NSIS_CONTACT ${CPACK_PACKAGE_CONTACT})
# The installer's and uninstaller's own icon (CPACK_PACKAGE_ICON would be the header bitmap, a .bmp).
set(CPACK_NSIS_MUI_ICON "${LANTERN_ICON_DIR}/lantern.ico")
set(CPACK_NSIS_MUI_UNIICON "${LANTERN_ICON_DIR}/lantern.ico")
if(TARGET lantern)
  set(CPACK_PACKAGE_EXECUTABLES "lantern;Lantern")  # Start-menu shortcut bin\lantern.exe named Lantern
  set(CPACK_NSIS_INSTALLED_ICON_NAME "bin\\\\lantern.exe")
  set(CPACK_NSIS_MUI_FINISHPAGE_RUN "lantern.exe")
else()
  # Engine only: no app to start from the Start menu; Apps & features shows the icon file.
  install(FILES ${LANTERN_ICON_DIR}/lantern.ico DESTINATION .)
  set(CPACK_NSIS_INSTALLED_ICON_NAME "lantern.ico")
endif()

# Icon and version resource of each executable, from project()'s version.
set(LANTERN_ICO ${LANTERN_ICON_DIR}/lantern.ico)
foreach(exe lantern lantern-cli lantern-engine)
  if(NOT TARGET ${exe})
    continue()
  endif()
  set(LANTERN_RC_NAME ${exe})
  if(exe STREQUAL "lantern")
    set(LANTERN_RC_DESCRIPTION "Lantern")
  elseif(exe STREQUAL "lantern-engine")
    set(LANTERN_RC_DESCRIPTION "Lantern engine process")
  else()
    set(LANTERN_RC_DESCRIPTION "Lantern command line")
  endif()
  configure_file(${CMAKE_CURRENT_LIST_DIR}/windows/lantern.rc.in ${CMAKE_CURRENT_BINARY_DIR}/${exe}.rc @ONLY)
  target_sources(${exe} PRIVATE ${CMAKE_CURRENT_BINARY_DIR}/${exe}.rc)
endforeach()

# Qt's DLLs, plugins and QML modules beside lantern.exe (windeployqt, through Qt's deploy script). The deploy
# API takes this form from Qt 6.5 on; the Windows job installs a newer Qt. --qmldir makes windeployqt scan
# ui/ for imports, since the QML modules are static libraries linked into the app.
if(TARGET lantern)
  if(Qt6_VERSION VERSION_GREATER_EQUAL 6.5 AND WIN32 AND NOT CMAKE_CROSSCOMPILING)
    qt_generate_deploy_qml_app_script(TARGET lantern OUTPUT_SCRIPT lantern_deploy_script
      DEPLOY_TOOL_OPTIONS --qmldir ${PROJECT_SOURCE_DIR}/ui --no-compiler-runtime)
    install(SCRIPT ${lantern_deploy_script})
  else()
    message(WARNING "Qt ${Qt6_VERSION}: no Qt deploy API for this build (needs Qt >= 6.5 on Windows); "
      "the installer will not contain Qt")
  endif()
endif()

# MSVC's C++ runtime (msvcp140, vcruntime140, ...) app-local beside the executables, so that no
# Visual C++ Redistributable needs installing first (windeployqt is told to leave it to this). The mingw
# runtime DLLs come with the dependency set below.
if(MSVC)
  set(CMAKE_INSTALL_SYSTEM_RUNTIME_DESTINATION bin)
  include(InstallRequiredSystemLibraries)
endif()

# Every other DLL the executables import (app/CMakeLists.txt puts them in lantern_runtime_deps), found in
# LANTERN_RUNTIME_DLL_DIRS, the PATH (vcpkg's bin in CI) and, for mingw, the compiler's runtime folders.
# Windows' own DLLs and the Vulkan loader stay out.
set(LANTERN_RUNTIME_DLL_DIRS "" CACHE PATH "Folders with the DLLs lantern and lantern-cli import (e.g. vcpkg's bin)")
set(lantern_dll_dirs ${LANTERN_RUNTIME_DLL_DIRS} ${LANTERN_MINGW_RUNTIME_DIRS})
if(LANTERN_MINGW_DEPS)
  list(APPEND lantern_dll_dirs ${LANTERN_MINGW_DEPS}/bin)
endif()
if(NOT CMAKE_CROSSCOMPILING)
  file(TO_CMAKE_PATH "$ENV{PATH}" lantern_path)
  list(APPEND lantern_dll_dirs ${lantern_path})
endif()
# The names are matched in lowercase (CMake lowers DLL names on Windows). Qt's DLLs are windeployqt's.
set(lantern_dll_exclude "^api-ms-" "^ext-ms-" "^vulkan-1\\.dll$" "^qt6.*\\.dll$")
if(CMAKE_CROSSCOMPILING)
  # No Windows to find its own DLLs in: name the ones the engine and the mingw runtime import.
  list(APPEND lantern_dll_exclude "^(kernel32|user32|advapi32|shell32|ole32|msvcrt|ucrtbase|ws2_32|bcrypt)\\.dll$")
endif()
install(RUNTIME_DEPENDENCY_SET lantern_runtime_deps DESTINATION bin
  PRE_EXCLUDE_REGEXES ${lantern_dll_exclude}
  POST_EXCLUDE_REGEXES "[/\\\\][Ss]ystem32[/\\\\]" "[/\\\\][Ww]indows[/\\\\]" "[/\\\\]vulkan-1\\.dll$"
  DIRECTORIES ${lantern_dll_dirs})
