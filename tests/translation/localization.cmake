# Localization catalogues (gettext .po/.pot, Qt .ts, XLIFF 1.2/2.x, Android strings.xml) and plural rules.
# Real corpora from this machine: coreutils' catalogues (msgunfmt), Qt's own .qm files (lconvert); small
# hand-written files in tests/data/translation/localization/ (its README says how the derived ones were made).
lantern_add_test(SOURCE pluralstest.cpp LIBS lantern_translation LABELS unit LIGHT TIMEOUT 120)
lantern_add_test(SOURCE tooltest.cpp LIBS lantern_translation LABELS unit LIGHT TIMEOUT 60)
lantern_add_test(SOURCE formats/potest.cpp LIBS lantern_translation LABELS unit LIGHT TIMEOUT 300)
lantern_add_test(SOURCE formats/qttstest.cpp LIBS lantern_translation LABELS unit LIGHT TIMEOUT 300)
lantern_add_test(SOURCE formats/xlifftest.cpp LIBS lantern_translation LABELS unit LIGHT TIMEOUT 120)
lantern_add_test(SOURCE formats/androidtest.cpp LIBS lantern_translation LABELS unit LIGHT TIMEOUT 120)
