#pragma once
// Choosing a path on a cluster: one folder listed at a time (folders first, then files; name,
// size, modified), opened by double-click or Enter, Up to the folder above, a line to type a
// path (a folder opens, a file is chosen, a pattern with * is taken as it is for data files).
// Every listing is a job on the profile's SSH connection (SFTP on its worker thread); the dialog
// says "Loading …" meanwhile and shows a failure — permission denied, no such folder, connection
// lost — on its status line, naming the path and the host. Nothing here waits on the network.
#include "PathBrowser.h"
#include "remote/RemoteFolder.h"

#include <QDialog>
#include <QPointer>

#include <functional>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QToolButton;
class QTreeView;

namespace corral {

class RemoteFolderModel;
class SshConnection;
class SftpClient;

class RemotePathDialog : public QDialog {
    Q_OBJECT
public:
    // `connection` may be null (the profile has none): the dialog says so. `where` names the
    // cluster in messages ("hpc"). It starts in the first of `start` that opens (a folder, or a
    // file: its folder, the file selected), else the login's home folder.
    RemotePathDialog(SshConnection *connection, const QString &where, const PathRequest &request,
                     const QStringList &start, QWidget *parent = nullptr);

    QStringList selectedPaths() const { return m_chosen; }  // after Choose
    QString folder() const;  // the folder listed now; empty before the first listing
    QString status() const;  // "Loading /x…", what went wrong, or a hint
    bool isLoading() const { return m_loading; }
    RemoteFolderModel *model() const { return m_model; }
    QTreeView *view() const { return m_view; }

    // What the controls do, callable without clicks.
    void openPath(const QString &path);  // the path line's Enter
    void goUp();
    void refresh();
    bool choose();  // Choose: false (and a hint on the status line) when there is nothing to choose

signals:
    void folderShown(const QString &path);
    void loadFailed(const QString &message);

private:
    using Job = std::function<Result<RemoteLocation>(SftpClient &)>;
    enum class Then { Show, ChooseFile };
    void load(const QString &shown, Job job, Then then, const QString &select = {});
    void onLoaded(const Result<RemoteLocation> &result, Then then, const QString &select);
    void activate(const QModelIndex &index);
    void applyFilter();
    void setStatus(const QString &text, bool problem);
    void updateButtons();
    bool wantsFiles() const;
    QStringList selectedRows(bool folders) const;

    QPointer<SshConnection> m_connection;
    QString m_where;
    PathRequest m_request;
    QStringList m_chosen;
    quint64 m_ticket = 0;  // the listing whose answer is awaited; older answers are dropped
    bool m_loading = false;
    RemoteFolderModel *m_model = nullptr;
    QLineEdit *m_path = nullptr;
    QToolButton *m_up = nullptr;
    QToolButton *m_home = nullptr;
    QToolButton *m_refresh = nullptr;
    QTreeView *m_view = nullptr;
    QComboBox *m_filter = nullptr;
    QCheckBox *m_hidden = nullptr;
    QLabel *m_status = nullptr;
    QPushButton *m_choose = nullptr;
};

// "Data (*.jsonl *.json);;All files (*)" → the patterns of each filter, in order, with their labels.
QList<QPair<QString, QStringList>> parseNameFilters(const QString &filters);

}  // namespace corral
