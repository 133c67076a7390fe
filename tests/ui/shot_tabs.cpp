// shot_tabs: the screenshots of the Curves and Checkpoints tabs in docs/screenshots/
// (curves-overlay.png, checkpoints.png). Opens the main window on real run folders, sets the
// tab up, waits until everything is drawn, and has ImageMagick's `import` capture the X display
// (run it under Xvfb; see docs/development.md). Not a test.
//
//   shot_tabs curves|checkpoints OUT.png RUN_DIR...
//
// curves: every run selected and overlaid, the loss chart. checkpoints: the first run's
// checkpoints, the one before the last chosen, the last two selected for comparing.
#include "CheckpointBrowser.h"
#include "CurvesPanel.h"
#include "MainWindow.h"
#include "runs/RunListModel.h"

#include <QApplication>
#include <QDir>
#include <QProcess>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTimer>

#include <cstdio>

using namespace corral;

namespace {

void setUpCheckpoints(MainWindow &window, const QStringList &ids)
{
    window.showCurvesOf({ids.first()});
    CheckpointBrowser *browser = window.checkpoints();
    window.detailTabs()->setCurrentWidget(browser);
    QTimer::singleShot(2500, &window, [&window, browser, ids] {
        // The one before the last is chosen (as someone might, for a smaller train/val gap); the
        // last two are then selected for comparing.
        const CheckpointIndex *index = browser->indexOf(ids.first());
        if (index && index->checkpoints.size() >= 2) {
            browser->selectSteps({index->checkpoints.at(index->checkpoints.size() - 2).step});
            browser->markSelectedChosen();
        }
        browser->bestTable()->selectAll();
        QTimer::singleShot(1500, &window, [browser, ids] {
            const CheckpointIndex *index = browser->indexOf(ids.first());
            if (index && index->checkpoints.size() >= 2)
                browser->selectSteps({index->checkpoints.at(index->checkpoints.size() - 2).step,
                                      index->checkpoints.last().step});
        });
    });
}

void setUpCurves(MainWindow &window, const QStringList &ids)
{
    window.detailTabs()->setCurrentWidget(window.curves());
    window.showCurvesOf(ids);  // selects them all in the run list, as a person would
}

}  // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    const QStringList args = app.arguments().mid(1);
    const QString tab = args.value(0);
    if (args.size() < 3 || (tab != QLatin1StringView("curves") && tab != QLatin1StringView("checkpoints"))) {
        std::fprintf(stderr, "usage: shot_tabs curves|checkpoints OUT.png RUN_DIR...\n");
        return 2;
    }
    QTemporaryDir runsRoot;  // no earlier runs listed: only the ones given
    qputenv("CORRAL_RUNS_DIR", runsRoot.path().toUtf8());
    MainWindow window(QStringLiteral(CORRAL_BIN_DIR "/corral-train"));
    QStringList ids;
    for (const QString &dir : args.mid(2))
        ids << window.openRunFolder(dir);
    window.resize(1280, 760);
    window.move(0, 0);
    window.show();
    if (tab == QLatin1StringView("curves"))
        setUpCurves(window, ids);
    else
        setUpCheckpoints(window, ids);
    QTimer::singleShot(5500, &window, [&] {
        const int rc = QProcess::execute(QStringLiteral("import"),
                                         {QStringLiteral("-window"), QStringLiteral("root"), QStringLiteral("-crop"),
                                          QStringLiteral("1280x760+0+0"), args.at(1)});
        app.exit(rc);
    });
    return app.exec();
}
