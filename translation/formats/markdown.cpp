// Markdown through md4c (the parser Qt uses), GitHub's dialect: tables, strikethrough, task lists, bare
// URLs as links. A unit per leaf block with text: paragraphs, headings, list items' text, table cells,
// block quotes' paragraphs. Code blocks, HTML blocks, link reference definitions and YAML front matter
// are never translated and keep their bytes. Inside a block (markdownblock.h): emphasis, strong and
// strikethrough are Open/Close pairs, a link is "[" Open and "](url "title")" Close (the URL and title are
// not translated), an image is "![" Open and "](src)" Close around its alt text, which is translated
// (it is what a reader who cannot see the image gets). Code spans, autolinks and bare URLs, hard breaks,
// entities other than the XML five, and unpaired inline HTML are Standalone; an HTML start tag and its
// end tag are a pair. Soft line breaks with the next line's container prefix are one space.
#include <md4c.h>

#include <algorithm>

#include "base/strformat.h"
#include "translation/formats/formats.h"
#include "translation/formats/markdownblock.h"
#include "translation/formats/splice.h"

namespace lantern::translation::formats {

namespace {

using markdown::Event;

constexpr unsigned kDialect = MD_DIALECT_GITHUB;

struct Leaf {
    markdown::Block block;
    markdown::Shape shape;
};

// What one md4c pass over a text gives: the units and their blocks, and the block structure that
// validate() compares (block types in order, with code and HTML blocks' contents).
struct Scan {
    std::string_view text;  // the whole file; md4c reads it from `from` on
    std::vector<Unit> units;
    std::vector<Leaf> leaves;
    std::vector<std::string> structure;
    std::vector<std::string> kept;  // why blocks with text were kept as they are

    std::vector<std::pair<MD_BLOCKTYPE, unsigned>> stack;  // open blocks, with a heading's level
    std::vector<Event> events;                             // of the leaf block being read

