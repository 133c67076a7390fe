// corral: the desktop app, and `corral run` for the same job from a terminal.
//   corral                                   open the GUI with the demo config as a new run
//   corral open RUN_DIR...                   open the GUI following these run folders, curves overlaid
//   corral run CONFIG [--profile local] [--headless] [--output RUN_DIR] [--set section.key=value]...
// Without a display, `corral run` falls back to headless. Exit codes: 0 done, 1 run failed, 2 bad usage or config.
#include "MainWindow.h"
#include "config/ConfigLoader.h"
#include "profiles/ProfileStore.h"
#include "remote/KeychainSecretStore.h"
#include "runs/HeadlessRun.h"
#include "runs/LocalRun.h"
#include "runs/Paths.h"
#include "runs/RunStore.h"

#include <QApplication>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>
#include <QTextStream>

#include <cstdio>
#include <memory>
#include <unistd.h>

namespace {

constexpr const char *kUsage =
    "usage: corral                      open the app\n"
    "       corral open RUN_DIR...      open the app following these run folders, their curves overlaid\n"
    "       corral run CONFIG [--profile local] [--headless] [--output RUN_DIR] [--set section.key=value]...\n";

struct Options {
    bool run = false;
    bool open = false;
    QStringList runDirs;
    QString config;
    QString profile = QStringLiteral("local");
    bool headless = false;
    QString output;
    std::vector<std::string> overrides;
};

bool haveDisplay()
{
    return !qEnvironmentVariableIsEmpty("DISPLAY") || !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY")
        || !qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM");
}

// What the desktop app is built from: the user's cluster profiles, the run store that remembers
// cluster runs across restarts, and the system keychain for secrets the person asked to keep.
// A profiles file or run store that cannot be read is reported and left alone (never overwritten).
struct Desktop {
    corral::ProfileStore profiles{corral::ProfileStore::defaultFilePath()};
    std::unique_ptr<corral::RunStore> store;
    corral::KeychainSecretStore secrets;

    corral::RunServices services()
    {
        corral::RunServices s;
        s.trainerPath = corral::locateTrainer();
        if (auto st = profiles.load(); !st)
            QTextStream(stderr) << "corral: cluster profiles not loaded: " << QString::fromStdString(st.error().toString()) << "\n";
        else
            s.profiles = &profiles;
        const QString data = QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation);
        QDir().mkpath(data);
        auto opened = corral::RunStore::open(QDir(data).filePath(QStringLiteral("runs.sqlite")));
        if (!opened)
            QTextStream(stderr) << "corral: cluster runs will not be remembered: "
                                << QString::fromStdString(opened.error().toString()) << "\n";
        else
            store = std::move(opened).value();
        s.store = store.get();
        s.secrets = &secrets;
        return s;
    }
};

int usageError(const QString &message)
{
    QTextStream err(stderr);
    err << "corral: " << message << "\n" << kUsage;
    return 2;
}

}  // namespace

int main(int argc, char **argv)
{
    Options opt;
    QStringList args;
    for (int i = 1; i < argc; ++i)
        args << QString::fromLocal8Bit(argv[i]);
    int i = 0;
    if (!args.isEmpty() && args[0] == QLatin1StringView("run")) {
        opt.run = true;
        i = 1;
    } else if (!args.isEmpty() && args[0] == QLatin1StringView("open")) {
        opt.open = true;
        i = 1;
    }
    for (; i < args.size(); ++i) {
        const QString &a = args[i];
        auto value = [&](QString &out) {
            if (i + 1 >= args.size())
                return false;
            out = args[++i];
            return true;
        };
        QString v;
        if (a == QLatin1StringView("--help") || a == QLatin1StringView("-h")) {
            std::fputs(kUsage, stdout);
            return 0;
        } else if (a == QLatin1StringView("--headless")) {
            opt.headless = true;
        } else if (a == QLatin1StringView("--profile")) {
            if (!value(opt.profile))
                return usageError(QStringLiteral("--profile needs a name"));
        } else if (a == QLatin1StringView("--output")) {
            if (!value(opt.output))
                return usageError(QStringLiteral("--output needs a folder"));
        } else if (a == QLatin1StringView("--set")) {
            if (!value(v))
                return usageError(QStringLiteral("--set needs section.key=value"));
            opt.overrides.push_back(v.toStdString());
        } else if (opt.run && opt.config.isEmpty() && !a.startsWith(QLatin1Char('-'))) {
            opt.config = a;
        } else if (opt.open && !a.startsWith(QLatin1Char('-'))) {
            opt.runDirs << a;
        } else {
            return usageError(QStringLiteral("unknown argument '%1'").arg(a));
        }
    }
    if (opt.run && opt.config.isEmpty())
        return usageError(QStringLiteral("run needs a config file"));
    if (opt.open && opt.runDirs.isEmpty())
        return usageError(QStringLiteral("open needs at least one run folder"));
    if (opt.open && !haveDisplay())
        return usageError(QStringLiteral("open needs a display"));
    if (opt.profile != QLatin1StringView("local"))
        return usageError(QStringLiteral("unknown profile '%1'; available: local").arg(opt.profile));

    const bool gui = !(opt.run && (opt.headless || !haveDisplay()));
    std::unique_ptr<QCoreApplication> app(gui ? new QApplication(argc, argv) : new QCoreApplication(argc, argv));
    QCoreApplication::setOrganizationName(QStringLiteral("Corral"));
    QCoreApplication::setApplicationName(QStringLiteral("corral"));
    QCoreApplication::setApplicationVersion(QStringLiteral(CORRAL_VERSION));

    if (opt.open) {
        Desktop desktop;
        corral::MainWindow window(desktop.services());
        QStringList ids;
        for (const QString &dir : std::as_const(opt.runDirs)) {
            const QString id = window.openRunFolder(dir);
            if (id.isEmpty())
                QTextStream(stderr) << "corral: not a run folder (no metrics.jsonl or events.jsonl): " << dir << "\n";
            else
                ids << id;
        }
        window.showCurvesOf(ids);
        window.show();
        return app->exec();
    }

    // The config: the one named, or the demo preset for a plain `corral`.
    QString configPath = opt.config;
    if (configPath.isEmpty())
        configPath = QDir(corral::resourcesDir()).filePath(QStringLiteral("presets/tiny-demo.yaml"));
    const corral::ConfigReport report = corral::loadConfigFile(configPath.toStdString(), opt.overrides);
    if (!report.ok()) {
        QTextStream(stderr) << QString::fromStdString(report.summary());
        return 2;  // a bad config never starts a run
    }
    const QString name = report.config.output.run_name.empty() ? QFileInfo(configPath).completeBaseName()
                                                               : QString::fromStdString(report.config.output.run_name);
    const QString runDir = opt.output.isEmpty() ? corral::newRunDirectory(name) : QDir(opt.output).absolutePath();

    if (!gui) {
        if (opt.run && !opt.headless)
            QTextStream(stdout) << "no display: running headless\n";
        corral::LocalRun run(report.config, runDir, corral::locateTrainer());
        QTextStream out(stdout);
        return corral::runHeadless(run, out, ::isatty(STDOUT_FILENO) == 1);
    }

    Desktop desktop;
    corral::MainWindow window(desktop.services());
    window.addDraft(report.config, name);
    window.show();
    if (opt.run)
        window.startSelected();
    return app->exec();
}
