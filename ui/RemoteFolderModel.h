#pragma once
// One remote folder's entries as the remote path browser lists them: name, size, modified;
// folders first, then files (the order listRemoteFolder gives). A thin adapter: what it shows is
// the listing filtered by what may be chosen — folders only for a folder field, else folders and
// the files matching the chosen name patterns — and, unless asked, no hidden (dot) entries.
#include "remote/RemoteFolder.h"

#include <QAbstractTableModel>
#include <QStringList>

namespace corral {

class RemoteFolderModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Name, Size, Modified, ColumnCount };
    static constexpr int IsFolderRole = Qt::UserRole + 1;

    explicit RemoteFolderModel(QObject *parent = nullptr);

    void setFolder(const RemoteFolder &folder);
    void clear();  // while the next folder loads
    const QString &path() const { return m_folder.path; }
    // Which entries show: files too (else folders only), files matching one of `patterns`
    // ("*.json", "tokenizer.json"; empty: all), dot entries.
    void setFilter(bool files, const QStringList &patterns, bool hidden);

    const RemoteEntry &entryAt(int row) const { return m_shown.at(row); }
    QString pathAt(int row) const;  // absolute
    int rowOf(const QString &name) const;  // -1 when not shown

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    void refilter();
    bool shows(const RemoteEntry &entry) const;

    RemoteFolder m_folder;
    QList<RemoteEntry> m_shown;
    bool m_files = true;
    QStringList m_patterns;
    bool m_hidden = false;
};

}  // namespace corral
