// Cluster profiles: validation, profiles.json round trip, load errors naming file and field,
// the built-in `local` profile, no secrets on disk, ~/.ssh/config defaults.
#include "profiles/ProfileJson.h"
#include "profiles/ProfileStore.h"
#include "profiles/ProfileValidation.h"
#include "remote/SshConfigFile.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace corral;

namespace {
ClusterProfile fullProfile()
{
    ClusterProfile p;
    p.name = QStringLiteral("hpc");
    p.ssh.host = QStringLiteral("login.hpc.example.org");
    p.ssh.port = 2222;
    p.ssh.user = QStringLiteral("alice");
    p.ssh.identityFiles = {QStringLiteral("/home/alice/.ssh/id_hpc"), QStringLiteral("/home/alice/.ssh/id_other")};
    p.ssh.authMethods = {AuthMethod::KeyboardInteractive, AuthMethod::PublicKey};
    p.ssh.proxyJump = QStringLiteral("jump@bastion.example.org:2200");
    p.ssh.knownHostsFile = QStringLiteral("/home/alice/.ssh/known_hosts_hpc");
    p.ssh.sshConfigFile = QStringLiteral("/home/alice/.ssh/config_hpc");
    p.ssh.connectTimeoutSeconds = 20;
    p.workRoot = QStringLiteral("/scratch/alice/corral");
    p.trainerPath = QStringLiteral("/opt/corral/bin/corral-train");
    p.modules = {QStringLiteral("cuda/12.2"), QStringLiteral("gcc/12")};
    p.environmentSetup = {QStringLiteral("export OMP_NUM_THREADS=8"), QStringLiteral("source ~/venv/bin/activate")};
    p.resources.partition = QStringLiteral("gpu");
    p.resources.account = QStringLiteral("proj42");
    p.resources.qos = QStringLiteral("high");
    p.resources.timeLimitMinutes = 2 * 24 * 60 + 90;
    p.resources.nodes = 2;
    p.resources.gpusPerNode = 4;
    p.resources.cpuTasksPerNode = 3;
    p.resources.cpusPerTask = 8;
    p.resources.memoryPerNode = QStringLiteral("64G");
    p.resources.gpuMemoryGb = 79.5;
    return p;
}

void writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(bytes);
}

QStringList fieldsOf(const QList<ProfileProblem> &problems)
{
    QStringList fields;
    for (const auto &p : problems)
        fields << p.field;
    return fields;
}
}  // namespace

class TestProfileStore : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString path(const char *name) const { return m_dir.filePath(QLatin1StringView(name)); }

