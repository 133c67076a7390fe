#include "RemoteFolderModel.h"

#include <QApplication>
#include <QDateTime>
#include <QLocale>
#include <QStyle>

#include <fnmatch.h>

namespace corral {

RemoteFolderModel::RemoteFolderModel(QObject *parent) : QAbstractTableModel(parent) {}

void RemoteFolderModel::setFolder(const RemoteFolder &folder)
{
    m_folder = folder;
    refilter();
}

void RemoteFolderModel::clear()
{
    m_folder = RemoteFolder{};
    refilter();
}

void RemoteFolderModel::setFilter(bool files, const QStringList &patterns, bool hidden)
{
    m_files = files;
    m_patterns = patterns;
    m_hidden = hidden;
    refilter();
}

bool RemoteFolderModel::shows(const RemoteEntry &entry) const
{
    if (!m_hidden && entry.name.startsWith(QLatin1Char('.')))
        return false;
    if (entry.isDirectory)
        return true;
    if (!m_files)
        return false;
    if (m_patterns.isEmpty())
        return true;
    const QByteArray name = entry.name.toUtf8();
    for (const QString &pattern : m_patterns) {
        if (fnmatch(pattern.toUtf8().constData(), name.constData(), 0) == 0)
            return true;
    }
    return false;
}

void RemoteFolderModel::refilter()
{
    beginResetModel();
    m_shown.clear();
    for (const RemoteEntry &entry : std::as_const(m_folder.entries)) {
        if (shows(entry))
            m_shown << entry;
    }
    endResetModel();
}

QString RemoteFolderModel::pathAt(int row) const
{
    const QString &folder = m_folder.path;
    return (folder.endsWith(QLatin1Char('/')) ? folder : folder + QLatin1Char('/')) + m_shown.at(row).name;
}

int RemoteFolderModel::rowOf(const QString &name) const
{
    for (int row = 0; row < m_shown.size(); ++row) {
        if (m_shown.at(row).name == name)
            return row;
    }
    return -1;
}

int RemoteFolderModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_shown.size());
}

int RemoteFolderModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RemoteFolderModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const RemoteEntry &entry = m_shown.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Name: return entry.name;
        case Size: return entry.isDirectory ? QString() : QLocale().formattedDataSize(entry.size);
        case Modified:
            if (entry.modified <= 0)
                return QString();
            return QLocale().toString(QDateTime::fromSecsSinceEpoch(entry.modified), QLocale::ShortFormat);
        }
        break;
    case Qt::DecorationRole:
        if (index.column() == Name && qApp)
            return QApplication::style()->standardIcon(entry.isDirectory ? QStyle::SP_DirIcon : QStyle::SP_FileIcon);
        break;
    case Qt::TextAlignmentRole:
        if (index.column() == Size)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        break;
    case Qt::ToolTipRole:
        return entry.isLink ? tr("%1 (a link)").arg(pathAt(index.row())) : pathAt(index.row());
    case IsFolderRole:
        return entry.isDirectory;
    }
    return {};
}

QVariant RemoteFolderModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Name: return tr("Name");
    case Size: return tr("Size");
    case Modified: return tr("Modified");
    }
    return {};
}

}  // namespace corral
