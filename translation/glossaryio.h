#pragma once
// Glossary files: CSV (RFC 4180, with a header row naming the columns) and TBX (ISO 30042 term bases, read
// with expat); translation memories as TMX 1.4. Qt-free: the CLI reads them for --glossary, the store
// imports and exports them.
//   source,target,dnt,case_sensitive,note
//   "file manager","Dateimanager",0,0,"the application"
//   Lantern,,1,1,product name
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "translation/glossary.h"

namespace lantern::translation {

// Columns by header name, case-insensitive: source, target, dnt (or do_not_translate), case_sensitive, note.
// A file whose first row is not such a header is read as source,target[,dnt[,case_sensitive[,note]]].
// Errors name the line. Flags accept 1/0, yes/no, true/false, y/n, x/empty.
Result<std::vector<GlossaryEntry>> parseGlossaryCsv(std::string_view bytes);
std::string writeGlossaryCsv(std::span<const GlossaryEntry> entries);

// The terms of `sourceLanguage` with their `targetLanguage` equivalent in each concept entry (TBX 2008
// martif/termEntry/langSet/tig/term and TBX v3 tbx/conceptEntry/langSec/termSec/term); base languages match
// ("de" in the file serves "de-AT"). A concept with a source term but no target term is a keep term when its
// administrativeStatus / termNote says so, else skipped.
Result<std::vector<GlossaryEntry>> parseTbx(std::string_view bytes, std::string_view sourceLanguage,
                                            std::string_view targetLanguage);
std::string writeTbx(std::span<const GlossaryEntry> entries, std::string_view sourceLanguage,
                     std::string_view targetLanguage);

// One translation unit of a memory: the source text and its translation.
struct MemoryPair {
    std::string source;
    std::string target;
};

// The <tu>s of a TMX file that have a <tuv xml:lang> (or TMX 1.1 lang) <seg> in both languages (base
// languages match, an exact language is preferred). The inline codes (<bpt>, <ept>, <ph>, <it>, <ut>) hold
// the original format's markup, not text: they are dropped with their content; the text inside <hi> is kept.
// Units missing either language, or empty on either side, are skipped. Not XML: FormatInvalid with the line;
// another root than <tmx>: FormatUnsupported.
Result<std::vector<MemoryPair>> parseTmx(std::string_view bytes, std::string_view sourceLanguage,
                                         std::string_view targetLanguage);
std::string writeTmx(std::span<const MemoryPair> pairs, std::string_view sourceLanguage,
                     std::string_view targetLanguage);

}  // namespace lantern::translation
