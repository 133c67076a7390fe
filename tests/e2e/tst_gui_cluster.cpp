// The desktop app against a real sshd + single-node SLURM on 127.0.0.1 (tests/e2e/cluster-fixture):
// the profile dialog's Connect (sinfo), the host key dialogs, and runs submitted, followed,
// failed, cancelled and resumed through the same calls the toolbar makes — the review dialog's
// Submit, the Cancel question — with the real corral-train on the cluster side.
#include "ClusterFixture.h"
#include "CurvesPanel.h"
#include "DialogAuthPrompter.h"
#include "LogsPanel.h"
#include "MainWindow.h"
#include "ProfilesDialog.h"
#include "SubmitDialog.h"
#include "config/ConfigLoader.h"
#include "profiles/ProfileStore.h"
#include "runs/ClusterRuns.h"
#include "runs/RunStore.h"
#include "CheckpointBrowser.h"
#include "ConnectionStatusBar.h"

#include <QAction>
#include <QApplication>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageBox>
#include <QPointer>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTest>
#include <QTimer>

#include <cmath>

using namespace corral;

class TestGuiCluster : public QObject {
    Q_OBJECT
    test::ClusterFixture m_cluster;
    QTemporaryDir m_local;
    QString m_dist;
    QString m_completedRun;  // the run aSubmittedRunIsFollowedToCompletedWithItsLogs finished
    std::unique_ptr<ProfileStore> m_profiles;
    std::unique_ptr<RunStore> m_store;

    QString tool(const char *name) const { return m_dist + QLatin1Char('/') + QLatin1StringView(name); }
    QString local(const char *name) const { return m_local.filePath(QLatin1StringView(name)); }

    static bool makeExecutable(const QString &path)
    {
        return QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ReadGroup
                                               | QFile::ExeGroup | QFile::ReadOther | QFile::ExeOther);
    }
    bool writeScript(const char *name, const QByteArray &body)
    {
        QFile f(tool(name));
        if (!f.open(QIODevice::WriteOnly))
            return false;
        f.write("#!/bin/sh\n" + body);
        f.close();
        return makeExecutable(f.fileName());
    }
    ClusterProfile profile(const QString &name, const QString &trainer) const
    {
        ClusterProfile p;
        p.name = name;
        p.ssh = m_cluster.endpoint(local("known_hosts"));
        p.ssh.sshConfigFile = local("ssh_config");  // empty: nothing from the user's ~/.ssh/config
        p.workRoot = m_cluster.value("WORK");
        p.trainerPath = trainer;
        p.resources.partition = QStringLiteral("debug");
        p.resources.timeLimitMinutes = 5;
        return p;
    }
    RunServices services()
    {
        RunServices s;
        s.trainerPath = QStringLiteral(CORRAL_BIN_DIR "/corral-train");
        s.profiles = m_profiles.get();
        s.store = m_store.get();
        s.pollIntervalMs = 300;
        s.fileIntervalMs = 300;
        return s;
    }
    RunConfig demoConfig(int steps) const
    {
        const ConfigReport report = loadConfigFile(
            CORRAL_SOURCE_DIR "/resources/presets/tiny-demo.yaml",
            {"train.max_steps=" + std::to_string(steps), "train.eval_interval=3", "train.save_interval=3",
             "train.warmup_steps=1", "data.files=[" + local("corpus.txt").toStdString() + "]"});
        return report.config;
    }
    // Submit through the review dialog on `profile`, as the Submit button does; returns the run's id.
    QString submitVia(MainWindow &window, const QString &profile, const std::function<void(SubmitDialog &)> &review = {})
    {
        QPointer<SubmitDialog> dialog = window.submitSelected();
        if (!dialog)
            return {};
        dialog->setProfile(profile);
        if (!dialog->problem().isEmpty()) {
            qWarning("%s", qPrintable(dialog->problem()));
            return {};
        }
        if (review)
            review(*dialog);
        QSignalSpy submitted(dialog.data(), &SubmitDialog::submitted);
        if (!dialog->submit())
            return {};
        if (!submitted.wait(60000)) {
            qWarning("not submitted: %s", dialog ? qPrintable(dialog->status()) : "dialog gone");
            return {};
        }
        return submitted.first().first().toString();
    }
    RunEntry runOf(MainWindow &window, const QString &id) { return window.runModel()->runAt(window.runModel()->rowOf(id)); }

