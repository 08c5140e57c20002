# Document formats (plain text, Markdown, HTML, SRT/WebVTT, JSON) and the helpers their writers share.
# Test files: tests/data/translation/documents/.
# Until translation/plurals.cpp exists (another area's), Document's vtable needs a stand-in for gettextRule.
set(_documents_extra "")
if(NOT EXISTS ${PROJECT_SOURCE_DIR}/translation/plurals.cpp)
  set(_documents_extra EXTRA_SOURCES ${CMAKE_CURRENT_LIST_DIR}/formats/pluralsstub.cpp)
endif()
lantern_add_test(SOURCE formats/splicetest.cpp LIBS lantern_translation ${_documents_extra} LABELS unit LIGHT TIMEOUT 60)
lantern_add_test(SOURCE formats/textwraptest.cpp LIBS lantern_translation ${_documents_extra} LABELS unit LIGHT TIMEOUT 60)
lantern_add_test(SOURCE formats/plaintexttest.cpp LIBS lantern_translation ${_documents_extra} LABELS unit LIGHT TIMEOUT 120)
