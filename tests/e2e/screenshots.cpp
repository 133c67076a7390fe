// corral_screenshots: builds the state the README's screenshots show — local runs, cluster runs
// on the real sshd + SLURM fixture (completed, failed, cancelled), the profile dialog after
// Connect, the config editor with the Llama 3.2 1B preset meant for a profile of 16 GiB GPUs —
// through the same calls the tests make, on a real X display (Xvfb), and captures the
// screen with ImageMagick's `import`. Run by tests/e2e/take-screenshots; not a test.
//   corral_screenshots OUTPUT_DIR
#include "ClusterFixture.h"
#include "ConfigEditor.h"
#include "LogsPanel.h"
#include "MainWindow.h"
#include "ProfileEditor.h"
#include "ProfilesDialog.h"
#include "RunTableView.h"
#include "SubmitDialog.h"
#include "config/ConfigLoader.h"
#include "profiles/ProfileStore.h"
#include "runs/RunStore.h"

#include <QApplication>
#include <QComboBox>
#include <QDeadlineTimer>
#include <QHeaderView>
#include <QMessageBox>
#include <QPointer>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QTextStream>
#include <QThread>

using namespace corral;

namespace {
QTextStream out(stdout);

bool waitFor(const std::function<bool()> &done, int ms)
{
    QDeadlineTimer deadline(ms);
    while (!done()) {
        if (deadline.hasExpired())
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        QThread::msleep(5);
    }
    return true;
}

void settle(int ms)
{
    waitFor([] { return false; }, ms);
}

bool capture(const QRect &area, const QString &file)
{
    settle(600); // let the last paints reach the X server
    const int code = QProcess::execute(
        QStringLiteral("import"),
        {QStringLiteral("-window"), QStringLiteral("root"), QStringLiteral("-crop"),
         QStringLiteral("%1x%2+%3+%4").arg(area.width()).arg(area.height()).arg(area.x()).arg(area.y()),
         QStringLiteral("+repage"), file});
    out << (code == 0 ? "saved " : "FAILED to save ") << file << Qt::endl;
    return code == 0;
}

QString submit(MainWindow &window, const RunConfig &config, const QString &name, const QString &profile)
{
    window.addDraft(config, name);
    QPointer<SubmitDialog> dialog = window.submitSelected();
    if (!dialog)
        return {};
    dialog->setProfile(profile);
    QString id;
    QObject::connect(dialog, &SubmitDialog::submitted, &window, [&id](const QString &runId) { id = runId; });
    if (!dialog->submit() || !waitFor([&] { return !id.isEmpty() || !dialog; }, 60000))
        return {};
    return id;
}
}  // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    if (argc != 2) {
        out << "usage: corral_screenshots OUTPUT_DIR (on an X display)" << Qt::endl;
        return 2;
    }
    const QString output = QDir(QString::fromLocal8Bit(argv[1])).absolutePath();
    QTemporaryDir work;
    QStandardPaths::setTestModeEnabled(true);
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, work.filePath(QStringLiteral("settings")));
    qputenv("CORRAL_RUNS_DIR", work.filePath(QStringLiteral("runs")).toUtf8());

    test::ClusterFixture cluster;
    QString why;
    bool skip = false;
    if (!cluster.start(&why, &skip)) {
        out << "the cluster fixture did not start: " << why << Qt::endl;
        return 1;
    }
    const QString dist = cluster.path(QStringLiteral("dist"));
    QDir().mkpath(dist);
    const auto exec = QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ReadGroup | QFile::ExeGroup |
                      QFile::ReadOther | QFile::ExeOther;
    QFile::copy(QStringLiteral(CORRAL_BIN_DIR "/corral-train"), dist + QStringLiteral("/corral-train"));
    QFile::setPermissions(dist + QStringLiteral("/corral-train"), exec);
    {
        QFile failer(dist + QStringLiteral("/corral-train-old"));
        failer.open(QIODevice::WriteOnly);
        failer.write(
            "#!/bin/sh\necho 'corral-train: data.files[0]: /scratch/old/data.jsonl: no such file' >&2\nexit 2\n");
    }
    QFile::setPermissions(dist + QStringLiteral("/corral-train-old"), exec);
    {
        QFile sleeper(dist + QStringLiteral("/sleeper"));
        sleeper.open(QIODevice::WriteOnly);
        sleeper.write("#!/bin/sh\nsleep 600\n");
    }
    QFile::setPermissions(dist + QStringLiteral("/sleeper"), exec);
    const QString known = cluster.trustingKnownHosts(work.filePath(QStringLiteral("known_hosts")));
    QFile(work.filePath(QStringLiteral("ssh_config"))).open(QIODevice::WriteOnly);

    ProfileStore profiles(work.filePath(QStringLiteral("profiles.json")));
    ClusterProfile fixture;
    fixture.name = QStringLiteral("fixture");
    fixture.ssh = cluster.endpoint(known);
    fixture.ssh.sshConfigFile = work.filePath(QStringLiteral("ssh_config"));
    fixture.workRoot = cluster.value("WORK");
    fixture.trainerPath = dist + QStringLiteral("/corral-train");
    fixture.resources.partition = QStringLiteral("debug");
    fixture.resources.timeLimitMinutes = 30;
    fixture.resources.cpusPerTask = 2;
    fixture.environmentSetup = {QStringLiteral("export OMP_NUM_THREADS=2")};
    ClusterProfile old = fixture;
    old.name = QStringLiteral("fixture-old");
    old.trainerPath = dist + QStringLiteral("/corral-train-old");
    ClusterProfile slow = fixture;
    slow.name = QStringLiteral("fixture-queue");
    slow.trainerPath = dist + QStringLiteral("/sleeper");
    ClusterProfile hpc;
    hpc.name = QStringLiteral("hpc");
    hpc.ssh.host = QStringLiteral("login.hpc.example.org");
    hpc.ssh.user = QStringLiteral("alice");
    hpc.workRoot = QStringLiteral("/scratch/alice/corral");
    // The fixture again, described as a partition of four 16 GiB GPUs: the editor's estimate
    // measures the 1B preset against it, and its paths are checked on the fixture over SFTP.
    ClusterProfile a4000 = fixture;
    a4000.name = QStringLiteral("hpc-a4000");
    a4000.resources.gpusPerNode = 4;
    a4000.resources.gpuMemoryGb = 16;
    for (const ClusterProfile &p : {fixture, old, slow, hpc, a4000})
        if (auto st = profiles.put(p); !st) {
            out << QString::fromStdString(st.error().toString()) << Qt::endl;
            return 1;
        }
    auto store = RunStore::open(work.filePath(QStringLiteral("runs.sqlite")));
    if (!store)
        return 1;

    RunServices services;
    services.trainerPath = QStringLiteral(CORRAL_BIN_DIR "/corral-train");
    services.profiles = &profiles;
    services.store = store.value().get();
    services.pollIntervalMs = 500;
    services.fileIntervalMs = 500;
    MainWindow window(services);
    window.setGeometry(0, 0, 1680, 880);
    window.show();

    auto config = [&](const char *lr) {
        return loadConfigFile(CORRAL_SOURCE_DIR "/resources/presets/tiny-demo.yaml",
                              {"train.max_steps=30", "train.eval_interval=10", "train.save_interval=10",
                               std::string("train.lr=") + lr})
            .config;
    };
    const QString a = submit(window, config("3e-3"), QStringLiteral("lr-3e-3"), QStringLiteral("local"));
    const QString b = submit(window, config("1e-3"), QStringLiteral("lr-1e-3"), QStringLiteral("local"));
    const QString c = submit(window, config("2e-3"), QStringLiteral("lr-2e-3-cluster"), QStringLiteral("fixture"));
    const QString d = submit(window, config("2e-3"), QStringLiteral("old-data"), QStringLiteral("fixture-old"));
    const QString e = submit(window, config("2e-3"), QStringLiteral("queued"), QStringLiteral("fixture-queue"));
    out << "submitted: " << QStringList{a, b, c, d, e}.join(QStringLiteral(", ")) << Qt::endl;
    auto state = [&](const QString &id) { return window.runModel()->runAt(window.runModel()->rowOf(id)).state; };
    if (!waitFor(
            [&] {
                return state(a) == RunState::Finished && state(b) == RunState::Finished &&
                       state(c) == RunState::Finished && state(d) == RunState::Failed && state(e) == RunState::Running;
            },
            400000)) {
        out << "runs did not end as planned" << Qt::endl;
        return 1;
    }
    // Cancel the queued one through the question, as a person would.
    window.selectRun(e);
    if (QMessageBox *question = window.cancelSelected())
        question->button(QMessageBox::Yes)->click();
    waitFor([&] { return state(e) == RunState::Cancelled; }, 30000);

    window.findChild<QSplitter *>(QStringLiteral("mainSplitter"))->setSizes({740, 940});
    window.runTable()->resizeColumnsToContents();
    window.selectRun(c);
    window.detailTabs()->setCurrentWidget(window.logs());
    waitFor([&] { return window.logs()->text(QStringLiteral("stdout")).contains(QStringLiteral("done: 30 steps")); },
            30000);
    window.logs()->setSearchText(QStringLiteral("val loss"));
    window.logs()->findNext();
    window.statusBar()->clearMessage();
    QDir().mkpath(output);
    bool ok = capture(window.frameGeometry(), output + QStringLiteral("/main-window.png"));

    ProfilesDialog *dialog = window.showProfiles();
    dialog->setGeometry(0, 0, 980, 820);
    dialog->selectProfile(QStringLiteral("fixture"));
    bool connected = false;
    QObject::connect(dialog, &ProfilesDialog::connectFinished, &window, [&](bool) { connected = true; });
    dialog->connectToCluster();
    waitFor([&] { return connected; }, 30000);
    ok = capture(dialog->frameGeometry(), output + QStringLiteral("/profile-dialog.png")) && ok;
    dialog->close();

    // The config editor: the 1B preset as a new draft with the demo corpus as its data (it goes
    // up with Submit), meant for hpc-a4000 ("Runs on").
    RunConfig llama = loadConfigFile(CORRAL_SOURCE_DIR "/resources/presets/llama-3.2-1b.yaml").config;
    llama.data.files = {CORRAL_SOURCE_DIR "/resources/demo/corpus.txt"};
    window.addDraft(llama, QStringLiteral("llama-1b"));
    window.findChild<QSplitter *>(QStringLiteral("mainSplitter"))->setSizes({240, 1440});
    window.detailTabs()->setCurrentIndex(0);
    auto *editor = window.findChild<ConfigEditor *>();
    auto *runsOn = editor->findChild<QComboBox *>(QStringLiteral("profileCombo"));
    runsOn->setCurrentIndex(runsOn->findText(QStringLiteral("hpc-a4000")));
    emit runsOn->activated(runsOn->currentIndex());  // as a pick in the list does
    waitFor([&] { return editor->pathCheckStatus().startsWith(QStringLiteral("Paths found")); }, 30000);
    window.statusBar()->clearMessage();
    ok = capture(window.frameGeometry(), output + QStringLiteral("/config-editor.png")) && ok;
    return ok ? 0 : 1;
}
