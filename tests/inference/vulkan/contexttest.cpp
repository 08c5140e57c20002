// The Vulkan context on whatever device exists (lavapipe in CI): device facts, device choice by options
// and by LANTERN_DEVICE, pipelines and the on-disk pipeline cache.
#include <QtTest>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <vulkan/vulkan.h>

#include "tests/inference/vulkan/gputest.h"

using namespace lantern;

namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return s;
}

// Sets an environment variable for one scope.
struct ScopedEnv {
    QByteArray name, old;
    bool had;
    ScopedEnv(const char* n, const QByteArray& value) : name(n), old(qgetenv(n)), had(qEnvironmentVariableIsSet(n)) {
        qputenv(n, value);
    }
    ~ScopedEnv() { had ? (void)qputenv(name.constData(), old) : (void)qunsetenv(name.constData()); }
};

}  // namespace

class ContextTest : public QObject {
    Q_OBJECT
    std::unique_ptr<gpu::Context> m_ctx;
    std::vector<gpu::DeviceInfo> m_devices;

private slots:
    void initTestCase() {
        qunsetenv("LANTERN_DEVICE");
        m_ctx = test::requireGpu();
        m_devices = *gpu::Context::enumerate();
    }

    // The limits the runtime relies on are filled in and consistent with each other.
    void deviceFacts() {
        const gpu::DeviceInfo& d = m_ctx->info();
        QVERIFY(!d.name.empty());
        QVERIFY(!d.driver.empty());
        QVERIFY(d.maxStorageBufferRange >= (1u << 27) - 1);  // Vulkan's minimum is 2^27
        QVERIFY(d.subgroupSize > 0);
        QVERIFY(d.minSubgroupSize <= d.subgroupSize && d.subgroupSize <= d.maxSubgroupSize);
        QVERIFY(d.deviceLocalBytes > 0);
        QVERIFY(d.budgetBytes <= d.deviceLocalBytes);
        QVERIFY(d.maxAllocationSize >= d.maxStorageBufferRange);
        QVERIFY(d.minStorageBufferOffsetAlignment > 0);
        QVERIFY(d.apiVersion >= ((1u << 22) | (2u << 12)));  // Vulkan 1.2
        for (size_t i = 0; i < m_devices.size(); ++i) {
            QCOMPARE(m_devices[i].index, uint32_t(i));
        }
    }

    // The instance asks for VK_KHR_portability_enumeration exactly when the loader offers it; the list
    // of what is offered matches the loader's own answer through the plain C API.
    void portabilityEnumerationWhenOffered() {
        uint32_t count = 0;
        QCOMPARE(vkEnumerateInstanceExtensionProperties(nullptr, &count, nullptr), VK_SUCCESS);
        std::vector<VkExtensionProperties> props(count);
        QCOMPARE(vkEnumerateInstanceExtensionProperties(nullptr, &count, props.data()), VK_SUCCESS);
        std::vector<std::string> raw;
        for (const auto& p : props) {
            raw.emplace_back(p.extensionName);
        }
        std::vector<std::string> offered = gpu::Context::instanceExtensionsOffered();
        std::ranges::sort(raw);
        std::ranges::sort(offered);
        QCOMPARE(offered, raw);
        uint32_t loader = 0;
        QCOMPARE(vkEnumerateInstanceVersion(&loader), VK_SUCCESS);
        const bool hasIt = std::ranges::find(raw, std::string(VK_KHR_PORTABILITY_ENUMERATION_EXTENSION_NAME)) != raw.end();
        if (loader >= VK_MAKE_API_VERSION(0, 1, 3, 216)) {
            QVERIFY2(hasIt, "a loader from 1.3.216 on implements VK_KHR_portability_enumeration");
        }
        const gpu::InstanceSetup setup = gpu::instanceSetup(offered);
        QCOMPARE(setup.enumeratePortability, hasIt);
        QCOMPARE(setup.extensions.size(), size_t(hasIt ? 1 : 0));
        const gpu::InstanceSetup none = gpu::instanceSetup({"VK_KHR_surface", "VK_EXT_debug_utils"});
        QVERIFY(!none.enumeratePortability);
        QVERIFY(none.extensions.empty());
    }

