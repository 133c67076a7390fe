#include "RemotePathDialog.h"

#include "RemoteFolderModel.h"
#include "config/DataFiles.h"
#include "remote/SshConnection.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QStyle>
#include <QToolButton>
#include <QTreeView>
#include <QVBoxLayout>

namespace corral {

QList<QPair<QString, QStringList>> parseNameFilters(const QString &filters)
{
    static const QRegularExpression withPatterns(QStringLiteral("^(.*)\\(([^()]*)\\)\\s*$"));
    QList<QPair<QString, QStringList>> parsed;
    for (const QString &filter : filters.split(QStringLiteral(";;"), Qt::SkipEmptyParts)) {
        const auto match = withPatterns.match(filter.trimmed());
        const QString patterns = match.hasMatch() ? match.captured(2) : filter;
        parsed.append({filter.trimmed(), patterns.split(QLatin1Char(' '), Qt::SkipEmptyParts)});
    }
    return parsed;
}

RemotePathDialog::RemotePathDialog(SshConnection *connection, const QString &where, const PathRequest &request,
                                   const QStringList &start, QWidget *parent)
    : QDialog(parent), m_connection(connection), m_where(where), m_request(request)
{
    setObjectName(QStringLiteral("remotePathDialog"));
    setWindowTitle(request.title.isEmpty() ? tr("Choose a path on %1").arg(where)
                                           : tr("%1 on %2").arg(request.title, where));
    auto *layout = new QVBoxLayout(this);

    auto *bar = new QHBoxLayout;
    m_up = new QToolButton(this);
    m_up->setObjectName(QStringLiteral("up"));
    m_up->setIcon(style()->standardIcon(QStyle::SP_FileDialogToParent));
    m_up->setToolTip(tr("The folder above"));
    m_home = new QToolButton(this);
    m_home->setObjectName(QStringLiteral("home"));
    m_home->setIcon(style()->standardIcon(QStyle::SP_DirHomeIcon));
    m_home->setToolTip(tr("Your home folder on %1").arg(where));
    m_refresh = new QToolButton(this);
    m_refresh->setObjectName(QStringLiteral("refresh"));
    m_refresh->setIcon(style()->standardIcon(QStyle::SP_BrowserReload));
    m_refresh->setToolTip(tr("List the folder again"));
    m_path = new QLineEdit(this);
    m_path->setObjectName(QStringLiteral("path"));
    m_path->setPlaceholderText(tr("a path on %1; Enter opens it").arg(where));
    m_path->setToolTip(m_request.kind == PathRequest::Kind::Files
                           ? tr("A folder opens, a file is chosen; a pattern such as /data/*.jsonl is taken as it is")
                           : tr("A folder opens, a file is chosen; ~ is your home folder on %1").arg(where));
    bar->addWidget(m_up);
    bar->addWidget(m_home);
    bar->addWidget(m_path, 1);
    bar->addWidget(m_refresh);
    layout->addLayout(bar);

    m_model = new RemoteFolderModel(this);
    m_view = new QTreeView(this);
    m_view->setObjectName(QStringLiteral("entries"));
    m_view->setModel(m_model);
    m_view->setRootIsDecorated(false);
    m_view->setUniformRowHeights(true);
    m_view->setAllColumnsShowFocus(true);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(m_request.kind == PathRequest::Kind::Files ? QAbstractItemView::ExtendedSelection
                                                                        : QAbstractItemView::SingleSelection);
    m_view->header()->setStretchLastSection(false);
    m_view->header()->setSectionResizeMode(RemoteFolderModel::Name, QHeaderView::Stretch);
    m_view->header()->setSectionResizeMode(RemoteFolderModel::Size, QHeaderView::ResizeToContents);
    m_view->header()->setSectionResizeMode(RemoteFolderModel::Modified, QHeaderView::ResizeToContents);
    layout->addWidget(m_view, 1);

    auto *options = new QHBoxLayout;
    m_filter = new QComboBox(this);
    m_filter->setObjectName(QStringLiteral("filter"));
    if (wantsFiles()) {
        auto filters = parseNameFilters(m_request.nameFilter);
        bool all = false;
        for (const auto &filter : filters)
            all = all || filter.second.contains(QStringLiteral("*"));
        if (!all)
            filters.append({tr("All files (*)"), {QStringLiteral("*")}});
        for (const auto &filter : filters)
            m_filter->addItem(filter.first, filter.second);
    } else {
        m_filter->addItem(tr("Folders"));
        m_filter->setEnabled(false);
    }
    m_hidden = new QCheckBox(tr("Hidden files"), this);
    m_hidden->setObjectName(QStringLiteral("hidden"));
    options->addWidget(m_filter, 1);
    options->addWidget(m_hidden);
    layout->addLayout(options);

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("status"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_status);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_choose = buttons->addButton(m_request.kind == PathRequest::Kind::Folder ? tr("Choose folder") : tr("Choose"),
                                  QDialogButtonBox::AcceptRole);
    m_choose->setObjectName(QStringLiteral("choose"));
    layout->addWidget(buttons);

    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_choose, &QPushButton::clicked, this, [this] { choose(); });
    connect(m_up, &QToolButton::clicked, this, &RemotePathDialog::goUp);
    connect(m_home, &QToolButton::clicked, this, [this] { openPath(QStringLiteral("~")); });
    connect(m_refresh, &QToolButton::clicked, this, &RemotePathDialog::refresh);
    connect(m_path, &QLineEdit::returnPressed, this, [this] { openPath(m_path->text()); });
    connect(m_view, &QTreeView::activated, this, &RemotePathDialog::activate);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, &RemotePathDialog::updateButtons);
    connect(m_filter, &QComboBox::currentIndexChanged, this, &RemotePathDialog::applyFilter);
    connect(m_hidden, &QCheckBox::toggled, this, &RemotePathDialog::applyFilter);
    applyFilter();
    resize(720, 480);

    load(start.value(0, QStringLiteral("~")),
         [start](SftpClient &sftp) { return openFirstRemotePath(sftp, start); }, Then::Show);
}

