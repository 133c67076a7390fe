#include "checkpoints/CheckpointIndex.h"

#include "checkpoints/ChosenCheckpoint.h"
#include "config/Yaml.h"
#include "metrics/RunSeries.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QLocale>

#include <cmath>

namespace corral {

namespace {

const char *const kRequiredFiles[] = {"adapter_model.safetensors", "adapter_config.json", "trainer_state.json",
                                      "optimizer.pt"};

double number(const QJsonObject &object, const char *key)
{
    const QJsonValue value = object.value(QLatin1StringView(key));
    return value.isDouble() ? value.toDouble() : CheckpointInfo::kMissing;  // null (non-finite) too
}

// The value of `metric` at exactly `step`, from the run's series; NaN when no record has it.
double valueAtStep(const RunSeries *series, Metric metric, qint64 step)
{
    if (!series)
        return CheckpointInfo::kMissing;
    const SeriesRef ref = series->series(metric, XAxis::Step);
    if (ref.size() == 0)
        return CheckpointInfo::kMissing;
    const qsizetype after = ref.x->upperBound(static_cast<double>(step));
    if (after == 0 || (*ref.x)[after - 1] != static_cast<double>(step) || after - 1 >= ref.size())
        return CheckpointInfo::kMissing;
    return (*ref.y)[after - 1];
}

std::optional<QJsonObject> parseObject(const QByteArray &bytes, QString *error)
{
    QJsonParseError parseError{};
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        *error = QStringLiteral("not valid JSON (%1 at byte %2)").arg(parseError.errorString()).arg(parseError.offset);
        return std::nullopt;
    }
    if (!doc.isObject()) {
        *error = QStringLiteral("not a JSON object");
        return std::nullopt;
    }
    return doc.object();
}

CheckpointInfo readFolder(const CheckpointFolder &folder, const RunSeries *series)
{
    CheckpointInfo info;
    info.name = folder.name;
    info.path = folder.path;
    info.files = folder.files;
    info.fileSizes = folder.fileSizes;
    info.sizeBytes = folder.sizeBytes;
    info.step = folder.name.mid(5).toLongLong();
    QStringList problems;
    QStringList missing;
    for (const char *required : kRequiredFiles) {
        if (!folder.files.contains(QLatin1StringView(required)))
            missing << QLatin1StringView(required);
    }
    info.complete = missing.isEmpty();
    if (!folder.readError.isEmpty())
        problems << folder.readError;

    if (!folder.trainerState) {
        if (folder.readError.isEmpty())
            problems << QStringLiteral("trainer_state.json is missing: step from the folder name, figures from the metrics");
    } else {
        QString error;
        if (auto state = parseObject(*folder.trainerState, &error)) {
            info.trainerState = *state;
            const QJsonValue step = state->value(QLatin1StringView("step"));
            if (step.isDouble() && step.toInteger(-1) >= 0 && step.toInteger(-1) != info.step)
                problems << QStringLiteral("trainer_state.json says step %1, the folder name %2")
                                .arg(step.toInteger(-1))
                                .arg(info.step);
            info.epoch = number(*state, "epoch");
            info.tokens = number(*state, "tokens");
            info.valLoss = number(*state, "val_loss");
            info.time = number(*state, "time");
            info.elapsedSeconds = number(*state, "elapsed_s");
        } else {
            problems << QStringLiteral("trainer_state.json: %1; figures from the metrics").arg(error);
        }
    }
    if (!missing.isEmpty() && folder.trainerState)
        problems << QStringLiteral("incomplete: %1 missing").arg(missing.join(QStringLiteral(", ")));
    // checksums.json: the sizes are cheap to compare here (the listing has them); the hashes are
    // the trainer's to check, which reads every byte anyway when it resumes or exports.
    if (folder.checksums) {
        QString error;
        if (auto manifest = parseObject(*folder.checksums, &error)) {
            const QJsonObject listed = manifest->value(QLatin1StringView("files")).toObject();
            for (auto it = listed.begin(); it != listed.end(); ++it) {
                const qint64 saved = it.value().toObject().value(QLatin1StringView("bytes")).toInteger(-1);
                if (folder.fileSizes.contains(it.key()) && folder.fileSizes.value(it.key()) != saved)
                    problems << QStringLiteral("damaged: %1 is %2 bytes, checksums.json says %3")
                                    .arg(it.key())
                                    .arg(folder.fileSizes.value(it.key()))
                                    .arg(saved);
            }
        } else {
            problems << QStringLiteral("checksums.json: %1").arg(error);
        }
    }
    if (folder.adapterConfig) {
        QString error;
        if (auto config = parseObject(*folder.adapterConfig, &error))
            info.adapterConfig = *config;
        else
            problems << QStringLiteral("adapter_config.json: %1").arg(error);
    }

    // The metrics: an evaluation at this very step is the checkpoint's val loss; the trainer
    // state's is the last evaluation at or before it (an older one when saves and evals differ).
    const double evaluated = valueAtStep(series, Metric::ValLoss, info.step);
    if (std::isfinite(evaluated)) {
        info.valLoss = evaluated;
        info.valLossAtStep = true;
    }
    info.perplexity = std::isfinite(info.valLoss) ? std::exp(info.valLoss) : CheckpointInfo::kMissing;
    info.trainLoss = valueAtStep(series, Metric::TrainLoss, info.step);
    if (!std::isfinite(info.tokens) && series && series->trainCount() > 0)
        info.tokens = series->tokensAtStep(info.step);
    if (!std::isfinite(info.time) && folder.modified > 0)
        info.time = static_cast<double>(folder.modified);
    info.problem = problems.join(QStringLiteral("; "));
    return info;
}

QString scalarText(const YamlNode &node)
{
    switch (node.kind) {
    case YamlNode::Kind::Null: return QString();
    case YamlNode::Kind::Scalar: return QString::fromStdString(node.scalar);
    case YamlNode::Kind::Sequence: {
        QStringList items;
        for (const YamlNode &item : node.sequence)
            items << scalarText(item);
        return QLatin1Char('[') + items.join(QStringLiteral(", ")) + QLatin1Char(']');
    }
    case YamlNode::Kind::Mapping: return QStringLiteral("{…}");
    }
    return QString();
}

void flattenNode(const YamlNode &node, const QString &prefix, QMap<QString, QString> &out)
{
    if (node.kind != YamlNode::Kind::Mapping) {
        out.insert(prefix, scalarText(node));
        return;
    }
    for (const auto &[key, child] : node.mapping) {
        const QString name = QString::fromStdString(key);
        flattenNode(child, prefix.isEmpty() ? name : prefix + QLatin1Char('.') + name, out);
    }
}

QString jsonText(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::String: return value.toString();
    case QJsonValue::Null: return QStringLiteral("null");
    case QJsonValue::Bool: return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Double: return QString::number(value.toDouble(), 'g', QLocale::FloatingPointShortest);
    case QJsonValue::Array: {
        QStringList items;
        for (const QJsonValue &item : value.toArray())
            items << jsonText(item);
        return QLatin1Char('[') + items.join(QStringLiteral(", ")) + QLatin1Char(']');
    }
    case QJsonValue::Object: return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
    case QJsonValue::Undefined: break;
    }
    return QString();
}

