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
};

QTEST_GUILESS_MAIN(TestRunListModel)
#include "tst_runlistmodel.moc"
