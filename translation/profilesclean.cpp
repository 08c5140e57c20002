#include "translation/profilesclean.h"

#include "base/text.h"

#include <array>
#include <cctype>

namespace lantern::translation {

namespace {

std::string trim(std::string_view s) { return trimmed(s); }
std::string lower(std::string_view s) { return asciiLower(s); }

void stripThink(std::string& s) {
    for (;;) {
        const size_t open = s.find("<think>");
        if (open == std::string::npos)
            break;
        const size_t close = s.find("</think>", open);
        s.erase(open, close == std::string::npos ? std::string::npos : close + 8 - open);
    }
    if (const size_t close = s.find("</think>"); close != std::string::npos)  // the template opened it
        s.erase(0, close + 8);
}

// "Here is the translation:" and its kind, as a first line or a prefix ending in a colon.
bool stripLeadIn(std::string& s, std::string_view source) {
    static constexpr std::array<std::string_view, 19> kLeads{
        "here is the translation", "here's the translation", "here is the", "here's the", "here is a translation",
        "sure", "certainly", "of course", "translation", "translated text", "the translation", "output",
        "以下是翻译", "翻译", "译文", "übersetzung", "traduction", "traducción", "перевод"};
    const size_t colon = std::min({s.find(':'), s.find("\xEF\xBC\x9A") /* ： */, s.find('\n')});
    if (colon == std::string::npos || colon > 90)
        return false;
    const std::string head = lower(trim(s.substr(0, colon)));
    if (lower(trim(source)).starts_with(head))
        return false;  // the source starts that way itself
    for (std::string_view lead : kLeads) {
        if (head.starts_with(lead) && (s.compare(colon, 1, ":") == 0 || s.compare(colon, 3, "\xEF\xBC\x9A") == 0 ||
                                      head.size() <= lead.size() + 40)) {
            const size_t skip = s.compare(colon, 3, "\xEF\xBC\x9A") == 0 ? 3 : 1;
            if (s[colon] == '\n' && !(head.ends_with(":") || head.starts_with("sure") || head.starts_with("certainly") ||
                                      head.starts_with("of course") || head.starts_with("here")))
                return false;
            s = trim(s.substr(colon + skip));
            return true;
        }
    }
    return false;
}

void stripWrapping(std::string& s, std::string_view source) {
    const std::string src = trim(source);
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 6> kPairs{{
        {"\"", "\""}, {"'", "'"}, {"\xE2\x80\x9C", "\xE2\x80\x9D"}, {"\xE2\x80\x9E", "\xE2\x80\x9C"},
        {"\xE3\x80\x8C", "\xE3\x80\x8D"}, {"`", "`"}}};
    if (s.starts_with("```")) {
        const size_t nl = s.find('\n');
        const size_t end = s.rfind("```");
        if (nl != std::string::npos && end != std::string::npos && end > nl && !src.starts_with("```"))
            s = trim(s.substr(nl + 1, end - nl - 1));
    }
    for (const auto& [open, close] : kPairs) {
        if (s.size() >= open.size() + close.size() && s.starts_with(open) && s.ends_with(close) &&
            !(src.starts_with(open) && src.ends_with(close))) {
            const std::string inner = s.substr(open.size(), s.size() - open.size() - close.size());
            if (inner.find(open) == std::string::npos)  // "a" and "b" is not one quoted string
                s = trim(inner);
        }
    }
}

void stripNote(std::string& s) {
    for (std::string_view marker : {"\n\nNote:", "\n\n(Note", "\n\nNotes:", "\n\n注：", "\n\n注意：", "\n\nExplanation:"}) {
        if (const size_t at = s.find(marker); at != std::string::npos)
            s.erase(at);
    }
}

}  // namespace

std::string clean(std::string_view raw, const TranslationRequest& request, bool firstBlockOnly) {
    std::string s(raw);
    stripThink(s);
    s = trim(s);
    if (firstBlockOnly) {
        if (const size_t blank = s.find("\n\n"); blank != std::string::npos)
            s.erase(blank);
        s = trim(s);
    }
    const std::string_view source = request.rewrite == Rewrite::None ? std::string_view(request.text)
                                                                     : std::string_view(request.current);
    for (int i = 0; i < 2 && stripLeadIn(s, source); ++i) {
    }
    stripNote(s);
    // The source repeated on the first line, the translation after it.
    const std::string src = trim(request.text);
    if (s.starts_with(src) && s.size() > src.size() && s[src.size()] == '\n' && src.find('\n') == std::string::npos)
        s = trim(s.substr(src.size()));
    stripWrapping(s, request.text);
    return trim(s);
}

}  // namespace lantern::translation
