#include "translation/document.h"

#include "translation/plurals.h"

namespace lantern::translation {

size_t Document::pluralForms(std::string_view targetLanguage) const {
    return plurals::gettextRule(targetLanguage).forms;
}

}  // namespace lantern::translation
