#pragma once
// The translate view's aligned rows: one per segment, source beside target, with its status (pending,
// translating, translated, flagged, edited, locked, memory), the checks' problems and alternatives.
#include <QAbstractListModel>
#include <QStringList>
#include <QtQml/qqmlregistration.h>

namespace lantern::ui {

class SegmentModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Use TranslateController.segments")
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
public:
    enum Roles { SourceTextRole = Qt::UserRole + 1, TargetTextRole, StatusRole, ProblemsRole, AlternativesRole, LockedRole };
    Q_ENUM(Roles)
    struct Row {
        QString source, target, status = QStringLiteral("pending");
        QStringList problems, alternatives;
        bool locked = false;
    };

    explicit SegmentModel(QObject* parent = nullptr);
    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void reset(const QStringList& sources);
    void setPreview(int row, const QString& text);
    void setDone(int row, const QString& target, const QString& status, const QStringList& problems);
    void setAlternatives(int row, const QStringList& alternatives);
    void setLocked(int row, bool locked);
    const Row* row(int row) const { return row >= 0 && row < m_rows.size() ? &m_rows[row] : nullptr; }
    const QList<Row>& rows() const { return m_rows; }

signals:
    void countChanged();

private:
    void changed(int row, const QList<int>& roles);
    QList<Row> m_rows;
};

}  // namespace lantern::ui
