#include "ProfileEditor.h"
#include "ProfilesDialog.h"
#include "profiles/ProfileStore.h"

#include <QCheckBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

using namespace corral;

// The profile dialog: fields, problems shown beside them, save and delete through ProfileStore.
// Connect (login + sinfo) runs against the real fixture in tst_gui_cluster.
class TestProfileDialog : public QObject {
    Q_OBJECT

    template <class T>
    static T *field(ProfilesDialog &dialog, const char *name)
    {
        return dialog.findChild<T *>(QLatin1StringView(name));
    }
    static QPushButton *button(ProfilesDialog &dialog, const QString &text)
    {
        for (QPushButton *b : dialog.findChildren<QPushButton *>())
            if (b->text() == text)
                return b;
        return nullptr;
    }

private slots:
    void problemsAreShownBesideTheirFieldsAndBlockSave()
    {
        QTemporaryDir dir;
        ProfileStore store(dir.filePath(QStringLiteral("profiles.json")));
        QVERIFY(store.load().ok());
        ProfilesDialog dialog(store, nullptr, nullptr);
        dialog.show();
        ProfileEditor *editor = dialog.editor();
        QPushButton *save = button(dialog, QStringLiteral("Save"));
        QVERIFY(save);
        QVERIFY(!save->isEnabled());  // a new profile has no name or host yet
        QCOMPARE(editor->problemText(QStringLiteral("name")), QStringLiteral("is required"));
        QVERIFY(editor->problemText(QStringLiteral("host")).startsWith(QStringLiteral("is required")));
        auto *nameLabel = dialog.findChild<QLabel *>(QStringLiteral("problem-name"));
        QVERIFY(nameLabel && nameLabel->isVisible());

        field<QLineEdit>(dialog, "name")->setText(QStringLiteral("hpc"));
        field<QLineEdit>(dialog, "host")->setText(QStringLiteral("login.example.org"));
        field<QSpinBox>(dialog, "port")->setValue(70000);
        field<QLineEdit>(dialog, "work_root")->setText(QStringLiteral("scratch/corral"));
        field<QLineEdit>(dialog, "time_limit")->setText(QStringLiteral("soon"));
        field<QLineEdit>(dialog, "memory_per_node")->setText(QStringLiteral("lots"));
        field<QSpinBox>(dialog, "nodes")->setValue(0);
        for (int i = 0; i < 4; ++i)
            dialog.findChild<QCheckBox *>(QStringLiteral("auth-%1").arg(i))->setChecked(false);
        QCOMPARE(editor->problemText(QStringLiteral("name")), QString());
        QVERIFY(!nameLabel->isVisible());
        QCOMPARE(editor->problemText(QStringLiteral("host")), QString());
        QCOMPARE(editor->problemText(QStringLiteral("port")), QStringLiteral("must be 1..65535, got 70000"));
        QCOMPARE(editor->problemText(QStringLiteral("work_root")),
                 QStringLiteral("must be an absolute path on the cluster, got \"scratch/corral\""));
        QVERIFY(editor->problemText(QStringLiteral("time_limit")).contains(QStringLiteral("SLURM time")));
        QVERIFY(editor->problemText(QStringLiteral("memory_per_node")).contains(QStringLiteral("4000M or 16G")));
        QCOMPARE(editor->problemText(QStringLiteral("nodes")), QStringLiteral("must be ≥ 1, got 0"));
        QCOMPARE(editor->problemText(QStringLiteral("auth_methods")), QStringLiteral("must name at least one method"));
        QVERIFY(!save->isEnabled());
        QVERIFY(!dialog.save());
        QVERIFY(!QFile::exists(store.filePath()));  // nothing written

        field<QSpinBox>(dialog, "port")->setValue(2222);
        field<QLineEdit>(dialog, "work_root")->setText(QStringLiteral("/scratch/corral"));
        field<QLineEdit>(dialog, "time_limit")->setText(QStringLiteral("1-12"));
        field<QLineEdit>(dialog, "memory_per_node")->setText(QStringLiteral("64G"));
        field<QSpinBox>(dialog, "nodes")->setValue(2);
        dialog.findChild<QCheckBox *>(QStringLiteral("auth-1"))->setChecked(true);
        QVERIFY2(editor->problems().isEmpty(), qPrintable(editor->problems().value(0).toString()));
        QVERIFY(save->isEnabled());
        QVERIFY(dialog.save());
        const auto saved = store.profile(QStringLiteral("hpc"));
        QVERIFY(saved);
        QCOMPARE(saved->ssh.port, 2222);
        QCOMPARE(saved->resources.timeLimitMinutes, 36 * 60);
        QCOMPARE(saved->ssh.authMethods, QList<AuthMethod>{AuthMethod::PublicKey});
        QCOMPARE(dialog.listedProfiles(), QStringList{QStringLiteral("hpc")});
        ProfileStore reread(store.filePath());
        QVERIFY(reread.load().ok());
        QCOMPARE(reread.profile(QStringLiteral("hpc"))->resources.memoryPerNode, QStringLiteral("64G"));

        // Another profile may not take a used name, nor the built-in one.
        dialog.newProfile();
        field<QLineEdit>(dialog, "host")->setText(QStringLiteral("other.example.org"));
        field<QLineEdit>(dialog, "name")->setText(QStringLiteral("hpc"));
        QVERIFY(editor->problemText(QStringLiteral("name")).contains(QStringLiteral("exists already")));
        field<QLineEdit>(dialog, "name")->setText(QStringLiteral("local"));
        QVERIFY(editor->problemText(QStringLiteral("name")).contains(QStringLiteral("built-in")));
        field<QLineEdit>(dialog, "name")->setText(QStringLiteral("other"));
        QVERIFY(dialog.save());
        QCOMPARE(dialog.listedProfiles(), (QStringList{QStringLiteral("hpc"), QStringLiteral("other")}));

        // Editing and renaming replaces, deleting removes.
        dialog.selectProfile(QStringLiteral("hpc"));
        QCOMPARE(field<QLineEdit>(dialog, "host")->text(), QStringLiteral("login.example.org"));
        field<QLineEdit>(dialog, "name")->setText(QStringLiteral("hpc2"));
        QVERIFY(dialog.save());
        QVERIFY(!store.profile(QStringLiteral("hpc")));
        QVERIFY(store.profile(QStringLiteral("hpc2")));
        QVERIFY(dialog.removeSelected(/*ask=*/false));
        QVERIFY(!store.profile(QStringLiteral("hpc2")));
        QCOMPARE(dialog.listedProfiles(), QStringList{QStringLiteral("other")});
    }

    void noSecretCanBeSaved()
    {
        // The dialog has no field for a password or passphrase: the file never holds one.
        QTemporaryDir dir;
        ProfileStore store(dir.filePath(QStringLiteral("profiles.json")));
        ProfilesDialog dialog(store, nullptr, nullptr);
        for (QLineEdit *edit : dialog.findChildren<QLineEdit *>())
            QVERIFY2(edit->echoMode() == QLineEdit::Normal, qPrintable(edit->objectName()));
    }
};

QTEST_MAIN(TestProfileDialog)
#include "tst_profiledialog.moc"
