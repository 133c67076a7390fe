#pragma once
// The run config editor: the schema-generated form and the config's YAML text side by side,
// kept in step both ways, with presets, import and export, a diff against a preset or another
// config, and the resource estimate. The YAML text is the document: a field edit rewrites that
// field's line in the text (comments and layout kept), and every text is read back with the
// trainer's own loader, so each message beside a field is the one `corral-train validate`
// prints for the same file, and YAML errors name their line.
#include "config/ConfigLoader.h"
#include "config/RunConfig.h"

#include <QTimer>
#include <QWidget>

#include <memory>
#include <vector>

class QComboBox;
class QLabel;
class QPushButton;

namespace corral {

class ConfigDiffDialog;
class ConfigForm;
class ConfigTextView;
class EstimatePanel;
class PathBrowser;
struct ClusterProfile;

class ConfigEditor : public QWidget {
    Q_OBJECT
public:
    explicit ConfigEditor(QWidget *parent = nullptr);
    ~ConfigEditor() override;

    // Shows a whole config (every field written out); what the main window does for a run.
    void setConfig(const RunConfig &config);
    const RunConfig &config() const { return m_config; }
    bool isValid() const { return m_problems.empty(); }
    QString problems() const;  // one per line, as corral-train validate prints them
    const std::vector<ConfigProblem> &problemList() const { return m_problems; }
    void setEditable(bool editable);

    // The document: YAML (or JSON) text whose relative paths resolve against `baseDir`, named
    // `sourceName` in messages ("llama-3.2-1b.yaml:12").
    void setText(const QString &text, const QString &baseDir, const QString &sourceName);
    QString text() const;

    QStringList presetNames() const;  // resources/presets/*.yaml, tiny-demo first
    QString presetName() const { return m_preset; }  // the preset the document came from, or empty
    bool loadPreset(const QString &name);
    bool importFile(const QString &path, QString *error = nullptr);
    // Writes the text; relative paths are made absolute when the file goes to another folder.
    bool exportFile(const QString &path, QString *error = nullptr);
    QString textForFolder(const QString &folder) const;

    // The profile the run would go to: the estimate's GPUs and their memory.
    void setProfile(const ClusterProfile &profile);
    // Where Browse…, Import and Export look; not owned; null: this computer's file dialogs.
    void setPathBrowser(PathBrowser *browser);
    // Opens the diff against the preset (or the first preset), non-modal; owned by the editor.
    ConfigDiffDialog *openDiff();

    ConfigForm *form() const { return m_form; }
    ConfigTextView *textView() const { return m_text; }
    EstimatePanel *estimate() const { return m_estimate; }

signals:
    void configChanged();
    void validityChanged(bool valid);

private:
    enum class Origin { Load, Form, Text };
    void apply(const QString &text, Origin origin);
    void onFieldEdited(const QString &path, const QString &yamlValue);
    void updateControls();
    QString presetFile(const QString &name) const;
    PathBrowser *browser() const;

    RunConfig m_config;
    std::vector<ConfigProblem> m_problems;
    QString m_baseDir;
    QString m_source = QStringLiteral("config.yaml");
    QString m_preset;
    bool m_textReadable = true;  // the text parses as YAML: fields can be edited
    bool m_editable = true;
    bool m_valid = false;

    std::unique_ptr<PathBrowser> m_localBrowser;
    PathBrowser *m_browser = nullptr;
    ConfigForm *m_form = nullptr;
    ConfigTextView *m_text = nullptr;
    EstimatePanel *m_estimate = nullptr;
    QComboBox *m_presets = nullptr;
    QPushButton *m_import = nullptr;
    QLabel *m_status = nullptr;
    QTimer m_estimateTimer;
};

}  // namespace corral
