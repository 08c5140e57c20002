// The translation in a chat model's raw answer (profilesclean.h). Instruction-tuned models add chatter
// around a translation even when told not to (../shared/notes/translation.md §2.5): think blocks, lead-ins
// ("Here is the translation:", "翻译："), quotes or code fences around it, a "Note:" paragraph after it, the
// source echoed first. Each cut is made only where the source itself does not look that way (a source that
// is quoted keeps its quotes, one with a "Note:" paragraph keeps the translated note), never leaves the
// answer empty, and never removes the only copy of a guard token (<gN>, </gN>, <xN/>): the checks must see
// every token the model wrote.
#include "translation/profilesclean.h"

#include <array>
#include <cctype>
#include <vector>

#include "base/text.h"
#include "translation/languages.h"

namespace lantern::translation {

namespace {

bool space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

std::string firstLine(std::string_view s) { return trimmed(s.substr(0, s.find('\n'))); }

// The guard tokens in a text, as written: "<g1>", "</g1>", "<x2/>".
std::vector<std::string> tokens(std::string_view s) {
    std::vector<std::string> out;
    for (size_t i = 0; (i = s.find('<', i)) != std::string_view::npos; ++i) {
        size_t j = i + 1;
        if (j < s.size() && s[j] == '/')
            ++j;
        if (j >= s.size() || (s[j] != 'g' && s[j] != 'x'))
            continue;
        size_t k = j + 1;
        while (k < s.size() && std::isdigit(static_cast<unsigned char>(s[k])))
            ++k;
        if (k == j + 1)
            continue;
        if (k < s.size() && s[k] == '/')
            ++k;
        if (k < s.size() && s[k] == '>')
            out.emplace_back(s.substr(i, k + 1 - i));
    }
    return out;
}

// Whether cutting `removed` keeps every token it has somewhere in `kept`.
bool tokensSafe(std::string_view removed, std::string_view kept) {
    for (const std::string& t : tokens(removed))
        if (kept.find(t) == std::string_view::npos)
            return false;
    return true;
}

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

// The colon that ends a lead-in head: ':' or the full-width '：'. npos when there is none.
size_t colonAt(std::string_view line, size_t& width) {
    const size_t a = line.find(':'), b = line.find("\xEF\xBC\x9A");
    if (a == std::string_view::npos && b == std::string_view::npos)
        return std::string_view::npos;
    width = a <= b ? 1 : 3;
    return std::min(a, b);
}

std::string unmark(std::string_view s) {  // "**Translation:**" -> "Translation:"
    std::string out;
    for (char c : s)
        if (c != '*' && c != '#' && c != '_')
            out += c;
    return trimmed(out);
}

// A head such as "Here is the German translation", "Sure!", "Übersetzung", "以下是翻译", "German".
bool leadHead(std::string_view headRaw, const TranslationRequest& r) {
    const std::string head = asciiLower(unmark(headRaw));
    if (head.empty() || head.size() > 90)
        return false;
    static constexpr std::array<std::string_view, 9> kStarts{"here is", "here's", "here are", "sure", "certainly",
                                                             "of course", "okay", "ok,", "below is"};
    for (std::string_view s : kStarts)
        if (head.starts_with(s))
            return true;
    static constexpr std::array<std::string_view, 16> kWords{
        "translation", "translated", "übersetzung", "Übersetzung", "traduction", "traducción", "tradução",
        "traduzione", "vertaling", "перевод", "翻译", "译文", "翻譯", "譯文", "翻訳", "번역"};
    for (std::string_view w : kWords)
        if (head.find(w) != std::string::npos)
            return true;
    if (const Language* l = findLanguage(r.targetLanguage))  // "German:" / "Deutsch:" as a label
        return head == asciiLower(l->englishName) || head == asciiLower(l->nativeName);
    return head == asciiLower(englishName(r.targetLanguage));
}

// A first line that only announces the translation, or a "Translation:" prefix before it.
bool stripLeadIn(std::string& s, const TranslationRequest& r) {
    const std::string line = firstLine(s);
    const std::string srcLine = firstLine(r.text);
    const size_t nl = s.find('\n');
    size_t width = 1;
    const size_t colon = colonAt(line, width);
    const std::string afterColon = colon == std::string::npos ? std::string() : trimmed(unmark(line.substr(colon + width)));
    // A whole line: "Here is the translation:", "Sure! Here's the German translation.", "**Translation:**".
    if (nl != std::string::npos) {
        const std::string rest = trimmed(s.substr(nl));
        const bool announces = colon != std::string::npos && afterColon.empty() && leadHead(line.substr(0, colon), r) &&
                               !(trimmed(srcLine).ends_with(":") || trimmed(srcLine).ends_with("\xEF\xBC\x9A"));
        const std::string l = asciiLower(line);
        const bool chatty = (l.starts_with("sure") || l.starts_with("certainly") || l.starts_with("here") ||
                             l.starts_with("of course")) && (l.find("translat") != std::string::npos);
        if ((announces || chatty) && !rest.empty() && tokensSafe(line, rest)) {
            s = rest;
            return true;
        }
    }
    // A prefix: "Translation: Das ist gut.", "Sure, here it is: Das ist gut.", "翻译：今天天气很好。". Not when the
    // source's first line has a label of its own ("Note: ...", "Error: %s").
    if (colon == std::string::npos || colon > 90 || srcLine.find(':') < 90 || srcLine.find("\xEF\xBC\x9A") < 90)
        return false;
    const std::string head = line.substr(0, colon);
    if (!leadHead(head, r) || !tokensSafe(head, ""))
        return false;
    size_t at = colon + width;  // s starts with its first line (trimmed)
    while (at < s.size() && (s[at] == '*' || s[at] == '_'))  // "**Translation:** Hallo"
        ++at;
    const std::string rest = trimmed(s.substr(at));
    if (rest.empty())
        return false;
    s = rest;
    return true;
}

// The source repeated as the first line ("Hello\nHallo", "English: Hello\nGerman: Hallo").
bool stripEcho(std::string& s, const TranslationRequest& r) {
    const std::string src = trimmed(r.text);
    if (src.empty() || src.find('\n') != std::string::npos)
        return false;
    const size_t nl = s.find('\n');
    if (nl == std::string::npos)
        return false;
    const std::string line = unmark(firstLine(s));
    const std::string srcName = englishName(r.sourceLanguage.empty() ? std::string_view("en") : r.sourceLanguage);
    if (line != src && line != srcName + ": " + src && line != "\"" + src + "\"")
        return false;
    const std::string rest = trimmed(s.substr(nl));
    if (rest.empty())
        return false;
    s = rest;
    return true;
}

std::vector<std::string> paragraphs(std::string_view s) {
    std::vector<std::string> out;
    std::string current;
    size_t i = 0;
    while (i < s.size()) {
        const size_t nl = s.find('\n', i);
        const std::string_view line = s.substr(i, nl == std::string_view::npos ? std::string_view::npos : nl - i);
        if (trimmed(line).empty()) {
            if (!trimmed(current).empty())
                out.push_back(trimmed(current));
            current.clear();
        } else {
            current += std::string(line) + "\n";
        }
        if (nl == std::string_view::npos)
            break;
        i = nl + 1;
    }
    if (!trimmed(current).empty())
        out.push_back(trimmed(current));
    return out;
}

bool noteMarker(std::string_view paragraph) {
    std::string p = asciiLower(paragraph);
    size_t b = 0;
    while (b < p.size() && (p[b] == '*' || p[b] == '_' || p[b] == '(' || p[b] == '[' || p[b] == '>' || space(p[b])))
        ++b;
    p.erase(0, b);
    static constexpr std::array<std::string_view, 17> kMarkers{
        "note:", "notes:", "note -", "note that", "note ", "explanation:", "translator's note", "translation note",
        "translation notes", "注：", "注:", "注意：", "说明：", "備註", "备注：", "anmerkung:", "remarque :"};
    for (std::string_view m : kMarkers)
        if (p.starts_with(m))
            return true;
    return p.starts_with("\xEF\xBC\x88\xE6\xB3\xA8");  // （注
}

// A trailing "Note: ..." paragraph the source does not have, or a "(Note: ...)" after the last sentence.
bool stripNote(std::string& s, const TranslationRequest& r) {
    const std::vector<std::string> out = paragraphs(s), src = paragraphs(r.text);
    if (out.size() > std::max<size_t>(src.size(), 1) && noteMarker(out.back()) && !noteMarker(src.empty() ? "" : src.back())) {
        const size_t at = s.rfind(out.back().substr(0, out.back().find('\n')));
        if (at != std::string::npos && at > 0 && tokensSafe(s.substr(at), s.substr(0, at))) {
            s = trimmed(s.substr(0, at));
            return true;
        }
    }
    for (const auto& [open, close] : {std::pair<std::string_view, std::string_view>{"(", ")"},
                                      {"\xEF\xBC\x88", "\xEF\xBC\x89"} /* （ ） */}) {
        if (r.text.find(open) != std::string::npos || !s.ends_with(close))
            continue;
        const size_t at = s.rfind(open);
        if (at != std::string::npos && at > 0 && noteMarker(s.substr(at)) && tokensSafe(s.substr(at), s.substr(0, at))) {
            s = trimmed(s.substr(0, at));
            return true;
        }
    }
    return false;
}

bool stripWrapping(std::string& s, std::string_view source) {
    const std::string src = trimmed(source);
    if (s.starts_with("```") && s.ends_with("```") && !src.starts_with("```")) {
        const size_t nl = s.find('\n');
        const size_t end = s.rfind("```");
        if (nl != std::string::npos && end != std::string::npos && end > nl) {
            const std::string inner = trimmed(s.substr(nl + 1, end - nl - 1));
            if (!inner.empty()) {
                s = inner;
                return true;
            }
        }
    }
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 10> kPairs{{
        {"**", "**"}, {"\"", "\""}, {"'", "'"}, {"`", "`"}, {"\xE2\x80\x9C", "\xE2\x80\x9D"} /* “ ” */,
        {"\xE2\x80\x9E", "\xE2\x80\x9C"} /* „ “ */, {"\xC2\xAB", "\xC2\xBB"} /* « » */,
        {"\xE3\x80\x8C", "\xE3\x80\x8D"} /* 「 」 */, {"\xE3\x80\x8E", "\xE3\x80\x8F"} /* 『 』 */,
        {"\xE2\x80\x98", "\xE2\x80\x99"} /* ‘ ’ */}};
    for (const auto& [open, close] : kPairs) {
        if (s.size() <= open.size() + close.size() || !s.starts_with(open) || !s.ends_with(close))
            continue;
        if (src.starts_with(open) || src.ends_with(close))
            continue;  // the source has them itself
        const std::string inner = s.substr(open.size(), s.size() - open.size() - close.size());
        if (inner.find(open) != std::string::npos || inner.find(close) != std::string::npos)
            continue;  // "a" and "b" is not one quoted string
        if (trimmed(inner).empty())
            continue;
        s = trimmed(inner);
        return true;
    }
    return false;
}

}  // namespace

std::string clean(std::string_view raw, const TranslationRequest& request, bool firstLineOnly) {
    std::string s(raw);
    stripThink(s);
    s = trimmed(s);
    // A standalone lead-in line first, so that a base model's "Translation:\nHallo" keeps "Hallo".
    while (stripLeadIn(s, request)) {
    }
    if (firstLineOnly)
        s = firstLine(s);
    for (int round = 0; round < 4; ++round) {
        bool changed = false;
        while (stripLeadIn(s, request))
            changed = true;
        while (stripEcho(s, request))
            changed = true;
        while (stripNote(s, request))
            changed = true;
        while (stripWrapping(s, request.text))
            changed = true;
        if (!changed)
            break;
    }
    return trimmed(s);
}

}  // namespace lantern::translation
