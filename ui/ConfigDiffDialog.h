#pragma once
// What the current config changes against its preset, another config file or another run's
// config.yaml: one row per field that differs (field, theirs, ours), in schema order.
#include "config/ConfigDiff.h"
#include "config/RunConfig.h"

#include <QDialog>
#include <QList>
#include <QPair>

class QComboBox;
class QLabel;
class QTableWidget;

namespace corral {

class PathBrowser;

class ConfigDiffDialog : public QDialog {
    Q_OBJECT
public:
    // `presets`: display name and file of each preset.
    ConfigDiffDialog(const RunConfig &ours, const QList<QPair<QString, QString>> &presets, PathBrowser *browser,
                     QWidget *parent = nullptr);

    void compareWithPreset(const QString &name);
    // A config file (YAML or JSON), or a run folder holding config.yaml; false when unreadable.
    bool compareWithFile(const QString &path);

    const std::vector<FieldDifference> &differences() const { return m_differences; }
    QTableWidget *table() const { return m_table; }

private:
    void compareWith(const QString &file, const QString &name);

    RunConfig m_ours;
    QList<QPair<QString, QString>> m_presets;
    PathBrowser *m_browser;
    std::vector<FieldDifference> m_differences;
    QComboBox *m_source = nullptr;
    QLabel *m_note = nullptr;
    QTableWidget *m_table = nullptr;
};

}  // namespace corral
