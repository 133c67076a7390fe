// shot_checkpoints: the screenshot of the Checkpoints tab in docs/screenshots/checkpoints.png.
// Opens the main window on real run folders, shows the first run's checkpoints with two of
// them selected, marks one as chosen, waits until everything is drawn, and has ImageMagick's
// `import` capture the X display (run it under Xvfb; see docs/development.md). Not a test.
//
//   shot_checkpoints OUT.png RUN_DIR...
#include "CheckpointBrowser.h"
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

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    const QStringList args = app.arguments().mid(1);
    if (args.size() < 2) {
        std::fprintf(stderr, "usage: shot_checkpoints OUT.png RUN_DIR...\n");
        return 2;
    }
    QTemporaryDir runsRoot;  // no earlier runs listed: only the ones given
    qputenv("CORRAL_RUNS_DIR", runsRoot.path().toUtf8());
    MainWindow window(QStringLiteral(CORRAL_BIN_DIR "/corral-train"));
    QStringList ids;
    for (const QString &dir : args.mid(1))
        ids << window.openRunFolder(dir);
    window.resize(1280, 760);
    window.move(0, 0);
    window.show();
    window.showCurvesOf({ids.first()});
    CheckpointBrowser *browser = window.checkpoints();
    window.detailTabs()->setCurrentWidget(browser);

    QTimer::singleShot(2500, &window, [&] {
        // The one before the last is chosen (as someone might, for a smaller train/val gap); the
        // last two are then selected for comparing.
        const CheckpointIndex *index = browser->indexOf(ids.first());
        if (index && index->checkpoints.size() >= 2) {
            browser->selectSteps({index->checkpoints.at(index->checkpoints.size() - 2).step});
            browser->markSelectedChosen();
        }
        browser->bestTable()->selectAll();
    });
    QTimer::singleShot(4000, &window, [&] {
        const CheckpointIndex *index = browser->indexOf(ids.first());
        if (index && index->checkpoints.size() >= 2)
            browser->selectSteps({index->checkpoints.at(index->checkpoints.size() - 2).step, index->checkpoints.last().step});
    });
    QTimer::singleShot(5500, &window, [&] {
        const int rc = QProcess::execute(QStringLiteral("import"),
                                         {QStringLiteral("-window"), QStringLiteral("root"), QStringLiteral("-crop"),
                                          QStringLiteral("1280x760+0+0"), args.first()});
        app.exit(rc);
    });
    return app.exec();
}
