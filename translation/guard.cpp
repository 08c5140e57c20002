#include "translation/guard.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <map>
#include <optional>

#include "translation/guardscan.h"

namespace lantern::translation::guard {

namespace {

using scan::Found;

// A protected run of the source before numbering.
struct Run {
    size_t begin = 0, end = 0;
    Inline::Kind kind = Inline::Kind::Standalone;
    int pair = -1;       // the format's pair id, or a tag-name pairing made here (offset by 1<<20)
    int origin = -1;
    std::string meaning;
};

std::string tokenText(Inline::Kind kind, int number) {
    switch (kind) {
    case Inline::Kind::Open: return "<g" + std::to_string(number) + ">";
    case Inline::Kind::Close: return "</g" + std::to_string(number) + ">";
    case Inline::Kind::Standalone: break;
    }
    return "<x" + std::to_string(number) + "/>";
}

std::string inlineMeaning(std::string_view bytes) {
    if (bytes.starts_with("`"))
        return "code";
    if (bytes.starts_with("<"))
        return "markup";
    if (bytes.starts_with("](") || bytes == "[")
        return "link";
    if (bytes == "**" || bytes == "__" || bytes == "*" || bytes == "_" || bytes == "~~")
        return "emphasis";
    return "markup";
}

// Gaps of [0, size) not covered by sorted, non-overlapping runs.
template <class F>
void forEachGap(size_t size, const std::vector<Run>& runs, F&& f) {
    size_t at = 0;
    for (const Run& r : runs) {
        if (r.begin > at)
            f(at, r.begin);
        at = std::max(at, r.end);
    }
    if (at < size)
        f(at, size);
}

// Pair ids of one scan start at 0; `pairBase` keeps them apart from the format's and other scans' ids.
void addFound(std::vector<Run>& out, const std::vector<Found>& found, int& pairBase) {
    int highest = -1;
    for (const Found& f : found) {
        out.push_back(Run{f.begin, f.end, f.kind, f.pair < 0 ? -1 : pairBase + f.pair, -1, f.meaning});
        highest = std::max(highest, f.pair);
    }
    pairBase += highest + 1;
}

// Removes the first accelerator marker ('&' before a letter, not "&&" or an entity) in the text gaps.
char32_t takeAccelerator(std::string& text, std::vector<Run>& runs) {
    std::optional<size_t> at;
    forEachGap(text.size(), runs, [&](size_t b, size_t e) {
        for (size_t i = b; i + 1 < e && !at; ++i) {
            if (text[i] != '&')
                continue;
            if (text[i + 1] == '&') {
                ++i;
                continue;
            }
            if (std::isalnum(static_cast<unsigned char>(text[i + 1])))
                at = i;
        }
    });
    if (!at)
        return 0;
    const char32_t letter = static_cast<unsigned char>(text[*at + 1]);
    text.erase(*at, 1);
    for (Run& r : runs) {
        if (r.begin > *at)
            --r.begin;
        if (r.end > *at)
            --r.end;
    }
    return letter;
}

}  // namespace

Masked protect(std::string_view sourceView, std::span<const Inline> inlines, uint32_t kinds,
               std::span<const std::string> keepTerms) {
    std::string source(sourceView);
    std::vector<Run> runs;
    for (size_t i = 0; i < inlines.size(); ++i) {
        const Inline& in = inlines[i];
        if (in.begin >= in.end || in.end > source.size())
            continue;
        runs.push_back(Run{in.begin, in.end, in.kind, in.pair, int(i),
                           inlineMeaning(std::string_view(source).substr(in.begin, in.end - in.begin))});
    }
    std::ranges::sort(runs, {}, &Run::begin);

    // Then the guard's own finds in the gaps, most specific first: each pass sees only what is still text.
    int pairBase = 1 << 20;
    auto pass = [&](auto&& finder) {
        std::vector<Run> added;
        forEachGap(source.size(), runs, [&](size_t b, size_t e) {
            addFound(added, finder(std::string_view(source), b, e), pairBase);
        });
        runs.insert(runs.end(), added.begin(), added.end());
        std::ranges::sort(runs, {}, &Run::begin);
    };
    pass([&](std::string_view s, size_t b, size_t e) { return scan::tokenLookalikes(s, b, e); });
    if (kinds & placeholder::InlineCode)
        pass([&](std::string_view s, size_t b, size_t e) { return scan::inlineCode(s, b, e); });
    if (kinds & placeholder::Urls)
        pass([&](std::string_view s, size_t b, size_t e) { return scan::urls(s, b, e); });
    if (kinds & placeholder::Markup)
        pass([&](std::string_view s, size_t b, size_t e) { return scan::markup(s, b, e); });
    if (kinds & placeholder::Braces)
        pass([&](std::string_view s, size_t b, size_t e) { return scan::braces(s, b, e); });
    if (kinds & placeholder::Printf)
        pass([&](std::string_view s, size_t b, size_t e) { return scan::printf(s, b, e); });
    if (kinds & placeholder::Qt)
        pass([&](std::string_view s, size_t b, size_t e) { return scan::qt(s, b, e, (kinds & placeholder::Accelerators) != 0); });
    if (kinds & placeholder::Escapes)
        pass([&](std::string_view s, size_t b, size_t e) { return scan::escapes(s, b, e); });
    if (!keepTerms.empty())
        pass([&](std::string_view s, size_t b, size_t e) { return scan::terms(s, b, e, keepTerms); });

    Masked masked;
    if (kinds & placeholder::Accelerators)
        masked.acceleratorMarker = takeAccelerator(source, runs);

    // Number in order of appearance; a Close takes its Open's number. An unmatched Close or Open (a pair
    // split by the reader) becomes a standalone token, so every <gN> in a source has its </gN>.
    std::map<int, int> pairNumber;
    std::map<int, int> opens, closes;
    for (const Run& r : runs) {
        if (r.kind == Inline::Kind::Open)
            ++opens[r.pair];
        else if (r.kind == Inline::Kind::Close)
            ++closes[r.pair];
    }
    int next = 1;
    size_t at = 0;
    for (const Run& r : runs) {
        masked.text.append(source, at, r.begin - at);
        Inline::Kind kind = r.kind;
        if (kind != Inline::Kind::Standalone && (opens[r.pair] != 1 || closes[r.pair] != 1))
            kind = Inline::Kind::Standalone;
        int number = 0;
        if (kind == Inline::Kind::Close && pairNumber.contains(r.pair)) {
            number = pairNumber[r.pair];
        } else if (kind == Inline::Kind::Close) {
            kind = Inline::Kind::Standalone;  // closed before it was opened: keep it as a fixed code
            number = next++;
        } else {
            number = next++;
            if (kind == Inline::Kind::Open)
                pairNumber[r.pair] = number;
        }
        Token t;
        t.kind = kind;
        t.number = number;
        t.text = tokenText(kind, number);
        t.original = source.substr(r.begin, r.end - r.begin);
        t.origin = r.origin;
        t.meaning = r.meaning;
        masked.text += t.text;
        masked.tokens.push_back(std::move(t));
        at = r.end;
    }
    masked.text.append(source, at, std::string::npos);
    return masked;
}

std::string normalizeTokens(std::string_view output, const Masked& masked) {
    std::map<int, Inline::Kind> kindOf;  // number -> Standalone, or Open for a pair
    for (const Token& t : masked.tokens)
        if (t.kind != Inline::Kind::Close)
            kindOf[t.number] = t.kind;
    std::string out;
    size_t at = 0;
    for (const scan::TokenMatch& m : scan::tokenMatches(output)) {
        out.append(output.substr(at, m.begin - at));
        auto it = kindOf.find(m.number);
        if (it == kindOf.end()) {
            out.append(output.substr(m.begin, m.end - m.begin));  // not ours: inspect() reports it
        } else if (it->second == Inline::Kind::Standalone) {
            out += tokenText(Inline::Kind::Standalone, m.number);
        } else {
            out += tokenText(m.leadingSlash ? Inline::Kind::Close : Inline::Kind::Open, m.number);
        }
        at = m.end;
    }
    out.append(output.substr(at));
    return out;
}

std::string TokenReport::describe() const {
    std::string s;
    auto add = [&](const std::vector<std::string>& list, const char* one, const char* many) {
        if (list.empty())
            return;
        if (!s.empty())
            s += "; ";
        s += list.size() == 1 ? one : many;
        for (size_t i = 0; i < list.size(); ++i)
            s += (i ? ", " : " ") + list[i];
    };
    add(missing, "missing:", "missing:");
    add(duplicated, "repeated:", "repeated:");
    add(unknown, "not in the source:", "not in the source:");
    add(misnested, "closed before opened or crossing:", "closed before opened or crossing:");
    return s;
}

TokenReport inspect(std::string_view normalizedOutput, const Masked& masked) {
    TokenReport report;
    std::map<std::string, int> count;
    std::vector<std::pair<bool, int>> sequence;  // (isClose, number) of the pair tokens, in output order
    std::map<int, Inline::Kind> kindOf;
    for (const Token& t : masked.tokens)
        kindOf[t.number] = t.kind == Inline::Kind::Close ? Inline::Kind::Open : t.kind;
    for (const scan::TokenMatch& m : scan::tokenMatches(normalizedOutput)) {
        const std::string text(normalizedOutput.substr(m.begin, m.end - m.begin));
        const bool known = std::ranges::any_of(masked.tokens, [&](const Token& t) { return t.text == text; });
        if (!known) {
            report.unknown.push_back(text);
            continue;
        }
        ++count[text];
        if (kindOf[m.number] == Inline::Kind::Open)
            sequence.emplace_back(m.leadingSlash, m.number);
    }
    for (const Token& t : masked.tokens) {
        const int c = count[t.text];
        if (c == 0)
            report.missing.push_back(t.text);
        else if (c > 1 && std::ranges::find(report.duplicated, t.text) == report.duplicated.end())
            report.duplicated.push_back(t.text);
    }
    std::vector<int> open;
    for (auto [isClose, number] : sequence) {
        if (!isClose) {
            open.push_back(number);
        } else if (!open.empty() && open.back() == number) {
            open.pop_back();
        } else {
            report.misnested.push_back(tokenText(Inline::Kind::Close, number));
            std::erase(open, number);
        }
    }
    return report;
}

Restored restore(std::string_view output, const Masked& masked) {
    std::map<std::string, const Token*> byText;
    for (const Token& t : masked.tokens)
        byText[t.text] = &t;
    Restored r;
    size_t at = 0;
    for (const scan::TokenMatch& m : scan::tokenMatches(output)) {
        auto it = byText.find(std::string(output.substr(m.begin, m.end - m.begin)));
        if (it == byText.end())
            continue;
        r.text.append(output.substr(at, m.begin - at));
        const Token& t = *it->second;
        Inline in;
        in.begin = r.text.size();
        r.text += t.original;
        in.end = r.text.size();
        in.kind = t.kind;
        in.pair = t.kind == Inline::Kind::Standalone ? -1 : t.number;
        in.origin = t.origin;
        r.inlines.push_back(in);
        at = m.end;
    }
    r.text.append(output.substr(at));
    if (masked.acceleratorMarker != 0)
        scan::insertAccelerator(r.text, r.inlines, masked.acceleratorMarker);
    return r;
}

std::string remask(std::string_view restored, const Masked& masked) {
    // Each token may be used as often as it occurs in the source; a pair's Open must come before its Close.
    std::vector<const Token*> order;
    for (const Token& t : masked.tokens)
        if (!t.original.empty())
            order.push_back(&t);
    std::ranges::stable_sort(order, [](const Token* a, const Token* b) { return a->original.size() > b->original.size(); });
    std::map<const Token*, int> left;
    for (const Token* t : order)
        ++left[t];
    std::string text(restored);
    if (masked.acceleratorMarker != 0)  // the marker is not part of any token: take it out again
        if (const size_t amp = text.find('&'); amp != std::string::npos && amp + 1 < text.size() && text[amp + 1] != '&')
            text.erase(amp, 1);
    std::string out;
    for (size_t i = 0; i < text.size();) {
        const Token* hit = nullptr;
        for (const Token* t : order)
            if (left[t] > 0 && std::string_view(text).substr(i, t->original.size()) == t->original) {
                hit = t;
                break;
            }
        if (!hit) {
            out += text[i++];
            continue;
        }
        --left[hit];
        out += hit->text;
        i += hit->original.size();
    }
    return out;
}

std::string preview(std::string_view partial, const Masked& masked) {
    std::string text = normalizeTokens(partial, masked);
    const size_t lt = text.rfind('<');
    if (lt != std::string::npos && text.find('>', lt) == std::string::npos && text.size() - lt <= 8)
        text.resize(lt);
    Masked noAccelerator = masked;
    noAccelerator.acceleratorMarker = 0;
    return restore(text, noAccelerator).text;
}

std::string stripTokens(std::string_view text) {
    std::string out;
    size_t at = 0;
    for (const scan::TokenMatch& m : scan::tokenMatches(text)) {
        out.append(text.substr(at, m.begin - at));
        out += ' ';
        at = m.end;
    }
    out.append(text.substr(at));
    return out;
}

}  // namespace lantern::translation::guard
