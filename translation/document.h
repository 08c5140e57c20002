#pragma once
// What the translation pipeline sees of a file: a list of units (translate-toolkit's storage classes,
// ../shared/STYLE.md "Formats"). A format's reader parses the bytes into units; its writer puts
// translations back and keeps every byte outside the translated text as it was.
//
//   auto doc = formats::open(bytes, formats::Format::Po);      // parse
//   for (const Unit& u : (*doc)->units()) ...                 // source, context, notes, plural forms
//   auto out = (*doc)->write(translations, options);          // serialize (byte-identical elsewhere)
//
// Qt-free: the pipeline is tested without a GPU and linked by the CLI and the app alike.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace lantern::translation {

// A run of a unit's source that is not text to translate: markup, code, a URL, a format's own syntax.
// Its bytes go back verbatim. The pipeline shows each one to the model as an opaque token.
struct Inline {
    enum class Kind : uint8_t {
        Standalone,  // <br/>, a code span, an image, a footnote reference, a line break inside a cue
        Open,        // <b>, **, [ of a link
        Close,       // </b>, **, ](url)
    };
    size_t begin = 0;  // byte range [begin, end) in Unit::source
    size_t end = 0;
    Kind kind = Kind::Standalone;
    int pair = -1;      // Open and Close of one element share a pair number (unique within the unit)
    int origin = -1;    // in a translation's target: the index in Unit::inlines whose bytes these are
};

// Placeholder syntaxes the guard recognises in a unit's text, besides the format's own inlines.
namespace placeholder {
inline constexpr uint32_t Printf = 1u << 0;      // %s %d %1$s %-5.2f %lu %%  (c-format, Android, .strings)
inline constexpr uint32_t Qt = 1u << 1;          // %1 .. %99, %n, %L1  (Qt .ts)
inline constexpr uint32_t Braces = 1u << 2;      // {name} {0} {{x}} ${var}  (ICU/i18next/Python/JS)
inline constexpr uint32_t Markup = 1u << 3;      // <b>…</b>, <br/>, &amp; &#x263a;  (HTML rich text in a string)
inline constexpr uint32_t Urls = 1u << 4;        // http(s)://…, mailto:, e-mail addresses
inline constexpr uint32_t InlineCode = 1u << 5;  // `code` in plain text
inline constexpr uint32_t Escapes = 1u << 6;     // \n \t \' \" \uXXXX kept as written (Android, JSON-in-text)
inline constexpr uint32_t Accelerators = 1u << 7;// &File (Qt), _File (GTK): the marker, not the letter
inline constexpr uint32_t Common = Braces | Markup | Urls | InlineCode;  // prose: documents, plain text
}  // namespace placeholder

enum class UnitState : uint8_t {
    Untranslated,  // no target yet
    NeedsReview,   // a target exists but is marked unfinished / fuzzy / needs-review
    Final,         // translated and approved
};

struct Unit {
    std::string id;             // stable key within the document: msgctxt+msgid, a resource name, a cue number, "p12"
    std::string context;        // msgctxt, the .ts context, the key path: shown to the model, never translated
    std::string note;           // developer comments for the translator (#., <comment>, <extracomment>, <note>)
    std::string source;         // the text to translate, unescaped: what a person reads
    std::string sourcePlural;   // non-empty for a plural unit (msgid_plural, numerus, <plurals> "other")
    std::vector<Inline> inlines;  // markup and code the reader found (sorted by begin, not overlapping)
    uint32_t placeholders = 0;  // placeholder:: syntaxes to protect in the text
    std::vector<std::string> targets;  // the existing translation: one string, or one per plural form
    UnitState state = UnitState::Untranslated;
    bool translatable = true;   // false: kept as is (translatable="false", obsolete entries, the PO header)
    bool prose = false;         // a paragraph the pipeline may split into sentences (documents), not a UI string
    std::string label;          // what the unit is, for people and the model: "heading", "list item", "cue 12", "button"
};

struct UnitTranslation {
    size_t unit = 0;                   // index into Document::units()
    std::vector<std::string> targets;  // one, or one per target plural form (Document::pluralForms)
    // Per target: where the source's inlines were put back (byte ranges in that target, `origin` set). The
    // bytes inside them are the reader's markup, written verbatim; everything else in a target is text the
    // writer escapes for its format. Empty (or shorter than targets): that target is all text.
    std::vector<std::vector<Inline>> targetInlines;
    bool final = false;                // write as finished/translated; else unfinished / fuzzy / needs-review
};

struct WriteOptions {
    std::string targetLanguage;  // BCP 47 ("de", "pt-BR", "zh-Hans"): written where the format names it
                                 // (PO Language header, .ts language, XLIFF trgLang, HTML lang)
};

class Document {
public:
    virtual ~Document() = default;
    virtual const std::vector<Unit>& units() const = 0;
    // The language the file says its source is in, if it says (XLIFF srcLang, .ts sourcelanguage); else empty.
    virtual std::string sourceLanguage() const { return {}; }
    // Plural forms a plural unit needs in `targetLanguage` (PO: the file's Plural-Forms header when it has
    // one; else the language's rule). 1 for languages without plurals (ja, zh, ko, vi, ...).
    virtual size_t pluralForms(std::string_view targetLanguage) const;
    // For each of those forms, a number that selects it (the prompt asks for "the form used for n = 3").
    // The default takes the gettext rule's examples; formats with other rules (.ts, Android) override it.
    virtual std::vector<uint64_t> pluralExamples(std::string_view targetLanguage) const;
    // The document with these translations in place. Units without a translation keep their bytes.
    // Everything outside translated text is byte-identical to the source.
    virtual Result<std::string> write(std::span<const UnitTranslation> translations,
                                      const WriteOptions& options) const = 0;
    // Checks a written document before it is saved: re-parses it (the same units, ids and sources) and runs
    // the format's own validator where one is installed (msgfmt --check, lrelease). The error says what failed.
    virtual Result<void> validate(std::string_view written) const = 0;
};

}  // namespace lantern::translation
