# lantern-cli eval end to end, its output compared with sacrebleu's command line on the same files
# (LANTERN_PYTHON: the venv that scripts/lib/setup.sh's lantern_install_test_tools fills).
lantern_add_test(SOURCE cli/evaltest.cpp LABELS unit LIGHT TIMEOUT 300)
target_compile_definitions(app_cli_evaltest PRIVATE LANTERN_CLI="$<TARGET_FILE:lantern-cli>")
add_dependencies(app_cli_evaltest lantern-cli)
