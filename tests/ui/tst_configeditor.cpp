// The config editor: form and YAML text in step both ways, the trainer's messages beside the
// fields, presets, import/export, the diff and the estimate, all offscreen.
#include "ConfigDiffDialog.h"
#include "ConfigEditor.h"
#include "ConfigForm.h"
#include "ConfigTextView.h"
#include "EstimatePanel.h"
#include "MainWindow.h"
#include "PathBrowser.h"
#include "config/ConfigDiff.h"
#include "config/ConfigLoader.h"
#include "config/Schema.h"
#include "slurm/ClusterProfile.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace corral;

namespace {
const QString kPresets = QStringLiteral(CORRAL_SOURCE_DIR "/resources/presets");

// Answers every request with the paths it was given, and remembers what was asked.
class FakeBrowser : public PathBrowser {
public:
    QStringList answer;
    QList<PathRequest::Kind> asked;
    QString location() const override { return QStringLiteral("fake"); }
    void browse(QWidget *, const PathRequest &request, std::function<void(const QStringList &)> done) override
    {
        asked << request.kind;
        done(answer);
    }
};

// A cluster's files as the editor sees them: nothing is on this computer, and each path check
// waits for the test to answer it (as an SFTP round trip would).
class FakeClusterBrowser : public PathBrowser {
public:
    int checks = 0;
    RunConfig checked;
    std::function<void(const PathCheckReport &)> answer;
    QString location() const override { return QStringLiteral("hpc (cluster)"); }
    void browse(QWidget *, const PathRequest &, std::function<void(const QStringList &)> done) override { done({}); }
    bool isLocal() const override { return false; }
    void checkPaths(QObject *, const RunConfig &config, std::function<void(const PathCheckReport &)> done) override
    {
        ++checks;
        checked = config;
        answer = std::move(done);
    }
};

template <class T>
T *field(const ConfigEditor &editor, const char *path)
{
    T *w = editor.findChild<T *>(QLatin1StringView(path));
    if (!w)
        qWarning("no %s", path);
    return w;
}

void replaceText(ConfigEditor &editor, const QString &from, const QString &to)
{
    QString text = editor.text();
    QVERIFY2(text.contains(from), qPrintable(from));
    text.replace(from, to);
    editor.textView()->textEdit()->setPlainText(text);  // as if typed
    editor.textView()->flush();
}

ClusterProfile gpuProfile(int gpus, double memory)
{
    ClusterProfile p;
    p.name = QStringLiteral("hpc");
    p.ssh.host = QStringLiteral("login.example.org");
    p.resources.gpusPerNode = gpus;
    p.resources.gpuMemoryGb = memory;
    return p;
}
}  // namespace

