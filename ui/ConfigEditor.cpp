#include "ConfigEditor.h"

#include "ConfigForm.h"
#include "ConfigTextView.h"
#include "EstimatePanel.h"
#include "PathBrowser.h"
#include "config/ConfigTextEdit.h"
#include "config/ConfigWriter.h"
#include "config/Schema.h"
#include "config/Yaml.h"
#include "runs/Paths.h"
#include "slurm/ClusterProfile.h"

#include <QComboBox>
#include <QDir>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QVBoxLayout>

namespace corral {

namespace {
QString configFilter() { return ConfigEditor::tr("Run configs (*.yaml *.yml *.json)"); }

QString q(const std::string &s) { return QString::fromStdString(s); }

// The schema field a problem is about ("data.files[1]" → data.files), or null.
const FieldSpec *fieldOf(const std::string &problemField)
{
    const std::string path = problemField.substr(0, problemField.find('['));
    const size_t dot = path.find('.');
    return dot == std::string::npos ? nullptr : findField(path.substr(0, dot), path.substr(dot + 1));
}

// The paths a cluster check looks for, as one string: a new check only when one of them changed.
QString pathKey(const RunConfig &config)
{
    QStringList parts{q(config.model.path), q(config.model.tokenizer)};
    for (const auto &file : config.data.files)
        parts << q(file);
    return parts.join(QLatin1Char('\n'));
}

// Already reported by the loader (a wrong type, say): the cluster's word on it would be noise.
bool reportedFor(const std::vector<ConfigProblem> &problems, const std::string &field)
{
    const std::string row = field.substr(0, field.find('['));
    for (const auto &p : problems) {
        if (p.field == field || p.field == row)
            return true;
    }
    return false;
}
}  // namespace

ConfigEditor::ConfigEditor(QWidget *parent)
    : QWidget(parent), m_localBrowser(std::make_unique<LocalPathBrowser>()), m_browser(m_localBrowser.get())
{
    auto *layout = new QVBoxLayout(this);
    auto *bar = new QHBoxLayout;
    layout->addLayout(bar);
    bar->addWidget(new QLabel(tr("Preset:"), this));
    m_presets = new QComboBox(this);
    m_presets->setObjectName(QStringLiteral("presetCombo"));
    m_presets->setPlaceholderText(tr("(none)"));
    m_presets->addItems(presetNames());
    m_presets->setToolTip(tr("Replace the config with a preset from %1").arg(QDir(resourcesDir()).filePath(QStringLiteral("presets"))));
    bar->addWidget(m_presets);
    m_import = new QPushButton(tr("Import…"), this);
    auto *exportButton = new QPushButton(tr("Export…"), this);
    auto *compare = new QPushButton(tr("Compare…"), this);
    compare->setToolTip(tr("List the fields that differ from the preset, another config or a run's config"));
    bar->addWidget(m_import);
    bar->addWidget(exportButton);
    bar->addWidget(compare);
    bar->addSpacing(12);
    bar->addWidget(new QLabel(tr("Runs on:"), this));
    m_profiles = new QComboBox(this);
    m_profiles->setObjectName(QStringLiteral("profileCombo"));
    m_profiles->addItem(QStringLiteral("local"));
    m_profiles->setToolTip(tr("Where the run goes: the path fields browse and check that machine's files"));
    bar->addWidget(m_profiles);
    m_pathCheck = new QLabel(this);
    m_pathCheck->setObjectName(QStringLiteral("pathCheck"));
    m_pathCheck->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    // Always there, often empty: it is the bar's stretch; a long reason is cut, not widening the window.
    m_pathCheck->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    bar->addWidget(m_pathCheck, 1);
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("validity"));
    bar->addWidget(m_status);

