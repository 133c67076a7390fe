#pragma once
// A run's checkpoints as the browser shows them: each folder's trainer_state.json joined with
// the run's metric series (train loss at that step, val loss of an evaluation at that step),
// its size on disk, which one is best (checkpoints/best) and which one the person chose
// (checkpoints/chosen). A folder with a missing or unreadable trainer_state.json stays in the
// list, with what the folder name and the metrics tell, and a message saying what is wrong.
#include "checkpoints/CheckpointFiles.h"

#include <QJsonObject>
#include <QMap>
#include <QString>
#include <QStringList>
#include <QVector>

#include <limits>

namespace corral {

class RunSeries;

struct CheckpointInfo {
    static constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();

    QString name;  // "step-00000040"
    QString path;
    qint64 step = -1;
    double epoch = kMissing;
    double tokens = kMissing;
    double valLoss = kMissing;
    double perplexity = kMissing;
    bool valLossAtStep = false;  // from an evaluation at this very step (else the last one before it)
    double trainLoss = kMissing;
    double time = kMissing;  // unix seconds it was saved
    double elapsedSeconds = kMissing;
    qint64 sizeBytes = 0;
    QStringList files;
    QMap<QString, qint64> fileSizes;
    bool complete = false;  // all four files of a checkpoint are there
    bool best = false;
    bool chosen = false;
    QString problem;  // empty when all is well
    QJsonObject trainerState;
    QJsonObject adapterConfig;
};

struct CheckpointIndex {
    QString runDir;
    QVector<CheckpointInfo> checkpoints;  // by step
    qint64 bestStep = -1;
    QString bestReason;
    qint64 chosenStep = -1;
    QStringList problems;  // the run's (pointers, listing), and each checkpoint's, one line each
    QMap<QString, QString> runConfig;  // config.yaml flattened: "lora.rank" → "16"

    const CheckpointInfo *find(qint64 step) const;
    const CheckpointInfo *best() const { return find(bestStep); }
    const CheckpointInfo *chosen() const { return find(chosenStep); }
};

// `series` may be null (metrics not read): the trainer states alone then.
CheckpointIndex buildCheckpointIndex(const RunCheckpointFiles &files, const RunSeries *series);
// Whether two indexes show the same (a missing value equals a missing value), so a view can
// skip redrawing when new metric records changed nothing at a checkpoint's step.
bool sameFigures(const CheckpointIndex &a, const CheckpointIndex &b);

// config.yaml (or any YAML mapping) as "section.key" → value text, lists as "[a, b]".
QMap<QString, QString> flattenYaml(const QByteArray &yaml, QString *error = nullptr);
// A JSON object the same way ("sampler.offset" → "120").
QMap<QString, QString> flattenJson(const QJsonObject &object);

}  // namespace corral
