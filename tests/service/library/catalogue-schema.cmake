# service_library_catalogue_schema: service/library/catalogue.json against catalogue.schema.json (JSON Schema
# draft 2020-12) with check-jsonschema, which lives next to LANTERN_PYTHON (scripts/lib/setup.sh installs it);
# the schema itself is checked against the metaschema first, and broken copies made at test time (an entry
# without its id, an upper-case id, a quant file not ending .gguf, a misspelt key, an http source) must be
# rejected, so the check is known to fail.
# service_library_catalogue_rules: what the schema cannot say (checkcatalogue.py: unique ids, sources,
# recommendedQuant, split sets, sizes against parameters, shapes, supported architectures), with its
# --self-test: every rule is broken once in a copy and must be caught.
# This file is both the registration (included by CMakeLists.txt) and the schema test (cmake -P).

if(CMAKE_SCRIPT_MODE_FILE STREQUAL CMAKE_CURRENT_LIST_FILE)
  cmake_minimum_required(VERSION 3.25)
  get_filename_component(bindir "${PYTHON}" DIRECTORY)
  set(checker ${bindir}/check-jsonschema)
  if(NOT PYTHON OR NOT EXISTS "${checker}")
    message(FATAL_ERROR "check-jsonschema not found next to LANTERN_PYTHON ('${PYTHON}'): "
      "./scripts/test installs it (scripts/lib/setup.sh, lantern_install_test_tools)")
  endif()
  set(schema ${SOURCE_DIR}/service/library/catalogue.schema.json)
  set(catalogue ${SOURCE_DIR}/service/library/catalogue.json)
  execute_process(COMMAND ${checker} --check-metaschema ${schema}
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "catalogue.schema.json is not a valid JSON schema:\n${out}${err}")
  endif()
  execute_process(COMMAND ${checker} --schemafile ${schema} ${catalogue}
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "catalogue.json does not match catalogue.schema.json:\n${out}${err}")
  endif()
  message(STATUS "ok: catalogue.json matches its schema")

  # Broken copies: each must be rejected.
  file(READ ${catalogue} text)
  string(REGEX REPLACE "\"id\": *\"[^\"]*\", *" "" no-id "${text}")
  string(REGEX REPLACE "\"id\": *\"[a-z]" "\"id\": \"Upper" upper-id "${text}")
  string(REGEX REPLACE "\\.gguf\"" ".bin\"" not-gguf "${text}")
  string(REGEX REPLACE "\"recommendedQuant\"" "\"recommendedQuantt\"" misspelt "${text}")
  string(REGEX REPLACE "\"https://" "\"http://" plain-http "${text}")
  string(REGEX REPLACE "\"thinking\": *(true|false)" "\"thinking\": \"yes\"" string-bool "${text}")
  string(REGEX REPLACE "\"quant\": *\"Q" "\"quant\": \"q" lower-quant "${text}")
  file(MAKE_DIRECTORY ${WORKDIR})
  foreach(kind no-id upper-id not-gguf misspelt plain-http string-bool lower-quant)
    if("${${kind}}" STREQUAL "${text}")
      message(FATAL_ERROR "could not make the '${kind}' broken copy of catalogue.json")
    endif()
    file(WRITE ${WORKDIR}/${kind}.json "${${kind}}")
    execute_process(COMMAND ${checker} --schemafile ${schema} ${WORKDIR}/${kind}.json
      RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    if(rc EQUAL 0)
      message(FATAL_ERROR "check-jsonschema accepted the '${kind}' broken catalogue: the check cannot fail")
    endif()
    message(STATUS "rejected as expected (${kind})")
  endforeach()
  return()
endif()

# Without LANTERN_PYTHON the schema test fails (it says why); the rules test needs only a Python 3.
set(_catalogue_python "${LANTERN_PYTHON}")
if(NOT _catalogue_python)
  find_program(_catalogue_python NAMES python3 python)
endif()
add_test(NAME service_library_catalogue_schema COMMAND ${CMAKE_COMMAND}
  -DPYTHON=${LANTERN_PYTHON} -DSOURCE_DIR=${PROJECT_SOURCE_DIR}
  -DWORKDIR=${CMAKE_CURRENT_BINARY_DIR}/catalogue-schema
  -P ${CMAKE_CURRENT_LIST_FILE})
add_test(NAME service_library_catalogue_rules COMMAND ${_catalogue_python}
  ${CMAKE_CURRENT_LIST_DIR}/checkcatalogue.py --self-test ${PROJECT_SOURCE_DIR}/service/library/catalogue.json)
set_tests_properties(service_library_catalogue_schema service_library_catalogue_rules PROPERTIES
  LABELS unit TIMEOUT 120)