    m_form = new ConfigForm(this);
    m_form->setPathBrowser(m_browser);
    m_text = new ConfigTextView(this);
    m_estimate = new EstimatePanel(this);
    auto *textGroup = new QGroupBox(tr("YAML"), this);
    (new QVBoxLayout(textGroup))->addWidget(m_text);
    auto *estimateGroup = new QGroupBox(tr("Resource estimate"), this);
    auto *estimateScroll = new QScrollArea(estimateGroup);
    estimateScroll->setWidgetResizable(true);
    estimateScroll->setFrameShape(QFrame::NoFrame);
    estimateScroll->setWidget(m_estimate);
    (new QVBoxLayout(estimateGroup))->addWidget(estimateScroll);
    auto *right = new QSplitter(Qt::Vertical, this);
    right->addWidget(textGroup);
    right->addWidget(estimateGroup);
    right->setSizes({500, 400});
    auto *split = new QSplitter(Qt::Horizontal, this);
    split->setObjectName(QStringLiteral("configEditorSplitter"));
    split->addWidget(m_form);
    split->addWidget(right);
    split->setSizes({600, 500});
    layout->addWidget(split, 1);

    m_estimateTimer.setSingleShot(true);
    m_estimateTimer.setInterval(100);
    connect(&m_estimateTimer, &QTimer::timeout, this, [this]() { m_estimate->setConfig(m_config); });
    connect(m_form, &ConfigForm::fieldEdited, this, &ConfigEditor::onFieldEdited);
    connect(m_text, &ConfigTextView::textEdited, this, [this](const QString &text) { apply(text, Origin::Text); });
    connect(m_presets, &QComboBox::activated, this, [this](int index) { loadPreset(m_presets->itemText(index)); });
    connect(m_profiles, &QComboBox::activated, this, [this](int index) { emit profileChosen(m_profiles->itemText(index)); });
    m_pathCheckTimer.setSingleShot(true);
    m_pathCheckTimer.setInterval(400);  // a pause in the typing, not every key
    connect(&m_pathCheckTimer, &QTimer::timeout, this, &ConfigEditor::startPathCheck);
    connect(m_import, &QPushButton::clicked, this, [this]() {
        configFileBrowser()->browse(this, {PathRequest::Kind::File, tr("Import config"), m_baseDir, configFilter()},
                          [guard = QPointer<ConfigEditor>(this)](const QStringList &paths) {
                              QString error;
                              if (guard && !paths.isEmpty() && !guard->importFile(paths.first(), &error))
                                  QMessageBox::warning(guard, tr("Import config"), error);
                          });
    });
    connect(exportButton, &QPushButton::clicked, this, [this]() {
        const QString start = QDir(m_baseDir).filePath(m_source);
        configFileBrowser()->browse(this, {PathRequest::Kind::SaveFile, tr("Export config"), start, configFilter()},
                          [guard = QPointer<ConfigEditor>(this)](const QStringList &paths) {
                              QString error;
                              if (guard && !paths.isEmpty() && !guard->exportFile(paths.first(), &error))
                                  QMessageBox::warning(guard, tr("Export config"), error);
                          });
    });
    connect(compare, &QPushButton::clicked, this, &ConfigEditor::openDiff);

    setConfig(RunConfig{});
}

ConfigEditor::~ConfigEditor() = default;

PathBrowser *ConfigEditor::browser() const
{
    return m_browser;
}

// Config files (import, export, compare) are this computer's whatever the run's paths are.
PathBrowser *ConfigEditor::configFileBrowser() const
{
    return m_browser->isLocal() ? m_browser : m_localBrowser.get();
}

void ConfigEditor::setPathBrowser(PathBrowser *browser)
{
    PathBrowser *next = browser ? browser : m_localBrowser.get();
    if (next == m_browser)
        return;
    m_browser = next;
    m_form->setPathBrowser(m_browser);
    m_form->setPathCheck(m_browser->isLocal() ? PathCheck::ThisMachine : PathCheck::Skip);
    // What the last browser found is no answer about this one's files.
    ++m_pathCheckTicket;
    m_pathCheckTimer.stop();
    m_checkedPaths.clear();
    m_clusterProblems.clear();
    m_pathCheckError.clear();
    apply(text(), Origin::Recheck);
}

