#pragma once
// The run config editor: the schema-generated form and the config's YAML text side by side,
// kept in step both ways, with presets, import and export, a diff against a preset or another
// config, and the resource estimate. The YAML text is the document: a field edit rewrites that
// field's line in the text (comments and layout kept), and every text is read back with the
// trainer's own loader, so each message beside a field is the one `corral-train validate`
// prints for the same file, and YAML errors name their line. For a run on a cluster the paths
// are the cluster's: the loader skips looking for them here and the path browser looks for them
// there (over SFTP, after a pause in the editing), its messages shown beside the fields too.
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

    // The profile the run would go to: the estimate's GPUs and their memory, shown in the
    // "Runs on" box (which offers `names`: local first, then the cluster profiles).
    void setProfile(const ClusterProfile &profile);
    void setProfileNames(const QStringList &names);
    QString profileName() const;
    // Where the path fields' Browse… buttons look and where their paths are checked; not owned;
    // null: this computer. Import, Export and Compare always read config files on this computer.
    void setPathBrowser(PathBrowser *browser);
    PathBrowser *pathBrowser() const { return m_browser; }
    // The line about the cluster path check: "Checking paths on hpc…", why it could not be made,
    // or empty (a local run, or every path found).
    QString pathCheckStatus() const;
    // Opens the diff against the preset (or the first preset), non-modal; owned by the editor.
    ConfigDiffDialog *openDiff();

    ConfigForm *form() const { return m_form; }
    ConfigTextView *textView() const { return m_text; }
    EstimatePanel *estimate() const { return m_estimate; }

signals:
    void configChanged();
    void validityChanged(bool valid);
    // The person picked another profile in the "Runs on" box.
    void profileChosen(const QString &name);
    // A cluster path check came back (tests wait for it).
    void pathsChecked();

private:
    // Load: a document from outside; Form, Text: the person's edits; Recheck: the same text read
    // again because where paths are checked changed (not an edit: no configChanged).
    enum class Origin { Load, Form, Text, Recheck };
    void apply(const QString &text, Origin origin);
    void publishProblems();
    void startPathCheck();
    void onFieldEdited(const QString &path, const QString &yamlValue);
    void updateControls();
    QString presetFile(const QString &name) const;
    PathBrowser *browser() const;
    PathBrowser *configFileBrowser() const;

    RunConfig m_config;
    std::vector<ConfigProblem> m_problems;  // what is shown: the loader's and the cluster's
    std::vector<ConfigProblem> m_loaderProblems;
    std::vector<ConfigProblem> m_clusterProblems;  // of the paths in m_checkedPaths
    QString m_checkedPaths;  // the paths the last cluster check looked for (pathKey)
    QString m_pathCheckError;
    quint64 m_pathCheckTicket = 0;
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
    QComboBox *m_profiles = nullptr;
    QLabel *m_pathCheck = nullptr;
    QTimer m_pathCheckTimer;
    QPushButton *m_import = nullptr;
    QLabel *m_status = nullptr;
    QTimer m_estimateTimer;
};

}  // namespace corral
