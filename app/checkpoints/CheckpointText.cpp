#include "checkpoints/CheckpointText.h"

#include <QDateTime>
#include <QLocale>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace corral {

QString formatLoss(double value)
{
    return std::isfinite(value) ? QString::number(value, 'f', 4) : QString();
}

QString formatCount(double value)
{
    if (!std::isfinite(value))
        return QString();
    QLocale locale(QLocale::English);
    return locale.toString(static_cast<qlonglong>(std::llround(value)));
}

QString formatBytes(qint64 bytes)
{
    if (bytes < 1024)
        return QStringLiteral("%1 B").arg(bytes);
    const char *units[] = {"KiB", "MiB", "GiB", "TiB"};
    double value = static_cast<double>(bytes) / 1024.0;
    int unit = 0;
    while (value >= 1024.0 && unit < 3) {
        value /= 1024.0;
        ++unit;
    }
    return QStringLiteral("%1 %2").arg(QString::number(value, 'f', value < 10 ? 2 : 1), QLatin1StringView(units[unit]));
}

QString formatUnixTime(double unixSeconds)
{
    // Up to the year 9999: a later "time" (a corrupt file) would overflow the conversion to
    // milliseconds, which is undefined behaviour, and means nothing anyway.
    if (!(unixSeconds > 0 && unixSeconds < kLastUnixSecond))
        return QString();
    return QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(unixSeconds * 1000.0))
        .toLocalTime()
        .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

std::vector<int> sortedRows(int count, const std::function<QVariant(int)> &key, Qt::SortOrder order)
{
    std::vector<int> rows(static_cast<size_t>(count));
    std::iota(rows.begin(), rows.end(), 0);
    std::vector<QVariant> keys;
    keys.reserve(rows.size());
    for (int row = 0; row < count; ++row)
        keys.push_back(key(row));
    auto missing = [](const QVariant &v) {
        return !v.isValid() || (v.typeId() == QMetaType::Double && std::isnan(v.toDouble()));
    };
    std::stable_sort(rows.begin(), rows.end(), [&](int a, int b) {
        const QVariant &ka = keys[size_t(a)], &kb = keys[size_t(b)];
        const bool ma = missing(ka), mb = missing(kb);
        if (ma || mb)
            return !ma && mb;  // present before missing, in both orders
        int cmp = 0;
        if (ka.typeId() == QMetaType::QString || kb.typeId() == QMetaType::QString) {
            cmp = QString::localeAwareCompare(ka.toString(), kb.toString());
        } else {
            const double da = ka.toDouble(), db = kb.toDouble();
            cmp = da < db ? -1 : da > db ? 1 : 0;
        }
        return order == Qt::AscendingOrder ? cmp < 0 : cmp > 0;
    });
    return rows;
}

}  // namespace corral
