#include "ui/translate/segmentmodel.h"

namespace lantern::ui {

SegmentModel::SegmentModel(QObject* parent) : QAbstractListModel(parent) {}

int SegmentModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(m_rows.size()); }

QVariant SegmentModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& r = m_rows[index.row()];
    switch (role) {
    case Qt::DisplayRole:
    case SourceTextRole: return r.source;
    case TargetTextRole: return r.target;
    case StatusRole: return r.status;
    case ProblemsRole: return r.problems;
    case AlternativesRole: return r.alternatives;
    case LockedRole: return r.locked;
    default: return {};
    }
}

QHash<int, QByteArray> SegmentModel::roleNames() const {
    return {{SourceTextRole, "sourceText"}, {TargetTextRole, "targetText"}, {StatusRole, "status"},
            {ProblemsRole, "problems"},     {AlternativesRole, "alternatives"}, {LockedRole, "locked"}};
}

void SegmentModel::reset(const QStringList& sources) {
    beginResetModel();
    const QList<Row> old = m_rows;
    m_rows.clear();
    for (const QString& s : sources) {
        Row r;
        r.source = s;
        // A locked row whose sentence is still there keeps its translation.
        for (const Row& o : old)
            if (o.locked && o.source == s) {
                r = o;
                break;
            }
        m_rows.push_back(r);
    }
    endResetModel();
    emit countChanged();
}

void SegmentModel::changed(int row, const QList<int>& roles) {
    const QModelIndex i = index(row);
    emit dataChanged(i, i, roles);
}

void SegmentModel::setPreview(int row, const QString& text) {
    if (row < 0 || row >= m_rows.size() || m_rows[row].locked)
        return;
    m_rows[row].target = text;
    m_rows[row].status = QStringLiteral("translating");
    changed(row, {TargetTextRole, StatusRole});
}

void SegmentModel::setDone(int row, const QString& target, const QString& status, const QStringList& problems) {
    if (row < 0 || row >= m_rows.size())
        return;
    Row& r = m_rows[row];
    if (r.locked && status != QLatin1String("locked"))
        return;
    r.target = target;
    r.status = status;
    r.problems = problems;
    changed(row, {TargetTextRole, StatusRole, ProblemsRole});
}

void SegmentModel::setAlternatives(int row, const QStringList& alternatives) {
    if (row < 0 || row >= m_rows.size())
        return;
    m_rows[row].alternatives = alternatives;
    changed(row, {AlternativesRole});
}

void SegmentModel::setLocked(int row, bool locked) {
    if (row < 0 || row >= m_rows.size() || m_rows[row].locked == locked)
        return;
    m_rows[row].locked = locked;
    changed(row, {LockedRole});
}

}  // namespace lantern::ui
