#include "remote/ShellQuote.h"
#include "slurm/SbatchScript.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace corral;

namespace {
QString shippedTemplate()
{
    QFile f(QStringLiteral(CORRAL_SOURCE_DIR "/resources/slurm/job.sbatch.in"));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("resources/slurm/job.sbatch.in missing");
    return QString::fromUtf8(f.readAll());
}

SbatchInputs inputs()
{
    SbatchInputs in;
    in.profile.name = QStringLiteral("cluster");
    in.profile.trainerPath = QStringLiteral("/opt/corral/bin/corral-train");
    in.profile.resources.nodes = 2;
    in.profile.resources.gpusPerNode = 4;
    in.profile.resources.cpusPerTask = 8;
    in.profile.resources.memoryPerNode = QStringLiteral("64G");
    in.profile.resources.timeLimitMinutes = 120;
    in.profile.resources.partition = QStringLiteral("gpu");
    in.profile.resources.account = QStringLiteral("proj-42");
    in.profile.modules = {QStringLiteral("cuda/12.1"), QStringLiteral("gcc/12")};
    in.profile.environmentSetup = {QStringLiteral("export NCCL_DEBUG=WARN")};
    in.jobName = QStringLiteral("tiny-demo");
    in.runDir = QStringLiteral("/scratch/u/corral/tiny-demo-20260101");
    return in;
}
}  // namespace

class TestSbatchScript : public QObject {
    Q_OBJECT
private slots:
    void directivesForAGpuJob()
    {
        const QStringList expected{
            QStringLiteral("#SBATCH --job-name='tiny-demo'"),
            QStringLiteral("#SBATCH --nodes='2'"),
            QStringLiteral("#SBATCH --ntasks-per-node='4'"),
            QStringLiteral("#SBATCH --gpus-per-node='4'"),
            QStringLiteral("#SBATCH --cpus-per-task='8'"),
            QStringLiteral("#SBATCH --mem='64G'"),
            QStringLiteral("#SBATCH --time='120'"),
            QStringLiteral("#SBATCH --partition='gpu'"),
            QStringLiteral("#SBATCH --account='proj-42'"),
            QStringLiteral("#SBATCH --chdir='/scratch/u/corral/tiny-demo-20260101'"),
            QStringLiteral("#SBATCH --output='/scratch/u/corral/tiny-demo-20260101/logs/slurm-%j.out'"),
            QStringLiteral("#SBATCH --error='/scratch/u/corral/tiny-demo-20260101/logs/slurm-%j.err'"),
            QStringLiteral("#SBATCH --signal='USR1@120'"),
            QStringLiteral("#SBATCH --requeue"),
        };
        QCOMPARE(SbatchScript::directives(inputs()), expected);
    }

    void aCpuJobStillRunsOneTaskAndAsksForNoGpu()
    {
        SbatchInputs in = inputs();
        in.profile.resources.gpusPerNode = 0;
        in.profile.resources.account.clear();
        const QStringList lines = SbatchScript::directives(in);
        QVERIFY(lines.contains(QStringLiteral("#SBATCH --ntasks-per-node='1'")));
        for (const QString &line : lines) {
            QVERIFY2(!line.contains(QStringLiteral("gpus")), qPrintable(line));
            QVERIFY2(!line.contains(QStringLiteral("account")), qPrintable(line));
        }
        in.profile.resources.cpuTasksPerNode = 2;  // two Gloo ranks per CPU node
        QVERIFY(SbatchScript::directives(in).contains(QStringLiteral("#SBATCH --ntasks-per-node='2'")));
        in.profile.resources.gpusPerNode = 4;  // with GPUs, one rank per GPU whatever the CPU setting
        QVERIFY(SbatchScript::directives(in).contains(QStringLiteral("#SBATCH --ntasks-per-node='4'")));
    }

    void theScriptRunsTheTrainerWithOnlyFlagsItKnows()
    {
        const auto script = SbatchScript::render(shippedTemplate(), inputs());
        QVERIFY2(script.ok(), script.ok() ? "" : script.error().toString().c_str());
        const QString s = script.value();
        QVERIFY(s.startsWith(QStringLiteral("#!/bin/bash\n")));
        QVERIFY(s.contains(QStringLiteral("module load 'cuda/12.1'\nmodule load 'gcc/12'\n")));
        QVERIFY(s.contains(QStringLiteral("\nexport NCCL_DEBUG=WARN\n")));
        QVERIFY(s.contains(QStringLiteral("RUN_DIR='/scratch/u/corral/tiny-demo-20260101'\n")));
        QVERIFY(s.contains(QStringLiteral("srun '/opt/corral/bin/corral-train' --config \"$RUN_DIR/run.yaml\" "
                                          "--output \"$RUN_DIR\" --resume auto || status=$?\n")));
        // A trainer stopped by USR1/TERM exits 75 after its checkpoint: the job requeues itself.
        QVERIFY(s.contains(QStringLiteral("if [ \"$status\" -eq 75 ]; then\n    scontrol requeue \"$SLURM_JOB_ID\"\n")));
        QVERIFY(s.endsWith(QStringLiteral("exit \"$status\"\n")));
        QVERIFY(!s.contains(QStringLiteral("{{")));
    }

