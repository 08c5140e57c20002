# Split GGUF sets written by llama.cpp's gguf-py (the reference writer) from the real default model: the same
# greedy answers as the single file through `lantern-cli`, and clear refusals for a missing or cut part.
if(LANTERN_PYTHON)
  add_test(NAME app_cli_splitreference COMMAND ${LANTERN_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/cli/splitreference.py
    $<TARGET_FILE:lantern-cli> ${LANTERN_TEST_MODELS}/gemma-3-270m-q4_k_m.gguf)
  set_tests_properties(app_cli_splitreference PROPERTIES LABELS "model" TIMEOUT 600 SKIP_RETURN_CODE 77
    ENVIRONMENT "${LANTERN_TEST_ENV}")
endif()
