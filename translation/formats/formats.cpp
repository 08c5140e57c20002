#include "translation/formats/formats.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

#include "base/strformat.h"

namespace lantern::translation::formats {

namespace {
struct Entry {
    Format format;
    std::string_view name;
    std::array<std::string_view, 3> extensions;
};
constexpr std::array kFormats{
    Entry{Format::PlainText, "text", {".txt", ".text", ""}},
    Entry{Format::Markdown, "markdown", {".md", ".markdown", ".mdown"}},
    Entry{Format::Html, "html", {".html", ".htm", ".xhtml"}},
    Entry{Format::Srt, "srt", {".srt", "", ""}},
    Entry{Format::WebVtt, "vtt", {".vtt", "", ""}},
    Entry{Format::QtTs, "ts", {".ts", "", ""}},
    Entry{Format::Po, "po", {".po", ".pot", ""}},
    Entry{Format::Xliff, "xliff", {".xlf", ".xliff", ".xlif"}},
    Entry{Format::Json, "json", {".json", ".arb", ""}},
    Entry{Format::AndroidXml, "android", {"", "", ""}},
    Entry{Format::Docx, "docx", {".docx", "", ""}},
    Entry{Format::Odt, "odt", {".odt", "", ""}},
};

std::string lower(std::string s) {
    std::ranges::transform(s, s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return s;
}

// The first non-blank bytes after an optional UTF-8 BOM.
std::string_view head(std::string_view bytes) {
    if (bytes.starts_with("\xEF\xBB\xBF"))
        bytes.remove_prefix(3);
    while (!bytes.empty() && std::isspace(static_cast<unsigned char>(bytes.front())))
        bytes.remove_prefix(1);
    return bytes.substr(0, 4096);
}
}  // namespace

std::string_view name(Format format) {
    for (const Entry& e : kFormats)
        if (e.format == format)
            return e.name;
    return "unknown";
}

bool fromName(std::string_view n, Format& out) {
    for (const Entry& e : kFormats)
        if (e.name == n) {
            out = e.format;
            return true;
        }
    return false;
}

Result<Format> detect(const std::filesystem::path& path, std::string_view bytes) {
    const std::string ext = lower(path.extension().string());
    const std::string file = lower(path.filename().string());
    const std::string_view start = head(bytes);
    if (ext == ".xml") {
        // Android string resources: <resources> with <string>/<plurals>/<string-array> children.
        if (start.find("<resources") != std::string_view::npos)
            return Format::AndroidXml;
    }
    if (ext == ".ts") {
        if (start.starts_with("<?xml") || start.starts_with("<!DOCTYPE TS") || start.starts_with("<TS"))
            return Format::QtTs;
        return fail(Errc::FormatUnsupported,
                    format("{} is not a Qt Linguist catalogue (it does not start with XML; a TypeScript source file?)",
                           path.filename().string()));
    }
    for (const Entry& e : kFormats)
        for (std::string_view x : e.extensions)
            if (!x.empty() && x == ext)
                return e.format;
    (void)file;
    return fail(Errc::FormatUnsupported,
                format("{}: Lantern translates plain text, Markdown, HTML, SRT and WebVTT subtitles, Qt .ts, gettext "
                       ".po/.pot, XLIFF, JSON, Android strings.xml, DOCX and ODT files, and this is none of them",
                       path.filename().string()));
}

Result<std::unique_ptr<Document>> open(std::string bytes, Format format) {
    switch (format) {
    case Format::PlainText: return openPlainText(std::move(bytes));
    case Format::Markdown: return openMarkdown(std::move(bytes));
    case Format::Html: return openHtml(std::move(bytes));
    case Format::Srt: return openSrt(std::move(bytes));
    case Format::WebVtt: return openWebVtt(std::move(bytes));
    case Format::QtTs: return openQtTs(std::move(bytes));
    case Format::Po: return openPo(std::move(bytes));
    case Format::Xliff: return openXliff(std::move(bytes));
    case Format::Json: return openJson(std::move(bytes));
    case Format::AndroidXml: return openAndroidXml(std::move(bytes));
    case Format::Docx: return openDocx(std::move(bytes));
    case Format::Odt: return openOdt(std::move(bytes));
    }
    return fail(Errc::FormatUnsupported, "unknown format");
}

std::filesystem::path translatedName(const std::filesystem::path& source, std::string_view language) {
    std::string ext = source.extension().string();
    if (ext == ".pot")
        ext = ".po";
    return source.parent_path() / (source.stem().string() + "." + std::string(language) + ext);
}

}  // namespace lantern::translation::formats
