#!/usr/bin/env python3
"""Makes a llama-cpp-python source tree build against Debian 12's Vulkan headers (1.3.239).

llama.cpp's Vulkan backend sets a validation-layer option through VK_EXT_layer_settings, whose C++ types
(vk::LayerSettingEXT, vk::LayerSettingsCreateInfoEXT) first appeared in the 1.3.272 headers. The option only
matters when validation is switched on for debugging, so older headers get the same instance without it.
Idempotent; a tree without that code is left alone.
Usage: patch_llamacpp.py LLAMA_CPP_PYTHON_SOURCE_DIR"""
import pathlib
import sys

src = pathlib.Path(sys.argv[1]) / "vendor/llama.cpp/ggml/src/ggml-vulkan/ggml-vulkan.cpp"
text = src.read_text()
start_marker = "    VkBool32 enable_best_practice = layer_settings;"
create = ("    vk::InstanceCreateInfo instance_create_info(vk::InstanceCreateFlags{}, &app_info, layers, extensions, "
          "&layer_setting_info);")
if "VK_HEADER_VERSION >= 272" in text or start_marker not in text or create not in text:
    sys.exit(0)
a = text.index(start_marker)
b = text.index(create) + len(create)
patched = ("#if VK_HEADER_VERSION >= 272\n" + text[a:b] + "\n#else  // headers older than VK_EXT_layer_settings\n"
           "    vk::InstanceCreateInfo instance_create_info(vk::InstanceCreateFlags{}, &app_info, layers, extensions);\n"
           "#endif")
src.write_text(text[:a] + patched + text[b:])
print(f"patched {src} for Vulkan headers older than 1.3.272")
