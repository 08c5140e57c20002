# The pipeline itself: guard, checks, glossary, translator, job planning (the lead's area).
lantern_add_test(SOURCE guardtest.cpp LIBS lantern_translation LABELS unit LIGHT TIMEOUT 60)
lantern_add_test(SOURCE glossarytest.cpp LIBS lantern_translation LABELS unit LIGHT TIMEOUT 60)
lantern_add_test(SOURCE routingtest.cpp LIBS lantern_translation LABELS unit LIGHT TIMEOUT 60)
lantern_add_test(SOURCE translatortest.cpp LIBS lantern_translation LABELS unit LIGHT TIMEOUT 120)
# GNU coreutils' installed catalogue through the whole pipeline, judged by msgfmt --check.
lantern_add_test(SOURCE corpustest.cpp LIBS lantern_translation LABELS unit LIGHT TIMEOUT 300)