    // MoltenVK's situation, made on lavapipe: an ICD manifest that declares the driver a portability
    // driver. The loader then hides it from an instance created without the portability flag (as
    // Lantern did before), and Lantern still finds and opens it.
    void portabilityDriverIsFound() {
        if (uint32_t loader = 0; vkEnumerateInstanceVersion(&loader) != VK_SUCCESS ||
                                 loader < VK_MAKE_API_VERSION(0, 1, 3, 216)) {
            QSKIP("this Vulkan loader predates portability drivers (1.3.216)");
        }
        const std::string driver = lower(m_ctx->info().driver);
        if (driver.find("llvmpipe") == std::string::npos && lower(m_ctx->info().name).find("llvmpipe") == std::string::npos) {
            QSKIP("the portability manifest is made for lavapipe, and this device is another one");
        }
        const char* lib = "/usr/lib/x86_64-linux-gnu/libvulkan_lvp.so";
        QVERIFY2(std::filesystem::exists(lib), lib);
        QTemporaryDir dir;
        const QString manifest = dir.filePath(QStringLiteral("portability_lvp.json"));
        {
            QFile f(manifest);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(QByteArray("{\"file_format_version\": \"1.0.1\", \"ICD\": {\"library_path\": \"") + lib +
                    "\", \"api_version\": \"1.3.230\", \"is_portability_driver\": true}}");
        }
        ScopedEnv files("VK_DRIVER_FILES", manifest.toUtf8());
        ScopedEnv icd("VK_ICD_FILENAMES", manifest.toUtf8());

        // Without the flag: no device (the loader refuses the instance or lists nothing).
        VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO, nullptr, "test", 1, "test", 1, VK_API_VERSION_1_2};
        VkInstanceCreateInfo plain{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO, nullptr, 0, &app, 0, nullptr, 0, nullptr};
        VkInstance instance = VK_NULL_HANDLE;
        uint32_t hidden = 0;
        if (vkCreateInstance(&plain, nullptr, &instance) == VK_SUCCESS) {
            QCOMPARE(vkEnumeratePhysicalDevices(instance, &hidden, nullptr), VK_SUCCESS);
            vkDestroyInstance(instance, nullptr);
        }
        QCOMPARE(hidden, 0u);

