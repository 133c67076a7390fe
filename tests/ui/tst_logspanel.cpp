#include "LogsPanel.h"

#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QTemporaryDir>
#include <QTest>

using namespace corral;

// The Logs tab on local files (the same panel reads cluster logs over SFTP in tst_gui_cluster).
class TestLogsPanel : public QObject {
    Q_OBJECT

    static void append(const QString &path, const QByteArray &bytes)
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::Append));
        f.write(bytes);
    }

private slots:
    void followsGrowingFilesAndSearchesThem()
    {
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("trainer.out"));
        const QString err = dir.filePath(QStringLiteral("trainer.err"));
        LogsPanel panel;
        panel.resize(800, 400);
        panel.show();
        panel.setSources({{QStringLiteral("stdout"), out, localChunkReader(), true},
                          {QStringLiteral("stderr"), err, localChunkReader(), true}});
        QCOMPARE(panel.currentStream(), QStringLiteral("stdout"));
        append(out, "model tiny-demo\nstep 0: val loss 6\n");
        append(err, "step 3/6 (50%) | loss 4.99\n");
        QTRY_COMPARE(panel.text(QStringLiteral("stdout")), QStringLiteral("model tiny-demo\nstep 0: val loss 6\n"));
        QTRY_COMPARE(panel.text(QStringLiteral("stderr")), QStringLiteral("step 3/6 (50%) | loss 4.99\n"));
        // A line arriving in two writes, and UTF-8 split between them.
        append(out, "step 3: val l");
        append(out, "oss 5 \xc3");
        append(out, "\xa9t\xc3\xa9\n");
        QTRY_COMPARE(panel.text(QStringLiteral("stdout")),
                     QStringLiteral("model tiny-demo\nstep 0: val loss 6\nstep 3: val loss 5 été\n"));

        // Search: every match counted and highlighted, next/previous move and wrap.
        panel.setSearchText(QStringLiteral("VAL LOSS"));
        QCOMPARE(panel.matchCount(), 2);  // case-insensitive by default
        auto *editor = panel.findChild<QPlainTextEdit *>(QStringLiteral("log-stdout"));
        QVERIFY(editor);
        QCOMPARE(editor->extraSelections().size(), 2);
        QVERIFY(panel.findNext());
        QCOMPARE(panel.currentMatchLine(), 1);
        QVERIFY(panel.findNext());
        QCOMPARE(panel.currentMatchLine(), 2);
        QVERIFY(panel.findNext());  // wraps to the first
        QCOMPARE(panel.currentMatchLine(), 1);
        QVERIFY(panel.findPrevious());  // and back around to the last
        QCOMPARE(panel.currentMatchLine(), 2);
        QCOMPARE(panel.findChild<QLabel *>(QStringLiteral("logStatus"))->text(), QStringLiteral("2 matches"));

        // New lines are searched too.
        append(out, "step 6: val loss 4\n");
        QTRY_COMPARE(panel.matchCount(), 3);
        panel.setSearchText(QStringLiteral("no such text"));
        QCOMPARE(panel.matchCount(), 0);
        QVERIFY(!panel.findNext());
        QCOMPARE(editor->extraSelections().size(), 0);

        panel.showStream(QStringLiteral("stderr"));
        panel.setSearchText(QStringLiteral("loss"));
        QCOMPARE(panel.matchCount(), 1);
    }

    void theSameSourcesKeepWhatWasReadAndARewriteStartsOver()
    {
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("slurm-7.out"));
        append(out, "first\nsecond\n");
        LogsPanel panel;
        const QList<LogSource> sources{{QStringLiteral("stdout"), out, localChunkReader(), true}};
        panel.setSources(sources);
        QTRY_COMPARE(panel.text(QStringLiteral("stdout")), QStringLiteral("first\nsecond\n"));
        panel.setSources(sources);  // the same files: nothing read twice
        append(out, "third\n");
        QTRY_COMPARE(panel.text(QStringLiteral("stdout")), QStringLiteral("first\nsecond\nthird\n"));
        QFile rewrite(out);
        QVERIFY(rewrite.open(QIODevice::WriteOnly | QIODevice::Truncate));
        rewrite.write("new\n");
        rewrite.close();
        QTRY_COMPARE(panel.text(QStringLiteral("stdout")), QStringLiteral("new\n"));
        panel.setSources({});
        QCOMPARE(panel.sourcePaths(), QStringList());
        QCOMPARE(panel.text(QStringLiteral("stdout")), QString());
    }
};

QTEST_MAIN(TestLogsPanel)
#include "tst_logspanel.moc"
