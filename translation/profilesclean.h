#pragma once
// What every profile's cleanOutput does (profiles.h): the translation in a raw answer.
#include <string>
#include <string_view>

#include "translation/profiles.h"

namespace lantern::translation {

// firstBlockOnly: a base model's completion ends at its first blank line (the next transcript turn).
std::string clean(std::string_view raw, const TranslationRequest& request, bool firstBlockOnly);

}  // namespace lantern::translation
