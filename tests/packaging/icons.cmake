# package_icons: the committed icons (packaging/icons: hicolor PNGs, lantern.ico, lantern.icns) are what
# packaging/icons/make-icons makes from lantern.svg today. It re-runs make-icons into the build tree and
# compares byte for byte (rsvg-convert, icotool and png2icns are deterministic), in both directions: no icon
# may differ, be missing, or be committed without being made. A missing tool fails the test.
# This file is both the registration (included by CMakeLists.txt) and the test itself (run with cmake -P).

if(CMAKE_SCRIPT_MODE_FILE STREQUAL CMAKE_CURRENT_LIST_FILE)
  cmake_minimum_required(VERSION 3.25)
  set(icons ${SOURCE_DIR}/packaging/icons)
  file(REMOVE_RECURSE ${OUT})
  execute_process(COMMAND ${icons}/make-icons ${OUT} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "make-icons failed (${rc})")
  endif()
  file(GLOB_RECURSE made RELATIVE ${OUT} ${OUT}/*)
  file(GLOB_RECURSE committed RELATIVE ${icons} ${icons}/hicolor/* ${icons}/*.ico ${icons}/*.icns)
  list(SORT made)
  list(SORT committed)
  if(NOT made STREQUAL committed)
    message(FATAL_ERROR "make-icons makes\n  ${made}\nbut packaging/icons holds\n  ${committed}")
  endif()
  set(stale)
  foreach(f ${made})
    execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${OUT}/${f} ${icons}/${f} RESULT_VARIABLE differ)
    if(NOT differ EQUAL 0)
      list(APPEND stale ${f})
    endif()
  endforeach()
  if(stale)
    message(FATAL_ERROR "out of date with lantern.svg (run packaging/icons/make-icons and commit): ${stale}")
  endif()
  list(LENGTH made n)
  message(STATUS "${n} icons up to date")
  return()
endif()

add_test(NAME package_icons COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${PROJECT_SOURCE_DIR}
  -DOUT=${CMAKE_CURRENT_BINARY_DIR}/icons -P ${CMAKE_CURRENT_LIST_FILE})
set_tests_properties(package_icons PROPERTIES LABELS package TIMEOUT 60)
