#include "slurm/SinfoParser.h"

#include <QSet>

#include <algorithm>
#include <limits>

namespace corral {

namespace {
// Splits on commas outside parentheses: "gpu:4(S:0,1),mps:100" has two items.
QStringList splitTopLevel(const QString &text)
{
    QStringList items;
    QString current;
    int depth = 0;
    for (const QChar c : text) {
        if (c == QLatin1Char('('))
            ++depth;
        else if (c == QLatin1Char(')'))
            depth = std::max(0, depth - 1);
        if (c == QLatin1Char(',') && depth == 0) {
            items << current;
            current.clear();
        } else {
            current += c;
        }
    }
    items << current;
    return items;
}

// "4", "4K" → 4, 4096; -1 when it is not a count (or not one an int holds).
int countOf(const QString &text)
{
    bool ok = false;
    QString digits = text;
    qint64 factor = 1;
    if (digits.endsWith(QLatin1Char('K'))) {
        factor = 1024;
        digits.chop(1);
    }
    const qint64 n = digits.toInt(&ok);
    return ok && n >= 0 && n * factor <= std::numeric_limits<int>::max() ? int(n * factor) : -1;
}

// "8000", "8000+", "257000" (MB) → the number
qint64 megabytes(QString text)
{
    while (!text.isEmpty() && !text.back().isDigit())
        text.chop(1);
    return text.toLongLong();
}
}  // namespace

QString PartitionInfo::gpuSummary() const
{
    if (gpus.isEmpty())
        return QStringLiteral("none");
    QStringList parts;
    for (const GpuCount &g : gpus)
        parts << QStringLiteral("%1 ×%2").arg(g.type.isEmpty() ? QStringLiteral("gpu") : g.type).arg(g.perNode);
    return parts.join(QStringLiteral(", "));
}

QString ClusterInfo::defaultPartition() const
{
    for (const PartitionInfo &p : partitions)
        if (p.isDefault)
            return p.name;
    return {};
}

QStringList ClusterInfo::gpuTypes() const
{
    QSet<QString> types;
    for (const PartitionInfo &p : partitions)
        for (const GpuCount &g : p.gpus)
            types.insert(g.type.isEmpty() ? QStringLiteral("gpu") : g.type);
    QStringList sorted(types.begin(), types.end());
    sorted.sort();
    return sorted;
}

QStringList sinfoCommand()
{
    return {QStringLiteral("sinfo"), QStringLiteral("-h"), QStringLiteral("-o"), QStringLiteral("%P|%a|%D|%t|%G|%l|%c|%m")};
}

QList<GpuCount> parseGres(const QString &field)
{
    QList<GpuCount> gpus;
    const QString trimmed = field.trimmed();
    if (trimmed.isEmpty() || trimmed == QLatin1StringView("(null)"))
        return gpus;
    for (QString item : splitTopLevel(trimmed)) {
        if (const int paren = item.indexOf(QLatin1Char('(')); paren >= 0)
            item.truncate(paren);  // socket or index annotation: (S:0-1), (IDX:0-3)
        const QStringList parts = item.trimmed().split(QLatin1Char(':'));
        if (parts.first() != QLatin1StringView("gpu"))
            continue;
        GpuCount gpu;
        if (parts.size() == 1) {
            gpu.perNode = 1;
        } else if (parts.size() == 2) {
            const int n = countOf(parts[1]);
            if (n >= 0) {
                gpu.perNode = n;
            } else {
                gpu.type = parts[1];
                gpu.perNode = 1;
            }
        } else {
            gpu.type = parts[1];
            gpu.perNode = countOf(parts[2]);
            if (gpu.perNode < 0)
                continue;
        }
        if (gpu.perNode > 0 && !gpus.contains(gpu))
            gpus << gpu;
    }
    return gpus;
}

ClusterInfo parseSinfo(const QString &output)
{
    ClusterInfo info;
    for (const QString &rawLine : output.split(QLatin1Char('\n'))) {
        const QString line = rawLine.trimmed();
        if (line.isEmpty())
            continue;
        const QStringList f = line.split(QLatin1Char('|'));
        if (f.size() < 8 || f[0].isEmpty())
            continue;
        QString name = f[0];
        const bool isDefault = name.endsWith(QLatin1Char('*'));
        if (isDefault)
            name.chop(1);
        if (name.isEmpty())
            continue;  // "*" alone names no partition
        bool nodesOk = false;
        const int nodes = f[2].toInt(&nodesOk);
        if (!nodesOk || nodes < 0)
            continue;
        auto it = std::find_if(info.partitions.begin(), info.partitions.end(),
                               [&](const PartitionInfo &p) { return p.name == name; });
        if (it == info.partitions.end()) {
            PartitionInfo p;
            p.name = name;
            p.availability = f[1];
            p.timeLimit = f[5];
            info.partitions << p;
            it = info.partitions.end() - 1;
        }
        it->isDefault = it->isDefault || isDefault;
        it->nodes = int(std::min<qint64>(qint64(it->nodes) + nodes, std::numeric_limits<int>::max()));
        if (!f[3].isEmpty() && !it->states.contains(f[3]))
            it->states << f[3];
        for (const GpuCount &g : parseGres(f[4]))
            if (!it->gpus.contains(g))
                it->gpus << g;
        it->cpusPerNode = std::max(it->cpusPerNode, countOf(f[6].section(QLatin1Char('+'), 0, 0)));
        it->memoryPerNodeMb = std::max(it->memoryPerNodeMb, megabytes(f[7]));
    }
    return info;
}

}  // namespace corral
