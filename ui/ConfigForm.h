#pragma once
// The run config as a form generated from the config schema: one group per section (model,
// LoRA, data, training, dist, output), the editor, range, unit and tooltip of each field taken
// from trainer/config/Schema. Each edit is checked with the rules corral-train applies and the
// message is shown beside the field; ConfigEditor can replace those with the problems of the
// whole config text (the loader's messages with file:line).
#include "config/ConfigLoader.h"
#include "config/RunConfig.h"

#include <QHash>
#include <QWidget>

#include <functional>
#include <vector>

class QLabel;

namespace corral {

class FieldEditor;
class PathBrowser;
struct FieldEdit;
struct FieldSpec;

class ConfigForm : public QWidget {
    Q_OBJECT
public:
    explicit ConfigForm(QWidget *parent = nullptr);

    void setConfig(const RunConfig &config);
    const RunConfig &config() const { return m_config; }
    bool isValid() const { return m_problems.empty(); }
    QString problems() const;  // all problems, one per line
    void setEditable(bool editable);

    // Shows these problems beside their fields ("data.files[1]" beside data.files) and in the
    // list below the form, in place of the form's own checks, until the next edit or setConfig.
    void showProblems(const std::vector<ConfigProblem> &problems);
    // Where Browse… buttons look for paths; not owned; null disables them.
    void setPathBrowser(PathBrowser *browser) { m_browser = browser; }
    // Whether the form's own checks look for the paths on this computer (not for a cluster run).
    void setPathCheck(PathCheck paths) { m_pathCheck = paths; }
    // The field's message as shown beside it; empty when it has none.
    QString messageFor(const QString &path) const;

signals:
    void configChanged();  // a valid edit reached config()
    // Every edit, valid or not, as the YAML text of the value ("0.0001", "\"abc\"").
    void fieldEdited(const QString &path, const QString &yamlValue);

private:
    struct Row {
        const FieldSpec *spec;
        FieldEditor *editor;
        QLabel *label;
        QLabel *message;
        QString typeProblem;  // the last edit was not a value of the field's type
    };
    void addRow(const FieldSpec &spec, QWidget *group);
    void onEdited(size_t index, const FieldEdit &edit);
    void checkOwnProblems();

    RunConfig m_config;
    QLabel *m_summary = nullptr;
    std::vector<Row> m_rows;
    QHash<QString, size_t> m_rowOf;  // "lora.rank" → index in m_rows
    std::vector<ConfigProblem> m_problems;
    PathBrowser *m_browser = nullptr;
    PathCheck m_pathCheck = PathCheck::ThisMachine;
};

}  // namespace corral
