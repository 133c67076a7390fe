// A cluster run's checkpoints over the real sshd (tests/e2e/cluster-fixture): listed and read
// by SFTP, the choice recorded in the remote run folder, and the adapter downloaded with
// progress — continued from a partial file, retried through an sshd outage, sizes checked.
#include "Await.h"
#include "ClusterFixture.h"
#include "checkpoints/AdapterDownload.h"
#include "checkpoints/CheckpointIndex.h"
#include "checkpoints/CheckpointLoader.h"
#include "remote/ShellQuote.h"
#include "remote/SshConnection.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

using namespace corral;
using corral::test::await;

#define REQUIRE_OK(result) QVERIFY2((result).ok(), (result).ok() ? "" : (result).error().toString().c_str())

namespace {
QByteArray patterned(int size, int seed)
{
    QByteArray bytes(size, Qt::Uninitialized);
    for (int i = 0; i < size; ++i)
        bytes[i] = static_cast<char>((i * 131 + seed + i / 7) & 0xff);
    return bytes;
}
}  // namespace

class TestRemoteCheckpoints : public QObject {
    Q_OBJECT
    test::ClusterFixture m_cluster;
    test::ScriptedPrompter m_prompter;
    QTemporaryDir m_local;
    std::unique_ptr<SshConnection> m_ssh;
    QString m_runDir;
    QByteArray m_adapter;  // step 4's adapter_model.safetensors
    QByteArray m_config;

    CheckpointRun run() const { return {QStringLiteral("fixture:") + m_runDir, QStringLiteral("remote run"), m_runDir, QStringLiteral("fixture")}; }
    void put(const QString &path, const QByteArray &bytes)
    {
        const auto st = await(m_ssh->writeFile(path, bytes));
        QVERIFY(st);
        REQUIRE_OK(*st);
    }
    void sshd(const char *command)
    {
        const auto [code, output] = m_cluster.script(QLatin1StringView(command));
        QVERIFY2(code == 0, qPrintable(output));
    }
    CheckpointIndex loadIndex()
    {
        CheckpointLoader loader;
        loader.setConnectionProvider([this](const QString &profile) {
            return profile == QLatin1StringView("fixture") ? m_ssh.get() : nullptr;
        });
        QSignalSpy loaded(&loader, &CheckpointLoader::loaded);
        QSignalSpy failed(&loader, &CheckpointLoader::failed);
        loader.load(run());
        if (!loaded.wait(20000))
            qWarning("not loaded: %s", failed.isEmpty() ? "timeout" : qPrintable(failed.first().at(1).toString()));
        return loaded.isEmpty() ? CheckpointIndex{} : buildCheckpointIndex(loaded.first().at(1).value<RunCheckpointFiles>(), nullptr);
    }
    QVector<AdapterDownload::File> filesOfStep4(const QString &localRun)
    {
        const CheckpointIndex index = loadIndex();
        const CheckpointInfo *step4 = index.find(4);
        return step4 ? AdapterDownload::adapterFiles(*step4, localRun, m_runDir, m_config.size()) : QVector<AdapterDownload::File>{};
    }

private slots:
    void initTestCase()
    {
        CORRAL_START_CLUSTER_OR_SKIP(m_cluster);
        const QString trusted = m_cluster.trustingKnownHosts(m_local.filePath(QStringLiteral("known_hosts")));
        m_ssh = std::make_unique<SshConnection>(m_cluster.endpoint(trusted), &m_prompter);
        // A run folder as corral-train leaves it, made by the remote user (a name that needs quoting).
        m_runDir = m_cluster.value("WORK") + QStringLiteral("/run 'one'");
        const auto made = await(m_ssh->run({ShellCommand(QStringLiteral("mkdir"), {QStringLiteral("-p"),
                                                          m_runDir + QStringLiteral("/checkpoints/step-00000002"),
                                                          m_runDir + QStringLiteral("/checkpoints/step-00000004"),
                                                          m_runDir + QStringLiteral("/checkpoints/.tmp-step-00000006")}),
                                            {}, 10000}));
        QVERIFY(made && made->ok() && made->value().succeeded());
        m_adapter = patterned(3 * 1024 * 1024 + 123, 4);
        m_config = QByteArrayLiteral("model:\n  name: tiny-demo\nlora:\n  rank: 16\ntrain:\n  max_steps: 4\n");
        put(m_runDir + QStringLiteral("/config.yaml"), m_config);
        for (const int step : {2, 4}) {
            const QString dir = m_runDir + QStringLiteral("/checkpoints/step-0000000%1").arg(step);
            put(dir + QStringLiteral("/adapter_model.safetensors"), step == 4 ? m_adapter : patterned(1000, 2));
            put(dir + QStringLiteral("/adapter_config.json"), QByteArrayLiteral("{\"peft_type\":\"LORA\",\"r\":16}"));
            put(dir + QStringLiteral("/trainer_state.json"),
                QStringLiteral("{\"format\":1,\"step\":%1,\"tokens\":%2,\"val_loss\":%3,\"time\":1795600000}")
                    .arg(step)
                    .arg(step * 4096)
                    .arg(step == 2 ? 4.5 : 4.25)
                    .toUtf8());
            put(dir + QStringLiteral("/optimizer.pt"), patterned(2000, step));
        }
        put(m_runDir + QStringLiteral("/checkpoints/best"), QByteArrayLiteral("{\"step\":4,\"checkpoint\":\"step-00000004\",\"val_loss\":4.25,\"reason\":\"lowest val_loss\"}"));
    }

