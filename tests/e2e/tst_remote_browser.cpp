// The remote path browser against a real sshd (tests/e2e/cluster-fixture), offscreen: a folder
// listed over SFTP (folders first, sizes, filters), navigation, errors naming the path and the
// host, the GUI thread free while a listing waits, chosen paths landing in the config editor's
// fields and YAML, the editor's path check on the cluster, the check before sbatch, and the
// main window handing the editor the browser of the draft's cluster profile.
#include "Await.h"
#include "ClusterFixture.h"
#include "ConfigEditor.h"
#include "ConfigForm.h"
#include "MainWindow.h"
#include "RemoteFolderModel.h"
#include "RemotePathBrowser.h"
#include "RemotePathDialog.h"
#include "SubmitDialog.h"
#include "config/ConfigLoader.h"
#include "profiles/ProfileStore.h"
#include "remote/ShellCommand.h"
#include "remote/ShellQuote.h"
#include "remote/SshConnection.h"
#include "runs/RunListModel.h"
#include "slurm/ClusterPaths.h"
#include "slurm/ClusterSession.h"
#include "slurm/RemoteRunPlan.h"

#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QComboBox>
#include <QElapsedTimer>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QPointer>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>
#include <QToolButton>
#include <QTreeView>

using namespace corral;
using corral::test::await;

namespace {
const PathRequest kDataRequest{PathRequest::Kind::Files, QStringLiteral("Data files"), {},
                               QStringLiteral("Data (*.jsonl *.json *.txt);;All files (*)")};

QStringList names(const RemotePathDialog &dialog)
{
    QStringList out;
    for (int row = 0; row < dialog.model()->rowCount(); ++row)
        out << dialog.model()->entryAt(row).name;
    return out;
}

QString currentName(const RemotePathDialog &dialog)
{
    const QModelIndex current = dialog.view()->currentIndex();
    return current.isValid() ? dialog.model()->entryAt(current.row()).name : QString();
}
}  // namespace

class TestRemoteBrowser : public QObject {
    Q_OBJECT
    test::ClusterFixture m_cluster;
    test::ScriptedPrompter m_prompter;
    QTemporaryDir m_local;
    std::unique_ptr<SshConnection> m_ssh;

    QString browseDir(const QString &below = {}) const
    {
        const QString root = m_cluster.value("WORK") + QStringLiteral("/browse");
        return below.isEmpty() ? root : root + QLatin1Char('/') + below;
    }
    QString local(const char *name) const { return m_local.filePath(QLatin1StringView(name)); }
    ClusterProfile profile() const
    {
        ClusterProfile p;
        p.name = QStringLiteral("fixture");
        p.ssh = m_cluster.endpoint(local("known_hosts"));
        p.ssh.sshConfigFile = local("ssh_config");  // nothing from the user's ~/.ssh/config
        p.workRoot = m_cluster.value("WORK");
        p.resources.partition = QStringLiteral("debug");
        return p;
    }
    bool remote(const QString &script)
    {
        const auto done = await(m_ssh->run({ShellCommand(QStringLiteral("sh"), {QStringLiteral("-c"), script}), {}, 20000}));
        if (!done || !done->ok() || !done->value().succeeded()) {
            qWarning("remote script failed: %s", done && done->ok() ? done->value().err.constData() : "no answer");
            return false;
        }
        return true;
    }
    // A 0.3 s command on the connection's one worker: a job posted after it is still in flight
    // when the GUI thread looks, however fast loopback SFTP answers.
    QFuture<Result<CommandResult>> holdTheConnection()
    {
        return m_ssh->run({ShellCommand(QStringLiteral("sleep"), {QStringLiteral("0.3")}), {}, 20000});
    }
    bool put(const QString &path, const QByteArray &bytes)
    {
        const auto st = await(m_ssh->writeFile(path, bytes));
        return st && st->ok();
    }
    // The dialog a Browse… button opened (the one shown: a closed one may await its deletion).
    static RemotePathDialog *openDialog(const QObject &parent)
    {
        for (RemotePathDialog *dialog : parent.findChildren<RemotePathDialog *>()) {
            if (dialog->isVisible())
                return dialog;
        }
        return nullptr;
    }

private slots:
    void initTestCase()
    {
        CORRAL_START_CLUSTER_OR_SKIP(m_cluster);
        QStandardPaths::setTestModeEnabled(true);
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, local("settings"));
        qputenv("CORRAL_RESOURCES", CORRAL_SOURCE_DIR "/resources");
        qputenv("CORRAL_RUNS_DIR", local("runs").toUtf8());
        QFile(local("ssh_config")).open(QIODevice::WriteOnly);
        QVERIFY(!m_cluster.trustingKnownHosts(local("known_hosts")).isEmpty());
        m_ssh = std::make_unique<SshConnection>(m_cluster.endpoint(local("known_hosts")), &m_prompter);

