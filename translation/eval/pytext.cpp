#include "translation/eval/pytext.h"

#include <unicode/ustring.h>
#include <unicode/utypes.h>

#include <cstdio>

#include "base/strformat.h"

namespace lantern::translation::eval {

namespace {

std::string hexByte(unsigned char b) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "0x%02X", b);
    return buf;
}

// Length of the sequence that starts with `lead` and the allowed range of its second byte (Unicode's
// table 3-7 of well-formed sequences, which is what Python's codec enforces).
struct Lead {
    int length = 0;
    unsigned char secondLow = 0x80;
    unsigned char secondHigh = 0xBF;
};

Lead leadOf(unsigned char b) {
    if (b >= 0xC2 && b <= 0xDF) {
        return {2};
    }
    if (b == 0xE0) {
        return {3, 0xA0, 0xBF};
    }
    if (b == 0xED) {
        return {3, 0x80, 0x9F};  // ED A0..BF would be a UTF-16 surrogate
    }
    if (b >= 0xE1 && b <= 0xEF) {
        return {3};
    }
    if (b == 0xF0) {
        return {4, 0x90, 0xBF};
    }
    if (b >= 0xF1 && b <= 0xF3) {
        return {4};
    }
    if (b == 0xF4) {
        return {4, 0x80, 0x8F};  // nothing above U+10FFFF
    }
    return {};
}

// Decodes into `out` (when given) and stops at the first ill-formed sequence.
std::optional<Utf8Problem> decodeInto(std::string_view bytes, std::u32string* out) {
    size_t i = 0;
    while (i < bytes.size()) {
        const auto b = static_cast<unsigned char>(bytes[i]);
        if (b < 0x80) {
            if (out) {
                out->push_back(b);
            }
            ++i;
            continue;
        }
        const Lead lead = leadOf(b);
        if (lead.length == 0) {
            return Utf8Problem{i, format("{} cannot start a character", hexByte(b))};
        }
        if (i + size_t(lead.length) > bytes.size()) {
            return Utf8Problem{i, format("the text ends inside a {}-byte character", lead.length)};
        }
        char32_t c = b & (0xFF >> (lead.length + 1));
        for (int k = 1; k < lead.length; ++k) {
            const auto next = static_cast<unsigned char>(bytes[i + size_t(k)]);
            const unsigned char low = k == 1 ? lead.secondLow : 0x80;
            const unsigned char high = k == 1 ? lead.secondHigh : 0xBF;
            if (next < low || next > high) {
                return Utf8Problem{i,
                                   format("{} {} is not a well-formed character", hexByte(b), hexByte(next))};
            }
            c = (c << 6) | (next & 0x3F);
        }
        if (out) {
            out->push_back(c);
        }
        i += size_t(lead.length);
    }
    return std::nullopt;
}

}  // namespace

Result<std::u32string> decodeUtf8(std::string_view bytes) {
    std::u32string out;
    out.reserve(bytes.size());
    if (auto problem = decodeInto(bytes, &out)) {
        return fail(Errc::FormatInvalid,
                    format("invalid UTF-8 at byte offset {}: {}", problem->offset, problem->reason));
    }
    return out;
}

std::optional<Utf8Problem> findInvalidUtf8(std::string_view bytes) {
    return decodeInto(bytes, nullptr);
}

std::string encodeUtf8(std::u32string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char32_t c : text) {
        if (c < 0x80) {
            out.push_back(char(c));
        } else if (c < 0x800) {
            out.push_back(char(0xC0 | (c >> 6)));
            out.push_back(char(0x80 | (c & 0x3F)));
        } else if (c < 0x10000) {
            out.push_back(char(0xE0 | (c >> 12)));
            out.push_back(char(0x80 | ((c >> 6) & 0x3F)));
            out.push_back(char(0x80 | (c & 0x3F)));
        } else {
            out.push_back(char(0xF0 | (c >> 18)));
            out.push_back(char(0x80 | ((c >> 12) & 0x3F)));
            out.push_back(char(0x80 | ((c >> 6) & 0x3F)));
            out.push_back(char(0x80 | (c & 0x3F)));
        }
    }
    return out;
}

bool isPythonSpace(char32_t c) {
    // The complete list for which CPython 3.11's str.isspace() is true (it is fixed by the Unicode
    // properties above; the test checks it against the interpreter).
    if (c <= 0x20) {
        return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20);
    }
    switch (c) {
        case 0x85:
        case 0xA0:
        case 0x1680:
        case 0x2028:
        case 0x2029:
        case 0x202F:
        case 0x205F:
        case 0x3000:
            return true;
        default:
            return c >= 0x2000 && c <= 0x200A;
    }
}

std::vector<std::u32string_view> splitWhitespace(std::u32string_view text) {
    std::vector<std::u32string_view> words;
    size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && isPythonSpace(text[i])) {
            ++i;
        }
        const size_t begin = i;
        while (i < text.size() && !isPythonSpace(text[i])) {
            ++i;
        }
        if (i > begin) {
            words.push_back(text.substr(begin, i - begin));
        }
    }
    return words;
}

std::u32string joinWords(std::u32string_view text) {
    std::u32string out;
    out.reserve(text.size());
    for (const std::u32string_view w : splitWhitespace(text)) {
        if (!out.empty()) {
            out.push_back(U' ');
        }
        out.append(w);
    }
    return out;
}

std::u32string_view rstripSpace(std::u32string_view text) {
    size_t end = text.size();
    while (end > 0 && isPythonSpace(text[end - 1])) {
        --end;
    }
    return text.substr(0, end);
}

std::u32string_view stripSpace(std::u32string_view text) {
    text = rstripSpace(text);
    size_t begin = 0;
    while (begin < text.size() && isPythonSpace(text[begin])) {
        ++begin;
    }
    return text.substr(begin);
}

std::u32string lowercase(std::u32string_view text) {
    // ICU works on UTF-16; the round trip cannot fail for text that decodeUtf8 accepted.
    std::u16string in;
    in.reserve(text.size());
    for (const char32_t c : text) {
        if (c >= 0x10000) {
            in.push_back(char16_t(0xD7C0 + (c >> 10)));
            in.push_back(char16_t(0xDC00 | (c & 0x3FF)));
        } else {
            in.push_back(char16_t(c));
        }
    }
    std::u16string lower(in.size() + 16, u'\0');
    UErrorCode status = U_ZERO_ERROR;
    int32_t n = u_strToLower(lower.data(), int32_t(lower.size()), in.data(), int32_t(in.size()), "", &status);
    if (status == U_BUFFER_OVERFLOW_ERROR) {
        lower.assign(size_t(n), u'\0');
        status = U_ZERO_ERROR;
        n = u_strToLower(lower.data(), int32_t(lower.size()), in.data(), int32_t(in.size()), "", &status);
    }
    if (U_FAILURE(status)) {
        return std::u32string(text);
    }
    std::u32string out;
    out.reserve(size_t(n));
    for (int32_t i = 0; i < n; ++i) {
        const char16_t u = lower[size_t(i)];
        if (u >= 0xD800 && u <= 0xDBFF && i + 1 < n) {
            out.push_back(char32_t(0x10000 + ((u - 0xD800) << 10) + (lower[size_t(i) + 1] - 0xDC00)));
            ++i;
        } else {
            out.push_back(u);
        }
    }
    return out;
}

}  // namespace lantern::translation::eval
