#include "config/ConfigLoader.h"
#include "remote/ShellQuote.h"
#include "slurm/RemoteRunPlan.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace corral;

// What the Submit dialog shows before a cluster run goes out: uploads, the rewritten config,
// the script, and notes.
class TestRemoteRunPlan : public QObject {
    Q_OBJECT

    static QString templateText()
    {
        QFile f(QStringLiteral(CORRAL_SOURCE_DIR "/resources/slurm/job.sbatch.in"));
        return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
    }
    static ClusterProfile cluster()
    {
        ClusterProfile p;
        p.name = QStringLiteral("hpc");
        p.ssh.host = QStringLiteral("login.example.org");
        p.workRoot = QStringLiteral("/scratch/alice/corral/");
        p.trainerPath = QStringLiteral("/opt/corral/bin/corral-train");
        return p;
    }

private slots:
    void localDataGoesUpAndTheConfigReadsTheCopies()
    {
        QTemporaryDir dir;
        QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("a")));
        QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("b")));
        for (const char *name : {"a/train.txt", "b/train.txt", "a/extra-1.txt", "a/extra-2.txt"}) {
            QFile f(dir.filePath(QLatin1StringView(name)));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("hello world\n");
        }
        RunConfig config = loadConfigFile(CORRAL_SOURCE_DIR "/resources/presets/tiny-demo.yaml").config;
        config.data.files = {dir.filePath(QStringLiteral("a/train.txt")).toStdString(),
                             dir.filePath(QStringLiteral("b/train.txt")).toStdString(),
                             dir.filePath(QStringLiteral("a/extra-*.txt")).toStdString(), "/cluster/only/data.jsonl"};
        const auto plan = planRemoteRun(config, cluster(), QStringLiteral("demo"), QStringLiteral("demo-20250101-120000"),
                                        templateText());
        QVERIFY2(plan.ok(), plan.ok() ? "" : plan.error().toString().c_str());
        const RemoteRunPlan &p = plan.value();
        QCOMPARE(p.runDir, QStringLiteral("/scratch/alice/corral/demo-20250101-120000"));
        QStringList remote;
        for (const FileUpload &u : p.uploads) {
            remote << u.remotePath;
            QCOMPARE(u.bytes, 12);
        }
        const QString data = p.runDir + QStringLiteral("/data/");
        QCOMPARE(remote, (QStringList{data + QStringLiteral("train.txt"), data + QStringLiteral("2-train.txt"),
                                      data + QStringLiteral("extra-1.txt"), data + QStringLiteral("extra-2.txt")}));
        QCOMPARE(p.uploads[1].localPath, dir.filePath(QStringLiteral("b/train.txt")));
        QCOMPARE(p.uploadBytes(), 48);
        std::vector<std::string> expected;
        for (const QString &r : remote)
            expected.push_back(r.toStdString());
        expected.push_back("/cluster/only/data.jsonl");  // not here: kept as a cluster path
        QCOMPARE(p.config.data.files, expected);
        QVERIFY(p.runYaml().contains(("2-train.txt")));
        QCOMPARE(p.notes.size(), 1);
        QVERIFY2(p.notes.first().contains(QStringLiteral("data.files[3]")), qPrintable(p.notes.first()));
        // The script names the run folder and the cluster's trainer, quoted.
        QVERIFY(p.script.contains(QStringLiteral("RUN_DIR=") + shellQuote(p.runDir)));
        QVERIFY(p.script.contains(shellQuote(QStringLiteral("/opt/corral/bin/corral-train"))));
        QVERIFY(p.script.contains(QStringLiteral("--job-name=")));
    }

    void aModelFolderIsNotUploadedButNoted()
    {
        RunConfig config = loadConfigFile(CORRAL_SOURCE_DIR "/resources/presets/tiny-demo.yaml").config;
        config.model.path = "/models/llama-3.2-1b";
        const auto plan = planRemoteRun(config, cluster(), QStringLiteral("m"), QStringLiteral("m-1"), templateText());
        QVERIFY(plan.ok());
        QVERIFY(plan.value().notes.join(QLatin1Char('\n')).contains(QStringLiteral("model.path: /models/llama-3.2-1b is not uploaded")));
    }

    void refusals()
    {
        const RunConfig config = loadConfigFile(CORRAL_SOURCE_DIR "/resources/presets/tiny-demo.yaml").config;
        ClusterProfile noRoot = cluster();
        noRoot.workRoot.clear();
        const auto a = planRemoteRun(config, noRoot, QStringLiteral("x"), QStringLiteral("x-1"), templateText());
        QVERIFY(!a.ok());
        QCOMPARE(a.error().context, std::string("work_root"));
        const auto b = planRemoteRun(config, ClusterProfile::local(), QStringLiteral("x"), QStringLiteral("x-1"), templateText());
        QVERIFY(!b.ok());
        const auto c = planRemoteRun(config, cluster(), QStringLiteral("x"), QStringLiteral("x-1"), QStringLiteral("#!/bin/sh\n"));
        QVERIFY(!c.ok());  // a template without its placeholders
        const auto d = planRemoteRun(config, cluster(), QStringLiteral("x"), QStringLiteral("../escape"), templateText());
        QVERIFY(!d.ok());
    }

    // Paths are the cluster's business (absent here is fine); every other rule of the trainer is not.
    void aConfigThatBreaksARuleHasNoPlan()
    {
        RunConfig config = loadConfigFile(CORRAL_SOURCE_DIR "/resources/presets/tiny-demo.yaml").config;
        config.model.path = "/cluster/models/llama";
        config.model.tokenizer = "/cluster/models/llama/tokenizer.json";
        config.data.files = {"/cluster/data/*.jsonl"};
        QVERIFY(planRemoteRun(config, cluster(), QStringLiteral("x"), QStringLiteral("x-1"), templateText()).ok());
        config.lora.rank = 0;
        config.train.warmup_steps = config.train.max_steps;
        const auto plan = planRemoteRun(config, cluster(), QStringLiteral("x"), QStringLiteral("x-1"), templateText());
        QVERIFY(!plan.ok());
        const QString message = QString::fromStdString(plan.error().toString());
        QVERIFY2(message.contains(QStringLiteral("lora.rank: must be ≥ 1, got 0")), qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("train.warmup_steps: must be < train.max_steps")), qPrintable(message));
        QVERIFY2(!message.contains(QStringLiteral("model.path")), qPrintable(message));
    }
};

QTEST_GUILESS_MAIN(TestRemoteRunPlan)
#include "tst_remoterunplan.moc"