QString RemotePathDialog::folder() const
{
    return m_model->path();
}

QString RemotePathDialog::status() const
{
    return m_status->text();
}

bool RemotePathDialog::wantsFiles() const
{
    return m_request.kind != PathRequest::Kind::Folder;
}

void RemotePathDialog::setStatus(const QString &text, bool problem)
{
    m_status->setText(text);
    m_status->setStyleSheet(problem ? QStringLiteral("color: #cf222e") : QString());
}

void RemotePathDialog::load(const QString &shown, Job job, Then then, const QString &select)
{
    const quint64 ticket = ++m_ticket;
    m_loading = true;
    setStatus(tr("Loading %1…").arg(shown), false);
    m_view->setEnabled(false);  // the old listing stays in sight until the new one arrives
    updateButtons();
    if (!m_connection) {
        const QString why = tr("no connection to the cluster profile '%1'").arg(m_where);
        onLoaded(makeError(ErrorCode::Runtime, why.toStdString()), then, select);
        return;
    }
    m_connection
        ->post<RemoteLocation>([job = std::move(job)](SshWorker &worker) {
            auto result = job(worker.sftp());
            if (!result)
                worker.noteFailure(result.error());
            return result;
        })
        .then(this, [this, ticket, then, select](const Result<RemoteLocation> &result) {
            if (ticket == m_ticket)
                onLoaded(result, then, select);
        });
}

void RemotePathDialog::onLoaded(const Result<RemoteLocation> &result, Then then, const QString &select)
{
    m_loading = false;
    m_view->setEnabled(true);
    if (!result) {
        const QString message = QString::fromStdString(result.error().toString());
        setStatus(message, true);
        updateButtons();
        emit loadFailed(message);
        return;
    }
    const RemoteLocation &location = result.value();
    m_model->setFolder(location.folder);
    m_path->setText(location.folder.path);
    setStatus(QString(), false);
    const QString file = location.file.section(QLatin1Char('/'), -1);
    const int row = m_model->rowOf(file.isEmpty() ? select : file);
    if (row >= 0) {
        m_view->setCurrentIndex(m_model->index(row, RemoteFolderModel::Name));
        m_view->scrollTo(m_model->index(row, RemoteFolderModel::Name));
    }
    m_view->setFocus();
    updateButtons();
    emit folderShown(location.folder.path);
    if (!location.file.isEmpty() && then == Then::ChooseFile) {
        if (wantsFiles()) {
            m_chosen = {location.file};
            accept();
        } else {
            setStatus(tr("%1 is a file; choose a folder").arg(location.file), true);
        }
    }
}

