#pragma once
// The curated catalogue as the library's cards show it: one row per entry, with its quantizations (size,
// whether it fits this computer, whether it is on disk or being downloaded). The fits come from planCatalogue
// on the controller's worker thread; the model itself is only changed on the GUI thread.
#include <QtQml/qqmlregistration.h>
#include <QAbstractListModel>
#include <QHash>
#include <QSet>
#include <QVariantList>

#include <vector>

#include "service/library/catalogue.h"

namespace lantern::ui {

class CatalogueModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Use LibraryController.catalogue")
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
public:
    enum Roles {
        EntryIdRole = Qt::UserRole + 1,
        NameRole,
        FamilyRole,
        KindRole,      // "chat", "reasoning", "translation", "base"
        KindTextRole,  // the kind for people
        ParametersRole,
        LicenceRole,
        LicenceUrlRole,
        LanguagesRole,  // "en, zh, de" or "Many languages"
        SummaryRole,
        ThinkingRole,
        RepoRole,
        SupportedRole,
        UnsupportedReasonRole,
        RecommendedIndexRole,  // index into quants of the recommended quantization
        // [{quant, sizeText, shortText, bytes, state, badge, fitText, installed, downloading}]; state:
        // "planning", "fits", "offloaded", "too-big", "unknown" or "unsupported".
        QuantsRole,
    };

    explicit CatalogueModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void setCatalogue(service::Catalogue catalogue);
    const service::Catalogue& catalogue() const { return m_catalogue; }
    // Planning started (every badge says so) or finished.
    void setPlanning();
    void setFits(const std::vector<service::CatalogueFit>& fits);
    // File names in the models folder, and "repo/path" of the first file of every unfinished download.
    void setLocalFiles(const QSet<QString>& fileNames);
    void setActiveDownloads(const QSet<QString>& keys);

    static QString downloadKey(const QString& repo, const QString& firstFile);

signals:
    void countChanged();

private:
    QVariantList quants(const service::CatalogueEntry& entry) const;
    void changedAll(int role);

    service::Catalogue m_catalogue;
    QHash<QString, service::CatalogueFit> m_fits;  // "id/quant"
    bool m_planning = false;
    QSet<QString> m_localFiles;
    QSet<QString> m_activeDownloads;
};

}  // namespace lantern::ui
