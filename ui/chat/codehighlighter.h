#pragma once
// Syntax highlighting of fenced code blocks with KDE Syntax Highlighting, always off the UI thread and
// cached by (syntax, theme, code hash). On Debian 12 only KF5 exists, which must not be loaded into a
// Qt 6 process, so the default backend runs the `kate-syntax-highlighter` tool as a separate process
// (QProcess, asynchronous). With -DLANTERN_KF6_SYNTAX=ON and KF6SyntaxHighlighting found, the library
// runs in-process on a pool thread instead. While a block waits, the view shows it as plain monospace.
// Where neither exists (a build without KF6, or the tool not installed), highlighting is off: blocks stay
// plain, nothing is retried per block, and `available`/`notice` tell the view what to say and how to fix it.
#include <QCache>
#include <QObject>
#include <QQueue>
#include <QSet>
#include <QString>
#include <QtQml/qqmlregistration.h>

class QProcess;

namespace lantern::ui {

class CodeHighlighter : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Use ChatController.highlighter")
    // Bumped whenever a block finished highlighting; bindings that call html() depend on it.
    Q_PROPERTY(int revision READ revision NOTIFY revisionChanged)
    // False once it is known that no backend can highlight (checked on first use, not at start-up).
    Q_PROPERTY(bool available READ available NOTIFY availableChanged)
    // Why code is plain and what to install, for the user; empty while available.
    Q_PROPERTY(QString notice READ notice NOTIFY availableChanged)
public:
    explicit CodeHighlighter(QObject* parent = nullptr);
    ~CodeHighlighter() override;

    int revision() const { return m_revision; }
    bool available() const { return m_available; }
    QString notice() const;
    // The highlighted block as rich text (<pre>…</pre>), or "" while it is being highlighted or when the
    // language is unknown. Starts highlighting on a cache miss.
    Q_INVOKABLE QString html(const QString& language, const QString& code, bool dark);
    // Maps a fence's info string ("cpp", "py", "sh") to a KDE syntax definition name ("C++").
    static QString syntaxName(const QString& fenceLanguage);
    // The <pre> part of the tool's HTML page; empty when there is none.
    static QString extractPre(const QString& page);
    // For tests: another program than kate-syntax-highlighter (e.g. a missing one). Resets availability.
    Q_INVOKABLE void setProgram(const QString& program);
    // Blocks highlighted so far by the backend (cache hits excluded).
    int jobsRun() const { return m_jobsRun; }

signals:
    void revisionChanged();
    void availableChanged();
    void highlighted(const QString& key);

private:
    struct Job {
        QString key;
        QString syntax;
        QString theme;
        QString code;
    };
    void startNext();
    void finish(const QString& key, const QString& html);
    void markUnavailable();

    QCache<QString, QString> m_cache{400};
    QSet<QString> m_pending;
    QQueue<Job> m_queue;
    QProcess* m_process = nullptr;
    bool m_busy = false;
    QString m_program = QStringLiteral("kate-syntax-highlighter");
    bool m_available = true;
    bool m_programChecked = false;
    int m_revision = 0;
    int m_jobsRun = 0;
};

}  // namespace lantern::ui
