#include "slurm/SlurmStateParser.h"

#include <QFile>
#include <QTest>

using namespace corral;

namespace {
QString recorded(const char *name)
{
    QFile f(QStringLiteral(CORRAL_SOURCE_DIR "/tests/data/slurm/") + QLatin1StringView(name));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("missing recorded output %s", name);
    return QString::fromUtf8(f.readAll());
}
}  // namespace

Q_DECLARE_METATYPE(corral::SlurmJobState)

class TestSlurmStateParser : public QObject {
    Q_OBJECT
private slots:
    void sbatchJobIds_data()
    {
        QTest::addColumn<QString>("output");
        QTest::addColumn<QString>("id");
        QTest::newRow("plain") << QStringLiteral("123\n") << QStringLiteral("123");
        QTest::newRow("cluster suffix") << QStringLiteral("123;cluster\n") << QStringLiteral("123");
        QTest::newRow("array task") << QStringLiteral("123_4\n") << QStringLiteral("123_4");
        QTest::newRow("notice first") << QStringLiteral("sbatch: note: using default account\n77\n") << QStringLiteral("77");
    }
    void sbatchJobIds()
    {
        QFETCH(QString, output);
        QFETCH(QString, id);
        const auto parsed = parseSbatchJobId(output);
        QVERIFY2(parsed.ok(), parsed.ok() ? "" : parsed.error().toString().c_str());
        QCOMPARE(parsed.value(), id);
    }
    void sbatchErrorsAreNotIds()
    {
        for (const char *bad : {"", "sbatch: error: Batch job submission failed: Invalid account", "12a", "; rm -rf /"}) {
            const auto parsed = parseSbatchJobId(QString::fromUtf8(bad));
            QVERIFY2(!parsed.ok(), bad);
            QCOMPARE(parsed.error().code, ErrorCode::Parse);
        }
    }