private slots:
    void initTestCase()
    {
        CORRAL_START_CLUSTER_OR_SKIP(m_cluster);
        QStandardPaths::setTestModeEnabled(true);
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, local("settings"));
        qputenv("CORRAL_RUNS_DIR", local("runs").toUtf8());
        m_dist = m_cluster.path(QStringLiteral("dist"));
        QVERIFY(QDir().mkpath(m_dist));
        QVERIFY(QFile::copy(QStringLiteral(CORRAL_BIN_DIR "/corral-train"), tool("corral-train")));
        QVERIFY(makeExecutable(tool("corral-train")));
        QVERIFY(writeScript("failer", "echo \"starting in $PWD\"\necho 'boom: the data file is gone' >&2\nexit 3\n"));
        QVERIFY(writeScript("sleeper", "echo sleeping\nsleep 600\n"));
        // The data lives on this machine only: Submit uploads it.
        QVERIFY(QFile::copy(QStringLiteral(CORRAL_SOURCE_DIR "/resources/demo/corpus.txt"), local("corpus.txt")));
        QFile(local("ssh_config")).open(QIODevice::WriteOnly);
        QVERIFY(!m_cluster.trustingKnownHosts(local("known_hosts")).isEmpty());

        m_profiles = std::make_unique<ProfileStore>(local("profiles.json"));
        QVERIFY(m_profiles->put(profile(QStringLiteral("fixture"), tool("corral-train"))).ok());
        QVERIFY(m_profiles->put(profile(QStringLiteral("failing"), tool("failer"))).ok());
        QVERIFY(m_profiles->put(profile(QStringLiteral("sleepy"), tool("sleeper"))).ok());
        auto store = RunStore::open(local("runs.sqlite"));
        QVERIFY(store.ok());
        m_store = std::move(store).value();
    }

    void connectInTheProfileDialogListsPartitionsAndGpus()
    {
        QWidget window;
        DialogAuthPrompter prompter(&window);
        ProfilesDialog dialog(*m_profiles, &prompter, nullptr);
        dialog.show();
        dialog.selectProfile(QStringLiteral("fixture"));
        QSignalSpy finished(&dialog, &ProfilesDialog::connectFinished);
        dialog.connectToCluster();
        QVERIFY(finished.wait(30000));
        QVERIFY2(finished.first().first().toBool(), qPrintable(dialog.connectMessage()));
        const ClusterInfo &info = dialog.clusterInfo();
        QCOMPARE(info.partitions.size(), 1);
        QCOMPARE(info.defaultPartition(), QStringLiteral("debug"));
        QCOMPARE(info.partitions.first().gpuSummary(), QStringLiteral("gpu ×2"));  // the fixture's two fake GPUs
        QCOMPARE(info.partitions.first().cpusPerNode, 4);
        QVERIFY2(dialog.connectMessage().contains(QStringLiteral("GPU types: gpu")), qPrintable(dialog.connectMessage()));
    }

    void aSubmittedRunIsFollowedToCompletedWithItsLogs()
    {
        MainWindow window(services());
        window.show();
        // Every profile has its place in the status bar before any connection is made.
        QCOMPARE(window.connections()->text(QStringLiteral("sleepy")), QStringLiteral("● sleepy: not connected"));
        QSignalSpy progress(&window.controller().cluster(), &ClusterRuns::submitProgress);
        const QString draft = window.addDraft(demoConfig(6), QStringLiteral("gui-demo"));
        QStringList uploads;
        const QString id = submitVia(window, QStringLiteral("fixture"), [&](SubmitDialog &dialog) {
            QVERIFY(dialog.isScriptEditable());
            QVERIFY(dialog.script().contains(QStringLiteral("#SBATCH --partition='debug'")));
            uploads = dialog.uploads();
            // The person's edit is what sbatch gets.
            dialog.setScript(dialog.script().replace(QStringLiteral("set -euo pipefail\n"),
                                                     QStringLiteral("set -euo pipefail\necho 'edited in the review dialog'\n")));
        });
        QVERIFY(!id.isEmpty());
        QCOMPARE(uploads.size(), 1);
        // The upload's progress reached the whole file before sbatch.
        QVERIFY(!progress.isEmpty());
        QCOMPARE(progress.last().at(2).toLongLong(), QFileInfo(local("corpus.txt")).size());
        QCOMPARE(progress.last().at(3).toLongLong(), QFileInfo(local("corpus.txt")).size());
        QVERIFY2(uploads.first().contains(QStringLiteral("/data/corpus.txt")), qPrintable(uploads.first()));
        QVERIFY(id.startsWith(QStringLiteral("fixture:") + m_cluster.value("WORK")));
        QCOMPARE(window.runModel()->rowOf(draft), -1);  // the draft became the cluster run
        QCOMPARE(window.selectedRunId(), id);
        QVERIFY(!runOf(window, id).jobId.isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(window.connections()->text(QStringLiteral("fixture")).contains(QStringLiteral("connected")), 10000);

        QTRY_COMPARE_WITH_TIMEOUT(runOf(window, id).state, RunState::Finished, 180000);
        const int row = window.runModel()->rowOf(id);
        QCOMPARE(window.runModel()->index(row, RunListModel::State).data().toString(), QStringLiteral("COMPLETED"));
        QTRY_COMPARE(window.runModel()->index(row, RunListModel::Progress).data().toString(), QStringLiteral("6/6"));
        QVERIFY(std::isfinite(runOf(window, id).bestValLoss));
        QCOMPARE(runOf(window, id).exitCode, std::optional<int>(0));

        // Its logs, read over SFTP in the Logs tab: the edited script's line, the trainer's output.
        window.detailTabs()->setCurrentWidget(window.logs());
        QTRY_VERIFY_WITH_TIMEOUT(window.logs()->text(QStringLiteral("stdout")).contains(QStringLiteral("edited in the review dialog")), 20000);
        QTRY_VERIFY_WITH_TIMEOUT(window.logs()->text(QStringLiteral("stdout")).contains(QStringLiteral("done: 6 steps")), 20000);
        QTRY_VERIFY_WITH_TIMEOUT(window.logs()->text(QStringLiteral("stderr")).contains(QStringLiteral("step 6/6")), 20000);
        window.logs()->setSearchText(QStringLiteral("val loss"));
        QVERIFY(window.logs()->matchCount() >= 3);  // steps 0, 3 and 6

        // Its curves, from metrics.jsonl over SFTP.
        window.showCurvesOf({id});
        QTRY_COMPARE(window.curves()->chart()->storedPointCount(Metric::TrainLoss), 6);

        // Remembered: the run store has it as COMPLETED.
        const auto stored = m_store->runs();
        QVERIFY(stored.ok());
        QVERIFY(std::any_of(stored.value().begin(), stored.value().end(), [](const StoredRun &r) {
            return r.name == QLatin1StringView("gui-demo") && r.status.state == SlurmJobState::Completed;
        }));
        m_completedRun = id;
    }

    // "Resume from here" on a cluster run's checkpoint: a new draft meant for that cluster, whose
    // submission copies the checkpoint into its own RUN_DIR, so the job's --resume auto continues
    // from it (and from its own checkpoints after a requeue).
    void aNewRunContinuesFromAClusterCheckpointOnTheCluster()
    {
        if (m_completedRun.isEmpty())
            QSKIP("needs the run that aSubmittedRunIsFollowedToCompletedWithItsLogs completes (it failed above)");
        MainWindow window(services());
        window.show();
        window.selectRun(m_completedRun);
        CheckpointBrowser *browser = window.checkpoints();
        window.detailTabs()->setCurrentWidget(browser);
        QTRY_VERIFY_WITH_TIMEOUT(browser->indexOf(m_completedRun) && !browser->indexOf(m_completedRun)->checkpoints.isEmpty(),
                                 30000);
        const QString source = runOf(window, m_completedRun).runDir + QStringLiteral("/checkpoints/step-00000003");
        QVERIFY(QFileInfo(source).isDir());  // the fixture's cluster filesystem is this machine's
        browser->selectSteps({3});
        QVERIFY(browser->resumeFromSelected());
        const QString draft = window.selectedRunId();
        QCOMPARE(runOf(window, draft).state, RunState::Draft);
        QCOMPARE(window.controller().draftProfile(draft), QStringLiteral("fixture"));
        QCOMPARE(window.controller().startingPoint(draft)->checkpoint, source);
        QString error;
        QVERIFY(!window.controller().startLocal(draft, &error));  // the checkpoint is not here
        QVERIFY2(error.contains(QStringLiteral("submit it to fixture")), qPrintable(error));
        {
            SubmitDialog elsewhere(window.controller(), draft, QStringLiteral("local"));  // the same rule in Submit
            QVERIFY2(elsewhere.problem().contains(QStringLiteral("continues from %1 on fixture").arg(source)),
                     qPrintable(elsewhere.problem()));
            QVERIFY(!elsewhere.submit());
        }

        QStringList notes;
        const QString id = submitVia(window, QStringLiteral("fixture"), [&](SubmitDialog &dialog) { notes = dialog.uploads(); });
        QVERIFY(!id.isEmpty());
        QVERIFY2(notes.join(u'\n').contains(QStringLiteral("continues from %1").arg(source)), qPrintable(notes.join(u'\n')));
        QTRY_COMPARE_WITH_TIMEOUT(runOf(window, id).state, RunState::Finished, 180000);
        const QString runDir = runOf(window, id).runDir;
        QVERIFY(runDir != runOf(window, m_completedRun).runDir);
        QVERIFY(QFileInfo(runDir + QStringLiteral("/checkpoints/step-00000003/adapter_model.safetensors")).isFile());
        // It went on from step 3: a "resumed" event at step 3, and train records for steps 4-6 only.
        QFile events(runDir + QStringLiteral("/events.jsonl"));
        QVERIFY(events.open(QIODevice::ReadOnly));
        const QByteArray firstEvent = events.readLine();
        QVERIFY2(firstEvent.contains("\"kind\":\"resumed\"") && firstEvent.contains("\"step\":3"), firstEvent.constData());
        QFile metrics(runDir + QStringLiteral("/metrics.jsonl"));
        QVERIFY(metrics.open(QIODevice::ReadOnly));
        QList<qint64> trainSteps;
        for (const QByteArray &line : metrics.readAll().split('\n')) {
            const QJsonObject record = QJsonDocument::fromJson(line).object();
            if (record.value(QStringLiteral("kind")).toString() == QLatin1StringView("train"))
                trainSteps << record.value(QStringLiteral("step")).toInteger();
        }
        QCOMPARE(trainSteps, (QList<qint64>{4, 5, 6}));
    }

    void aFailedJobShowsItsReasonAndStderrTailAtOnce()
    {
        MainWindow window(services());
        window.show();
        window.addDraft(demoConfig(6), QStringLiteral("gui-fails"));
        const QString id = submitVia(window, QStringLiteral("failing"));
        QVERIFY(!id.isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(runOf(window, id).state, RunState::Failed, 60000);
        QTRY_VERIFY_WITH_TIMEOUT(window.noticeText().contains(QStringLiteral("boom: the data file is gone")), 20000);
        QVERIFY2(window.noticeText().contains(QStringLiteral("NonZeroExitCode")), qPrintable(window.noticeText()));
        QVERIFY2(window.noticeText().contains(QStringLiteral("exit code 3")), qPrintable(window.noticeText()));
        QVERIFY(window.action(QStringLiteral("resume"))->isEnabled());
    }

    void cancelAsksThenCancelsAndResumeSubmitsAgain()
    {
        MainWindow window(services());
        window.show();
        window.addDraft(demoConfig(6), QStringLiteral("gui-sleeps"));
        const QString id = submitVia(window, QStringLiteral("sleepy"));
        QVERIFY(!id.isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(runOf(window, id).state, RunState::Running, 30000);
        const QString firstJob = runOf(window, id).jobId;
        QMessageBox *question = window.cancelSelected();
        QVERIFY(question);
        QVERIFY(question->text().contains(firstJob));
        question->button(QMessageBox::Yes)->click();
        QTRY_COMPARE_WITH_TIMEOUT(runOf(window, id).state, RunState::Cancelled, 30000);
        QVERIFY(!window.action(QStringLiteral("cancel"))->isEnabled());

        QVERIFY(window.resumeSelected());  // sbatch the same job.sbatch again (--resume auto)
        QTRY_VERIFY_WITH_TIMEOUT(!runOf(window, id).jobId.isEmpty() && runOf(window, id).jobId != firstJob, 30000);
        QTRY_COMPARE_WITH_TIMEOUT(runOf(window, id).state, RunState::Running, 30000);
        window.stopSelected();
        QTRY_COMPARE_WITH_TIMEOUT(runOf(window, id).state, RunState::Cancelled, 30000);
    }

    void aRestartedAppListsTheStoredRuns()
    {
        MainWindow window(services());
        QStringList states;
        for (int row = 0; row < window.runModel()->rowCount(); ++row) {
            const RunEntry &run = window.runModel()->runAt(row);
            if (run.isRemote())
                states << run.name + QLatin1Char('=') + runStateName(run.state);
        }
        states.sort();
        QCOMPARE(states, (QStringList{QStringLiteral("gui-demo-from-step-00000003=COMPLETED"),
                                      QStringLiteral("gui-demo=COMPLETED"), QStringLiteral("gui-fails=FAILED"),
                                      QStringLiteral("gui-sleeps=CANCELLED")}));
    }

    // Last: it gives sshd a new host key.
    void anUnknownHostKeyIsAskedAndAChangedOneIsRefused()
    {
        ClusterProfile p = profile(QStringLiteral("fresh"), tool("corral-train"));
        p.ssh.knownHostsFile = local("fresh_known_hosts");  // does not exist yet
        QVERIFY(m_profiles->put(p).ok());
        QProcess keygen;
        keygen.start(QStringLiteral("ssh-keygen"), {QStringLiteral("-lf"), m_cluster.value("HOST_KEY_PUB")});
        QVERIFY(keygen.waitForFinished());
        const QString fingerprint = QString::fromUtf8(keygen.readAll()).section(QLatin1Char(' '), 1, 1);
        QVERIFY(fingerprint.startsWith(QStringLiteral("SHA256:")));

        QWidget window;
        DialogAuthPrompter prompter(&window);
        ProfilesDialog dialog(*m_profiles, &prompter, nullptr);
        dialog.show();
        dialog.selectProfile(QStringLiteral("fresh"));
        QStringList seen;  // the dialogs shown, answered as a person would
        QTimer answer;
        connect(&answer, &QTimer::timeout, this, [&] {
            auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
            if (!box)
                return;
            seen << box->objectName() + QLatin1Char(' ') + box->text() + QLatin1Char(' ') + box->informativeText();
            if (box->objectName() == QLatin1StringView("hostKeyQuestion"))
                box->findChild<QPushButton *>(QStringLiteral("trust"))->click();
            else
                box->button(QMessageBox::Ok)->click();
        });
        answer.start(20);
        QSignalSpy finished(&dialog, &ProfilesDialog::connectFinished);
        dialog.connectToCluster();
        QVERIFY(finished.wait(30000));
        QVERIFY2(finished.last().first().toBool(), qPrintable(dialog.connectMessage()));
        QCOMPARE(seen.size(), 1);
        QVERIFY(seen.first().startsWith(QStringLiteral("hostKeyQuestion")));
        QVERIFY2(seen.first().contains(fingerprint), qPrintable(seen.first()));
        QFile known(local("fresh_known_hosts"));
        QVERIFY(known.open(QIODevice::ReadOnly));
        const QByteArray recorded = known.readAll();
        known.close();
        QVERIFY(recorded.contains("[127.0.0.1]:" + QByteArray::number(m_cluster.port())));

        const auto [code, output] = m_cluster.script(QStringLiteral("rekey"));
        QVERIFY2(code == 0, qPrintable(output));
        seen.clear();
        dialog.connectToCluster();
        QVERIFY(finished.wait(30000));
        QVERIFY(!finished.last().first().toBool());
        QCOMPARE(seen.size(), 1);  // told, never asked
        QVERIFY2(seen.first().startsWith(QStringLiteral("hostKeyChanged")), qPrintable(seen.first()));
        QVERIFY(seen.first().contains(QStringLiteral("CHANGED")));
        QVERIFY(dialog.connectMessage().contains(QStringLiteral("CHANGED")));
        QVERIFY(known.open(QIODevice::ReadOnly));
        QCOMPARE(known.readAll(), recorded);  // known_hosts untouched
    }
};

QTEST_MAIN(TestGuiCluster)
#include "tst_gui_cluster.moc"
