#pragma once
// The user's preferences, kept in QSettings. One shared instance serves QML (singleton) and C++
// (ChatController reads the sampling preset, system prompt and context size for each request).
#include <QObject>
#include <QSettings>
#include <QString>
#include <QtQml/qqmlregistration.h>

#include "inference/engine.h"

class QQmlEngine;
class QJSEngine;

namespace lantern::ui {

class AppSettings : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    // "system", "light" or "dark"; `dark` is the resolved answer the views use.
    Q_PROPERTY(QString theme READ theme WRITE setTheme NOTIFY themeChanged)
    Q_PROPERTY(bool dark READ dark NOTIFY themeChanged)
    Q_PROPERTY(int fontSize READ fontSize WRITE setFontSize NOTIFY fontSizeChanged)
    Q_PROPERTY(QString systemPrompt READ systemPrompt WRITE setSystemPrompt NOTIFY systemPromptChanged)
    // Tokens of context to load models with; 0 = the model's own (capped by the engine).
    Q_PROPERTY(int contextSize READ contextSize WRITE setContextSize NOTIFY contextSizeChanged)
    // Longest answer in tokens (0 = until the model ends its turn or the context is full). Small models,
    // base models above all, can ramble on; the default keeps an answer to a few pages.
    Q_PROPERTY(int maxAnswerTokens READ maxAnswerTokens WRITE setMaxAnswerTokens NOTIFY maxAnswerTokensChanged)
    // Per model: "precise", "balanced" or "creative" for the model in modelPath.
    Q_PROPERTY(QString samplingPreset READ samplingPreset WRITE setSamplingPreset NOTIFY samplingPresetChanged)
    Q_PROPERTY(QString modelFolder READ modelFolder WRITE setModelFolder NOTIFY modelFolderChanged)
    Q_PROPERTY(QString modelPath READ modelPath WRITE setModelPath NOTIFY modelPathChanged)
    // Where models run (LoadOptions::device): "cpu", "vulkan", a Vulkan device index or name part; empty = a real GPU,
    // else the CPU backend.
    Q_PROPERTY(QString device READ device WRITE setDevice NOTIFY deviceChanged)
    // The OpenAI-compatible API server (issue 18): off by default; on this computer only (127.0.0.1) unless
    // serverAllowNetwork, which binds every address and then needs serverApiKey.
    Q_PROPERTY(bool serverEnabled READ serverEnabled WRITE setServerEnabled NOTIFY serverChanged)
    Q_PROPERTY(int serverPort READ serverPort WRITE setServerPort NOTIFY serverChanged)
    Q_PROPERTY(bool serverAllowNetwork READ serverAllowNetwork WRITE setServerAllowNetwork NOTIFY serverChanged)
    Q_PROPERTY(QString serverApiKey READ serverApiKey WRITE setServerApiKey NOTIFY serverChanged)
public:
    static constexpr int kDefaultServerPort = 8080;

    // No default argument: QML must use create() (the shared instance), not construct its own.
    explicit AppSettings(QObject* parent);

    // The instance QML and C++ share; created on first use.
    static AppSettings* instance();
    static AppSettings* create(QQmlEngine*, QJSEngine*);

    QString theme() const { return m_theme; }
    void setTheme(const QString& theme);
    bool dark() const;
    int fontSize() const { return m_fontSize; }
    void setFontSize(int size);
    QString systemPrompt() const { return m_systemPrompt; }
    void setSystemPrompt(const QString& prompt);
    int contextSize() const { return m_contextSize; }
    void setContextSize(int tokens);
    int maxAnswerTokens() const { return m_maxAnswerTokens; }
    void setMaxAnswerTokens(int tokens);
    QString samplingPreset() const;
    void setSamplingPreset(const QString& preset);
    QString modelFolder() const { return m_modelFolder; }
    void setModelFolder(const QString& folder);
    QString modelPath() const { return m_modelPath; }
    void setModelPath(const QString& path);
    QString device() const { return m_device; }
    void setDevice(const QString& device);
    bool serverEnabled() const { return m_serverEnabled; }
    void setServerEnabled(bool enabled);
    int serverPort() const { return m_serverPort; }
    void setServerPort(int port);
    bool serverAllowNetwork() const { return m_serverAllowNetwork; }
    void setServerAllowNetwork(bool allow);
    QString serverApiKey() const { return m_serverApiKey; }
    void setServerApiKey(const QString& key);
    // A new random key (43 characters, 256 bits) becomes serverApiKey; returns it.
    Q_INVOKABLE QString generateServerApiKey();

    // The engine options for the current preset.
    GenerateOptions generateOptions() const;
    static SamplingParams presetParams(const QString& preset);

signals:
    void themeChanged();
    void fontSizeChanged();
    void systemPromptChanged();
    void contextSizeChanged();
    void maxAnswerTokensChanged();
    void samplingPresetChanged();
    void modelFolderChanged();
    void modelPathChanged();
    void deviceChanged();
    void serverChanged();

private:
    QString presetKey() const;

    QSettings m_settings;
    QString m_theme;
    int m_fontSize = 14;
    QString m_systemPrompt;
    int m_contextSize = 4096;
    int m_maxAnswerTokens = 1024;
    QString m_modelFolder;
    QString m_modelPath;
    QString m_device;
    bool m_serverEnabled = false;
    int m_serverPort = kDefaultServerPort;
    bool m_serverAllowNetwork = false;
    QString m_serverApiKey;
};

}  // namespace lantern::ui
