#include "ConfigDiffDialog.h"

#include "PathBrowser.h"
#include "config/ConfigLoader.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPointer>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace corral {

ConfigDiffDialog::ConfigDiffDialog(const RunConfig &ours, const QList<QPair<QString, QString>> &presets,
                                   PathBrowser *browser, QWidget *parent)
    : QDialog(parent), m_ours(ours), m_presets(presets), m_browser(browser)
{
    setWindowTitle(tr("Compare configs"));
    auto *layout = new QVBoxLayout(this);
    auto *top = new QHBoxLayout;
    layout->addLayout(top);
    top->addWidget(new QLabel(tr("Compare with preset:"), this));
    m_source = new QComboBox(this);
    m_source->setObjectName(QStringLiteral("diffPreset"));
    for (const auto &preset : presets)
        m_source->addItem(preset.first);
    m_source->setCurrentIndex(-1);
    top->addWidget(m_source, 1);
    auto *other = new QPushButton(tr("Other config or run…"), this);
    other->setEnabled(m_browser != nullptr);
    top->addWidget(other);

    m_note = new QLabel(this);
    m_note->setObjectName(QStringLiteral("diffNote"));
    m_note->setWordWrap(true);
    layout->addWidget(m_note);
    m_table = new QTableWidget(0, 3, this);
    m_table->setObjectName(QStringLiteral("diffTable"));
    m_table->setHorizontalHeaderLabels({tr("Field"), tr("Theirs"), tr("Ours")});
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    layout->addWidget(m_table, 1);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    connect(m_source, &QComboBox::activated, this, [this](int index) { compareWithPreset(m_source->itemText(index)); });
    connect(other, &QPushButton::clicked, this, [this]() {
        m_browser->browse(this,
                          {PathRequest::Kind::File, tr("Config or run folder's config.yaml"), {},
                           tr("Run configs (*.yaml *.yml *.json)")},
                          [guard = QPointer<ConfigDiffDialog>(this)](const QStringList &paths) {
                              if (guard && !paths.isEmpty())
                                  guard->compareWithFile(paths.first());
                          });
    });
    resize(720, 420);
}

void ConfigDiffDialog::compareWithPreset(const QString &name)
{
    for (const auto &preset : m_presets) {
        if (preset.first == name) {
            m_source->setCurrentText(name);
            compareWith(preset.second, tr("preset %1").arg(name));
            return;
        }
    }
}

bool ConfigDiffDialog::compareWithFile(const QString &path)
{
    const QFileInfo info(path);
    const QString file = info.isDir() ? QDir(path).filePath(QStringLiteral("config.yaml")) : path;
    if (!QFileInfo(file).isFile()) {
        m_note->setText(tr("No config at %1").arg(file));
        return false;
    }
    m_source->setCurrentIndex(-1);
    compareWith(file, file);
    return true;
}

void ConfigDiffDialog::compareWith(const QString &file, const QString &name)
{
    const ConfigReport theirs = loadConfigFile(file.toStdString());
    m_differences = diffConfigs(m_ours, theirs.config);
    QString note = m_differences.empty() ? tr("No field differs from %1.").arg(name)
                                         : tr("%n field(s) differ from %1.", nullptr, static_cast<int>(m_differences.size())).arg(name);
    if (!theirs.ok())  // e.g. a preset without data files: compare what it does say
        note += QLatin1Char(' ') + tr("Their config has problems (fields with problems count as defaults): %1")
                                       .arg(QString::fromStdString(theirs.summary()).trimmed().replace(QLatin1Char('\n'), QStringLiteral("; ")));
    m_note->setText(note);
    m_table->setRowCount(static_cast<int>(m_differences.size()));
    for (int i = 0; i < m_table->rowCount(); ++i) {
        const auto &d = m_differences[static_cast<size_t>(i)];
        m_table->setItem(i, 0, new QTableWidgetItem(QString::fromStdString(d.field)));
        m_table->setItem(i, 1, new QTableWidgetItem(QString::fromStdString(d.theirs)));
        m_table->setItem(i, 2, new QTableWidgetItem(QString::fromStdString(d.ours)));
    }
}

}  // namespace corral
