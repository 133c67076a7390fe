#include "FieldEditors.h"

#include "PathBrowser.h"

#include <QCheckBox>
#include <QComboBox>
#include <QEvent>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QListWidget>
#include <QPointer>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include <limits>

namespace corral {

namespace {

QString q(const std::string &s) { return QString::fromStdString(s); }

// A form scrolls with the wheel; spin boxes and combo boxes it passes over must not change.
class IgnoreWheelUnlessFocused : public QObject {
public:
    using QObject::QObject;
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::Wheel) {
            if (auto *w = qobject_cast<QWidget *>(watched); w && !w->hasFocus()) {
                event->ignore();
                return true;
            }
        }
        return QObject::eventFilter(watched, event);
    }
};

void guardWheel(QWidget *w)
{
    w->setFocusPolicy(Qt::StrongFocus);
    w->installEventFilter(new IgnoreWheelUnlessFocused(w));
}

QBoxLayout *bare(QBoxLayout *layout)
{
    layout->setContentsMargins(0, 0, 0, 0);
    return layout;
}

// Which fields hold paths (on this computer or, for a cluster run, on the cluster), and what
// choosing one means.
std::optional<PathRequest> pathRequestFor(const FieldSpec &spec)
{
    const std::string path = spec.path();
    if (path == "model.path")
        return PathRequest{PathRequest::Kind::Folder, QObject::tr("Hugging Face model folder"), {}, {}};
    if (path == "model.tokenizer")
        return PathRequest{PathRequest::Kind::File, QObject::tr("Tokenizer"), {},
                           QObject::tr("tokenizer.json (tokenizer.json);;JSON (*.json)")};
    if (path == "data.files")
        return PathRequest{PathRequest::Kind::Files, QObject::tr("Data files"), {},
                           QObject::tr("Data (*.jsonl *.json *.txt);;All files (*)")};
    return std::nullopt;
}

class CheckEditor : public FieldEditor {
public:
    CheckEditor(const FieldSpec &spec, QWidget *parent) : FieldEditor(spec, parent), m_check(new QCheckBox(this))
    {
        bare(new QHBoxLayout(this))->addWidget(m_check);
        QObject::connect(m_check, &QCheckBox::toggled, this, [this](bool on) { reportValue(FieldValue(on)); });
    }
    void setValue(const FieldValue &value) override
    {
        const QSignalBlocker block(m_check);
        m_check->setChecked(std::get<bool>(value));
    }
    QWidget *mainWidget() const override { return m_check; }

private:
    QCheckBox *m_check;
};

class ChoiceEditor : public FieldEditor {
public:
    ChoiceEditor(const FieldSpec &spec, QWidget *parent) : FieldEditor(spec, parent), m_combo(new QComboBox(this))
    {
        bare(new QHBoxLayout(this))->addWidget(m_combo);
        guardWheel(m_combo);
        for (const auto &choice : spec.choices)
            m_combo->addItem(q(choice));
        QObject::connect(m_combo, &QComboBox::currentTextChanged, this,
                         [this](const QString &text) { reportValue(FieldValue(text.toStdString())); });
    }
    void setValue(const FieldValue &value) override
    {
        const QSignalBlocker block(m_combo);
        m_combo->setCurrentText(q(std::get<std::string>(value)));
    }
    QWidget *mainWidget() const override { return m_combo; }

private:
    QComboBox *m_combo;
};

class IntEditor : public FieldEditor {
public:
    IntEditor(const FieldSpec &spec, QWidget *parent) : FieldEditor(spec, parent), m_spin(new QSpinBox(this))
    {
        bare(new QHBoxLayout(this))->addWidget(m_spin);
        guardWheel(m_spin);
        constexpr double kIntMax = std::numeric_limits<int>::max();
        m_spin->setRange(spec.min ? static_cast<int>(*spec.min + (spec.minExclusive ? 1 : 0)) : 0,
                         static_cast<int>(std::min(spec.max.value_or(kIntMax), kIntMax)));
        if (!spec.unit.empty())
            m_spin->setSuffix(QStringLiteral(" ") + q(spec.unit));
        QObject::connect(m_spin, &QSpinBox::valueChanged, this, [this](int v) { reportValue(FieldValue(int64_t{v})); });
    }
    void setValue(const FieldValue &value) override
    {
        const QSignalBlocker block(m_spin);
        const int64_t v = std::get<int64_t>(value);
        m_spin->setValue(static_cast<int>(std::clamp<int64_t>(v, m_spin->minimum(), m_spin->maximum())));
    }
    QWidget *mainWidget() const override { return m_spin; }

private:
    QSpinBox *m_spin;
};

