#include "checkpoints/CheckpointComparison.h"

#include "checkpoints/CheckpointText.h"

#include <QSet>

#include <cmath>

namespace corral {

namespace {

bool allEqual(const QStringList &values)
{
    for (const QString &v : values) {
        if (v != values.first())
            return false;
    }
    return true;
}

void addSection(QVector<ComparisonRow> &rows, const QString &section, const QVector<QMap<QString, QString>> &maps,
                const QSet<QString> &skip = {})
{
    QStringList keys;
    for (const auto &map : maps) {
        for (auto it = map.begin(); it != map.end(); ++it) {
            if (!keys.contains(it.key()) && !skip.contains(it.key()))
                keys << it.key();
        }
    }
    keys.sort();
    for (const QString &key : keys) {
        ComparisonRow row{section, key, {}, false};
        for (const auto &map : maps)
            row.values << map.value(key);
        row.differs = !allEqual(row.values);
        rows.append(row);
    }
}

}  // namespace

QVector<ComparisonRow> compareCheckpoints(const QVector<ComparedCheckpoint> &checkpoints)
{
    QVector<ComparisonRow> rows;
    const QString figures = QStringLiteral("checkpoint");
    auto figure = [&](const QString &field, const std::function<QString(const ComparedCheckpoint &)> &text) {
        ComparisonRow row{figures, field, {}, false};
        for (const ComparedCheckpoint &c : checkpoints)
            row.values << text(c);
        row.differs = !allEqual(row.values);
        rows.append(row);
    };
    figure(QStringLiteral("run"), [](const ComparedCheckpoint &c) { return c.runName; });
    figure(QStringLiteral("step"), [](const ComparedCheckpoint &c) { return QString::number(c.info.step); });
    figure(QStringLiteral("tokens"), [](const ComparedCheckpoint &c) { return formatCount(c.info.tokens); });
    figure(QStringLiteral("epoch"), [](const ComparedCheckpoint &c) {
        return std::isfinite(c.info.epoch) ? QString::number(c.info.epoch, 'f', 3) : QString();
    });
    figure(QStringLiteral("val loss"), [](const ComparedCheckpoint &c) { return formatLoss(c.info.valLoss); });
    figure(QStringLiteral("perplexity"), [](const ComparedCheckpoint &c) {
        return std::isfinite(c.info.perplexity) ? QString::number(c.info.perplexity, 'f', 3) : QString();
    });
    figure(QStringLiteral("train loss"), [](const ComparedCheckpoint &c) { return formatLoss(c.info.trainLoss); });
    figure(QStringLiteral("saved"), [](const ComparedCheckpoint &c) { return formatUnixTime(c.info.time); });
    figure(QStringLiteral("size"), [](const ComparedCheckpoint &c) { return formatBytes(c.info.sizeBytes); });
    figure(QStringLiteral("best"), [](const ComparedCheckpoint &c) { return c.info.best ? QStringLiteral("yes") : QStringLiteral("no"); });
    figure(QStringLiteral("chosen"), [](const ComparedCheckpoint &c) { return c.info.chosen ? QStringLiteral("yes") : QStringLiteral("no"); });

    QVector<QMap<QString, QString>> adapters, configs, states;
    for (const ComparedCheckpoint &c : checkpoints) {
        adapters << flattenJson(c.info.adapterConfig);
        configs << c.runConfig;
        states << flattenJson(c.info.trainerState);
    }
    addSection(rows, QStringLiteral("adapter_config.json"), adapters);
    addSection(rows, QStringLiteral("config.yaml"), configs);
    // The figures above already show these.
    addSection(rows, QStringLiteral("trainer_state.json"), states,
               {QStringLiteral("step"), QStringLiteral("epoch"), QStringLiteral("tokens"), QStringLiteral("val_loss"),
                QStringLiteral("time")});
    return rows;
}

void CheckpointComparisonModel::setCheckpoints(const QVector<ComparedCheckpoint> &checkpoints)
{
    beginResetModel();
    m_checkpoints = checkpoints;
    m_all = compareCheckpoints(checkpoints);
    rebuild();
    endResetModel();
}

void CheckpointComparisonModel::setOnlyDifferences(bool only)
{
    if (only == m_onlyDifferences)
        return;
    beginResetModel();
    m_onlyDifferences = only;
    rebuild();
    endResetModel();
}

void CheckpointComparisonModel::rebuild()
{
    m_shown.clear();
    for (const ComparisonRow &row : m_all) {
        // "run" and "step" always stay: they say which column is which.
        const bool identity = row.section == QLatin1StringView("checkpoint")
            && (row.field == QLatin1StringView("run") || row.field == QLatin1StringView("step"));
        if (!m_onlyDifferences || row.differs || identity)
            m_shown.append(row);
    }
}

int CheckpointComparisonModel::rowOf(const QString &section, const QString &field) const
{
    for (int i = 0; i < m_shown.size(); ++i) {
        if (m_shown.at(i).section == section && m_shown.at(i).field == field)
            return i;
    }
    return -1;
}

int CheckpointComparisonModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_shown.size());
}

int CheckpointComparisonModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : FirstValue + int(m_checkpoints.size());
}

QVariant CheckpointComparisonModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ComparisonRow &row = m_shown.at(index.row());
    if (role == DiffersRole)
        return row.differs;
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    switch (index.column()) {
    case Section: return row.section;
    case Field: return row.field;
    default: return row.values.value(index.column() - FirstValue);
    }
}

QVariant CheckpointComparisonModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    if (section == Section)
        return tr("Section");
    if (section == Field)
        return tr("Field");
    const int i = section - FirstValue;
    if (i < 0 || i >= m_checkpoints.size())
        return {};
    return tr("%1 · step %2").arg(m_checkpoints.at(i).runName).arg(m_checkpoints.at(i).info.step);
}

}  // namespace corral
