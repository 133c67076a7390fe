#pragma once
// One editor widget per config field, chosen by the field's schema type: a check box for a
// switch, a combo box for a choice, a spin box with the schema's range and unit for an integer,
// a line edit for a number (learning rates read 2e-5), check boxes for a list of choices, a list
// for a list of strings, and a Browse… button for paths (through a PathBrowser). Each edit comes
// back as the value's YAML text and, when the text is a value of the field's type, the value.
#include "config/Schema.h"

#include <QString>
#include <QWidget>

#include <functional>
#include <optional>

namespace corral {

class PathBrowser;

struct FieldEdit {
    QString yaml;  // what the config file says for this edit: "0.0001", "[\"q_proj\"]", "\"abc\""
    std::optional<FieldValue> value;  // empty when the text is not of the field's type
    QString problem;  // then: why, in the trainer's words ("must be a number, got 'abc'")
};

class FieldEditor : public QWidget {
public:
    FieldEditor(const FieldSpec &spec, QWidget *parent) : QWidget(parent), m_spec(spec) {}
    const FieldSpec &spec() const { return m_spec; }
    // Shows a value without reporting an edit.
    virtual void setValue(const FieldValue &value) = 0;
    // The widget that takes focus and carries the field's path as its object name.
    virtual QWidget *mainWidget() const = 0;

    std::function<void(const FieldEdit &)> onEdited;

protected:
    void reportValue(const FieldValue &value)
    {
        if (onEdited)
            onEdited({QString::fromStdString(formatFieldValue(m_spec, value)), value, {}});
    }
    void reportProblem(const QString &yaml, const QString &problem)
    {
        if (onEdited)
            onEdited({yaml, std::nullopt, problem});
    }

    const FieldSpec &m_spec;
};

// The editor for `spec`; `browser` is asked for the current PathBrowser when a Browse… button is
// pressed (it may change with the profile).
FieldEditor *createFieldEditor(const FieldSpec &spec, std::function<PathBrowser *()> browser, QWidget *parent);

}  // namespace corral
