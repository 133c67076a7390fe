// Security properties of the cluster path, against the real sshd + SLURM on 127.0.0.1
// (tests/e2e/cluster-fixture), through the app's own code (docs/remote.md#security):
//  - names and paths full of shell syntax go through submit (mkdir, upload, run.yaml, job.sbatch,
//    sbatch), polling, the metric tail, the job's logs, the checkpoint listing, the adapter
//    download and cancel as data: no injected command runs, every path is used literally;
//  - a password login typed into the app's own password dialog (a wrong one first) leaves the
//    passwords in no log line, no run store, no profile store and no settings file.
#include "Await.h"
#include "ClusterFixture.h"
#include "MainWindow.h"
#include "SubmitDialog.h"
#include "checkpoints/AdapterDownload.h"
#include "checkpoints/CheckpointIndex.h"
#include "checkpoints/CheckpointLoader.h"
#include "config/ConfigLoader.h"
#include "metrics/RemoteRunTailer.h"
#include "profiles/ProfileStore.h"
#include "remote/ShellQuote.h"
#include "remote/SshConnection.h"
#include "runs/ClusterRuns.h"
#include "runs/RunStore.h"
#include "slurm/ClusterSession.h"
#include "slurm/JobMonitor.h"
#include "slurm/SbatchScript.h"
#include "slurm/SlurmClient.h"

#include <QApplication>
#include <QCheckBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDirIterator>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QMutex>
#include <QPointer>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>
#include <QTimer>

using namespace corral;
using corral::test::await;

#define REQUIRE_OK(result) QVERIFY2((result).ok(), (result).ok() ? "" : (result).error().toString().c_str())

namespace {
// Every message the process logs (qDebug … qFatal), kept to be searched, and still printed.
QMutex g_logMutex;
QByteArray g_log;
QtMessageHandler g_previousHandler = nullptr;
void keepMessage(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    {
        QMutexLocker lock(&g_logMutex);
        g_log += message.toUtf8() + '\n';
    }
    if (g_previousHandler)
        g_previousHandler(type, context, message);
}

// Shell syntax of every kind; each injected command would leave a file named pwned-N behind.
const QString kHostile = QStringLiteral("x'\"; touch pwned-1; echo \"$(touch pwned-2)`touch pwned-3`' && touch pwned-4 | \\ * ~ %j");

// In folder names too, but for the backslash: SLURM's --output cannot name a folder holding one
// (SbatchScript refuses it; the trainer's own file name keeps it).
const QString kHostileFolder = QString(kHostile).remove(QLatin1Char('\\'));

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}
}  // namespace

class TestRemoteSecurity : public QObject {
    Q_OBJECT
    test::ClusterFixture m_cluster;
    test::ScriptedPrompter m_prompter;
    QTemporaryDir m_local;
    QString m_knownHosts;
    QString m_dist;

    QString local(const QString &name) const { return m_local.filePath(name); }
    QString trainer() const { return m_dist + QStringLiteral("/trainer ") + kHostile; }

