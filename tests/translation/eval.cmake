# translation/eval: sacrebleu-compatible metrics (chrF, chrF++, BLEU), compared with sacrebleu 2.4.3 itself,
# run by the Python that LANTERN_PYTHON names (scripts/lib/setup.sh: lantern_install_test_tools).
lantern_add_test(SOURCE eval/pytexttest.cpp LIBS lantern_translation LABELS unit LIGHT TIMEOUT 120)
lantern_add_test(SOURCE eval/tokenizerstest.cpp LIBS lantern_translation LABELS unit LIGHT TIMEOUT 120)
lantern_add_test(SOURCE eval/metricstest.cpp LIBS lantern_translation LABELS unit LIGHT TIMEOUT 120)
