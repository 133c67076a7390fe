// What the app reads from a run's checkpoints folder, locally or over SFTP, written by any
// version of corral-train or by hand: trainer_state.json and adapter_config.json of each
// checkpoint, the best and chosen pointers, the run's config.yaml, and the run's metrics and
// events. The index never crashes on them; it lists checkpoints by step, names as best and
// chosen only checkpoints it lists (each flagged once), and compares equal to itself; and the
// Checkpoints tab's models (table, sorted by every column, and the comparison) show it.
//
// Input: named parts. "--- folder step-00000010" starts a checkpoint folder; the
// "--- trainer_state", "--- adapter_config" and "--- files a,b" parts after it belong to it.
// "--- best", "--- chosen", "--- config" (config.yaml), "--- metrics" and "--- events" (JSON
// lines) belong to the run.
#include "FuzzSupport.h"

#include "checkpoints/CheckpointComparison.h"
#include "checkpoints/CheckpointIndex.h"
#include "checkpoints/CheckpointTableModel.h"
#include "checkpoints/ChosenCheckpoint.h"
#include "metrics/JsonlTailer.h"
#include "metrics/MetricLineParser.h"
#include "metrics/RunSeries.h"

#include <algorithm>
#include <cmath>
#include <functional>

using namespace corral;

namespace {

QByteArray bytesOf(const std::string &text)
{
    return QByteArray(text.data(), qsizetype(text.size()));
}

void readLines(const std::string &text, const std::function<void(QByteArrayView, qint64)> &onLine)
{
    JsonlLineSplitter splitter;
    splitter.feed(QByteArrayView(text.data(), qsizetype(text.size())), onLine);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    RunCheckpointFiles files;
    files.runDir = QStringLiteral("/runs/fuzz");
    RunSeries series;
    for (const auto &part : fuzz::splitParts(fuzz::asText(data, size))) {
        CheckpointFolder *folder = files.folders.isEmpty() ? nullptr : &files.folders.last();
        if (part.name == "folder") {
            const QString name = QString::fromStdString(part.argument);
            const bool listed = std::any_of(files.folders.begin(), files.folders.end(),
                                            [&](const CheckpointFolder &f) { return f.name == name; });
            if (!isCheckpointFolderName(name) || listed)
                continue;  // the readers list step-NNNNNNNN folders only, each once
            CheckpointFolder added;
            added.name = name;
            added.path = files.runDir + QStringLiteral("/checkpoints/") + name;
            added.modified = static_cast<qint64>(part.text.size());
            files.folders.append(added);
        } else if (part.name == "trainer_state" && folder) {
            folder->trainerState = bytesOf(part.text);
        } else if (part.name == "adapter_config" && folder) {
            folder->adapterConfig = bytesOf(part.text);
        } else if (part.name == "files" && folder) {
            for (const QString &file : QString::fromStdString(part.argument).split(QLatin1Char(','))) {
                folder->files << file;
                folder->fileSizes.insert(file, qint64(part.text.size()));
                folder->sizeBytes += qint64(part.text.size());
            }
        } else if (part.name == "best") {
            files.bestPointer = bytesOf(part.text);
        } else if (part.name == "chosen") {
            files.chosenPointer = bytesOf(part.text);
            const auto chosen = parseChosenPointer(*files.chosenPointer);
            if (chosen)
                FUZZ_CHECK(chosen.value().step >= 0, "a chosen pointer with a negative step");
        } else if (part.name == "config") {
            files.runConfig = bytesOf(part.text);
        } else if (part.name == "metrics") {
            readLines(part.text, [&](QByteArrayView line, qint64) {
                const ParsedMetricLine parsed = parseMetricLine(line);
                if (parsed.outcome == ParsedMetricLine::Outcome::Record)
                    series.append(parsed.record);
            });
        } else if (part.name == "events") {
            JsonlBatch batch;
            readLines(part.text, [&](QByteArrayView line, qint64 number) {
                JsonlTailer::addLine(line, number, QStringLiteral("events.jsonl"), batch);
            });
            for (const QJsonObject &event : batch.objects)
                series.appendEvent(event);
        }
    }

    const RunSeries *const choices[] = {nullptr, &series};
    for (const RunSeries *withSeries : choices) {
        const CheckpointIndex index = buildCheckpointIndex(files, withSeries);
        FUZZ_CHECK(index.checkpoints.size() == files.folders.size(), "checkpoints lost from the index");
        int best = 0, chosen = 0;
        for (qsizetype i = 0; i < index.checkpoints.size(); ++i) {
            const CheckpointInfo &info = index.checkpoints[i];
            FUZZ_CHECK(i == 0 || index.checkpoints[i - 1].step <= info.step, "checkpoints not in step order");
            FUZZ_CHECK(info.step >= 0, "a checkpoint with a negative step");
            FUZZ_CHECK(std::isnan(info.valLoss) == std::isnan(info.perplexity),
                       "perplexity without a val loss, or the reverse");
            best += info.best;
            chosen += info.chosen;
        }
        FUZZ_CHECK(index.bestStep < 0 ? best == 0 : index.best() != nullptr, "best names a checkpoint not listed");
        FUZZ_CHECK(index.chosenStep < 0 ? chosen == 0 : index.chosen() != nullptr,
                   "chosen names a checkpoint not listed");
        FUZZ_CHECK(sameFigures(index, index), "an index that differs from itself");

        CheckpointTableModel table;
        table.setIndex(index);
        for (int column = 0; column < CheckpointTableModel::ColumnCount; ++column) {
            for (const Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
                table.sort(column, order);
                const int roles[] = {Qt::DisplayRole, Qt::ToolTipRole, CheckpointTableModel::SortRole};
                for (int row = 0; row < table.rowCount(); ++row) {
                    for (const int role : roles)
                        (void)table.data(table.index(row, column), role);
                }
            }
        }
        QVector<ComparedCheckpoint> compared;
        for (const CheckpointInfo &info : index.checkpoints)
            compared.append({QStringLiteral("run"), info, index.runConfig});
        CheckpointComparisonModel comparison;
        comparison.setCheckpoints(compared);
        for (int row = 0; row < comparison.rowCount(); ++row) {
            for (int column = 0; column < comparison.columnCount(); ++column)
                (void)comparison.data(comparison.index(row, column));
        }
    }
    return 0;
}
