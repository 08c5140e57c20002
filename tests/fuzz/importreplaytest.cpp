// Conversation import (storage/conversationexchange.h, the JSON the app imports) against its corpus
// (tests/fuzz/corpus-import, written by scripts/golden/fuzz_inputs.py) and deterministic mutants of each seed
// (replay.h), in every build, label fuzz. The code is Qt's (QJsonDocument): it has no libFuzzer binary (the
// clang 16 + libc++ recipe cannot link Qt, and clang 16 cannot compile libstdc++ 12's <expected>), so its
// memory checks come from running this test in the sanitizer build (scripts/test --sanitize).
#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>

#include "storage/conversationexchange.h"
#include "tests/fuzz/entries.h"
#include "tests/fuzz/replay.h"

namespace {

QJsonObject withoutTime(const QByteArray& json) {
    QJsonObject o = QJsonDocument::fromJson(json).object();
    o.remove(QStringLiteral("exported"));
    return o;
}

bool runImport(const uint8_t* data, size_t size) {
    const QByteArray json(reinterpret_cast<const char*>(data), qsizetype(size));
    auto parsed = lantern::storage::exchangeFromJson(json);
    if (!parsed) {
        if (parsed.error().code != lantern::Errc::InvalidArgument || parsed.error().detail.empty()) {
            std::fprintf(stderr, "%d %s\n", int(parsed.error().code), parsed.error().detail.c_str());
            LANTERN_FUZZ_FAIL("a refused file says why");
        }
        return false;
    }
    // Exporting an imported file gives a document that imports to the same export (all but "exported", the
    // time).
    const QByteArray exported = lantern::storage::exchangeToJson(*parsed);
    auto again = lantern::storage::exchangeFromJson(exported);
    if (!again) {
        std::fprintf(stderr, "the export does not import: %s\n", again.error().detail.c_str());
        LANTERN_FUZZ_FAIL("an export imports");
    }
    const QByteArray reexported = lantern::storage::exchangeToJson(*again);
    if (withoutTime(reexported) != withoutTime(exported)) {
        std::fprintf(stderr, "export:\n%s\nexport of its import:\n%s\n", exported.constData(),
                     reexported.constData());
        LANTERN_FUZZ_FAIL("export, import and export again give the same document");
    }
    return true;
}

}  // namespace

int main() {
    return lantern::fuzz::replay("import", "corpus-import", runImport, 600,
                                 {"{",
                                  "}",
                                  "[",
                                  "]",
                                  ",",
                                  ":",
                                  "\"format\":\"lantern-conversations\"",
                                  "\"version\":1",
                                  "\"conversations\":",
                                  "\"messages\":",
                                  "\"id\":",
                                  "\"parent\":",
                                  "\"activeChild\":",
                                  "\"activeRoot\":",
                                  "\"role\":\"user\"",
                                  "\"created\":",
                                  "\"2026-11-22T10:53:24.123Z\"",
                                  "\"state\":\"streaming\"",
                                  "null",
                                  "true",
                                  "1e999",
                                  "-1",
                                  "\"\\ud800\"",
                                  "\"stats\":{}"});
}
