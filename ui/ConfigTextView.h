#pragma once
// The run config as YAML text, editable: the other half of the config editor. Lines with
// problems are marked and listed below the text with their line numbers; edits are reported
// once the person pauses typing, so half-typed text is not parsed on every key.
#include "config/ConfigLoader.h"

#include <QTimer>
#include <QWidget>

#include <vector>

class QLabel;
class QPlainTextEdit;

namespace corral {

class ConfigTextView : public QWidget {
    Q_OBJECT
public:
    explicit ConfigTextView(QWidget *parent = nullptr);

    QString text() const;
    // Replaces the text as one undoable step, keeping the cursor's line; reports no edit.
    void setText(const QString &text);
    // Marks the lines the problems name ("run.yaml:7") and lists them below the text.
    void showProblems(const std::vector<ConfigProblem> &problems);
    void setReadOnly(bool readOnly);
    QPlainTextEdit *textEdit() const { return m_edit; }
    // Reports a pending edit now instead of after the pause (tests, focus loss).
    void flush();

    // The line number at the end of a location ("run.yaml:7" → 7), or 0.
    static int lineOf(const std::string &location);

signals:
    void textEdited(const QString &text);

private:
    QPlainTextEdit *m_edit = nullptr;
    QLabel *m_status = nullptr;
    QTimer m_pause;
    bool m_setting = false;
};

}  // namespace corral
