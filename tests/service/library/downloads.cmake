# The hub client, the download manager and `lantern-cli pull`, against fakehub.py: a fake hub and CDN on
# 127.0.0.1 that misbehave on request (cut connections, stalls, wrong lengths, corrupted bytes, 416, 500, ignored
# ranges, changed ETags). No other network. fakehub.py needs only Python 3's standard library.
# One file's transfer against scripted replies (no socket): an answer that starts over inside one reply.
lantern_add_test(SOURCE transferrestarttest.cpp LIBS lantern_service Qt6::Network LABELS unit LIGHT TIMEOUT 60)
set_target_properties(service_library_transferrestarttest PROPERTIES AUTOMOC ON)

if(LANTERN_PYTHON)
  set(_lantern_fakehub_python ${LANTERN_PYTHON})
else()
  find_package(Python3 COMPONENTS Interpreter QUIET)
  set(_lantern_fakehub_python ${Python3_EXECUTABLE})
endif()
if(NOT _lantern_fakehub_python)
  message(WARNING "No Python 3 found: the model library's download tests (fakehub.py) are not built")
  return()
endif()
set(_lantern_fakehub ${CMAKE_CURRENT_SOURCE_DIR}/fakehub.py)

foreach(_t hubclienttest downloadtest)
  lantern_add_test(SOURCE ${_t}.cpp EXTRA_SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/fakehub.h
    LIBS lantern_service Qt6::Network LABELS unit LIGHT TIMEOUT 120)
  target_compile_definitions(service_library_${_t} PRIVATE LANTERN_TEST_PYTHON3="${_lantern_fakehub_python}"
    LANTERN_FAKEHUB="${_lantern_fakehub}")
  set_target_properties(service_library_${_t} PROPERTIES AUTOMOC ON)
endforeach()

# `lantern-cli pull` killed with SIGKILL at ~40 % and run again: the second run fetches only the missing bytes.
if(TARGET lantern-cli AND TARGET lantern_service AND NOT WIN32)
  add_test(NAME service_library_pulltest
    COMMAND ${_lantern_fakehub_python} ${CMAKE_CURRENT_SOURCE_DIR}/pulltest.py $<TARGET_FILE:lantern-cli>
      ${_lantern_fakehub} ${PROJECT_SOURCE_DIR}/tests/data/models/tiny-deepseek2-lite-q4_k_m.gguf)
  set_tests_properties(service_library_pulltest PROPERTIES LABELS unit TIMEOUT 120
    ENVIRONMENT "${LANTERN_TEST_ENV}")
endif()