    ClusterProfile profile(const QString &name, const QString &workRoot) const
    {
        ClusterProfile p;
        p.name = name;
        p.ssh = m_cluster.endpoint(m_knownHosts);
        p.ssh.sshConfigFile = local(QStringLiteral("ssh_config"));  // empty: nothing from ~/.ssh/config
        p.workRoot = workRoot;
        p.trainerPath = trainer();
        p.resources.partition = QStringLiteral("debug");
        p.resources.timeLimitMinutes = 5;
        return p;
    }
    RunConfig config(const QString &dataFile) const
    {
        ConfigReport report = loadConfigFile(CORRAL_SOURCE_DIR "/resources/presets/tiny-demo.yaml", {"train.max_steps=6", "train.eval_interval=3", "train.save_interval=3",
                                                                                               "train.warmup_steps=1"});
        report.config.data.files = {dataFile.toStdString()};
        return report.config;
    }
    // Files named pwned-* anywhere an injected `touch` could have run: the remote user's home,
    // the work area (run folders are the jobs' working directories), /tmp.
    QStringList markers()
    {
        QStringList found;
        for (const QString &root : {m_cluster.dir(), m_local.path()}) {
            QDirIterator it(root, {QStringLiteral("pwned-*")}, QDir::AllEntries | QDir::Hidden | QDir::System,
                            QDirIterator::Subdirectories);
            while (it.hasNext())
                found << it.next();
        }
        SshConnection ssh(m_cluster.endpoint(m_knownHosts), &m_prompter);
        const auto remote = await(ssh.run({test::shellScript(QStringLiteral("find ~ /tmp -maxdepth 3 -name 'pwned-*' 2>/dev/null; true")), {}, 20000}));
        if (!remote || !remote->ok())
            found << QStringLiteral("(the remote search did not run)");
        else if (!remote->value().out.trimmed().isEmpty())
            found << QString::fromUtf8(remote->value().out.trimmed());
        return found;
    }

private slots:
    void initTestCase()
    {
        CORRAL_START_CLUSTER_OR_SKIP(m_cluster);
        QStandardPaths::setTestModeEnabled(true);
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, local(QStringLiteral("settings")));
        qputenv("CORRAL_RUNS_DIR", local(QStringLiteral("runs")).toUtf8());
        g_previousHandler = qInstallMessageHandler(keepMessage);
        QFile(local(QStringLiteral("ssh_config"))).open(QIODevice::WriteOnly);
        m_knownHosts = m_cluster.trustingKnownHosts(local(QStringLiteral("known_hosts")));
        QVERIFY(!m_knownHosts.isEmpty());
        m_dist = m_cluster.path(QStringLiteral("dist"));
        QVERIFY(QDir().mkpath(m_dist));
        // A stand-in trainer (its own file name hostile too): writes what corral-train writes
        // into RUN_DIR (argument 4), then waits to be cancelled.
        QFile fake(trainer());
        QVERIFY(fake.open(QIODevice::WriteOnly));
        fake.write("#!/bin/sh\n"
                   "echo \"hello from the fake trainer in $4\"\n"
                   "cd \"$4\" || exit 1\n"
                   "cp run.yaml config.yaml\n"
                   "for i in 1 2 3; do printf '{\"kind\":\"train\",\"step\":%d,\"loss\":2.5}\\n' \"$i\" >> metrics.jsonl; done\n"
                   "echo '{\"kind\":\"started\",\"step\":0}' >> events.jsonl\n"
                   "ck=checkpoints/step-00000003\n"
                   "mkdir -p \"$ck\"\n"
                   "head -c 200000 /dev/urandom > \"$ck/adapter_model.safetensors\"\n"
                   "echo '{\"peft_type\":\"LORA\",\"r\":8}' > \"$ck/adapter_config.json\"\n"
                   "echo '{\"format\":1,\"step\":3,\"tokens\":300,\"val_loss\":2.0,\"time\":1795600000}' > \"$ck/trainer_state.json\"\n"
                   "exec sleep 600\n");
        fake.close();
        QVERIFY(QFile::setPermissions(trainer(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ReadGroup
                                                     | QFile::ExeGroup | QFile::ReadOther | QFile::ExeOther));
    }

    void hostileNamesAndPathsAreDataEverywhere()
    {
        const QString workRoot = m_cluster.value("WORK") + QStringLiteral("/root ") + kHostileFolder;
        const ClusterProfile p = profile(QStringLiteral("fixture"), workRoot);
        // data.files entries are glob patterns: the file's name keeps every hostile character but those.
        const QString dataFile = local(QStringLiteral("data ") + QString(kHostileFolder).remove(QLatin1Char('*'))
                                       + QStringLiteral(".txt"));
        {
            QFile data(dataFile);
            QVERIFY(data.open(QIODevice::WriteOnly));
            data.write("Once upon a time there was a tiny model.\n");
        }
        QFile templateFile(QStringLiteral(CORRAL_SOURCE_DIR "/resources/slurm/job.sbatch.in"));
        QVERIFY(templateFile.open(QIODevice::ReadOnly));
        const QString jobName = kHostile + QStringLiteral("\ntouch pwned-5");
        const auto plan = planRemoteRun(config(dataFile), p, jobName, QStringLiteral("run ") + kHostileFolder,
                                        QString::fromUtf8(templateFile.readAll()));
        REQUIRE_OK(plan);
        QCOMPARE(plan.value().uploads.size(), 1);
        const QString runDir = plan.value().runDir;
        QCOMPARE(runDir, workRoot + QStringLiteral("/run ") + kHostileFolder);

        auto store = RunStore::open(local(QStringLiteral("hostile.sqlite")));
        REQUIRE_OK(store);
        ClusterSession session(p, &m_prompter, RememberedSecrets(), store.value().get(), 300);
        // Submit: mkdir, the upload, run.yaml and job.sbatch, sbatch.
        const auto id = await(session.submit(plan.value(), jobName), 60000);
        QVERIFY(id);
        REQUIRE_OK(*id);
        const QString jobId = id->value();
        // The paths were used as written (the work area is on this machine too).
        QCOMPARE(readAll(plan.value().uploads.first().remotePath), readAll(dataFile));
        QVERIFY(plan.value().uploads.first().remotePath.startsWith(runDir + QStringLiteral("/data/")));
        QVERIFY(QFile::exists(runDir + QStringLiteral("/job.sbatch")));
        // Poll: the monitor follows it to RUNNING.
        QTRY_COMPARE_WITH_TIMEOUT(session.monitor().status(jobId).state, SlurmJobState::Running, 20000);
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(runDir + QStringLiteral("/checkpoints/step-00000003/trainer_state.json")), 20000);

