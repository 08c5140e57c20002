#include <string>
#include <string_view>
#include <vector>

#include "tests/fuzz/entries.h"
#include "translation/formats/formats.h"

namespace lantern::fuzz {

namespace fmt = translation::formats;

bool runTranslationFormat(const uint8_t* data, size_t size) {
    using F = fmt::Format;
    static constexpr F kAll[] = {F::PlainText, F::Markdown, F::Html, F::Srt,        F::WebVtt, F::QtTs,
                                 F::Po,        F::Xliff,    F::Json, F::AndroidXml, F::Docx,   F::Odt};
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const size_t eol = input.find('\n');
    const std::string_view head = input.substr(0, eol == std::string_view::npos ? 0 : eol);
    F format = kAll[size == 0 ? 0 : data[0] % std::size(kAll)];
    if (!fmt::fromName(head, format) && head != "text") {
        format = kAll[size == 0 ? 0 : data[0] % std::size(kAll)];
    } else if (head == "text") {
        format = F::PlainText;
    }
    const std::string bytes(eol == std::string_view::npos ? input : input.substr(eol + 1));
    auto doc = fmt::open(bytes, format);
    if (!doc) {
        if ((doc.error().code != Errc::FormatInvalid && doc.error().code != Errc::FormatUnsupported) ||
            doc.error().detail.empty()) {
            std::fprintf(stderr, "%d %s\n", int(doc.error().code), doc.error().detail.c_str());
            LANTERN_FUZZ_FAIL("a file that does not parse says why, as a FormatInvalid sentence");
        }
        return false;
    }
    // Translate every unit (each plural form) with text that needs escaping in every format, write the file.
    const auto& units = (*doc)->units();
    std::vector<translation::UnitTranslation> translations;
    const size_t forms = (*doc)->pluralForms("de");
    for (size_t i = 0; i < units.size() && i < 2000; ++i) {
        if (!units[i].translatable) {
            continue;
        }
        // The source's markup goes back where it was (after a prefix), as the pipeline puts it back.
        const std::string prefix =
            "\xC3\x9C"
            "ber <b>&amp;</b> \"q\" 'a' \\n ]]> --> ";
        std::vector<translation::Inline> moved = units[i].inlines;
        for (size_t k = 0; k < moved.size(); ++k) {
            moved[k].begin += prefix.size();
            moved[k].end += prefix.size();
            moved[k].origin = int(k);
        }
        translation::UnitTranslation t{.unit = i};
        for (size_t f = 0; f < (units[i].sourcePlural.empty() ? 1 : forms); ++f) {
            t.targets.push_back(prefix + units[i].source);
            t.targetInlines.push_back(moved);
        }
        t.final = i % 2 == 0;
        translations.push_back(std::move(t));
    }
    auto written = (*doc)->write(translations, {.targetLanguage = "de"});
    if (!written) {
        if (written.error().detail.empty()) {
            LANTERN_FUZZ_FAIL("see this line");
        }
        return true;
    }
    // What Lantern writes, Lantern reads back; a catalogue (one unit per entry) keeps its number of units.
    // Prose formats are not held to that: the writer re-wraps a longer translation, which may segment
    // differently.
    auto again = fmt::open(*written, format);
    if (!again) {
        std::fprintf(stderr, "%s\n---\n%s\n", again.error().detail.c_str(), written->c_str());
    }
    const bool catalogue = format == F::Po || format == F::QtTs || format == F::Xliff || format == F::Json ||
                           format == F::AndroidXml;
    if (!again || (catalogue && (*again)->units().size() != units.size())) {
        std::fprintf(stderr, "%zu units, %zu after writing:\n%s\n", units.size(),
                     again ? (*again)->units().size() : 0, written->c_str());
        LANTERN_FUZZ_FAIL("see this line");
    }
    return true;
}

}  // namespace lantern::fuzz
