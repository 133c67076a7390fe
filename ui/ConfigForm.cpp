#include "ConfigForm.h"

#include "FieldEditors.h"
#include "config/Schema.h"

#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QScrollArea>
#include <QVBoxLayout>

namespace corral {

namespace {
const QString kProblemColor = QStringLiteral("#cf222e");

QString q(const std::string &s) { return QString::fromStdString(s); }

QString sectionTitle(const std::string &section)
{
    if (section == "model") return ConfigForm::tr("Model");
    if (section == "lora") return ConfigForm::tr("LoRA");
    if (section == "data") return ConfigForm::tr("Data");
    if (section == "train") return ConfigForm::tr("Training");
    if (section == "dist") return ConfigForm::tr("Distributed");
    if (section == "output") return ConfigForm::tr("Output");
    return q(section);
}

QString tooltipFor(const FieldSpec &spec)
{
    QString tip = q(spec.description);
    if (!spec.unit.empty())
        tip += QStringLiteral(" (%1)").arg(q(spec.unit));
    return QStringLiteral("<b>%1</b><br>%2").arg(q(spec.path()), tip.toHtmlEscaped());
}

// "data.files[1]" → "data.files": the row a problem belongs to.
QString rowPathOf(const std::string &field)
{
    return q(field.substr(0, field.find('[')));
}
}  // namespace

ConfigForm::ConfigForm(QWidget *parent) : QWidget(parent)
{
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto *content = new QWidget(scroll);
    auto *sections = new QVBoxLayout(content);
    scroll->setWidget(content);
    outer->addWidget(scroll, 1);
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("problemSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_summary->setStyleSheet(QStringLiteral("color: %1").arg(kProblemColor));
    m_summary->hide();
    outer->addWidget(m_summary);

    m_rows.reserve(configSchema().size());  // rows hold pointers into the schema, never moved after this
    for (const auto &section : configSections()) {
        auto *group = new QGroupBox(sectionTitle(section), content);
        group->setObjectName(QStringLiteral("section:") + q(section));
        auto *form = new QFormLayout(group);
        form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
        form->setRowWrapPolicy(QFormLayout::WrapLongRows);  // narrow windows: the label goes above
        sections->addWidget(group);
        for (const auto &spec : configSchema()) {
            if (spec.section == section)
                addRow(spec, group);
        }
    }
    sections->addStretch(1);
    checkOwnProblems();
}

void ConfigForm::addRow(const FieldSpec &spec, QWidget *group)
{
    const size_t index = m_rows.size();
    FieldEditor *editor = createFieldEditor(spec, [this]() { return m_browser; }, group);
    editor->onEdited = [this, index](const FieldEdit &edit) { onEdited(index, edit); };
    editor->setToolTip(tooltipFor(spec));
    if (QWidget *main = editor->mainWidget())
        main->setToolTip(tooltipFor(spec));
    auto *label = new QLabel(q(spec.key), group);
    label->setToolTip(tooltipFor(spec));
    label->setBuddy(editor->mainWidget());
    auto *message = new QLabel(group);
    message->setObjectName(QStringLiteral("message:") + q(spec.path()));
    message->setWordWrap(true);
    message->setStyleSheet(QStringLiteral("color: %1").arg(kProblemColor));
    message->hide();
    auto *cell = new QWidget(group);
    auto *column = new QVBoxLayout(cell);
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(2);
    column->addWidget(editor);
    column->addWidget(message);
    static_cast<QFormLayout *>(group->layout())->addRow(label, cell);
    m_rowOf.insert(q(spec.path()), index);
    m_rows.push_back({&spec, editor, label, message, {}});
    editor->setValue(spec.get(m_config));
}

void ConfigForm::onEdited(size_t index, const FieldEdit &edit)
{
    Row &row = m_rows[index];
    row.typeProblem = edit.value ? QString() : edit.problem;
    if (edit.value) {
        if (auto problem = checkFieldValue(*row.spec, *edit.value); !problem.empty())
            row.typeProblem = q(problem);
        else
            row.spec->set(m_config, *edit.value);
    }
    checkOwnProblems();
    if (row.typeProblem.isEmpty())
        emit configChanged();
    emit fieldEdited(q(row.spec->path()), edit.yaml);
}

void ConfigForm::setConfig(const RunConfig &config)
{
    m_config = config;
    for (Row &row : m_rows) {
        row.typeProblem.clear();
        row.editor->setValue(row.spec->get(m_config));
    }
    checkOwnProblems();
}

// The form's own view: each field's last edit, then the whole-config rules of the loader.
void ConfigForm::checkOwnProblems()
{
    std::vector<ConfigProblem> problems;
    for (const Row &row : m_rows) {
        if (!row.typeProblem.isEmpty())
            problems.push_back({row.spec->path(), row.typeProblem.toStdString(), {}});
    }
    for (auto &problem : validateConfig(m_config, m_pathCheck)) {
        const auto *row = m_rowOf.contains(rowPathOf(problem.field)) ? &m_rows[m_rowOf.value(rowPathOf(problem.field))] : nullptr;
        if (!row || row->typeProblem.isEmpty())
            problems.push_back(std::move(problem));
    }
    showProblems(problems);
}

void ConfigForm::showProblems(const std::vector<ConfigProblem> &problems)
{
    m_problems = problems;
    QHash<QString, QStringList> byRow;
    QStringList lines;
    for (const auto &problem : problems) {
        lines << q(problem.toString());
        if (m_rowOf.contains(rowPathOf(problem.field))) {
            const bool item = problem.field.find('[') != std::string::npos;  // name the item: "[1] no such file"
            byRow[rowPathOf(problem.field)] << (item ? q(problem.field.substr(problem.field.find('['))) + QLatin1Char(' ') : QString())
                                                    + q(problem.message);
        }
    }
    for (Row &row : m_rows) {
        const QStringList messages = byRow.value(q(row.spec->path()));
        row.message->setText(messages.join(QLatin1Char('\n')));
        row.message->setVisible(!messages.isEmpty());
        row.label->setStyleSheet(messages.isEmpty() ? QString() : QStringLiteral("color: %1").arg(kProblemColor));
    }
    m_summary->setText(lines.join(QLatin1Char('\n')));
    m_summary->setVisible(!lines.isEmpty());
}

QString ConfigForm::messageFor(const QString &path) const
{
    const auto it = m_rowOf.constFind(path);
    return it == m_rowOf.constEnd() ? QString() : m_rows[*it].message->text();
}

QString ConfigForm::problems() const
{
    QStringList lines;
    for (const auto &problem : m_problems)
        lines << q(problem.toString());
    return lines.join(QLatin1Char('\n'));
}

void ConfigForm::setEditable(bool editable)
{
    for (Row &row : m_rows)
        row.editor->setEnabled(editable);
}

}  // namespace corral