void RemotePathDialog::openPath(const QString &path)
{
    const QString typed = path.trimmed();
    if (typed.isEmpty())
        return;
    // A pattern is a data.files entry of its own: the trainer expands it on the cluster.
    if (m_request.kind == PathRequest::Kind::Files && isGlobPattern(typed.toStdString())) {
        if (!typed.startsWith(QLatin1Char('/'))) {
            setStatus(tr("A pattern needs an absolute folder: %1").arg(typed), true);
            return;
        }
        m_chosen = {typed};
        accept();
        return;
    }
    load(typed, [typed](SftpClient &sftp) { return openRemotePath(sftp, typed); }, Then::ChooseFile);
}

void RemotePathDialog::goUp()
{
    const QString current = folder();
    if (current.isEmpty() || current == QLatin1StringView("/"))
        return;
    const QString parent = remoteParentFolder(current);
    load(parent, [parent](SftpClient &sftp) { return openRemotePath(sftp, parent); }, Then::Show,
         current.section(QLatin1Char('/'), -1));
}

void RemotePathDialog::refresh()
{
    const QString current = folder().isEmpty() ? QStringLiteral("~") : folder();
    load(current, [current](SftpClient &sftp) { return openRemotePath(sftp, current); }, Then::Show);
}

void RemotePathDialog::activate(const QModelIndex &index)
{
    if (!index.isValid() || m_loading)
        return;
    if (m_model->entryAt(index.row()).isDirectory) {
        const QString path = m_model->pathAt(index.row());
        load(path, [path](SftpClient &sftp) { return openRemotePath(sftp, path); }, Then::Show);
    } else {
        choose();
    }
}

void RemotePathDialog::applyFilter()
{
    m_model->setFilter(wantsFiles(), m_filter->currentData().toStringList(), m_hidden->isChecked());
    updateButtons();
}

QStringList RemotePathDialog::selectedRows(bool folders) const
{
    QStringList paths;
    for (const QModelIndex &index : m_view->selectionModel()->selectedRows(RemoteFolderModel::Name)) {
        if (m_model->entryAt(index.row()).isDirectory == folders)
            paths << m_model->pathAt(index.row());
    }
    return paths;
}

bool RemotePathDialog::choose()
{
    if (m_loading || folder().isEmpty())
        return false;
    QStringList paths;
    switch (m_request.kind) {
    case PathRequest::Kind::Folder:
        paths = selectedRows(true);
        if (paths.isEmpty())
            paths << folder();  // nothing selected: the folder being shown
        break;
    case PathRequest::Kind::File:
    case PathRequest::Kind::Files:
        paths = selectedRows(false);
        break;
    case PathRequest::Kind::SaveFile:
        paths = selectedRows(false);
        if (paths.isEmpty() && !m_path->text().trimmed().isEmpty() && m_path->text().trimmed() != folder())
            paths << m_path->text().trimmed();
        break;
    }
    if (paths.isEmpty()) {
        setStatus(m_request.kind == PathRequest::Kind::Files ? tr("Select one or more files, or type a pattern")
                                                             : tr("Select a file"),
                  false);
        return false;
    }
    if (m_request.kind != PathRequest::Kind::Files)
        paths = paths.mid(0, 1);
    m_chosen = paths;
    accept();
    return true;
}

void RemotePathDialog::updateButtons()
{
    const bool listed = !m_loading && !folder().isEmpty();
    m_up->setEnabled(listed && folder() != QLatin1StringView("/"));
    m_refresh->setEnabled(!m_loading);
    m_home->setEnabled(!m_loading);
    m_choose->setEnabled(listed && (m_request.kind == PathRequest::Kind::Folder || !selectedRows(false).isEmpty()
                                    || m_request.kind == PathRequest::Kind::SaveFile));
}

}  // namespace corral
