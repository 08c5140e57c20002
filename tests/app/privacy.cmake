# Privacy, proven (issue 19): lantern-cli chat (two turns) and translate on the real default model under strace,
# only AF_UNIX sockets allowed (label model: needs LANTERN_TEST_MODELS).
lantern_add_test(SOURCE cli/privacytest.cpp LABELS model LIGHT TIMEOUT 600)
target_compile_definitions(app_cli_privacytest PRIVATE LANTERN_CLI="$<TARGET_FILE:lantern-cli>")
add_dependencies(app_cli_privacytest lantern-cli)