class TestConfigEditor : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { qputenv("CORRAL_RESOURCES", CORRAL_SOURCE_DIR "/resources"); }

    void everySchemaFieldHasTheRightEditor()
    {
        ConfigEditor editor;
        for (const FieldSpec &spec : configSchema()) {
            const QString path = QString::fromStdString(spec.path());
            QWidget *w = editor.findChild<QWidget *>(QStringLiteral("field:") + path);
            QVERIFY2(w, qPrintable(path));
            QVERIFY2(w->toolTip().contains(QString::fromStdString(spec.description).toHtmlEscaped()), qPrintable(path));
            switch (spec.type) {
            case FieldType::Int: {
                auto *spin = editor.findChild<QSpinBox *>(path);
                QVERIFY2(spin, qPrintable(path));
                QCOMPARE(spin->minimum(), static_cast<int>(*spec.min));
                if (spec.max)
                    QCOMPARE(spin->maximum(), static_cast<int>(*spec.max));
                if (!spec.unit.empty())
                    QVERIFY(spin->suffix().contains(QString::fromStdString(spec.unit)));
                break;
            }
            case FieldType::Enum:
                QVERIFY2(editor.findChild<QComboBox *>(path), qPrintable(path));
                QCOMPARE(editor.findChild<QComboBox *>(path)->count(), static_cast<int>(spec.choices.size()));
                break;
            case FieldType::Bool: QVERIFY2(editor.findChild<QCheckBox *>(path), qPrintable(path)); break;
            case FieldType::Float:
            case FieldType::String: QVERIFY2(editor.findChild<QLineEdit *>(path), qPrintable(path)); break;
            case FieldType::StringList: QVERIFY2(editor.findChild<QListWidget *>(path), qPrintable(path)); break;
            case FieldType::EnumList:
                for (const auto &choice : spec.choices)
                    QVERIFY(editor.findChild<QCheckBox *>(path + QLatin1Char('/') + QString::fromStdString(choice)));
                break;
            }
        }
        for (const char *path : {"model.path/browse", "model.tokenizer/browse", "data.files/browse"})
            QVERIFY2(editor.findChild<QPushButton *>(QLatin1StringView(path)), path);
        QVERIFY(!editor.findChild<QPushButton *>(QStringLiteral("output.dir/browse")));
    }

    void fieldEditsRewriteTheirLineInTheYaml()
    {
        ConfigEditor editor;
        QVERIFY(editor.loadPreset(QStringLiteral("tiny-demo")));
        QVERIFY2(editor.isValid(), qPrintable(editor.problems()));
        QSignalSpy changed(&editor, &ConfigEditor::configChanged);

        field<QSpinBox>(editor, "lora.rank")->setValue(32);
        QVERIFY2(editor.text().contains(QStringLiteral("\nlora:\n  rank: 32\n  alpha: 32\n")), qPrintable(editor.text()));
        QVERIFY(editor.text().startsWith(QStringLiteral("# The local demo")));  // comments stay
        QCOMPARE(editor.config().lora.rank, 32);

        auto *lr = field<QLineEdit>(editor, "train.lr");
        lr->clear();
        QTest::keyClicks(lr, QStringLiteral("1e-4"));
        QVERIFY(editor.text().contains(QStringLiteral("  lr: 0.0001\n")));
        QCOMPARE(editor.config().train.lr, 1e-4);

        field<QCheckBox>(editor, "lora.target_modules/down_proj")->setChecked(false);
        QVERIFY(editor.text().contains(QStringLiteral(
            "  target_modules: [\"q_proj\", \"k_proj\", \"v_proj\", \"o_proj\", \"gate_proj\", \"up_proj\"]\n")));
        QCOMPARE(editor.config().lora.target_modules.size(), size_t{6});

        // A field the preset does not mention is added in its section, in schema order.
        field<QComboBox>(editor, "model.quantize")->setCurrentText(QStringLiteral("int8"));
        QVERIFY2(editor.text().contains(QStringLiteral("  name: tiny-demo\n  quantize: \"int8\"\n  seed: 1234\n")),
                 qPrintable(editor.text()));
        QCOMPARE(editor.config().model.quantize, std::string("int8"));
        QVERIFY(changed.size() >= 4);
        QVERIFY(editor.isValid());
    }

    void yamlEditsUpdateTheFields()
    {
        ConfigEditor editor;
        QVERIFY(editor.loadPreset(QStringLiteral("tiny-demo")));
        replaceText(editor, QStringLiteral("rank: 16"), QStringLiteral("rank: 4"));
        QCOMPARE(field<QSpinBox>(editor, "lora.rank")->value(), 4);
        QCOMPARE(editor.config().lora.rank, 4);
        replaceText(editor, QStringLiteral("format: text"), QStringLiteral("format: chat"));
        QCOMPARE(field<QComboBox>(editor, "data.format")->currentText(), QStringLiteral("chat"));
        replaceText(editor, QStringLiteral("train:\n"), QStringLiteral("train:\n  packing_ignored: 1\n"));
        QVERIFY(!editor.isValid());  // an unknown key: the trainer's message, with the nearest name
        QVERIFY2(editor.problems().contains(QStringLiteral("train.packing_ignored: unknown key 'packing_ignored'")),
                 qPrintable(editor.problems()));
        replaceText(editor, QStringLiteral("  packing_ignored: 1\n"), QString());
        QVERIFY(editor.isValid());

        // Typed text is read once typing pauses, without a flush.
        QPlainTextEdit *text = editor.textView()->textEdit();
        text->moveCursor(QTextCursor::End);
        text->insertPlainText(QStringLiteral("\ndist:\n  timeout_s: 77\n"));
        QTRY_COMPARE(editor.config().dist.timeout_s, 77);
        QCOMPARE(field<QSpinBox>(editor, "dist.timeout_s")->value(), 77);
    }

    void yamlSyntaxErrorsNameTheirLineAndLockTheForm()
    {
        ConfigEditor editor;
        QVERIFY(editor.loadPreset(QStringLiteral("tiny-demo")));
        QSignalSpy validity(&editor, &ConfigEditor::validityChanged);
        replaceText(editor, QStringLiteral("rank: 16"), QStringLiteral("rank: [16"));
        QVERIFY(!editor.isValid());
        QCOMPARE(validity.size(), 1);
        QCOMPARE(validity.at(0).at(0).toBool(), false);
        const int line = static_cast<int>(editor.text().left(editor.text().indexOf(QStringLiteral("rank: [16"))).count(QLatin1Char('\n'))) + 1;
        QVERIFY2(editor.problems().startsWith(QStringLiteral("tiny-demo.yaml:%1: ").arg(line)), qPrintable(editor.problems()));
        QVERIFY(editor.findChild<QLabel *>(QStringLiteral("yamlStatus"))->text().startsWith(QStringLiteral("line %1: ").arg(line)));
        QVERIFY(!field<QSpinBox>(editor, "lora.rank")->isEnabled());  // fix the text first
        QCOMPARE(field<QSpinBox>(editor, "lora.rank")->value(), 16);  // the last good config stays
        replaceText(editor, QStringLiteral("rank: [16"), QStringLiteral("rank: 16"));
        QVERIFY(editor.isValid());
        QVERIFY(field<QSpinBox>(editor, "lora.rank")->isEnabled());
        QCOMPARE(validity.size(), 2);
        QCOMPARE(validity.at(1).at(0).toBool(), true);

        // A field edited while broken text waits to be read: the text is kept, the field reverts.
        QPlainTextEdit *text = editor.textView()->textEdit();
        text->moveCursor(QTextCursor::End);
        text->insertPlainText(QStringLiteral("dist: [\n"));
        field<QSpinBox>(editor, "lora.rank")->setValue(64);
        QVERIFY(editor.text().endsWith(QStringLiteral("dist: [\n")));
        QCOMPARE(field<QSpinBox>(editor, "lora.rank")->value(), 16);
        QVERIFY(!field<QSpinBox>(editor, "lora.rank")->isEnabled());
        QVERIFY(!editor.isValid());
    }

    void invalidValuesShowTheValidateMessageBesideTheField()
    {
        QTemporaryDir dir;
        ConfigEditor editor;
        QVERIFY(editor.loadPreset(QStringLiteral("tiny-demo")));
        QSignalSpy validity(&editor, &ConfigEditor::validityChanged);
        auto *lr = field<QLineEdit>(editor, "train.lr");
        lr->clear();
        QTest::keyClicks(lr, QStringLiteral("-1"));
        QVERIFY(!editor.isValid());
        QCOMPARE(validity.last().at(0).toBool(), false);
        QCOMPARE(editor.form()->messageFor(QStringLiteral("train.lr")), QStringLiteral("must be > 0.0, got -1.0"));
        QCOMPARE(editor.config().train.lr, 0.003);  // the value the trainer would refuse is not taken
        QVERIFY(editor.text().contains(QStringLiteral("  lr: -1.0\n")));  // but the text says what the form says

        // Exactly what corral-train validate prints for the same file (ConfigReport::summary).
        const QString file = dir.filePath(QStringLiteral("run.yaml"));
        QVERIFY(editor.exportFile(file));
        const ConfigReport report = loadConfigFile(file.toStdString());
        QCOMPARE(report.problems.size(), size_t{1});
        QCOMPARE(editor.problems(), QString::fromStdString(report.problems[0].toString()).replace(dir.path() + QLatin1Char('/'), QString()));
        QVERIFY2(editor.problems().startsWith(QStringLiteral("train.lr: must be > 0.0, got -1.0 (run.yaml:")), qPrintable(editor.problems()));

        // Not a number at all: the reader's message; then a whole-config rule; then valid again.
        lr->clear();
        QTest::keyClicks(lr, QStringLiteral("fast"));
        QCOMPARE(editor.form()->messageFor(QStringLiteral("train.lr")), QStringLiteral("must be a number, got 'fast'"));
        lr->clear();
        QTest::keyClicks(lr, QStringLiteral("0.001"));
        field<QSpinBox>(editor, "train.max_steps")->setValue(3);
        QCOMPARE(editor.form()->messageFor(QStringLiteral("train.warmup_steps")), QStringLiteral("must be < train.max_steps (3), got 5"));
        field<QSpinBox>(editor, "train.max_steps")->setValue(30);
        QVERIFY2(editor.isValid(), qPrintable(editor.problems()));
        QCOMPARE(validity.last().at(0).toBool(), true);
        QVERIFY(editor.form()->messageFor(QStringLiteral("train.lr")).isEmpty());
    }

    void everyPresetLoads()
    {
        ConfigEditor editor;
        QCOMPARE(editor.presetNames(), (QStringList{QStringLiteral("tiny-demo"), QStringLiteral("llama-3.1-8b"),
                                                    QStringLiteral("llama-3.2-1b"), QStringLiteral("llama-3.2-3b")}));
        auto *combo = editor.findChild<QComboBox *>(QStringLiteral("presetCombo"));
        for (const QString &name : editor.presetNames()) {
            emit combo->activated(combo->findText(name));  // as if picked from the combo
            QCOMPARE(editor.presetName(), name);
            QCOMPARE(combo->currentText(), name);
            QCOMPARE(editor.config().model.name, name.toStdString());
            if (name == QLatin1StringView("tiny-demo")) {
                QVERIFY2(editor.isValid(), qPrintable(editor.problems()));
                continue;
            }
            // The Llama presets leave the data to the user: that is their only problem.
            QCOMPARE(editor.problemList().size(), size_t{1});
            QCOMPARE(editor.problemList()[0].field, std::string("data.files"));
            QVERIFY(editor.form()->messageFor(QStringLiteral("data.files")).contains(QStringLiteral("must list at least one item")));
            QVERIFY(editor.text().contains(QStringLiteral("Point model.path at your Hugging Face folder")));
            QCOMPARE(editor.config().model.quantize, std::string("int8"));
        }
        editor.setConfig(RunConfig{});
        QCOMPARE(combo->currentIndex(), -1);  // no preset behind a run's config
    }

    void importExportRoundTrip()
    {
        QTemporaryDir dir;
        ConfigEditor editor;
        QVERIFY(editor.loadPreset(QStringLiteral("tiny-demo")));
        field<QSpinBox>(editor, "lora.rank")->setValue(8);
        const QString file = dir.filePath(QStringLiteral("elsewhere/run.yaml"));
        QVERIFY(QDir().mkpath(dir.filePath(QStringLiteral("elsewhere"))));
        QVERIFY(editor.exportFile(file));
        QFile written(file);
        QVERIFY(written.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(written.readAll());
        QVERIFY(text.startsWith(QStringLiteral("# The local demo")));
        // The data path was relative to the preset's folder; in another folder it is made absolute.
        QVERIFY2(text.contains(QStringLiteral("files: [\"") + QDir::cleanPath(kPresets + QStringLiteral("/../demo/corpus.txt"))),
                 qPrintable(text));
        QCOMPARE(editor.text(), text);

        ConfigEditor other;
        QString error;
        QVERIFY2(other.importFile(file, &error), qPrintable(error));
        QVERIFY2(other.isValid(), qPrintable(other.problems()));
        QCOMPARE(other.text(), text);
        QVERIFY(diffConfigs(other.config(), editor.config()).empty());
        QCOMPARE(other.config().lora.rank, 8);
        QVERIFY(!other.importFile(dir.filePath(QStringLiteral("missing.yaml")), &error));
        QVERIFY(error.contains(QStringLiteral("missing.yaml")));
    }

    void diffListsExactlyTheChangedFields()
    {
        ConfigEditor editor;
        QVERIFY(editor.loadPreset(QStringLiteral("llama-3.2-1b")));
        field<QSpinBox>(editor, "lora.rank")->setValue(8);
        auto *lr = field<QLineEdit>(editor, "train.lr");
        lr->clear();
        QTest::keyClicks(lr, QStringLiteral("1e-4"));
        ConfigDiffDialog *dialog = editor.openDiff();
        const auto &d = dialog->differences();
        QCOMPARE(d.size(), size_t{2});
        QCOMPARE(d[0].field, std::string("lora.rank"));
        QCOMPARE(d[0].theirs, std::string("16"));
        QCOMPARE(d[0].ours, std::string("8"));
        QCOMPARE(d[1].field, std::string("train.lr"));
        QCOMPARE(d[1].theirs, std::string("2e-05"));
        QCOMPARE(d[1].ours, std::string("0.0001"));
        QCOMPARE(dialog->table()->rowCount(), 2);
        QCOMPARE(dialog->table()->item(1, 0)->text(), QStringLiteral("train.lr"));
        QCOMPARE(dialog->table()->item(1, 2)->text(), QStringLiteral("0.0001"));

        // Against another config file: the 3B preset differs in name and micro batch too.
        QVERIFY(dialog->compareWithFile(kPresets + QStringLiteral("/llama-3.2-3b.yaml")));
        QStringList fields;
        for (const auto &x : dialog->differences())
            fields << QString::fromStdString(x.field);
        QCOMPARE(fields, (QStringList{QStringLiteral("model.name"), QStringLiteral("lora.rank"),
                                      QStringLiteral("train.micro_batch_size"), QStringLiteral("train.lr"),
                                      QStringLiteral("output.run_name")}));
        QVERIFY(!dialog->compareWithFile(kPresets + QStringLiteral("/no-such.yaml")));
        dialog->close();
    }

    void estimateWarnsWhenTheProfilesGpusAreTooSmall()
    {
        ConfigEditor editor;
        QVERIFY(editor.loadPreset(QStringLiteral("llama-3.2-1b")));
        editor.setProfile(gpuProfile(4, 16));
        EstimatePanel *estimate = editor.estimate();
        QVERIFY(estimate->memory().has_value());
        QCOMPARE(estimate->memory()->totalBytes(), 19'036'442'624.0);  // tst_estimate works it out by hand
        QCOMPARE(estimate->target().ranks, 4);
        QCOMPARE(estimate->verdict(), EstimatePanel::Verdict::Exceeds);
        QVERIFY(estimate->warningText().contains(QStringLiteral("Does not fit: about 17.73 GiB per GPU")));
        auto *details = editor.findChild<QLabel *>(QStringLiteral("estimateDetails"));
        QVERIFY2(details->text().contains(QStringLiteral("65,536")), qPrintable(details->text()));  // 2 × 4 × 2048 × 4 ranks

        editor.setProfile(gpuProfile(4, 80));
        QCOMPARE(estimate->verdict(), EstimatePanel::Verdict::Fits);
        QVERIFY(estimate->warningText().isEmpty());
        field<QSpinBox>(editor, "train.micro_batch_size")->setValue(8);  // 4× the activations and logits
        QTRY_COMPARE(estimate->memory()->tokensPerMicroBatch, 8 * 2048);
        QVERIFY(estimate->memory()->totalBytes() > 60e9);
        editor.setProfile(ClusterProfile::local());
        QCOMPARE(estimate->verdict(), EstimatePanel::Verdict::Unknown);
        QCOMPARE(estimate->memory()->activationElementBytes, 4);  // float32 on the CPU

        // An unknown architecture gives no estimate, and says why.
        replaceText(editor, QStringLiteral("path: \"\""), QStringLiteral("path: /no/such/model"));
        QTRY_COMPARE(estimate->verdict(), EstimatePanel::Verdict::NoEstimate);
        QVERIFY(editor.findChild<QLabel *>(QStringLiteral("estimateBanner"))->text().contains(QStringLiteral("config.json")));
    }

    void pathsComeFromThePathBrowser()
    {
        ConfigEditor editor;
        FakeBrowser browser;
        editor.setPathBrowser(&browser);
        QVERIFY(editor.loadPreset(QStringLiteral("llama-3.2-1b")));
        const QString corpus = QDir::cleanPath(kPresets + QStringLiteral("/../demo/corpus.txt"));
        browser.answer = {corpus};
        field<QPushButton>(editor, "data.files/browse")->click();
        QCOMPARE(browser.asked.last(), PathRequest::Kind::Files);
        QCOMPARE(editor.config().data.files, std::vector<std::string>{corpus.toStdString()});
        QVERIFY(editor.text().contains(QStringLiteral("  files: [\"%1\"]").arg(corpus)));
        QVERIFY2(editor.isValid(), qPrintable(editor.problems()));
        QTRY_COMPARE(editor.estimate()->data().files, 1);

        browser.answer = {kPresets};  // a folder without config.json
        field<QPushButton>(editor, "model.path/browse")->click();
        QCOMPARE(browser.asked.last(), PathRequest::Kind::Folder);
        QCOMPARE(editor.form()->messageFor(QStringLiteral("model.path")),
                 QStringLiteral("no config.json in '%1' (not a Hugging Face model folder)").arg(kPresets));

        auto *entry = field<QLineEdit>(editor, "data.files/entry");
        QTest::keyClicks(entry, QStringLiteral("missing/*.jsonl"));
        QTest::keyClick(entry, Qt::Key_Return);
        QCOMPARE(editor.form()->messageFor(QStringLiteral("data.files")),
                 QStringLiteral("[1] no file matches '%1/missing/*.jsonl'").arg(kPresets));
    }

    // For a run on a cluster the paths are the cluster's: absent here is no problem, the
    // browser's check on the cluster is (beside the field), and every other rule still holds.
    void aClusterRunsPathsAreCheckedOnTheCluster()
    {
        ConfigEditor editor;
        FakeClusterBrowser cluster;
        editor.setPathBrowser(&cluster);
        editor.setText(QStringLiteral("model:\n  path: /cluster/models/llama\n  tokenizer: /cluster/tok.json\n"
                                      "data:\n  files: [/cluster/data/*.jsonl]\n"),
                       QDir::tempPath(), QStringLiteral("run.yaml"));
        QVERIFY2(editor.isValid(), qPrintable(editor.problems()));
        QVERIFY(editor.form()->messageFor(QStringLiteral("model.path")).isEmpty());
        QCOMPARE(editor.pathCheckStatus(), QStringLiteral("Checking paths on hpc (cluster)…"));
        QCOMPARE(cluster.checks, 0);  // not on every key: after a pause
        QTRY_COMPARE(cluster.checks, 1);
        QCOMPARE(cluster.checked.model.path, std::string("/cluster/models/llama"));

        QSignalSpy validity(&editor, &ConfigEditor::validityChanged);
        cluster.answer({{{"model.path", "no such folder '/cluster/models/llama' on hpc", {}}}, {}});
        QVERIFY(!editor.isValid());
        QCOMPARE(editor.form()->messageFor(QStringLiteral("model.path")), QStringLiteral("no such folder '/cluster/models/llama' on hpc"));
        QVERIFY(editor.problems().contains(QStringLiteral("model.path: no such folder '/cluster/models/llama' on hpc")));
        QCOMPARE(validity.count(), 1);
        QVERIFY(editor.pathCheckStatus().isEmpty());

        // An edit that leaves the paths alone asks nothing new and keeps the cluster's answer.
        replaceText(editor, QStringLiteral("model:"), QStringLiteral("lora:\n  rank: 8\nmodel:"));
        QTest::qWait(600);
        QCOMPARE(cluster.checks, 1);
        QVERIFY(!editor.isValid());

        // A new path: the old answer is about another folder, so it no longer counts.
        replaceText(editor, QStringLiteral("/cluster/models/llama"), QStringLiteral("/cluster/models/llama-3"));
        QVERIFY2(editor.isValid(), qPrintable(editor.problems()));
        QTRY_COMPARE(cluster.checks, 2);
        cluster.answer({{}, {}});
        QVERIFY(editor.isValid());
        QCOMPARE(editor.pathCheckStatus(), QStringLiteral("Paths found on hpc (cluster)"));

        // A rule of the trainer holds whatever the profile.
        replaceText(editor, QStringLiteral("rank: 8"), QStringLiteral("rank: 0"));
        QVERIFY(!editor.isValid());
        QVERIFY(editor.problems().contains(QStringLiteral("lora.rank: must be ≥ 1, got 0")));
        replaceText(editor, QStringLiteral("rank: 0"), QStringLiteral("rank: 8"));
        QVERIFY(editor.isValid());

        // When the cluster cannot be asked, that is said, and the config is not held back for it
        // (the check before sbatch has the last word).
        replaceText(editor, QStringLiteral("/cluster/tok.json"), QStringLiteral("/cluster/tokenizer.json"));
        QTRY_COMPARE(cluster.checks, 3);
        cluster.answer({{}, QStringLiteral("corraltest@login:22: connection lost")});
        QVERIFY(editor.isValid());
        QCOMPARE(editor.pathCheckStatus(), QStringLiteral("Paths not checked on hpc (cluster): corraltest@login:22: connection lost"));

        // Back on this computer the loader looks here, with its own words.
        editor.setPathBrowser(nullptr);
        QVERIFY(!editor.isValid());
        QCOMPARE(editor.form()->messageFor(QStringLiteral("model.path")), QStringLiteral("no such folder '/cluster/models/llama-3'"));
        QVERIFY(editor.pathCheckStatus().isEmpty());
    }

    void theMainWindowHostsTheEditor()
    {
        MainWindow window{QString()};
        auto *editor = window.findChild<ConfigEditor *>();
        QVERIFY(editor);
        const ConfigReport demo = loadConfigFile(CORRAL_SOURCE_DIR "/resources/presets/tiny-demo.yaml");
        QTemporaryDir runs;
        qputenv("CORRAL_RUNS_DIR", runs.path().toUtf8());
        window.addDraft(demo.config, QStringLiteral("draft"));
        QVERIFY(diffConfigs(editor->config(), demo.config).empty());
        QVERIFY(editor->isValid());
        QVERIFY(field<QSpinBox>(*editor, "lora.rank")->isEnabled());
        QVERIFY(!editor->estimate()->target().gpu);  // the window's runs go to the local profile
        QCOMPARE(editor->estimate()->verdict(), EstimatePanel::Verdict::Unknown);
    }
};

QTEST_MAIN(TestConfigEditor)
#include "tst_configeditor.moc"
