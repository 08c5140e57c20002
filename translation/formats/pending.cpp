// Formats whose reader is being written (issue 16): until each one lands, opening such a file says so
// instead of failing to link. Each format's author deletes its stand-in here; the file goes when empty.
#include "base/strformat.h"
#include "translation/formats/formats.h"

namespace lantern::translation::formats {
namespace {
Result<std::unique_ptr<Document>> notYet(std::string_view what) {
    return fail(Errc::FormatUnsupported, format("Lantern cannot read {} files yet.", what));
}
}  // namespace

Result<std::unique_ptr<Document>> openDocx(std::string) { return notYet("DOCX"); }
Result<std::unique_ptr<Document>> openOdt(std::string) { return notYet("ODT"); }

}  // namespace lantern::translation::formats