    void hostileValuesStayData()
    {
        SbatchInputs in = inputs();
        in.jobName = QStringLiteral("x'; touch pwned; echo '\n#SBATCH --uid=0");
        in.runDir = QStringLiteral("/tmp/a b/$(id)/`id`/{{TRAINER}}/100%");
        const auto script = SbatchScript::render(shippedTemplate(), in);
        QVERIFY(script.ok());
        const QString s = script.value();
        QVERIFY(s.contains(QStringLiteral("#SBATCH --job-name='x'\\''; touch pwned; echo '\\'' #SBATCH --uid=0'\n")));
        QVERIFY(!s.contains(QStringLiteral("\n#SBATCH --uid")));  // the newline did not start a directive
        QVERIFY(s.contains(QStringLiteral("RUN_DIR='/tmp/a b/$(id)/`id`/{{TRAINER}}/100%'\n")));
        QVERIFY(s.contains(QStringLiteral("/100%%/logs/slurm-%j.out'")));

        // bash parses the script without running anything hostile, and RUN_DIR reads back as given.
        QTemporaryDir tmp;
        const QString probe = QString(s).replace(QStringLiteral("cd \"$RUN_DIR\""),
                                                 QStringLiteral("printf '%s' \"$RUN_DIR\"; exit 0"));
        QProcess bash;
        bash.setWorkingDirectory(tmp.path());
        bash.start(QStringLiteral("/bin/bash"), {QStringLiteral("-c"), probe});
        QVERIFY(bash.waitForFinished(10000));
        QCOMPARE(QString::fromUtf8(bash.readAllStandardOutput()), in.runDir);
        QVERIFY(!QFile::exists(tmp.filePath(QStringLiteral("pwned"))));
    }

    // sbatch's own #SBATCH parser (src/sbatch/opt.c, _get_argument): quotes group, a backslash
    // escapes the next character even inside quotes. Replayed here on the rendered line: a name
    // ending in \' must stay one argument, not close the quote and add --output.
    void directivesSurviveSbatchsOwnParser()
    {
        const auto sbatchArguments = [](const QString &line) {
            QStringList arguments;
            QString current;
            bool quoted = false, escaped = false, any = false;
            QChar quote;
            for (const QChar c : line) {
                if (escaped) {
                    escaped = false;
                } else if (c == QLatin1Char('\\')) {
                    escaped = any = true;
                    continue;
                } else if (quoted) {
                    if (c == quote) {
                        quoted = false;
                        continue;
                    }
                } else if (c == QLatin1Char('"') || c == QLatin1Char('\'')) {
                    quoted = any = true;
                    quote = c;
                    continue;
                } else if (c.isSpace()) {
                    if (any)
                        arguments << current;
                    current.clear();
                    any = false;
                    continue;
                }
                current += c;
                any = true;
            }
            if (any)
                arguments << current;
            return arguments;
        };
        SbatchInputs in = inputs();
        for (const QString &name : {QStringLiteral("a\\' --output=/tmp/stolen"), QStringLiteral("back\\slash \\\\ two"),
                                    QStringLiteral("it's \"q\" # not a comment")}) {
            in.jobName = name;
            const QStringList lines = SbatchScript::directives(in);
            const QString jobLine = lines.first().mid(QStringLiteral("#SBATCH ").size());
            QCOMPARE(sbatchArguments(jobLine), QStringList{QStringLiteral("--job-name=") + name});
        }
    }

    void invalidProfilesAreRefusedNamingTheField_data()
    {
        QTest::addColumn<int>("nodes");
        QTest::addColumn<int>("cpus");
        QTest::addColumn<QString>("runDir");
        QTest::addColumn<QString>("field");
        QTest::newRow("nodes") << 0 << 1 << QStringLiteral("/r") << QStringLiteral("profile.nodes");
        QTest::newRow("cpus") << 1 << 0 << QStringLiteral("/r") << QStringLiteral("profile.cpus_per_task");
        QTest::newRow("relative") << 1 << 1 << QStringLiteral("runs/x") << QStringLiteral("profile.work_root");
        QTest::newRow("backslash in RUN_DIR") << 1 << 1 << QStringLiteral("/w/a\\b") << QStringLiteral("profile.work_root");
        QTest::newRow("newline in RUN_DIR") << 1 << 1 << QStringLiteral("/w/run\n#SBATCH --wrap=x") << QStringLiteral("profile.work_root");
    }
    void invalidProfilesAreRefusedNamingTheField()
    {
        QFETCH(int, nodes);
        QFETCH(int, cpus);
        QFETCH(QString, runDir);
        QFETCH(QString, field);
        SbatchInputs in = inputs();
        in.profile.resources.nodes = nodes;
        in.profile.resources.cpusPerTask = cpus;
        in.runDir = runDir;
        const auto script = SbatchScript::render(shippedTemplate(), in);
        QVERIFY(!script.ok());
        QCOMPARE(QString::fromStdString(script.error().context), field);
    }

    void aTemplateWithoutAPlaceholderIsRefused()
    {
        const auto script = SbatchScript::render(QStringLiteral("#!/bin/bash\n{{DIRECTIVES}}\n"), inputs());
        QVERIFY(!script.ok());
        QVERIFY(script.error().message.find("{{RUN_DIR}}") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestSbatchScript)
#include "tst_sbatchscript.moc"
