# package_workflows: every file in .github/workflows against the GitHub workflow schema that
# check-jsonschema vendors (offline), plus two rules of ours: every action is pinned to a version (no @main,
# @master or bare name), and a job that is not a reusable-workflow call says where it runs. Broken copies made
# at test time (a job without runs-on, a misspelt key) must be rejected by check-jsonschema, so the check is
# known to fail. check-jsonschema lives next to LANTERN_PYTHON (scripts/lib/setup.sh installs it); without it
# the test fails. This file is both the registration (included by CMakeLists.txt) and the test (cmake -P).

if(CMAKE_SCRIPT_MODE_FILE STREQUAL CMAKE_CURRENT_LIST_FILE)
  cmake_minimum_required(VERSION 3.25)
  get_filename_component(bindir "${PYTHON}" DIRECTORY)
  set(checker ${bindir}/check-jsonschema)
  if(NOT PYTHON OR NOT EXISTS "${checker}")
    message(FATAL_ERROR "check-jsonschema not found next to LANTERN_PYTHON ('${PYTHON}'): "
      "./scripts/test installs it (scripts/lib/setup.sh, lantern_install_test_tools)")
  endif()
  file(GLOB workflows ${SOURCE_DIR}/.github/workflows/*.yml ${SOURCE_DIR}/.github/workflows/*.yaml)
  if(NOT workflows)
    message(FATAL_ERROR "no workflow files in ${SOURCE_DIR}/.github/workflows")
  endif()
  execute_process(COMMAND ${checker} --builtin-schema vendor.github-workflows ${workflows}
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "workflows do not match the GitHub workflow schema:\n${out}${err}")
  endif()
  foreach(wf IN LISTS workflows)
    file(STRINGS ${wf} uses REGEX "^[ -]*uses:")
    foreach(line IN LISTS uses)
      string(REGEX REPLACE "^[ -]*uses:[ ]*['\"]?([^ '\"#]+).*" "\\1" ref "${line}")
      if(ref MATCHES "^\\./")
        continue()  # a workflow of this repository
      endif()
      if(NOT ref MATCHES "@v[0-9]+(\\.[0-9]+)*$" AND NOT ref MATCHES "@[0-9a-f]{40}$")
        message(FATAL_ERROR "${wf}: '${ref}' is not pinned to a version tag or commit")
      endif()
    endforeach()
  endforeach()
  list(LENGTH workflows n)
  message(STATUS "ok: ${n} workflows match the schema, every action pinned")

  # Broken copies of linux.yml: each must be rejected.
  file(READ ${SOURCE_DIR}/.github/workflows/linux.yml text)
  string(REGEX REPLACE "\n    runs-on:[^\n]*" "" no-runs-on "${text}")
  string(REPLACE "\n    steps:\n" "\n    stpes:\n" misspelt "${text}")
  file(MAKE_DIRECTORY ${WORKDIR})
  foreach(kind no-runs-on misspelt)
    if("${${kind}}" STREQUAL "${text}")
      message(FATAL_ERROR "could not make the '${kind}' broken copy of linux.yml")
    endif()
    file(WRITE ${WORKDIR}/${kind}.yml "${${kind}}")
    execute_process(COMMAND ${checker} --builtin-schema vendor.github-workflows ${WORKDIR}/${kind}.yml
      RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    if(rc EQUAL 0)
      message(FATAL_ERROR "check-jsonschema accepted the '${kind}' broken workflow: the check cannot fail")
    endif()
    message(STATUS "rejected as expected (${kind})")
  endforeach()
  return()
endif()

add_test(NAME package_workflows COMMAND ${CMAKE_COMMAND}
  -DPYTHON=${LANTERN_PYTHON} -DSOURCE_DIR=${PROJECT_SOURCE_DIR} -DWORKDIR=${CMAKE_CURRENT_BINARY_DIR}/workflows
  -P ${CMAKE_CURRENT_LIST_FILE})
set_tests_properties(package_workflows PROPERTIES LABELS package TIMEOUT 120)