void ConfigEditor::setProfile(const ClusterProfile &profile)
{
    {
        const QSignalBlocker block(m_profiles);
        if (m_profiles->findText(profile.name) < 0)
            m_profiles->addItem(profile.name);
        m_profiles->setCurrentText(profile.name);
    }
    m_estimate->setProfile(profile);
    m_estimate->setConfig(m_config);
}

void ConfigEditor::setProfileNames(const QStringList &names)
{
    const QSignalBlocker block(m_profiles);
    const QString current = m_profiles->currentText();
    m_profiles->clear();
    m_profiles->addItem(QStringLiteral("local"));
    for (const QString &name : names) {
        if (name != QLatin1StringView("local"))
            m_profiles->addItem(name);
    }
    if (m_profiles->findText(current) < 0)
        m_profiles->addItem(current);  // still the run's, though its profile is gone
    m_profiles->setCurrentText(current);
}

QString ConfigEditor::profileName() const
{
    return m_profiles->currentText();
}

QString ConfigEditor::pathCheckStatus() const
{
    return m_pathCheck->text();
}

void ConfigEditor::setConfig(const RunConfig &config)
{
    m_preset.clear();
    m_baseDir = QDir::currentPath();  // a run's config holds absolute paths already
    m_source = QStringLiteral("config.yaml");
    const QString text = q(configToYaml(config));
    m_text->setText(text);
    apply(text, Origin::Load);
}

void ConfigEditor::setText(const QString &text, const QString &baseDir, const QString &sourceName)
{
    m_preset.clear();
    m_baseDir = baseDir;
    m_source = sourceName;
    m_text->setText(text);
    apply(text, Origin::Load);
}

QString ConfigEditor::text() const
{
    return m_text->text();
}

// Reads the text with the trainer's loader and shows the result everywhere.
void ConfigEditor::apply(const QString &text, Origin origin)
{
    const std::string source = m_source.toStdString();
    const PathCheck paths = browser()->isLocal() ? PathCheck::ThisMachine : PathCheck::Skip;
    const ConfigReport report = loadConfigText(text.toStdString(), source, m_baseDir.toStdString(), {}, paths);
    m_loaderProblems = report.problems;
    m_textReadable = parseYaml(text.toStdString(), source).ok();
    if (m_textReadable) {
        RunConfig next = report.config;
        // A value the reader refused while the person edits (wrong type, out of range: a problem
        // with a line) did not reach report.config; the form keeps the previous value, marked
        // with the message. A new document has no previous value: the default stands in.
        for (const auto &problem : report.problems) {
            const FieldSpec *spec = fieldOf(problem.field);
            if (spec && !problem.location.empty() && origin != Origin::Load)
                spec->set(next, spec->get(m_config));
        }
        m_config = next;
        if (origin != Origin::Form)
            m_form->setConfig(m_config);
    }
    if (!browser()->isLocal() && m_editable && pathKey(m_config) != m_checkedPaths)
        m_pathCheckTimer.start();
    publishProblems();
    m_estimateTimer.start();
    // Edits only: a config loaded from outside is not news to whoever set it (the main window
    // would otherwise store back a loaded invalid config with its refused values defaulted).
    if (origin == Origin::Form || origin == Origin::Text)
        emit configChanged();
}

