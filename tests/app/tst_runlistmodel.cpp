#include "runs/RunListModel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace corral;

class TestRunListModel : public QObject {
    Q_OBJECT
private slots:
    void addAndUpdateRunsUnderTheModelTester()
    {
        RunListModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        RunEntry a;
        a.id = QStringLiteral("/runs/a");
        a.name = QStringLiteral("a");
        a.maxSteps = 60;
        RunEntry b = a;
        b.id = QStringLiteral("/runs/b");
        b.name = QStringLiteral("b");
        QCOMPARE(model.addRun(a), 0);
        QCOMPARE(model.addRun(b), 1);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.rowOf(QStringLiteral("/runs/b")), 1);
        QCOMPARE(model.rowOf(QStringLiteral("/runs/none")), -1);

        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        b.state = RunState::Running;
        b.step = 12;
        b.bestValLoss = 3.25;
        model.updateRun(b);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(model.index(1, RunListModel::State).data().toString(), QStringLiteral("RUNNING"));
        QCOMPARE(model.index(1, RunListModel::Progress).data().toString(), QStringLiteral("12/60"));
        QCOMPARE(model.index(1, RunListModel::BestValLoss).data().toString(), QStringLiteral("3.2500"));
        QCOMPARE(model.index(0, RunListModel::BestValLoss).data().toString(), QString());
        QCOMPARE(model.index(1, 0).data(RunListModel::StateRole).toInt(), static_cast<int>(RunState::Running));
    }

    // A draft names the profile it is meant for (the editor's "Runs on"); once it went out, the
    // profile it runs on is what counts.
    void aDraftShowsTheProfileItIsMeantFor()
    {
        RunListModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        RunEntry draft;
        draft.id = QStringLiteral("/runs/d");
        draft.name = QStringLiteral("d");
        model.addRun(draft);
        QCOMPARE(model.index(0, RunListModel::Profile).data().toString(), QStringLiteral("local"));
        QVERIFY(!draft.isRemote());

        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        draft.meantFor = QStringLiteral("hpc");
        model.updateRun(draft);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(model.index(0, RunListModel::Profile).data().toString(), QStringLiteral("hpc"));
        QVERIFY(!draft.isRemote());  // still a draft on this machine: nothing is on hpc yet

        RunEntry submitted = draft;
        submitted.profile = QStringLiteral("other");
        submitted.state = RunState::Pending;
        model.updateRun(submitted);
        QCOMPARE(model.index(0, RunListModel::Profile).data().toString(), QStringLiteral("other"));
    }

    void clusterStatesDurationsAndIds()
    {
        QCOMPARE(runStateFromSlurm(SlurmJobState::Completing), RunState::Running);
        QCOMPARE(runStateFromSlurm(SlurmJobState::Requeued), RunState::Pending);
        QCOMPARE(runStateFromSlurm(SlurmJobState::OutOfMemory), RunState::Failed);
        QCOMPARE(runStateFromSlurm(SlurmJobState::Timeout), RunState::Timeout);
        QCOMPARE(runStateName(runStateFromSlurm(SlurmJobState::Completed)), QStringLiteral("COMPLETED"));
        QCOMPARE(runStateName(runStateFromSlurm(SlurmJobState::Cancelled)), QStringLiteral("CANCELLED"));
        QVERIFY(isActiveRunState(RunState::Pending) && !isActiveRunState(RunState::Timeout));

        RunListModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        RunEntry job;
        job.id = QStringLiteral("draft");
        job.name = QStringLiteral("job");
        job.profile = QStringLiteral("hpc");
        job.state = RunState::Failed;
        job.jobId = QStringLiteral("42");
        job.exitCode = 3;
        job.reason = QStringLiteral("NonZeroExitCode");
        job.submitted = QDateTime::fromSecsSinceEpoch(1000, Qt::UTC);
        job.ended = QDateTime::fromSecsSinceEpoch(1000 + 75, Qt::UTC);
        model.addRun(job);
        QVERIFY(model.changeId(QStringLiteral("draft"), QStringLiteral("hpc:/scratch/job")));
        QCOMPARE(model.rowOf(QStringLiteral("hpc:/scratch/job")), 0);
        QCOMPARE(model.index(0, 0).data(RunListModel::IdRole).toString(), QStringLiteral("hpc:/scratch/job"));
        QCOMPARE(model.index(0, RunListModel::Duration).data().toString(), QStringLiteral("1:15"));
        QCOMPARE(model.index(0, RunListModel::State).data(Qt::ToolTipRole).toString(),
                 QStringLiteral("FAILED · job 42 · exit code 3 · NonZeroExitCode"));
        QCOMPARE(model.index(0, RunListModel::Progress).data(RunListModel::ProgressRole).toDouble(), -1.0);

        RunEntry other = job;
        other.id = QStringLiteral("other");
        other.state = RunState::Running;
        other.ended = QDateTime();
        model.addRun(other);
        QVERIFY(!model.changeId(QStringLiteral("other"), QStringLiteral("hpc:/scratch/job")));  // taken
        QCOMPARE(RunListModel::durationText(other, QDateTime::fromSecsSinceEpoch(1000 + 3725, Qt::UTC)),
                 QStringLiteral("1:02:05"));
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.refreshDurations();  // only the running run's Duration cell
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.first().at(0).toModelIndex(), model.index(1, RunListModel::Duration));
    }

};

QTEST_GUILESS_MAIN(TestRunListModel)
#include "tst_runlistmodel.moc"
