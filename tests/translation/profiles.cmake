# Prompt profiles per model family and answer cleaning (translation/profiles.cpp, profilesclean.cpp).
# Until translation/languages.cpp exists (another area's), englishName/findLanguage come from a stand-in.
set(_profiles_extra "")
if(NOT EXISTS ${PROJECT_SOURCE_DIR}/translation/languages.cpp)
  set(_profiles_extra EXTRA_SOURCES ${CMAKE_CURRENT_LIST_DIR}/languagesstub.cpp)
endif()
lantern_add_test(SOURCE profilestest.cpp LIBS lantern_translation ${_profiles_extra} LABELS unit LIGHT TIMEOUT 60)