        // Lantern's instance sees it and opens it.
        auto devices = gpu::Context::enumerate();
        QVERIFY2(devices.has_value(), devices ? "" : devices.error().detail.c_str());
        QCOMPARE(devices->size(), size_t(1));
        QVERIFY(lower(devices->front().name).find("llvmpipe") != std::string::npos);
        auto ctx = gpu::Context::create({.pipelineCachePath = dir.filePath(QStringLiteral("cache")).toStdString()});
        QVERIFY2(ctx.has_value(), ctx ? "" : ctx.error().detail.c_str());
    }

    void choiceByOptionName() {
        const std::string name = m_ctx->info().name;
        // Case-insensitive substring.
        std::string part = name.substr(0, std::min<size_t>(name.size(), 5));
        std::transform(part.begin(), part.end(), part.begin(), [](unsigned char c) { return char(std::toupper(c)); });
        auto same = gpu::Context::create({.device = part});
        QVERIFY2(same.has_value(), same ? "" : same.error().detail.c_str());
        QVERIFY(lower((*same)->info().name).find(lower(part)) != std::string::npos);
        auto byIndex = gpu::Context::create({.device = std::to_string(m_ctx->info().index)});
        QVERIFY(byIndex);
        QCOMPARE((*byIndex)->info().index, m_ctx->info().index);
    }

    void choiceByEnvironment() {
        const std::string name = m_ctx->info().name;
        {
            ScopedEnv env("LANTERN_DEVICE", QByteArray::fromStdString(lower(name.substr(0, 4))));
            auto ctx = gpu::Context::create();
            QVERIFY2(ctx.has_value(), ctx ? "" : ctx.error().detail.c_str());
            QVERIFY(lower((*ctx)->info().name).starts_with(lower(name.substr(0, 4))));
        }
        {
            ScopedEnv env("LANTERN_DEVICE", "no-such-gpu-xyz");
            auto none = gpu::Context::create();
            QVERIFY(!none);
            QCOMPARE(none.error().code, Errc::NoDevice);
            QVERIFY(none.error().detail.find("no-such-gpu-xyz") != std::string::npos);
            for (const gpu::DeviceInfo& d : m_devices) {
                QVERIFY2(none.error().detail.find(d.name) != std::string::npos, none.error().detail.c_str());
            }
        }
        {
            // An index past the list is no match either.
            ScopedEnv env("LANTERN_DEVICE", QByteArray::number(qulonglong(m_devices.size())));
            QVERIFY(!gpu::Context::create());
        }
    }

    void missingShaderIsAnError() {
        auto p = m_ctx->pipeline({"no_such_shader_f32", 1, 0, {}});
        QVERIFY(!p);
        QCOMPARE(p.error().code, Errc::ShaderMissing);
        QVERIFY(p.error().detail.find("no_such_shader_f32") != std::string::npos);
    }

    // One pipeline per (variant, specialization); asking again returns the same object.
    void pipelinesCachedBySpecialization() {
        auto a = m_ctx->pipeline({"add_f32", 3, sizeof(test::AddPush), {64}});
        auto b = m_ctx->pipeline({"add_f32", 3, sizeof(test::AddPush), {64}});
        auto c = m_ctx->pipeline({"add_f32", 3, sizeof(test::AddPush), {128}});
        QVERIFY(a && b && c);
        QCOMPARE(*a, *b);
        QVERIFY(*a != *c);
        auto tooBig = m_ctx->pipeline({"add_f32", 3, 256, {64}});
        QVERIFY(!tooBig);
        QCOMPARE(tooBig.error().code, Errc::InvalidArgument);
    }

    void pipelineCacheWrittenAndReused() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("cache.bin").toStdString();
        {
            auto ctx = gpu::Context::create({.pipelineCachePath = path});
            QVERIFY(ctx);
            QCOMPARE((*ctx)->pipelineCacheBytesLoaded(), uint64_t(0));
            QVERIFY((*ctx)->pipeline({"add_f32", 3, sizeof(test::AddPush), {64}}));
        }
        QVERIFY(std::filesystem::exists(path));
        // Only the cache itself is left (the file it was written into first was renamed, not left behind).
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{"cache.bin"});
        const uint64_t written = std::filesystem::file_size(path);
        QVERIFY(written >= 32);  // at least Vulkan's cache header
        auto again = gpu::Context::create({.pipelineCachePath = path});
        QVERIFY(again);
        QCOMPARE((*again)->pipelineCacheBytesLoaded(), written);
        QVERIFY((*again)->pipeline({"add_f32", 3, sizeof(test::AddPush), {64}}));
    }

    // A cache from another device (here: a damaged header) is ignored, not fed to the driver.
    void foreignPipelineCacheIgnored() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("cache.bin").toStdString();
        {
            std::ofstream out(path, std::ios::binary);
            std::vector<char> junk(256, 'x');
            out.write(junk.data(), std::streamsize(junk.size()));
        }
        auto ctx = gpu::Context::create({.pipelineCachePath = path});
        QVERIFY(ctx);
        QCOMPARE((*ctx)->pipelineCacheBytesLoaded(), uint64_t(0));
        QVERIFY((*ctx)->pipeline({"add_f32", 3, sizeof(test::AddPush), {64}}));
    }

    // Default location: <XDG_CACHE_HOME>/lantern/pipelines-<uuid hex>.bin, written by the destructor.
    void pipelineCacheDefaultPath() {
        QTemporaryDir dir;
        ScopedEnv env("XDG_CACHE_HOME", dir.path().toUtf8());
        std::string path;
        {
            auto ctx = gpu::Context::create();
            QVERIFY(ctx);
            path = (*ctx)->pipelineCachePath();
            QVERIFY2(path.starts_with(dir.path().toStdString() + "/lantern/pipelines-"), path.c_str());
            QVERIFY(path.ends_with(".bin"));
            QCOMPARE(path.size(), dir.path().toStdString().size() + std::string("/lantern/pipelines-.bin").size() + 32);
            QVERIFY((*ctx)->pipeline({"add_f32", 3, sizeof(test::AddPush), {64}}));
        }
        QVERIFY(std::filesystem::exists(path));
    }
};

QTEST_GUILESS_MAIN(ContextTest)
#include "contexttest.moc"
