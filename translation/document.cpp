#include "translation/document.h"

#include "translation/plurals.h"

namespace lantern::translation {

size_t Document::pluralForms(std::string_view targetLanguage) const {
    return plurals::gettextRule(targetLanguage).forms;
}

std::vector<uint64_t> Document::pluralExamples(std::string_view targetLanguage) const {
    std::vector<uint64_t> examples = plurals::gettextRule(targetLanguage).examples;
    examples.resize(pluralForms(targetLanguage), 2);  // a file's own rule may have more forms than the table
    return examples;
}

}  // namespace lantern::translation
