// JSON localization files (i18next, react-intl, Flutter ARB, Chrome's messages.json, plain key/value):
// every string value with a letter in it is a unit, its key path ("menu.file.open", "items[2]") its id and
// context. Keys, numbers, booleans, comments (// and /* */, which i18next files sometimes carry), white
// space and the order of members keep their bytes: RapidJSON's SAX reader reports where each string ends
// and the writer replaces the bytes between its quotes only. ARB metadata ("@key": {"description": ...})
// is the note of "key" and is not translated; an ARB file's "@@locale" becomes the target language.
// i18next nesting ($t(other.key)) is an inline, never translated.
#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

#include <algorithm>
#include <cctype>
#include <unordered_map>

#include "base/strformat.h"
#include "base/text.h"
#include "translation/formats/formats.h"
#include "translation/formats/splice.h"

namespace lantern::translation::formats {

namespace {

constexpr size_t npos = std::string_view::npos;
constexpr unsigned kFlags = rapidjson::kParseCommentsFlag | rapidjson::kParseTrailingCommasFlag |
                            rapidjson::kParseValidateEncodingFlag | rapidjson::kParseStopWhenDoneFlag;

// A string in the file: the bytes between its quotes, and its value.
struct Value {
    std::string path;   // "a.b[0]"; an ARB metadata member "@key.description"
    std::string key;    // the last member name ("" in an array)
    std::string value;  // decoded
    size_t begin = 0;   // after the opening quote
    size_t end = 0;     // at the closing quote
};

// The opening quote of the string whose closing quote is at `close`: the nearest '"' before it that no
// odd run of backslashes escapes (inside a JSON string every other '"' is escaped).
size_t openingQuote(std::string_view s, size_t close) {
    for (size_t p = close; p-- > 0;) {
        if (s[p] != '"')
            continue;
        size_t slashes = 0;
        while (p > slashes && s[p - 1 - slashes] == '\\')
            ++slashes;
        if (slashes % 2 == 0)
            return p;
    }
    return npos;
}

// The closing quote of the string whose first byte is at `from`.
size_t closingQuote(std::string_view s, size_t from) {
    for (size_t p = from; p < s.size(); ++p) {
        if (s[p] == '\\')
            ++p;
        else if (s[p] == '"')
            return p;
    }
    return s.size();
}

class Collector : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, Collector> {
public:
    Collector(std::string_view s, const rapidjson::StringStream& stream, std::vector<Value>& out)
        : m_s(s), m_stream(stream), m_out(out) {}

    bool Default() {
        advance();
        return true;
    }
    bool String(const char* str, rapidjson::SizeType length, bool /*copy*/) {
        Value v;
        v.path = path();
        v.key = m_frames.empty() || m_frames.back().array ? std::string() : m_frames.back().key;
        v.value.assign(str, length);
        // RapidJSON parses a string in a copy of the stream and moves the original on after this call: Tell()
        // is still at the opening quote. (Were it past the closing quote, the next byte could not be a
        // quote.)
        const size_t at = m_stream.Tell();
        if (at < m_s.size() && m_s[at] == '"') {
            v.begin = at + 1;
            v.end = closingQuote(m_s, v.begin);
        } else {
            v.end = at - 1;
            v.begin = openingQuote(m_s, v.end) + 1;
        }
        m_out.push_back(std::move(v));
        advance();
        return true;
    }
    bool Key(const char* str, rapidjson::SizeType length, bool /*copy*/) {
        m_frames.back().key.assign(str, length);
        return true;
    }
    bool StartObject() { return start(false); }
    bool StartArray() { return start(true); }
    bool EndObject(rapidjson::SizeType) { return end(); }
    bool EndArray(rapidjson::SizeType) { return end(); }

private:
    struct Frame {
        bool array = false;
        size_t index = 0;
        std::string key;
    };
    std::string path() const {
        std::string p;
        for (const Frame& f : m_frames) {
            if (f.array) {
                p += format("[{}]", f.index);
            } else {
                if (!p.empty())
                    p += '.';
                p += f.key;
            }
        }
        return p;
    }
    void advance() {
        if (!m_frames.empty() && m_frames.back().array)
            ++m_frames.back().index;
    }
    bool start(bool array) {
        if (m_frames.size() >= 64)
            return false;  // nested deeper than any localization file: refused, not a stack overflow
        m_frames.push_back(Frame{array, 0, {}});
        return true;
    }
    bool end() {
        m_frames.pop_back();
        advance();
        return true;
    }

