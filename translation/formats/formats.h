#pragma once
// Every file format the translator reads and writes, behind one interface (translation/document.h).
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "base/error.h"
#include "translation/document.h"

namespace lantern::translation::formats {

enum class Format {
    PlainText,  // .txt: paragraphs separated by blank lines
    Markdown,   // .md .markdown (md4c): text nodes only; code blocks and spans untouched
    Html,       // .html .htm (gumbo): text nodes and alt/title/placeholder attributes
    Srt,        // .srt: cue text; numbers and timings untouched
    WebVtt,     // .vtt
    QtTs,       // .ts (Qt Linguist)
    Po,         // .po .pot (gettext)
    Xliff,      // .xlf .xliff, 1.2 and 2.x
    Json,       // .json: string values (i18next nesting); keys untouched
    AndroidXml, // strings.xml: <string>, <plurals>, <string-array>
    Docx,       // .docx (zip + WordprocessingML)
    Odt,        // .odt (zip + OpenDocument text)
};

// Short lower-case name: "po", "ts", "markdown"; and back (the CLI's --format). fromName returns false for unknown names.
std::string_view name(Format format);
bool fromName(std::string_view name, Format& out);

// The format of a file from its name and first bytes; FormatUnsupported with a sentence naming the file
// and what Lantern reads when it is none of them. (.ts is a Qt catalogue only if it starts like XML:
// a TypeScript file is refused.)
Result<Format> detect(const std::filesystem::path& path, std::string_view bytes);

// Where a translation of `source` into `language` goes by default: NAME.LANG.EXT beside it
// ("guide.md" -> "guide.de.md"; a template "app.pot" -> "app.de.po").
std::filesystem::path translatedName(const std::filesystem::path& source, std::string_view language);

// Parses `bytes` (the file's content, UTF-8; a BOM is kept) as `format`. FormatInvalid says where and why.
Result<std::unique_ptr<Document>> open(std::string bytes, Format format);

// Each format's reader (formats/<name>.cpp); open() dispatches to them.
Result<std::unique_ptr<Document>> openPlainText(std::string bytes);
Result<std::unique_ptr<Document>> openMarkdown(std::string bytes);
Result<std::unique_ptr<Document>> openHtml(std::string bytes);
Result<std::unique_ptr<Document>> openSrt(std::string bytes);
Result<std::unique_ptr<Document>> openWebVtt(std::string bytes);
Result<std::unique_ptr<Document>> openQtTs(std::string bytes);
Result<std::unique_ptr<Document>> openPo(std::string bytes);
Result<std::unique_ptr<Document>> openXliff(std::string bytes);
Result<std::unique_ptr<Document>> openJson(std::string bytes);
Result<std::unique_ptr<Document>> openAndroidXml(std::string bytes);
Result<std::unique_ptr<Document>> openDocx(std::string bytes);
Result<std::unique_ptr<Document>> openOdt(std::string bytes);

}  // namespace lantern::translation::formats