        // The tree, made by the remote user: folders in mixed case, a link to a folder, a folder
        // it may not read, files of known sizes, a hidden file.
        const QString b = shellQuote(browseDir());
        QVERIFY(remote(QStringLiteral("set -e; cd %1/..; mkdir -p browse; cd browse; "
                                      "mkdir -p alpha zeta data Models/llama locked; ln -s data linked; chmod 000 locked")
                           .arg(b)));
        QVERIFY(put(browseDir(QStringLiteral("data/A.txt")), QByteArray(1234, 'a')));
        QVERIFY(put(browseDir(QStringLiteral("data/b.jsonl")), QByteArray(300, 'b')));
        QVERIFY(put(browseDir(QStringLiteral("data/c.jsonl")), QByteArray(5, 'c')));
        QVERIFY(put(browseDir(QStringLiteral("notes.md")), QByteArrayLiteral("# notes\n")));
        QVERIFY(put(browseDir(QStringLiteral(".hidden")), QByteArrayLiteral("x")));
        QVERIFY(put(browseDir(QStringLiteral("Models/llama/config.json")), QByteArrayLiteral("{}")));
        QVERIFY(put(browseDir(QStringLiteral("Models/llama/tokenizer.json")), QByteArrayLiteral("{}")));
    }

    void aFolderIsListedFoldersFirstWithSizes()
    {
        // The listing is a job on the connection's thread: the dialog exists, and says so, first.
        // A short job queued ahead keeps the listing in flight while that is checked; without it a
        // listing that beats the GUI thread to QFuture::then() is delivered inside the constructor.
        auto busy = holdTheConnection();
        RemotePathDialog dialog(m_ssh.get(), QStringLiteral("fixture"), kDataRequest, {browseDir()});
        QAbstractItemModelTester tester(dialog.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(dialog.isLoading());
        QCOMPARE(dialog.status(), QStringLiteral("Loading %1…").arg(browseDir()));
        QCOMPARE(dialog.model()->rowCount(), 0);
        QTRY_COMPARE_WITH_TIMEOUT(dialog.folder(), browseDir(), 20000);
        QVERIFY(!dialog.isLoading());
        QVERIFY(dialog.status().isEmpty());
        QCOMPARE(dialog.findChild<QLineEdit *>(QStringLiteral("path"))->text(), browseDir());
        // Folders (a link to one is one), by name whatever the case; no file matches "Data".
        QCOMPARE(names(dialog), (QStringList{QStringLiteral("alpha"), QStringLiteral("data"), QStringLiteral("linked"),
                                             QStringLiteral("locked"), QStringLiteral("Models"), QStringLiteral("zeta")}));
        auto *filter = dialog.findChild<QComboBox *>(QStringLiteral("filter"));
        filter->setCurrentIndex(filter->findText(QStringLiteral("All files (*)")));
        QCOMPARE(names(dialog).mid(6), QStringList{QStringLiteral("notes.md")});
        dialog.findChild<QCheckBox *>(QStringLiteral("hidden"))->setChecked(true);
        QCOMPARE(names(dialog).mid(6), (QStringList{QStringLiteral(".hidden"), QStringLiteral("notes.md")}));

        dialog.openPath(browseDir(QStringLiteral("data")));
        QTRY_COMPARE_WITH_TIMEOUT(dialog.folder(), browseDir(QStringLiteral("data")), 20000);
        QCOMPARE(names(dialog), (QStringList{QStringLiteral("A.txt"), QStringLiteral("b.jsonl"), QStringLiteral("c.jsonl")}));
        const RemoteFolderModel &model = *dialog.model();
        QCOMPARE(model.entryAt(0).size, qint64(1234));
        QCOMPARE(model.data(model.index(0, RemoteFolderModel::Size)).toString(), QLocale().formattedDataSize(1234));
        QCOMPARE(model.data(model.index(2, RemoteFolderModel::Size)).toString(), QLocale().formattedDataSize(5));
        QVERIFY(!model.data(model.index(1, RemoteFolderModel::Modified)).toString().isEmpty());
        QCOMPARE(model.pathAt(1), browseDir(QStringLiteral("data/b.jsonl")));
        QVERIFY(await(busy).has_value());
    }

    void foldersOpenAndUpGoesBack()
    {
        RemotePathDialog dialog(m_ssh.get(), QStringLiteral("fixture"), kDataRequest, {browseDir()});
        QTRY_COMPARE_WITH_TIMEOUT(dialog.folder(), browseDir(), 20000);
        // Enter on a folder opens it, as a double click does.
        dialog.view()->setCurrentIndex(dialog.model()->index(dialog.model()->rowOf(QStringLiteral("linked")), 0));
        auto busy = holdTheConnection();
        QTest::keyClick(dialog.view(), Qt::Key_Return);
        QVERIFY(dialog.isLoading());
        QVERIFY(await(busy).has_value());
        QTRY_COMPARE_WITH_TIMEOUT(dialog.folder(), browseDir(QStringLiteral("linked")), 20000);
        QCOMPARE(names(dialog).size(), 3);  // the link's folder's files

        auto *up = dialog.findChild<QToolButton *>(QStringLiteral("up"));
        QVERIFY(up->isEnabled());
        up->click();
        QTRY_COMPARE_WITH_TIMEOUT(dialog.folder(), browseDir(), 20000);
        QCOMPARE(currentName(dialog), QStringLiteral("linked"));  // where we came from

        // A typed path: a folder opens; a file is chosen.
        auto *path = dialog.findChild<QLineEdit *>(QStringLiteral("path"));
        path->setText(browseDir(QStringLiteral("Models/./llama/../llama")));
        QTest::keyClick(path, Qt::Key_Return);
        QTRY_COMPARE_WITH_TIMEOUT(dialog.folder(), browseDir(QStringLiteral("Models/llama")), 20000);
        QSignalSpy accepted(&dialog, &QDialog::accepted);
        path->setText(browseDir(QStringLiteral("Models/llama/tokenizer.json")));
        QTest::keyClick(path, Qt::Key_Return);
        QTRY_COMPARE_WITH_TIMEOUT(accepted.count(), 1, 20000);
        QCOMPARE(dialog.selectedPaths(), QStringList{browseDir(QStringLiteral("Models/llama/tokenizer.json"))});
    }

    void failuresNameThePathAndTheHost()
    {
        RemotePathDialog dialog(m_ssh.get(), QStringLiteral("fixture"), kDataRequest, {browseDir()});
        QSignalSpy failed(&dialog, &RemotePathDialog::loadFailed);
        QTRY_COMPARE_WITH_TIMEOUT(dialog.folder(), browseDir(), 20000);
        const QString host = QStringLiteral("127.0.0.1:%1").arg(m_cluster.port());

        dialog.openPath(browseDir(QStringLiteral("locked")));
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 20000);
        QVERIFY2(dialog.status().contains(QStringLiteral("cannot list %1: permission denied").arg(browseDir(QStringLiteral("locked")))),
                 qPrintable(dialog.status()));
        QVERIFY2(dialog.status().contains(host), qPrintable(dialog.status()));
        QCOMPARE(dialog.folder(), browseDir());  // what was shown stays
        QCOMPARE(names(dialog).size(), 6);

        dialog.openPath(browseDir(QStringLiteral("no-such-folder")));
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 2, 20000);
        QVERIFY2(dialog.status().contains(QStringLiteral("%1: no such file").arg(browseDir(QStringLiteral("no-such-folder")))),
                 qPrintable(dialog.status()));
        QVERIFY2(dialog.status().contains(host), qPrintable(dialog.status()));

        // A folder field: files are not offered, and a typed file is refused with its path.
        RemotePathDialog folders(m_ssh.get(), QStringLiteral("fixture"), {PathRequest::Kind::Folder, {}, {}, {}},
                                 {browseDir(QStringLiteral("Models/llama"))});
        QTRY_COMPARE_WITH_TIMEOUT(folders.folder(), browseDir(QStringLiteral("Models/llama")), 20000);
        QCOMPARE(folders.model()->rowCount(), 0);  // two files, no folder
        folders.openPath(browseDir(QStringLiteral("Models/llama/config.json")));
        QTRY_VERIFY_WITH_TIMEOUT(!folders.isLoading(), 20000);
        QCOMPARE(folders.status(), QStringLiteral("%1 is a file; choose a folder").arg(browseDir(QStringLiteral("Models/llama/config.json"))));
        QVERIFY(folders.choose());  // nothing selected: the folder shown
        QCOMPARE(folders.selectedPaths(), QStringList{browseDir(QStringLiteral("Models/llama"))});

        RemotePathDialog unconnected(nullptr, QStringLiteral("gone"), kDataRequest, {});
        QCOMPARE(unconnected.status(), QStringLiteral("no connection to the cluster profile 'gone'"));
    }

    // The listing waits behind another job on the connection (a 2 s command): the dialog says
    // "Loading" and the GUI thread keeps running its timers all along.
    void theGuiThreadNeverWaitsForAListing()
    {
        auto busy = m_ssh->run({ShellCommand(QStringLiteral("sleep"), {QStringLiteral("2")}), {}, 20000});
        QElapsedTimer clock;
        clock.start();
        RemotePathDialog dialog(m_ssh.get(), QStringLiteral("fixture"), kDataRequest, {browseDir()});
        QVERIFY(clock.elapsed() < 500);
        QVERIFY(dialog.isLoading());
        int ticks = 0;
        QTimer timer;
        timer.setInterval(20);
        connect(&timer, &QTimer::timeout, this, [&ticks] { ++ticks; });
        timer.start();
        qint64 shownAt = -1;
        connect(&dialog, &RemotePathDialog::folderShown, this, [&] { shownAt = clock.elapsed(); });
        QTRY_VERIFY_WITH_TIMEOUT(shownAt >= 0, 20000);
        QVERIFY2(shownAt >= 1500, qPrintable(QString::number(shownAt)));  // it did wait for the sleep
        // A blocked GUI thread would have run the 20 ms timer once at most; a busy machine still
        // runs it every 20-50 ms.
        QVERIFY2(ticks >= 20, qPrintable(QString::number(ticks)));
        QVERIFY(await(busy).has_value());
    }

    void chosenPathsFillTheEditorsFieldsAndText()
    {
        ConfigEditor editor;
        RemotePathBrowser browser(QStringLiteral("fixture"), m_cluster.value("WORK"), [this] { return m_ssh.get(); });
        editor.setPathBrowser(&browser);
        QVERIFY(editor.loadPreset(QStringLiteral("tiny-demo")));
        QSignalSpy checked(&editor, &ConfigEditor::pathsChecked);

        // The preset names no tokenizer file: the dialog starts in the profile's work root.
        editor.findChild<QPushButton *>(QStringLiteral("model.tokenizer/browse"))->click();
        QPointer<RemotePathDialog> dialog = openDialog(editor);
        QVERIFY(dialog);
        QTRY_COMPARE_WITH_TIMEOUT(dialog->folder(), m_cluster.value("WORK"), 20000);
        dialog->openPath(browseDir(QStringLiteral("Models/llama/tokenizer.json")));
        const QString tokenizer = browseDir(QStringLiteral("Models/llama/tokenizer.json"));
        QTRY_COMPARE_WITH_TIMEOUT(editor.findChild<QLineEdit *>(QStringLiteral("model.tokenizer"))->text(), tokenizer, 20000);
        QCOMPARE(editor.config().model.tokenizer, tokenizer.toStdString());
        QVERIFY2(editor.text().contains(QStringLiteral("  tokenizer: \"%1\"").arg(tokenizer)), qPrintable(editor.text()));
        QTRY_VERIFY(!dialog);  // closed and gone

        // data.files adds the files selected in a folder (several at once).
        editor.findChild<QPushButton *>(QStringLiteral("data.files/browse"))->click();
        dialog = openDialog(editor);
        QVERIFY(dialog);
        QTRY_VERIFY_WITH_TIMEOUT(!dialog->isLoading(), 20000);
        dialog->openPath(browseDir(QStringLiteral("data")));
        QTRY_COMPARE_WITH_TIMEOUT(dialog->folder(), browseDir(QStringLiteral("data")), 20000);
        auto *selection = dialog->view()->selectionModel();
        for (const char *name : {"A.txt", "c.jsonl"})
            selection->select(dialog->model()->index(dialog->model()->rowOf(QLatin1StringView(name)), 0),
                              QItemSelectionModel::Select | QItemSelectionModel::Rows);
        dialog->findChild<QPushButton *>(QStringLiteral("choose"))->click();
        const std::vector<std::string> files = editor.config().data.files;
        QCOMPARE(files.size(), size_t(3));  // the preset's corpus, then the two
        QCOMPARE(files[1], browseDir(QStringLiteral("data/A.txt")).toStdString());
        QCOMPARE(files[2], browseDir(QStringLiteral("data/c.jsonl")).toStdString());
        QCOMPARE(editor.findChild<QListWidget *>(QStringLiteral("data.files"))->count(), 3);
        QVERIFY2(editor.text().contains(browseDir(QStringLiteral("data/c.jsonl"))), qPrintable(editor.text()));

        // model.path is a folder: the one shown is chosen.
        editor.findChild<QPushButton *>(QStringLiteral("model.path/browse"))->click();
        dialog = openDialog(editor);
        QVERIFY(dialog);
        QTRY_VERIFY_WITH_TIMEOUT(!dialog->isLoading(), 20000);
        dialog->openPath(browseDir(QStringLiteral("Models/llama")));
        QTRY_COMPARE_WITH_TIMEOUT(dialog->folder(), browseDir(QStringLiteral("Models/llama")), 20000);
        QVERIFY(dialog->choose());
        QCOMPARE(editor.config().model.path, browseDir(QStringLiteral("Models/llama")).toStdString());
        QVERIFY(editor.text().contains(QStringLiteral("  path: \"%1\"").arg(browseDir(QStringLiteral("Models/llama")))));

        // Every path is on the cluster: the check there says so.
        QTRY_COMPARE_WITH_TIMEOUT(editor.pathCheckStatus(), QStringLiteral("Paths found on fixture (cluster)"), 20000);
        QVERIFY2(editor.isValid(), qPrintable(editor.problems()));
        QVERIFY(checked.count() >= 1);
    }

    void theEditorChecksPathsOnTheCluster()
    {
        ConfigEditor editor;
        RemotePathBrowser browser(QStringLiteral("fixture"), m_cluster.value("WORK"), [this] { return m_ssh.get(); });
        editor.setPathBrowser(&browser);
        const QString text = QStringLiteral("model:\n  path: %1\n  tokenizer: %2\ndata:\n  files: [%3, %4]\n")
                                 .arg(browseDir(QStringLiteral("no-model")), browseDir(QStringLiteral("locked/tokenizer.json")),
                                      browseDir(QStringLiteral("data/*.jsonl")), browseDir(QStringLiteral("data/none-*.txt")));
        editor.setText(text, m_local.path(), QStringLiteral("run.yaml"));
        QSignalSpy checked(&editor, &ConfigEditor::pathsChecked);
        QVERIFY(checked.wait(20000));
        QVERIFY(!editor.isValid());
        QCOMPARE(editor.form()->messageFor(QStringLiteral("model.path")),
                 QStringLiteral("no such folder '%1' on fixture").arg(browseDir(QStringLiteral("no-model"))));
        QCOMPARE(editor.form()->messageFor(QStringLiteral("data.files")),
                 QStringLiteral("[1] no file matches '%1' on fixture").arg(browseDir(QStringLiteral("data/none-*.txt"))));
        const QString tokenizer = editor.form()->messageFor(QStringLiteral("model.tokenizer"));
        QVERIFY2(tokenizer.contains(QStringLiteral("%1: permission denied on fixture").arg(browseDir(QStringLiteral("locked/tokenizer.json")))),
                 qPrintable(tokenizer));

        // Patterns are matched on the cluster as glob(3) would (a link to a folder is walked, an
        // unreadable folder matches nothing, a leading dot only by a dot).
        const auto matches = [this](const QString &pattern) {
            const auto found = await(m_ssh->post<bool>([pattern](SshWorker &worker) {
                return remotePatternMatches(worker.sftp(), pattern);
            }));
            return found && found->ok() && found->value();
        };
        QVERIFY(matches(browseDir(QStringLiteral("*/[Ab]*.txt"))));
        QVERIFY(matches(browseDir(QStringLiteral("l*/c.jsonl"))));
        QVERIFY(matches(browseDir(QStringLiteral(".h*"))));
        QVERIFY(!matches(browseDir(QStringLiteral("*hidden"))));
        QVERIFY(!matches(browseDir(QStringLiteral("*/none-*.txt"))));
        QVERIFY(!matches(browseDir(QStringLiteral("locked/*"))));
        QVERIFY(!matches(browseDir(QStringLiteral("data/*.jsonl/x"))));

        // Fixed on the cluster's side, the paths check out.
        QString fixed = editor.text();
        fixed.replace(browseDir(QStringLiteral("no-model")), browseDir(QStringLiteral("Models/llama")));
        fixed.replace(browseDir(QStringLiteral("locked/tokenizer.json")), browseDir(QStringLiteral("Models/llama")));
        fixed.replace(browseDir(QStringLiteral("data/none-*.txt")), browseDir(QStringLiteral("*/[Ab]*.txt")));
        editor.setText(fixed, m_local.path(), QStringLiteral("run.yaml"));
        QVERIFY(checked.wait(20000));
        QVERIFY2(editor.isValid(), qPrintable(editor.problems()));
    }

    // Whatever the editor said, nothing goes out whose paths are missing on the cluster.
    void submitChecksThePathsBeforeSbatch()
    {
        QFile templateFile(QStringLiteral(CORRAL_SOURCE_DIR "/resources/slurm/job.sbatch.in"));
        QVERIFY(templateFile.open(QIODevice::ReadOnly));
        RunConfig config = loadConfigFile(CORRAL_SOURCE_DIR "/resources/presets/tiny-demo.yaml").config;
        config.model.path = browseDir(QStringLiteral("no-model")).toStdString();
        const auto plan = planRemoteRun(config, profile(), QStringLiteral("gate"), QStringLiteral("gate-1"),
                                        QString::fromUtf8(templateFile.readAll()));
        QVERIFY(plan.ok());  // this machine cannot tell: the paths are the cluster's
        ClusterSession session(profile(), &m_prompter, {}, nullptr, 60000);
        const auto submitted = await(session.submit(plan.value(), QStringLiteral("gate")), 30000);
        QVERIFY(submitted.has_value());
        QVERIFY(!submitted->ok());
        const QString message = QString::fromStdString(submitted->error().toString());
        QVERIFY2(message.contains(QStringLiteral("model.path: no such folder '%1' on fixture").arg(browseDir(QStringLiteral("no-model")))),
                 qPrintable(message));
        // Nothing was written: not the run folder, not the uploads.
        QVERIFY(remote(QStringLiteral("test ! -e %1").arg(shellQuote(plan.value().runDir))));
    }

    void theMainWindowGivesTheEditorTheDraftsClusterBrowser()
    {
        ProfileStore profiles(local("profiles.json"));
        QVERIFY(profiles.put(profile()).ok());
        RunServices services;
        services.profiles = &profiles;
        MainWindow window(services);
        auto *editor = window.findChild<ConfigEditor *>();
        QVERIFY(editor);
        window.addDraft(loadConfigFile(CORRAL_SOURCE_DIR "/resources/presets/tiny-demo.yaml").config, QStringLiteral("draft"));
        QVERIFY(editor->pathBrowser()->isLocal());  // nothing submitted yet: the local profile

        auto *combo = editor->findChild<QComboBox *>(QStringLiteral("profileCombo"));
        QCOMPARE(combo->findText(QStringLiteral("fixture")), 1);
        combo->setCurrentIndex(1);
        emit combo->activated(1);  // as a pick in the list does
        QVERIFY(!editor->pathBrowser()->isLocal());
        QCOMPARE(editor->pathBrowser()->location(), QStringLiteral("fixture (cluster)"));
        QCOMPARE(window.controller().draftProfile(window.selectedRunId()), QStringLiteral("fixture"));
        const RunListModel &runs = *window.runModel();
        const QModelIndex row = runs.index(runs.rowOf(window.selectedRunId()), RunListModel::Profile);
        QCOMPARE(row.data().toString(), QStringLiteral("fixture"));  // the run list says so too
        // The data file is this machine's (it goes up with Submit); the rest is looked for there.
        QTRY_COMPARE_WITH_TIMEOUT(editor->pathCheckStatus(), QStringLiteral("Paths found on fixture (cluster)"), 20000);
        QVERIFY(window.isConfigValid());

        editor->findChild<QPushButton *>(QStringLiteral("model.path/browse"))->click();
        QPointer<RemotePathDialog> dialog = openDialog(*editor);
        QVERIFY(dialog);
        QTRY_COMPARE_WITH_TIMEOUT(dialog->folder(), m_cluster.value("WORK"), 20000);
        dialog->reject();

        QPointer<SubmitDialog> submit = window.submitSelected();
        QVERIFY(submit);
        QCOMPARE(submit->profile(), QStringLiteral("fixture"));  // the draft's profile first
        submit->reject();

        combo->setCurrentIndex(0);
        emit combo->activated(0);
        QVERIFY(editor->pathBrowser()->isLocal());
        QVERIFY(editor->pathCheckStatus().isEmpty());
        QCOMPARE(row.data().toString(), QStringLiteral("local"));
    }

    // Last: stops sshd. A listing then fails on the status line, naming the host.
    void aLostConnectionIsShownInTheDialog()
    {
        RemotePathDialog dialog(m_ssh.get(), QStringLiteral("fixture"), kDataRequest, {browseDir()});
        QTRY_COMPARE_WITH_TIMEOUT(dialog.folder(), browseDir(), 20000);
        const auto [code, output] = m_cluster.script(QStringLiteral("stop-sshd"));
        QVERIFY2(code == 0, qPrintable(output));
        QSignalSpy failed(&dialog, &RemotePathDialog::loadFailed);
        dialog.refresh();
        // The failure may come back before refresh() returns: once the worker has noticed the
        // loss, its reconnect is refused at once, and a finished QFuture runs then() in place.
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 60000);
        QVERIFY(!dialog.isLoading());
        // "corraltest@127.0.0.1:PORT: cannot stat /…/browse: connection lost", or, once the
        // worker noticed by itself, its failed reconnect.
        const QString status = dialog.status();
        QVERIFY2(status.contains(QStringLiteral("127.0.0.1:%1").arg(m_cluster.port())), qPrintable(status));
        QVERIFY2(status.contains(browseDir()) || status.contains(QStringLiteral("connect")), qPrintable(status));
        QCOMPARE(dialog.folder(), browseDir());
        QVERIFY(m_cluster.script(QStringLiteral("start-sshd")).first == 0);
    }

    void cleanupTestCase() { m_ssh.reset(); }
};

QTEST_MAIN(TestRemoteBrowser)
#include "tst_remote_browser.moc"
