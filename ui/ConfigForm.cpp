#include "ConfigForm.h"

#include "config/ConfigLoader.h"
#include "config/Schema.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QVBoxLayout>

#include <cmath>
#include <limits>

namespace corral {

namespace {
// The fields the form shows, in order: what a person tunes most.
const char *const kShownFields[] = {
    "model.name",          "lora.rank",         "lora.alpha",             "lora.dropout",
    "data.format",         "data.packing",      "data.train_on_inputs",   "data.max_seq_len",
    "train.micro_batch_size", "train.grad_accum_steps", "train.lr",       "train.warmup_steps",
    "train.lr_schedule",   "train.max_steps",   "train.eval_interval",    "train.save_interval",
    "train.early_stopping_patience", "train.mixed_precision",
};

QString tooltipFor(const FieldSpec &spec)
{
    QString tip = QString::fromStdString(spec.description);
    if (!spec.unit.empty())
        tip += QStringLiteral(" (%1)").arg(QString::fromStdString(spec.unit));
    return QStringLiteral("<b>%1</b><br>%2").arg(QString::fromStdString(spec.path()), tip.toHtmlEscaped());
}
}  // namespace

ConfigForm::ConfigForm(QWidget *parent) : QWidget(parent)
{
    auto *outer = new QVBoxLayout(this);
    m_layout = new QFormLayout;
    outer->addLayout(m_layout);
    m_summary = new QLabel(this);
    m_summary->setWordWrap(true);
    m_summary->setStyleSheet(QStringLiteral("color: #cf222e"));
    outer->addWidget(m_summary);
    outer->addStretch(1);
    m_rows.reserve(std::size(kShownFields));
    for (const char *path : kShownFields) {
        const std::string p(path);
        const auto dot = p.find('.');
        if (const FieldSpec *spec = findField(p.substr(0, dot), p.substr(dot + 1)))
            addRow(*spec);
    }
}

void ConfigForm::addRow(const FieldSpec &spec)
{
    Row row{&spec, nullptr, new QLabel(this), {}, {}};
    row.message->setStyleSheet(QStringLiteral("color: #cf222e"));
    const size_t index = m_rows.size();
    auto commit = [this, index](const FieldValue &value) {
        if (m_loading)
            return;
        Row &r = m_rows[index];
        const std::string problem = checkFieldValue(*r.spec, value);
        setProblem(r, QString::fromStdString(problem));
        if (problem.empty()) {
            r.spec->set(m_config, value);
            refreshWholeConfigProblems();
            emit configChanged();
        }
    };

    if (spec.type == FieldType::Bool) {
        auto *check = new QCheckBox(this);
        connect(check, &QCheckBox::toggled, this, [commit](bool on) { commit(FieldValue(on)); });
        row.load = [this, check, &spec]() { check->setChecked(std::get<bool>(spec.get(m_config))); };
        row.editor = check;
    } else if (spec.type == FieldType::Enum) {
        auto *combo = new QComboBox(this);
        for (const auto &choice : spec.choices)
            combo->addItem(QString::fromStdString(choice));
        connect(combo, &QComboBox::currentTextChanged, this,
                [commit](const QString &text) { commit(FieldValue(text.toStdString())); });
        row.load = [this, combo, &spec]() {
            combo->setCurrentText(QString::fromStdString(std::get<std::string>(spec.get(m_config))));
        };
        row.editor = combo;
    } else if (spec.type == FieldType::Int) {
        auto *spin = new QSpinBox(this);
        spin->setRange(spec.min ? static_cast<int>(*spec.min) : 0,
                       spec.max ? static_cast<int>(std::min(*spec.max, 1e9)) : std::numeric_limits<int>::max());
        if (!spec.unit.empty())
            spin->setSuffix(QStringLiteral(" ") + QString::fromStdString(spec.unit));
        connect(spin, &QSpinBox::valueChanged, this, [commit](int v) { commit(FieldValue(int64_t{v})); });
        row.load = [this, spin, &spec]() { spin->setValue(static_cast<int>(std::get<int64_t>(spec.get(m_config)))); };
        row.editor = spin;
    } else if (spec.type == FieldType::Float) {
        // Floats as text: learning rates are written 2e-5, which spin boxes handle badly.
        auto *edit = new QLineEdit(this);
        connect(edit, &QLineEdit::textEdited, this, [this, commit, index](const QString &text) {
            bool ok = false;
            const double v = text.trimmed().toDouble(&ok);
            if (!ok) {
                setProblem(m_rows[index], QStringLiteral("must be a number, got '%1'").arg(text));
                return;
            }
            commit(FieldValue(v));
        });
        row.load = [this, edit, &spec]() {
            edit->setText(QString::fromStdString(formatFieldValue(spec, spec.get(m_config))));
        };
        row.editor = edit;
    }
    if (!row.editor) {  // a field type the form has no editor for: say so, show the rest
        qWarning("ConfigForm: no editor for %s", spec.path().c_str());
        delete row.message;
        return;
    }
    row.editor->setToolTip(tooltipFor(spec));
    row.editor->setObjectName(QString::fromStdString(spec.path()));
    auto *cell = new QWidget(this);
    auto *h = new QHBoxLayout(cell);
    h->setContentsMargins(0, 0, 0, 0);
    h->addWidget(row.editor, 1);
    h->addWidget(row.message, 2);
    m_layout->addRow(QString::fromStdString(spec.path()), cell);
    m_rows.push_back(std::move(row));
}

void ConfigForm::setProblem(Row &row, const QString &problem)
{
    row.problem = problem;
    row.message->setText(problem);
    if (!m_loading)
        announceValidity();
}

void ConfigForm::announceValidity()
{
    const bool valid = isValid();
    if (valid != std::exchange(m_wasValid, valid))
        emit validityChanged(valid);
}

void ConfigForm::setConfig(const RunConfig &config)
{
    m_config = config;
    m_loading = true;
    for (Row &row : m_rows) {
        row.load();
        setProblem(row, {});
    }
    m_loading = false;
    refreshWholeConfigProblems();
}

void ConfigForm::refreshWholeConfigProblems()
{
    QStringList lines;
    for (const auto &problem : validateConfig(m_config))
        lines << QString::fromStdString(problem.toString());
    m_summary->setText(lines.join(QLatin1Char('\n')));
    announceValidity();
}

bool ConfigForm::isValid() const
{
    for (const Row &row : m_rows) {
        if (!row.problem.isEmpty())
            return false;
    }
    return validateConfig(m_config).empty();
}

QString ConfigForm::problems() const
{
    QStringList lines;
    for (const Row &row : m_rows) {
        if (!row.problem.isEmpty())
            lines << QStringLiteral("%1: %2").arg(QString::fromStdString(row.spec->path()), row.problem);
    }
    for (const auto &problem : validateConfig(m_config))
        lines << QString::fromStdString(problem.toString());
    return lines.join(QLatin1Char('\n'));
}

void ConfigForm::setEditable(bool editable)
{
    for (Row &row : m_rows)
        row.editor->setEnabled(editable);
}

}  // namespace corral