void flattenValue(const QJsonValue &value, const QString &prefix, QMap<QString, QString> &out)
{
    if (!value.isObject()) {
        out.insert(prefix, jsonText(value));
        return;
    }
    const QJsonObject object = value.toObject();
    for (auto it = object.begin(); it != object.end(); ++it)
        flattenValue(it.value(), prefix.isEmpty() ? it.key() : prefix + QLatin1Char('.') + it.key(), out);
}

}  // namespace

const CheckpointInfo *CheckpointIndex::find(qint64 step) const
{
    if (step < 0)
        return nullptr;
    for (const CheckpointInfo &info : checkpoints) {
        if (info.step == step)
            return &info;
    }
    return nullptr;
}

bool sameFigures(const CheckpointIndex &a, const CheckpointIndex &b)
{
    auto same = [](double x, double y) { return x == y || (std::isnan(x) && std::isnan(y)); };
    if (a.runDir != b.runDir || a.bestStep != b.bestStep || a.chosenStep != b.chosenStep || a.problems != b.problems
        || a.checkpoints.size() != b.checkpoints.size() || a.runConfig != b.runConfig)
        return false;
    for (qsizetype i = 0; i < a.checkpoints.size(); ++i) {
        const CheckpointInfo &x = a.checkpoints.at(i), &y = b.checkpoints.at(i);
        if (x.step != y.step || x.path != y.path || x.sizeBytes != y.sizeBytes || x.best != y.best || x.chosen != y.chosen
            || x.complete != y.complete || x.valLossAtStep != y.valLossAtStep || x.problem != y.problem
            || !same(x.valLoss, y.valLoss) || !same(x.trainLoss, y.trainLoss) || !same(x.tokens, y.tokens)
            || !same(x.time, y.time) || !same(x.epoch, y.epoch))
            return false;
    }
    return true;
}

