#pragma once
// How checkpoint figures read in tables and comparisons, and the sort rule the tables share:
// numbers by value (never as text: "9" before "10"), a missing value last in either direction.
#include <QString>
#include <QVariant>

#include <functional>
#include <vector>

#include <Qt>

namespace corral {

QString formatLoss(double value);     // "2.3141"; "" when missing
QString formatCount(double value);    // "245,760"; "" when missing
QString formatBytes(qint64 bytes);    // "1.4 MiB"
QString formatUnixTime(double unixSeconds);  // local "2026-11-25 10:42:07"; "" when missing or past 9999
inline constexpr double kLastUnixSecond = 253402300800.0;  // 10000-01-01T00:00:00Z

// The row order for `count` rows by key(row): doubles by value, strings by locale; a missing
// key (an invalid QVariant, NaN) after every present one whatever the order; ties keep their order.
std::vector<int> sortedRows(int count, const std::function<QVariant(int)> &key, Qt::SortOrder order);

}  // namespace corral
