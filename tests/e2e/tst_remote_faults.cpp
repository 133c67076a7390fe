// The remote side failing while the app works, against the real sshd + SLURM on 127.0.0.1
// (tests/e2e/cluster-fixture), each showing that nothing is lost:
//  - sshd SIGKILLed (with the processes serving the connection) in the middle of a run's upload:
//    the upload continues where it stopped once sshd is back, the run is submitted, and the
//    file on the cluster is byte-identical — never a partial file under its final name;
//  - slurmctld stopped and started again while jobs run and wait: their states are kept
//    through the outage and go on from there, none shown failed or lost.
// (The other faults live beside what they break: tst_remote_tail for the metric tail,
// tst_remote_checkpoints for adapter downloads.)
#include "Await.h"
#include "ClusterFixture.h"
#include "config/ConfigLoader.h"
#include "remote/SshConnection.h"
#include "runs/RemoteRunFollower.h"
#include "runs/RunStore.h"
#include "slurm/ClusterSession.h"
#include "slurm/JobMonitor.h"
#include "slurm/SbatchScript.h"
#include "slurm/SlurmClient.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

using namespace corral;
using corral::test::await;

#define REQUIRE_OK(result) QVERIFY2((result).ok(), (result).ok() ? "" : (result).error().toString().c_str())

namespace {
QByteArray patterned(qsizetype size, int seed)
{
    QByteArray bytes(size, Qt::Uninitialized);
    for (qsizetype i = 0; i < size; ++i)
        bytes[i] = static_cast<char>((i * 131 + seed + i / 4099) & 0xff);
    return bytes;
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}
}  // namespace

class TestRemoteFaults : public QObject {
    Q_OBJECT
    test::ClusterFixture m_cluster;
    test::ScriptedPrompter m_prompter;
    QTemporaryDir m_local;
    QString m_knownHosts;
    QString m_dist;