    std::string_view m_s;
    const rapidjson::StringStream& m_stream;
    std::vector<Value>& m_out;
    std::vector<Frame> m_frames;
};

Result<std::vector<Value>> readStrings(const std::string& bytes) {
    const size_t start = std::string_view(bytes).starts_with("\xEF\xBB\xBF") ? 3 : 0;
    std::vector<Value> values;
    rapidjson::StringStream stream(bytes.c_str() + start);
    Collector collector(std::string_view(bytes).substr(start), stream, values);
    rapidjson::Reader reader;
    const rapidjson::ParseResult ok = reader.Parse<kFlags>(stream, collector);
    if (ok.IsError()) {
        if (ok.Code() == rapidjson::kParseErrorTermination)
            return fail(Errc::FormatInvalid, "the JSON is nested more than 64 levels deep");
        return fail(Errc::FormatInvalid, format("{}: {}", position(bytes, start + ok.Offset()),
                                                rapidjson::GetParseError_En(ok.Code())));
    }
    // After the value only white space and comments may follow (kParseStopWhenDoneFlag stops at its end).
    std::string_view rest = std::string_view(bytes).substr(start + stream.Tell());
    while (!rest.empty()) {
        const size_t at = bytes.size() - rest.size();
        if (std::isspace(static_cast<unsigned char>(rest[0]))) {
            rest.remove_prefix(1);
        } else if (rest.starts_with("//")) {
            const size_t nl = rest.find('\n');
            rest.remove_prefix(nl == npos ? rest.size() : nl);
        } else if (rest.starts_with("/*") && rest.find("*/", 2) != npos) {
            rest.remove_prefix(rest.find("*/", 2) + 2);
        } else {
            return fail(Errc::FormatInvalid,
                        format("{}: text after the end of the JSON value", position(bytes, at)));
        }
    }
    for (Value& v : values) {  // offsets in the whole file, BOM included
        v.begin += start;
        v.end += start;
    }
    return values;
}

// "a.b.c" -> "a.b"; "a[2]" -> "a"; "a" -> "".
std::string parent(std::string_view path) {
    const size_t cut = path.find_last_of(".[");
    return std::string(cut == npos ? std::string_view() : path.substr(0, cut));
}

bool hasLetter(std::string_view s) {
    return std::ranges::any_of(
        s, [](char c) { return std::isalpha(static_cast<unsigned char>(c)) || (c & 0x80); });
}

bool metadata(std::string_view path) {
    // An ARB file's "@key" members and "@@locale"-style globals; "$schema" and the like are not text either.
    const size_t last = path.find_last_of(".]");
    const std::string_view top = path.substr(0, path.find_first_of(".["));
    return top.starts_with('@') || top.starts_with('$') ||
           (last != npos && path.substr(last + 1).starts_with('@'));
}

// i18next nesting, $t(key) or $t(key, {"count": 2}), and a Chrome extension's $NAME$ placeholders: inlines,
// never translated.
void nestingInlines(Unit& u) {
    auto nameByte = [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '@';
    };
    for (size_t at = u.source.find('$'); at != npos; at = u.source.find('$', at + 1)) {
        size_t end = at + 1;
        while (end < u.source.size() && nameByte(u.source[end]))
            ++end;
        if (end == at + 1 || end >= u.source.size() || u.source[end] != '$')
            continue;
        u.inlines.push_back(Inline{at, end + 1, Inline::Kind::Standalone, -1, -1});
        at = end;
    }
    for (size_t at = u.source.find("$t("); at != npos; at = u.source.find("$t(", at + 1)) {
        int depth = 0;
        size_t end = at + 2;
        for (; end < u.source.size(); ++end) {
            depth += u.source[end] == '(' ? 1 : u.source[end] == ')' ? -1 : 0;
            if (depth == 0)
                break;
        }
        if (end == u.source.size())
            return;
        u.inlines.push_back(Inline{at, end + 1, Inline::Kind::Standalone, -1, -1});
        at = end;
    }
    std::ranges::sort(u.inlines, [](const Inline& a, const Inline& b) { return a.begin < b.begin; });
}

class JsonDocument final : public Document {
public:
    JsonDocument(std::string bytes, std::vector<Value> values)
        : m_bytes(std::move(bytes)), m_values(std::move(values)) {
        // Notes for the translator: ARB's "@key": {"description"}, and the "description" beside a Chrome
        // extension's or react-intl's "message" / "defaultMessage" (whose "placeholders" are code).
        std::unordered_map<std::string, std::string> notes;
        std::unordered_map<std::string, std::string> messages;  // parent path -> the message's path
        for (const Value& v : m_values)
            if (v.key == "message" || v.key == "defaultMessage")
                messages[parent(v.path)] = v.path;
        std::vector<bool> skip(m_values.size(), false);
        for (size_t i = 0; i < m_values.size(); ++i) {
            const Value& v = m_values[i];
            if (v.path.starts_with('@') && !v.path.starts_with("@@") && v.key == "description")
                notes[v.path.substr(1, v.path.size() - 1 - std::string_view(".description").size())] =
                    v.value;
            for (const auto& [owner, message] : messages) {
                if (v.key == "description" && parent(v.path) == owner) {
                    notes[message] = v.value;
                    skip[i] = true;
                } else if (v.path.starts_with(owner.empty() ? std::string("placeholders.")
                                                            : owner + ".placeholders.")) {
                    skip[i] = true;
                }
            }
        }
        for (size_t i = 0; i < m_values.size(); ++i) {
            const Value& v = m_values[i];
            if (v.path == "@@locale")
                m_locale = i;
            if (skip[i] || metadata(v.path) || !hasLetter(v.value))
                continue;
            Unit u;
            u.id = v.path.empty() ? std::string("value") : v.path;
            u.context = v.path;
            u.label = "string";
            u.source = v.value;
            u.placeholders = placeholder::Common;
            if (auto it = notes.find(v.path); it != notes.end())
                u.note = it->second;
            nestingInlines(u);
            m_units.push_back(std::move(u));
            m_unitValue.push_back(i);
        }
    }
    const std::vector<Unit>& units() const override { return m_units; }
    std::string sourceLanguage() const override {
        return m_locale == npos ? std::string() : m_values[m_locale].value;
    }
    Result<std::string> write(std::span<const UnitTranslation> translations,
                              const WriteOptions& options) const override;
    Result<void> validate(std::string_view written) const override;

private:
    std::string m_bytes;
    std::vector<Value> m_values;
    std::vector<Unit> m_units;
    std::vector<size_t> m_unitValue;  // per unit, its index in m_values
    size_t m_locale = npos;           // the "@@locale" value, if the file has one
};

Result<std::string> JsonDocument::write(std::span<const UnitTranslation> translations,
                                        const WriteOptions& options) const {
    auto index = translationIndex(translations, m_units.size());
    if (!index)
        return std::unexpected(index.error());
    std::vector<Replacement> edits;
    for (size_t u = 0; u < m_units.size(); ++u) {
        if ((*index)[u] < 0)
            continue;
        const std::string& target = translations[size_t((*index)[u])].targets.front();
        if (target.empty())
            continue;  // an empty translation keeps the source's string
        // Every byte of a JSON string is escaped alike: the inlines ($t(...), tags) are text to JSON.
        const Value& v = m_values[m_unitValue[u]];
        edits.push_back(Replacement{v.begin, v.end, jsonEscaped(target)});
    }
    if (m_locale != npos && !options.targetLanguage.empty()) {
        const Value& v = m_values[m_locale];
        std::string locale = options.targetLanguage;
        std::ranges::replace(locale, '-', '_');  // ARB locales are written en_US
        edits.push_back(Replacement{v.begin, v.end, jsonEscaped(locale)});
    }
    return splice(m_bytes, std::move(edits));
}

Result<void> JsonDocument::validate(std::string_view written) const {
    if (auto ok = checkUtf8(written, false); !ok)
        return fail(Errc::ValidationFailed, ok.error().detail);
    auto values = readStrings(std::string(written));
    if (!values)
        return fail(Errc::ValidationFailed,
                    format("the written JSON does not read back: {}", values.error().detail));
    if (values->size() != m_values.size())
        return fail(Errc::ValidationFailed, format("the written JSON has {} strings, the source {}",
                                                   values->size(), m_values.size()));
    for (size_t i = 0; i < m_values.size(); ++i)
        if ((*values)[i].path != m_values[i].path)
            return fail(Errc::ValidationFailed,
                        format("the written JSON has \"{}\" where the source has \"{}\"", (*values)[i].path,
                               m_values[i].path));
    return {};
}

}  // namespace

Result<std::unique_ptr<Document>> openJson(std::string bytes) {
    if (auto ok = checkUtf8(bytes, false); !ok)
        return std::unexpected(ok.error());
    auto values = readStrings(bytes);
    if (!values)
        return std::unexpected(values.error());
    return std::unique_ptr<Document>(std::make_unique<JsonDocument>(std::move(bytes), std::move(*values)));
}

}  // namespace lantern::translation::formats
