#pragma once
// The zip container of DOCX and ODT through libzip: the XML parts a reader needs, and the same archive with
// some parts replaced. Entries that are not replaced are copied as they are (their compressed bytes, order
// and attributes), so ODT's uncompressed first "mimetype" entry stays first and stored.
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace lantern::translation::formats::zip {

struct Archive {
    std::vector<std::string> names;  // every entry, in the archive's order
};

// The entry names of a zip held in memory; FormatInvalid when it is not a readable zip (`what` names the
// format: "DOCX").
Result<Archive> list(std::string_view bytes, std::string_view what);

// One entry's uncompressed bytes; FormatInvalid when it is missing or damaged. Entries larger than
// 256 MiB are refused (a zip bomb, not a document).
Result<std::string> read(std::string_view bytes, std::string_view name, std::string_view what);

// The archive with the named entries' contents replaced (deflated), every other entry copied unchanged.
Result<std::string> replace(std::string_view bytes, const std::map<std::string, std::string>& parts,
                            std::string_view what);

}  // namespace lantern::translation::formats::zip