    void stateNames_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<SlurmJobState>("state");
        QTest::newRow("PENDING") << QStringLiteral("PENDING") << SlurmJobState::Pending;
        QTest::newRow("RUNNING") << QStringLiteral("RUNNING") << SlurmJobState::Running;
        QTest::newRow("COMPLETING") << QStringLiteral("COMPLETING") << SlurmJobState::Completing;
        QTest::newRow("COMPLETED") << QStringLiteral("COMPLETED") << SlurmJobState::Completed;
        QTest::newRow("FAILED") << QStringLiteral("FAILED") << SlurmJobState::Failed;
        QTest::newRow("CANCELLED by uid") << QStringLiteral("CANCELLED by 1001") << SlurmJobState::Cancelled;
        QTest::newRow("CANCELLED+") << QStringLiteral("CANCELLED+") << SlurmJobState::Cancelled;
        QTest::newRow("TIMEOUT") << QStringLiteral("TIMEOUT") << SlurmJobState::Timeout;
        QTest::newRow("PREEMPTED") << QStringLiteral("PREEMPTED") << SlurmJobState::Preempted;
        QTest::newRow("NODE_FAIL") << QStringLiteral("NODE_FAIL") << SlurmJobState::NodeFail;
        QTest::newRow("OUT_OF_MEMORY") << QStringLiteral("OUT_OF_MEMORY") << SlurmJobState::OutOfMemory;
        QTest::newRow("REQUEUED") << QStringLiteral("REQUEUED") << SlurmJobState::Requeued;
        QTest::newRow("short CD") << QStringLiteral("CD") << SlurmJobState::Completed;
        QTest::newRow("nonsense") << QStringLiteral("SOMETHING_NEW") << SlurmJobState::Unknown;
    }
    void stateNames()
    {
        QFETCH(QString, text);
        QFETCH(SlurmJobState, state);
        QCOMPARE(slurmJobStateFromText(text), state);
        if (state != SlurmJobState::Unknown && !text.contains(QLatin1Char(' ')) && text.size() > 3
            && !text.endsWith(QLatin1Char('+')))
            QCOMPARE(slurmJobStateName(state), text);
    }

    void recordedSqueueListsActiveJobsWithReasons()
    {
        const auto jobs = parseSqueue(recorded("squeue-active.txt"));
        QCOMPARE(jobs.size(), 2);
        QCOMPARE(jobs.value(QStringLiteral("4")).state, SlurmJobState::Pending);
        QCOMPARE(jobs.value(QStringLiteral("4")).reason, QStringLiteral("BeginTime"));
        QCOMPARE(jobs.value(QStringLiteral("6")).state, SlurmJobState::Running);
        QCOMPARE(jobs.value(QStringLiteral("6")).reason, QString());
        QVERIFY(!jobs.value(QStringLiteral("6")).exitCode.has_value());
    }

    void recordedSqueueWithAllStates()
    {
        const auto jobs = parseSqueue(recorded("squeue-all-states.txt"));
        QCOMPARE(jobs.size(), 7);
        QCOMPARE(jobs.value(QStringLiteral("5_2")).state, SlurmJobState::Completed);
        QCOMPARE(jobs.value(QStringLiteral("2")).reason, QStringLiteral("NonZeroExitCode"));
        QCOMPARE(jobs.value(QStringLiteral("3")).state, SlurmJobState::Cancelled);
    }

    void recordedScontrolRecords_data()
    {
        QTest::addColumn<QString>("id");
        QTest::addColumn<SlurmJobState>("state");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<int>("signal");
        QTest::addColumn<QString>("reason");
        QTest::newRow("completed") << QStringLiteral("1") << SlurmJobState::Completed << 0 << 0 << QString();
        QTest::newRow("failed") << QStringLiteral("2") << SlurmJobState::Failed << 1 << 0 << QStringLiteral("NonZeroExitCode");
        QTest::newRow("cancelled") << QStringLiteral("3") << SlurmJobState::Cancelled << 0 << 15 << QString();
        QTest::newRow("pending") << QStringLiteral("4") << SlurmJobState::Pending << 0 << 0 << QStringLiteral("BeginTime");
        QTest::newRow("array task") << QStringLiteral("5_1") << SlurmJobState::Completed << 0 << 0 << QString();
        QTest::newRow("hostile name") << QStringLiteral("6") << SlurmJobState::Running << 0 << 0 << QString();
    }
    void recordedScontrolRecords()
    {
        QFETCH(QString, id);
        QFETCH(SlurmJobState, state);
        QFETCH(int, exitCode);
        QFETCH(int, signal);
        QFETCH(QString, reason);
        const auto jobs = parseScontrolShowJob(recorded("scontrol-show-job.txt"));
        QCOMPARE(jobs.size(), 6);
        const SlurmJobStatus s = jobs.value(id);
        QCOMPARE(s.jobId, id);
        QCOMPARE(s.state, state);
        QCOMPARE(s.exitCode, std::optional<int>(exitCode));
        QCOMPARE(s.exitSignal, std::optional<int>(signal));
        QCOMPARE(s.reason, reason);
        QCOMPARE(s.source, QStringLiteral("scontrol"));
    }

    void aJobNameCannotImpersonateTheStateField()
    {
        const QString forged = scontrolRecordMarker() + QStringLiteral("9\nJobId=9 JobName=x\n   JobState=COMPLETED "
                                                                        "Reason=None Dependency=(null)\n");
        const QString real = scontrolRecordMarker()
                             + QStringLiteral("9\nJobId=9 JobName=a JobState=COMPLETED Reason=None\n   JobState=RUNNING "
                                              "Reason=None Dependency=(null)\n");
        QCOMPARE(parseScontrolShowJob(forged).value(QStringLiteral("9")).state, SlurmJobState::Completed);
        QCOMPARE(parseScontrolShowJob(real).value(QStringLiteral("9")).state, SlurmJobState::Running);
    }

    void anUnknownJobHasNoRecord()
    {
        const QString out = scontrolRecordMarker() + QStringLiteral("999\n");
        QVERIFY(parseScontrolShowJob(out).isEmpty());
        QVERIFY(recorded("scontrol-unknown-job.stderr").contains(QStringLiteral("Invalid job id")));
    }

    void sacctRecords_data()
    {
        QTest::addColumn<QString>("id");
        QTest::addColumn<SlurmJobState>("state");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("reason");
        QTest::newRow("completed") << QStringLiteral("123") << SlurmJobState::Completed << 0 << QString();
        QTest::newRow("failed") << QStringLiteral("124") << SlurmJobState::Failed << 1 << QStringLiteral("NonZeroExitCode");
        QTest::newRow("cancelled by") << QStringLiteral("125") << SlurmJobState::Cancelled << 0 << QString();
        QTest::newRow("timeout") << QStringLiteral("126") << SlurmJobState::Timeout << 0 << QStringLiteral("TimeLimit");
        QTest::newRow("oom") << QStringLiteral("127") << SlurmJobState::OutOfMemory << 0 << QStringLiteral("OutOfMemory");
        QTest::newRow("node fail array") << QStringLiteral("128_4") << SlurmJobState::NodeFail << 1 << QStringLiteral("NodeDown");
        QTest::newRow("preempted") << QStringLiteral("129") << SlurmJobState::Preempted << 0 << QString();
        QTest::newRow("requeued") << QStringLiteral("130") << SlurmJobState::Requeued << 0 << QString();
        QTest::newRow("pending") << QStringLiteral("131") << SlurmJobState::Pending << 0 << QStringLiteral("Priority");
    }
    void sacctRecords()
    {
        QFETCH(QString, id);
        QFETCH(SlurmJobState, state);
        QFETCH(int, exitCode);
        QFETCH(QString, reason);
        const auto jobs = parseSacct(recorded("sacct-parsable.txt"));
        QCOMPARE(jobs.size(), 9);
        QCOMPARE(jobs.value(id).state, state);
        QCOMPARE(jobs.value(id).exitCode, std::optional<int>(exitCode));
        QCOMPARE(jobs.value(id).reason, reason);
    }
    void disabledAccountingYieldsNothing()
    {
        const QString err = recorded("sacct-disabled.stderr");
        QVERIFY(err.contains(QStringLiteral("accounting storage is disabled")));
        QVERIFY(parseSacct(err).isEmpty());
    }

    // What squeue and scontrol print while slurmctld is down or restarting (seen with SLURM 22.05
    // against the test fixture): a failed round, never "the job is gone".
    void anUnreachableControllerIsRecognised_data()
    {
        QTest::addColumn<QString>("stderrText");
        QTest::addColumn<bool>("unreachable");
        QTest::newRow("squeue, controller down")
            << QStringLiteral("slurm_load_jobs error: Unable to contact slurm controller (connect failure)\n") << true;
        QTest::newRow("timed out") << QStringLiteral("squeue: error: slurm_receive_msg: Socket timed out on send/recv operation") << true;
        QTest::newRow("unknown job") << QStringLiteral("slurm_load_jobs error: Invalid job id specified\n") << false;
        QTest::newRow("nothing") << QString() << false;
    }
    void anUnreachableControllerIsRecognised()
    {
        QFETCH(QString, stderrText);
        QFETCH(bool, unreachable);
        QCOMPARE(isControllerUnreachable(stderrText), unreachable);
    }

    void finalStates()
    {
        QVERIFY(isFinalState(SlurmJobState::Completed));
        QVERIFY(isFinalState(SlurmJobState::Timeout));
        QVERIFY(!isFinalState(SlurmJobState::Completing));
        QVERIFY(!isFinalState(SlurmJobState::Requeued));
        QVERIFY(!isFinalState(SlurmJobState::Pending));
    }
};

QTEST_GUILESS_MAIN(TestSlurmStateParser)
#include "tst_slurmstateparser.moc"
