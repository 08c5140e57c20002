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
# md4c's own HTML renderer is the Markdown test's independent reference (Debian: libmd4c-html0-dev; it is
# a package of its own, not part of libmd4c-dev). Without it the test fails its reference checks, it does
# not skip them.
pkg_check_modules(LANTERN_MD4C_HTML QUIET IMPORTED_TARGET md4c-html)
lantern_add_test(SOURCE formats/markdowntest.cpp LIBS lantern_translation ${_documents_extra} LABELS unit LIGHT TIMEOUT 120)
if(LANTERN_MD4C_HTML_FOUND)
  target_link_libraries(translation_formats_markdowntest PRIVATE PkgConfig::LANTERN_MD4C_HTML)
  target_compile_definitions(translation_formats_markdowntest PRIVATE LANTERN_HAVE_MD4C_HTML=1)
else()
  message(WARNING "md4c-html not found (Debian: libmd4c-html0-dev): translation_formats_markdowntest will fail")
endif()
# html5lib (python3-html5lib) reads the written pages in htmlcheck.py: the WHATWG algorithm, not gumbo.
lantern_add_test(SOURCE formats/htmltest.cpp LIBS lantern_translation ${_documents_extra} LABELS unit LIGHT TIMEOUT 120)
# python3-srt and python3-webvtt read the written subtitles in subtitlecheck.py.
lantern_add_test(SOURCE formats/subtitlestest.cpp LIBS lantern_translation ${_documents_extra} LABELS unit LIGHT TIMEOUT 120)
# Python's json module reads the written files in jsonflat.py.
lantern_add_test(SOURCE formats/jsontest.cpp LIBS lantern_translation ${_documents_extra} LABELS unit LIGHT TIMEOUT 120)
# python3-docx and python3-odf open the written DOCX and ODT files in officecheck.py; unzip -t tests the zip.
lantern_add_test(SOURCE formats/officetest.cpp LIBS lantern_translation ${_documents_extra} LABELS unit LIGHT TIMEOUT 120)
