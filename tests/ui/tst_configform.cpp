#include "ConfigForm.h"
#include "config/ConfigLoader.h"

#include <QCheckBox>
#include <QComboBox>
#include <QLineEdit>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>

using namespace corral;

class TestConfigForm : public QObject {
    Q_OBJECT
private slots:
    void editsAreValidatedWithTheTrainersRules()
    {
        const ConfigReport report = loadConfigFile(CORRAL_SOURCE_DIR "/resources/presets/tiny-demo.yaml");
        QVERIFY(report.ok());
        ConfigForm form;
        form.setConfig(report.config);
        QVERIFY(form.isValid());

        auto *lr = form.findChild<QLineEdit *>(QStringLiteral("train.lr"));
        auto *rank = form.findChild<QSpinBox *>(QStringLiteral("lora.rank"));
        auto *schedule = form.findChild<QComboBox *>(QStringLiteral("train.lr_schedule"));
        QVERIFY(lr && rank && schedule);
        QCOMPARE(lr->text(), QStringLiteral("0.003"));
        QCOMPARE(rank->value(), 16);
        QCOMPARE(rank->minimum(), 1);  // the schema's range
        QVERIFY(lr->toolTip().contains(QStringLiteral("Peak learning rate")));

        QSignalSpy changed(&form, &ConfigForm::configChanged);
        lr->clear();
        QTest::keyClicks(lr, QStringLiteral("-1"));
        QVERIFY(!form.isValid());
        QVERIFY2(form.problems().contains(QStringLiteral("train.lr: must be > 0.0, got -1.0")), qPrintable(form.problems()));
        QCOMPARE(form.config().train.lr, 0.003);  // an invalid value never reaches the config

        lr->clear();
        QTest::keyClicks(lr, QStringLiteral("1e-4"));
        QVERIFY(form.isValid());
        QCOMPARE(form.config().train.lr, 1e-4);
        rank->setValue(4);
        schedule->setCurrentText(QStringLiteral("constant"));
        QCOMPARE(form.config().lora.rank, 4);
        QCOMPARE(form.config().train.lr_schedule, std::string("constant"));
        QVERIFY(changed.size() >= 3);
    }

    void switchesAndChoicesReachTheConfig()
    {
        const ConfigReport report = loadConfigFile(CORRAL_SOURCE_DIR "/resources/presets/tiny-demo.yaml");
        ConfigForm form;
        form.setConfig(report.config);
        auto *packing = form.findChild<QCheckBox *>(QStringLiteral("data.packing"));
        auto *format = form.findChild<QComboBox *>(QStringLiteral("data.format"));
        auto *precision = form.findChild<QComboBox *>(QStringLiteral("train.mixed_precision"));
        QVERIFY(packing && format && precision);
        QVERIFY(packing->isChecked());
        packing->setChecked(false);
        QCOMPARE(form.config().data.packing, false);
        format->setCurrentText(QStringLiteral("chat"));
        QCOMPARE(form.config().data.format, std::string("chat"));
        precision->setCurrentText(QStringLiteral("bf16"));
        QCOMPARE(form.config().train.mixed_precision, std::string("bf16"));
        form.setConfig(report.config);  // loading a config puts every editor back
        QVERIFY(packing->isChecked());
        QCOMPARE(format->currentText(), QStringLiteral("text"));
    }

    void crossFieldProblemsAreShown()
    {
        const ConfigReport report = loadConfigFile(CORRAL_SOURCE_DIR "/resources/presets/tiny-demo.yaml");
        ConfigForm form;
        form.setConfig(report.config);
        auto *maxSteps = form.findChild<QSpinBox *>(QStringLiteral("train.max_steps"));
        maxSteps->setValue(3);  // below warmup_steps (5)
        QVERIFY(!form.isValid());
        QVERIFY(form.problems().contains(QStringLiteral("train.warmup_steps: must be < train.max_steps (3), got 5")));
    }
};

QTEST_MAIN(TestConfigForm)
#include "tst_configform.moc"
