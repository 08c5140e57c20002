// Compute pipelines from the SPIR-V table, created once per (variant, specialization) and cached.
#include "inference/vulkan/vkimpl.h"
#include "shaders/shaders.h"

namespace lantern::gpu {

Result<const Pipeline*> Context::pipeline(const PipelineDesc& desc) {
    Impl& m = *m_impl;
    // 128 bytes is what every Vulkan device guarantees.
    if (desc.pushConstantBytes > 128 || desc.pushConstantBytes % 4 != 0) {
        return fail(Errc::InvalidArgument, std::string(desc.shader) + ": " + std::to_string(desc.pushConstantBytes) +
                                               " push-constant bytes; at most 128 and a multiple of 4");
    }
    // The layout is part of the key: the same SPIR-V with another binding count is another pipeline.
    std::string key = std::string(desc.shader) + '/' + std::to_string(desc.bindings) + '/' +
                      std::to_string(desc.pushConstantBytes);
    for (uint32_t v : desc.specialization) {
        key += ':' + std::to_string(v);
    }
    if (auto it = m.pipelines.find(key); it != m.pipelines.end()) {
        return it->second.get();
    }
    const shaders::Shader* shader = shaders::find(desc.shader);
    if (!shader) {
        return fail(Errc::ShaderMissing, "no shader variant '" + std::string(desc.shader) +
                                             "' was built into this copy of Lantern");
    }
    try {
        auto p = std::make_unique<Pipeline>();
        p->name = desc.shader;
        p->bindings = desc.bindings;
        p->pushConstantBytes = desc.pushConstantBytes;
        std::vector<vk::DescriptorSetLayoutBinding> bindings;
        for (uint32_t b = 0; b < desc.bindings; ++b) {
            bindings.push_back({b, vk::DescriptorType::eStorageBuffer, 1, vk::ShaderStageFlagBits::eCompute});
        }
        p->setLayout = vk::raii::DescriptorSetLayout(m.device, {{}, bindings});
        vk::PushConstantRange push{vk::ShaderStageFlagBits::eCompute, 0, desc.pushConstantBytes};
        vk::DescriptorSetLayout raw = *p->setLayout;
        vk::PipelineLayoutCreateInfo layoutInfo{{}, raw};
        if (desc.pushConstantBytes > 0) {
            layoutInfo.setPushConstantRanges(push);
        }
        p->layout = vk::raii::PipelineLayout(m.device, layoutInfo);

        vk::raii::ShaderModule module(m.device, {{}, shader->spirv.size_bytes(), shader->spirv.data()});
        std::vector<vk::SpecializationMapEntry> entries;
        for (uint32_t i = 0; i < desc.specialization.size(); ++i) {
            entries.push_back({i, uint32_t(i * sizeof(uint32_t)), sizeof(uint32_t)});
        }
        vk::SpecializationInfo spec{uint32_t(entries.size()), entries.data(),
                                    desc.specialization.size() * sizeof(uint32_t), desc.specialization.data()};
        vk::PipelineShaderStageCreateInfo stage{{}, vk::ShaderStageFlagBits::eCompute, *module, "main",
                                                entries.empty() ? nullptr : &spec};
        p->pipeline = vk::raii::Pipeline(m.device, m.pipelineCache, vk::ComputePipelineCreateInfo{{}, stage, *p->layout});
        const Pipeline* out = p.get();
        m.pipelines.emplace(std::move(key), std::move(p));
        return out;
    } catch (const vk::SystemError& e) {
        return std::unexpected(toError(e, "creating the pipeline " + std::string(desc.shader)));
    }
}

}  // namespace lantern::gpu
