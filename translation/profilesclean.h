#pragma once
// What every profile's cleanOutput does (profiles.h): the translation in a raw answer.
#include <string>
#include <string_view>

#include "translation/profiles.h"

namespace lantern::translation {

// firstLineOnly: a base model's completion ends at its first line (the next transcript turn follows).
std::string clean(std::string_view raw, const TranslationRequest& request, bool firstLineOnly);

}  // namespace lantern::translation
