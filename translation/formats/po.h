#pragma once
// gettext PO/POT helpers the reader and its tests share: C-string escapes as PO files write them, the
// header's fields, the gettext name of a BCP 47 language.
#include <string>
#include <string_view>

#include "base/error.h"

namespace lantern::translation::formats::po {

// The quoted string's content (between the quotes) with \n \t \" \\ \a \b \f \v \r \? \' \ooo \xHH resolved.
// FormatInvalid names the column (1-based, `column` is where the content starts) of a bad escape.
Result<std::string> unescape(std::string_view quoted, size_t line, size_t column);

// `text` as the content of a PO string: \ " and control characters escaped.
std::string escape(std::string_view text);

// A header field's value ("Plural-Forms" of "...\nPlural-Forms: nplurals=2; plural=(n != 1);\n"), or
// empty when the header lacks the field.
std::string headerField(std::string_view header, std::string_view field);

// `header` with `field` set to `value`: the line replaced where it exists, else added after `after`
// (a field name) or at the end.
std::string setHeaderField(std::string_view header, std::string_view field, std::string_view value,
                           std::string_view after);

// "pt-BR" -> "pt_BR", "zh-Hans" -> "zh_CN", "zh-Hant" -> "zh_TW", "sr-Latn" -> "sr@latin": the form the
// Language header and gettext's locale directories use.
std::string gettextLanguage(std::string_view bcp47);

}  // namespace lantern::translation::formats::po