QMap<QString, QString> flattenYaml(const QByteArray &yaml, QString *error)
{
    QMap<QString, QString> out;
    auto parsed = parseYaml(std::string_view(yaml.constData(), size_t(yaml.size())), "config.yaml");
    if (!parsed) {
        if (error)
            *error = QString::fromStdString(parsed.error().toString());
        return out;
    }
    flattenNode(parsed.value(), QString(), out);
    return out;
}

QMap<QString, QString> flattenJson(const QJsonObject &object)
{
    QMap<QString, QString> out;
    flattenValue(object, QString(), out);
    return out;
}

CheckpointIndex buildCheckpointIndex(const RunCheckpointFiles &files, const RunSeries *series)
{
    CheckpointIndex index;
    index.runDir = files.runDir;
    if (!files.error.isEmpty())
        index.problems << files.error;
    for (const CheckpointFolder &folder : files.folders) {
        CheckpointInfo info = readFolder(folder, series);
        if (!info.problem.isEmpty())
            index.problems << QStringLiteral("%1: %2").arg(info.name, info.problem);
        index.checkpoints.append(std::move(info));
    }
    std::sort(index.checkpoints.begin(), index.checkpoints.end(),
              [](const CheckpointInfo &a, const CheckpointInfo &b) { return a.step < b.step; });

    // Best: what the trainer recorded; without that record, the lowest val loss evaluated at a
    // checkpoint's own step.
    if (files.bestPointer) {
        QString error;
        if (auto best = parseObject(*files.bestPointer, &error)) {
            const qint64 step = best->value(QLatin1StringView("step")).toInteger(-1);
            if (index.find(step)) {
                index.bestStep = step;
                const QString reason = best->value(QLatin1StringView("reason")).toString();
                index.bestReason = reason.isEmpty() ? QStringLiteral("checkpoints/best") : reason;
            } else {
                index.problems << QStringLiteral("checkpoints/best names step %1, which is not in the folder").arg(step);
            }
        } else {
            index.problems << QStringLiteral("checkpoints/best: %1").arg(error);
        }
    }
    if (index.bestStep < 0) {
        double lowest = std::numeric_limits<double>::infinity();
        for (const CheckpointInfo &info : index.checkpoints) {
            if (info.valLossAtStep && info.valLoss < lowest) {
                lowest = info.valLoss;
                index.bestStep = info.step;
            }
        }
        if (index.bestStep >= 0)
            index.bestReason = QStringLiteral("lowest val_loss of the checkpoints listed (no checkpoints/best)");
    }

    if (files.chosenPointer) {
        const auto chosen = parseChosenPointer(*files.chosenPointer);
        if (!chosen)
            index.problems << QStringLiteral("checkpoints/chosen: %1").arg(QString::fromStdString(chosen.error().message));
        else if (!index.find(chosen.value().step))
            index.problems << QStringLiteral("checkpoints/chosen names step %1, which is not in the folder")
                                  .arg(chosen.value().step);
        else
            index.chosenStep = chosen.value().step;
    }
    for (CheckpointInfo &info : index.checkpoints) {
        info.best = info.step == index.bestStep;
        info.chosen = info.step == index.chosenStep;
    }
    if (files.runConfig) {
        QString error;
        index.runConfig = flattenYaml(*files.runConfig, &error);
        if (!error.isEmpty())
            index.problems << error;
    }
    return index;
}

}  // namespace corral