// The loader's problems and, for the paths it last looked at, the cluster's; then the verdict.
void ConfigEditor::publishProblems()
{
    m_problems = m_loaderProblems;
    const bool clusterCurrent = !browser()->isLocal() && m_checkedPaths == pathKey(m_config);
    if (clusterCurrent) {
        for (const auto &problem : m_clusterProblems) {
            if (!reportedFor(m_loaderProblems, problem.field))
                m_problems.push_back(problem);
        }
    }
    QString line;
    QString color = QStringLiteral("#57606a");
    if (!browser()->isLocal() && m_editable) {
        const QString where = browser()->location();
        if (!clusterCurrent) {
            line = tr("Checking paths on %1…").arg(where);
        } else if (!m_pathCheckError.isEmpty()) {
            line = tr("Paths not checked on %1: %2").arg(where, m_pathCheckError);
            color = QStringLiteral("#9a6700");
        } else if (m_clusterProblems.empty()) {
            line = tr("Paths found on %1").arg(where);
        }
    }
    m_pathCheck->setText(line);
    m_pathCheck->setToolTip(line);
    m_pathCheck->setStyleSheet(QStringLiteral("color: %1").arg(color));
    m_form->showProblems(m_problems);
    m_text->showProblems(m_problems);
    updateControls();
    if (m_valid != isValid()) {
        m_valid = isValid();
        emit validityChanged(m_valid);
    }
}

// Asks the path browser to look for the config's paths where the run reads them. Runs after a
// pause in the editing; an answer about paths edited since is kept but not shown.
void ConfigEditor::startPathCheck()
{
    const QString key = pathKey(m_config);
    if (browser()->isLocal() || !m_editable || key == m_checkedPaths)
        return;
    const quint64 ticket = ++m_pathCheckTicket;
    browser()->checkPaths(this, m_config, [this, ticket, key](const PathCheckReport &report) {
        if (ticket != m_pathCheckTicket)
            return;
        // A check that could not be made is made again after the next edit.
        m_checkedPaths = key;
        m_clusterProblems = report.problems;
        m_pathCheckError = report.error;
        publishProblems();
        if (!report.error.isEmpty())
            m_checkedPaths.clear();
        emit pathsChecked();
    });
}

void ConfigEditor::onFieldEdited(const QString &path, const QString &yamlValue)
{
    const qsizetype dot = path.indexOf(QLatin1Char('.'));
    const std::string current = text().toStdString();
    auto edited = setFieldInText(current, path.left(dot).toStdString(), path.mid(dot + 1).toStdString(),
                                 yamlValue.toStdString());
    if (!edited && !parseYaml(current, m_source.toStdString())) {
        // Typed text that does not parse yet wins over the form: the form goes back to the last
        // good config and locks until the text is fixed.
        m_form->setConfig(m_config);
        apply(text(), Origin::Text);
        return;
    }
    // A JSON document cannot be edited line by line: it becomes the YAML of the form's config.
    const QString next = edited ? q(edited.value()) : q(configToYaml(m_form->config()));
    m_text->setText(next);
    apply(next, Origin::Form);
}

void ConfigEditor::updateControls()
{
    m_form->setEditable(m_editable && m_textReadable);
    m_form->setToolTip(m_textReadable ? QString() : tr("Fix the YAML error to edit the fields"));
    m_text->setReadOnly(!m_editable);
    m_presets->setEnabled(m_editable);
    m_profiles->setEnabled(m_editable);
    m_import->setEnabled(m_editable);
    {
        const QSignalBlocker block(m_presets);
        m_presets->setCurrentIndex(m_presets->findText(m_preset));
    }
    if (isValid()) {
        m_status->setText(tr("✓ valid"));
        m_status->setStyleSheet(QStringLiteral("color: #1a7f37"));
    } else {
        m_status->setText(tr("%n problem(s)", nullptr, static_cast<int>(m_problems.size())));
        m_status->setStyleSheet(QStringLiteral("color: #cf222e"));
    }
    m_status->setToolTip(problems());
}

QString ConfigEditor::problems() const
{
    QStringList lines;
    for (const auto &problem : m_problems)
        lines << q(problem.toString());
    return lines.join(QLatin1Char('\n'));
}

void ConfigEditor::setEditable(bool editable)
{
    m_editable = editable;
    updateControls();
    // Only a draft's paths are looked for: the config of a run that went out is what it ran with.
    if (m_editable && !browser()->isLocal() && pathKey(m_config) != m_checkedPaths)
        m_pathCheckTimer.start();
    else if (!m_editable)
        m_pathCheckTimer.stop();
    publishProblems();
}

}  // namespace corral
