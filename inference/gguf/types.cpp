#include "inference/gguf/types.h"

#include <array>

namespace lantern::gguf {

namespace {
// Block layouts from the GGUF specification (ggml-common.h). QK_K = 256.
struct Row {
    uint32_t id;
    TypeTraits t;
};
constexpr std::array kTypes{
    Row{0, {"f32", 1, 4, true}},        Row{1, {"f16", 1, 2, true}},
    Row{2, {"q4_0", 32, 18, true}},     Row{3, {"q4_1", 32, 20, true}},
    Row{6, {"q5_0", 32, 22, true}},     Row{7, {"q5_1", 32, 24, true}},
    Row{8, {"q8_0", 32, 34, true}},     Row{9, {"q8_1", 32, 36, false}},
    Row{10, {"q2_K", 256, 84, true}},   Row{11, {"q3_K", 256, 110, true}},
    Row{12, {"q4_K", 256, 144, true}},  Row{13, {"q5_K", 256, 176, true}},
    Row{14, {"q6_K", 256, 210, true}},  Row{15, {"q8_K", 256, 292, false}},
    Row{16, {"iq2_xxs", 256, 66, false}}, Row{17, {"iq2_xs", 256, 74, false}},
    Row{18, {"iq3_xxs", 256, 98, false}}, Row{19, {"iq1_s", 256, 50, false}},
    Row{20, {"iq4_nl", 32, 18, true}},  Row{21, {"iq3_s", 256, 110, false}},
    Row{22, {"iq2_s", 256, 82, false}}, Row{23, {"iq4_xs", 256, 136, true}},
    Row{24, {"i8", 1, 1, false}},       Row{25, {"i16", 1, 2, false}},
    Row{26, {"i32", 1, 4, false}},      Row{27, {"i64", 1, 8, false}},
    Row{28, {"f64", 1, 8, false}},      Row{29, {"iq1_m", 256, 56, false}},
    Row{30, {"bf16", 1, 2, true}},
};
}  // namespace

std::optional<TypeTraits> typeTraits(uint32_t type) {
    for (const Row& r : kTypes) {
        if (r.id == type) {
            return r.t;
        }
    }
    return std::nullopt;
}

}  // namespace lantern::gguf
