# Windows: NSIS installer + portable ZIP (owned by the Windows packaging work; see CMakeLists.txt).
set(CPACK_GENERATOR "NSIS;ZIP")
set(CPACK_NSIS_DISPLAY_NAME "Lantern")
set(CPACK_NSIS_PACKAGE_NAME "Lantern")
