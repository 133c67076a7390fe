#pragma once
// A form for the run's main hyperparameters, generated from the config schema: the widget,
// range, unit and tooltip of each field come from trainer/config/Schema, and each edit is
// validated with the same rules corral-train applies, the message shown beside the field.
#include "config/RunConfig.h"

#include <QWidget>

#include <functional>
#include <vector>

class QFormLayout;
class QLabel;

namespace corral {

struct FieldSpec;

class ConfigForm : public QWidget {
    Q_OBJECT
public:
    explicit ConfigForm(QWidget *parent = nullptr);

    void setConfig(const RunConfig &config);
    const RunConfig &config() const { return m_config; }
    bool isValid() const;  // every shown field valid and the whole config valid
    QString problems() const;  // all problems, one per line
    void setEditable(bool editable);

signals:
    void configChanged();
    // After every edit or load that changed whether the config is valid (an invalid field
    // value never reaches the config, so configChanged alone cannot tell).
    void validityChanged(bool valid);

private:
    struct Row {
        const FieldSpec *spec;
        QWidget *editor;
        QLabel *message;
        std::function<void()> load;  // config -> widget
        QString problem;
    };
    void addRow(const FieldSpec &spec);
    void setProblem(Row &row, const QString &problem);
    void refreshWholeConfigProblems();
    void announceValidity();

    RunConfig m_config;
    QFormLayout *m_layout = nullptr;
    QLabel *m_summary = nullptr;
    std::vector<Row> m_rows;
    bool m_loading = false;
    bool m_wasValid = true;
};

}  // namespace corral