private slots:
    void aCompleteProfileHasNoProblems() { QCOMPARE(validateProfile(fullProfile()), QList<ProfileProblem>()); }

    void theLocalProfileNeedsNothingElse() { QCOMPARE(validateProfile(ClusterProfile::local()), QList<ProfileProblem>()); }

    void validationReportsEveryProblemNamingItsField()
    {
        ClusterProfile p = fullProfile();
        p.ssh.host.clear();
        p.ssh.port = 70000;
        p.resources.timeLimitMinutes = 0;
        p.resources.nodes = 0;
        p.resources.gpusPerNode = -1;
        p.resources.cpusPerTask = 0;
        p.resources.memoryPerNode = QStringLiteral("lots");
        p.resources.gpuMemoryGb = -1;
        p.workRoot = QStringLiteral("relative/dir");
        const auto problems = validateProfile(p);
        QCOMPARE(fieldsOf(problems), (QStringList{QStringLiteral("host"), QStringLiteral("port"), QStringLiteral("work_root"),
                                                  QStringLiteral("time_limit"), QStringLiteral("nodes"),
                                                  QStringLiteral("gpus_per_node"), QStringLiteral("cpus_per_task"),
                                                  QStringLiteral("memory_per_node"), QStringLiteral("gpu_memory_gb")}));
        QCOMPARE(problems[1].toString(), QStringLiteral("port: must be 1..65535, got 70000"));
        QCOMPARE(problems.last().toString(), QStringLiteral("gpu_memory_gb: must be 0 (not known) to 65536 GiB, got -1"));
    }

    void slurmTimeLimits_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("minutes");  // -1: refused
        QTest::newRow("minutes") << QStringLiteral("90") << 90;
        QTest::newRow("mm:ss rounds up") << QStringLiteral("1:30") << 2;
        QTest::newRow("hh:mm:ss") << QStringLiteral("02:30:00") << 150;
        QTest::newRow("days-hours") << QStringLiteral("1-12") << 36 * 60;
        QTest::newRow("days-hh:mm") << QStringLiteral("2-01:30") << 49 * 60 + 30;
        QTest::newRow("days-hh:mm:ss") << QStringLiteral("1-00:00:01") << 24 * 60 + 1;
        QTest::newRow("zero") << QStringLiteral("00:00:00") << -1;
        QTest::newRow("words") << QStringLiteral("one hour") << -1;
        QTest::newRow("four fields") << QStringLiteral("1:2:3:4") << -1;
        QTest::newRow("empty") << QString() << -1;
    }
    void slurmTimeLimits()
    {
        QFETCH(QString, text);
        QFETCH(int, minutes);
        QCOMPARE(parseSlurmTimeLimit(text).value_or(-1), minutes);
        if (minutes > 0)
            QCOMPARE(parseSlurmTimeLimit(formatSlurmTimeLimit(minutes)).value_or(-1), minutes);
    }

    void everyFieldSurvivesSaveAndLoad()
    {
        const QString file = path("roundtrip/profiles.json");  // the folder does not exist yet
        ProfileStore store(file);
        const Status put = store.put(fullProfile());
        QVERIFY2(put.ok(), put.ok() ? "" : put.error().toString().c_str());

        ProfileStore reread(file);
        const Status loaded = reread.load();
        QVERIFY2(loaded.ok(), loaded.ok() ? "" : loaded.error().toString().c_str());
        QCOMPARE(reread.profiles().size(), 2);
        QCOMPARE(reread.profiles().first().name, QStringLiteral("local"));
        const ClusterProfile a = fullProfile();
        const ClusterProfile b = reread.profile(QStringLiteral("hpc")).value();
        // Compared through JSON, which names every field, plus the fields one by one where it matters.
        QCOMPARE(profileToJson(b), profileToJson(a));
        QCOMPARE(b.ssh.authMethods, a.ssh.authMethods);
        QCOMPARE(b.resources.timeLimitMinutes, a.resources.timeLimitMinutes);
        QCOMPARE(b.ssh.sshConfigFile, a.ssh.sshConfigFile);
        QCOMPARE(b.resources.gpuMemoryGb, 79.5);
        QCOMPARE(profileToJson(a).size(), 24);  // a new ClusterProfile field must be added to profiles.json too

        QFile written(file);
        QVERIFY(written.open(QIODevice::ReadOnly));
        const QJsonObject root = QJsonDocument::fromJson(written.readAll()).object();
        QCOMPARE(root.value(QStringLiteral("version")).toInt(), ProfileStore::kFormatVersion);
        QCOMPARE(root.value(QStringLiteral("profiles")).toArray().size(), 1);  // `local` is never written
    }

    // Owner only (0600) whatever the umask: it names hosts, users, key files and proxies.
    void theProfilesFileIsPrivate()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("profiles.json"));
        const mode_t before = ::umask(0);
        ProfileStore store(path);
        const Status put = store.put(fullProfile());
        ::umask(before);
        QVERIFY2(put.ok(), put.ok() ? "" : put.error().toString().c_str());
        QCOMPARE(QFile::permissions(path), QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadUser
                                               | QFileDevice::WriteUser);
    }

    void replacingAndRemovingByName()
    {
        ProfileStore store(path("edit.json"));
        QVERIFY(store.put(fullProfile()).ok());
        ClusterProfile changed = fullProfile();
        changed.resources.nodes = 8;
        QVERIFY(store.put(changed).ok());
        QCOMPARE(store.profiles().size(), 2);
        QCOMPARE(store.profile(QStringLiteral("hpc"))->resources.nodes, 8);
        QVERIFY(store.remove(QStringLiteral("hpc")).ok());
        QVERIFY(!store.profile(QStringLiteral("hpc")));
        QCOMPARE(store.remove(QStringLiteral("hpc")).error().code, ErrorCode::NotFound);
    }

    void theBuiltInLocalProfileCannotBeOverwrittenOrDeleted()
    {
        const QString file = path("local.json");
        ProfileStore store(file);
        ClusterProfile fake = fullProfile();
        fake.name = QStringLiteral("local");
        QVERIFY(!store.put(fake).ok());
        QVERIFY(!store.remove(QStringLiteral("local")).ok());
        QVERIFY(store.profile(QStringLiteral("local"))->ssh.host.isEmpty());
        QVERIFY(!QFile::exists(file));

        // A hand-edited file that defines `local` is refused too.
        writeFile(file, R"({"version":1,"profiles":[{"name":"local","host":"evil.example.org"}]})");
        const Status st = store.load();
        QVERIFY(!st.ok());
        QCOMPARE(QString::fromStdString(st.error().message),
                 QStringLiteral("profiles[0].name: \"local\" is the built-in profile"));
    }

    void anInvalidProfileIsNotSaved()
    {
        const QString file = path("invalid.json");
        ProfileStore store(file);
        ClusterProfile p = fullProfile();
        p.ssh.port = 0;
        p.resources.cpusPerTask = 0;
        const Status st = store.put(p);
        QVERIFY(!st.ok());
        QCOMPARE(QString::fromStdString(st.error().message),
                 QStringLiteral("port: must be 1..65535, got 0\ncpus_per_task: must be ≥ 1, got 0"));
        QVERIFY(!QFile::exists(file));
        QCOMPARE(store.profiles().size(), 1);
    }

    void aMissingFileMeansNoProfiles()
    {
        ProfileStore store(path("absent.json"));
        QVERIFY(store.load().ok());
        QCOMPARE(store.profiles().size(), 1);
        QVERIFY(store.profiles().first().isLocal());
    }

    // Found alongside the fuzz targets' float-to-integer reports (tests/fuzz): a whole-number
    // field of 1e300 was converted to qint64 before its range was checked (undefined behaviour).
    void aHugeNumberIsNotAWholeNumber()
    {
        QList<ProfileProblem> problems;
        profileFromJson(QJsonObject{{QStringLiteral("name"), QStringLiteral("x")}, {QStringLiteral("port"), 1e300},
                                    {QStringLiteral("nodes"), -1e300}},
                        &problems);
        QCOMPARE(problems.size(), 2);
        QCOMPARE(problems[0].toString(), QStringLiteral("port: must be a whole number"));
        QCOMPARE(problems[1].toString(), QStringLiteral("nodes: must be a whole number"));
    }

    void loadErrorsNameTheFileAndEveryBadField()
    {
        const QString file = path("profiles.json");
        writeFile(file, R"({"version": 1, "future_key": true, "profiles": [
            {"name": "a", "host": "a.example.org", "unknown_key": "ignored"},
            {"name": "b", "host": "b.example.org", "nodes": "two", "gpu_memory_gb": "80G"},
            {"name": "c", "host": "c.example.org", "port": 70000, "time_limit": "soon", "auth_methods": ["password", "telepathy"]},
            {"name": "a", "host": "dup.example.org"},
            {"host": "nameless.example.org"}
        ]})");
        ProfileStore store(file);
        const Status st = store.load();
        QVERIFY(!st.ok());
        QCOMPARE(QString::fromStdString(st.error().context), file);
        const QString text = QString::fromStdString(st.error().toString());
        QVERIFY2(text.startsWith(file + QStringLiteral(": ")), qPrintable(text));
        const QStringList expected{
            QStringLiteral("profiles[1].nodes: must be a whole number"),
            QStringLiteral("profiles[1].gpu_memory_gb: must be a number"),
            QStringLiteral("profiles[2].port: must be 1..65535, got 70000"),
            QStringLiteral("profiles[2].auth_methods: unknown method \"telepathy\""),
            QStringLiteral("profiles[2].time_limit: must be SLURM's MM, HH:MM:SS or D-HH:MM:SS and not zero, got \"soon\""),
            QStringLiteral("profiles[3].name: \"a\" is used twice"),
            QStringLiteral("profiles[4].name: is required"),
        };
        for (const QString &line : expected)
            QVERIFY2(text.contains(line), qPrintable(QStringLiteral("missing \"%1\" in:\n%2").arg(line, text)));
        QVERIFY2(!text.contains(QStringLiteral("profiles[0]")), qPrintable(text));  // unknown keys are ignored
        QCOMPARE(store.profiles().size(), 1);  // nothing half-loaded
    }

    void fileLevelErrors_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("message");
        QTest::newRow("not json") << QByteArray("{\"version\": 1,") << QStringLiteral("not JSON at byte");
        QTest::newRow("no version") << QByteArray("{\"profiles\": []}") << QStringLiteral("version: must be");
        QTest::newRow("newer") << QByteArray("{\"version\": 2}") << QStringLiteral("version: 2 was written by a newer Corral");
        QTest::newRow("profiles not a list") << QByteArray("{\"version\": 1, \"profiles\": {}}")
                                            << QStringLiteral("profiles: must be a list");
    }
    void fileLevelErrors()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, message);
        const QString file = path("bad.json");
        writeFile(file, content);
        ProfileStore store(file);
        const Status st = store.load();
        QVERIFY(!st.ok());
        QVERIFY2(QString::fromStdString(st.error().toString()).startsWith(file + QStringLiteral(": ") + message),
                 st.error().toString().c_str());
    }

    void theWrittenFileHoldsNoSecret()
    {
        // Secrets a user might type around a profile: none of them has a way into the file.
        const QStringList secrets{QStringLiteral("hunter2-password"), QStringLiteral("key passphrase 42"),
                                  QStringLiteral("otp-918273")};
        const QString file = path("secrets.json");
        ProfileStore store(file);
        ClusterProfile p = fullProfile();
        QVERIFY(store.put(p).ok());
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray bytes = f.readAll();
        QVERIFY(bytes.contains("login.hpc.example.org"));  // the file is what we think it is
        for (const QString &secret : secrets)
            QVERIFY2(!bytes.contains(secret.toUtf8()), qPrintable(secret));
        // No key that could carry one either ("password" may appear only as an auth method's name).
        QVERIFY(!bytes.contains("passphrase") && !bytes.contains("secret"));
        const QJsonObject saved = QJsonDocument::fromJson(bytes).object()[QStringLiteral("profiles")][0].toObject();
        for (const QString &key : saved.keys())
            QVERIFY2(!key.contains(QStringLiteral("pass")) && !key.contains(QStringLiteral("secret")), qPrintable(key));
    }

    void emptySshFieldsComeFromTheSshConfig()
    {
        const SshConfigFile config = SshConfigFile::fromText(QStringLiteral(
            "Host hpc\n  HostName login.hpc.example.org\n  User alice\n  Port 2200\n  IdentityFile /keys/id_hpc\n"
            "  ProxyJump jump@bastion:22\n"));
        ClusterProfile p;
        p.name = QStringLiteral("mine");
        p.ssh.host = QStringLiteral("hpc");
        const ClusterProfile resolved = withSshConfigDefaults(p, config);
        QCOMPARE(resolved.ssh.host, QStringLiteral("login.hpc.example.org"));
        QCOMPARE(resolved.ssh.user, QStringLiteral("alice"));
        QCOMPARE(resolved.ssh.port, 2200);
        QCOMPARE(resolved.ssh.identityFiles, QStringList{QStringLiteral("/keys/id_hpc")});
        QCOMPARE(resolved.ssh.proxyJump, QStringLiteral("jump@bastion:22"));

        // What the profile says wins; the rest still comes from the file.
        p.ssh.user = QStringLiteral("bob");
        p.ssh.identityFiles = {QStringLiteral("/keys/bob")};
        const ClusterProfile mixed = withSshConfigDefaults(p, config);
        QCOMPARE(mixed.ssh.user, QStringLiteral("bob"));
        QCOMPARE(mixed.ssh.identityFiles, QStringList{QStringLiteral("/keys/bob")});
        QCOMPARE(mixed.ssh.port, 2200);

        // The profile's own ssh_config_file is the one read.
        const QString file = path("ssh_config");
        writeFile(file, "Host hpc\n  User fromfile\n");
        p.ssh.user.clear();
        p.ssh.sshConfigFile = file;
        QCOMPARE(withSshConfigDefaults(p).ssh.user, QStringLiteral("fromfile"));
        QCOMPARE(withSshConfigDefaults(ClusterProfile::local(), config).ssh.host, QString());
    }
};

QTEST_GUILESS_MAIN(TestProfileStore)
#include "tst_profilestore.moc"