        // The metric tail reads the literal RUN_DIR.
        RemoteRunTailer tailer(session.connection(), 100);
        QList<qint64> steps;
        connect(&tailer, &RemoteRunTailer::metricsArrived, this,
                [&steps](const QString &, const QVector<MetricRecord> &records, bool) {
                    for (const MetricRecord &r : records)
                        steps << r.step;
                });
        tailer.follow(QStringLiteral("hostile"), runDir);
        QTRY_COMPARE_WITH_TIMEOUT(steps, (QList<qint64>{1, 2, 3}), 10000);
        tailer.unfollow(QStringLiteral("hostile"));

        // The job's logs (tail -c over the quoted path): the trainer got RUN_DIR as one word.
        const auto out = await(session.slurm().tail(runDir + QStringLiteral("/logs/slurm-%1.out").arg(jobId), 4000));
        QVERIFY(out);
        REQUIRE_OK(*out);
        QCOMPARE(QString::fromUtf8(out->value()), QStringLiteral("hello from the fake trainer in ") + runDir + QLatin1Char('\n'));

        // The checkpoint listing and the adapter download, into a local folder as hostile.
        CheckpointLoader loader;
        loader.setConnectionProvider([&session](const QString &) { return &session.connection(); });
        QSignalSpy loaded(&loader, &CheckpointLoader::loaded);
        loader.load({QStringLiteral("fixture:") + runDir, QStringLiteral("hostile"), runDir, QStringLiteral("fixture")});
        QVERIFY(loaded.wait(20000));
        const CheckpointIndex index = buildCheckpointIndex(loaded.first().at(1).value<RunCheckpointFiles>(), nullptr);
        const CheckpointInfo *step3 = index.find(3);
        QVERIFY(step3);
        const QString localRun = local(QStringLiteral("mirror ") + kHostileFolder);
        AdapterDownload download(session.connection());
        QSignalSpy finished(&download, &AdapterDownload::finished);
        download.start(AdapterDownload::adapterFiles(*step3, localRun, runDir, QFileInfo(runDir + QStringLiteral("/config.yaml")).size()));
        QVERIFY(finished.wait(30000));
        QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
        const QString adapter = QStringLiteral("/checkpoints/step-00000003/adapter_model.safetensors");
        QCOMPARE(readAll(localRun + adapter), readAll(runDir + adapter));
        QCOMPARE(readAll(localRun + QStringLiteral("/config.yaml")), readAll(runDir + QStringLiteral("/config.yaml")));

        // Cancel, and the job was SLURM's job with our (made safe) name.
        const auto scontrol = await(session.connection().run(
            {ShellCommand(QStringLiteral("scontrol"), {QStringLiteral("show"), QStringLiteral("job"), jobId}), {}, 10000}));
        QVERIFY(scontrol && scontrol->ok());
        QVERIFY2(scontrol->value().out.contains("JobName=" + slurmSafeText(jobName).toUtf8()), scontrol->value().out.constData());
        const auto cancelled = await(session.cancel(jobId));
        QVERIFY(cancelled);
        REQUIRE_OK(*cancelled);
        QTRY_COMPARE_WITH_TIMEOUT(session.monitor().status(jobId).state, SlurmJobState::Cancelled, 20000);

