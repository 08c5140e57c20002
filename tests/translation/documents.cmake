# Document formats (plain text, Markdown, HTML, SRT/WebVTT, JSON) and the helpers their writers share.
# Test files: tests/data/translation/documents/.
lantern_add_test(SOURCE formats/splicetest.cpp LIBS lantern_translation LABELS unit LIGHT TIMEOUT 60)
lantern_add_test(SOURCE formats/textwraptest.cpp LIBS lantern_translation LABELS unit LIGHT TIMEOUT 60)