// Numbers as text: learning rates are written 2e-5, which spin boxes handle badly. Text that is
// not a number still reaches the config text (quoted), where the trainer's reader names it.
class FloatEditor : public FieldEditor {
public:
    FloatEditor(const FieldSpec &spec, QWidget *parent) : FieldEditor(spec, parent), m_edit(new QLineEdit(this))
    {
        bare(new QHBoxLayout(this))->addWidget(m_edit);
        QObject::connect(m_edit, &QLineEdit::textEdited, this, [this](const QString &text) {
            bool ok = false;
            const double v = text.trimmed().toDouble(&ok);
            if (ok) {
                reportValue(FieldValue(v));
                return;
            }
            QString quoted = text;
            quoted.replace(QLatin1Char('\\'), QStringLiteral("\\\\")).replace(QLatin1Char('"'), QStringLiteral("\\\""));
            reportProblem(QLatin1Char('"') + quoted + QLatin1Char('"'), QStringLiteral("must be a number, got '%1'").arg(text));
        });
    }
    void setValue(const FieldValue &value) override { m_edit->setText(q(formatFieldValue(m_spec, value))); }
    QWidget *mainWidget() const override { return m_edit; }

private:
    QLineEdit *m_edit;
};

class TextEditor : public FieldEditor {
public:
    TextEditor(const FieldSpec &spec, std::function<PathBrowser *()> browser, QWidget *parent)
        : FieldEditor(spec, parent), m_edit(new QLineEdit(this))
    {
        auto *row = bare(new QHBoxLayout(this));
        row->addWidget(m_edit, 1);
        QObject::connect(m_edit, &QLineEdit::textEdited, this,
                         [this](const QString &text) { reportValue(FieldValue(text.toStdString())); });
        if (auto request = pathRequestFor(spec)) {
            auto *button = new QPushButton(tr("Browse…"), this);
            button->setObjectName(q(spec.path()) + QStringLiteral("/browse"));
            row->addWidget(button);
            QObject::connect(button, &QPushButton::clicked, this, [this, browser, request = *request]() mutable {
                PathBrowser *b = browser();
                if (!b)
                    return;
                request.startPath = m_edit->text();
                b->browse(this, request, [guard = QPointer<TextEditor>(this)](const QStringList &paths) {
                    if (guard && !paths.isEmpty()) {
                        guard->m_edit->setText(paths.first());
                        guard->reportValue(FieldValue(paths.first().toStdString()));
                    }
                });
            });
        }
    }
    void setValue(const FieldValue &value) override { m_edit->setText(q(std::get<std::string>(value))); }
    QWidget *mainWidget() const override { return m_edit; }

private:
    QLineEdit *m_edit;
};

// A list of choices as one check box per choice, in the schema's order.
class ChoiceListEditor : public FieldEditor {
public:
    ChoiceListEditor(const FieldSpec &spec, QWidget *parent) : FieldEditor(spec, parent)
    {
        auto *grid = new QGridLayout(this);
        grid->setContentsMargins(0, 0, 0, 0);
        const int columns = spec.choices.size() > 4 ? 4 : static_cast<int>(spec.choices.size());
        for (size_t i = 0; i < spec.choices.size(); ++i) {
            auto *box = new QCheckBox(q(spec.choices[i]), this);
            box->setObjectName(q(spec.path()) + QLatin1Char('/') + q(spec.choices[i]));
            grid->addWidget(box, static_cast<int>(i) / columns, static_cast<int>(i) % columns);
            QObject::connect(box, &QCheckBox::toggled, this, [this]() { reportValue(FieldValue(checked())); });
            m_boxes.push_back(box);
        }
    }
    void setValue(const FieldValue &value) override
    {
        const auto &items = std::get<std::vector<std::string>>(value);
        for (size_t i = 0; i < m_boxes.size(); ++i) {
            const QSignalBlocker block(m_boxes[i]);
            m_boxes[i]->setChecked(std::find(items.begin(), items.end(), m_spec.choices[i]) != items.end());
        }
    }
    QWidget *mainWidget() const override { return m_boxes.empty() ? nullptr : m_boxes.front(); }

private:
    std::vector<std::string> checked() const
    {
        std::vector<std::string> items;
        for (size_t i = 0; i < m_boxes.size(); ++i) {
            if (m_boxes[i]->isChecked())
                items.push_back(m_spec.choices[i]);
        }
        return items;
    }
    std::vector<QCheckBox *> m_boxes;
};

