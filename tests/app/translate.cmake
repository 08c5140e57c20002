# lantern-cli translate end to end on the real default model (label model: needs LANTERN_TEST_MODELS and a
# Vulkan device; lavapipe counts): validity of the written .po/.ts/.md, the JSON report, no network socket.
lantern_add_test(SOURCE cli/translatetest.cpp LABELS model LIGHT TIMEOUT 1500)
target_compile_definitions(app_cli_translatetest PRIVATE LANTERN_CLI="$<TARGET_FILE:lantern-cli>")
add_dependencies(app_cli_translatetest lantern-cli)