    void theFoldersAreListedAndReadOverSftp()
    {
        const CheckpointIndex index = loadIndex();
        QVERIFY2(index.problems.isEmpty(), qPrintable(index.problems.join(QLatin1Char('\n'))));
        QCOMPARE(index.checkpoints.size(), 2);  // the .tmp- folder is not one
        const CheckpointInfo *step4 = index.find(4);
        QVERIFY(step4);
        QVERIFY(step4->complete);
        QCOMPARE(step4->fileSizes.value(QStringLiteral("adapter_model.safetensors")), qint64(m_adapter.size()));
        QCOMPARE(step4->tokens, 4 * 4096.0);
        QCOMPARE(step4->valLoss, 4.25);
        QCOMPARE(step4->path, m_runDir + QStringLiteral("/checkpoints/step-00000004"));
        QCOMPARE(index.bestStep, qint64(4));
        QCOMPARE(index.runConfig.value(QStringLiteral("lora.rank")), QStringLiteral("16"));
    }

    void theChoiceIsRecordedInTheRemoteRunFolder()
    {
        CheckpointLoader loader;
        loader.setConnectionProvider([this](const QString &) { return m_ssh.get(); });
        QSignalSpy saved(&loader, &CheckpointLoader::chosenSaved);
        QSignalSpy failed(&loader, &CheckpointLoader::failed);
        for (const int step : {2, 4}) {  // the second replaces the first
            loader.markChosen(run(), step);
            QVERIFY(saved.wait(10000) || !failed.isEmpty());
            QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().at(1).toString()));
            const auto pointer = await(m_ssh->readFrom(m_runDir + QStringLiteral("/checkpoints/chosen"), 0, 4096));
            QVERIFY(pointer && pointer->ok());
            QCOMPARE(QJsonDocument::fromJson(pointer->value().data).object().value(QStringLiteral("step")).toInt(), step);
        }
        QCOMPARE(loadIndex().chosenStep, qint64(4));
        const auto listing = await(m_ssh->run({ShellCommand(QStringLiteral("ls"), {QStringLiteral("-a"),
                                                             m_runDir + QStringLiteral("/checkpoints")}), {}, 10000}));
        QVERIFY(listing && listing->ok());
        QVERIFY2(!listing->value().out.contains("corral-tmp"), listing->value().out.constData());  // no temporary left
    }

    void aPartialDownloadContinuesFromItsSizeAndIsChecked()
    {
        const QString localRun = m_local.filePath(QStringLiteral("mirror"));
        const QVector<AdapterDownload::File> files = filesOfStep4(localRun);
        QCOMPARE(files.size(), 4);  // the adapter, its config, the trainer state, the run's config.yaml
        const QString adapterPath = localRun + QStringLiteral("/checkpoints/step-00000004/adapter_model.safetensors");
        QCOMPARE(files.first().localPath, adapterPath);
        QVERIFY(QDir().mkpath(QFileInfo(adapterPath).absolutePath()));
        QFile partial(adapterPath);
        QVERIFY(partial.open(QIODevice::WriteOnly));
        partial.write(m_adapter.left(1000000));  // an earlier attempt got this far
        partial.close();

        AdapterDownload download(*m_ssh);
        QSignalSpy progress(&download, &AdapterDownload::progress);
        QSignalSpy finished(&download, &AdapterDownload::finished);
        download.start(files);
        QVERIFY(finished.wait(30000));
        QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
        QVERIFY(progress.size() > 2);
        QCOMPARE(progress.first().at(0).toLongLong(), qint64(1000000));  // continued, not started over
        qint64 total = 0;
        for (const auto &f : files)
            total += f.size;
        QCOMPARE(progress.last().at(0).toLongLong(), total);
        QCOMPARE(progress.last().at(1).toLongLong(), total);
        QVERIFY(partial.open(QIODevice::ReadOnly));
        QCOMPARE(partial.readAll(), m_adapter);
        QFile config(localRun + QStringLiteral("/config.yaml"));
        QVERIFY(config.open(QIODevice::ReadOnly));
        QCOMPARE(config.readAll(), m_config);
    }

    void aLocalFileThatIsNoPrefixOrTheWrongSizeIsNotKept()
    {
        const QString localRun = m_local.filePath(QStringLiteral("mirror-2"));
        QVector<AdapterDownload::File> files = filesOfStep4(localRun);
        QVERIFY(!files.isEmpty());
        // Longer than the cluster's file: it cannot be a prefix, so it is fetched again whole.
        QVERIFY(QDir().mkpath(QFileInfo(files.first().localPath).absolutePath()));
        QFile longer(files.first().localPath);
        QVERIFY(longer.open(QIODevice::WriteOnly));
        longer.write(patterned(m_adapter.size() + 50, 9));
        longer.close();
        {
            AdapterDownload download(*m_ssh);
            QSignalSpy finished(&download, &AdapterDownload::finished);
            download.start({files.first()});
            QVERIFY(finished.wait(30000));
            QVERIFY(finished.first().at(0).toBool());
            QVERIFY(longer.open(QIODevice::ReadOnly));
            QCOMPARE(longer.readAll(), m_adapter);
            longer.close();
        }
        // The listing said another size than what arrived: reported, and the file removed.
        AdapterDownload::File wrong = files.at(1);
        wrong.size += 7;
        AdapterDownload download(*m_ssh);
        QSignalSpy finished(&download, &AdapterDownload::finished);
        download.start({wrong});
        QVERIFY(finished.wait(30000));
        QVERIFY(!finished.first().at(0).toBool());
        QVERIFY2(finished.first().at(1).toString().contains(QStringLiteral("on the cluster")),
                 qPrintable(finished.first().at(1).toString()));
        QVERIFY(!QFile::exists(wrong.localPath));
    }

    void aDownloadThroughAnSshdOutageFinishesWhenItIsBack()
    {
        const QString localRun = m_local.filePath(QStringLiteral("mirror-3"));
        const QVector<AdapterDownload::File> files = filesOfStep4(localRun);
        QVERIFY(!files.isEmpty());
        sshd("stop-sshd");
        AdapterDownload download(*m_ssh);
        download.setRetryDelayMs(300);
        QSignalSpy finished(&download, &AdapterDownload::finished);
        download.start(files);
        QTest::qWait(1200);
        QVERIFY(finished.isEmpty());  // still trying
        sshd("start-sshd");
        QVERIFY(finished.wait(60000));
        QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
        QVERIFY(download.attempts() > int(files.size()));  // some attempts failed and were retried
        QFile adapter(files.first().localPath);
        QVERIFY(adapter.open(QIODevice::ReadOnly));
        QCOMPARE(adapter.readAll(), m_adapter);
    }

    // sshd SIGKILLed (with the processes serving the connection) in the middle of the adapter:
    // the download waits, continues from what had arrived once sshd is back, and the copy is
    // byte-identical; until then the adapter's final name does not exist here.
    void aDownloadCutBySshdBeingKilledResumesByteIdentical()
    {
        const QString bigRun = m_cluster.value("WORK") + QStringLiteral("/big run");
        const QString step = bigRun + QStringLiteral("/checkpoints/step-00000008");
        const auto made = await(m_ssh->run({ShellCommand(QStringLiteral("mkdir"), {QStringLiteral("-p"), step}), {}, 10000}));
        QVERIFY(made && made->ok() && made->value().succeeded());
        const QByteArray adapter = patterned(96 << 20, 8);
        put(step + QStringLiteral("/adapter_model.safetensors"), adapter);
        put(step + QStringLiteral("/adapter_config.json"), QByteArrayLiteral("{\"peft_type\":\"LORA\",\"r\":16}"));
        const QString localRun = m_local.filePath(QStringLiteral("mirror-4"));
        const QString localAdapter = localRun + QStringLiteral("/checkpoints/step-00000008/adapter_model.safetensors");
        const QVector<AdapterDownload::File> files{
            {step + QStringLiteral("/adapter_model.safetensors"), localAdapter, adapter.size()},
            {step + QStringLiteral("/adapter_config.json"),
             localRun + QStringLiteral("/checkpoints/step-00000008/adapter_config.json"), 27}};

        AdapterDownload download(*m_ssh);
        download.setRetryDelayMs(250);
        QSignalSpy finished(&download, &AdapterDownload::finished);
        QList<qint64> progress;
        int killed = 0;
        qint64 partAtKill = -1;
        qsizetype reportsAtKill = -1;
        bool finalSeenEarly = false;
        connect(&download, &AdapterDownload::progress, this, [&](qint64 done, qint64) {
            progress << done;
            if (done < adapter.size())
                finalSeenEarly = finalSeenEarly || QFile::exists(localAdapter);
            if (killed == 0 && done >= (16 << 20)) {
                killed = m_cluster.killSshd();
                reportsAtKill = progress.size();
            }
        });
        download.start(files);
        QTRY_VERIFY_WITH_TIMEOUT(killed > 0, 20000);
        QVERIFY2(killed >= 3, "the listener and the connection's processes");
        QTest::qWait(1000);  // retried meanwhile, against a closed port
        QVERIFY(finished.isEmpty());
        partAtKill = QFileInfo(localAdapter + QStringLiteral(".part")).size();
        QVERIFY2(partAtKill >= (16 << 20) && partAtKill < adapter.size(), qPrintable(QString::number(partAtKill)));
        QVERIFY(!QFile::exists(localAdapter));
        sshd("start-sshd");

        QVERIFY(finished.wait(50000));
        QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
        QVERIFY(!finalSeenEarly);
        QFile copy(localAdapter);
        QVERIFY(copy.open(QIODevice::ReadOnly));
        QVERIFY(copy.readAll() == adapter);  // byte for byte (QCOMPARE would print 96 MiB on failure)
        QVERIFY(!QFile::exists(localAdapter + QStringLiteral(".part")));
        // Continued from what had arrived, not started over.
        const QList<qint64> after = progress.mid(reportsAtKill);
        QVERIFY2(after.contains(partAtKill) && !after.contains(0),
                 qPrintable(QStringLiteral("after the cut: %1 … (part: %2)").arg(after.value(0)).arg(partAtKill)));
        QVERIFY(download.attempts() > int(files.size()));
    }

    void cleanupTestCase() { m_ssh.reset(); }
};

QTEST_GUILESS_MAIN(TestRemoteCheckpoints)
#include "tst_remote_checkpoints.moc"
