# Languages, CLD2 detection and sentence splitting (translation/languages.cpp, languagedetect.cpp,
# segmenter.cpp). The languages test asks ICU directly for CLDR's names, scripts and directions.
find_package(ICU REQUIRED COMPONENTS uc i18n)
lantern_add_test(SOURCE languagestest.cpp LIBS lantern_translation ICU::uc ICU::i18n LABELS unit LIGHT TIMEOUT 60)
lantern_add_test(SOURCE segmentertest.cpp LIBS lantern_translation LABELS unit LIGHT TIMEOUT 60)