    QString tool(const char *name) const { return m_dist + QLatin1Char('/') + QLatin1StringView(name); }
    bool writeScript(const char *name, const QByteArray &body)
    {
        QFile f(tool(name));
        if (!f.open(QIODevice::WriteOnly))
            return false;
        f.write("#!/bin/sh\n" + body);
        f.close();
        return QFile::setPermissions(f.fileName(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ReadOther
                                                       | QFile::ExeOther | QFile::ReadGroup | QFile::ExeGroup);
    }
    ClusterProfile profile(const QString &trainer) const
    {
        ClusterProfile p;
        p.name = QStringLiteral("fixture");
        p.ssh = m_cluster.endpoint(m_knownHosts);
        p.workRoot = m_cluster.value("WORK");
        p.trainerPath = trainer;
        p.resources.partition = QStringLiteral("debug");
        p.resources.timeLimitMinutes = 5;
        return p;
    }
    static QString renderScript(const ClusterProfile &p, const QString &jobName, const QString &runDir)
    {
        QFile templateFile(QStringLiteral(CORRAL_SOURCE_DIR "/resources/slurm/job.sbatch.in"));
        if (!templateFile.open(QIODevice::ReadOnly))
            return {};
        const auto script = SbatchScript::render(QString::fromUtf8(templateFile.readAll()), {p, jobName, runDir});
        return script ? script.value() : QString();
    }
    void fixture(const char *command)
    {
        const auto [code, output] = m_cluster.script(QLatin1StringView(command));
        QVERIFY2(code == 0, qPrintable(output));
    }

private slots:
    void initTestCase()
    {
        CORRAL_START_CLUSTER_OR_SKIP(m_cluster);
        m_knownHosts = m_cluster.trustingKnownHosts(m_local.filePath(QStringLiteral("known_hosts")));
        QVERIFY(!m_knownHosts.isEmpty());
        m_dist = m_cluster.path(QStringLiteral("dist"));
        QVERIFY(QDir().mkpath(m_dist));
        // A stand-in trainer: prints the checksum of what it was given (argument 4 is RUN_DIR).
        QVERIFY(writeScript("checksum", "cd \"$4\"/data && sha256sum -- *\n"));
        QVERIFY(writeScript("sleeper", "sleep \"${CORRAL_SLEEP:-600}\"\n"));
    }

    void anUploadCutBySshdBeingKilledResumesAndTheRunIsSubmitted()
    {
        const QByteArray data = patterned(96 << 20, 7);
        const QString localData = m_local.filePath(QStringLiteral("train data.jsonl"));
        {
            QFile f(localData);
            QVERIFY(f.open(QIODevice::WriteOnly));
            QCOMPARE(f.write(data), data.size());
        }
        const ClusterProfile p = profile(tool("checksum"));
        RemoteRunPlan plan;
        plan.runDir = p.workRoot + QStringLiteral("/upload cut");
        plan.uploads = {{localData, plan.runDir + QStringLiteral("/data/train data.jsonl"), data.size()}};
        plan.script = renderScript(p, QStringLiteral("upload-cut"), plan.runDir);
        QVERIFY(!plan.script.isEmpty());
        // The fixture's work folder is on this machine: the test sees what the cluster sees.
        const QString remoteFinal = plan.uploads.first().remotePath;
        // A config that passes submit's gate: the demo's, reading the file being uploaded.
        plan.config = loadConfigFile(CORRAL_SOURCE_DIR "/resources/presets/tiny-demo.yaml").config;
        plan.config.data.files = {remoteFinal.toStdString()};
        const QString remotePart = SftpClient::partialName(remoteFinal);

        QElapsedTimer clock;
        clock.start();
        ClusterSession session(p, &m_prompter, RememberedSecrets(), nullptr, 300);
        session.setRetryDelayMs(250);
        QList<qint64> progress;
        int killed = 0;
        qint64 partAtKill = -1;
        qsizetype reportsAtKill = -1;
        bool finalSeenEarly = false;
        connect(&session, &ClusterSession::uploadProgress, this, [&](const QString &path, qint64 done, qint64) {
            if (path != remoteFinal)
                return;
            progress << done;
            finalSeenEarly = finalSeenEarly || QFile::exists(remoteFinal);
            if (killed == 0 && done >= (16 << 20)) {
                killed = m_cluster.killSshd();
                partAtKill = QFileInfo(remotePart).size();
                reportsAtKill = progress.size();
            }
        });
        QFuture<Result<QString>> submitted = session.submit(plan, QStringLiteral("upload-cut"));
        QTRY_VERIFY_WITH_TIMEOUT(killed > 0, 20000);
        QVERIFY2(killed >= 3, "the listener and the connection's processes");  // listener, [priv], user session
        QVERIFY2(partAtKill > 0 && partAtKill < data.size(), qPrintable(QString::number(partAtKill)));
        QTest::qWait(1500);  // retried meanwhile, against a closed port
        QVERIFY(!submitted.isFinished());
        QVERIFY(!QFile::exists(remoteFinal));  // the half sent is under the temporary name only
        fixture("start-sshd");

        const auto id = await(submitted, 50000);
        QVERIFY2(id, "not submitted within 50 s of sshd coming back");
        REQUIRE_OK(*id);
        qInfo("upload of %lld MiB cut at %lld bytes and finished after the restart; submitted as job %s in %lld ms",
              static_cast<long long>(data.size() >> 20), static_cast<long long>(partAtKill), qPrintable(id->value()),
              static_cast<long long>(clock.elapsed()));
        QVERIFY(!finalSeenEarly);
        QCOMPARE(readAll(remoteFinal), data);  // byte for byte
        QVERIFY(!QFile::exists(remotePart));
        // Continued, not started over: the next attempt began at what had arrived, not at 0.
        const QList<qint64> after = progress.mid(reportsAtKill);
        QVERIFY2(after.contains(partAtKill) && !after.contains(0),
                 qPrintable(QStringLiteral("after the cut: %1 … (part: %2)").arg(after.value(0)).arg(partAtKill)));

        // The job saw the whole file.
        QTRY_VERIFY_WITH_TIMEOUT(isFinalState(session.monitor().status(id->value()).state), 30000);
        QCOMPARE(session.monitor().status(id->value()).state, SlurmJobState::Completed);
        const QByteArray out = readAll(plan.runDir + QStringLiteral("/logs/slurm-%1.out").arg(id->value()));
        const QByteArray sum = QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex();
        QVERIFY2(out.startsWith(sum + "  train data.jsonl"), out.constData());
    }

    void aSlurmctldRestartKeepsEveryJobStateAndNothingIsLost()
    {
        SshConnection ssh(m_cluster.endpoint(m_knownHosts), &m_prompter);
        SlurmClient slurm(ssh);
        ClusterProfile p = profile(tool("sleeper"));
        p.environmentSetup = {QStringLiteral("export CORRAL_SLEEP=12")};
        const QString running = p.workRoot + QStringLiteral("/ctld-running");
        const auto runningId = await(slurm.submit({running, QByteArrayLiteral("{}\n"), renderScript(p, QStringLiteral("runs"), running), {}}));
        QVERIFY(runningId);
        REQUIRE_OK(*runningId);
        // One that waits the whole time: held, so it is PENDING before, during and after.
        const QString held = p.workRoot + QStringLiteral("/ctld-held");
        QString heldScript = renderScript(p, QStringLiteral("held"), held);
        heldScript.replace(QStringLiteral("#!/bin/bash\n"), QStringLiteral("#!/bin/bash\n#SBATCH --hold\n"));
        const auto heldId = await(slurm.submit({held, QByteArrayLiteral("{}\n"), heldScript, {}}));
        QVERIFY(heldId);
        REQUIRE_OK(*heldId);

        auto store = RunStore::open(m_local.filePath(QStringLiteral("ctld.sqlite")));
        REQUIRE_OK(store);
        JobMonitor monitor(slurm, 200);
        RemoteRunFollower follower(*store.value(), monitor, QStringLiteral("fixture"));
        QSignalSpy failures(&monitor, &JobMonitor::pollFailed);
        QList<SlurmJobStatus> changes;
        connect(&monitor, &JobMonitor::statusChanged, this, [&changes](const SlurmJobStatus &s) { changes << s; });
        for (const auto &[id, dir] : {std::pair{runningId->value(), running}, std::pair{heldId->value(), held}}) {
            StoredRun run;
            run.name = dir;
            run.profile = QStringLiteral("fixture");
            run.jobId = id;
            run.runDir = dir;
            run.submittedAt = QDateTime::currentDateTimeUtc();
            run.status.state = SlurmJobState::Pending;
            REQUIRE_OK(follower.track(run));
        }
        QTRY_COMPARE_WITH_TIMEOUT(monitor.status(runningId->value()).state, SlurmJobState::Running, 15000);
        QTRY_COMPARE_WITH_TIMEOUT(monitor.status(heldId->value()).reason, QStringLiteral("JobHeldUser"), 5000);

        // Down for longer than squeue waits for it (about 9 s here), so rounds really fail.
        QElapsedTimer outage;
        outage.start();
        fixture("stop-slurmctld");
        const qsizetype changesBefore = changes.size();
        QTRY_VERIFY_WITH_TIMEOUT(!failures.isEmpty(), 25000);
        qInfo("first failed round after %lld ms: %s", static_cast<long long>(outage.elapsed()),
              qPrintable(failures.first().first().toString()));
        QVERIFY2(failures.first().first().toString().contains(QStringLiteral("Unable to contact slurm controller")),
                 qPrintable(failures.first().first().toString()));
        QCOMPARE(changes.size(), changesBefore);  // nothing changed while SLURM could not say
        QCOMPARE(monitor.status(runningId->value()).state, SlurmJobState::Running);
        QCOMPARE(monitor.status(heldId->value()).state, SlurmJobState::Pending);
        fixture("start-slurmctld");
        qInfo("slurmctld was down for %lld ms", static_cast<long long>(outage.elapsed()));

        // The running job ends on its own, as it would have; the held one still waits.
        QTRY_COMPARE_WITH_TIMEOUT(monitor.status(runningId->value()).state, SlurmJobState::Completed, 30000);
        QTest::qWait(600);
        QCOMPARE(monitor.status(heldId->value()).state, SlurmJobState::Pending);
        QCOMPARE(monitor.status(heldId->value()).reason, QStringLiteral("JobHeldUser"));
        for (const SlurmJobStatus &change : std::as_const(changes)) {
            QVERIFY2(change.state != SlurmJobState::Unknown && change.state != SlurmJobState::Failed
                         && change.state != SlurmJobState::NodeFail,
                     qPrintable(change.jobId + QLatin1Char(' ') + slurmJobStateName(change.state)));
        }
        // The run store's history: exactly what happened, no outage artefact in it.
        const auto runs = store.value()->runs();
        REQUIRE_OK(runs);
        for (const StoredRun &run : runs.value()) {
            const auto history = store.value()->history(run.id);
            REQUIRE_OK(history);
            QStringList states;  // each state once in a row (a new reason is a new entry of the same state)
            for (const auto &change : history.value())
                if (change.state != SlurmJobState::Completing
                    && (states.isEmpty() || states.last() != slurmJobStateName(change.state)))
                    states << slurmJobStateName(change.state);
            const QStringList expected = run.jobId == runningId->value()
                                             ? QStringList{QStringLiteral("PENDING"), QStringLiteral("RUNNING"),
                                                           QStringLiteral("COMPLETED")}
                                             : QStringList{QStringLiteral("PENDING")};
            QCOMPARE(states, expected);
        }
        const auto cancelled = await(slurm.cancel(heldId->value()));
        QVERIFY(cancelled && cancelled->ok());
    }
};

QTEST_GUILESS_MAIN(TestRemoteFaults)
#include "tst_remote_faults.moc"