    bool inContainer() const {
        if (stack.empty())
            return false;
        const MD_BLOCKTYPE t = stack.back().first;
        return t == MD_BLOCK_P || t == MD_BLOCK_H || t == MD_BLOCK_TH || t == MD_BLOCK_TD || t == MD_BLOCK_LI;
    }
    bool inVerbatim() const {
        return !stack.empty() && (stack.back().first == MD_BLOCK_CODE || stack.back().first == MD_BLOCK_HTML);
    }
    bool within(MD_BLOCKTYPE t) const {
        return std::ranges::any_of(stack, [t](const auto& b) { return b.first == t; });
    }
    void flush();
};

std::string blockName(MD_BLOCKTYPE type, const void* detail) {
    switch (type) {
    case MD_BLOCK_DOC: return "document";
    case MD_BLOCK_QUOTE: return "quote";
    case MD_BLOCK_UL: return "list";
    case MD_BLOCK_OL: return "numbered list";
    case MD_BLOCK_LI: return "list item";
    case MD_BLOCK_HR: return "rule";
    case MD_BLOCK_H: return format("heading {}", static_cast<const MD_BLOCK_H_DETAIL*>(detail)->level);
    case MD_BLOCK_CODE: {
        const auto* d = static_cast<const MD_BLOCK_CODE_DETAIL*>(detail);
        return format("code block {}{}", d->fence_char ? d->fence_char : ' ',
                      std::string_view(d->info.text ? d->info.text : "", d->info.size));
    }
    case MD_BLOCK_HTML: return "HTML block";
    case MD_BLOCK_P: return "paragraph";
    case MD_BLOCK_TABLE: return "table";
    case MD_BLOCK_THEAD: return "table head";
    case MD_BLOCK_TBODY: return "table body";
    case MD_BLOCK_TR: return "table row";
    case MD_BLOCK_TH: return "table header";
    case MD_BLOCK_TD: return "table cell";
    }
    return "block";
}

void Scan::flush() {
    if (events.empty())
        return;
    std::vector<Event> ev = std::move(events);
    events.clear();
    auto block = markdown::locate(text, ev);
    if (!block) {
        // A block whose markup could not be placed keeps its bytes; nothing of it is lost.
        if (block.error() != "the block has no text" && block.error() != "the block has no text outside its markup")
            kept.push_back(block.error());
        return;
    }
    const MD_BLOCKTYPE type = stack.back().first;
    const bool listItem = type == MD_BLOCK_LI || (stack.size() >= 2 && stack[stack.size() - 2].first == MD_BLOCK_LI);
    Unit u;
    const char* prefix = "p";
    u.label = "paragraph";
    if (type == MD_BLOCK_H) {
        u.label = format("heading {}", stack.back().second);
        prefix = "h";
    } else if (type == MD_BLOCK_TH || type == MD_BLOCK_TD) {
        u.label = type == MD_BLOCK_TH ? "table header" : "table cell";
        prefix = type == MD_BLOCK_TH ? "th" : "td";
    } else if (listItem) {
        u.label = "list item";
        prefix = "li";
    } else if (within(MD_BLOCK_QUOTE)) {
        u.label = "quote";
        prefix = "q";
    }
    u.id = format("{}{}", prefix, units.size() + 1);
    u.source = block->source;
    u.inlines = block->inlines;
    u.placeholders = placeholder::Common;
    // Headings and table cells are labels, not prose to split into sentences.
    u.prose = type != MD_BLOCK_H && type != MD_BLOCK_TH && type != MD_BLOCK_TD;
    Leaf leaf{std::move(*block), {}};
    leaf.shape.heading = type == MD_BLOCK_H;
    leaf.shape.tableCell = type == MD_BLOCK_TH || type == MD_BLOCK_TD;
    leaf.shape.wrap = u.prose;
    units.push_back(std::move(u));
    leaves.push_back(std::move(leaf));
}

int enterBlock(MD_BLOCKTYPE type, void* detail, void* user) {
    auto& scan = *static_cast<Scan*>(user);
    scan.flush();
    const unsigned level = type == MD_BLOCK_H ? static_cast<MD_BLOCK_H_DETAIL*>(detail)->level : 0;
    scan.stack.emplace_back(type, level);
    scan.structure.push_back(blockName(type, detail));
    return 0;
}

int leaveBlock(MD_BLOCKTYPE type, void* /*detail*/, void* user) {
    auto& scan = *static_cast<Scan*>(user);
    scan.flush();
    scan.stack.pop_back();
    scan.structure.push_back(format("end of {}", int(type)));
    return 0;
}

int span(bool enter, MD_SPANTYPE type, void* user) {
    auto& scan = *static_cast<Scan*>(user);
    if (scan.inContainer())
        scan.events.push_back(Event{enter ? Event::Kind::Enter : Event::Kind::Leave, int(type), false, 0, 0});
    return 0;
}
int enterSpan(MD_SPANTYPE type, void* /*detail*/, void* user) { return span(true, type, user); }
int leaveSpan(MD_SPANTYPE type, void* /*detail*/, void* user) { return span(false, type, user); }

int onText(MD_TEXTTYPE type, const MD_CHAR* at, MD_SIZE size, void* user) {
    auto& scan = *static_cast<Scan*>(user);
    if (scan.inVerbatim()) {
        scan.structure.back().append(at, size);  // a code or HTML block's content must come back unchanged
        return 0;
    }
    if (!scan.inContainer())
        return 0;
    // md4c points into the input for text it found there, and to strings of its own for line breaks,
    // NUL bytes and the spaces it puts for line ends inside code spans.
    const char* base = scan.text.data();
    const bool inBuffer = at >= base && at + size <= base + scan.text.size();
    scan.events.push_back(
        Event{Event::Kind::Text, int(type), inBuffer, inBuffer ? size_t(at - base) : 0, size_t(size)});
    return 0;
}

// YAML front matter: "---" alone on the first line, up to a line "---" or "..." (Jekyll, Hugo, Pandoc).
// md4c does not know it and would read a rule and a setext heading. Returns where Markdown starts.
size_t frontMatterEnd(std::string_view s, size_t start) {
    auto lineAt = [&](size_t at, size_t& next) {
        const size_t nl = s.find('\n', at);
        next = nl == std::string_view::npos ? s.size() : nl + 1;
        std::string_view line = s.substr(at, (nl == std::string_view::npos ? s.size() : nl) - at);
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
            line.remove_suffix(1);
        return line;
    };
    size_t next = 0;
    if (lineAt(start, next) != "---")
        return start;
    for (size_t at = next; at < s.size(); at = next) {
        const std::string_view line = lineAt(at, next);
        if (line == "---" || line == "...")
            return next;
    }
    return start;  // not closed: not front matter
}

Result<Scan> scan(std::string_view text) {
    Scan s;
    s.text = text;
    const size_t from = frontMatterEnd(text, text.starts_with("\xEF\xBB\xBF") ? 3 : 0);
    if (from > 0)
        s.structure.push_back(std::string(text.substr(0, from)));
    MD_PARSER parser{};
    parser.flags = kDialect;
    parser.enter_block = enterBlock;
    parser.leave_block = leaveBlock;
    parser.enter_span = enterSpan;
    parser.leave_span = leaveSpan;
    parser.text = onText;
    if (md_parse(text.data() + from, MD_SIZE(text.size() - from), &parser, &s) != 0)
        return fail(Errc::FormatInvalid, "md4c could not parse the Markdown text (out of memory?)");
    return s;
}

class MarkdownDocument final : public Document {
public:
    MarkdownDocument(std::string bytes, Scan scan) : m_bytes(std::move(bytes)), m_scan(std::move(scan)) {
        m_scan.text = m_bytes;
    }
    const std::vector<Unit>& units() const override { return m_scan.units; }
    Result<std::string> write(std::span<const UnitTranslation> translations, const WriteOptions& options) const override;
    Result<void> validate(std::string_view written) const override;

private:
    std::string m_bytes;
    Scan m_scan;
};

Result<std::string> MarkdownDocument::write(std::span<const UnitTranslation> translations,
                                            const WriteOptions& /*options: Markdown names no language*/) const {
    auto index = translationIndex(translations, m_scan.units.size());
    if (!index)
        return std::unexpected(index.error());
    std::vector<Replacement> edits;
    for (size_t u = 0; u < m_scan.units.size(); ++u) {
        if ((*index)[u] < 0)
            continue;
        const UnitTranslation& t = translations[size_t((*index)[u])];
        const std::string& target = t.targets.front();
        if (target.find_first_not_of(" \t\r\n") == std::string::npos)
            continue;  // an empty translation keeps the source block
        const Leaf& leaf = m_scan.leaves[u];
        auto bytes = markdown::render(leaf.block, target, firstTargetInlines(t), m_scan.units[u].inlines.size(),
                                      leaf.shape);
        if (!bytes)
            return fail(bytes.error().code, format("unit {} ({}): {}", m_scan.units[u].id, m_scan.units[u].label,
                                                   bytes.error().detail));
        edits.push_back(Replacement{leaf.block.begin, leaf.block.end, std::move(*bytes)});
    }
    return splice(m_bytes, std::move(edits));
}

Result<void> MarkdownDocument::validate(std::string_view written) const {
    auto again = scan(written);
    if (!again)
        return fail(Errc::ValidationFailed, again.error().detail);
    const auto& a = m_scan.structure;
    const auto& b = again->structure;
    const auto [ia, ib] = std::ranges::mismatch(a, b);
    if (ia != a.end() || ib != b.end()) {
        const size_t i = size_t(ia - a.begin());
        auto show = [](const std::vector<std::string>& v, size_t k) {
            return k < v.size() ? format("'{}'", v[k].substr(0, 60)) : std::string("the end");
        };
        return fail(Errc::ValidationFailed, format("the written Markdown has another block structure: at block "
                                                   "event {} the source has {}, the written text {}",
                                                   i + 1, show(a, i), show(b, i)));
    }
    if (again->units.size() != m_scan.units.size())
        return fail(Errc::ValidationFailed, format("the written Markdown has {} text blocks, the source {}",
                                                   again->units.size(), m_scan.units.size()));
    return {};
}

}  // namespace

Result<std::unique_ptr<Document>> openMarkdown(std::string bytes) {
    if (auto ok = checkUtf8(bytes, false); !ok)
        return std::unexpected(ok.error());
    auto s = scan(bytes);
    if (!s)
        return std::unexpected(s.error());
    return std::unique_ptr<Document>(std::make_unique<MarkdownDocument>(std::move(bytes), std::move(*s)));
}

}  // namespace lantern::translation::formats
