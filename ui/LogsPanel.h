#pragma once
// The Logs tab: the current run's stdout and stderr (local: logs/trainer.out and .err; cluster:
// logs/slurm-JOB.out and .err over SFTP), each read from its last offset and appended as it
// grows (FileTail), with search: every match highlighted, Find next / previous moving through
// them (Enter, Shift+Enter, F3, Shift+F3), and "Follow" keeping the end in view.
#include "runs/RunController.h"

#include <QStringDecoder>
#include <QTimer>
#include <QWidget>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QTabWidget;

namespace corral {

class FileTail;

class LogsPanel : public QWidget {
    Q_OBJECT
public:
    explicit LogsPanel(QWidget *parent = nullptr);
    ~LogsPanel() override;

    // Shows these streams (replacing what was shown); the same paths again change nothing.
    void setSources(const QList<LogSource> &sources);
    QStringList sourcePaths() const;

    QString text(const QString &label) const;  // a stream's text so far
    void showStream(const QString &label);
    QString currentStream() const;

    void setSearchText(const QString &text);
    bool findNext();      // false when there is no match
    bool findPrevious();
    int matchCount() const { return m_matchCount; }  // in the shown stream
    int currentMatchLine() const;  // 0-based line of the current match, -1 when none
    void focusSearch();
    void setFollowing(bool follow);

private:
    struct Stream;
    void clearStreams();
    void append(Stream &stream, const QByteArray &bytes);
    QPlainTextEdit *currentEditor() const;
    bool find(bool backward);
    void refreshHighlights();

    QTabWidget *m_tabs = nullptr;
    QLineEdit *m_search = nullptr;
    QCheckBox *m_caseSensitive = nullptr;
    QCheckBox *m_follow = nullptr;
    QLabel *m_status = nullptr;
    QList<Stream *> m_streams;
    QTimer m_highlightTimer;  // coalesces re-highlighting while text streams in
    int m_matchCount = 0;
};

}  // namespace corral
