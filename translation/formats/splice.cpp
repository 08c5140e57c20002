#include "translation/formats/splice.h"

#include <algorithm>

#include "base/strformat.h"

namespace lantern::translation::formats {

Result<std::string> splice(std::string_view original, std::vector<Replacement> replacements) {
    std::ranges::stable_sort(replacements, [](const Replacement& a, const Replacement& b) { return a.begin < b.begin; });
    std::string out;
    out.reserve(original.size());
    size_t at = 0;
    for (const Replacement& r : replacements) {
        if (r.begin < at || r.end < r.begin || r.end > original.size())
            return fail(Errc::Internal, format("replacement [{}, {}) overlaps another or lies outside the {} bytes",
                                               r.begin, r.end, original.size()));
        out.append(original.substr(at, r.begin - at));
        out.append(r.bytes);
        at = r.end;
    }
    out.append(original.substr(at));
    return out;
}

std::string position(std::string_view text, size_t offset) {
    offset = std::min(offset, text.size());
    size_t line = 1;
    size_t lineStart = 0;
    for (size_t i = 0; i < offset; ++i)
        if (text[i] == '\n') {
            ++line;
            lineStart = i + 1;
        }
    return format("line {}, column {}", line, offset - lineStart + 1);
}

Result<std::vector<Piece>> pieces(std::string_view target, std::span<const Inline> targetInlines, size_t unitInlines) {
    std::vector<Inline> sorted(targetInlines.begin(), targetInlines.end());
    std::ranges::stable_sort(sorted, [](const Inline& a, const Inline& b) { return a.begin < b.begin; });
    std::vector<Piece> out;
    size_t at = 0;
    for (const Inline& in : sorted) {
        if (in.begin < at || in.end < in.begin || in.end > target.size())
            return fail(Errc::InvalidArgument,
                        format("a target inline [{}, {}) overlaps another or lies outside the {}-byte target",
                               in.begin, in.end, target.size()));
        if (in.origin >= 0 && size_t(in.origin) >= unitInlines)
            return fail(Errc::InvalidArgument, format("a target inline names source inline {} of {}", in.origin,
                                                      unitInlines));
        if (in.begin > at)
            out.push_back(Piece{target.substr(at, in.begin - at), false, -1, Inline::Kind::Standalone});
        const bool markup = in.origin >= 0;
        out.push_back(Piece{target.substr(in.begin, in.end - in.begin), markup, in.origin, in.kind});
        at = in.end;
    }
    if (at < target.size())
        out.push_back(Piece{target.substr(at), false, -1, Inline::Kind::Standalone});
    // Neighbouring text pieces (a guard-made inline between two runs) are one run for escaping.
    std::vector<Piece> merged;
    for (const Piece& p : out) {
        if (!merged.empty() && !p.markup && !merged.back().markup)
            merged.back().bytes = std::string_view(merged.back().bytes.data(),
                                                   size_t(p.bytes.data() + p.bytes.size() - merged.back().bytes.data()));
        else
            merged.push_back(p);
    }
    return merged;
}

Result<std::vector<int>> translationIndex(std::span<const UnitTranslation> translations, size_t unitCount) {
    std::vector<int> index(unitCount, -1);
    for (size_t i = 0; i < translations.size(); ++i) {
        const UnitTranslation& t = translations[i];
        if (t.unit >= unitCount)
            return fail(Errc::InvalidArgument,
                        format("translation {} names unit {}, but the document has {} units", i, t.unit, unitCount));
        if (index[t.unit] >= 0)
            return fail(Errc::InvalidArgument, format("unit {} is translated twice", t.unit));
        if (t.targets.empty())
            continue;  // nothing to write: the unit keeps its bytes
        index[t.unit] = int(i);
    }
    return index;
}

std::span<const Inline> firstTargetInlines(const UnitTranslation& t) {
    if (t.targetInlines.empty())
        return {};
    return t.targetInlines.front();
}

namespace {
// Length of the UTF-8 sequence starting at s[i], or 0 when it is not a valid one (overlong forms,
// surrogates and values above U+10FFFF included).
size_t utf8Length(std::string_view s, size_t i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80)
        return 1;
    size_t n = 0;
    uint32_t cp = 0;
    if ((c & 0xE0) == 0xC0) {
        n = 2;
        cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        n = 3;
        cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
        n = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (i + n > s.size())
        return 0;
    for (size_t k = 1; k < n; ++k) {
        const auto d = static_cast<unsigned char>(s[i + k]);
        if ((d & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (d & 0x3F);
    }
    static constexpr uint32_t kMin[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}
}  // namespace

Result<void> checkUtf8(std::string_view bytes, bool allowNul) {
    for (size_t i = 0; i < bytes.size();) {
        if (bytes[i] == '\0' && !allowNul)
            return fail(Errc::FormatInvalid,
                        format("byte {} ({}): a NUL byte; this looks like a binary file, not text", i,
                               position(bytes, i)));
        const size_t n = utf8Length(bytes, i);
        if (n == 0)
            return fail(Errc::FormatInvalid,
                        format("byte {} ({}): invalid UTF-8; Lantern reads documents in UTF-8 (convert the file "
                               "first, e.g. with iconv)",
                               i, position(bytes, i)));
        i += n;
    }
    return {};
}

Result<void> sameUnits(std::span<const Unit> written, std::span<const Unit> source, std::string_view document,
                       std::string_view units) {
    if (written.size() != source.size())
        return fail(Errc::ValidationFailed,
                    format("{} has {} {}, the source {}", document, written.size(), units, source.size()));
    for (size_t i = 0; i < source.size(); ++i)
        if (written[i].id != source[i].id || written[i].label != source[i].label)
            return fail(Errc::ValidationFailed, format("{} has {} ({}) where the source has {} ({})", document,
                                                       written[i].id, written[i].label, source[i].id, source[i].label));
    return {};
}

std::string_view lineEnding(std::string_view text) {
    const size_t nl = text.find('\n');
    if (nl != std::string_view::npos && nl > 0 && text[nl - 1] == '\r')
        return "\r\n";
    return "\n";
}

}  // namespace lantern::translation::formats