// A list of strings (data files and globs): items edit in place; a line adds one; Browse… adds
// files; Remove drops the selected ones.
class TextListEditor : public FieldEditor {
public:
    TextListEditor(const FieldSpec &spec, std::function<PathBrowser *()> browser, QWidget *parent)
        : FieldEditor(spec, parent), m_list(new QListWidget(this)), m_entry(new QLineEdit(this))
    {
        auto *column = bare(new QVBoxLayout(this));
        m_list->setObjectName(q(spec.path()));
        m_list->setSelectionMode(QAbstractItemView::ExtendedSelection);
        m_list->setMaximumHeight(m_list->fontMetrics().height() * 5);
        column->addWidget(m_list);
        auto *row = bare(new QHBoxLayout);
        column->addLayout(row);
        m_entry->setObjectName(q(spec.path()) + QStringLiteral("/entry"));
        m_entry->setPlaceholderText(tr("path or glob pattern, Enter adds it"));
        row->addWidget(m_entry, 1);
        auto *remove = new QPushButton(tr("Remove"), this);
        remove->setObjectName(q(spec.path()) + QStringLiteral("/remove"));
        row->addWidget(remove);
        QObject::connect(m_entry, &QLineEdit::returnPressed, this, [this]() {
            if (m_entry->text().trimmed().isEmpty())
                return;
            add({m_entry->text().trimmed()});
            m_entry->clear();
        });
        QObject::connect(remove, &QPushButton::clicked, this, [this]() {
            const auto selected = m_list->selectedItems();
            if (selected.isEmpty())
                return;
            qDeleteAll(selected);
            reportValue(FieldValue(items()));
        });
        QObject::connect(m_list, &QListWidget::itemChanged, this, [this]() { reportValue(FieldValue(items())); });
        if (auto request = pathRequestFor(spec)) {
            auto *button = new QPushButton(tr("Browse…"), this);
            button->setObjectName(q(spec.path()) + QStringLiteral("/browse"));
            row->insertWidget(1, button);
            QObject::connect(button, &QPushButton::clicked, this, [this, browser, request = *request]() mutable {
                // Start where the selected (else the first) entry is: more files are usually beside it.
                const QListWidgetItem *near = m_list->currentItem() ? m_list->currentItem() : m_list->item(0);
                request.startPath = near ? near->text() : QString();
                if (PathBrowser *b = browser())
                    b->browse(this, request, [guard = QPointer<TextListEditor>(this)](const QStringList &paths) {
                        if (guard && !paths.isEmpty())
                            guard->add(paths);
                    });
            });
        }
    }
    void setValue(const FieldValue &value) override
    {
        const QSignalBlocker block(m_list);
        m_list->clear();
        for (const auto &item : std::get<std::vector<std::string>>(value))
            append(q(item));
    }
    QWidget *mainWidget() const override { return m_list; }

private:
    void append(const QString &text)
    {
        auto *item = new QListWidgetItem(text, m_list);
        item->setFlags(item->flags() | Qt::ItemIsEditable);
    }
    void add(const QStringList &texts)
    {
        {
            const QSignalBlocker block(m_list);
            for (const QString &text : texts)
                append(text);
        }
        reportValue(FieldValue(items()));
    }
    std::vector<std::string> items() const
    {
        std::vector<std::string> out;
        for (int i = 0; i < m_list->count(); ++i)
            out.push_back(m_list->item(i)->text().toStdString());
        return out;
    }
    QListWidget *m_list;
    QLineEdit *m_entry;
};

}  // namespace

FieldEditor *createFieldEditor(const FieldSpec &spec, std::function<PathBrowser *()> browser, QWidget *parent)
{
    FieldEditor *editor = nullptr;
    switch (spec.type) {
    case FieldType::Bool: editor = new CheckEditor(spec, parent); break;
    case FieldType::Enum: editor = new ChoiceEditor(spec, parent); break;
    case FieldType::Int: editor = new IntEditor(spec, parent); break;
    case FieldType::Float: editor = new FloatEditor(spec, parent); break;
    case FieldType::String: editor = new TextEditor(spec, std::move(browser), parent); break;
    case FieldType::EnumList: editor = new ChoiceListEditor(spec, parent); break;
    case FieldType::StringList: editor = new TextListEditor(spec, std::move(browser), parent); break;
    }
    editor->setObjectName(QStringLiteral("field:") + q(spec.path()));
    if (QWidget *main = editor->mainWidget(); main && main->objectName().isEmpty())
        main->setObjectName(q(spec.path()));
    return editor;
}

}  // namespace corral
