#include "runs/HeadlessRun.h"

#include "config/ExitCodes.h"
#include "runs/LocalRun.h"

#include <QEventLoop>
#include <QTextStream>

#include <cmath>

namespace corral {

int runHeadless(LocalRun &run, QTextStream &out, bool liveLine)
{
    QEventLoop loop;
    int exitCode = 1;
    qint64 lastPrinted = -1;
    QObject::connect(&run, &LocalRun::progressChanged, &loop, [&]() {
        const RunProgress &p = run.progress();
        if (p.step == lastPrinted)
            return;
        lastPrinted = p.step;
        if (liveLine)
            out << '\r' << p.line().leftJustified(78) << Qt::flush;
        else
            out << p.line() << Qt::endl;
    });
    QObject::connect(&run, &LocalRun::finished, &loop, [&](bool ok, const QString &message) {
        const RunProgress &p = run.progress();
        if (liveLine)
            out << '\n';
        if (run.wasStopped()) {
            out << "stopped at step " << p.step << " with a checkpoint; continue with corral-train --config "
                << run.runDir() << "/run.yaml --output " << run.runDir() << " --resume auto" << Qt::endl;
            exitCode = kExitPreempted;
        } else if (ok) {
            out << "finished: " << p.step << " steps, best val loss "
                << (std::isfinite(p.bestValLoss) ? QString::number(p.bestValLoss, 'f', 4) : QStringLiteral("-"))
                << "\nrun folder: " << run.runDir() << Qt::endl;
            exitCode = 0;
        } else {
            out << "failed: " << message << "\nrun folder: " << run.runDir() << Qt::endl;
        }
        loop.quit();
    });
    QString error;
    if (!run.start(&error)) {
        out << "cannot start the run: " << error << Qt::endl;
        return 1;
    }
    out << "run folder: " << run.runDir() << Qt::endl;
    loop.exec();
    return exitCode;
}

}  // namespace corral
