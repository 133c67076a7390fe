// ConfigEditor's documents as files: presets, import, export (relative paths rewritten for the
// new folder) and the diff against a preset or another config. Config files are always this
// computer's, whatever profile the run is meant for.
#include "ConfigEditor.h"

#include "ConfigDiffDialog.h"
#include "config/ConfigTextEdit.h"
#include "config/ConfigWriter.h"
#include "config/Schema.h"
#include "config/Yaml.h"
#include "runs/Paths.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include <filesystem>

namespace corral {

namespace {
QString q(const std::string &s) { return QString::fromStdString(s); }

bool isRelativePath(const std::string &p)
{
    return !p.empty() && p != "byte" && std::filesystem::path(p).is_relative();
}
}  // namespace

QStringList ConfigEditor::presetNames() const
{
    QStringList names;
    const QDir dir(QDir(resourcesDir()).filePath(QStringLiteral("presets")));
    for (const QFileInfo &file : dir.entryInfoList({QStringLiteral("*.yaml")}, QDir::Files, QDir::Name))
        names << file.completeBaseName();
    // The demo first: it runs anywhere; the Llama presets follow by size.
    if (names.removeOne(QStringLiteral("tiny-demo")))
        names.prepend(QStringLiteral("tiny-demo"));
    return names;
}

QString ConfigEditor::presetFile(const QString &name) const
{
    return QDir(QDir(resourcesDir()).filePath(QStringLiteral("presets"))).filePath(name + QStringLiteral(".yaml"));
}

bool ConfigEditor::loadPreset(const QString &name)
{
    QString error;
    if (!presetNames().contains(name) || !importFile(presetFile(name), &error))
        return false;
    m_preset = name;
    updateControls();
    return true;
}

bool ConfigEditor::importFile(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = tr("Cannot read %1: %2").arg(path, file.errorString());
        return false;
    }
    const QFileInfo info(path);
    setText(QString::fromUtf8(file.readAll()), info.absolutePath(), info.fileName());
    return true;
}

QString ConfigEditor::textForFolder(const QString &folder) const
{
    const QString current = text();
    if (QDir(folder).absolutePath() == QDir(m_baseDir).absolutePath())
        return current;
    auto root = parseYaml(current.toStdString(), m_source.toStdString());
    if (!root)
        return current;  // written as it is; its problems are shown
    std::string out = current.toStdString();
    for (const char *path : {"model.path", "model.tokenizer", "data.files"}) {
        const std::string p(path);
        const std::string section = p.substr(0, p.find('.'));
        const std::string key = p.substr(p.find('.') + 1);
        const YamlNode *s = root.value().find(section);
        const YamlNode *node = s ? s->find(key) : nullptr;
        if (!node)
            continue;
        bool relative = node->kind == YamlNode::Kind::Scalar && isRelativePath(node->scalar);
        for (const auto &item : node->sequence)
            relative = relative || isRelativePath(item.scalar);
        if (!relative)
            continue;
        const FieldSpec &spec = *findField(section, key);
        auto edited = setFieldInText(out, section, key, formatFieldValue(spec, spec.get(m_config)));
        if (!edited)  // JSON: write the whole config, paths resolved
            return q(configToYaml(m_config));
        out = edited.value();
    }
    return q(out);
}

bool ConfigEditor::exportFile(const QString &path, QString *error)
{
    const QFileInfo info(path);
    const QString text = textForFolder(info.absolutePath());
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(text.toUtf8()) < 0 || !file.commit()) {
        if (error)
            *error = tr("Cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    // The document now is that file: its folder anchors relative paths.
    const QString preset = m_preset;
    setText(text, info.absolutePath(), info.fileName());
    m_preset = preset;
    updateControls();
    return true;
}

ConfigDiffDialog *ConfigEditor::openDiff()
{
    QList<QPair<QString, QString>> presets;
    for (const QString &name : presetNames())
        presets.append({name, presetFile(name)});
    auto *dialog = new ConfigDiffDialog(m_config, presets, configFileBrowser(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->compareWithPreset(m_preset.isEmpty() ? presets.value(0).first : m_preset);
    dialog->show();
    return dialog;
}

}  // namespace corral