        const QStringList injected = markers();
        QVERIFY2(injected.isEmpty(), qPrintable(injected.join(QLatin1Char('\n'))));
    }

    // The whole app (its password dialog, profile store, run store, settings) with a profile
    // that logs in by password: a wrong password first, then the right one with "remember"
    // ticked (no keychain here, so nothing may be kept anywhere).
    void aPasswordLoginLeavesThePasswordNowhere()
    {
        // Read when typed: the test user is shared, and a fixture started meanwhile by another
        // checkout on this machine sets a new password.
        QStringList typed;
        const QString wrong = QStringLiteral("wrong-") + QString::number(QDateTime::currentMSecsSinceEpoch()) + QStringLiteral("-guess");
        ProfileStore profiles(local(QStringLiteral("app/profiles.json")));
        ClusterProfile p = profile(QStringLiteral("by-password"), m_cluster.value("WORK"));
        p.ssh.identityFiles.clear();
        p.ssh.authMethods = {AuthMethod::Password};
        REQUIRE_OK(profiles.put(p));
        auto store = RunStore::open(local(QStringLiteral("app/runs.sqlite")));
        REQUIRE_OK(store);
        const QString dataFile = local(QStringLiteral("corpus.txt"));
        QVERIFY(QFile::copy(QStringLiteral(CORRAL_SOURCE_DIR "/resources/demo/corpus.txt"), dataFile));

        RunServices services;
        services.profiles = &profiles;
        services.store = store.value().get();
        services.pollIntervalMs = 300;
        services.fileIntervalMs = 300;
        QStringList prompts;  // the password dialogs, answered as a person would
        QTimer answer;
        connect(&answer, &QTimer::timeout, this, [&] {
            auto *dialog = qobject_cast<QDialog *>(QApplication::activeModalWidget());
            if (!dialog || dialog->objectName() != QLatin1StringView("secretPrompt"))
                return;
            prompts << dialog->findChild<QLabel *>()->text();
            typed << (prompts.size() == 1 ? wrong : m_cluster.password());
            dialog->findChild<QLineEdit *>(QStringLiteral("secret"))->setText(typed.last());
            dialog->findChild<QCheckBox *>(QStringLiteral("remember"))->setChecked(true);
            dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok)->click();
        });
        answer.start(20);
        {
            MainWindow window(services);
            window.show();
            window.addDraft(config(dataFile), QStringLiteral("by-password"));
            QPointer<SubmitDialog> dialog = window.submitSelected();
            QVERIFY(dialog);
            dialog->setProfile(QStringLiteral("by-password"));
            QVERIFY2(dialog->problem().isEmpty(), qPrintable(dialog->problem()));
            QSignalSpy submitted(dialog.data(), &SubmitDialog::submitted);
            QVERIFY(dialog->submit());
            QVERIFY2(submitted.wait(60000), dialog ? qPrintable(dialog->status()) : "dialog gone");
            const QString id = submitted.first().first().toString();
            const auto runOf = [&window, &id] { return window.runModel()->runAt(window.runModel()->rowOf(id)); };
            QTRY_COMPARE_WITH_TIMEOUT(runOf().state, RunState::Running, 30000);
            QMessageBox *question = window.cancelSelected();
            QVERIFY(question);
            question->button(QMessageBox::Yes)->click();
            QTRY_COMPARE_WITH_TIMEOUT(runOf().state, RunState::Cancelled, 30000);
            window.close();  // writes the window's settings
        }
        answer.stop();
        QCOMPARE(prompts.size(), 2);
        QVERIFY2(prompts.last().contains(QStringLiteral("not accepted")), qPrintable(prompts.last()));
        QVERIFY(typed.last().size() >= 16);

        // Everything the app wrote on this machine, and everything it logged.
        QSettings().sync();
        QStringList searched;
        QStringList leaks;
        QDirIterator it(m_local.path(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString file = it.next();
            searched << QDir(m_local.path()).relativeFilePath(file);
            const QByteArray bytes = readAll(file);
            for (const QString &secret : std::as_const(typed))
                if (bytes.contains(secret.toUtf8()))
                    leaks << file;
        }
        {
            QMutexLocker lock(&g_logMutex);
            for (const QString &secret : std::as_const(typed))
                if (g_log.contains(secret.toUtf8()))
                    leaks << QStringLiteral("the log output");
        }
        qInfo("searched: %s", qPrintable(searched.join(QStringLiteral(", "))));
        QVERIFY2(leaks.isEmpty(), qPrintable(leaks.join(QLatin1Char('\n'))));
        // The search covered what it claims to: the stores and the settings hold this session's data.
        QVERIFY(searched.contains(QStringLiteral("app/profiles.json")));
        QVERIFY(searched.contains(QStringLiteral("app/runs.sqlite")));
        QVERIFY(readAll(local(QStringLiteral("app/runs.sqlite"))).contains("by-password"));
        QVERIFY2(QFileInfo(QSettings().fileName()).size() > 0, qPrintable(QSettings().fileName()));
        QVERIFY(QSettings().fileName().startsWith(m_local.path()));
        // And the stores are the owner's alone.
        const auto ownerOnly = QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadUser | QFileDevice::WriteUser;
        QCOMPARE(QFile::permissions(local(QStringLiteral("app/profiles.json"))), ownerOnly);
        QCOMPARE(QFile::permissions(local(QStringLiteral("app/runs.sqlite"))), ownerOnly);
    }

    void cleanupTestCase() { qInstallMessageHandler(g_previousHandler); }
};

QTEST_MAIN(TestRemoteSecurity)
#include "tst_remote_security.moc"
